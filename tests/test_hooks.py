"""The hooks: their functions one by one, and refused answers end to end."""

import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.rendering import (
    TEMPLATE_DIR,
    chosen_options,
    emptiest,
    fullest,
    load_hook,
    render,
    run,
)

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")


@pytest.mark.parametrize("slug", ["my_service", "api2", "a", "orders_v2", "x" * 40])
def test_valid_slug_is_accepted(slug: str) -> None:
    assert pre_gen.slug_problem(slug) is None


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("My_Service", "not a lowercase Python identifier"),
        ("my-service", "not a lowercase Python identifier"),
        ("2fast", "not a lowercase Python identifier"),
        ("_private", "not a lowercase Python identifier"),
        ("", "not a lowercase Python identifier"),
        ("my service", "not a lowercase Python identifier"),
        ("x" * 41, "longer than 40"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("app", "shadow"),
        ("tests", "shadow"),
        ("fastapi", "shadow"),
        ("sqlalchemy", "shadow"),
        ("jwt", "shadow"),  # PyJWT's module
        ("opentelemetry", "shadow"),  # the tracing answer's namespace
        ("yarl", "shadow"),  # a dependency's dependency
    ],
)
def test_bad_slug_is_refused_with_the_reason(slug: str, reason: str) -> None:
    problem = pre_gen.slug_problem(slug)

    assert problem is not None
    assert problem.startswith(f"project_slug {slug!r}")
    assert reason in problem


@pytest.mark.parametrize("auth", ["jwt", "oidc"])
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_every_name_a_render_installs_is_a_reserved_slug(
    database: str, auth: str, tmp_path: Path
) -> None:
    """Each distribution that a render depends on, directly or not, and each top-level module or
    namespace they install (PyJWT installs `jwt`, the tracing answer `opentelemetry`), as this
    repository's environment, which holds every render's dependencies, has them."""
    # Each question answered with the most it brings (each yes/no yes, either sign-in): every
    # dependency an answer can bring, on each database.
    # Kubernetes manifests bring no dependency, and need PostgreSQL.
    answers = {**fullest(chosen_options()), "database": database, "auth": auth, "deploy": "none"}
    pyproject = tomllib.loads((render(tmp_path, answers) / "pyproject.toml").read_text())
    requirements = pyproject["project"]["dependencies"] + pyproject["dependency-groups"]["dev"]

    installed = installed_by(requirements)
    names = {name.lower().replace("-", "_") for name in installed}
    modules = set().union(*(top_level_names(metadata.distribution(name)) for name in installed))

    assert (names | modules) - pre_gen.RESERVED_SLUGS == set()


def installed_by(requirements: list[str]) -> set[str]:
    """The distributions that the requirements install, with their extras, and all that those
    require in turn, in this environment."""
    found: dict[str, set[str]] = {}
    waiting = [Requirement(requirement) for requirement in requirements]
    while waiting:
        requirement = waiting.pop()
        name = canonicalize_name(requirement.name)
        if name in found and requirement.extras <= found[name]:
            continue
        extras = found[name] = found.get(name, set()) | requirement.extras
        for required in metadata.distribution(name).requires or []:
            needed = Requirement(required)
            # A marker is read in this Python's environment, for each extra asked for.
            markers = [{"extra": extra} for extra in {"", *extras}]
            if needed.marker is None or any(needed.marker.evaluate(env) for env in markers):
                waiting.append(needed)
    return set(found)


def top_level_names(distribution: metadata.Distribution) -> set[str]:
    """The top-level modules and packages (namespaces too) that a distribution installs, as a slug
    could name them."""
    paths = [path.parts for path in distribution.files or []]
    names = {
        parts[0].split(".")[0] if len(parts) == 1 else parts[0]
        for parts in paths
        if parts[0] != "__pycache__" and (len(parts) > 1 or parts[0].endswith((".py", ".so")))
    }
    return {name for name in names if pre_gen.SLUG_PATTERN.fullmatch(name)}


@pytest.mark.parametrize("email", ["you@example.com", "first.last+tag@sub.example.org"])
def test_valid_email_is_accepted(email: str) -> None:
    assert pre_gen.email_problem(email) is None


@pytest.mark.parametrize(
    "email", ["", "you", "you@", "@example.com", "you@example", "a b@example.com", "x@y@z.com"]
)
def test_bad_email_is_refused(email: str) -> None:
    problem = pre_gen.email_problem(email)

    assert problem is not None
    assert problem.startswith(f"author_email {email!r}")


def test_every_problem_is_reported_at_once() -> None:
    answers = {"project_slug": "Bad", "author_email": "bad", "deploy": "kubernetes"}
    problems = pre_gen.problems({**emptiest(PATH_OPTIONS), **answers})

    assert [problem.split()[0] for problem in problems] == [
        "project_slug",
        "author_email",
        "deploy",
    ]


