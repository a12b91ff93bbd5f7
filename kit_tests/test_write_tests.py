"""The "write the tests" mode (`tddkit write-tests KATA`): the learner's tests are graded, not their
code. They must pass on the reference solution, and each of the kata's mutants must fail at least
one of them; a mistake not caught yet is named by its kind, never by its code."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, SOLUTIONS, THREADS_OF, signal_a_thread_not_the_main_one, tddkit

from tddkit import catalogue, mutants

MINE = "tests/test_my_mro.py"

WRONG_ON_THE_REFERENCE = """\
from katas.mro import linearize


def test_a_line():
    assert linearize({"A": [], "B": ["A"]}, "B") == ["B", "A"]


def test_my_wrong_idea():
    assert linearize({"A": []}, "A") == ["A", "object"], "my idea of the MRO, wrong on purpose"
"""

ONE_GOOD_TEST = """\
from katas.mro import linearize


def test_a_class_without_bases():
    assert linearize({"A": []}, "A") == ["A"]
"""


def grade(ws: Path, *args: str) -> tuple[int, dict]:
    done = tddkit("write-tests", "mro", "--json", *args, cwd=ws)
    return done.returncode, json.loads(done.stdout)


def mro_kata():
    return catalogue.find("mro")


def mutant_code_lines(kata) -> set[str]:
    """Every line a mutant of the kata has that its reference has not: what must never be shown."""
    lines = set()
    for mutant in kata.mutants:
        for path, text in mutants.files(kata, mutant).items():
            reference = set((kata.root / path).read_text(encoding="utf-8").splitlines())
            lines |= {line.strip() for line in (text or "").splitlines()
                      if line.strip() not in reference and len(line.strip()) > 8}
    return lines


def test_the_first_call_writes_a_starter_that_passes_on_the_reference_and_catches_nothing(workspace):
    shown = tddkit("write-tests", "mro", cwd=workspace)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert (workspace / MINE).is_file()
    assert f"Wrote {MINE}" in shown.stdout
    kata = mro_kata()
    first = next(line for line in shown.stdout.splitlines() if line.endswith(f"caught 0/{len(kata.mutants)}"))
    assert "RED" in first and "1/1" in first and f"caught 0/{len(kata.mutants)}" in first, shown.stdout
    again = tddkit("write-tests", "mro", cwd=workspace)
    assert "Wrote" not in again.stdout and again.returncode == 1, "a second call grades the file it left"


def test_a_wrong_test_is_named_with_its_failure_on_the_reference(workspace):
    (workspace / MINE).write_text(WRONG_ON_THE_REFERENCE)
    shown = tddkit("write-tests", "mro", cwd=workspace)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert f"{MINE}::test_my_wrong_idea" in shown.stdout and "wrong on purpose" in shown.stdout
    assert "1/2" in shown.stdout, "one of the two passes on a correct solution"
    status, report = grade(workspace)
    assert report["light"] == "red" and report["wrong"] == [f"{MINE}::test_my_wrong_idea"]
    # The wrong test fails on every mutant too; that is no catch. The valid one catches what it catches.
    assert 0 < report["caught"] < report["mutants"] == len(mro_kata().mutants)


def test_tests_that_catch_every_mutant_are_green(workspace):
    # The kata's own tests catch every mutant (tddkit verify): as the learner's, they are GREEN.
    (workspace / MINE).write_text((REPO / "tests" / "test_mro.py").read_text())
    shown = tddkit("write-tests", "mro", cwd=workspace)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert "GREEN" in shown.stdout.splitlines()[0]
    status, report = grade(workspace)
    assert status == 0 and report["light"] == "green" and report["wrong"] == [] and report["missed"] == []
    assert report["caught"] == report["mutants"] == len(mro_kata().mutants)


def test_a_missed_mistake_is_named_by_its_kind_and_never_by_its_code(workspace):
    (workspace / MINE).write_text(ONE_GOOD_TEST)
    shown = tddkit("write-tests", "mro", cwd=workspace)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    status, report = grade(workspace)
    kata = mro_kata()
    assert report["light"] == "red" and report["caught"] >= 1
    assert len(report["missed"]) == report["mutants"] - report["caught"] > 0
    kinds = {m.kind for m in kata.mutants}
    assert set(report["missed"]) <= kinds and all(kind in shown.stdout for kind in report["missed"])
    seen = shown.stdout + shown.stderr + json.dumps(report)
    leaked = [line for line in mutant_code_lines(kata) if line in seen]
    assert leaked == [], "a mutant's code was shown"
    assert not any(m.name in seen for m in kata.mutants), "nor its name"


def test_a_test_file_that_does_not_load_is_amber_naming_it(workspace):
    (workspace / MINE).write_text(ONE_GOOD_TEST + "\ndef broken(:\n")
    shown = tddkit("write-tests", "mro", cwd=workspace)
    assert shown.returncode == 3, shown.stdout + shown.stderr
    assert "AMBER" in shown.stdout and MINE in shown.stdout


def test_the_mode_s_runs_are_recorded_apart_from_the_code_s(workspace):
    (workspace / MINE).write_text(ONE_GOOD_TEST)
    tddkit("write-tests", "mro", cwd=workspace)
    status = tddkit("status", cwd=workspace)
    row = next(line for line in status.stdout.splitlines() if " mro " in line).split()
    assert row[:2] == ["mro", "-"], "the code mode has not run"
    assert row[-4:-1] == ["write-tests", "RED", "caught"] and row[-1].endswith(f"/{len(mro_kata().mutants)}")
    listed = next(r for r in json.loads(tddkit("status", "--json", cwd=workspace).stdout) if r["kata"] == "mro")
    assert listed["light"] is None and listed["write_tests"]["light"] == "red"
    log = tddkit("log", "mro", "--json", cwd=workspace)
    logged = json.loads(log.stdout)
    assert logged["runs"] == [] and [r["light"] for r in logged["write_tests"]] == ["red"]
    assert "Write-tests mode" in tddkit("log", cwd=workspace).stdout


def plain_pytest_on_the_reference(ws: Path, kata: str, test_file: str) -> subprocess.CompletedProcess:
    """Plain pytest of the learner's file with the reference in place of their code."""
    shutil.copyfile(SOLUTIONS / f"{kata}.py", ws / "katas" / f"{kata}.py")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file], cwd=ws,
                          capture_output=True, text=True, timeout=120)


