"""The settings the tests run with, pinned before the app reads any.

A plugin, loaded (see conftest.py) after the test database's and before anything that imports the
app: every setting is pinned, so that no test can reach the database named in the environment or
in `.env`, and nothing there can change what the tests see. Rate limits are lifted: the tests that
need one set their own.
"""

import json
import os
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings

from app.core.config import Settings
from tests.database import TEST_DATABASE_URL


def pin(settings_class: type[BaseSettings], **values: Any) -> None:
    """Put every setting of the class in the environment: these values, the rest at their defaults,
    and stop the class from reading `.env`: nothing set outside the run changes what tests see.
    """
    settings_class.model_config["env_file"] = None
    names = set(settings_class.model_fields)
    for variable in [variable for variable in os.environ if variable.lower() in names]:
        del os.environ[variable]
    settings = settings_class(_env_file=None, **values)
    for name, value in settings:
        if value is None:
            continue  # unset, as deleted above
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        # Lists and flags as JSON; the rest (numbers, addresses, URLs) as they print.
        as_json = isinstance(value, list | dict | bool)
        os.environ[name.upper()] = json.dumps(value) if as_json else str(value)


def fresh_settings(**values: object) -> Settings:
    """Settings read anew from the pinned environment, with these values over them, for a host
    that production would accept: as a deployment with these values would have them."""
    return Settings(_env_file=None, **{"allowed_hosts": ["api.example.com"], **values})  # type: ignore[arg-type]


NO_RATE_LIMITS = {
    name: "1000000/minute" for name in Settings.model_fields if name.endswith("_rate_limit")
}
pin(Settings, environment="test", database_url=TEST_DATABASE_URL, **NO_RATE_LIMITS)
{%- if cookiecutter.background_jobs == "taskiq" %}

# No broker: the tests keep what a commit sends (tests/jobs/plugin.py), and the servers they start
# send nowhere (one warning each), unless a test gives them a Redis server of its own
# (tests/jobs/live.py): never to a Redis server that a developer's own worker reads.
os.environ["JOBS_BROKER_URL"] = "unix:///nonexistent/jobs-broker.sock"
{%- endif %}
{%- if cookiecutter.use_tracing %}

# OpenTelemetry's SDK reads variables of its own beyond the settings' (with OTEL_SDK_DISABLED a
# run would make no spans): a run takes none of them from the shell.
for variable in [name for name in os.environ if name.startswith("OTEL_")]:
    del os.environ[variable]
{%- endif %}
