"""Pinning the settings that the tests run with, before the app reads any."""

import json
import os
from typing import Any

from pydantic import SecretStr
from pydantic_settings import BaseSettings


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
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        os.environ[name.upper()] = value if isinstance(value, str) else json.dumps(value)
