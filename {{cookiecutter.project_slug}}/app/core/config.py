"""Settings, read from the environment and from `.env`."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DRIVER = "{{ 'postgresql+asyncpg' if cookiecutter.database == 'postgresql' else 'sqlite+aiosqlite' }}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    project_name: str = {{ cookiecutter.project_name | tojson }}
    environment: Literal["local", "test", "staging", "production"] = "local"
{%- if cookiecutter.database == "postgresql" %}
    database_url: str = "postgresql+asyncpg://postgres:postgres@localhost:5432/{{ cookiecutter.project_slug }}"
    # Each process keeps up to db_pool_size connections and opens up to db_max_overflow more under
    # load: keep processes x (db_pool_size + db_max_overflow) below the server's max_connections.
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=30, gt=0, description="seconds to wait for a connection")
    db_pool_recycle: int = Field(default=1800, ge=-1, description="seconds before a reconnect")
{%- else %}
    database_url: str = "sqlite+aiosqlite:///./{{ cookiecutter.project_slug }}.db"
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
{%- endif %}
    cors_origins: list[str] = []

    @field_validator("database_url")
    @classmethod
    def _url_for_the_installed_driver(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            driver = None
        if driver != DRIVER:
            raise ValueError(f"DATABASE_URL must be a SQLAlchemy URL starting with {DRIVER}://")
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
