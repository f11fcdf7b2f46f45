"""Projects take later template changes with cruft, and a render can be replayed.

A throwaway git copy of the template renders a project with `cruft create`; the project is
committed and edited as a user would; the template then changes one file, adds one and removes
one; `cruft update` must bring all three, keep the user's edit and the project's own `.env`, and
leave nothing to resolve. (tests/test_upgrades.py runs a project's suite after real updates.)
"""

import json
import sqlite3
from pathlib import Path

import pytest

from tests.git_projects import cruft, cruft_create, git, template_copy
from tests.rendering import TEMPLATE_DIR, assert_succeeds, render, run, tool

HEALTH = "{{cookiecutter.project_slug}}/app/api/health.py"
HEALTH_LINE = "Report that the process is up, without touching the database."
CHANGED_HEALTH_LINE = "Report that the process answers, without touching the database."
ADDED = "{{cookiecutter.project_slug}}/docs/runbook.md"
REMOVED = "{{cookiecutter.project_slug}}/.dockerignore"


@pytest.mark.slow
def test_cruft_update_brings_template_changes_and_keeps_the_users(tmp_path: Path) -> None:
    template = template_copy(tmp_path / "template")
    project = cruft_create(template, {"auth": "jwt", "use_alembic": True}, tmp_path / "out")
    secret = (project / ".env").read_text()
    with (project / "README.md").open("a") as readme:
        readme.write("\nOur own note.\n")
    git(project, "commit", "-qam", "A user's edit")

    health = template / HEALTH
    before = health.read_text()
    assert HEALTH_LINE in before
    health.write_text(before.replace(HEALTH_LINE, CHANGED_HEALTH_LINE))
    (template / ADDED).write_text("# Runbook\n")
    git(template, "rm", "-q", REMOVED)
    git(template, "add", "-A")
    git(template, "commit", "-qm", "A template change")

    cruft("update", "-y", cwd=project)

    assert CHANGED_HEALTH_LINE in (project / "app/api/health.py").read_text()
    assert (project / "docs/runbook.md").read_text() == "# Runbook\n"
    assert not (project / ".dockerignore").exists()
    assert (project / "README.md").read_text().endswith("\nOur own note.\n")
    assert (project / ".env").read_text() == secret
    assert list(project.rglob("*.rej")) == []
    assert "up to date" in cruft("check", cwd=project)


def files(project: Path) -> dict[str, str]:
    return {
        path.relative_to(project).as_posix(): path.read_text()
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name != ".env"
    }


def test_cookiecutter_replay_renders_the_same_project_again(tmp_path: Path) -> None:
    answers = {"project_name": "Replay Me", "auth": "jwt", "database": "postgresql", "ci": "gitlab"}
    first = render(tmp_path / "first", answers)
    config = tmp_path / "first" / "cookiecutter-config.yaml"

    replayed = run(
        [
            *tool("cookiecutter"),
            "--replay",
            "--config-file",
            str(config),
            "-o",
            str(tmp_path / "again"),
            str(TEMPLATE_DIR),
        ],
        tmp_path,
    )

    assert replayed.returncode == 0, replayed.stderr
    again = tmp_path / "again" / "replay_me"
    assert files(again) == files(first)
    assert (again / ".env").read_text() != (first / ".env").read_text()  # a secret of its own


@pytest.mark.slow
def test_turning_auth_on_later_upgrades_a_live_database(tmp_path: Path) -> None:
    template = template_copy(tmp_path / "template")
    project = cruft_create(template, {"auth": "none", "use_alembic": True}, tmp_path / "out")
    database = tmp_path / "live.db"
    settings = {"DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    alembic = [*tool("alembic")]
    assert_succeeds([*alembic, "upgrade", "head"], project, env=settings)
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO users (username, email, hashed_password) VALUES ('ann', 'a@b.cd', 'x')"
        )
        connection.execute("INSERT INTO items (name, price) VALUES ('Lamp', 1)")
    initial = (project / "migrations/versions/0001_initial.py").read_text()

    cruft("update", "-y", "--variables-to-update", json.dumps({"auth": "jwt"}), cwd=project)
    refused = run([*alembic, "upgrade", "head"], project, env=settings)
    assert_succeeds([*alembic, "-x", "items_owner=1", "upgrade", "head"], project, env=settings)
    assert_succeeds([*alembic, "check"], project, env=settings)

    assert (project / "migrations/versions/0001_initial.py").read_text() == initial
    assert (project / "migrations/versions/0003_item_owners.py").is_file()
    assert refused.returncode != 0
    assert "FAILED: items made before items had owners: 1." in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT name, owner_id FROM items").fetchall() == [("Lamp", 1)]
