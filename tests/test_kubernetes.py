"""The Kubernetes manifests (deploy = kubernetes), without a cluster (this machine has none).

Every overlay of every such render builds with `kubectl kustomize` and validates against the
Kubernetes schemas offline (kubernetes-validate, strict). `drift` holds what ties the manifests to
the app they deploy, and is shown to catch a probe path, a port or a grace period that drifts.
The containers' commands then run on this machine, with the environment that the manifests give
them, against PostgreSQL and Redis.
"""

import json
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from redis import Redis

from tests import postgres, redis_server
from tests.image import image_command, image_user
from tests.processes import free_port, on_this_machine, serving
from tests.rendering import (
    Answers,
    chosen_options,
    combination_id,
    environment,
    file_check_combinations,
    fullest,
    render,
    run,
    server_unavailable,
)

# The oldest Kubernetes release still supported upstream when these manifests were written.
KUBERNETES_VERSION = "1.32.0"
OVERLAYS = ("staging", "production")
ROWS = [row for row in file_check_combinations() if row["deploy"] == "kubernetes"]
# Variables that a library reads from the environment itself, not the settings.
LIBRARY_VARIABLES = {"OTEL_SERVICE_NAME"}

Resource = dict[str, Any]


def kubectl() -> str:
    """kubectl's path; without it, skip locally and fail under CI."""
    path = shutil.which("kubectl")
    if path is None:
        server_unavailable(
            "kubectl is not installed (https://kubernetes.io/docs/tasks/tools/)",
            "the Kubernetes renders' checks",
        )
    return path


def build(overlay: Path) -> list[Resource]:
    result = run([kubectl(), "kustomize", str(overlay)], overlay)
    assert result.returncode == 0, result.stderr
    return [resource for resource in yaml.safe_load_all(result.stdout) if resource]


@dataclass(frozen=True)
class Rendered:
    answers: Answers
    project: Path
    overlays: dict[str, list[Resource]]


