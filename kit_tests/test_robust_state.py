"""Robustness: the state store and the workspace. Two tddkit processes at once, kill -9 in the
middle of recording (many times), truncated and garbage state files, a read-only workspace, a
moved workspace, a kit upgrade that renamed a kata. The state stays readable, the history
consistent, and nothing the learner wrote is lost.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from robust_support import (KATA, REFERENCE, STATE, STUB, as_unprivileged, assert_intact, checked_json, fill,  # noqa: F401
                            full_disk, needs_read_only, robust_template, run_json, state_rows, tddkit, write_learner,
                            ws)

# Learner code whose run ends at once (AMBER): many runs cost little.
QUICK_AMBER = REFERENCE + "\nraise SystemExit('stop')\n"
LIGHTS = {"green", "red", "amber"}


def assert_consistent_history(ws):
    """Every recorded run is whole: a known light, 0 <= passed <= total, tests that parse."""
    with sqlite3.connect(ws / STATE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT light, passed, total, tests FROM runs ORDER BY id").fetchall()
    for light, passed, total, tests in rows:
        assert light in LIGHTS and 0 <= passed <= total
        assert isinstance(json.loads(tests), list)
    return rows


# -- two processes at once ------------------------------------------------------------------------

def test_runs_hints_and_status_at_once_all_finish_and_all_runs_are_recorded(ws):
    mine = write_learner(ws, QUICK_AMBER)
    assert tddkit("run", KATA, cwd=ws).returncode == 3  # so that a hint reads this run and runs nothing
    commands = [("run", KATA)] * 4 + [("hint", KATA)] * 2 + [("status",)] * 2
    with ThreadPoolExecutor(len(commands)) as pool:
        done = list(pool.map(lambda c: tddkit(*c, cwd=ws), commands))
    for command, d in zip(commands, done):
        assert b"Traceback" not in d.stderr, (command, d.stderr.decode()[-2000:])
        assert d.returncode == (3 if command[0] == "run" else 0), (command, d.stderr.decode())
    assert len(assert_consistent_history(ws)) == 5
    assert_intact(ws, mine, runs=5)


# -- kill -9 in the middle of recording ---------------------------------------------------------

RECORDER = """
import sys, time
from pathlib import Path
from tddkit.state import State
with State(Path(sys.argv[1])) as state:
    print("open", flush=True)
    tests = [{"id": f"tests/test_sincostan.py::t{i}", "step": 1, "outcome": "passed", "message": "x" * 200}
             for i in range(200)]
    for n in range(10**9):
        state.record_run("sincostan", "red", n % 7, 7, "reason", tests)
        state.set_hints_shown("sincostan", 1, n % 3)
        state.unlock("sincostan")
"""


def test_kill_9_while_recording_many_times_leaves_a_readable_consistent_state(ws):
    rng = random.Random(7)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    counts = []
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-c", RECORDER, str(ws / STATE)], stdout=subprocess.PIPE, env=env)
        assert proc.stdout.readline() == b"open\n"
        time.sleep(rng.uniform(0.0, 0.15))  # somewhere in the middle of a write
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        counts.append(len(assert_consistent_history(ws)))
    assert counts == sorted(counts) and counts[-1] > 0, "runs recorded before a kill are never lost"
    status = tddkit("status", "--json", cwd=ws)
    assert status.returncode == 0 and b"Traceback" not in status.stderr
    row = next(r for r in json.loads(status.stdout) if r["kata"] == KATA)
    assert row["light"] == "red" and row["unlocked"] is True


def test_kill_9_of_tddkit_run_many_times_leaves_no_test_process_and_a_good_state(ws):
    mine = write_learner(ws, REFERENCE + "\nimport time\ntime.sleep(10**6)\n")  # the run never ends by itself
    rng = random.Random(9)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-P", "-m", "tddkit", "run", KATA], cwd=ws, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # A kill that lands while the test process is still starting up leaves it alive for a
        # moment: it sees its runner gone once it starts, and exits.
        assert live_test_processes_after(ws) == [], "a test process outlived its killed runner"
    # ... and a run after all that works as usual.
    write_learner(ws, QUICK_AMBER)
    assert run_json(ws)["light"] == "amber"
    assert_consistent_history(ws)
    assert (ws / "katas" / "sincostan.py").read_text() == QUICK_AMBER
    del mine


def live_test_processes_after(ws, within: float = 10.0) -> list[int]:
    """Test processes of this workspace still running after `within` seconds (a bound, not a speed)."""
    deadline = time.monotonic() + within
    while (left := running_test_processes(ws)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def running_test_processes(ws):
    """Pids of test processes whose working folder is this workspace."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if os.readlink(f"/proc/{entry.name}/cwd") == str(ws) and b"tddkit.child" in open(
                        f"/proc/{entry.name}/cmdline", "rb").read():
                    state = open(f"/proc/{entry.name}/stat", "rb").read().rsplit(b")", 1)[1].split()[0]
                    if state != b"Z":
                        found.append(int(entry.name))
            except OSError:
                pass
    return found


