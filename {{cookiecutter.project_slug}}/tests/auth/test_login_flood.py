"""A flood of wrong logins against a real server process, at production's password cost.

Marked `live`: the quick run leaves it out, `CI=true uv run pytest` runs it (tests/profile.py).
"""

import pytest

from tests.live_server import flood

pytestmark = pytest.mark.live


async def test_a_login_flood_gets_only_401_and_429_and_other_requests_are_answered(
    production_server: str,
) -> None:
    logins = await flood(
        production_server,
        lambda client, n: client.post(
            "/auth/token", data={"username": f"nobody{n}", "password": "wrong password"}
        ),
    )

    assert set(logins.statuses) == {401, 429}, logins
    assert logins.kept_answering(), logins
