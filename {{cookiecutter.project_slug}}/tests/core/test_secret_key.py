import base64
import random
import secrets
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.core.secret_key import GENERATE_A_KEY, MIN_SECRET_KEY_LENGTH
from tests.settings import fresh_settings

GOOD_KEY = secrets.token_urlsafe(32)
# A random key of 256 bits as the usual tools write it (openssl rand -hex/-base64 32,
# secrets.token_hex and token_urlsafe).
ENCODINGS: dict[str, Callable[[bytes], str]] = {
    "hex": bytes.hex,
    "base64": lambda key: base64.b64encode(key).decode(),
    "urlsafe": lambda key: base64.urlsafe_b64encode(key).decode().rstrip("="),
}


@pytest.mark.parametrize(
    "key",
    [
        "x" * (MIN_SECRET_KEY_LENGTH - 1),
        " " * 40,
        "k" * 64,
        "abcd" * 16,
        "changeme" * 4,
        "0123456789" * 4,
        GOOD_KEY[: MIN_SECRET_KEY_LENGTH - 2] + "  ",
    ],
    ids=["short", "blank", "one-character", "four-characters", "a-word", "digits", "padded"],
)
def test_production_refuses_a_weak_key_without_repeating_it(key: str) -> None:
    with pytest.raises(ValidationError) as refused:
        fresh_settings(environment="production", secret_key=key)

    message = str(refused.value)
    assert "secret_key" in message
    assert GENERATE_A_KEY in message
    assert key not in message


# Random, not merely any: Hypothesis would also draw 32 zero bytes, which no key generator makes.
@given(source=st.randoms(use_true_random=True), encoding=st.sampled_from(sorted(ENCODINGS)))
def test_production_accepts_any_random_256_bit_key(source: random.Random, encoding: str) -> None:
    written = ENCODINGS[encoding](source.randbytes(32))
    accepted = fresh_settings(environment="production", secret_key=written)

    assert accepted.secret_key.get_secret_value() == written


def test_production_accepts_a_random_key_that_uses_few_of_its_alphabet() -> None:
    # From `openssl rand -hex 32`: 13 of the 16 hex digits, as about a quarter of such keys are.
    key = "389204eedb2183d980d89088eb884dbd25c168d8696dc5b9108121861d4e6306"

    accepted = fresh_settings(environment="production", secret_key=key)

    assert accepted.secret_key.get_secret_value() == key


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_production_refuses_a_missing_key(monkeypatch: pytest.MonkeyPatch, key: str | None) -> None:
    monkeypatch.delenv("SECRET_KEY")
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)  # an empty variable counts as unset

    with pytest.raises(ValidationError, match="is not set, and ENVIRONMENT is production"):
        fresh_settings(environment="production")


def test_production_accepts_a_generated_key() -> None:
    accepted = fresh_settings(environment="production", secret_key=GOOD_KEY)

    assert accepted.secret_key.get_secret_value() == GOOD_KEY


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_local_development_makes_up_a_key_when_none_is_set(
    monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)

    first = fresh_settings(environment="local").secret_key.get_secret_value()
    second = fresh_settings(environment="local").secret_key.get_secret_value()

    assert len(first) >= MIN_SECRET_KEY_LENGTH
    assert first != second


def test_a_login_rate_limit_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ValidationError, match="login_rate_limit"):
        fresh_settings(login_rate_limit="often")


def test_several_workers_without_a_key_are_refused_even_in_local_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SECRET_KEY")

    with pytest.raises(ValidationError, match="is not set, and WEB_CONCURRENCY is 2"):
        fresh_settings(environment="local", web_concurrency=2)
