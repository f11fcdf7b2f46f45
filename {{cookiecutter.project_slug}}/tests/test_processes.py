"""A process that tests/processes.py forks is `python -m module` of its own: the module run as
`__main__` from its folder, with exactly its environment, its output in its file, its exit status,
and its pid for signals; the libraries imported before it began."""

import json
import signal
import subprocess
from pathlib import Path

import pytest

from tests.processes import LIBRARIES, PythonProcess

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
