"""Template repositories and the projects that cruft makes from them, as a user's git sees them."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.rendering import TEMPLATE_DIR, Answers, assert_succeeds

# Git's identity for the commits here and cruft's, whatever the machine's git configuration holds.
GIT_IDENTITY = {
    f"GIT_{role}_{field}": value
    for role in ("AUTHOR", "COMMITTER")
    for field, value in (("NAME", "Meta Suite"), ("EMAIL", "meta@example.com"))
}


def git(repository: Path, *arguments: str) -> str:
    return assert_succeeds(["git", *arguments], repository, env=GIT_IDENTITY)


def has_commit(commit: str) -> bool:
    """Whether this repository's history holds the commit (a shallow clone may not)."""
    probe = ["git", "cat-file", "-e", f"{commit}^{{commit}}"]
    return subprocess.run(probe, cwd=TEMPLATE_DIR, capture_output=True, check=False).returncode == 0


def template_copy(destination: Path, release: str | None = None) -> Path:
    """A new repository whose last commit holds the template's files as they are in the work tree
    (those git tracks, and new ones it does not ignore). Given a release's commit, the template as
    it was then is the commit before that one."""
    destination.mkdir(parents=True)
    git(destination, "init", "-q")
    if release is not None:
        archive = subprocess.run(
            ["git", "archive", release], cwd=TEMPLATE_DIR, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x"], cwd=destination, input=archive, check=True)
        git(destination, "add", "-A")
        git(destination, "commit", "-qm", f"The template at {release}")
        git(destination, "rm", "-rq", ".")
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    names = subprocess.run(listing, cwd=TEMPLATE_DIR, capture_output=True, check=True).stdout
    for name in filter(None, names.decode().split("\0")):
        if (TEMPLATE_DIR / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(TEMPLATE_DIR / name, destination / name)
    git(destination, "add", "-A")
    git(destination, "commit", "-qm", "The template")
    return destination


def cruft(*arguments: str, cwd: Path) -> str:
    return assert_succeeds([sys.executable, "-m", "cruft", *arguments], cwd, env=GIT_IDENTITY)


def cruft_create(
    template: Path, answers: Answers, output_dir: Path, checkout: str = "HEAD"
) -> Path:
    """A project made with `cruft create` from the template at a commit, committed to a git
    repository of its own."""
    cruft(
        "create",
        str(template),
        "--no-input",
        "--checkout",
        git(template, "rev-parse", checkout).strip(),
        "--output-dir",
        str(output_dir),
        "--extra-context",
        json.dumps(dict(answers)),
        cwd=output_dir.parent,
    )
    (project,) = output_dir.iterdir()
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "New project")
    return project
