"""Robustness: the kit's temp folders. A `kill -9` of watch, of a run during its first collection,
or of verify, leaves a folder in the temp directory; each folder names its owner's pid, and the
next run removes those whose owner is dead (as it kills their processes), never a live one's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from robust_support import KATA, REFERENCE, robust_template, tddkit, write_learner, ws  # noqa: F401


def dead_pid() -> int:
    """The pid of a process that has ended and been reaped."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_the_next_run_removes_the_temp_folders_of_dead_runs_and_keeps_the_rest(ws, tmp_path):
    temp = tmp_path / "temp"
    gone = dead_pid()
    dead = [temp / f"tddkit-watch-pid{gone}-ab12_c", temp / f"tddkit-{KATA}-pid{gone}-x9",
            temp / f"tddkit-verify-{KATA}-pid{gone}-q1"]
    kept = [temp / f"tddkit-watch-pid{os.getpid()}-live1",  # a live owner
            temp / "tddkit-report-xyz", temp / "tddkit-notes"]  # not named so: not the kit's to judge
    for folder in dead + kept:
        (folder / "inner").mkdir(parents=True)
        (folder / "inner" / "file").write_text("x")
    write_learner(ws, REFERENCE + "\nraise SystemExit('stop')\n")
    done = tddkit("run", KATA, cwd=ws, env={"TMPDIR": str(temp)})
    assert done.returncode == 3, done.stderr.decode()
    assert [f for f in dead if f.exists()] == []
    assert all(f.exists() for f in kept)


def test_a_kill_9_of_watch_leaves_a_folder_naming_its_pid_that_the_next_run_removes(ws, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")} | {"TMPDIR": str(temp)}
    watch = subprocess.Popen([sys.executable, "-P", "-m", "tddkit", "watch", KATA, "--jsonl", "--no-keys"], cwd=ws,
                             env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert json.loads(watch.stdout.readline())["light"] == "red"  # the first verdict: the stub
        folders = [p.name for p in temp.iterdir() if p.name.startswith("tddkit-watch-")]
        assert folders and all(f"-pid{watch.pid}-" in name for name in folders), folders
    finally:
        watch.send_signal(signal.SIGKILL)
        watch.wait()
    time.sleep(0.2)
    done = tddkit("run", KATA, cwd=ws, env={"TMPDIR": str(temp)})
    assert done.returncode == 1, done.stderr.decode()
    assert [p.name for p in temp.iterdir() if p.name.startswith("tddkit-watch-")] == []