def test_plain_pytest_agrees_with_the_grade_on_the_reference(workspace):
    (workspace / MINE).write_text(WRONG_ON_THE_REFERENCE)
    assert grade(workspace)[1]["wrong"], "a wrong test"
    assert plain_pytest_on_the_reference(workspace, "mro", MINE).returncode == 1
    (workspace / MINE).write_text((REPO / "tests" / "test_mro.py").read_text())
    assert grade(workspace)[1]["light"] == "green"
    assert plain_pytest_on_the_reference(workspace, "mro", MINE).returncode == 0


@pytest.mark.skipif(not os.path.isdir(THREADS_OF.format("self")), reason="a thread's own id to send a signal to")
def test_a_stop_signal_that_lands_on_a_watcher_thread_still_ends_the_grading_watch(workspace):
    proc = subprocess.Popen([sys.executable, "-m", "tddkit", "write-tests", "mro", "--watch", "--json"], cwd=workspace,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(proc.stdout.readline())["light"] == "red", "the starter's grade"
        time.sleep(1)  # the grade's runs are over: nothing more will wake the watch
        signal_a_thread_not_the_main_one(proc.pid, signal.SIGTERM)
        status = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("the grading watch did not end within 10 s of a SIGTERM that landed on one of its threads")
    finally:
        proc.kill()
        proc.wait()
    assert status == 0
    assert "Traceback" not in proc.stderr.read()


def test_watch_grades_again_on_every_save_and_stops_cleanly(workspace):
    proc = subprocess.Popen([sys.executable, "-m", "tddkit", "write-tests", "mro", "--watch", "--json"], cwd=workspace,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [*map(lines.put, proc.stdout), lines.put(None)], daemon=True).start()
    try:
        started = json.loads(lines.get(timeout=60))
        assert started["light"] == "red" and started["caught"] == 0, "the starter catches nothing"
        (workspace / MINE).write_text(ONE_GOOD_TEST)
        some = json.loads(lines.get(timeout=60))
        assert some["light"] == "red" and 0 < some["caught"] < some["mutants"]
        assert some["verdict_at"] >= some["changed_at"]
        (workspace / MINE).write_text((REPO / "tests" / "test_mro.py").read_text())
        every = json.loads(lines.get(timeout=60))
        assert every["light"] == "green" and every["caught"] == every["mutants"]
        (workspace / "katas" / "mro.py").write_text("# the learner's code: not what is graded\n")
        (workspace / MINE).write_text("")  # an editor's save seen half done: for a moment, no tests
        time.sleep(2)
        (workspace / MINE).write_text((REPO / "tests" / "test_mro.py").read_text())  # the same tests again
        time.sleep(5)  # time enough for a needless grade of them to be shown
        (workspace / MINE).write_text(ONE_GOOD_TEST)
        again = json.loads(lines.get(timeout=60))
        assert again["light"] == "red", "files graded already are not graded again"
    finally:
        proc.terminate()
        time.sleep(0.05)
        proc.terminate()  # as `timeout` and `pkill -f` both send one: the second comes during the clean-up
        assert proc.wait(timeout=30) == 0
        assert "Traceback" not in proc.stderr.read()
    log = json.loads(tddkit("log", "mro", "--json", cwd=workspace).stdout)
    assert [g["light"] for g in log["write_tests"]] == ["red", "red", "green", "red"]