# The options that own paths, each answered with what keeps the most, or the fewest, of them.
PATH_OPTIONS = sorted({option for option, _ in post_gen.OPTIONAL_PATHS.values()})


# What a provider's sign-in has and passwords do not, and the other way round.
OIDC_PATHS = {
    "app/auth/identity.py",
    "app/auth/provider.py",
    "docs/auth.md",
    "migrations/versions/0006_external_identities.py",
    "tests/auth/test_identity.py",
    "tests/auth/oidc_provider",
    "tests/auth/test_docs_sign_in.py",
    "tests/auth/test_provider.py",
    "tests/auth/test_provider_live.py",
    "tests/identity_provider.py",
    "tests/users/test_from_tokens.py",
}
PASSWORD_PATHS = {
    "app/api/rate_limit.py",
    "app/core/rate_limits.py",
    "app/core/security.py",
    "tests/core/test_security.py",
    "tests/passwords.py",
    "tests/test_request_limits.py",
    "tests/test_sign_ups.py",
    "tests/users/test_service_passwords.py",
}


def test_post_gen_keeps_the_paths_of_chosen_answers() -> None:
    context = fullest(PATH_OPTIONS)

    removed = set(post_gen.paths_to_remove(context))

    assert removed == {".gitlab-ci.yml", "tests/test_create_tables.py", *OIDC_PATHS}


def test_post_gen_removes_the_paths_of_unchosen_answers() -> None:
    context = emptiest(PATH_OPTIONS)

    removed = set(post_gen.paths_to_remove(context))

    assert removed == set(post_gen.OPTIONAL_PATHS) - {
        "tests/test_create_tables.py",
        *PASSWORD_PATHS,
    }


def test_post_gen_remove_deletes_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "folder" / "inner").mkdir(parents=True)
    (tmp_path / "folder" / "inner" / "file").write_text("x")
    (tmp_path / "file").write_text("x")
    (tmp_path / "kept").write_text("x")

    post_gen.remove(tmp_path, ["folder", "file", "never-there"])

    assert [path.name for path in tmp_path.iterdir()] == ["kept"]


def test_post_gen_remove_deletes_a_package_left_with_only_its_init(tmp_path: Path) -> None:
    for package in ("emptied", "kept"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "module.py").write_text("")
    (tmp_path / "kept" / "other.py").write_text("")

    post_gen.remove(tmp_path, ["emptied/module.py", "kept/module.py"])

    assert sorted(path.name for path in tmp_path.iterdir()) == ["kept"]
    assert sorted(path.name for path in (tmp_path / "kept").iterdir()) == [
        "__init__.py",
        "other.py",
    ]


def test_local_env_gives_each_commented_out_secret_a_new_value() -> None:
    example = "ENVIRONMENT=local\n# SECRET_KEY=\nOTHER=1\n"

    first, second = post_gen.local_env(example), post_gen.local_env(example)

    assert re.fullmatch(r"ENVIRONMENT=local\nSECRET_KEY=[\w-]{43}\nOTHER=1\n", first)
    assert first != second


def test_local_env_puts_a_new_database_password_in_the_urls_that_use_it_too() -> None:
    example = (
        "# POSTGRES_PASSWORD=\n"
        "DATABASE_URL=postgresql+asyncpg://postgres:postgres@localhost:5432/shop\n"
    )

    env = post_gen.local_env(example)

    password = re.search(r"^POSTGRES_PASSWORD=([\w-]{43})$", env, flags=re.MULTILINE)
    assert password is not None
    assert f"DATABASE_URL=postgresql+asyncpg://postgres:{password[1]}@localhost:5432/shop" in env


def test_local_env_copies_an_example_without_secrets() -> None:
    example = "ENVIRONMENT=local\n# A comment about SECRET_KEY=\n"

    assert post_gen.local_env(example) == example


def test_every_optional_path_exists_in_the_template() -> None:
    template_project = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"

    missing = [path for path in post_gen.OPTIONAL_PATHS if not (template_project / path).exists()]

    assert missing == []


def test_every_optional_path_names_a_real_option_and_answer() -> None:
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    for option, keep in post_gen.OPTIONAL_PATHS.values():
        answers = context[option] if isinstance(context[option], list) else [True, False]
        assert keep <= set(answers), option


