"""Robustness: learner code that loops, sleeps, forks, exits, crashes, floods its output or eats
memory, at import time or inside a test. Every case ends in the right light with a clear reason,
no process left behind, the state store intact and the learner's file untouched.

Each hostile line sits beside a correct sincostan, so that without the protection the run would
be GREEN. Timeout cases go through the Python API with a 2 s limit (the catalogue's is 10 s).
"""

from __future__ import annotations

import json
import sys

import pytest
from robust_support import (KATA, REFERENCE, REPO, alive, assert_intact, expected_ids, in_first_call,  # noqa: F401
                            not_unlocked, robust_template, run_json, tddkit, with_reference, write_learner, ws)

from tddkit import light, runner

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to see which processes are still alive")


def run_api(ws, expected, timeout=2.0):
    raw = runner.run_tests(ws, ["tests/test_sincostan.py"], timeout)
    return light.decide(KATA, expected, raw)


def pids_in(path):
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# -- loops and sleeps: a timeout, AMBER, and the runner keeps going ------------------------------

def test_an_endless_loop_at_import_times_out_amber(ws, expected_ids):
    mine = write_learner(ws, with_reference("while True:\n    pass\n"))
    v = run_api(ws, expected_ids)
    assert v.light == "amber" and v.reason == "timed out after 2 s while importing the tests"
    assert_intact(ws, mine)


def test_sleeping_forever_inside_a_test_times_out_naming_the_test(ws, expected_ids):
    mine = write_learner(ws, in_first_call("import time\ntime.sleep(10**6)\n"))
    v = run_api(ws, expected_ids)
    assert v.light == "amber" and v.reason == "timed out after 2 s during test_zero[int]"
    assert_intact(ws, mine)


@linux_only
def test_children_in_the_same_process_group_are_killed_on_timeout(ws, expected_ids, tmp_path):
    pidfile = tmp_path / "pids"
    mine = write_learner(ws, in_first_call(f"""
        import subprocess, time
        kid = subprocess.Popen([_sys.executable, "-c", "import time; time.sleep(10**6)"])
        open({str(pidfile)!r}, "w").write(str(kid.pid))
        time.sleep(10**6)
        """))
    v = run_api(ws, expected_ids)
    assert v.light == "amber" and v.reason.startswith("timed out")
    assert pids_in(pidfile) and not any(alive(p) for p in pids_in(pidfile))
    assert_intact(ws, mine)


@linux_only
def test_children_that_call_setsid_are_killed_on_timeout(ws, expected_ids, tmp_path):
    pidfile = tmp_path / "pids"
    mine = write_learner(ws, in_first_call(f"""
        import os, time
        if os.fork() == 0:          # a daemon: new session, double fork, away from the process group
            os.setsid()
            if os.fork() == 0:
                open({str(pidfile)!r}, "w").write(str(os.getpid()))
                while True:
                    time.sleep(1)
            os._exit(0)
        time.sleep(10**6)
        """))
    v = run_api(ws, expected_ids)
    assert v.light == "amber" and v.reason.startswith("timed out")
    assert pids_in(pidfile), "the daemon started"
    assert not alive(pids_in(pidfile)[0]), "the setsid daemon outlived the run"
    assert_intact(ws, mine)


@linux_only
def test_a_setsid_daemon_left_by_a_run_that_ended_is_killed(ws, tmp_path):
    pidfile = tmp_path / "pids"
    mine = write_learner(ws, with_reference(f"""
        import subprocess as _sp
        _kid = _sp.Popen([sys.executable, "-c", "import time; time.sleep(10**6)"], start_new_session=True)
        open({str(pidfile)!r}, "w").write(str(_kid.pid))
        import no_such_module_here
        """))
    result = run_json(ws)
    assert result["light"] == "amber" and "no_such_module_here" in result["reason"]
    assert pids_in(pidfile) and not alive(pids_in(pidfile)[0])
    assert_intact(ws, mine, runs=1)


# -- exits and crashes: AMBER with the reason, never GREEN ---------------------------------------

@pytest.mark.parametrize("hostile, reason", [
    ("sys.exit(0)\n", "SystemExit"),
    ("import os\nos._exit(0)\n", "exited (status 0) while importing the tests"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "crashed (SIGKILL) while importing the tests"),
    ("import ctypes\nctypes.string_at(0)\n", "crashed (SIGSEGV) while importing the tests"),
    ("raise KeyboardInterrupt\n", "KeyboardInterrupt"),
], ids=["sys.exit", "os._exit", "SIGKILL", "segfault", "KeyboardInterrupt"])
def test_exits_and_crashes_at_import_are_amber(ws, hostile, reason):
    mine = write_learner(ws, with_reference(hostile))
    result = run_json(ws)
    assert result["light"] == "amber" and reason in result["reason"], result["reason"]
    assert result["unlocked"] is False and not_unlocked(ws)
    assert_intact(ws, mine, runs=1)