# -- damaged state files ------------------------------------------------------------------------

def record_history(ws, light="green"):
    """Two runs of sincostan, the last one `light`, and its unlock, recorded through the kit's State
    (quicker than real runs; the cases here are about the file, not the runs)."""
    from tddkit.state import State

    with State(ws / STATE) as state:
        state.record_run(KATA, "red", 0, 133, None, [])
        state.record_run(KATA, light, 133, 133, None, [{"id": "tests/test_sincostan.py::test_zero[int]", "step": 1,
                                                        "outcome": "passed", "message": "", "duration": 0.0}])
        state.unlock(KATA)


def state_with_history(ws):
    """A workspace whose state holds runs, all written back to the main file (no WAL left)."""
    record_history(ws)
    assert not (ws / ".tddkit" / "state.db-wal").exists() or (ws / ".tddkit" / "state.db-wal").stat().st_size == 0
    return (ws / STATE).read_bytes()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "garbage in the middle"])
def test_a_damaged_state_file_is_moved_aside_with_one_clear_line_and_work_goes_on(ws, damage):
    good = state_with_history(ws)
    bad = {"truncated": good[: len(good) // 2],
           "garbage": b"\x00garbage\xff" * 1000,
           "garbage in the middle": good[:4096] + b"\xde\xad" * ((len(good) - 4096) // 2)}[damage]
    assert len(good) > 8192, "a state big enough that half of it is missing pages"
    (ws / STATE).write_bytes(bad)
    mine = write_learner(ws, QUICK_AMBER)
    status = tddkit("status", "--json", cwd=ws)
    assert status.returncode == 0 and b"Traceback" not in status.stderr, status.stderr.decode()
    said = status.stderr.decode().strip().splitlines()
    assert len(said) == 1 and "could not be read" in said[0] and "moved to" in said[0]
    aside = list((ws / ".tddkit").glob("state.db.unreadable-*"))
    assert [a.read_bytes() for a in aside if not a.name.endswith(("-wal", "-shm"))] == [bad], "the damaged file is kept, byte for byte"
    assert str(aside[0]) in said[0]
    assert run_json(ws)["light"] == "amber", "the next run works and is recorded in a fresh state"
    assert_intact(ws, mine, runs=1)


# -- read-only, moved, upgraded --------------------------------------------------------------------

@needs_read_only
@pytest.mark.parametrize("command", [("run", KATA), ("status",), ("hint",), ("next",)])
def test_a_read_only_workspace_gives_one_clear_line_and_no_traceback(ws, command):
    mine = write_learner(ws, QUICK_AMBER)
    before = (ws / STATE).read_bytes()
    for folder, _, files in os.walk(ws):
        for name in files:
            os.chmod(os.path.join(folder, name), 0o444)
        os.chmod(folder, 0o555)
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
        done = subprocess.run(as_unprivileged(sys.executable, "-P", "-m", "tddkit", *command), cwd=ws, env=env,
                              capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    finally:
        for folder, _, files in os.walk(ws):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
    err = done.stderr.decode()
    assert b"Traceback" not in done.stderr + done.stdout, err[-3000:]
    assert done.returncode != 0 and len(err.strip().splitlines()) == 1 and "read-only" in err, (done.returncode, err)
    assert (ws / STATE).read_bytes() == before
    assert (ws / "katas" / "sincostan.py").read_text() == mine


def test_a_moved_workspace_keeps_its_progress_and_works(ws, tmp_path):
    record_history(ws)
    moved = tmp_path / "elsewhere" / "my katas, moved"
    moved.parent.mkdir()
    ws.rename(moved)
    status = tddkit("status", "--json", cwd=moved)
    assert status.returncode == 0
    row = next(r for r in json.loads(status.stdout) if r["kata"] == KATA)
    assert row["light"] == "green" and row["unlocked"] is True
    write_learner(moved, QUICK_AMBER)
    assert run_json(moved)["light"] == "amber"
    assert_intact(moved, QUICK_AMBER, runs=3)


def rename_in_state(ws, old, new):
    """What the state of a workspace made by an older kit looks like, where kata `new` was `old`."""
    with sqlite3.connect(ws / STATE) as db:
        for table in ("runs", "hints", "unlocks", "lessons_seen", "expected"):
            db.execute(f"UPDATE {table} SET kata = ? WHERE kata = ?", (old, new))


def test_a_kit_upgrade_that_renamed_a_kata_keeps_the_old_progress_and_every_command_works(ws):
    record_history(ws)
    rename_in_state(ws, "sin_cos_tan", KATA)
    write_learner(ws, QUICK_AMBER)
    for command in (("status",), ("status", "--json"), ("hint",), ("run", KATA, "--json")):
        done = tddkit(*command, cwd=ws)
        assert b"Traceback" not in done.stderr and done.returncode in (0, 1, 3), (command, done.stderr.decode())
    kept = state_rows(ws, "SELECT kata, light FROM runs ORDER BY id")
    assert kept[:2] == [("sin_cos_tan", "red"), ("sin_cos_tan", "green")], "the old kata's history is kept"
    from tddkit.state import State

    with State(ws / STATE) as state:
        assert "sin_cos_tan" in state.katas_recorded()


def test_a_kit_upgrade_that_renamed_a_kata_says_so_in_status(ws):
    record_history(ws)
    rename_in_state(ws, "sin_cos_tan", KATA)
    done = tddkit("status", cwd=ws)
    assert done.returncode == 0, done.stderr
    note = next((line for line in done.stdout.decode().splitlines() if "sin_cos_tan" in line), None)
    assert note is not None, f"status names the old kata: {done.stdout.decode()}"
    assert "tddkit log" in note, "and says where its runs are"
    log = tddkit("log", cwd=ws)
    assert b"sin_cos_tan" in log.stdout


def test_a_run_the_state_cannot_take_says_so_on_stderr_and_in_its_json(ws):
    with sqlite3.connect(ws / STATE, isolation_level=None) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the state for longer than the kit waits
        try:
            done = tddkit("run", KATA, "--json", cwd=ws, timeout=120)
        finally:
            holder.execute("ROLLBACK")
    result = checked_json(done)
    assert result["light"] == "red" and result["not_recorded"], result
    assert "could not be recorded" in done.stderr.decode() and len(done.stderr.decode().strip().splitlines()) == 1
    fine = run_json(ws)
    assert fine["light"] == "red" and fine["not_recorded"] is None


def test_a_full_disk_is_named_as_such_and_status_and_log_still_show_the_progress(full_disk):
    """A real full disk (a small tmpfs): commands that must write say "no space left", not "busy
    or read-only ... try again"; status and log, which only read, still work."""
    assert tddkit("init", "ws", cwd=full_disk).returncode == 0
    ws = full_disk / "ws"
    assert tddkit("run", KATA, cwd=ws).returncode == 1  # the stub is RED: one run recorded
    fill(full_disk)
    for command in (("status",), ("log",), ("log", "--json")):
        done = tddkit(*command, cwd=ws)
        assert done.returncode == 0 and b"Traceback" not in done.stderr, (command, done.stderr.decode())
        assert KATA in done.stdout.decode() and "red" in done.stdout.decode().lower(), done.stdout.decode()
    for command in (("hint",), ("run", KATA)):
        done = tddkit(*command, cwd=ws)
        err = done.stderr.decode()
        assert done.returncode == 2 and b"Traceback" not in done.stderr and len(err.strip().splitlines()) == 1, err
        assert "no space left" in err.lower() and "busy" not in err, err
    (full_disk / "filler").unlink()
    assert_intact(ws, STUB, runs=1)
