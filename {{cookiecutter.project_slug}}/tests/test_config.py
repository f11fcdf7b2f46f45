"""Settings that would make a deployment misbehave are refused, naming the variable."""

import pytest
from pydantic import ValidationError

from tests.settings import fresh_settings


def test_a_rate_limit_that_does_not_parse_is_refused() -> None:
    with pytest.raises(ValidationError, match="sign_up_rate_limit"):
        fresh_settings(sign_up_rate_limit="often")


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_several_workers_counting_rate_limits_in_memory_are_refused_outside_development(
    environment: str,
) -> None:
    with pytest.raises(ValidationError, match="WEB_CONCURRENCY=2 would allow 2 times every limit"):
        fresh_settings(
            environment=environment, web_concurrency=2, rate_limit_storage_uri="memory://"
        )


@pytest.mark.parametrize("environment", ["local", "test"])
def test_several_workers_may_count_in_memory_in_development(environment: str) -> None:
    assert fresh_settings(environment=environment, web_concurrency=2).web_concurrency == 2


def test_several_workers_sharing_a_storage_are_accepted() -> None:
    shared = fresh_settings(
        environment="local", web_concurrency=4, rate_limit_storage_uri="redis://r"
    )

    assert shared.web_concurrency == 4


@pytest.mark.parametrize("proxies", ["not-an-ip", "10.0.0.0/8,proxy.example.com", "10.0.0.1/40"])
def test_trusted_proxies_must_be_addresses(proxies: str) -> None:
    with pytest.raises(ValidationError, match="forwarded_allow_ips"):
        fresh_settings(forwarded_allow_ips=proxies)


def test_trusted_proxies_take_addresses_and_networks() -> None:
    proxies = "127.0.0.1, 10.0.0.0/8,::1"

    assert fresh_settings(forwarded_allow_ips=proxies).forwarded_allow_ips == proxies