@pytest.fixture(scope="module", params=ROWS, ids=combination_id)
def rendered(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    project = render(tmp_path_factory.mktemp("render"), request.param)
    overlays = project / "deploy" / "kubernetes" / "overlays"
    return Rendered(request.param, project, {name: build(overlays / name) for name in OVERLAYS})


def named(resources: list[Resource], kind: str, component: str | None = None) -> Resource:
    """The one resource of the kind (and, for a Deployment, of the component)."""
    (found,) = [
        resource
        for resource in resources
        if resource["kind"] == kind
        and (
            component is None
            or resource["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
            == component
        )
    ]
    return found


def containers(resource: Resource) -> list[Resource]:
    pod = resource["spec"]["template"]["spec"]
    return [*pod.get("initContainers", []), *pod["containers"]]


def settings_names(project: Path) -> set[str]:
    """The variables that the app's Settings read: its fields' names in capitals."""
    source = (project / "app" / "core" / "config.py").read_text()
    settings = source.split("class Settings(BaseSettings):", 1)[1].split("\n\n\n", 1)[0]
    return {name.upper() for name in re.findall(r"^    ([a-z_]+):", settings, re.MULTILINE)}


def health_routes(project: Path) -> set[str]:
    source = (project / "app" / "api" / "health.py").read_text()
    return set(re.findall(r'@router\.get\(\s*"([^"]+)"', source))


def secret_names(project: Path) -> list[str]:
    """The variables that docs/kubernetes.md has the Secret made with."""
    return re.findall(r"--from-literal=(\w+)=", (project / "docs" / "kubernetes.md").read_text())


def drift(project: Path, resources: list[Resource]) -> list[str]:
    """What in an overlay's resources disagrees with the app that they deploy."""
    problems = []
    config = named(resources, "ConfigMap")["data"]
    web = named(resources, "Deployment", "web")
    pod = web["spec"]["template"]["spec"]
    (server,) = pod["containers"]
    ports = {port["name"]: port["containerPort"] for port in server["ports"]}
    routes = health_routes(project)
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        get = server[probe]["httpGet"]
        if get["path"] not in routes:
            problems.append(f"{probe} asks for {get['path']}, not one of the app's {routes}")
        if ports.get(get["port"]) != int(config["PORT"]):
            problems.append(f"{probe} asks port {get['port']}, not PORT {config['PORT']}")
    if server["readinessProbe"]["httpGet"]["path"] != "/health/ready":
        problems.append("the readiness probe is not the one that asks the database")
    if server["readinessProbe"]["timeoutSeconds"] <= float(config["READINESS_TIMEOUT_SECONDS"]):
        problems.append("the readiness probe gives up before the app's own check would")
    pause = int(server["lifecycle"]["preStop"]["exec"]["command"][-1])
    drain = int(config["GRACEFUL_SHUTDOWN_SECONDS"])
    if pod["terminationGracePeriodSeconds"] <= pause + drain:
        problems.append(
            f"terminationGracePeriodSeconds {pod['terminationGracePeriodSeconds']} is not above "
            f"the preStop pause ({pause}) and GRACEFUL_SHUTDOWN_SECONDS ({drain})"
        )
    service = named(resources, "Service")
    if {port["targetPort"] for port in service["spec"]["ports"]} - set(ports):
        problems.append("the Service sends to a port that the web container does not name")
    ingress = named(resources, "Ingress")
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    if hosts - set(json.loads(config["ALLOWED_HOSTS"])):
        problems.append(f"the Ingress's hosts {hosts} are not all in ALLOWED_HOSTS")
    if "PUBLIC_URL" in config and urlsplit(config["PUBLIC_URL"]).hostname not in hosts:
        problems.append(f"PUBLIC_URL, where mailed links lead, is none of the Ingress's {hosts}")
    for resource in resources:
        if resource["kind"] != "Deployment":
            continue
        for container in containers(resource):
            probe = container.get("livenessProbe", {}).get("exec", {}).get("command")
            if probe is not None and f"app.{probe[-1]}" not in container["command"]:
                problems.append(f"{container['name']}'s liveness probe asks about {probe[-1]}")
    if config["WEB_CONCURRENCY"] != "1":
        problems.append("a pod runs more than one server process")
    known = settings_names(project) | LIBRARY_VARIABLES
    for name in sorted({*config, *secret_names(project)} - known):
        problems.append(f"{name} is no setting of the app")
    command, user = image_command(project), image_user(project)
    if "command" in server and server["command"] != command:
        problems.append(f"the web container runs {server['command']}, not the image's {command}")
    for resource in resources:
        if resource["kind"] != "Deployment":
            continue
        spec = resource["spec"]["template"]["spec"]
        context = spec["securityContext"]
        if not context.get("runAsNonRoot") or context.get("runAsUser") != user:
            problems.append(f"{resource['metadata']['name']} may run as another user than {user}")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{resource['metadata']['name']} mounts an API token")
        for container in containers(resource):
            security = container["securityContext"]
            if (
                security.get("readOnlyRootFilesystem") is not True
                or security.get("allowPrivilegeEscalation") is not False
                or security.get("capabilities", {}).get("drop") != ["ALL"]
            ):
                problems.append(f"{container['name']} may write its image, or gain privileges")
    return problems


def test_every_overlay_builds_and_validates_against_the_schemas(rendered: Rendered) -> None:
    invalid = []
    for overlay, resources in rendered.overlays.items():
        for resource in resources:
            try:
                kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                invalid.append(f"{overlay}: {resource['kind']}: {error.message}")

    assert invalid == []


def test_every_overlay_has_the_resources_of_the_answers(rendered: Rendered) -> None:
    jobs = rendered.answers["background_jobs"] == "taskiq"
    expected = [
        "ConfigMap",
        "Deployment",
        *(["Deployment", "Deployment"] if jobs else []),
        "HorizontalPodAutoscaler",
        "Ingress",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    ]

    for overlay, resources in rendered.overlays.items():
        assert sorted(resource["kind"] for resource in resources) == expected, overlay
        web = named(resources, "Deployment", "web")
        init = [
            container["name"]
            for container in web["spec"]["template"]["spec"].get("initContainers", [])
        ]
        assert init == (["migrate"] if rendered.answers["use_alembic"] else []), overlay
        assert {resource["metadata"]["namespace"] for resource in resources} == {
            f"{rendered.project.name.replace('_', '-')}-{overlay}"
        }


def test_the_manifests_agree_with_the_app(rendered: Rendered) -> None:
    for overlay, resources in rendered.overlays.items():
        assert drift(rendered.project, resources) == [], overlay


def test_the_containers_commands_are_the_image_s_and_compose_s(rendered: Rendered) -> None:
    compose = yaml.safe_load((rendered.project / "compose.yaml").read_text())["services"]
    resources = rendered.overlays["production"]
    web = named(resources, "Deployment", "web")
    commands = {container["name"]: container.get("command") for container in containers(web)}
    if rendered.answers["background_jobs"] == "taskiq":
        for component in ("worker", "scheduler"):
            (container,) = containers(named(resources, "Deployment", component))
            commands[component] = container["command"]

    assert commands.pop("web") is None  # the image's own
    assert commands == {name: compose[name]["command"] for name in commands}


def test_no_secret_is_in_the_manifests(rendered: Rendered) -> None:
    for overlay, resources in rendered.overlays.items():
        secret_refs = {
            source["secretRef"]["name"]
            for resource in resources
            if resource["kind"] == "Deployment"
            for container in containers(resource)
            for source in container["envFrom"]
            if "secretRef" in source
        }
        assert [r["kind"] for r in resources if r["kind"] == "Secret"] == [], overlay
        assert secret_refs == {f"{rendered.project.name.replace('_', '-')}-secrets"}, overlay
        config = named(resources, "ConfigMap")["data"]
        assert not set(config) & set(secret_names(rendered.project)), overlay


# Each change to the web pod's spec that drift() must catch, and what it says then.
DRIFTS: dict[str, tuple[Callable[[Resource], object], str]] = {
    "probe path": (
        lambda pod: pod["containers"][0]["readinessProbe"]["httpGet"].update(path="/ready"),
        "readinessProbe asks for /ready",
    ),
    "port": (
        lambda pod: pod["containers"][0]["ports"][0].update(containerPort=8080),
        "asks port http, not PORT 8000",
    ),
    "grace period": (
        lambda pod: pod.update(terminationGracePeriodSeconds=25),
        "terminationGracePeriodSeconds 25 is not above",
    ),
}


@pytest.mark.parametrize("change", DRIFTS)
def test_drift_is_caught(change: str, tmp_path: Path) -> None:
    row = ROWS[0]
    project = render(tmp_path, row)
    resources = build(project / "deploy" / "kubernetes" / "overlays" / "production")
    drifted = deepcopy(resources)
    mutate, problem = DRIFTS[change]
    mutate(named(drifted, "Deployment", "web")["spec"]["template"]["spec"])

    assert drift(project, resources) == []
    assert any(problem in found for found in drift(project, drifted)), drift(project, drifted)


@dataclass(frozen=True)
class Deployed:
    """The fullest render, its production overlay, and the values of its Secret on this machine:
    a database of its own and the test Redis server."""

    project: Path
    resources: list[Resource]
    secrets: dict[str, str]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    answers = {**fullest(chosen_options()), "project_slug": f"svc_{uuid.uuid4().hex[:12]}"}
    server, redis = postgres.server_url(), redis_server.server_url()
    project = render(tmp_path_factory.mktemp("deployed"), answers)
    resources = build(project / "deploy" / "kubernetes" / "overlays" / "production")
    with postgres.new_database(server, project.name) as database:
        secrets = {
            "DATABASE_URL": database,
            "SECRET_KEY": "k8s-" + uuid.uuid4().hex * 2,
            "JOBS_BROKER_URL": f"{redis}/3",
            "RATE_LIMIT_STORAGE_URI": f"{redis}/4",
        }
        yield Deployed(project, resources, secrets)


def pod_environment(resources: list[Resource], secrets: dict[str, str]) -> dict[str, str]:
    """The environment that the manifests give a container (all take the same: the ConfigMap,
    then the Secret), with its ports moved to free ones on this machine's loopback, and no
    collector to send traces to."""
    config = named(resources, "ConfigMap")["data"]
    moved = {"HOST": "127.0.0.1", "PORT": str(free_port()), "METRICS_PORT": str(free_port())}
    return {**environment(), **config, **secrets, **moved, "OTEL_EXPORTER_OTLP_ENDPOINT": ""}


def stop(process: subprocess.Popen[bytes], grace: int, log: Path) -> int:
    """SIGTERM, as Kubernetes sends it; the exit code, within the pod's grace period."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"still running {grace} s after SIGTERM:\n{log.read_text()}") from None


def test_the_containers_commands_run_with_the_manifests_environment(
    deployed: Deployed, tmp_path: Path
) -> None:
    project, resources, secrets = deployed.project, deployed.resources, deployed.secrets
    web = named(resources, "Deployment", "web")
    (migrate,) = web["spec"]["template"]["spec"]["initContainers"]
    (server,) = web["spec"]["template"]["spec"]["containers"]
    host = named(resources, "Ingress")["spec"]["rules"][0]["host"]
    env = pod_environment(resources, secrets)

    assert set(secrets) <= set(secret_names(project))  # the Secret that the docs make
    migrated = subprocess.run(
        on_this_machine(migrate["command"]),
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    port = int(env["PORT"])
    with serving(
        on_this_machine(image_command(project)), port, tmp_path / "web.log", cwd=project, env=env
    ):
        base = f"http://127.0.0.1:{port}"
        probes = {
            probe: httpx.get(base + server[probe]["httpGet"]["path"], timeout=10).status_code
            for probe in ("startupProbe", "livenessProbe", "readinessProbe")
        }
        by_its_host = httpx.get(f"{base}/items/", headers={"Host": host}, timeout=10)
        by_another = httpx.get(f"{base}/items/", headers={"Host": "evil.example"}, timeout=10)
        metrics = httpx.get(f"http://127.0.0.1:{env['METRICS_PORT']}/metrics", timeout=10)

    assert probes == {"startupProbe": 200, "livenessProbe": 200, "readinessProbe": 200}
    assert by_its_host.status_code == 200, by_its_host.text
    assert by_another.status_code == 400
    assert metrics.status_code == 200


def test_the_worker_and_the_scheduler_run_with_the_manifests_environment(
    deployed: Deployed, tmp_path: Path
) -> None:
    project, resources, secrets = deployed.project, deployed.resources, deployed.secrets
    worker, scheduler = (named(resources, "Deployment", name) for name in ("worker", "scheduler"))
    # Their liveness files in a folder of the test's own (the pods' /tmp).
    env = {**pod_environment(resources, secrets), "TMPDIR": str(tmp_path)}
    redis = Redis.from_url(secrets["JOBS_BROKER_URL"])
    redis.flushdb()

    def probed(container: Resource) -> int:
        probe = container["livenessProbe"]["exec"]["command"]
        return run(on_this_machine(probe), project, env).returncode

    # The worker is up once it serves its metrics; the scheduler, once it has marked a tick.
    (container,) = containers(worker)
    grace = worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    log = tmp_path / "worker.log"
    with serving(
        on_this_machine(container["command"]), int(env["METRICS_PORT"]), log, project, env
    ) as process:
        worker_alive = probed(container)
        worker_exit = stop(process, grace, log)
    worker_stopped = probed(container)
    (container,) = containers(scheduler)
    grace = scheduler["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    log = tmp_path / "scheduler.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            on_this_machine(container["command"]),
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not redis.keys("*:sent:*") and process.poll() is None:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        ticks = redis.keys("*:sent:*")
        scheduler_alive = probed(container)
    finally:
        scheduler_exit = stop(process, grace, log)
        redis.close()

    assert worker_exit == 0, (tmp_path / "worker.log").read_text()
    assert (worker_alive, worker_stopped, scheduler_alive) == (0, 1, 0)
    assert ticks, log.read_text()
    # It has nothing in hand to finish: SIGTERM's default ends it.
    assert scheduler_exit in {0, -signal.SIGTERM}, log.read_text()
