"""Whatever a correctly signed token claims, reading it gives a user and a session, or None, never
an error."""

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.tokens import ALGORITHM, AccessClaims, access_claims
from app.core.config import get_settings
from app.db.base import MAX_ID

# st.text()'s alphabet, every code point but a lone surrogate, named by category: the codec that
# st.text() names instead ("utf-8") makes hypothesis encode all 1.1 million code points in the first
# run of each checkout, about 1.5 s.
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda children: st.lists(children) | st.dictionaries(TEXT, children),
    max_leaves=5,
)
FUTURE = int((datetime.now(UTC) + timedelta(days=1)).timestamp())
# Ids near what a token should hold, and far from it: other digits, huge numbers, any value.
IDS = (
    st.integers(min_value=-(2**40), max_value=2**40).map(str)
    | st.text(alphabet="0123456789", min_size=4000, max_size=6000)
    | st.text(alphabet="0123456789\u0660\u0969\uff10 +-_.")
    | JSON_VALUES
)
CLAIMS = st.fixed_dictionaries(
    {},
    optional={
        "sub": IDS,
        "sid": IDS,
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
def test_any_signed_claims_give_ids_in_range_or_none(claims: dict[str, object]) -> None:
    read = access_claims(signed(claims))

    assert read is None or (1 <= read.user_id <= MAX_ID and 1 <= read.session_id <= MAX_ID)


@pytest.mark.parametrize("claim", ["sub", "sid"])
def test_an_id_of_thousands_of_digits_is_no_id(claim: str) -> None:
    claims = {"sub": "42", "sid": "7", "exp": FUTURE, claim: "1" * 5000}

    assert access_claims(signed(claims)) is None


def test_a_token_without_a_session_is_refused() -> None:
    assert access_claims(signed({"sub": "42", "exp": FUTURE})) is None


def test_plain_ids_are_the_user_and_the_session() -> None:
    read = access_claims(signed({"sub": "42", "sid": "7", "exp": FUTURE}))

    assert read == AccessClaims(user_id=42, session_id=7)
