"""The generated README's "Add a resource" recipe, followed step by step as a user would.

Each step below quotes the README's own words, which the test checks are still there, so that the
recipe and this test cannot drift apart. Then the suite, ruff and mypy --strict must pass.
"""

import re
import shutil
from pathlib import Path

import pytest

from tests.rendering import CONTEXT, QUICK, assert_succeeds, mypy_strict, render, tool

# The recipe's resource, from the copy of app/items/ that it starts with.
RENAMES = [("items", "orders"), ("Items", "Orders"), ("item", "order"), ("Item", "Order")]


def renamed(text: str) -> str:
    for old, new in RENAMES:
        text = text.replace(old, new)
    return text


def insert_after(path: Path, anchor: str, text: str) -> None:
    content = path.read_text()
    assert anchor in content, f"{anchor!r} is not in {path}"
    path.write_text(content.replace(anchor, anchor + text, 1))


@pytest.fixture
def recipe(tmp_path: Path) -> tuple[Path, str]:
    project = render(tmp_path, {"auth": "jwt", "use_alembic": True})
    readme = (project / "README.md").read_text()
    return project, readme[readme.index("## Add a resource") :]


@pytest.mark.slow
def test_the_add_a_resource_recipe_works_as_written(
    recipe: tuple[Path, str], mypy_cache: Path
) -> None:
    project, steps = recipe

    # 1. Copy `app/items/` to `app/orders/` and change the names (`Item` to `Order`, ...).
    assert "1. Copy `app/items/` to `app/orders/` and change the names" in steps
    shutil.copytree(project / "app/items", project / "app/orders")
    for path in (project / "app/orders").glob("*.py"):
        path.write_text(renamed(path.read_text()))
    assert (project / "app/orders/__init__.py").is_file()

    # 2. Import the model in `app/models.py`; then write the migration and apply it.
    assert "2. Import the model in `app/models.py`" in steps
    models = project / "app/models.py"
    insert_after(
        models, "from app.items.models import Item\n", "from app.orders.models import Order\n"
    )
    models.write_text(models.read_text().replace('"Item", ', '"Item", "Order", '))
    database = {"DATABASE_URL": f"sqlite+aiosqlite:///{project / 'recipe.db'}"}
    commands = re.findall(r"^\s*uv run (alembic .+)$", steps, re.MULTILINE)
    assert commands == ['alembic revision --autogenerate -m "add orders"', "alembic upgrade head"]
    assert_succeeds([*tool("alembic"), "upgrade", "head"], project, env=database)
    assert_succeeds(
        [*tool("alembic"), "revision", "--autogenerate", "-m", "add orders"], project, env=database
    )
    assert_succeeds([*tool("alembic"), "upgrade", "head"], project, env=database)
    [revision] = (project / "migrations/versions").glob("*_add_orders.py")
    assert 'op.create_table(\n        "orders"' in revision.read_text()

    # 3. Include the router in `create_app()` in `app/main.py`.
    assert "`from app.orders import router as orders_router`" in steps
    assert "`app.include_router(orders_router.router)`" in steps
    main = project / "app/main.py"
    insert_after(
        main,
        "from app.items import router as items_router\n",
        "from app.orders import router as orders_router\n",
    )
    insert_after(
        main,
        "    app.include_router(items_router.router)\n",
        "    app.include_router(orders_router.router)\n",
    )

    # 4. Add a builder to `tests/factories.py` and tests under `tests/orders/`.
    assert "4. Add a builder to `tests/factories.py` and tests under `tests/orders/`" in steps
    factories = project / "tests/factories.py"
    builder = factories.read_text().split("\n\n\nasync def create_item(")[1]
    insert_after(
        factories,
        "from app.items.models import Item\n",
        "from app.orders import service as orders_service\nfrom app.orders.models import Order\n",
    )
    factories.write_text(factories.read_text() + renamed("\n\nasync def create_item(" + builder))
    shutil.copytree(project / "tests/items", project / "tests/orders")
    for path in (project / "tests/orders").glob("*.py"):
        path.write_text(renamed(path.read_text()))

    # 5. Run `uv run ruff format . && uv run ruff check --fix .`, then `uv run pytest`.
    assert "5. Run `uv run ruff format . && uv run ruff check --fix .`" in steps
    assert_succeeds([*tool("ruff"), "format", "--no-cache", "."], project)
    assert_succeeds([*tool("ruff"), "check", "--fix", "--no-cache", "."], project)
    output = assert_succeeds([*tool("pytest"), "-q", "-p", "no:cacheprovider"], project, env=QUICK)
    assert_succeeds([*tool("ruff"), "check", "--no-cache", "."], project)
    assert_succeeds([*tool("ruff"), "format", "--check", "--no-cache", "."], project)
    mypy_strict(project, str(CONTEXT["python_version"][0]), mypy_cache)

    assert "tests/orders/test_router.py" in assert_succeeds(
        [*tool("pytest"), "-q", "-p", "no:cacheprovider", "--collect-only", "tests/orders"], project
    )
    assert " passed" in output.strip().splitlines()[-1]
