"""Whatever a correctly signed token claims, reading it gives a user id or None, never an error."""

import json
from datetime import UTC, datetime, timedelta

import jwt
from hypothesis import given
from hypothesis import strategies as st

from app.auth.tokens import ALGORITHM, user_id_from_token
from app.core.config import get_settings
from app.db.base import MAX_ID

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=5,
)
FUTURE = int((datetime.now(UTC) + timedelta(days=1)).timestamp())
# Subjects near what a token should hold, and far from it: other digits, huge numbers, any value.
SUBJECTS = (
    st.integers(min_value=-(2**40), max_value=2**40).map(str)
    | st.text(alphabet="0123456789", min_size=4000, max_size=6000)
    | st.text(alphabet="0123456789\u0660\u0969\uff10 +-_.")
    | JSON_VALUES
)
CLAIMS = st.fixed_dictionaries(
    {},
    optional={
        "sub": SUBJECTS,
        "exp": st.just(FUTURE) | JSON_VALUES,
        "iat": JSON_VALUES,
        "nbf": JSON_VALUES,
        "aud": JSON_VALUES,
        "iss": JSON_VALUES,
        "jti": JSON_VALUES,
    },
)


def signed(claims: dict[str, object]) -> str:
    """A token with these claims, signed with the app's key (PyJWS signs any payload as it is)."""
    key = get_settings().secret_key.get_secret_value()
    return jwt.PyJWS().encode(json.dumps(claims).encode(), key, algorithm=ALGORITHM)


@given(claims=CLAIMS)
def test_any_signed_claims_give_a_user_id_or_none(claims: dict[str, object]) -> None:
    user_id = user_id_from_token(signed(claims))

    assert user_id is None or 1 <= user_id <= MAX_ID


def test_a_subject_of_thousands_of_digits_is_no_user() -> None:
    assert user_id_from_token(signed({"sub": "1" * 5000, "exp": FUTURE})) is None


def test_a_plain_subject_is_its_user() -> None:
    assert user_id_from_token(signed({"sub": "42", "exp": FUTURE})) == 42
