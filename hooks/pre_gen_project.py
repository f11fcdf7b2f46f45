"""Refuse answers that would render a broken project, before anything is written.

Cookiecutter renders this file with Jinja and runs it with the interpreter that runs cookiecutter:
standard library only. The answers arrive as JSON in one string, so the file is plain Python and
the template's tests import it.
"""

import json
import keyword
import re
import sys
from collections.abc import Mapping

# Names a slug must not take: the packages inside the project, and every distribution that any
# answer installs, directly or not, with the top-level modules and namespaces they bring (PyJWT
# brings `jwt`; the tracing answer, `opentelemetry`): a project named like one of them could not be
# installed beside it, or would shadow it. tests/test_hooks.py renders the answers that bring the
# most, on each database, and reads what they install to hold this list whole.
PROJECT_PACKAGES = frozenset({"app", "tests"})
INSTALLED_NAMES = frozenset(
    [
        "aiohappyeyeballs",
        "aiohttp",
        "aiosignal",
        "aiosmtpd",
        "aiosmtplib",
        "aiosqlite",
        "alembic",
        "annotated_doc",
        "annotated_types",
        "anyio",
        "argon2",
        "argon2_cffi",
        "argon2_cffi_bindings",
        "asgi_correlation_id",
        "asgi_lifespan",
        "asgiref",
        "ast_serialize",
        "asyncpg",
        "atpublic",
        "attr",
        "attrs",
        "certifi",
        "cffi",
        "cfgv",
        "charset_normalizer",
        "click",
        "coverage",
        "cryptography",
        "deprecated",
        "distlib",
        "dns",
        "dnspython",
        "dotenv",
        "email_validator",
        "execnet",
        "fastapi",
        "fastapi_offline",
        "filelock",
        "frozenlist",
        "google",
        "googleapis_common_protos",
        "graphql",
        "graphql_core",
        "greenlet",
        "h11",
        "harfile",
        "httpcore",
        "httptools",
        "httpx",
        "hypothesis",
        "hypothesis_graphql",
        "identify",
        "idna",
        "iniconfig",
        "jsonschema_rs",
        "jwt",
        "librt",
        "limits",
        "mako",
        "markdown_it",
        "markdown_it_py",
        "markupsafe",
        "mdurl",
        "multidict",
        "multipart",
        "mypy",
        "mypy_extensions",
        "mypyc",
        "nodeenv",
        "opentelemetry",
        "opentelemetry_api",
        "opentelemetry_exporter_http_transport",
        "opentelemetry_exporter_otlp_common",
        "opentelemetry_exporter_otlp_proto_common",
        "opentelemetry_exporter_otlp_proto_http",
        "opentelemetry_instrumentation",
        "opentelemetry_instrumentation_asgi",
        "opentelemetry_instrumentation_fastapi",
        "opentelemetry_instrumentation_httpx",
        "opentelemetry_instrumentation_logging",
        "opentelemetry_instrumentation_sqlalchemy",
        "opentelemetry_proto",
        "opentelemetry_sdk",
        "opentelemetry_semantic_conventions",
        "opentelemetry_util_http",
        "packaging",
        "pathspec",
        "platformdirs",
        "pluggy",
        "pre_commit",
        "prometheus_client",
        "propcache",
        "protobuf",
        "public",
        "pwdlib",
        "py",
        "pycparser",
        "pycron",
        "pydantic",
        "pydantic_core",
        "pydantic_settings",
        "pygments",
        "pyjwt",
        "pyrate_limiter",
        "pytest",
        "pytest_asyncio",
        "pytest_cov",
        "pytest_xdist",
        "python_discovery",
        "python_dotenv",
        "python_json_logger",
        "python_multipart",
        "pythonjsonlogger",
        "pyyaml",
        "redis",
        "requests",
        "rich",
        "ruff",
        "schemathesis",
        "sentry_sdk",
        "sniffio",
        "sortedcontainers",
        "sqlalchemy",
        "starlette",
        "taskiq",
        "taskiq_dependencies",
        "taskiq_redis",
        "typing_extensions",
        "typing_inspection",
        "urllib3",
        "uvicorn",
        "uvloop",
        "virtualenv",
        "watchfiles",
        "websockets",
        "werkzeug",
        "wrapt",
        "xdist",
        "yaml",
        "yarl",
    ]
)
RESERVED_SLUGS = PROJECT_PACKAGES | INSTALLED_NAMES
MAX_SLUG_LENGTH = 40
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
EMAIL_PATTERN = re.compile(r"[^@\s\"<>,;]+@[^@\s\"<>,;]+\.[A-Za-z]{2,}")


def slug_problem(slug: str) -> str | None:
    """Say what is wrong with a project slug, or None when it is fine."""
    if not SLUG_PATTERN.fullmatch(slug):
        return (
            f"project_slug {slug!r} is not a lowercase Python identifier: use a lowercase letter "
            "followed by lowercase letters, digits or underscores (e.g. my_service)"
        )
    if len(slug) > MAX_SLUG_LENGTH:
        return (
            f"project_slug {slug!r} is longer than {MAX_SLUG_LENGTH} characters (database names "
            "are made from it): choose a shorter one"
        )
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return f"project_slug {slug!r} is a Python keyword: choose another name"
    if slug in RESERVED_SLUGS:
        return (
            f"project_slug {slug!r} would shadow the package or dependency of the same name: "
            "choose another name"
        )
    return None


def email_problem(email: str) -> str | None:
    """Say what is wrong with an author email, or None when it is fine."""
    if not EMAIL_PATTERN.fullmatch(email):
        return f"author_email {email!r} is not an email address such as you@example.com"
    return None


def combination_problem(context: Mapping[str, object]) -> str | None:
    """Say which answers cannot go together, or None when they can."""
    if context["deploy"] == "kubernetes" and (
        context["database"] != "postgresql" or context["use_docker"] is not True
    ):
        return (
            "deploy 'kubernetes' runs replicas of the image that the Dockerfile builds, sharing "
            "one PostgreSQL database: answer database=postgresql and use_docker=yes with it, or "
            "deploy=none"
        )
    return None


def problems(context: dict[str, object]) -> list[str]:
    found = [
        slug_problem(str(context["project_slug"])),
        email_problem(str(context["author_email"])),
        combination_problem(context),
    ]
    return [problem for problem in found if problem]


def main() -> int:
    context = json.loads(r"""{{ cookiecutter | jsonify }}""")
    found = problems(context)
    for problem in found:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