@pytest.mark.parametrize("hostile, reason", [
    ("import os\nos._exit(0)\n", "exited (status 0) during test_zero[int]"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "crashed (SIGKILL) during test_zero[int]"),
    ("import ctypes\nctypes.string_at(0)\n", "crashed (SIGSEGV) during test_zero[int]"),
    ("raise KeyboardInterrupt\n", "interrupted (KeyboardInterrupt) during test_zero[int]"),
], ids=["os._exit", "SIGKILL", "segfault", "KeyboardInterrupt"])
def test_exits_and_crashes_inside_a_test_are_amber_naming_the_test(ws, hostile, reason):
    mine = write_learner(ws, in_first_call(hostile))
    result = run_json(ws)
    assert result["light"] == "amber" and reason in result["reason"], result["reason"]
    assert not_unlocked(ws)
    assert_intact(ws, mine, runs=1)


def test_system_exit_raised_inside_a_test_fails_that_test(ws):
    mine = write_learner(ws, in_first_call("_sys.exit(0)\n"))
    result = run_json(ws)
    assert result["light"] == "red"
    first = result["tests"][0]
    assert first["outcome"] == "failed" and "SystemExit" in first["message"]
    assert not_unlocked(ws)
    assert_intact(ws, mine, runs=1)


# -- memory ----------------------------------------------------------------------------------

# 4 GiB, 64 MiB at a time: over the test process's limit. bytes(n) is calloc'd, so without the
# limit this costs address space, not the machine's memory, and the run would be GREEN.
HOG = """
_hog = []
for _ in range(64):
    _hog.append(bytes(64 * 2**20))
del _hog
"""


def test_memory_without_bound_at_import_is_amber_out_of_memory(ws):
    mine = write_learner(ws, with_reference(HOG))
    result = run_json(ws)
    assert result["light"] == "amber" and result["reason"] == "ran out of memory"
    assert_intact(ws, mine, runs=1)


def test_memory_without_bound_inside_a_test_is_amber_out_of_memory(ws):
    mine = write_learner(ws, in_first_call(HOG))
    result = run_json(ws)
    assert result["light"] == "amber" and result["reason"] == "ran out of memory"
    assert_intact(ws, mine, runs=1)


# -- output: megabytes, invalid UTF-8, control characters ---------------------------------------

FLOOD = """
import os as _os
_sys.stdout.write("out" * 2_000_000)       # 6 MB to stdout, 6 MB to stderr
_sys.stderr.write("err" * 2_000_000)
_os.write(1, b"\\xff\\xfe invalid UTF-8 \\xc3")
_os.write(2, b"\\xed\\xa0\\x80 a surrogate in UTF-8")
"""


def test_megabytes_of_output_and_invalid_utf8_still_give_the_right_light(ws):
    mine = write_learner(ws, in_first_call(FLOOD))
    done = tddkit("run", KATA, cwd=ws)
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout.decode("utf-8")           # the kit's own output is valid UTF-8 ...
    assert "GREEN" in text and len(done.stdout) < 20_000  # ... and short
    assert b"Traceback" not in done.stderr
    assert_intact(ws, mine, runs=1)


def test_a_huge_failure_message_with_invalid_characters_is_cut_and_shown_safely(ws):
    # A wrong answer whose repr is 300 kB long, holds a lone surrogate (not encodable as UTF-8)
    # and terminal escape codes (which must not reach the learner's terminal as codes).
    mine = write_learner(ws, REFERENCE + """
class _Loud(float):
    def __repr__(self):
        return "\\udcff\\x1b[2J\\x1b]0;pwned\\x07" + "9" * 300_000

_right = sincostan

def sincostan(angle, *, degrees=False):
    s, c, t = _right(angle, degrees=degrees)
    return SinCosTan(_Loud(s + 1.0), c, t)
""")
    done = tddkit("run", KATA, cwd=ws)
    assert done.returncode == 1, done.stderr[-2000:]
    text = done.stdout.decode("utf-8")
    assert "RED" in text and b"Traceback" not in done.stderr
    assert "\x1b" not in text and "\x07" not in text, "escape codes from learner output reached the terminal"
    assert len(done.stdout) < 20_000
    result = run_json(ws)
    assert result["light"] == "red"
    assert all(len(t["message"]) < 10_000 for t in result["tests"])
    assert_intact(ws, mine, runs=2)
