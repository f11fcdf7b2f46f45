"""Settings that would make a deployment misbehave are refused, naming the variable."""

import re
import secrets
from typing import Literal, get_args, get_origin

import pytest
from pydantic import ValidationError

from app.core.config import Settings, settings_problems
from tests.commands import PROJECT_ROOT
from tests.settings import fresh_settings

# A value that each setting refuses where its type alone does not give one. A new setting of text
# needs a line here, or in FREE_TEXT, or test_every_setting_refuses_a_bad_value_by_name fails.
BAD_VALUES: dict[str, object] = {
    "allowed_hosts": [],  # none named, in production
    "database_url": "mysql://db.example.com/app",
    "forwarded_allow_ips": "proxy.example.com",
    "rate_limit_storage_uri": "pigeon://coop",
    "jobs_broker_url": "amqp://rabbit.example.com",
    "secret_key": "changeme" * 4,
    "mail_from": "no address",
    "public_url": "ftp://example.com",
    "oidc_issuer": "http://login.example.com",  # plain HTTP, outside development
    "oidc_audience": None,  # none, outside development
    "oidc_roles_claim": "realm_access..roles",
    "prometheus_multiproc_dir": "/no/such/folder",
    # Not in the environment, where the exporter reads them.
    "otel_exporter_otlp_endpoint": "http://127.0.0.1:4318",
    "otel_exporter_otlp_traces_endpoint": "http://127.0.0.1:4318/v1/traces",
}
FREE_TEXT = {
    "project_name",
    "host",
    "release",
    "sentry_dsn",
    "smtp_host",
    "smtp_username",
    "smtp_password",
    "oidc_admin_role",
    "oidc_docs_client_id",
}
# A value of the wrong kind for each type.
WRONG_KIND: dict[object, object] = {
    bool: "perhaps",
    int: "many",
    float: "many",
    Literal: "nonsense",
    list: "not a list",
}


def bad_value(name: str) -> object:
    if name in BAD_VALUES:
        return BAD_VALUES[name]
    if name.endswith("_rate_limit"):
        return "often"  # not a rate, e.g. 10/minute
    annotation = Settings.model_fields[name].annotation
    for kind in (annotation, *get_args(annotation)):
        if (get_origin(kind) or kind) in WRONG_KIND:
            return WRONG_KIND[get_origin(kind) or kind]
    raise AssertionError(
        f"{name}: name a value that it refuses in BAD_VALUES, or add it to FREE_TEXT"
    )


def production(**values: object) -> Settings:
    """Settings that production accepts, with these values over them."""
    if "secret_key" in Settings.model_fields:
        values = {"secret_key": secrets.token_urlsafe(32), **values}
    if "oidc_issuer" in Settings.model_fields:
        values = {"oidc_issuer": "https://login.example.com", "oidc_audience": "api", **values}
    return fresh_settings(**{"environment": "production", **values})


@pytest.mark.parametrize("name", sorted(set(Settings.model_fields) - FREE_TEXT))
def test_every_setting_refuses_a_bad_value_by_name(name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        production(**{name: bad_value(name)})

    problems = list(refused.value.errors())
    named = {
        problem["loc"] for problem in problems if problem["type"] != "default_factory_not_called"
    }
    assert named == {(name,)}, problems
{%- if cookiecutter.auth != "oidc" %}


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
{%- endif %}


@pytest.mark.parametrize("proxies", ["not-an-ip", "10.0.0.0/8,proxy.example.com", "10.0.0.1/40"])
def test_trusted_proxies_must_be_addresses(proxies: str) -> None:
    with pytest.raises(ValidationError, match="forwarded_allow_ips"):
        fresh_settings(forwarded_allow_ips=proxies)


def test_trusted_proxies_take_addresses_and_networks() -> None:
    proxies = "127.0.0.1, 10.0.0.0/8,::1"

    assert fresh_settings(forwarded_allow_ips=proxies).forwarded_allow_ips == proxies


def test_every_refused_setting_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A deployment learns of every problem in one start, those of defaults made from ENVIRONMENT
    # too (production's ALLOWED_HOSTS: none).
    monkeypatch.delenv("ALLOWED_HOSTS")
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, environment="production", database_url="mysql://db/app")

    line = settings_problems(refused.value)
    assert "DATABASE_URL: " in line
    assert "ALLOWED_HOSTS: " in line


def test_env_example_names_every_setting_in_the_settings_order() -> None:
    example = (PROJECT_ROOT / ".env.example").read_text()
    fields = list(Settings.model_fields)
    # Each setting is a line of its own (`NAME=value`, or commented out), but for the variables
    # that the libraries read from the environment, which the comments name.
    assigned = [name.lower() for name in re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", example, re.M)]

    assert [field for field in fields if field.upper() not in example] == []
    assert [name for name in assigned if name in fields] == [
        field for field in fields if field in assigned
    ]
