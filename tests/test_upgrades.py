"""A project made from any release takes `cruft update` to the work tree's template, then
`alembic upgrade head`, with its data, its secrets and its user's edits safe.

Each release in CHANGELOG.md names its commit. For each, a project is made with `cruft create` at
that commit, migrated, given users and items through its API, committed with two edits of its
user's (one where the template changes nothing near, one on a line the template changes), and
updated: it is then a fresh render of its answers, file for file, but for the lasting edit.
Across the releases the rows hold every pair of a release, a database and an auth answer.
"""

import asyncio
import difflib
import os
import re
import secrets
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from tests import postgres
from tests.git_projects import GIT_IDENTITY, cruft, cruft_create, git, has_commit, template_copy
from tests.rendering import (
    TEMPLATE_DIR,
    Answers,
    assert_succeeds,
    combination_id,
    render,
    run,
    server_unavailable,
    tool,
)

RELEASES = re.findall(
    r"^## (\d+\.\d+\.\d+) \(.*commit ([0-9a-f]{7,40})\)$",
    (TEMPLATE_DIR / "CHANGELOG.md").read_text(),
    flags=re.MULTILINE,
)
# Two rows a release, database and auth answers crossed, and the auth answers alternating from one
# release to the next: with two releases or more, every pair of a release, a database and an auth
# answer is updated.
UPGRADES = [
    (version, commit, {"database": database, "auth": auth, "use_alembic": True})
    for index, (version, commit) in enumerate(RELEASES)
    for database, auth in zip(
        ("sqlite", "postgresql"),
        ("none", "jwt") if index % 2 == 0 else ("jwt", "none"),
        strict=True,
    )
]
# Projects made from main between releases, whose answers a release did not have yet: the
# background jobs, with jobs pending when they update (their items' jobs, never sent: no broker
# answers the writes).
BETWEEN_RELEASES = [
    (
        "main at 0259561",
        "0259561",
        {"database": "postgresql", "auth": "jwt", "use_alembic": True, "background_jobs": "taskiq"},
    )
]
# The updated project is the fresh render plus its user's edit (a comment), file for file: its code
# is the fresh render's, whose suites tests/test_generated.py runs.
# Each table's rows, in key order, as column -> value.
Rows = dict[str, list[dict[str, Any]]]
OWN_NOTE = "# Our own note: the template's update keeps it."
REVISIONS = "{{cookiecutter.project_slug}}/migrations/versions"
# The released revisions changed since their release, each only so that projects from every release
# take the same chain, or to say whom it is for: (release, revision) -> what changed.
AMENDED_REVISIONS = {
    ("0.1.0", "0001_initial.py"): "with jwt, 0.2.0 moved the items' owner to a revision, 0003",
    ("0.2.0", "0002_case_insensitive_names.py"): "its first line says that it is for databases "
    "made before 0.2.0; the code is as released",
    ("0.2.0", "0003_item_owners.py"): "0003 keeps the owner that 0.1.0's 0001 made with jwt, and "
    "on SQLite the AUTOINCREMENT that 0004 gives items when auth is turned on after it",
}


def test_every_release_names_its_commit_and_the_upgrades_cover_every_pair() -> None:
    headings = re.findall(r"^## (\d+\.\d+\.\d+)", (TEMPLATE_DIR / "CHANGELOG.md").read_text(), re.M)
    assert [version for version, _ in RELEASES] == headings
    assert len(RELEASES) >= 2
    pairs = {
        frozenset(pair)
        for version, _, answers in UPGRADES
        for pair in [
            (("release", version), ("database", answers["database"])),
            (("release", version), ("auth", answers["auth"])),
            (("database", answers["database"]), ("auth", answers["auth"])),
        ]
    }
    assert len(pairs) == len(RELEASES) * 2 * 2 + 2 * 2


def test_a_file_the_update_left_behind_or_changed_shows(tmp_path: Path) -> None:
    project, fresh = tmp_path / "project", tmp_path / "fresh"
    for folder in (project, fresh):
        (folder / "app").mkdir(parents=True)
        (folder / "app/main.py").write_text("app = 1\n")
    (fresh / ".env").write_text("SECRET_KEY=fresh\n")
    (project / "app/old.py").write_text("gone = True\n")  # a module the template removed
    (project / "app/main.py").write_text(f"app = 1\n{OWN_NOTE}\n")
    git(project, "init", "-q")
    git(project, "add", "-A")

    assert unlike_the_fresh_render(project, fresh) == {
        "app/main.py": [f"+{OWN_NOTE}"],
        "app/old.py": ["+gone = True"],
    }


