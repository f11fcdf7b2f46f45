import secrets

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.core.secret_key import GENERATE_A_KEY, MIN_SECRET_KEY_LENGTH

GOOD_KEY = secrets.token_urlsafe(32)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, allowed_hosts=["api.example.com"], **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "key",
    [
        "x" * (MIN_SECRET_KEY_LENGTH - 1),
        " " * 40,
        "k" * 64,
        "abcd" * 16,
        GOOD_KEY[: MIN_SECRET_KEY_LENGTH - 2] + "  ",
    ],
    ids=["short", "blank", "one-character", "four-characters", "short-but-padded"],
)
def test_production_refuses_a_weak_key_without_repeating_it(key: str) -> None:
    with pytest.raises(ValidationError) as refused:
        settings(environment="production", secret_key=key)

    message = str(refused.value)
    assert "secret_key" in message
    assert GENERATE_A_KEY in message
    assert key not in message


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_production_refuses_a_missing_key(monkeypatch: pytest.MonkeyPatch, key: str | None) -> None:
    monkeypatch.delenv("SECRET_KEY")
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)  # an empty variable counts as unset

    with pytest.raises(ValidationError, match="is not set, and ENVIRONMENT is production"):
        settings(environment="production")


def test_production_accepts_a_generated_key() -> None:
    accepted = settings(environment="production", secret_key=GOOD_KEY)

    assert accepted.secret_key.get_secret_value() == GOOD_KEY


@pytest.mark.parametrize("key", [None, ""], ids=["unset", "empty"])
def test_local_development_makes_up_a_key_when_none_is_set(
    monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    monkeypatch.delenv("SECRET_KEY")
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)

    first = settings(environment="local").secret_key.get_secret_value()
    second = settings(environment="local").secret_key.get_secret_value()

    assert len(first) >= MIN_SECRET_KEY_LENGTH
    assert first != second


def test_a_rate_limit_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ValidationError, match="login_rate_limit"):
        settings(login_rate_limit="often")
