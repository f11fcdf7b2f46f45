import pytest
from pydantic import SecretStr, ValidationError

from app.auth.config import MIN_SECRET_KEY_LENGTH, AuthSettings
from app.core.config import get_settings


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Settings read afresh from the environment, restored afterwards."""
    monkeypatch.setattr(get_settings(), "environment", "production")
    return monkeypatch


@pytest.mark.parametrize("secret", [None, "x" * (MIN_SECRET_KEY_LENGTH - 1)])
def test_production_refuses_a_missing_or_short_secret_key(
    environment: pytest.MonkeyPatch, secret: str | None
) -> None:
    environment.delenv("SECRET_KEY", raising=False)
    if secret is not None:
        environment.setenv("SECRET_KEY", secret)

    with pytest.raises(ValidationError, match="SECRET_KEY must be set, to at least 32 characters"):
        AuthSettings(_env_file=None)


def test_production_accepts_a_long_secret_key(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("SECRET_KEY", "k" * MIN_SECRET_KEY_LENGTH)

    settings = AuthSettings(_env_file=None)

    assert settings.secret_key == SecretStr("k" * MIN_SECRET_KEY_LENGTH)


def test_local_development_makes_up_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)

    first = AuthSettings(_env_file=None)
    second = AuthSettings(_env_file=None)

    assert len(first.secret_key.get_secret_value()) >= MIN_SECRET_KEY_LENGTH
    assert first.secret_key != second.secret_key
