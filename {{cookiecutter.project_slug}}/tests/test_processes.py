"""A process that tests/processes.py forks is `python -m module` of its own: the module run as
`__main__` from its folder, with exactly its environment, its output in its file, its exit status,
and its pid for signals; the libraries imported before it began. One that does not stop when a
test is done with it shows where it is, and ends all the same."""

import json
import signal
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import processes
from tests.processes import LIBRARIES, PythonProcess, running

pytestmark = pytest.mark.live

PROBE = """
import json, os, sys, time

if os.environ["PROBE"] == "report":
    print(json.dumps({
        "name": __name__,
        "argv": sys.argv,
        "folder": os.getcwd(),
        "environment": dict(os.environ),
        "imported": sorted(set(json.loads(os.environ["LIBRARIES"])) & set(sys.modules)),
    }))
    sys.exit(3)
if os.environ["PROBE"] == "deaf":
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("deaf", flush=True)
time.sleep(60)
"""


def start_probe(tmp_path: Path, what: str) -> tuple[PythonProcess, Path]:
    """`python -m probe` from an empty folder, with only these variables; its process and output."""
    (tmp_path / "probe.py").write_text(PROBE)
    folder = tmp_path / "empty"
    folder.mkdir()
    environment = {"PROBE": what, "LIBRARIES": json.dumps(LIBRARIES), "PYTHONPATH": str(tmp_path)}
    output = tmp_path / "output.log"
    return PythonProcess("probe", folder, environment, output), output


def test_a_forked_process_runs_its_module_as_python_m_does(tmp_path: Path) -> None:
    process, output = start_probe(tmp_path, "report")

    assert process.wait(timeout=30) == 3
    report = json.loads(output.read_text())
    assert report["name"] == "__main__"
    assert report["argv"] == [str(tmp_path / "probe.py")]
    assert report["folder"] == str(tmp_path / "empty")
    assert report["environment"] == {
        "PROBE": "report",
        "LIBRARIES": json.dumps(LIBRARIES),
        "PYTHONPATH": str(tmp_path),
    }
    assert report["imported"] == sorted(LIBRARIES)  # each one there before the module began


def test_its_pid_takes_signals_and_its_end_is_told_as_popen_tells_it(tmp_path: Path) -> None:
    process, _ = start_probe(tmp_path, "wait")

    with pytest.raises(subprocess.TimeoutExpired):
        process.wait(timeout=0.5)
    assert process.poll() is None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == -signal.SIGTERM
    assert process.returncode == -signal.SIGTERM


def test_a_process_that_outlasts_its_stop_shows_where_it_is_and_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "probe.py").write_text(PROBE)
    monkeypatch.setattr(processes, "STOP_SECONDS", 0.5)

    with ExitStack() as stop:
        process = stop.enter_context(
            running("probe", {"PROBE": "deaf", "PYTHONPATH": str(tmp_path)})
        )
        assert process.has_written("deaf", 30)  # it ignores SIGTERM from now on
        with pytest.raises(subprocess.TimeoutExpired):
            stop.close()

    assert process.returncode == -signal.SIGKILL
    shown = capsys.readouterr().out
    assert "most recent call first" in shown
    assert f'File "{tmp_path / "probe.py"}"' in shown  # where it sleeps
