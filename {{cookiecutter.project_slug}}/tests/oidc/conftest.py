from collections.abc import AsyncIterator

import pytest

from app.auth.provider import ProviderKeys, get_provider_keys
from app.core.config import get_settings


@pytest.fixture
async def provider_keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ProviderKeys]:
    """The app's provider keys, none read yet, asked again for a key it lacks after 0.05 s: a test
    sets the settings it needs before its first request."""
    monkeypatch.setattr(get_settings(), "oidc_refresh_seconds", 0.05)
    get_provider_keys.cache_clear()
    keys = get_provider_keys()
    assert keys is not None
    yield keys
    get_provider_keys.cache_clear()
    await keys.close()
