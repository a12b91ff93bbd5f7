"""Robustness: learner code that loops, sleeps, forks, exits, crashes, floods its output or eats
memory, at import time or inside a test. Every case ends in the right light with a clear reason,
no process left behind, the state store intact and the learner's file untouched.

Each hostile line sits beside a correct sincostan, so that without the protection the run would
be GREEN. Timeout cases go through the Python API with a 2 s limit (the catalogue's is 10 s).
The runs of the cases start together, a few at a time (Cases in robust_support.py); each test
checks its own.
"""

from __future__ import annotations

import sys

import pytest
from robust_support import (KATA, REFERENCE, Cases, alive, assert_intact, checked_json, expected_in,  # noqa: F401
                            in_first_call, not_unlocked, robust_template, selected_tests, tddkit, with_reference,
                            write_learner)

from tddkit import light, runner

CASES = Cases()
case = CASES.case
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads /proc to see which processes are still alive")


@pytest.fixture(scope="module")
def runs(robust_template, tmp_path_factory, request):
    return CASES.start(robust_template, tmp_path_factory.mktemp("hostile"), selected_tests(request))


def outcome(runs, name):
    """(workspace, what prepare gave back, the run's JSON) of a case run by the command line."""
    ws, back, done = runs[name].result()
    return ws, back, checked_json(done)


def run_api(ws, timeout=2.0):
    """The runner and the light through the Python API, with a short timeout."""
    raw = runner.run_tests(ws, ["tests/test_sincostan.py"], timeout)
    return light.decide(KATA, expected_in(ws), raw)


def pids_in(path):
    return [int(p) for p in path.read_text().split()] if path.exists() else []


# -- loops and sleeps: a timeout, AMBER, and the runner keeps going ------------------------------

@case("test_an_endless_loop_at_import_times_out_amber", run=run_api)
def _(ws):
    return write_learner(ws, with_reference("while True:\n    pass\n"))


def test_an_endless_loop_at_import_times_out_amber(runs):
    ws, mine, v = runs["test_an_endless_loop_at_import_times_out_amber"].result()
    assert v.light == "amber" and v.reason.startswith("timed out after 2 s while importing the tests; "
                                                      "your code was at katas/sincostan.py:"), v.reason
    assert v.stopped_at["source"] in ("while True:", "pass"), "the loop, at the module's top level"
    assert_intact(ws, mine)


@case("test_sleeping_forever_inside_a_test_times_out_naming_the_test", run=run_api)
def _(ws):
    return write_learner(ws, in_first_call("import time\ntime.sleep(10**6)\n"))


def test_sleeping_forever_inside_a_test_times_out_naming_the_test(runs):
    ws, mine, v = runs["test_sleeping_forever_inside_a_test_times_out_naming_the_test"].result()
    assert v.light == "amber" and v.reason.startswith("timed out after 2 s during test_zero[int]; "
                                                      "your code was at katas/sincostan.py:"), v.reason
    assert v.reason.endswith(": time.sleep(10**6)"), "stopped in a sleep, in C: its caller's line"
    assert_intact(ws, mine)


@case("test_children_in_the_same_process_group_are_killed_on_timeout", run=run_api)
def _(ws):
    pidfile = ws.parent / (ws.name + ".pids")
    return pidfile, write_learner(ws, in_first_call(f"""
        import subprocess, time
        kid = subprocess.Popen([_sys.executable, "-c", "import time; time.sleep(10**6)"])
        open({str(pidfile)!r}, "w").write(str(kid.pid))
        time.sleep(10**6)
        """))


@linux_only
def test_children_in_the_same_process_group_are_killed_on_timeout(runs):
    ws, (pidfile, mine), v = runs["test_children_in_the_same_process_group_are_killed_on_timeout"].result()
    assert v.light == "amber" and v.reason.startswith("timed out")
    assert pids_in(pidfile) and not any(alive(p) for p in pids_in(pidfile))
    assert_intact(ws, mine)


