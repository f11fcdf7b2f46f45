"""`python -m app.cli create-admin` makes an admin with a password asked for, never an argument;
every refusal is one line that creates nothing."""

import getpass
import subprocess
import sys

import pytest
from sqlalchemy import select

from app import cli
from app.core import security
from app.db.engine import create_engine
from app.users.models import User
from tests.commands import PROJECT_ROOT, deployment_environment

PASSWORD = "the first admin's password"


def create_admin(
    database_url: str, username: str, password: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "create-admin",
            username,
            f"{username}@example.com",
            "--password-stdin",
        ],
        cwd=PROJECT_ROOT,
        env=deployment_environment({"DATABASE_URL": database_url}),
        input=f"{password}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.live  # runs the command twice, as processes of their own
async def test_create_admin_makes_an_admin_once(live_database: str) -> None:
    created = create_admin(live_database, "root", PASSWORD)
    again = create_admin(live_database, "root", PASSWORD)

    assert (created.returncode, created.stdout.strip()) == (0, "Created admin root (id 1).")
    assert again.returncode == 1
    assert (again.stdout + again.stderr).strip() == (
        "A user with this username already exists. Nothing created."
    )
    engine = create_engine(live_database)
    async with engine.connect() as connection:
        ((role, hashed),) = (
            await connection.execute(select(User.role, User.hashed_password))
        ).all()
    await engine.dispose()
    assert role == "admin"
    assert await security.verify_password(PASSWORD, hashed)


@pytest.mark.parametrize(
    ("arguments", "answers", "said"),
    [
        (
            ["create-admin", "root", "root@example.com"],
            ["one password", "another"],
            "The passwords differ: nothing created.",
        ),
        (
            ["create-admin", "no spaces", "root@example.com"],
            [PASSWORD, PASSWORD],
            "Refused: username: String should match pattern",
        ),
        (
            ["create-admin", "root", "not-an-email"],
            [PASSWORD, PASSWORD],
            "Refused: email: value is not a valid email address",
        ),
        (
            ["create-admin", "root", "root@example.com"],
            ["short", "short"],
            "Refused: password: Value should have at least 8 items",
        ),
    ],
    ids=["passwords-differ", "bad-username", "bad-email", "short-password"],
)
def test_a_refused_admin_is_one_line_before_any_database(
    monkeypatch: pytest.MonkeyPatch, arguments: list[str], answers: list[str], said: str
) -> None:
    asked = iter(answers)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(asked))

    with pytest.raises(SystemExit) as refusal:
        cli.main(arguments)

    assert str(refusal.value).startswith(said)
    assert len(str(refusal.value).splitlines()) == 1
    assert "one password" not in str(refusal.value)
    assert PASSWORD not in str(refusal.value)
