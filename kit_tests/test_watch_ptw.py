"""`ptw` (pytest-watch) works in a workspace: it reads the workspace's [pytest-watch] section,
runs the kata's tests, and runs them again when a kata file is saved."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import threading

import pytest
from conftest import write_reference

WAIT = 90.0  # seconds: a bound on waiting, never an expectation of speed


@pytest.mark.skipif(shutil.which("ptw") is None, reason="pytest-watch is not installed")
def test_ptw_reads_the_workspace_config_and_reruns_on_save(workspace):
    proc = subprocess.Popen(["ptw", "--afterrun", "echo ptw-run-over", "--", "-q", "-x", "tests/test_sincostan.py"],
                            cwd=workspace,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, env={**os.environ, "NO_COLOR": "1"})
    lines: queue.Queue[str | None] = queue.Queue()

    def read():
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()

    def next_summary() -> tuple[str, list[str]]:
        seen = []
        while True:
            line = lines.get(timeout=WAIT)
            assert line is not None, "ptw ended: " + "".join(seen[-30:])
            seen.append(line)
            if re.search(r"\d+ (passed|failed)( in|,)", line) and not line.startswith("FAILED"):
                return line, seen

    try:
        first, output = next_summary()
        assert "1 failed" in first, "the stub is red (and -x stops at the first failure)"
        while "ptw-run-over" not in (lines.get(timeout=WAIT) or "ptw-run-over"):
            pass  # ptw is idle, waiting for a change
        write_reference(workspace)
        second, more = next_summary()
        output += more
        assert re.search(r"^\d+ passed in", second), second
        changes = [l for l in output if "Change detected" in l or l.startswith("    ")]
        assert any("katas/sincostan.py" in l for l in changes)
        assert "\a" not in "".join(output), "no beep on failure ([pytest-watch] nobeep = True)"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
