"""The house: CONTRIBUTING's diagram of the fullest render's parts holds against their imports.

A part is a package or module right under `app/`. Each import of one part by another must go down
the diagram's arrows (directly or through other parts), and each arrow must stand for imports that
go that way: the code's order and the diagram's are the same.
"""

import ast
import re
from pathlib import Path

import pytest

from tests.rendering import TEMPLATE_DIR, chosen_options, fullest, render

ARROW = re.compile(r"^\s+(\w+) --> (\w+)$", re.M)
NODE = re.compile(r"^\s+(\w+)$", re.M)

Graph = dict[str, set[str]]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    answers = fullest(chosen_options())
    return render(tmp_path_factory.mktemp("house"), answers)


def diagram() -> Graph:
    """The parts and arrows of CONTRIBUTING's Mermaid diagram."""
    text = (TEMPLATE_DIR / "CONTRIBUTING.md").read_text()
    (chart,) = re.findall(r"```mermaid\nflowchart TD\n(.*?)```", text, re.S)
    graph: Graph = {name: set() for name in NODE.findall(chart)}
    for above, below in ARROW.findall(chart):
        graph.setdefault(above, set()).add(below)
        graph.setdefault(below, set())
    return graph


def imports(project: Path) -> Graph:
    """Each part of the app, and the other parts it imports."""
    graph: Graph = {}
    for path in (project / "app").rglob("*.py"):
        relative = path.relative_to(project / "app").with_suffix("")
        if relative.parts == ("__init__",):
            continue
        part = relative.parts[0]
        graph.setdefault(part, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "app":
                    names = [f"app.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            graph[part] |= {name.split(".")[1] for name in names if name.startswith("app.")}
        graph[part].discard(part)
    return graph


def below(graph: Graph, part: str) -> set[str]:
    """The parts that `part` reaches by its arrows, directly or through others."""
    reached: set[str] = set()
    waiting = list(graph.get(part, ()))
    while waiting:
        name = waiting.pop()
        if name not in reached:
            reached.add(name)
            waiting.extend(graph.get(name, ()))
    return reached


def test_the_diagram_names_every_part_and_no_other(project: Path) -> None:
    assert set(diagram()) == set(imports(project))


def test_the_diagram_has_no_circle() -> None:
    graph = diagram()

    assert [part for part in graph if part in below(graph, part)] == []


def test_each_import_goes_down_the_diagram_and_each_arrow_stands_for_imports(
    project: Path,
) -> None:
    drawn, code = diagram(), imports(project)

    assert {part: below(code, part) for part in code} == {part: below(drawn, part) for part in code}


def test_an_import_against_the_arrows_is_found(project: Path) -> None:
    code = imports(project)
    code["core"].add("main")  # core importing the app: upward

    assert {part: below(code, part) for part in code} != {
        part: below(diagram(), part) for part in code
    }