@pytest.mark.parametrize(("version", "commit"), RELEASES)
def test_a_released_revision_stays_as_released(version: str, commit: str) -> None:
    if not has_commit(commit):
        server_unavailable(f"this clone lacks {version}'s commit {commit}", "the upgrade tests")
    released = git(TEMPLATE_DIR, "ls-tree", "--name-only", commit, f"{REVISIONS}/").split()
    assert released
    for path in released:
        name = Path(path).name
        now = TEMPLATE_DIR / REVISIONS / name
        changed = not now.is_file() or now.read_text() != git(
            TEMPLATE_DIR, "show", f"{commit}:{path}"
        )
        assert changed == ((version, name) in AMENDED_REVISIONS), (version, name)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("version", "commit", "answers"),
    UPGRADES + BETWEEN_RELEASES,
    ids=[
        f"{version}-{combination_id(answers)}"
        for version, _, answers in UPGRADES + BETWEEN_RELEASES
    ],
)
def test_a_project_from_a_release_takes_the_update_and_keeps_its_data_secrets_and_edits(
    version: str,
    commit: str,
    answers: Answers,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    if not has_commit(commit):
        server_unavailable(f"this clone lacks {version}'s commit {commit}", "the upgrade tests")
    row = f"{version} ({combination_id(answers)})"
    template = template_copy(tmp_path / "template", release=commit)
    project = cruft_create(template, answers, tmp_path / "then", checkout="HEAD~1")
    fresh = render(tmp_path / "now", answers)
    conflicted = conflicting_edit(project, fresh)
    kept = lasting_edit(project, fresh)
    git(project, "commit", "-qam", "The user's edits")

    with databases(answers["database"], tmp_path) as (live, new):
        # The release's own settings: an old project has no .env, and its code read no other.
        settings = {
            "DATABASE_URL": live,
            "SECRET_KEY": secrets.token_hex(32),
            "JOBS_BROKER_URL": "unix:///nonexistent/jobs-broker.sock",  # none: the jobs stay
        }
        alembic = [sys.executable, "-m", "alembic"]
        writer = [sys.executable, str(Path(__file__).parent / "write_through_api.py")]
        assert_succeeds(
            [*writer, str(answers["auth"])], project, env={**settings, **pythonpath(project)}
        )
        schema_then, rows_then = read_database(live)
        env_then = (project / ".env").read_bytes() if (project / ".env").exists() else None

        updated = cruft("update", "-y", cwd=project)

        staged = git(project, "diff", "--cached", "--name-only").split()
        unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
        assert ".env" not in staged
        assert "Next:" not in updated  # the steps for a new project, not for this one
        env_now = (project / ".env").read_bytes() if (project / ".env").exists() else None
        assert env_now == env_then
        assert unmerged == [conflicted]
        assert OWN_NOTE in (project / kept).read_text()
        # The careless user stages everything; the pre-commit hook still refuses the markers.
        git(project, "add", "-A")
        hook = run(
            [*tool("pre_commit"), "run", "conflict-markers", "--files", conflicted],
            project,
            env={**GIT_IDENTITY, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit")},
        )
        assert hook.returncode == 1, hook.stdout + hook.stderr
        assert conflicted in hook.stdout
        shutil.copy2(fresh / conflicted, project / conflicted)  # resolved: the template's side
        git(project, "commit", "-qam", "The template's update")
        assert ".env" not in git(project, "ls-files").split()
        assert unlike_the_fresh_render(project, fresh) == {kept: [f"+{OWN_NOTE}"]}

        upgrade = run([*alembic, "upgrade", "head"], project, env=settings)
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        schema_now, rows_now = read_database(live)
        assert_succeeds([*alembic, "upgrade", "head"], fresh, env={**settings, "DATABASE_URL": new})
        schema_fresh, _ = read_database(new)

    applied = re.findall(r"Running upgrade .*? -> (\S+),", upgrade.stderr)
    (revision_then,) = rows_then.pop("alembic_version")
    assert rows_now.pop("alembic_version") == (
        [{"version_num": applied[-1]}] if applied else [revision_then]
    )
    # Every row kept as it was, in the columns it had then; the columns added since hold their
    # defaults.
    assert as_then(rows_now, schema_then) == rows_then
    assert rows_now["items"], "the API wrote no items"
    if answers.get("background_jobs") == "taskiq":
        assert len(rows_now["jobs"]) == len(rows_now["items"])  # one pending job for each
    if "role" in rows_now["users"][0]:  # jwt's roles and states, since 0006
        assert {(row["role"], bool(row["is_active"])) for row in rows_now["users"]} == {
            ("user", True)
        }
    # A fresh project's schema, whose revisions match its models (the drift test in its own suite,
    # tests/test_migrations.py): what `alembic check` would find.
    assert schema_now == schema_fresh
    record_property(
        "figure",
        f"upgrade from {row}: at {revision_then['version_num']},"
        f" then applied {', '.join(applied) or '-'};"
        f" kept {len(rows_now['users'])} users and {len(rows_now['items'])} items as they were;"
        f" the update staged {len(staged)} files, no .env; a conflict shown in {conflicted}",
    )


def unlike_the_fresh_render(project: Path, fresh: Path) -> dict[str, list[str]]:
    """Each file in which the updated project differs from a fresh render of its answers, with
    the lines that differ: a file that only one of them has is all its lines. Neither's settings
    (.env, which git never tracks) nor cruft's record count."""
    tracked = set(git(project, "ls-files").split()) - {".cruft.json"}
    rendered = {
        path.relative_to(fresh).as_posix() for path in fresh.rglob("*") if path.is_file()
    } - {".env"}
    differences = {}
    for name in sorted(tracked | rendered):
        then = (project / name).read_text().splitlines() if name in tracked else []
        now = (fresh / name).read_text().splitlines() if name in rendered else []
        changed = [
            line
            for line in difflib.unified_diff(now, then, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        ]
        if changed:
            differences[name] = changed
    return differences


def pythonpath(project: Path) -> dict[str, str]:
    return {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(project), os.environ.get("PYTHONPATH")]))
    }


