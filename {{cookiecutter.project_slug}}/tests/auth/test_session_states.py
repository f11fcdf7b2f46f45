"""A state machine over the whole lifecycle: Hypothesis draws programs of logins, refreshes (fresh
and replayed), logouts here and everywhere, password changes and resets, deactivations and
activations; after every step, each session's access token must work if and only if the model
says that its session is alive."""

from dataclasses import dataclass, field
from itertools import count

from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.steps import PASSWORD, Session, log_in, promote, refreshed, sign_up, works
from tests.mailbox import Mailbox
from tests.profile import THOROUGH

USERS = ("ann", "bob")
EXAMPLES = 30 if THOROUGH else 5
_names = count(1)

# A step names a user, or a session by its index among those started so far (taken modulo their
# number, so that any index names one).
ON_USERS = ["log_in", "reset_password", "deactivate", "activate"]
ON_SESSIONS = ["refresh", "replay", "log_out", "log_out_everywhere", "change_password"]
STEPS = st.lists(
    st.tuples(st.sampled_from(ON_USERS), st.sampled_from(USERS))
    | st.tuples(st.sampled_from(ON_SESSIONS), st.integers(0, 9)),
    max_size=12,
)


@dataclass
class Known:
    """A session as the model sees it: whose, its tokens, and whether it is alive."""

    user: str
    tokens: Session
    spent: list[Session] = field(default_factory=list)
    alive: bool = True


@dataclass
class Machine:
    """The API on one side, the model on the other: each step is taken on both, and what the API
    answers is checked against what the model expects."""

    client: AsyncClient
    mailbox: Mailbox
    admin: Session
    names: dict[str, str]  # this example's username for each user
    ids: dict[str, int]
    passwords: dict[str, str]
    active: dict[str, bool]
    sessions: list[Known] = field(default_factory=list)

    async def take(self, action: str, target: str | int) -> None:
        if isinstance(target, str):
            await getattr(self, action)(target)
        elif self.sessions:
            await getattr(self, action)(self.sessions[target % len(self.sessions)])

    def end(self, user: str, *, but: Known | None = None) -> None:
        for known in self.sessions:
            if known.user == user and known is not but:
                known.alive = False

    async def log_in(self, user: str) -> None:
        form = {"username": self.names[user], "password": self.passwords[user]}
        response = await self.client.post("/auth/token", data=form)
        assert response.status_code == (200 if self.active[user] else 401)
        if response.status_code == 200:
            body = response.json()
            self.sessions.append(Known(user, Session(body["access_token"], body["refresh_token"])))

    async def reset_password(self, user: str) -> None:
        email = f"{self.names[user]}@example.com"
        mailed = len(await self.mailbox.to(email))
        await self.client.post("/auth/password-reset", json={"email": email})
        assert len(await self.mailbox.to(email)) == mailed + self.active[user]  # inactive: no mail
        if self.active[user]:
            self.passwords[user] = f"{PASSWORD} {next(_names)}"
            reset = {
                "token": await self.mailbox.token(email, "reset-password"),
                "new_password": self.passwords[user],
            }
            response = await self.client.post("/auth/password-reset/confirm", json=reset)
            assert response.status_code == 204
            self.end(user)

    async def deactivate(self, user: str) -> None:
        await self._set_active(user, active=False)
        self.end(user)

    async def activate(self, user: str) -> None:
        await self._set_active(user, active=True)

    async def _set_active(self, user: str, *, active: bool) -> None:
        response = await self.client.patch(
            f"/admin/users/{self.ids[user]}", json={"is_active": active}, headers=self.admin.headers
        )
        assert response.status_code == 200
        self.active[user] = active

    async def refresh(self, known: Known) -> None:
        tokens = await refreshed(self.client, known.tokens)
        assert (tokens is not None) == known.alive
        if tokens is not None:
            known.spent.append(known.tokens)
            known.tokens = tokens

    async def replay(self, known: Known) -> None:
        if known.spent:
            assert await refreshed(self.client, known.spent[-1]) is None
            known.alive = False

    async def log_out(self, known: Known) -> None:
        response = await self.client.post("/auth/logout", headers=known.tokens.headers)
        assert response.status_code == (204 if known.alive else 401)
        known.alive = False

    async def log_out_everywhere(self, known: Known) -> None:
        response = await self.client.post("/auth/logout-all", headers=known.tokens.headers)
        assert response.status_code == (204 if known.alive else 401)
        if known.alive:
            self.end(known.user)

    async def change_password(self, known: Known) -> None:
        new_password = f"{PASSWORD} {next(_names)}"
        change = {"current_password": self.passwords[known.user], "new_password": new_password}
        response = await self.client.put(
            "/users/me/password", json=change, headers=known.tokens.headers
        )
        assert response.status_code == (204 if known.alive else 401)
        if known.alive:
            self.passwords[known.user] = new_password
            self.end(known.user, but=known)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
async def test_a_token_works_if_and_only_if_its_session_is_alive(
    anonymous_client: AsyncClient,
    db_session: AsyncSession,
    mailbox: Mailbox,
    steps: list[tuple[str, str | int]],
) -> None:
    example = next(_names)  # the examples share the test's transaction: new names for each
    names = {user: f"{user}{example}" for user in USERS}
    ids = {user: await sign_up(anonymous_client, name) for user, name in names.items()}
    await promote(db_session, await sign_up(anonymous_client, f"root{example}"))
    admin = await log_in(anonymous_client, f"root{example}")
    machine = Machine(
        anonymous_client,
        mailbox,
        admin,
        names,
        ids,
        passwords=dict.fromkeys(USERS, PASSWORD),
        active=dict.fromkeys(USERS, True),
    )

    for user in USERS:  # a session each to begin with, so that every step has one to act on
        await machine.log_in(user)

    for action, target in steps:
        await machine.take(action, target)
        for known in machine.sessions:
            assert await works(anonymous_client, known.tokens) == known.alive, (action, target)
