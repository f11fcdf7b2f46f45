"""Settings, read from the environment and from `.env`."""

from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ASYNC_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    project_name: str = {{ cookiecutter.project_name | tojson }}
    environment: Literal["local", "test", "staging", "production"] = "local"
    database_url: str = "sqlite+aiosqlite:///./{{ cookiecutter.project_slug }}.db"
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    cors_origins: list[str] = []

    @field_validator("database_url")
    @classmethod
    def _async_driver_url(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            driver = None
        if driver not in ASYNC_DRIVERS:
            raise ValueError(
                "DATABASE_URL must be a SQLAlchemy URL with an async driver "
                f"({' or '.join(ASYNC_DRIVERS)}), e.g. sqlite+aiosqlite:///./app.db"
            )
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
