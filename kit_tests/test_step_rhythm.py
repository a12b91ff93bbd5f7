"""Step-level rhythm (issue 16): a step that turns green is marked in `run` and `watch`, and
`tddkit log` counts red->green cycles per step.

A step is green in a run when every one of its tests passed; it turns green when it was not
green in the kata's last run that was not AMBER (before any run: the stub, red in every step).
"""

from __future__ import annotations

import json
import signal
import sqlite3

from conftest import tddkit, watch_lines
from test_first_hour import AT_STEP_3

from tddkit import catalogue

SINCOSTAN = catalogue.find("sincostan")
STEPS = len(SINCOSTAN.steps)
AT_STEP_3_GREEN = [1, 2, 4, 14]  # the steps every test of which passes on AT_STEP_3
WAIT = 60.0


def stored_tests(kata: str, green: set[int], steps: int, light: str = "red") -> list[dict]:
    """A run's tests as the kit stores them: two a step, both passed in the green steps."""
    outcome = (lambda s: "passed" if s in green else "failed") if light != "amber" else (lambda s: "not run")
    return [{"id": f"tests/test_{kata}.py::test_{s}_{i}", "step": s, "outcome": outcome(s), "message": "",
             "duration": 0.0} for s in range(1, steps + 1) for i in range(2)]


def record(ws, rows) -> None:
    """Runs as a session would have left them: (at, kata, light, green steps, steps)."""
    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        for at, kata, light, green, steps in rows:
            tests = stored_tests(kata, green, steps, light)
            passed = sum(t["outcome"] == "passed" for t in tests)
            db.execute("INSERT INTO runs (at, kata, light, passed, total, reason, tests) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (at, kata, light, passed, len(tests), "a reason" if light == "amber" else None,
                        json.dumps(tests)))


def test_run_marks_the_steps_that_turned_green_since_the_last_run_that_was_not_amber(workspace):
    # Step 1 was green in the last run that was not AMBER; the AMBER run after it says nothing of steps.
    record(workspace, [(1000.0, "sincostan", "red", {1}, STEPS), (1010.0, "sincostan", "amber", set(), STEPS)])
    (workspace / "katas" / "sincostan.py").write_text(AT_STEP_3)
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == f"[ok] Steps 2, 4 and 14 of {STEPS} GREEN", done.stdout
    again = tddkit("run", "sincostan", "--json", cwd=workspace)
    assert json.loads(again.stdout)["steps_turned_green"] == [], "green before, and still: nothing turned"


def test_one_step_turning_green_is_named_with_its_title(workspace):
    record(workspace, [(1000.0, "sincostan", "red", {1, 4, 14}, STEPS)])
    (workspace / "katas" / "sincostan.py").write_text(AT_STEP_3)
    shown = tddkit("run", "sincostan", cwd=workspace).stdout.splitlines()
    assert shown[1] == f"[ok] Step 2/{STEPS} GREEN: {SINCOSTAN.step(2).title}"


def test_watch_marks_the_steps_that_turned_green(workspace):
    # No run before: the stub is where the learner started, red in every step.
    (workspace / "katas" / "sincostan.py").write_text(AT_STEP_3)
    proc, lines = watch_lines(workspace, "sincostan", "--no-keys")
    try:
        seen = []  # up to the first failure's step of the run's own verdict (an early RED comes before it)
        while (line := lines.get(timeout=WAIT)) is not None and not ("Step 3/" in line and "tests passed" in "".join(seen)):
            seen.append(line.rstrip("\n"))
        assert line is not None, proc.stderr.read() if proc.poll() is not None else seen
        summary = next(i for i, l in enumerate(seen) if "RED" in l and "sincostan:" in l and "tests passed" in l)
        assert seen[summary + 1] == f"[ok] Steps 1-2, 4 and 14 of {STEPS} GREEN", seen
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)


def test_log_counts_red_green_cycles_per_step(workspace):
    record(workspace, [
        (1000.0, "sincostan", "red", set(), 3),
        (1010.0, "sincostan", "red", {1}, 3),        # step 1: cycle 1
        (1020.0, "sincostan", "amber", set(), 3),    # says nothing of the steps
        (1030.0, "sincostan", "red", {1}, 3),        # still green: no cycle
        (1040.0, "sincostan", "red", {2}, 3),        # step 1 broken again, step 2: cycle 1
        (1050.0, "sincostan", "green", {1, 2, 3}, 3),  # step 1: cycle 2, step 3: cycle 1
        (1060.0, "mro", "red", {1}, 9),              # the stub was red: step 1, cycle 1
    ])
    log = json.loads(tddkit("log", "--json", cwd=workspace).stdout)
    assert log["rhythm"]["step_red_green_cycles"] == 5
    assert log["rhythm"]["red_green_cycles_per_step"] == [
        {"kata": "sincostan", "step": 1, "cycles": 2}, {"kata": "sincostan", "step": 2, "cycles": 1},
        {"kata": "sincostan", "step": 3, "cycles": 1}, {"kata": "mro", "step": 1, "cycles": 1}]
    assert log["rhythm"]["red_green_cycles"] == 1, "of the kata as a whole, as before"
    text = tddkit("log", cwd=workspace).stdout.splitlines()
    assert text[-3:] == ["Red->green cycles per step (5 in all):",
                         "  sincostan    step 1: 2, steps 2-3: 1",
                         "  mro          step 1: 1"], text
    only = json.loads(tddkit("log", "mro", "--json", cwd=workspace).stdout)
    assert only["rhythm"]["red_green_cycles_per_step"] == [{"kata": "mro", "step": 1, "cycles": 1}]
