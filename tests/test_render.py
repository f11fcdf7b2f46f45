"""Every combination of answers renders a complete project with no template left in it."""

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from jinja2 import DictLoader, Environment

from tests.rendering import (
    CODE_OPTIONS,
    DEFAULT_SLUG,
    TOOL_OPTIONS,
    Answers,
    CompiledTemplates,
    answer_pairs,
    choices,
    chosen_options,
    combination_id,
    combination_problem,
    combinations,
    file_check_combinations,
    render,
)

FILE_CHECK_COMBINATIONS = file_check_combinations()
TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#|cookiecutter")
ALWAYS_PRESENT = [
    ".python-version",
    "README.md",
    "LICENSE",
    "pyproject.toml",
    ".env.example",
    ".gitignore",
    "app/main.py",
    "app/db/base.py",
    "app/db/session.py",
    "tests/conftest.py",
]
# One shape for every resource: the routes, the rows that paths name, the rules, the API's types
# and the tables.
RESOURCE_FILES = ["__init__.py", "deps.py", "models.py", "router.py", "schemas.py", "service.py"]
# Packages with tables that are no resource: jwt sign-in's sessions and refresh tokens, the mailed
# links' tokens, and the jobs.
NOT_RESOURCES = {"auth", "accounts", "jobs"}
LICENSE_FIRST_WORDS = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Proprietary": "Copyright (c)",
}


def test_file_checks_render_every_pair_of_answers() -> None:
    every_pair = set().union(
        *(
            answer_pairs(row)
            for row in combinations(chosen_options())
            if not combination_problem(row)
        )
    )
    rendered = set().union(*(answer_pairs(row) for row in FILE_CHECK_COMBINATIONS))

    assert rendered == every_pair


def files(project: Path) -> list[Path]:
    return [path for path in project.rglob("*") if path.is_file()]


def present(project: Path) -> set[str]:
    return {path.relative_to(project).as_posix() for path in project.rglob("*")}


@pytest.fixture(scope="module", params=FILE_CHECK_COMBINATIONS, ids=combination_id)
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Answers, Path]:
    answers: Answers = request.param
    return answers, render(tmp_path_factory.mktemp("render"), answers)


def test_renders_into_the_slug_folder(rendered: tuple[Answers, Path]) -> None:
    _, project = rendered

    assert project.name == DEFAULT_SLUG
    assert not {name for name in ALWAYS_PRESENT if not (project / name).is_file()}


def test_no_template_syntax_is_left(rendered: tuple[Answers, Path]) -> None:
    _, project = rendered

    in_paths = [path for path in present(project) if TEMPLATE_SYNTAX.search(path)]
    in_text = [
        path.relative_to(project).as_posix()
        for path in files(project)
        if TEMPLATE_SYNTAX.search(path.read_text())
    ]

    assert in_paths == []
    assert in_text == []


def test_every_toml_and_yaml_file_parses(rendered: tuple[Answers, Path]) -> None:
    _, project = rendered

    for path in files(project):
        if path.suffix == ".toml":
            tomllib.loads(path.read_text())
        elif path.suffix in {".yml", ".yaml"}:
            list(yaml.safe_load_all(path.read_text()))


def test_every_resource_has_the_same_files(rendered: tuple[Answers, Path]) -> None:
    _, project = rendered
    resources = {
        path.parent
        for path in (project / "app").glob("*/models.py")
        if path.parent.name not in NOT_RESOURCES
    }
    files = {
        resource.name: sorted(path.name for path in resource.glob("*.py")) for resource in resources
    }

    assert set(files) == {"items", "users"}
    # And a resource whose changes set off background jobs has them in jobs.py.
    with_jobs = sorted([*RESOURCE_FILES, "jobs.py"])
    assert all(names in (RESOURCE_FILES, with_jobs) for names in files.values()), files


def test_the_tests_mirror_the_app(rendered: tuple[Answers, Path]) -> None:
    # tests/db/test_pool.py tests app/db/pool.py: a test folder is named after an app package.
    _, project = rendered
    folders = {path.parent.name for path in (project / "tests").glob("*/__init__.py")}
    packages = {path.parent.name for path in (project / "app").glob("*/__init__.py")}

    assert folders <= packages


