"""Commands for the people who run the service: `python -m app.cli create-admin NAME EMAIL` makes
the first admin (admins make more at PATCH /admin/users/{id}).

The password is asked at the terminal, twice, and never taken as an argument, which other users of
the machine could read; `--password-stdin` reads one line from standard input instead, for scripts.
Every refusal is one line and exit status 1.
"""

import argparse
import asyncio
import getpass
import sys
from typing import Any, NoReturn

from pydantic import ValidationError

from app.core.config import get_settings
from app.db.session import CONNECTION_ERRORS, get_engine, get_sessionmaker, unreachable
from app.users import service
from app.users.schemas import UserCreate

# The end of input, or Ctrl-C, at a prompt.
NO_ANSWER = (EOFError, KeyboardInterrupt)


class Parser(argparse.ArgumentParser):
    """argparse's, whose refusals never repeat an argument they refuse: it may be a password
    (`--password secret`). Nor does it take a prefix of an option for the option."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs, allow_abbrev=False)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            message = (
                "unrecognized arguments (not shown: one may be a password). The password is "
                "asked for, or read from standard input with --password-stdin"
            )
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    commands = Parser(prog="python -m app.cli")
    chosen = commands.add_subparsers(dest="command", required=True)
    create_admin = chosen.add_parser("create-admin", help="create a user with the admin role")
    create_admin.add_argument("username")
    create_admin.add_argument("email")
    create_admin.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    return commands


def ask_password() -> str:
    try:
        password = getpass.getpass("Password: ")
        again = getpass.getpass("Password again: ")
    except NO_ANSWER:
        raise SystemExit("No password given: nothing created.") from None
    if password != again:
        raise SystemExit("The passwords differ: nothing created.")
    return password


def refused(error: ValidationError) -> str:
    """The refused fields on one line, without their values."""
    problems = [
        f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}" for problem in error.errors()
    ]
    return "Refused: " + "; ".join(problems)


async def create_admin(user_in: UserCreate) -> str:
    try:
        async with get_sessionmaker()() as session:
            user = await service.create_user(
                session,
                username=user_in.username,
                email=user_in.email,
                password=user_in.password.get_secret_value(),
                role="admin",
            )
    except service.DuplicateUserError as error:
        raise SystemExit(f"{error} Nothing created.") from None
    except CONNECTION_ERRORS as error:
        raise SystemExit(unreachable(get_settings().database_url, error)) from None
    finally:
        await get_engine().dispose()
    return f"Created admin {user.username} (id {user.id})."


def main(argv: list[str] | None = None) -> None:
    arguments = parser().parse_args(argv)
    password = sys.stdin.readline().rstrip("\r\n") if arguments.password_stdin else ask_password()
    try:
        user_in = UserCreate.model_validate(
            {"username": arguments.username, "email": arguments.email, "password": password}
        )
    except ValidationError as error:
        raise SystemExit(refused(error)) from None
    print(asyncio.run(create_admin(user_in)))


if __name__ == "__main__":
    main()
