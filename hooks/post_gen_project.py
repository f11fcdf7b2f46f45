"""Remove the files of the answers not chosen; at a first render, make .env and say what next.

Cookiecutter renders this file with Jinja and runs it inside the new project, with the interpreter
that runs cookiecutter: standard library only, no network. The answers arrive as JSON in one string,
so the file is plain Python and the template's tests import it.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath

# Every path that exists only for some answers: path -> (option, the answers that keep it).
# Adding an option's files is one line here.
OPTIONAL_PATHS: dict[str, tuple[str, frozenset[object]]] = {
    "Dockerfile": ("use_docker", frozenset({True})),
    ".dockerignore": ("use_docker", frozenset({True})),
    "compose.yaml": ("use_docker", frozenset({True})),
    "deploy": ("deploy", frozenset({"kubernetes"})),
    "docs/kubernetes.md": ("deploy", frozenset({"kubernetes"})),
    ".github": ("ci", frozenset({"github"})),
    ".gitlab-ci.yml": ("ci", frozenset({"gitlab"})),
    "alembic.ini": ("use_alembic", frozenset({True})),
    "migrations": ("use_alembic", frozenset({True})),
    "tests/test_migrations.py": ("use_alembic", frozenset({True})),
    "tests/test_create_tables.py": ("use_alembic", frozenset({False})),
    "tests/db/test_engine.py": ("database", frozenset({"postgresql"})),
    "tests/db/test_schema_lock.py": ("database", frozenset({"postgresql"})),
    "tests/test_replicas.py": ("database", frozenset({"postgresql"})),
    "app/auth": ("auth", frozenset({"jwt", "oidc"})),
    "tests/auth": ("auth", frozenset({"jwt", "oidc"})),
    "app/auth/guessing.py": ("auth", frozenset({"jwt"})),
    "app/auth/models.py": ("auth", frozenset({"jwt"})),
    "app/auth/router.py": ("auth", frozenset({"jwt"})),
    "app/auth/schemas.py": ("auth", frozenset({"jwt"})),
    "app/auth/service.py": ("auth", frozenset({"jwt"})),
    "app/auth/tokens.py": ("auth", frozenset({"jwt"})),
    "app/auth/identity.py": ("auth", frozenset({"oidc"})),
    "app/auth/provider.py": ("auth", frozenset({"oidc"})),
    "app/accounts": ("auth", frozenset({"jwt"})),
    "app/admin": ("auth", frozenset({"jwt"})),
    "app/mail.py": ("auth", frozenset({"jwt"})),
    "app/cli.py": ("auth", frozenset({"jwt"})),
    "app/core/secret_key.py": ("auth", frozenset({"jwt"})),
    "tests/core/test_secret_key.py": ("auth", frozenset({"jwt"})),
    # Passwords, and the rate limits that guard the routes that take them.
    "app/core/security.py": ("auth", frozenset({"none", "jwt"})),
    "app/core/rate_limits.py": ("auth", frozenset({"none", "jwt"})),
    "app/api/rate_limit.py": ("auth", frozenset({"none", "jwt"})),
    "tests/passwords.py": ("auth", frozenset({"none", "jwt"})),
    "tests/core/test_security.py": ("auth", frozenset({"none", "jwt"})),
    "tests/test_request_limits.py": ("auth", frozenset({"none", "jwt"})),
    "tests/test_sign_ups.py": ("auth", frozenset({"none", "jwt"})),
    "tests/users/test_service_passwords.py": ("auth", frozenset({"none", "jwt"})),
    "tests/auth/steps.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_cli.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_current_user.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_guessing.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_guessing_live.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_login_flood.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_router.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_session_states.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_sessions.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_sessions_live.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_tokens.py": ("auth", frozenset({"jwt"})),
    "tests/auth/test_identity.py": ("auth", frozenset({"oidc"})),
    "tests/auth/test_provider.py": ("auth", frozenset({"oidc"})),
    "tests/auth/test_provider_live.py": ("auth", frozenset({"oidc"})),
    "tests/auth/test_docs_sign_in.py": ("auth", frozenset({"oidc"})),
    "tests/auth/oidc_provider": ("auth", frozenset({"oidc"})),
    "tests/users/test_from_tokens.py": ("auth", frozenset({"oidc"})),
    "tests/identity_provider.py": ("auth", frozenset({"oidc"})),
    "tests/accounts": ("auth", frozenset({"jwt"})),
    "tests/admin": ("auth", frozenset({"jwt"})),
    "tests/mailbox.py": ("auth", frozenset({"jwt"})),
    "docs/accounts.md": ("auth", frozenset({"jwt"})),
    "migrations/versions/0003_item_owners.py": ("auth", frozenset({"jwt", "oidc"})),
    "migrations/versions/0005_merge_owners_and_ids.py": ("auth", frozenset({"jwt", "oidc"})),
    "migrations/versions/0006_account_lifecycle.py": ("auth", frozenset({"jwt"})),
    "migrations/versions/0006_external_identities.py": ("auth", frozenset({"oidc"})),
    "tests/items/test_ownership.py": ("auth", frozenset({"jwt", "oidc"})),
    "docs/auth.md": ("auth", frozenset({"oidc"})),
    "app/jobs": ("background_jobs", frozenset({"taskiq"})),
    "app/worker.py": ("background_jobs", frozenset({"taskiq"})),
    "app/scheduler.py": ("background_jobs", frozenset({"taskiq"})),
    "app/liveness.py": ("background_jobs", frozenset({"taskiq"})),
    "app/items/jobs.py": ("background_jobs", frozenset({"taskiq"})),
    "migrations/versions/0007_jobs.py": ("background_jobs", frozenset({"taskiq"})),
    "migrations/versions/0008_job_heartbeats.py": ("background_jobs", frozenset({"taskiq"})),
    "docs/jobs.md": ("background_jobs", frozenset({"taskiq"})),
    "tests/jobs": ("background_jobs", frozenset({"taskiq"})),
    "app/observability/metrics.py": ("use_metrics", frozenset({True})),
    "tests/observability/test_metrics.py": ("use_metrics", frozenset({True})),
    "app/observability/tracing.py": ("use_tracing", frozenset({True})),
    "tests/observability/test_tracing.py": ("use_tracing", frozenset({True})),
    "app/observability/sentry.py": ("use_sentry", frozenset({True})),
    "tests/observability/test_sentry.py": ("use_sentry", frozenset({True})),
}


def paths_to_remove(context: dict[str, object]) -> list[str]:
    """The optional paths whose option has an answer that does not keep them."""
    return [path for path, (option, keep) in OPTIONAL_PATHS.items() if context[option] not in keep]


def remove(root: Path, paths: list[str]) -> None:
    for relative in paths:
        path = root / relative
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
            # A package whose every module went goes too.
            package = path.parent
            if package.is_dir() and [child.name for child in package.iterdir()] == ["__init__.py"]:
                shutil.rmtree(package)


# Settings that .env.example leaves commented out and .env gets a fresh random value for; and for a
# password, the one that .env.example writes in its URLs (`user:password@host`), replaced there too.
GENERATED_SECRETS: dict[str, str | None] = {"SECRET_KEY": None, "POSTGRES_PASSWORD": "postgres"}


def local_env(example: str) -> str:
    """.env for local runs: .env.example with a new value for each secret that it mentions."""
    for name, in_urls in GENERATED_SECRETS.items():
        line = re.compile(rf"^# {name}=$", flags=re.MULTILINE)
        if not line.search(example):
            continue
        value = secrets.token_urlsafe(32)
        example = line.sub(f"{name}={value}", example)
        if in_urls is not None:
            example = example.replace(f":{in_urls}@", f":{value}@")
    return example


def next_steps(context: dict[str, object], root: Path) -> str:
    """What to run next, for these answers: install, migrate, serve and test."""
    steps = [
        (f"cd {root}", ""),
        (
            "git init && git add -A",
            "a repository, its files staged: the pre-commit hooks check what git tracks",
        ),
        ("uv sync", "install (pip install uv first, if need be)"),
    ]
    if context["database"] == "postgresql":
        if context["use_docker"] is True:
            steps.append(("docker compose up -d db", "a PostgreSQL server with the database"))
        else:
            slug = context["project_slug"]
            steps.append(
                (
                    f"PGPASSWORD=<password> createdb -h localhost -U postgres {slug}",
                    "on the server that DATABASE_URL names",
                )
            )
    if context["use_alembic"] is True:
        steps.append(("uv run alembic upgrade head", "the schema"))
    steps.append(("uv run uvicorn app.main:app --reload", "serve http://127.0.0.1:8000/docs"))
    if context["background_jobs"] == "taskiq":
        steps.append(("uv run python -m app.worker", "in a terminal of its own: the jobs"))
        steps.append(("uv run python -m app.scheduler", "in another: periodic jobs (docs/jobs.md)"))
    steps.append(("uv run pytest", "test (CI=true uv run pytest: the thorough run)"))
    width = max(len(command) for command, _ in steps)
    lines = [f"    {command:<{width}}  # {what}".rstrip(" #") for command, what in steps]
    return f"Your project is in {root}. Next:\n\n" + "\n".join(lines)


# cruft's commands that render the template into a temporary folder to compare two versions of it
# with a project: that render is no project, and what it holds may be staged in the real one.
COMPARING_COMMANDS = frozenset({"update", "diff"})


def parent_command() -> list[str]:
    """The command line of the process that runs this hook: cookiecutter's, or cruft's."""
    parent = os.getppid()
    proc = Path(f"/proc/{parent}/cmdline")
    if proc.is_file():
        return proc.read_bytes().decode(errors="replace").rstrip("\0").split("\0")
    try:
        ps = subprocess.run(
            ["ps", "-o", "args=", "-p", str(parent)], capture_output=True, text=True, check=False
        )
    except OSError:  # no ps (Windows): taken as a first render
        return []
    return ps.stdout.split()


def rendered_to_compare(command: list[str]) -> bool:
    """Whether the command is cruft comparing template versions, not making a project."""
    names = [PureWindowsPath(part).name.removesuffix(".exe") for part in command]
    if "cruft" not in names:
        return False
    arguments = [name for name in names[names.index("cruft") + 1 :] if not name.startswith("-")]
    return bool(arguments) and arguments[0] in COMPARING_COMMANDS


def main() -> int:
    context = json.loads(r"""{{ cookiecutter | jsonify }}""")
    root = Path.cwd()
    remove(root, paths_to_remove(context))
    if rendered_to_compare(parent_command()):
        return 0
    # Git ignores .env: its secrets stay on this machine, readable by its owner alone, and
    # differ from project to project. It is made once, with the project: an update never brings
    # one, so none can be staged by it.
    env = root / ".env"
    env.touch(mode=0o600)
    env.write_text(local_env((root / ".env.example").read_text()))
    print(next_steps(context, root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
