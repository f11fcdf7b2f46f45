"""Settings, read from the environment and from `.env`."""

import ipaddress
import os
from functools import lru_cache
from typing import Annotated, Literal
from urllib.parse import urlsplit
{% if cookiecutter.auth == "jwt" %}
from pydantic import (
    AfterValidator,
    Field,
    HttpUrl,
    NameEmail,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
{%- else %}
from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator
{%- endif %}
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from app.core.environment import DEVELOPMENT, Environment
{%- if cookiecutter.auth == "jwt" %}
from app.core.rate_limits import RATE_LIMIT_STORAGES, RateLimit
from app.core.secret_key import NO_SECRET_KEY, SecretKey
{%- elif cookiecutter.auth == "none" %}
from app.core.rate_limits import RATE_LIMIT_STORAGES, RateLimit
{%- endif %}

DRIVER = "{{ 'postgresql+asyncpg' if cookiecutter.database == 'postgresql' else 'sqlite+aiosqlite' }}"


def _in_the_environment(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None and os.environ.get(str(info.field_name).upper()) != value:
        raise ValueError("must be set in the environment, not in .env: its library reads it there")
    return value


# A variable that a library reads from the environment itself, under its own name: the settings
# validate it, and refuse it in .env, where the library would never see it.
LibraryVariable = Annotated[str | None, AfterValidator(_in_the_environment)]


def _networks(value: str) -> str:
    for network in filter(None, (part.strip() for part in value.split(","))):
        try:
            ipaddress.ip_network(network)
        except ValueError:
            raise ValueError(
                "must list IP addresses or networks, comma-separated, e.g. 10.0.0.0/8,127.0.0.1"
            ) from None
    return value


def loopback(host: str | None) -> bool:
    """Whether the host (a name, or an address, bracketed or not) is this machine's own."""
    if host is None or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name that may resolve to anything


class Settings(BaseSettings):
    # An empty variable counts as unset, and no error repeats a refused value: it may be a secret.
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
        hide_input_in_errors=True,
    )

    project_name: str = {{ cookiecutter.project_name | tojson }}
    environment: Environment = "local"
    # The settings whose defaults follow ENVIRONMENT come right after it: pydantic makes no default
    # from a field once one before it was refused, which would leave their own problems unsaid.
    # Host headers the app answers: any in local development; elsewhere they must be named.
    allowed_hosts: list[str] = Field(
        default_factory=lambda data: ["*"] if data["environment"] in DEVELOPMENT else [],
        validate_default=True,
    )
    # /docs (and its assets) and /openapi.json: on in local development, off elsewhere unless asked.
    api_docs: bool = Field(default_factory=lambda data: data["environment"] in DEVELOPMENT)
{%- if cookiecutter.database == "postgresql" %}
    database_url: str = "postgresql+asyncpg://postgres:postgres@localhost:5432/{{ cookiecutter.project_slug }}"
    # Each process keeps up to db_pool_size connections and opens up to db_max_overflow more under
    # load: keep processes x (db_pool_size + db_max_overflow) below the server's max_connections.
    # An overflow connection is closed when it comes back, so under steady load each one is opened
    # again for the next request: a fixed pool (no overflow) serves more.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_pool_recycle: int = Field(default=1800, ge=-1, description="seconds before a reconnect")
    # Seconds to connect, and for each statement to answer: a server that stops answering costs
    # a request this long, then a 503, never a hang.
    db_timeout_seconds: float = Field(default=5, gt=0)
{%- else %}
    database_url: str = "sqlite+aiosqlite:///./{{ cookiecutter.project_slug }}.db"
    # How long a writer waits for another one's lock before its request gets 503.
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
{%- endif %}
    # Seconds a request waits for a free connection before it gets 503.
    db_pool_timeout: float = Field(default=5, gt=0)
    cors_origins: list[str] = []
    max_request_bytes: int = Field(default=1024 * 1024, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # Readable lines in local development, one JSON object per line elsewhere.
    log_format: Literal["console", "json"] = Field(
        default_factory=lambda data: "console" if data["environment"] in DEVELOPMENT else "json"
    )
    # GET /health/ready answers 503 when the database takes longer than this to answer SELECT 1.
    readiness_timeout_seconds: float = Field(default=2, gt=0)
    # The production server (python -m app.server): where it listens; how long requests in flight
    # get to finish on SIGTERM; its worker processes, and how long one may take to start or to
    # answer the supervisor before it is replaced (importing the app takes seconds on a busy
    # machine); the proxies (addresses or networks, comma-separated; none by default) whose
    # X-Forwarded-For and X-Forwarded-Proto headers count.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    graceful_shutdown_seconds: int = Field(default=20, ge=0)
    web_concurrency: int = Field(default=1, ge=1)
    worker_timeout_seconds: int = Field(default=60, ge=1)
    forwarded_allow_ips: Annotated[str, AfterValidator(_networks)] = ""
    # A connection whose request head, or body, has not arrived in this time is closed
    # (app/server/protocol.py): a client trickling bytes cannot hold a connection open for ever.
    http_head_timeout_seconds: float = Field(default=10, gt=0)
    http_body_timeout_seconds: float = Field(default=30, gt=0)
{%- if cookiecutter.use_tracing %}
    # Where the spans go, over OTLP/HTTP: the base URL, or the traces' own (app/observability/
    # tracing.py). Without either, nothing leaves the process.
    otel_exporter_otlp_endpoint: LibraryVariable = None
    otel_exporter_otlp_traces_endpoint: LibraryVariable = None
{%- endif %}
{%- if cookiecutter.use_sentry %}
    # Errors go to Sentry when a DSN is set, tagged with the environment and this release.
    sentry_dsn: str | None = None
    release: str | None = None
{%- endif %}
{%- if cookiecutter.auth != "oidc" %}
    sign_up_rate_limit: RateLimit = "5/minute"
    # memory:// counts per process; redis://host:6379 shares the counts between processes.
    rate_limit_storage_uri: str = Field(default="memory://", validate_default=True)

    @field_validator("rate_limit_storage_uri")
    @classmethod
    def _shared_by_the_workers_outside_local_development(
        cls, uri: str, info: ValidationInfo
    ) -> str:
        if urlsplit(uri).scheme not in RATE_LIMIT_STORAGES:
            raise ValueError(
                "must be memory:// or a Redis URL, e.g. redis://host:6379 (or rediss://, "
                "redis+unix://, redis+sentinel://, redis+cluster://)"
            )
        workers, environment = info.data.get("web_concurrency", 1), info.data.get("environment")
        if workers > 1 and uri.startswith("memory://") and environment not in DEVELOPMENT:
            raise ValueError(
                f"counts in each worker's memory, so WEB_CONCURRENCY={workers} would allow "
                f"{workers} times every limit: name a shared storage, e.g. redis://host:6379, "
                f"when ENVIRONMENT is {environment}"
            )
        return uri
{%- endif %}
{%- if cookiecutter.auth == "jwt" %}

    # Signs the access tokens: see app/core/secret_key.py.
    secret_key: SecretKey = Field(default=NO_SECRET_KEY, validate_default=True)
    access_token_minutes: int = Field(default=15, ge=1)
    # A refresh token is good once, for this many days: a session unused for longer ends.
    refresh_token_days: int = Field(default=14, ge=1)
    login_rate_limit: RateLimit = "10/minute"
    # Logins to one username from addresses that have not signed in to it lately, wherever they
    # come from (app/auth/guessing.py).
    account_login_rate_limit: RateLimit = "10/hour"
    # Password checks of a signed-in user (changing it, deleting the account), counted per client
    # address and per account.
    password_rate_limit: RateLimit = "5/minute"  # noqa: S105 (a rate, not a password)
    # Account mails asked for (password resets, new verification links) and reset links followed:
    # per client address, and per email address or account.
    mail_rate_limit: RateLimit = "5/hour"
    # Account mails (app/mail.py) go to this SMTP server; without one, local development
    # writes them to the log, and anywhere else they are not sent (one warning each).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    mail_from: NameEmail = NameEmail({{ cookiecutter.project_name | tojson }}, "noreply@example.com")
    # The links in account mails lead to {PUBLIC_URL}/reset-password?token=... and
    # /verify-email?token=...: the pages (yours) that post the token to this API. Where mail is
    # sent outside local development, it must be an address that users reach.
    public_url: HttpUrl = Field(default=HttpUrl("http://localhost:8000"), validate_default=True)
    password_reset_minutes: int = Field(default=30, ge=1)
    email_verification_hours: int = Field(default=48, ge=1)
    # Whether a user must have verified their email address before they may log in.
    require_verified_email: bool = False

    @field_validator("public_url")
    @classmethod
    def _reached_by_users_where_mail_is_sent(cls, url: HttpUrl, info: ValidationInfo) -> HttpUrl:
        environment = info.data.get("environment")
        if info.data.get("smtp_host") and environment not in DEVELOPMENT and loopback(url.host):
            raise ValueError(
                f"must be the address that users reach the service's pages at, not {url.host}: "
                f"the mailed links lead there, when SMTP_HOST is set and ENVIRONMENT is "
                f"{environment}"
            )
        return url
{%- endif %}
{%- if cookiecutter.auth == "oidc" %}
    # Sign-in at an OpenID Connect provider (docs/auth.md): its issuer, exactly as its tokens' `iss`
    # claim says it, and the audience that its tokens for this service carry, in `aud` or, as
    # Cognito's access tokens have it, in `client_id`. Required outside local development; without
    # them, every token is refused.
    oidc_issuer: str | None = Field(default=None, validate_default=True)
    oidc_audience: str | None = Field(default=None, validate_default=True)
    oidc_audience_claim: Literal["aud", "client_id"] = "aud"
    # The algorithms its tokens may be signed with: public-key ones only. A token that names
    # another (HS256, whose "secret" would be the provider's public key; none) is refused unread.
    oidc_algorithms: list[
        Literal[
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"
        ]
    ] = Field(default=["RS256", "ES256"], min_length=1)
    # Clocks disagree: `exp`, `nbf` and `iat` are each allowed this many seconds either way.
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # Where a token lists its user's roles, as a path of claims (Keycloak: realm_access.roles;
    # Cognito: cognito:groups; scopes: scope), and the role that makes its holder an admin.
    oidc_roles_claim: str = Field(default="roles", pattern=r"^[^.\s]+(\.[^.\s]+)*$")
    oidc_admin_role: str = "admin"
    # The provider's client that /docs signs people in with: a public one (no secret), for the
    # authorization code flow with PKCE, whose redirect URI is this service's /docs/oauth2-redirect.
    # Without one, /docs takes a token pasted in.
    oidc_docs_client_id: str | None = None
    # The provider's keys are trusted this long before they are read again; a token signed with a
    # key not among them has them read again at once, but at most once in OIDC_REFRESH_SECONDS
    # (app/auth/provider.py). The provider has OIDC_TIMEOUT_SECONDS to answer.
    oidc_keys_seconds: int = Field(default=3600, ge=1)
    oidc_refresh_seconds: float = Field(default=60, gt=0)
    oidc_timeout_seconds: float = Field(default=5, gt=0)

    @field_validator("oidc_issuer", "oidc_audience")
    @classmethod
    def _set_outside_local_development(cls, value: str | None, info: ValidationInfo) -> str | None:
        environment = info.data.get("environment")
        if value is None and environment not in DEVELOPMENT:
            raise ValueError(f"must be set when ENVIRONMENT is {environment} (docs/auth.md)")
        if value is not None and info.field_name == "oidc_issuer":
            url = urlsplit(value)
            local = environment in DEVELOPMENT or loopback(url.hostname)
            if not url.hostname or not (url.scheme == "https" or (url.scheme == "http" and local)):
                raise ValueError(
                    "must be the provider's https:// URL as its tokens' iss claim says it, e.g. "
                    "https://login.example.com/realms/main"
                )
        return value
{%- endif %}
{%- if cookiecutter.use_metrics %}

    # Serve the metrics on a listener of their own at this port (on HOST), not at /metrics.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # With several workers, an empty folder that they share (app/observability/metrics.py);
    # required outside local development.
    prometheus_multiproc_dir: LibraryVariable = Field(default=None, validate_default=True)

    @field_validator("prometheus_multiproc_dir")
    @classmethod
    def _a_folder_the_workers_share(cls, folder: str | None, info: ValidationInfo) -> str | None:
        workers, environment = info.data.get("web_concurrency", 1), info.data.get("environment")
        if folder is None and workers > 1 and environment not in DEVELOPMENT:
            raise ValueError(
                f"must name an empty folder that the workers share when WEB_CONCURRENCY={workers}, "
                f"or each would count only its own requests, when ENVIRONMENT is {environment}"
            )
        if folder is not None and not os.path.isdir(folder):
            raise ValueError(f"{folder} is not a folder")
        return folder
{%- endif %}

    @field_validator("database_url")
    @classmethod
    def _url_for_the_installed_driver(cls, value: str) -> str:
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            driver = None
        if driver != DRIVER:
            raise ValueError(f"must be a SQLAlchemy URL starting with {DRIVER}://")
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts_named_outside_local_development(
        cls, hosts: list[str], info: ValidationInfo
    ) -> list[str]:
        if not hosts:
            raise ValueError(
                "must name the hosts that clients reach the service by, as a JSON list, e.g. "
                f'["api.example.com"], when ENVIRONMENT is {info.data.get("environment")}'
            )
        return hosts
{%- if cookiecutter.background_jobs == "taskiq" %}

    # Background jobs (app/jobs): the Redis server that carries them to the workers.
    jobs_broker_url: str = Field(default="redis://localhost:6379/0", validate_default=True)
    # Jobs that a worker (python -m app.worker) runs at once.
    jobs_concurrency: int = Field(default=10, ge=1)
    # A failing job is tried again this many seconds later, then twice as long after each further
    # failure, until it has been tried JOBS_MAX_ATTEMPTS times.
    jobs_max_attempts: int = Field(default=5, ge=1)
    jobs_retry_seconds: float = Field(default=10, gt=0)
    # A job sent but not started this long after is sent again (its message was lost).
    jobs_lease_seconds: int = Field(default=300, ge=1)
    # A worker shows that it is still running a job this often; a job whose worker has shown
    # nothing for 3 heartbeats (it died, or hangs) is sent again, however long the job runs.
    jobs_heartbeat_seconds: float = Field(default=10, gt=0)
    # How often the scheduler has the jobs that are due sent (app/jobs/outbox.py).
    jobs_relay_seconds: int = Field(default=5, ge=1)

    @field_validator("jobs_broker_url")
    @classmethod
    def _a_redis_url(cls, url: str) -> str:
        if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must be a Redis URL: redis://host:6379/0, rediss://... or unix://...")
        return url
{%- endif %}


@lru_cache
def get_settings() -> Settings:
    """The settings, read once. A refused setting stops the program (the server, Alembic, a script)
    with one line that names it, never its value: no traceback for a typo.

    The one way to read them: code that uses a setting calls get_settings() where it needs it, so
    every part of a process sees the same validated object, and a test changes it in one place.
    Only what turns settings into something else takes them as an argument (`create_app`, the
    middleware list, the logging configuration, the server's first line, an exporter), so that a
    test can build one from other settings without touching the process's own.
    """
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(f"Refusing to start: {settings_problems(error)}") from None


def settings_problems(error: ValidationError) -> str:
    """The refused settings, on one line, by their variables' names and without their values."""
    problems = []
    for problem in error.errors():
        if problem["type"] == "default_factory_not_called":
            continue  # a consequence of another refused setting, reported on its own
        message = problem["msg"].removeprefix("Value error, ")
        names = ".".join(str(part) for part in problem["loc"]).upper()
        problems.append(f"{names}: {message}" if names else message)
    return "; ".join(problems)
