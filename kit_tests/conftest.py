"""Shared helpers for the kit's own tests: run the real `tddkit` in real workspaces."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import slow_tests

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
PACK = Path(__file__).resolve().parent / "fixtures" / "pack"  # a teacher's kata pack, one tiny kata

collect_ignore = ["fixtures"]  # the pack's kata tests are red on its stub by design


@pytest.hookimpl(trylast=True)  # after the terminal's: it writes on the terminal's lines
def pytest_configure(config):
    slow_tests.show(config)  # a test still running after 10 s is named, and its time said


def tddkit(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a learner would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tddkit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


def watch_lines(ws: Path, *args: str, env: dict | None = None) -> tuple[subprocess.Popen, queue.Queue]:
    """Start the real `tddkit watch ARGS`, its stdout a pipe (plain lines, not a screen): the
    process, and a queue of the lines it prints (None once stdout is closed)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")} | (env or {})
    proc = subprocess.Popen([sys.executable, "-m", "tddkit", "watch", *args], cwd=ws, env=full_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [*map(lines.put, proc.stdout), lines.put(None)], daemon=True).start()
    return proc, lines


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory) -> Path:
    """A fresh workspace whose state already knows each kata's expected tests (saves a collection per test)."""
    root = tmp_path_factory.mktemp("template")
    done = tddkit("init", "ws", cwd=root)
    assert done.returncode == 0, done.stderr
    ws = root / "ws"
    done = tddkit("run", "sincostan", cwd=ws)
    assert done.returncode == 1, done.stdout + done.stderr  # the stub is RED
    # Forget that run, keep the cached list of expected tests.
    import sqlite3

    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        db.execute("DELETE FROM runs")
    return ws


@pytest.fixture
def workspace(template_workspace, tmp_path) -> Path:
    """A fresh workspace of its own for each test."""
    ws = tmp_path / "ws"
    shutil.copytree(template_workspace, ws)
    return ws


def write_reference(ws: Path, kata: str = "sincostan") -> None:
    shutil.copyfile(SOLUTIONS / f"{kata}.py", ws / "katas" / f"{kata}.py")
