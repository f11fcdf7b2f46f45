"""What `docker compose up` serves, without a Docker engine (this machine has none).

The container's environment is built as compose builds it, from the rendered files: the image's
`ENV`, then `env_file` (`.env`), then the service's `environment:` (interpolated from `.env`, as
compose does). The image's command then runs on this machine with that environment, its volume's
path and its port mapped to a temporary folder and a free port.
"""

import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
import yaml
from dotenv import dotenv_values

from tests.image import image_command
from tests.processes import free_port, on_this_machine, serving
from tests.rendering import Answers, combination_id, environment, render, run

# ${NAME}, ${NAME:-default} and ${NAME:?error}, as compose interpolates them.
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::(?P<kind>[-?])(?P<word>[^}]*))?\}")


def dotenv(path: Path) -> dict[str, str]:
    """The variables of an env file, as compose reads it (no interpolation inside the file)."""
    values = dotenv_values(path, interpolate=False) if path.exists() else {}
    return {name: value or "" for name, value in values.items()}


def interpolate(value: str, variables: Mapping[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        name, kind, word = match["name"], match["kind"], match["word"]
        if variables.get(name):
            return variables[name]
        if kind == "?":
            raise AssertionError(f"compose would stop: {name} {word}")
        return word if kind == "-" else ""

    return INTERPOLATION.sub(substitute, value)


def image_environment(dockerfile: str) -> dict[str, str]:
    """The ENV of the Dockerfile's last stage (the image that runs)."""
    last_stage = re.split(r"^FROM ", dockerfile, flags=re.MULTILINE)[-1]
    instructions = re.findall(r"^ENV (.+?)(?<!\\)$", last_stage, flags=re.MULTILINE | re.DOTALL)
    variables = {}
    for instruction in instructions:
        for pair in shlex.split(instruction.replace("\\\n", " ")):
            name, value = pair.split("=", 1)
            variables[name] = value
    return variables


def container_environment(project: Path, service: str) -> dict[str, str]:
    """The environment compose gives a service's container, built as compose builds it."""
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    definition = compose["services"][service]
    dotenv_file = dotenv(project / ".env")
    variables = image_environment((project / "Dockerfile").read_text())
    for env_file in definition.get("env_file", []):
        variables.update(dotenv(project / env_file["path"]))
    for name, value in definition.get("environment", {}).items():
        variables[name] = interpolate(str(value), dotenv_file)
    return variables


COMPOSE_ANSWERS = [
    {"database": "sqlite", "use_alembic": True, "auth": "jwt", "use_metrics": True},
    {"database": "postgresql", "use_alembic": True, "auth": "none", "use_tracing": True},
]


@pytest.mark.parametrize("answers", COMPOSE_ANSWERS, ids=combination_id)
def test_compose_gives_the_app_a_production_environment_it_can_be_reached_in(
    answers: Answers, tmp_path: Path
) -> None:
    project = render(tmp_path, answers)
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    app = container_environment(project, "app")

    assert app["ENVIRONMENT"] == "production"
    assert app["HOST"] == "0.0.0.0"  # inside its container
    dotenv_file = dotenv(project / ".env")
    (published,) = compose["services"]["app"]["ports"]
    assert interpolate(published, dotenv_file) == f"127.0.0.1:{app['PORT']}:{app['PORT']}"
    assert interpolate(published, {"PORT": "8080"}) == "127.0.0.1:8080:8080"  # it follows PORT
    assert container_environment(project, "migrate")["DATABASE_URL"] == app["DATABASE_URL"]
    if answers["database"] == "sqlite":
        assert app["DATABASE_URL"] == f"sqlite+aiosqlite:////data/{project.name}.db"
        assert "data:/data" in compose["services"]["app"]["volumes"]
    else:
        password = dotenv_file["POSTGRES_PASSWORD"]
        database = compose["services"]["db"]
        assert app["DATABASE_URL"].endswith(f"postgres:{password}@db:5432/{project.name}")
        assert interpolate(database["environment"]["POSTGRES_PASSWORD"], dotenv_file) == password
        assert len(password) >= 32
        assert database["ports"] == ["127.0.0.1:5432:5432"]
    if answers.get("use_metrics"):
        scrape = yaml.safe_load(compose["configs"]["prometheus"]["content"])
        (target,) = scrape["scrape_configs"][0]["static_configs"][0]["targets"]
        assert interpolate(target, dotenv_file) == f"app:{app['PORT']}"


def test_compose_serves_the_migrated_app_on_the_published_port(tmp_path: Path) -> None:
    project = render(tmp_path, COMPOSE_ANSWERS[0])
    volume = tmp_path / "data"
    volume.mkdir()
    port = str(free_port())

    def moved_here(variables: dict[str, str]) -> dict[str, str]:
        """The container's variables with its volume and its port mapped onto this machine."""
        return {
            **{
                name: value.replace("/data/", f"{volume}/")
                for name, value in variables.items()
                if name != "PATH"  # the image's, where its virtual environment lies
            },
            "PORT": port,
        }

    compose = yaml.safe_load((project / "compose.yaml").read_text())
    migrate = moved_here(container_environment(project, "migrate"))
    result = run(on_this_machine(compose["services"]["migrate"]["command"]), project, migrate)
    assert result.returncode == 0, result.stderr

    app = moved_here(container_environment(project, "app"))
    command = on_this_machine(image_command(project))
    log = tmp_path / "server.log"
    with serving(command, int(port), log, cwd=project, env={**environment(), **app}):
        base_url = f"http://127.0.0.1:{port}"
        sign_up = httpx.post(
            f"{base_url}/users/",
            json={"username": "alice", "email": "a@example.com", "password": "s3cret!!s3cret"},
            headers={"Host": "localhost"},
        )
        scraped = httpx.get(f"{base_url}/metrics", headers={"Host": f"app:{app['PORT']}"})
        docs = httpx.get(f"{base_url}/docs", headers={"Host": "localhost"})
        check = compose["services"]["app"]["healthcheck"]["test"]
        healthy = run(on_this_machine(check[1:]), project, {**environment(), **app})
        first_line = log.read_text().splitlines()[0]

    assert sign_up.status_code == 201, sign_up.text
    assert scraped.status_code == 200
    assert docs.status_code == 404
    assert check[0] == "CMD"
    assert healthy.returncode == 0, healthy.stderr  # on the moved PORT
    assert f"on 0.0.0.0:{port}: environment production" in first_line
    assert [path.name for path in volume.iterdir()] == [f"{project.name}.db"]