@contextmanager
def databases(database: object, folder: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases: the live one the project keeps, and one for a fresh project."""
    if database == "sqlite":
        yield (
            f"sqlite+aiosqlite:///{folder / 'live.db'}",
            f"sqlite+aiosqlite:///{folder / 'new.db'}",
        )
        return
    with ExitStack() as stack:
        server = postgres.server_url()
        suffix = secrets.token_hex(6)
        yield (
            stack.enter_context(postgres.new_database(server, f"upgrade_live_{suffix}")),
            stack.enter_context(postgres.new_database(server, f"upgrade_new_{suffix}")),
        )


def read_database(url: str) -> tuple[dict[str, Any], Rows]:
    """The database's schema as SQLAlchemy reflects it, and every table's rows in key order."""

    async def read() -> tuple[dict[str, Any], Rows]:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(_read)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _read(connection: Connection) -> tuple[dict[str, Any], Rows]:
    inspector = sa.inspect(connection)
    schema: dict[str, Any] = {}
    rows = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = {
            "columns": [
                (column["name"], str(column["type"]), column["nullable"])
                for column in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (
                    key["name"],
                    tuple(key["constrained_columns"]),
                    key["referred_table"],
                    tuple(key["referred_columns"]),
                    key.get("options", {}).get("ondelete"),
                )
                for key in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), index["unique"])
                for index in inspector.get_indexes(table)
            ),
            "unique": sorted(
                (constraint["name"], tuple(constraint["column_names"]))
                for constraint in inspector.get_unique_constraints(table)
            ),
        }
        if connection.dialect.name == "sqlite":  # which SQLAlchemy does not reflect
            sql = connection.scalar(
                sa.text(f"SELECT sql FROM sqlite_master WHERE name = '{table}'")
            )
            schema[table]["autoincrement"] = "AUTOINCREMENT" in str(sql)
        select = sa.text(f'SELECT * FROM "{table}" ORDER BY 1')
        rows[table] = [dict(row._mapping) for row in connection.execute(select)]
    return schema, rows


def as_then(rows: Rows, schema_then: dict[str, Any]) -> Rows:
    """The rows of the tables that the schema had (a table gone since is missing), in the columns
    that it had."""
    return {
        table: [{name: row[name] for name, _, _ in described["columns"]} for row in rows[table]]
        for table, described in schema_then.items()
        if table in rows
    }


def changed_files(then: Path, now: Path, suffix: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """The files with the suffix that both projects hold and the template has changed: their
    path, and their lines then and now."""
    for path in sorted(then.rglob(f"*{suffix}")):
        name = path.relative_to(then).as_posix()
        if ".git/" in name or not (now / name).is_file():
            continue
        lines_then = path.read_text().splitlines(keepends=True)
        lines_now = (now / name).read_text().splitlines(keepends=True)
        if lines_then != lines_now:
            yield name, lines_then, lines_now


def conflicting_edit(project: Path, fresh: Path) -> str:
    """Edit, as its user would, the first Markdown line that the template has changed since."""
    for name, then, now in changed_files(project, fresh, ".md"):
        matcher = difflib.SequenceMatcher(a=then, b=now, autojunk=False)
        for tag, start, _end, _, _ in matcher.get_opcodes():
            if tag == "replace" and then[start].strip():
                then[start] = then[start].rstrip("\n") + " (our words)\n"
                (project / name).write_text("".join(then))
                return name
    raise AssertionError("the template changed no line of Markdown since this release")


def lasting_edit(project: Path, fresh: Path) -> str:
    """Add, as its user would, a comment to a module that the template has changed since, where
    the template changed nothing within four lines."""
    for name, then, now in changed_files(project, fresh, ".py"):
        matcher = difflib.SequenceMatcher(a=then, b=now, autojunk=False)
        for tag, start, end, _, _ in matcher.get_opcodes():
            middle = (start + end) // 2
            if tag == "equal" and end - start >= 9 and not then[middle].rstrip().endswith("\\"):
                then.insert(middle + 1, OWN_NOTE + "\n")
                (project / name).write_text("".join(then))
                return name
    raise AssertionError("the template changed no module since this release")