def test_docker_files_come_with_use_docker(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    docker_files = {"Dockerfile", ".dockerignore", "compose.yaml"}

    expected = docker_files if answers["use_docker"] else set()
    assert docker_files & present(project) == expected


def test_ci_files_match_the_chosen_service(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    ci_files = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}

    assert {ci for ci, path in ci_files.items() if (project / path).is_file()} == (
        {answers["ci"]} - {"none"}
    )
    assert answers["ci"] == "github" or not (project / ".github").exists()


def test_migration_files_come_with_use_alembic(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    alembic_files = {
        "alembic.ini",
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_initial.py",
        "tests/test_migrations.py",
    }
    pyproject = (project / "pyproject.toml").read_text()

    assert alembic_files & present(project) == (alembic_files if answers["use_alembic"] else set())
    assert not {path for path in present(project) if "alembic" in path} - alembic_files
    assert ('"alembic' in pyproject) == answers["use_alembic"]
    assert (project / "tests/test_create_tables.py").exists() != answers["use_alembic"]


def test_auth_files_come_with_their_answer(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    auth = answers["auth"]
    dependencies = " ".join(
        tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    env_example = (project / ".env.example").read_text()

    for part in ("accounts", "admin"):
        assert (project / "app" / part).is_dir() == (auth == "jwt")
        assert (project / "tests" / part).is_dir() == (auth == "jwt")
    assert (project / "app/auth").is_dir() == (project / "tests/auth").is_dir() == (auth != "none")
    assert (project / "app/auth/tokens.py").is_file() == (auth == "jwt")
    assert (project / "app/auth/provider.py").is_file() == (auth == "oidc")
    assert (project / "app/mail.py").is_file() == (auth == "jwt")
    assert (project / "tests/items/test_ownership.py").is_file() == (auth != "none")
    assert ("pyjwt" in dependencies) == (auth != "none")
    # Passwords, and the rate limits that guard their routes, only where there are passwords.
    assert ("pwdlib" in dependencies) == ("limits" in dependencies) == (auth != "oidc")
    assert ("SECRET_KEY" in env_example) == (auth == "jwt")
    assert ("OIDC_ISSUER" in env_example) == (auth == "oidc")


def test_database_answer_picks_driver_and_services(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    postgresql = answers["database"] == "postgresql"
    dependencies = " ".join(
        tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    )

    assert ("postgresql-asyncpg" in dependencies) == postgresql
    assert ("aiosqlite" in dependencies) != postgresql
    assert ("postgresql+asyncpg://" in (project / "app/core/config.py").read_text()) == postgresql
    if answers["use_docker"]:
        services = yaml.safe_load((project / "compose.yaml").read_text())["services"]
        assert ("db" in services) == postgresql
        assert ("migrate" in services) == answers["use_alembic"]
    if answers["ci"] == "github":
        job = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())["jobs"]["test"]
        assert ("postgres" in job["services"]) == postgresql
        assert ("TEST_DATABASE_URL" in job["env"]) == postgresql
    if answers["ci"] == "gitlab":
        job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["test"]
        services = {service["alias"] for service in job["services"]}
        assert ("postgres" in services) == postgresql
        assert ("TEST_DATABASE_URL" in job["variables"]) == postgresql


def test_observability_answers_bring_their_dependencies_and_files(
    rendered: tuple[Answers, Path],
) -> None:
    answers, project = rendered
    dependencies = " ".join(
        tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    )
    wanted = {
        "use_metrics": "prometheus-client",
        "use_tracing": "opentelemetry-sdk",
        "use_sentry": "sentry-sdk",
    }

    for option, dependency in wanted.items():
        assert (dependency in dependencies) == answers[option], dependency
        module = f"app/observability/{option.removeprefix('use_')}.py"
        assert (project / module).exists() == answers[option], module
    chosen = any(answers[option] for option in wanted)
    assert (project / "app/observability").exists() == chosen
    assert ("from app.observability import" in (project / "app/main.py").read_text()) == chosen


def test_compose_profiles_show_the_metrics_and_the_traces(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    if not answers["use_docker"]:
        assert not (project / "compose.yaml").exists()
        return
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]

    assert ("prometheus" in services) == answers["use_metrics"]
    assert ("jaeger" in services) == answers["use_tracing"]
    assert [name for name, service in services.items() if "profiles" in service] == [
        name for name in ("prometheus", "jaeger") if name in services
    ]
    if answers["use_metrics"]:
        prometheus = services["prometheus"]
        assert prometheus["profiles"] == ["metrics"]
        (config,) = prometheus["configs"]
        assert config["target"] == "/etc/prometheus/prometheus.yml"
        scraping = yaml.safe_load(compose["configs"][config["source"]]["content"])
        (job,) = scraping["scrape_configs"]
        # The app's, and a worker's, on the port that compose gives it.
        workers = ["worker:9100"] if answers["background_jobs"] == "taskiq" else []
        assert job["static_configs"] == [{"targets": ["app:${PORT:-8000}", *workers]}]
        if workers:
            assert services["worker"]["environment"]["METRICS_PORT"] == 9100
        assert "metrics_path" not in job  # the default, /metrics
    if answers["use_tracing"]:
        assert services["jaeger"]["profiles"] == ["tracing"]
        assert "127.0.0.1:16686:16686" in services["jaeger"]["ports"]
        environment = services["app"]["environment"]
        assert environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "${OTEL_EXPORTER_OTLP_ENDPOINT:-}"
    if answers["database"] == "postgresql":
        assert "DATABASE_URL" in services["app"]["environment"]


def test_every_image_is_kept_current_by_a_tool_that_reads_it(
    rendered: tuple[Answers, Path],
) -> None:
    """Dependabot reads the Dockerfile's FROM lines (not `COPY --from=<image>`) and compose.yaml's
    images, each in an ecosystem of its own; without GitHub, nothing proposes updates."""
    answers, project = rendered
    if not (answers["use_docker"] and answers["ci"] == "github"):
        return
    dockerfile = (project / "Dockerfile").read_text()
    stages = set(re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, re.MULTILINE))
    copied_from = set(re.findall(r"^COPY --from=(\S+)", dockerfile, re.MULTILINE))
    dependabot = yaml.safe_load((project / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in dependabot["updates"]}

    assert copied_from <= stages  # no image that only a COPY names
    assert {"docker", "docker-compose"} <= ecosystems


def test_ci_runs_the_redis_tests(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    if answers["ci"] == "github":
        job = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())["jobs"]["test"]
        assert "redis" in job["services"]
        assert job["env"]["TEST_REDIS_URL"] == "redis://localhost:6379"
    elif answers["ci"] == "gitlab":
        job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["test"]
        assert {service["alias"] for service in job["services"]} >= {"redis"}
        assert job["variables"]["TEST_REDIS_URL"] == "redis://redis:6379"
    else:
        assert not (project / ".github").exists()
        assert not (project / ".gitlab-ci.yml").exists()


def test_local_env_holds_a_fresh_secret_and_is_ignored_by_git(
    rendered: tuple[Answers, Path],
) -> None:
    answers, project = rendered
    env = (project / ".env").read_text()
    example = (project / ".env.example").read_text()

    assert ".env" in (project / ".gitignore").read_text().splitlines()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["tool"]["cruft"]["skip"] == [".env"]  # updates keep the project's secret
    assert (project / ".env").stat().st_mode & 0o077 == 0  # the owner's alone
    # Each secret the answers call for: set in .env, commented out in .env.example, nowhere else.
    secrets = {
        "SECRET_KEY": answers["auth"] == "jwt",
        "POSTGRES_PASSWORD": answers["database"] == "postgresql" and answers["use_docker"],
    }
    made = env
    for name, wanted in secrets.items():
        assert f"\n{name}=\n" not in example
        assert (f"\n# {name}=\n" in example) == wanted
        value = re.search(rf"^{name}=(\S{{32,}})$", env, re.MULTILINE)
        assert (value is not None) == wanted
        if value is not None:
            made = made.replace(value[0], f"# {name}=").replace(f":{value[1]}@", ":postgres@")
            assert value[1] not in (project / "README.md").read_text()
    assert made == example


def test_chosen_python_version_is_used_everywhere(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    version = str(answers["python_version"])
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert (project / ".python-version").read_text() == f"{version}\n"
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")
    assert pyproject["tool"]["mypy"]["python_version"] == version
    # Every render runs on the oldest supported Python, whatever the tools target.
    assert pyproject["project"]["requires-python"] == ">=3.11"
    if answers["use_docker"]:
        assert (project / "Dockerfile").read_text().count(f"FROM python:{version}-slim") == 2
    if answers["ci"] == "github":
        workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
        steps = workflow["jobs"]["test"]["steps"]
        setup_uv = next(step for step in steps if step.get("uses", "").startswith("astral-sh/"))
        assert setup_uv["with"]["python-version"] == version
        # zizmor's findings: a token no step needs, kept in .git/config, and write permissions.
        assert workflow["permissions"] == {"contents": "read"}
        assert steps[0]["with"]["persist-credentials"] is False
    if answers["ci"] == "gitlab":
        pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
        assert pipeline["test"]["image"] == f"python:{version}-slim"


def test_license_matches_the_answer(rendered: tuple[Answers, Path]) -> None:
    answers, project = rendered
    license_text = (project / "LICENSE").read_text()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    assert license_text.startswith(LICENSE_FIRST_WORDS[str(answers["license"])])
    assert license_text.endswith("\n")
    assert ("All rights reserved" in license_text) == (answers["license"] == "Proprietary")
    expected_expression = (
        "LicenseRef-Proprietary" if answers["license"] == "Proprietary" else answers["license"]
    )
    assert pyproject["project"]["license"] == expected_expression


def fingerprint(project: Path, *, with_tools: bool) -> str:
    """A hash of what the code checks read: the Python files and the dependencies, and the tool
    settings if asked."""
    digest = hashlib.sha256()
    for path in sorted(project.rglob("*.py")):
        digest.update(path.relative_to(project).as_posix().encode())
        digest.update(path.read_bytes())
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    read_by_checks = {
        "dependencies": pyproject["project"]["dependencies"],
        "dependency-groups": pyproject["dependency-groups"],
        "tool": pyproject["tool"] if with_tools else None,
    }
    digest.update(json.dumps(read_by_checks, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.mark.parametrize(
    "option", [option for option in chosen_options() if option not in CODE_OPTIONS]
)
def test_options_outside_code_options_leave_the_code_alone(option: str, tmp_path: Path) -> None:
    with_tools = option not in TOOL_OPTIONS
    # On PostgreSQL, which goes with every answer (deploy=kubernetes needs it).
    fingerprints = {
        fingerprint(
            render(tmp_path / str(index), {"database": "postgresql", option: answer}),
            with_tools=with_tools,
        )
        for index, answer in enumerate(choices(option))
    }

    assert len(fingerprints) == 1


def test_free_text_answers_with_quotes_render_valid_files(tmp_path: Path) -> None:
    answers = {
        "project_name": 'Say "Hi" \\ Bye',
        "project_slug": "say_hi",
        "description": 'A "quoted" \\ description',
        "author_name": 'O\'Brien "Bob"',
    }

    project = render(tmp_path, answers)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    config = (project / "app/core/config.py").read_text()

    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"][0]["name"] == answers["author_name"]
    compile(config, "config.py", "exec")
    assert '"Say \\"Hi\\" \\\\ Bye"' in config


def test_a_text_is_compiled_once_and_again_when_it_changes() -> None:
    compiled = CompiledTemplates()

    class Kept(Environment):
        compile = compiled.around(Environment.compile)  # type: ignore[assignment]

    files = {"README.md": "# {{ name }}"}
    first, again = Kept(loader=DictLoader(files)), Kept(loader=DictLoader(files))

    assert first.get_template("README.md").render(name="shop") == "# shop"
    assert again.from_string("{{ name }}.md").render(name="shop") == "shop.md"
    assert len(compiled.code) == 2
    assert again.get_template("README.md").render(name="shop") == "# shop"
    assert len(compiled.code) == 2
    files["README.md"] = "## {{ name }}"
    assert again.get_template("README.md").render(name="shop") == "## shop"
    assert len(compiled.code) == 3
