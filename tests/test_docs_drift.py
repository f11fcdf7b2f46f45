"""What a render's README and docs/ say holds in that render: each route they name is served, each
module or file of the app they name exists, and each setting or variable they name (in capitals)
is one that its code, .env.example, compose file or manifests use, or that OpenTelemetry's SDK
reads. The template's README, CONTRIBUTING and BENCHMARKS are held against the fullest render."""

import json
import re
import shlex
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from opentelemetry.sdk import environment_variables
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.rendering import TEMPLATE_DIR, assert_succeeds, chosen_options, fullest, render

RENDERS = {
    "fullest": fullest(chosen_options()),
    "default": {},
}
TEMPLATE_PAGES = ("README.md", "CONTRIBUTING.md", "BENCHMARKS.md")
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s?]*)[^`]*`")
# A module or a name in one, in inline code or a command (`python -m app.worker`);
# `app.include_router(...)` is the FastAPI app's method, no module.
APP_MODULE = re.compile(r"(?:`|python -m )(app(?:\.\w+)+)(?!\w|\()")
# A file of the app or its tests (a folder may be one that a recipe asks the reader to make).
APP_FILE = re.compile(r"\((?:\.\./)?((?:app|tests)/[\w/]+\.py)\)|`((?:app|tests)/[\w/]+\.py)`")
CAPITALS = re.compile(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`")
# The app's routes: each module's router's (those outside the OpenAPI schema, like /metrics, too),
# as methods and path each.
ROUTES = """
import importlib, json, pkgutil
import app
from fastapi import APIRouter
found = pkgutil.walk_packages(app.__path__, "app.")
modules = [importlib.import_module(f.name) for f in found if not f.name.endswith(".__main__")]
routers = [getattr(module, "router", None) for module in modules]
routes = [
    [sorted(route.methods), route.path]
    for router in routers if isinstance(router, APIRouter)
    for route in router.routes
]
print(json.dumps(routes))
"""


@pytest.fixture(scope="module", params=list(RENDERS))
def project(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp(request.param), RENDERS[request.param])


def holds_the_template_pages(project: Path) -> bool:
    """Whether this is the render that the template's own pages are held against: the fullest."""
    return project.parent.name.startswith("fullest")


def template_docs() -> str:
    """The template's own pages that describe it as it is (the CHANGELOG tells of earlier ones)."""
    return "\n".join((TEMPLATE_DIR / name).read_text() for name in TEMPLATE_PAGES)


def docs(project: Path, *, template_pages: bool = True) -> str:
    """The pages that describe the render as it is: its README and docs/, and the template's own
    where it holds them."""
    text = "\n".join(
        page.read_text() for page in [project / "README.md", *project.glob("docs/*.md")]
    )
    if template_pages and holds_the_template_pages(project):
        text += "\n" + template_docs()
    return text


def template(path: str) -> str:
    """A path with each parameter as {}: /admin/users/{id} and {user_id} alike."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def unserved_routes(project: Path, text: str) -> set[tuple[str, str]]:
    """The routes that the text names and the render does not serve."""
    routes = json.loads(assert_succeeds([sys.executable, "-c", ROUTES], project))
    served = {(method.upper(), template(path)) for methods, path in routes for method in methods}
    named = {(method, template(path)) for method, path in ROUTE.findall(text)}
    assert named, "no route named"
    return named - served


def missing_app_names(project: Path, text: str, *, tests: Path | None = None) -> set[str]:
    """The modules, names in modules and files of the app and its tests that the text names and
    the render lacks; with `tests`, a file may be that folder's too (the template's own pages
    name the meta suite's tests beside the render's)."""
    modules = set(APP_MODULE.findall(text))
    files = {path for pair in APP_FILE.findall(text) for path in pair if path}

    def exists(dotted: str) -> bool:
        """A module or package, or a name defined at the top of the module before it."""
        path = project.joinpath(*dotted.split("."))
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return True
        source = path.parent.with_suffix(".py")
        defined = rf"^(?:async def |def |class |){re.escape(path.name)}\b"
        return source.is_file() and re.search(defined, source.read_text(), re.M) is not None

    assert modules, "no module named"
    folders = [project, *([tests] if tests else [])]
    missing_files = {
        path for path in files if not any((folder / path).exists() for folder in folders)
    }
    return {module for module in modules if not exists(module)} | missing_files


def unused_capitals(project: Path, text: str) -> set[str]:
    """The settings and variables (in capitals) that the text names and that neither the render's
    code, .env.example, compose file and manifests nor OpenTelemetry's SDK use (nor, for the
    template's own pages, the template's hooks, meta suite, benchmarks and CI)."""
    roots = [project]
    if holds_the_template_pages(project):
        roots += [TEMPLATE_DIR / name for name in ("hooks", "tests", "bench", ".ci")]
    used = "\n".join(
        path.read_text()
        for root in roots
        for path in root.rglob("*")
        if path.is_file()
        and ".git" not in path.parts
        and path.suffix in {".py", ".toml", ".yaml", ".yml", ".example", ".ini", ""}
    )
    named = set(CAPITALS.findall(text))
    assert named, "no setting named"
    unknown = {name for name in named if not re.search(rf"\b{name}\b", used)}
    return unknown - set(dir(environment_variables))


def commands(text: str) -> list[list[str]]:
    """The commands in the text's shell code blocks (bash, sh or unnamed), each as its words,
    without the variables set before it; a line that a backslash continues is one command, and
    each part of a `&&` chain is one."""
    blocks: list[str] = []
    language = None  # outside a block
    for line in text.splitlines():
        fence = re.fullmatch(r" *```(\w*)", line)
        if fence and language is None:
            language = fence[1]
            blocks.append("")
        elif fence:
            language = None
        elif language in {"bash", "sh", ""}:
            blocks[-1] += line + "\n"
    found = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            for part in re.split(r"\s&&\s", re.sub(r"\s+#\s.*$", "", line)):
                words = shlex.split(part)
                while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
                    words.pop(0)
                if words:
                    found.append(words)
    return found


def unknown_commands(project: Path, text: str) -> set[str]:
    """The commands that the text gives for the project and the project cannot run: a tool
    (`uv run <tool>`) it does not depend on, a compose profile or service its compose file lacks,
    a subcommand its CLI lacks, or a path of it that does not exist."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = [
        *pyproject["project"]["dependencies"],
        *(item for group in pyproject["dependency-groups"].values() for item in group),
    ]
    tools = {canonicalize_name(Requirement(item).name) for item in requirements} | {"python"}
    compose_file = project / "compose.yaml"
    compose = yaml.safe_load(compose_file.read_text()) if compose_file.exists() else {}
    services = compose.get("services", {})
    profiles = {profile for service in services.values() for profile in service.get("profiles", [])}
    cli = project / "app/cli.py"
    subcommands = (
        set(re.findall(r'add_parser\("([\w-]+)"', cli.read_text())) if cli.exists() else set()
    )
    tops = {path.name for path in project.iterdir()}

    unknown = set()
    for words in commands(text):
        command = " ".join(words)
        if words[:2] == ["uv", "run"] and canonicalize_name(words[2]) not in tools:
            unknown.add(command)
        if words[:2] == ["docker", "compose"]:
            named = [words[i + 1] for i, word in enumerate(words) if word == "--profile"]
            after_up = words[words.index("up") + 1 :] if "up" in words else []
            named_services = {word for word in after_up if not word.startswith("-")}
            if not compose or not set(named) <= profiles or not named_services <= services.keys():
                unknown.add(command)
        if "app.cli" in words:
            rest = [
                word for word in words[words.index("app.cli") + 1 :] if not word.startswith("-")
            ]
            if rest and rest[0] not in subcommands:
                unknown.add(command)
        paths = [word for word in words if "/" in word and ":" not in word]
        if any(path.split("/")[0] in tops and not (project / path).exists() for path in paths):
            unknown.add(command)
    return unknown


def test_every_route_named_is_served(project: Path) -> None:
    assert unserved_routes(project, docs(project)) == set()


def test_every_app_module_and_file_named_exists(project: Path) -> None:
    assert missing_app_names(project, docs(project, template_pages=False)) == set()
    if holds_the_template_pages(project):
        assert missing_app_names(project, template_docs(), tests=TEMPLATE_DIR) == set()


def test_every_setting_or_variable_named_is_used(project: Path) -> None:
    assert unused_capitals(project, docs(project)) == set()


def test_every_command_given_for_the_project_is_one_it_has(project: Path) -> None:
    text = docs(project, template_pages=False)  # the template's commands are for the template

    assert len(commands(text)) > 5
    assert unknown_commands(project, text) == set()


def test_each_check_finds_what_does_not_exist(tmp_path: Path) -> None:
    project = render(tmp_path, {})
    drift = (
        "`GET /items/` and `DELETE /no/such/route`; `python -m app.server` and\n"
        "```bash\nuv run python -m app.no_such_command\n```\n"
        "`app.no_such_module`, `app.main.no_such_function`, [x](app/no_such_file.py), "
        "`tests/no_such_test.py`, `tests/conftest.py`; "
        "`DATABASE_URL` and `NO_SUCH_SETTING=1`."
    )

    assert unserved_routes(project, drift) == {("DELETE", "/no/such/route")}
    assert missing_app_names(project, drift) == {
        "app.no_such_command",
        "app.no_such_module",
        "app.main.no_such_function",
        "app/no_such_file.py",
        "tests/no_such_test.py",
    }
    assert unused_capitals(project, drift) == {"NO_SUCH_SETTING"}
    drift_commands = (
        "```bash\nuv run pytest && uv run no-such-tool  # what it does\n"
        "docker compose --profile nothing up\ndocker compose up -d no-such-service\n"
        "docker compose up -d app\ncd migrations/no/such/folder\n"
        "TEST_DATABASE_URL=x uv run python -m app.cli no-such-command \\\n    --force\n```\n"
    )
    assert unknown_commands(project, drift_commands) == {
        "uv run no-such-tool",
        "docker compose --profile nothing up",
        "docker compose up -d no-such-service",
        "cd migrations/no/such/folder",
        "uv run python -m app.cli no-such-command --force",
    }


def test_the_front_pages_are_at_most_200_lines(project: Path) -> None:
    """A README says what the project is, how to run and test it, and where to read on; the rest
    is in docs/, a topic a page."""
    lines = {
        page: len(page.read_text().splitlines())
        for page in [project / "README.md", TEMPLATE_DIR / "README.md"]
    }

    assert {page: count for page, count in lines.items() if count > 200} == {}


def test_the_operation_counts_in_the_template_readme_are_the_renders(tmp_path: Path) -> None:
    said = re.search(
        r"the API has (\d+) operations, against (\d+) with `none`",
        (TEMPLATE_DIR / "README.md").read_text(),
    )
    count = "import app.main; print(sum(map(len, app.main.app.openapi()['paths'].values())))"
    counted = [
        assert_succeeds([sys.executable, "-c", count], render(tmp_path / auth, {"auth": auth}))
        for auth in ("jwt", "none")
    ]

    assert said is not None
    assert [int(number) for number in said.groups()] == [int(text) for text in counted]
