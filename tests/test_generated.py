"""The rendered code is lint-clean, type-clean, and its own test suite passes.

Which combinations each check runs on is set below, from the option groups in tests/rendering.py
(tests/test_render.py proves that the options outside them leave the code alone).
"""

import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy.engine import make_url

from tests import postgres
from tests.pythons import RUNNING, interpreter, python_with_dependencies
from tests.redis_server import WatchedRedis, watched_server
from tests.rendering import (
    CODE_OPTIONS,
    INTERACTING_CODE_OPTIONS,
    OBSERVABILITY_OPTIONS,
    QUICK,
    TEMPLATE_DIR,
    THOROUGH,
    TOOL_OPTIONS,
    Answers,
    answer_tuples,
    assert_succeeds,
    choices,
    combination_id,
    combinations,
    covering_array,
    environment,
    fullest,
    mypy_strict,
    render,
    run,
    shared_folder,
    tool,
)


@pytest.fixture(scope="session")
def environments(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the other Pythons' environments go."""
    return shared_folder(tmp_path_factory, "pythons")


def unique_slug() -> str:
    """A project slug, and so database names, that no other test run on the server uses."""
    return f"svc_{uuid.uuid4().hex[:12]}"


PYTHONS_HERE = [str(v) for v in choices("python_version") if interpreter(str(v))]
PYTHONS_MISSING = [str(v) for v in choices("python_version") if not interpreter(str(v))]


# The code with the most in it.
FULLEST_CODE = fullest(CODE_OPTIONS)
# Ruff and mypy: every triple of answers to the interacting code options, every pair of any two
# answers, and each observability answer alone (the others no).
CODE_CHECK_COMBINATIONS = covering_array(
    (*CODE_OPTIONS, *TOOL_OPTIONS), strong=INTERACTING_CODE_OPTIONS, alone=OBSERVABILITY_OPTIONS
)
# The suites run serially over the same kind of array, on the Pythons this machine has, each on the
# Python its python_version names; a version this machine lacks gets the fullest code, skipped.
SUITE_ROWS = covering_array(
    (*CODE_OPTIONS, *TOOL_OPTIONS),
    strong=INTERACTING_CODE_OPTIONS,
    only={"python_version": PYTHONS_HERE},
    alone=OBSERVABILITY_OPTIONS,
)
# How a suite is run: its profile (tests/profile.py in a render) and its pytest options. "live" is
# the live tests alone, with the quick profile's few examples per property.
RUNS = {
    "quick": (QUICK, []),
    "thorough": (THOROUGH, []),
    "thorough -n 2": (THOROUGH, ["-n", "2"]),
    "live": (QUICK, ["-m", "live"]),
    "live -n 2": (QUICK, ["-n", "2", "-m", "live"]),
}


# Each row's very first quick run: what a user runs first. The thorough profile (the project's CI:
# the live tests, 100 examples per property) is the first run of the emptiest row, serially, and of
# the fullest row with -n 2 (as the generated CI runs it), and their only one: it holds every test
# of their quick runs. A code answer that neither holds (auth=oidc, a third answer) has it in the
# first other row that holds it, in place of that row's quick run: so between them, every code
# answer and every live test. Each of these rows on the other database runs its live tests too,
# which start servers, workers and commands on that database: so every code answer meets every
# database in a live test. Their other tests meet that database in the quick rows, which hold every
# triple of the interacting answers.
def answers_held(rows: list[dict[str, object]]) -> set[tuple[str, object]]:
    return {(option, row[option]) for row in rows for option in CODE_OPTIONS}


MORE_THOROUGH: list[dict[str, object]] = []
for row in SUITE_ROWS[2:]:
    if answers_held([row]) - answers_held([*SUITE_ROWS[:2], *MORE_THOROUGH]):
        MORE_THOROUGH.append(row)
SUITE_RUNS = (
    [
        (SUITE_ROWS[0], ("thorough",)),
        (SUITE_ROWS[1], ("thorough -n 2",)),
    ]
    + [
        (answers, ("thorough -n 2",) if answers in MORE_THOROUGH else ("quick",))
        for answers in SUITE_ROWS[2:]
    ]
    + [
        ({**FULLEST_CODE, "python_version": version}, ("quick", "thorough"))
        for version in PYTHONS_MISSING
    ]
    + [
        ({**row, "database": database, "python_version": RUNNING}, (kind,))
        for row, kind in [
            (SUITE_ROWS[1], "live -n 2"),
            (SUITE_ROWS[0], "live"),
            *((row, "live -n 2") for row in MORE_THOROUGH),
        ]
        for database in choices("database")
        if database != row["database"]
    ]
)
# The rows whose suites run every test, not their live tests alone.
WHOLE_SUITES = [
    answers for answers, runs in SUITE_RUNS if any(not kind.startswith("live") for kind in runs)
]


def test_code_checks_cover_every_triple_of_interacting_answers_and_every_pair() -> None:
    held = set().union(
        *(
            answer_tuples(row, INTERACTING_CODE_OPTIONS, 3) | answer_tuples(row, row, 2)
            for row in CODE_CHECK_COMBINATIONS
        )
    )

    for row in combinations((*CODE_OPTIONS, *TOOL_OPTIONS)):
        assert (
            answer_tuples(row, INTERACTING_CODE_OPTIONS, 3) | answer_tuples(row, row, 2) <= held
        ), row
    assert len(CODE_CHECK_COMBINATIONS) < len(combinations((*CODE_OPTIONS, *TOOL_OPTIONS)))


@pytest.mark.parametrize(
    "rows",
    [
        CODE_CHECK_COMBINATIONS,
        WHOLE_SUITES,
    ],
    ids=["code checks", "suites"],
)
def test_each_observability_answer_is_checked_alone_and_all_together(
    rows: list[dict[str, object]],
) -> None:
    chosen = [tuple(option for option in OBSERVABILITY_OPTIONS if row[option]) for row in rows]

    for option in OBSERVABILITY_OPTIONS:
        assert (option,) in chosen
    assert OBSERVABILITY_OPTIONS in chosen


def test_suites_run_every_code_answer_on_every_python_here() -> None:
    met = {
        (option, answers[option], answers["python_version"])
        for answers in WHOLE_SUITES
        for option in CODE_OPTIONS
    }

    assert met >= {
        (option, answer, version)
        for option in CODE_OPTIONS
        for answer in choices(option)
        for version in PYTHONS_HERE
    }
    assert RUNNING in PYTHONS_HERE


def test_the_live_tests_meet_every_code_answer_on_every_database() -> None:
    live = [answers for answers, runs in SUITE_RUNS if set(runs) - {"quick"}]
    met = {(row["database"], option, row[option]) for row in live for option in CODE_OPTIONS}

    assert met >= {
        (database, option, answer)
        for database in choices("database")
        for option in CODE_OPTIONS
        if option != "database"
        for answer in choices(option)
    }
    for database in choices("database"):
        assert {**FULLEST_CODE, "database": database} in [
            {option: answers[option] for option in CODE_OPTIONS} for answers in live
        ]


def test_thorough_runs_meet_every_code_answer() -> None:
    met = {
        (option, answers[option])
        for answers, runs in SUITE_RUNS
        if any(run.startswith("thorough") for run in runs)
        for option in CODE_OPTIONS
    }

    assert met == {(option, answer) for option in CODE_OPTIONS for answer in choices(option)}


@pytest.mark.parametrize("answers", CODE_CHECK_COMBINATIONS, ids=combination_id)
def test_code_passes_ruff(answers: Answers, tmp_path: Path) -> None:
    project = render(tmp_path, answers)

    assert_succeeds([*tool("ruff"), "check", "--no-cache", "."], project)
    assert_succeeds([*tool("ruff"), "format", "--check", "--no-cache", "."], project)


@pytest.mark.slow
@pytest.mark.parametrize("answers", CODE_CHECK_COMBINATIONS, ids=combination_id)
def test_code_passes_mypy_strict(answers: Answers, tmp_path: Path, mypy_cache: Path) -> None:
    project = render(tmp_path, answers)

    output = mypy_strict(project, str(answers["python_version"]), mypy_cache)

    assert output.startswith("Success: no issues found")


# Settings that would break the tests if they reached them: the suite pins every setting, and reads
# neither these variables nor .env. The rate limits and the jobs also name a Redis server of the
# test's own that the suite is not told about, as a developer's own would be: nothing may reach it.
HOSTILE_SETTINGS = {
    "ENVIRONMENT": "production",
    "DATABASE_URL": "sqlite+aiosqlite:///./must-not-be-created.db",
    "SECRET_KEY": "short",
    "ACCESS_TOKEN_MINUTES": "0",
    "MAX_REQUEST_BYTES": "10",
    "SIGN_UP_RATE_LIMIT": "1/hour",
    "LOGIN_RATE_LIMIT": "1/hour",
    "ALLOWED_HOSTS": '["nowhere.example"]',
    "API_DOCS": "false",
    "CORS_ORIGINS": "not a JSON list",
    "METRICS_PORT": "not a port",
    "SENTRY_DSN": "not a DSN",
    "RELEASE": "hostile",
    # Read by the server and the libraries themselves, not by the settings.
    "WEB_CONCURRENCY": "4",
    "PROMETHEUS_MULTIPROC_DIR": "/no/such/folder",
    "OTEL_SDK_DISABLED": "true",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1",
}


def hostile_settings(untold: WatchedRedis) -> dict[str, str]:
    return {
        **HOSTILE_SETTINGS,
        "RATE_LIMIT_STORAGE_URI": untold.url,
        "JOBS_BROKER_URL": f"{untold.url}/0",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("answers", "runs"),
    SUITE_RUNS,
    ids=[
        f"{'+'.join(runs).replace(' ', '')}-{combination_id(answers)}"
        for answers, runs in SUITE_RUNS
    ],
)
def test_generated_test_suite_passes(
    answers: Answers,
    runs: tuple[str, ...],
    tmp_path: Path,
    environments: Path,
    record_property: Callable[[str, object], None],
) -> None:
    python = python_with_dependencies(str(answers["python_version"]), environments)
    servers: dict[str, str] = {}
    if answers["database"] == "postgresql":
        servers["TEST_DATABASE_URL"] = postgres.server_url()
    # The fullest row's run meets hostile settings, in .env and in the environment (which its
    # live servers inherit). They name a Redis server of the test's own that the suite is not told
    # about, which nothing may reach.
    hostile = answers == SUITE_ROWS[1]

    # The suite's Redis (TEST_REDIS_URL) is one of the test's own, so that what a run leaves there
    # shows: its keys are the run's own, and gone at its end.
    with ExitStack() as servers_of_its_own:
        told = servers_of_its_own.enter_context(watched_server(tmp_path))
        untold = servers_of_its_own.enter_context(watched_server(tmp_path)) if hostile else None
        servers["TEST_REDIS_URL"] = told.url
        for kind in runs:
            profile, parallel = RUNS[kind]
            slug = unique_slug()
            # Each profile's very first run, in a render of its own: nothing warmed, nothing cached.
            project = render(tmp_path / profile["CI"], {**answers, "project_slug": slug})
            env = {**profile, **servers}
            if untold is not None:
                lines = [f"{name}={value}" for name, value in hostile_settings(untold).items()]
                (project / ".env").write_text(
                    (project / ".env.example").read_text() + "\n".join(lines)
                )
                env.update(hostile_settings(untold))

            started = time.monotonic()
            result = run([python, "-m", "pytest", "-q", *parallel], project, env=env)
            seconds = time.monotonic() - started

            assert result.returncode == 0, result.stdout + result.stderr
            *_, left_out, summary = result.stdout.strip().splitlines()
            assert " passed" in summary
            for outcome in ("failed", "skipped", "error"):
                assert outcome not in summary
            if kind == "quick":  # it says what it left out
                assert left_out.startswith("quick profile: left out the `live` tests and all but")
            elif profile is QUICK:  # the live tests selected
                assert left_out.startswith("quick profile: left out all but a few examples")
            else:  # which is exactly what the thorough run adds
                quick = assert_quick_leaves_out_the_rest(python, project, env, summary)
                if hostile:
                    assert_benchmarks_say(quick=quick, thorough=int(summary.split()[0]))
            if hostile:
                record_property(
                    "figure",
                    f"first {kind} run (nothing warmed) of the fullest render: {seconds:.1f} s "
                    "wall, measured inside this run, beside its other tests",
                )
            if answers["database"] == "postgresql":
                assert postgres.databases_named_like(servers["TEST_DATABASE_URL"], slug) == []
            assert not (project / "must-not-be-created.db").exists()
            # No codec table in the quick profile: hypothesis makes one by encoding all 1.1 million
            # code points (about 1.5 s of a fresh checkout's first run) for a strategy that names a
            # codec. (The thorough run's coverage phase, schemathesis' own, names one.)
            if profile is QUICK:
                assert list(project.glob(".hypothesis/unicode_data/*/codec-*")) == []
        assert untold is None or untold.reached() == {}
        assert told.keys() == {}


def test_a_watched_redis_server_tells_of_any_connection_and_any_key(tmp_path: Path) -> None:
    with watched_server(tmp_path) as untold:
        untouched = untold.reached()
        with Redis.from_url(untold.url) as client:
            client.ping()
            connected = untold.reached()
            client.set("written", "by a test")
            written = untold.reached()

    assert untouched == {}
    assert connected == {"connections": 1}
    assert written["connections"] == 1
    assert written["db0"]["keys"] == 1  # type: ignore[index]


def assert_quick_leaves_out_the_rest(
    python: str, project: Path, env: dict[str, str], thorough_summary: str
) -> int:
    """The quick profile's selection, in the same project, and what it leaves out, add up to what
    the thorough run passed; what it leaves out is the `live` tests. Returns what it selects."""

    def collected(*options: str) -> tuple[int, int, int]:
        """What the quick profile selects with these options: selected, all, deselected."""
        command = [python, "-m", "pytest", "-q", "--collect-only", *options]
        last = assert_succeeds(command, project, {**env, **QUICK}).strip().splitlines()[-1]
        counts = re.fullmatch(r"(\d+)/(\d+) tests collected \((\d+) deselected\) in [\d.]+s", last)
        assert counts is not None, last
        selected, total, deselected = map(int, counts.groups())
        return selected, total, deselected

    passed = re.fullmatch(r"(\d+) passed in [\d.]+s(?: \([\d:]+\))?", thorough_summary)
    assert passed is not None, thorough_summary
    selected, total, left_out = collected()
    live, *_ = collected("-m", "live")
    assert (selected + left_out, total) == (int(passed[1]), int(passed[1]))
    assert left_out == live > 0
    return selected


def benchmarks_say() -> dict[str, int]:
    """What BENCHMARKS.md says of the fullest render: its tests in each profile."""
    text = (TEMPLATE_DIR / "BENCHMARKS.md").read_text()
    counts = re.search(r"runs (\d+) tests in its quick run and (\d+) in its\s+thorough one", text)
    assert counts is not None, "BENCHMARKS.md no longer gives the fullest render's test counts"
    return {"quick": int(counts[1]), "thorough": int(counts[2])}


def assert_benchmarks_say(**passed: int) -> None:
    """The fullest render's test counts in BENCHMARKS.md are this run's, within a tenth."""
    said = benchmarks_say()
    for profile, count in passed.items():
        assert abs(count - said[profile]) <= said[profile] / 10, (
            f"BENCHMARKS.md says the fullest render runs {said[profile]} tests in its {profile} "
            f"run: it ran {count}"
        )


def test_the_benchmarks_figures_are_checked_against_a_run() -> None:
    said = benchmarks_say()

    assert_benchmarks_say(**said)
    drifted = said["thorough"] // 2
    with pytest.raises(AssertionError, match=f"in its thorough run: it ran {drifted}"):
        assert_benchmarks_say(quick=said["quick"], thorough=drifted)


def test_the_fullest_code_meets_hostile_settings() -> None:
    fullest_row = SUITE_ROWS[1]

    assert all(fullest_row[option] == FULLEST_CODE[option] for option in CODE_OPTIONS)
    assert (fullest_row, ("thorough -n 2",)) in SUITE_RUNS


def test_postgresql_suite_without_a_server_stops_with_one_message(tmp_path: Path) -> None:
    project = render(tmp_path, {"database": "postgresql"})
    nobody_listens = "postgresql+asyncpg://postgres:postgres@127.0.0.1:1/postgres"

    result = run(
        [*tool("pytest"), "-q", "-p", "no:cacheprovider", "-n", "2"],
        project,
        env={"TEST_DATABASE_URL": nobody_listens},
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert output.count("No PostgreSQL server answers") == 1
    assert "docker compose up -d db" in output
    assert "passed" not in output


@pytest.mark.parametrize("given", [True, False], ids=["TEST_DATABASE_URL", "the default"])
def test_postgresql_suite_with_a_wrong_password_says_so_and_whence_in_one_message(
    given: bool, tmp_path: Path
) -> None:
    """Given TEST_DATABASE_URL with a wrong password; or not given it, on a server (this run's, on
    localhost:5432) that refuses the password that the render's .env made."""
    server = make_url(postgres.server_url())
    if not given and (server.host, server.port) not in {("127.0.0.1", 5432), ("localhost", 5432)}:
        pytest.skip(f"the tests' default server is localhost:5432, not this run's {server.host}")
    project = render(tmp_path, {"database": "postgresql"})
    wrong_password = server.set(password="not-the-password").render_as_string(hide_password=False)

    result = run(
        [*tool("pytest"), "-q", "-p", "no:cacheprovider", "-n", "2"],
        project,
        env={"TEST_DATABASE_URL": wrong_password if given else ""},
        timeout=60,
    )

    output = result.stdout + result.stderr
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert output.count("refused the connection: password authentication failed") == 1
    assert "No PostgreSQL server answers" not in output
    assert "not-the-password" not in output
    if given:
        assert "The URL is TEST_DATABASE_URL: " in output
    else:
        assert "The URL is the tests' default, without TEST_DATABASE_URL" in output


def test_postgresql_suite_interrupted_by_ctrl_c_leaves_no_database(tmp_path: Path) -> None:
    server = postgres.server_url()
    slug = unique_slug()
    project = render(tmp_path, {"database": "postgresql", "project_slug": slug})
    (project / "tests" / "test_waits.py").write_text(
        "import asyncio\n\n\nasync def test_waits(db_session):\n    await asyncio.sleep(60)\n"
    )
    # Restore Python's own Ctrl-C handling, which a process started in the background goes without.
    start_pytest = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv = ['pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_waits.py']; "
        "runpy.run_module('pytest', run_name='__main__')"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", start_pytest],
        cwd=project,
        env=environment({"TEST_DATABASE_URL": server}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not postgres.databases_named_like(server, slug):
            assert time.monotonic() < deadline, "the test database never appeared"
            time.sleep(0.2)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()

    assert "KeyboardInterrupt" in output
    assert postgres.databases_named_like(server, slug) == []


@pytest.mark.slow
@pytest.mark.parametrize("auth", choices("auth"))
@pytest.mark.parametrize("database", choices("database"))
def test_alembic_upgrade_check_downgrade_upgrade_from_the_command_line(
    database: str, auth: str, tmp_path: Path
) -> None:
    slug = unique_slug()
    answers = {"database": database, "auth": auth, "use_alembic": True, "project_slug": slug}
    project = render(tmp_path, answers)
    alembic = [sys.executable, "-m", "alembic"]
    steps = [["upgrade", "head"], ["check"], ["downgrade", "base"], ["upgrade", "head"]]

    def migrate(database_url: str) -> None:
        for step in steps:
            result = run([*alembic, *step], project, env={"DATABASE_URL": database_url})
            assert result.returncode == 0, f"alembic {' '.join(step)}:\n{result.stderr}"

    if database == "sqlite":
        migrate(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    else:
        with postgres.new_database(postgres.server_url(), f"{slug}_cli") as database_url:
            migrate(database_url)


def test_drift_test_fails_for_a_model_changed_without_a_revision(tmp_path: Path) -> None:
    project = render(tmp_path, {"use_alembic": True})
    models = project / "app" / "items" / "models.py"
    models.write_text(
        models.read_text().replace(
            "    price: Mapped[float]\n",
            "    price: Mapped[float]\n    colour: Mapped[str | None]\n",
        )
    )

    result = run(
        [*tool("pytest"), "-q", "-p", "no:cacheprovider", "tests/test_migrations.py"], project
    )

    assert result.returncode == 1
    assert result.stdout.strip().splitlines()[-1].startswith("1 failed, ")
    assert "FAILED tests/test_migrations.py::test_migrations_match_the_models" in result.stdout
    assert "add_column" in result.stdout
