"""`python -m app.cli create-admin` makes an admin with a password asked for, never an argument;
every refusal is one line that creates nothing."""

import asyncio
import getpass
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli
from app.core import security
from app.db.engine import create_engine
from app.users.models import User
from tests.commands import start_command

PASSWORD = "the first admin's password"


async def create_admin(
    database_url: str, username: str, folder: Path
) -> asyncio.subprocess.Process:
    """`python -m app.cli create-admin --password-stdin`, started from the folder, as a deployment
    runs it (no `.env` there), its password to be written to its standard input."""
    arguments = ["-m", "app.cli", "create-admin", username, f"{username}@example.com"]
    return await start_command(
        [*arguments, "--password-stdin"],
        folder,
        {"DATABASE_URL": database_url},
        stdin=asyncio.subprocess.PIPE,
    )


@pytest.mark.live  # runs the command as processes of their own
async def test_two_racing_create_admins_make_one_admin_and_one_refusal(
    live_database: str, tmp_path: Path
) -> None:
    racing = [await create_admin(live_database, "root", tmp_path) for _ in range(2)]
    said = [
        (await asyncio.wait_for(command.communicate(f"{PASSWORD}\n".encode()), 60))[0].decode()
        for command in racing
    ]
    outcomes = sorted(zip([command.returncode for command in racing], said, strict=True))

    (created, created_said), (refused, refused_said) = outcomes
    assert (created, refused) == (0, 1), outcomes
    assert created_said.startswith("Created admin root (id "), outcomes
    assert refused_said.strip() == "A user with this username already exists. Nothing created."
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


@pytest.mark.parametrize(
    "arguments",
    [["--password", "MySecret1"], ["--password=MySecret1"], ["--pass", "MySecret1"], ["MySecret1"]],
)
def test_a_password_as_an_argument_is_refused_and_never_shown(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["create-admin", "ann", "ann@example.com", *arguments])

    said = capsys.readouterr()
    assert exited.value.code == 2
    assert "MySecret1" not in said.out + said.err
    assert "not shown: one may be a password" in said.err
