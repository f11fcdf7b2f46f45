"""A state machine over the whole lifecycle: Hypothesis draws programs of logins, refreshes (fresh
and replayed), logouts here and everywhere, password changes, deactivations and activations, and
after every step each session's access token must work if and only if its session is alive."""

from dataclasses import dataclass, field
from itertools import count

from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth.accounts import PASSWORD, Session, log_in, promote, refreshed, sign_up, works
from tests.profile import THOROUGH

USERS = ("ann", "bob")
EXAMPLES = 30 if THOROUGH else 5
_examples = count(1)

# A step names a user, or a session by its index among those started so far (taken modulo their
# number, so that any index names one).
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("log_in"), st.sampled_from(USERS)),
        st.tuples(
            st.sampled_from(["refresh", "replay", "log_out", "log_out_everywhere"]),
            st.integers(0, 9),
        ),
        st.tuples(st.just("change_password"), st.integers(0, 9)),
        st.tuples(st.sampled_from(["deactivate", "activate"]), st.sampled_from(USERS)),
    ),
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
class Model:
    names: dict[str, str]  # the example's username for each user
    ids: dict[str, int]
    passwords: dict[str, str]
    active: dict[str, bool]
    sessions: list[Known] = field(default_factory=list)

    def end(self, user: str, *, but: Known | None = None) -> None:
        for known in self.sessions:
            if known.user == user and known is not but:
                known.alive = False


async def step(
    client: AsyncClient, admin: Session, model: Model, action: str, target: object
) -> None:
    """Take one step through the API, and the same step in the model, checking what the API said."""
    if action == "log_in":
        user = str(target)
        response = await client.post(
            "/auth/token", data={"username": model.names[user], "password": model.passwords[user]}
        )
        assert response.status_code == (200 if model.active[user] else 401)
        if response.status_code == 200:
            body = response.json()
            model.sessions.append(Known(user, Session(body["access_token"], body["refresh_token"])))
        return
    if action in {"deactivate", "activate"}:
        user = str(target)
        response = await client.patch(
            f"/admin/users/{model.ids[user]}",
            json={"is_active": action == "activate"},
            headers=admin.headers,
        )
        assert response.status_code == 200
        model.active[user] = action == "activate"
        if action == "deactivate":
            model.end(user)
        return
    if not model.sessions:
        return
    known = model.sessions[int(str(target)) % len(model.sessions)]
    if action == "refresh":
        tokens = await refreshed(client, known.tokens)
        assert (tokens is not None) == known.alive
        if tokens is not None:
            known.spent.append(known.tokens)
            known.tokens = tokens
        return
    if action == "replay":
        if known.spent:
            assert await refreshed(client, known.spent[-1]) is None
            known.alive = False
        return
    if action == "change_password":
        new_password = f"{PASSWORD} {next(_examples)}"
        response = await client.put(
            "/users/me/password",
            json={"current_password": model.passwords[known.user], "new_password": new_password},
            headers=known.tokens.headers,
        )
        assert response.status_code == (204 if known.alive else 401)
        if known.alive:
            model.passwords[known.user] = new_password
            model.end(known.user, but=known)
        return
    everywhere = action == "log_out_everywhere"
    response = await client.post(
        "/auth/logout-all" if everywhere else "/auth/logout", headers=known.tokens.headers
    )
    assert response.status_code == (204 if known.alive else 401)
    if known.alive:
        if everywhere:
            model.end(known.user)
        known.alive = False


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
async def test_a_token_works_if_and_only_if_its_session_is_alive(
    anonymous_client: AsyncClient, db_session: AsyncSession, steps: list[tuple[str, object]]
) -> None:
    example = next(_examples)  # the examples share the test's transaction: new names for each
    names = {user: f"{user}{example}" for user in USERS}
    ids = {user: await sign_up(anonymous_client, name) for user, name in names.items()}
    await promote(db_session, await sign_up(anonymous_client, f"root{example}"))
    admin = await log_in(anonymous_client, f"root{example}")
    model = Model(names, ids, dict.fromkeys(USERS, PASSWORD), dict.fromkeys(USERS, True))

    for action, target in steps:
        await step(anonymous_client, admin, model, action, target)
        for known in model.sessions:
            assert await works(anonymous_client, known.tokens) == known.alive, (action, target)