BAD_ANSWERS = [
    pytest.param({"project_slug": "My-Service"}, "project_slug", id="slug-not-identifier"),
    pytest.param({"project_slug": "import"}, "project_slug", id="slug-keyword"),
    pytest.param({"project_slug": "app"}, "project_slug", id="slug-shadows-package"),
    pytest.param({"project_name": "Hello World!"}, "project_slug", id="name-gives-bad-slug"),
    pytest.param({"author_email": "nobody"}, "author_email", id="email"),
    pytest.param({"python_version": "2.7"}, "python_version", id="unknown-python-version"),
    pytest.param({"ci": "jenkins"}, "ci", id="unknown-ci"),
    pytest.param({"license": "GPL"}, "license", id="unknown-license"),
    pytest.param({"use_docker": "maybe"}, "use_docker", id="not-a-boolean"),
    pytest.param({"database": "mysql"}, "database", id="unknown-database"),
    pytest.param({"auth": "oauth"}, "auth", id="unknown-auth"),
    pytest.param({"use_alembic": "perhaps"}, "use_alembic", id="alembic-not-a-boolean"),
    pytest.param({"project_slug": "x" * 41}, "project_slug", id="slug-too-long"),
    pytest.param({"deploy": "kubernetes"}, "deploy", id="kubernetes-on-sqlite"),
    pytest.param(
        {"deploy": "kubernetes", "database": "postgresql", "use_docker": "no"},
        "deploy",
        id="kubernetes-without-docker",
    ),
]


@pytest.mark.parametrize(("answers", "field"), BAD_ANSWERS)
def test_bad_answer_is_refused_clearly_and_leaves_nothing(
    answers: dict[str, str], field: str, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(output)]
    command += [str(TEMPLATE_DIR), *(f"{key}={value}" for key, value in answers.items())]

    result = run(command, tmp_path, env={"HOME": str(tmp_path)})

    assert result.returncode != 0
    error_lines = [line for line in result.stderr.splitlines() if field in line]
    assert error_lines, result.stderr
    assert list(output.iterdir()) == []


def test_a_bad_answer_under_cruft_says_why_first_and_leaves_nothing(tmp_path: Path) -> None:
    """cruft prints its own traceback after the hook's line (README, "Quick start"): the line that
    says why comes first."""
    output = tmp_path / "out"
    output.mkdir()
    command = [sys.executable, "-m", "cruft", "create", str(TEMPLATE_DIR), "--no-input"]
    command += ["--output-dir", str(output), "--extra-context", '{"project_slug": "My-Service"}']

    result = run(command, tmp_path, env={"HOME": str(tmp_path)})

    first_line = (result.stdout + result.stderr).strip().splitlines()[0]
    assert result.returncode != 0
    assert first_line.startswith("ERROR: project_slug 'My-Service' is not"), first_line
    assert list(output.iterdir()) == []


def test_good_answers_from_the_command_line_render(tmp_path: Path) -> None:
    project = render(tmp_path, {"project_name": "Billing API", "use_docker": False})

    assert project.name == "billing_api"
    assert not (project / "Dockerfile").exists()


def test_post_gen_gives_the_next_steps_for_the_answers() -> None:
    root = Path("/work/shop")
    sqlite = {
        "database": "sqlite",
        "use_alembic": True,
        "use_docker": True,
        "project_slug": "shop",
        "background_jobs": "taskiq",
    }
    postgresql = {
        **sqlite,
        "database": "postgresql",
        "use_alembic": False,
        "use_docker": False,
        "background_jobs": "none",
    }

    with_migrations = post_gen.next_steps(sqlite, root)
    without_docker = post_gen.next_steps(postgresql, root)

    assert with_migrations.startswith("Your project is in /work/shop. Next:")
    assert "    cd /work/shop\n" in with_migrations
    assert "uv run alembic upgrade head" in with_migrations
    assert "createdb" not in with_migrations
    assert "docker compose" not in with_migrations
    assert "PGPASSWORD=<password> createdb -h localhost -U postgres shop" in without_docker
    assert "alembic" not in without_docker
    assert "uv run python -m app.worker" in with_migrations
    assert "app.worker" not in without_docker
    for steps in (with_migrations, without_docker):
        assert steps.index("git init") < steps.index("uv sync")
        assert "uv run pytest" in steps


@pytest.mark.parametrize(
    ("command", "compares"),
    [
        (["/usr/bin/python3", "/home/me/.local/bin/cruft", "update", "-y"], True),
        (["python", "-m", "cruft", "diff"], True),
        (["C:\\Python\\Scripts\\cruft.exe", "update"], True),
        (["/home/me/.local/bin/cruft", "create", "https://github.com/me/template"], False),
        (["python", "-m", "cruft", "--help"], False),
        (["/usr/bin/python3", "/home/me/.local/bin/cookiecutter", "update"], False),
        ([], False),
    ],
)
def test_post_gen_knows_crufts_renders_for_comparing_from_the_command(
    command: list[str], compares: bool
) -> None:
    assert post_gen.rendered_to_compare(command) is compares


def test_post_gen_reads_the_command_line_of_the_process_that_runs_it(tmp_path: Path) -> None:
    hooks = str(TEMPLATE_DIR / "hooks")
    script = (
        f"import json, sys; sys.path.insert(0, {hooks!r}); import post_gen_project; "
        "print(json.dumps(post_gen_project.parent_command()))"
    )
    parent = [
        sys.executable,
        "-c",
        f"import subprocess, sys; subprocess.run([sys.executable, '-c', {script!r}])",
        "update",
    ]

    result = run(parent, tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[-1] == "update"
