"""The kit's own suite shows signs of life (issue 16, experience item 7): a test that is still
running after a while says so on a line of its own, and how long it took, in a real pytest."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

WAIT = 60.0
HERE = Path(__file__).resolve().parent

CONFTEST = """\
import pytest
import slow_tests


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    slow_tests.show(config, seconds=0.3)
"""

TESTS = """\
import os
import time
from pathlib import Path


def test_quick():
    pass


def test_slow():  # slower than the 0.3 s that makes a test slow here, and on until the kit's test saw it named
    time.sleep(0.6)
    go, deadline = Path(os.environ["GO"]), time.monotonic() + 60
    while not go.exists():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_after():
    pass
"""


def suite(folder: Path, *options: str) -> subprocess.Popen:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_suite.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": str(HERE), "GO": str(folder / "go")}
    return subprocess.Popen([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *options], cwd=folder,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_a_slow_test_is_named_while_it_runs_and_its_time_said_when_it_ends(tmp_path):
    proc = suite(tmp_path)
    seen, deadline = b"", time.monotonic() + WAIT
    try:
        while b"test_suite.py::test_slow ... " not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, seen.decode()
            seen += os.read(proc.stdout.fileno(), 4096)  # a sign of life while the test still runs
    finally:
        (tmp_path / "go").touch()
    out = (seen + proc.communicate(timeout=WAIT)[0]).decode()
    assert proc.returncode == 0, out
    lines = out.splitlines()
    slow = [line for line in lines if "::" in line]
    assert len(slow) == 1 and slow[0].startswith("    test_suite.py::test_slow ... ") and slow[0].endswith(" s"), out
    assert lines[lines.index(slow[0]) - 1] == "test_suite.py .", "the dots before it keep their line"
    assert lines[lines.index(slow[0]) + 1].startswith(".."), "and the dots after it go on"
    assert "3 passed" in lines[-1]


def test_verbose_names_every_test_already_so_it_adds_nothing(tmp_path):
    (tmp_path / "go").touch()
    proc = suite(tmp_path, "-v")
    out = proc.communicate(timeout=WAIT)[0].decode()
    assert proc.returncode == 0 and "test_slow PASSED" in out and "test_slow ... " not in out, out