@case("test_children_that_call_setsid_are_killed_on_timeout", run=run_api)
def _(ws):
    pidfile = ws.parent / (ws.name + ".pids")
    return pidfile, write_learner(ws, in_first_call(f"""
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


@linux_only
def test_children_that_call_setsid_are_killed_on_timeout(runs):
    ws, (pidfile, mine), v = runs["test_children_that_call_setsid_are_killed_on_timeout"].result()
    assert v.light == "amber" and v.reason.startswith("timed out")
    assert pids_in(pidfile), "the daemon started"
    assert not alive(pids_in(pidfile)[0]), "the setsid daemon outlived the run"
    assert_intact(ws, mine)


@case("test_a_setsid_daemon_left_by_a_run_that_ended_is_killed")
def _(ws):
    pidfile = ws.parent / (ws.name + ".pids")
    return pidfile, write_learner(ws, with_reference(f"""
        import subprocess as _sp
        _kid = _sp.Popen([sys.executable, "-c", "import time; time.sleep(10**6)"], start_new_session=True)
        open({str(pidfile)!r}, "w").write(str(_kid.pid))
        import no_such_module_here
        """))


@linux_only
def test_a_setsid_daemon_left_by_a_run_that_ended_is_killed(runs):
    ws, (pidfile, mine), result = outcome(runs, "test_a_setsid_daemon_left_by_a_run_that_ended_is_killed")
    assert result["light"] == "amber" and "no_such_module_here" in result["reason"]
    assert pids_in(pidfile) and not alive(pids_in(pidfile)[0])
    assert_intact(ws, mine, runs=1)


# -- exits and crashes: AMBER with the reason, never GREEN ---------------------------------------

AT_IMPORT = {
    "sys.exit": ("sys.exit(0)\n", "SystemExit"),
    "os._exit": ("import os\nos._exit(0)\n", "exited (status 0) while importing the tests"),
    "SIGKILL": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "crashed (SIGKILL) while importing the tests"),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", "crashed (SIGSEGV) while importing the tests"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt\n", "interrupted (KeyboardInterrupt) while importing the tests"),
}
for _id, (_hostile, _) in AT_IMPORT.items():
    @case(f"test_exits_and_crashes_at_import_are_amber[{_id}]")
    def _(ws, hostile=_hostile):
        return write_learner(ws, with_reference(hostile))


@pytest.mark.parametrize("which", AT_IMPORT)
def test_exits_and_crashes_at_import_are_amber(runs, which):
    ws, mine, result = outcome(runs, f"test_exits_and_crashes_at_import_are_amber[{which}]")
    reason = AT_IMPORT[which][1]
    assert result["light"] == "amber" and reason in result["reason"], result["reason"]
    assert result["unlocked"] is False and not_unlocked(ws)
    assert_intact(ws, mine, runs=1)


IN_A_TEST = {
    "os._exit": ("import os\nos._exit(0)\n", "exited (status 0) during test_zero[int]"),
    "SIGKILL": ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n", "crashed (SIGKILL) during test_zero[int]"),
    "segfault": ("import ctypes\nctypes.string_at(0)\n", "crashed (SIGSEGV) during test_zero[int]"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt\n", "interrupted (KeyboardInterrupt) during test_zero[int]"),
}
for _id, (_hostile, _) in IN_A_TEST.items():
    @case(f"test_exits_and_crashes_inside_a_test_are_amber_naming_the_test[{_id}]")
    def _(ws, hostile=_hostile):
        return write_learner(ws, in_first_call(hostile))


@pytest.mark.parametrize("which", IN_A_TEST)
def test_exits_and_crashes_inside_a_test_are_amber_naming_the_test(runs, which):
    ws, mine, result = outcome(runs, f"test_exits_and_crashes_inside_a_test_are_amber_naming_the_test[{which}]")
    reason = IN_A_TEST[which][1]
    assert result["light"] == "amber" and reason in result["reason"], result["reason"]
    assert not_unlocked(ws)
    assert_intact(ws, mine, runs=1)


@case("test_system_exit_raised_inside_a_test_fails_that_test")
def _(ws):
    return write_learner(ws, in_first_call("_sys.exit(0)\n"))


def test_system_exit_raised_inside_a_test_fails_that_test(runs):
    ws, mine, result = outcome(runs, "test_system_exit_raised_inside_a_test_fails_that_test")
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


@case("test_memory_without_bound_at_import_is_amber_out_of_memory")
def _(ws):
    return write_learner(ws, with_reference(HOG))


def test_memory_without_bound_at_import_is_amber_out_of_memory(runs):
    ws, mine, result = outcome(runs, "test_memory_without_bound_at_import_is_amber_out_of_memory")
    assert result["light"] == "amber" and result["reason"] == "ran out of memory"
    assert_intact(ws, mine, runs=1)


@case("test_memory_without_bound_inside_a_test_is_amber_out_of_memory")
def _(ws):
    return write_learner(ws, in_first_call(HOG))


def test_memory_without_bound_inside_a_test_is_amber_out_of_memory(runs):
    ws, mine, result = outcome(runs, "test_memory_without_bound_inside_a_test_is_amber_out_of_memory")
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


@case("test_megabytes_of_output_and_invalid_utf8_still_give_the_right_light",
      run=lambda ws: tddkit("run", KATA, cwd=ws))
def _(ws):
    return write_learner(ws, in_first_call(FLOOD))


def test_megabytes_of_output_and_invalid_utf8_still_give_the_right_light(runs):
    ws, mine, done = runs["test_megabytes_of_output_and_invalid_utf8_still_give_the_right_light"].result()
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout.decode("utf-8")           # the kit's own output is valid UTF-8 ...
    assert "GREEN" in text and len(done.stdout) < 20_000  # ... and short
    assert b"Traceback" not in done.stderr
    assert_intact(ws, mine, runs=1)


# A wrong answer whose repr is 300 kB long, holds a lone surrogate (not encodable as UTF-8) and
# terminal escape codes (which must not reach the learner's terminal as codes).
LOUD = REFERENCE + """
class _Loud(float):
    def __repr__(self):
        return "\\udcff\\x1b[2J\\x1b]0;pwned\\x07" + "9" * 60_000  # six times what a message is cut to

_right = sincostan

def sincostan(angle, *, degrees=False):
    s, c, t = _right(angle, degrees=degrees)
    return SinCosTan(_Loud(s + 1.0), c, t)
"""


@case("test_a_huge_failure_message_with_invalid_characters_is_cut_and_shown_safely",
      run=lambda ws: (tddkit("run", KATA, cwd=ws), tddkit("run", KATA, "--json", cwd=ws)))
def _(ws):
    return write_learner(ws, LOUD)


def test_a_huge_failure_message_with_invalid_characters_is_cut_and_shown_safely(runs):
    ws, mine, (done, as_json) = runs["test_a_huge_failure_message_with_invalid_characters_is_cut_and_shown_safely"].result()
    assert done.returncode == 1, done.stderr[-2000:]
    text = done.stdout.decode("utf-8")
    assert "RED" in text and b"Traceback" not in done.stderr
    assert "\x1b" not in text and "\x07" not in text, "escape codes from learner output reached the terminal"
    assert len(done.stdout) < 20_000
    result = checked_json(as_json)
    assert result["light"] == "red"
    assert all(len(t["message"]) < 10_000 for t in result["tests"])
    assert_intact(ws, mine, runs=2)
