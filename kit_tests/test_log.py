"""`tddkit log`: the traffic-light history of a learner's runs and the rhythm summary."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from conftest import tddkit, write_reference


def record(ws, rows) -> None:
    """Put runs into the workspace's state as a session would have left them: (at, kata, light, passed, total)."""
    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        for at, kata, light, passed, total in rows:
            db.execute("INSERT INTO runs (at, kata, light, passed, total, reason, tests) VALUES (?, ?, ?, ?, ?, ?, '[]')",
                       (at, kata, light, passed, total, "a reason" if light == "amber" else None))


def test_log_shows_a_scripted_session_in_order_with_its_rhythm(workspace):
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 1  # the stub: RED
    (workspace / "katas" / "sincostan.py").write_text("def sincostan(:\n")
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 3  # AMBER
    write_reference(workspace)
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 0  # GREEN

    done = tddkit("log", "--json", cwd=workspace)
    assert done.returncode == 0, done.stderr
    log = json.loads(done.stdout)
    runs = log["runs"]
    assert [r["light"] for r in runs] == ["red", "amber", "green"]
    assert all(r["kata"] == "sincostan" for r in runs) and runs[0]["passed"] == 0 < runs[2]["passed"] == runs[2]["total"]
    assert "SyntaxError" in runs[1]["reason"]
    assert log["rhythm"] == {
        "runs": 3, "green": 1, "red": 1, "amber": 1, "red_green_cycles": 1,
        "longest_red_seconds": runs[2]["at"] - runs[0]["at"], "longest_red_kata": "sincostan",
        "step_red_green_cycles": 14,  # every step was red on the stub, and turned green at once
        "red_green_cycles_per_step": [{"kata": "sincostan", "step": n, "cycles": 1} for n in range(1, 15)],
    }

    text = tddkit("log", cwd=workspace)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert [l.split()[3] for l in lines[:3]] == ["[x]", "[!]", "[ok]"] and "RED" in lines[0] and "GREEN" in lines[2]
    assert "0/" in lines[0] and "SyntaxError" in lines[1]
    assert lines[-3].startswith("Rhythm: 3 runs, 1 red->green cycle(s)") and "1 AMBER" in lines[-3]
    assert lines[-2:] == ["Red->green cycles per step (14 in all):", "  sincostan    steps 1-14: 1"]


def test_rhythm_counts_cycles_the_longest_red_stretch_and_ambers(workspace):
    record(workspace, [
        (1000.0, "sincostan", "red", 0, 10), (1060.0, "sincostan", "red", 3, 10),
        (1100.0, "sincostan", "green", 10, 10),               # red for 100 s: cycle 1
        (1110.0, "sincostan", "amber", 0, 10), (1200.0, "sincostan", "red", 9, 10),
        (1230.0, "sincostan", "green", 10, 10),               # red for 30 s: cycle 2
        (1300.0, "mro", "red", 0, 9), (1350.0, "mro", "amber", 0, 9),
        (1450.0, "mro", "red", 4, 9),                          # still red: 150 s so far
    ])
    log = json.loads(tddkit("log", "--json", cwd=workspace).stdout)
    assert log["rhythm"] == {"runs": 9, "green": 2, "red": 5, "amber": 2, "red_green_cycles": 2,
                             "longest_red_seconds": 150.0, "longest_red_kata": "mro",
                             "step_red_green_cycles": 0, "red_green_cycles_per_step": []}  # runs without tests
    only = json.loads(tddkit("log", "sincostan", "--json", cwd=workspace).stdout)
    assert len(only["runs"]) == 6 and only["rhythm"]["longest_red_seconds"] == 100.0
    text = tddkit("log", cwd=workspace).stdout
    assert "longest time red 2 min 30 s (mro)" in text and "2 red->green cycle(s)" in text


def test_log_of_no_runs_says_how_to_start(workspace):
    done = tddkit("log", cwd=workspace)
    assert done.returncode == 0 and "No runs yet" in done.stdout
    assert json.loads(tddkit("log", "--json", cwd=workspace).stdout)["rhythm"]["runs"] == 0


def test_log_bad_input_is_a_one_line_error(workspace, tmp_path):
    unknown = tddkit("log", "sincostn", cwd=workspace)
    assert unknown.returncode == 2 and "did you mean 'sincostan'" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1
    outside = tddkit("log", cwd=tmp_path)
    assert outside.returncode == 2 and "tddkit init" in outside.stderr


def test_log_does_not_import_pytest(workspace):
    record(workspace, [(1000.0, "sincostan", "red", 0, 10)])
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tddkit", "log"], cwd=workspace,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "sincostan" in done.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "tddkit" in imported
    assert not imported & {"pytest", "_pytest", "hypothesis", "coverage", "watchdog"}
