"""A learner's first hour (issue 16): what a new user met, each as a real `tddkit` in a real workspace.

An ASCII terminal, a pipe closed early, stale state after a reset or before any run, and the
rough edges of the command line: never a traceback, always the light's exit status.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys

from conftest import tddkit, watch_lines, write_reference

from tddkit import catalogue, lessons

SINCOSTAN = catalogue.find("sincostan")

# Right at steps 1 and 2 (zero, the known angles), wrong far from zero: the first failing step
# is step 3, whose title is "Property: sin² + cos² = 1".
AT_STEP_3 = """\
import math
from typing import NamedTuple


class SinCosTan(NamedTuple):
    sin: float
    cos: float
    tan: float


def sincostan(angle, *, degrees=False):
    if abs(angle) > 10:
        return SinCosTan(1.0, 1.0, 1.0)
    angle = float(angle)
    return SinCosTan(math.sin(angle), math.cos(angle), math.tan(angle))
"""
ASCII_TERMINAL = {"PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}
WAIT = 60.0


def at_step_3(ws):
    (ws / "katas" / "sincostan.py").write_text(AT_STEP_3)


# -- 1. an ASCII terminal ---------------------------------------------------------------------

def test_run_next_and_hint_on_an_ascii_terminal_replace_what_it_cannot_show(workspace):
    at_step_3(workspace)
    for command, status in ((["run"], 1), (["next"], 1), (["hint"], 0)):
        done = tddkit(*command, cwd=workspace, env=ASCII_TERMINAL)
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        assert done.returncode == status, (command, done.stderr)
    assert "Step 3/" in tddkit("run", cwd=workspace, env=ASCII_TERMINAL).stdout
    hint = tddkit("hint", cwd=workspace, env=ASCII_TERMINAL).stdout
    assert "Hint 2/" in hint and "sin? + cos? = 1" in hint, "the hint shown counts once, '²' shown as '?'"


def test_watch_on_an_ascii_terminal_shows_the_verdict_and_keeps_watching(workspace):
    at_step_3(workspace)
    proc, lines = watch_lines(workspace, "sincostan", "--no-keys", env=ASCII_TERMINAL)
    try:
        while (line := lines.get(timeout=WAIT)) is not None and "Step 3/" not in line:
            pass
        assert line is not None and "sin? + cos? = 1" in line, proc.stderr.read() if proc.poll() is not None else ""
        assert proc.poll() is None, "still watching after the verdict"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    assert "Traceback" not in proc.stderr.read()


# -- 2. a pipe closed early ---------------------------------------------------------------------

def status_through_a_closed_pipe(ws, command: str) -> tuple[int, str]:
    """`tddkit COMMAND | true`: `true` reads nothing, so the pipe is closed before tddkit writes;
    the same status whether stdout is buffered or not (PYTHONUNBUFFERED)."""
    seen = set()
    for unbuffered in ("", "1"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_") and k != "PYTHONUNBUFFERED"}
        env |= {"PYTHONUNBUFFERED": unbuffered} if unbuffered else {}
        done = subprocess.run(["bash", "-c", f'"$0" -m tddkit {command} | true; echo "${{PIPESTATUS[0]}}"',
                               sys.executable], cwd=ws, env=env, capture_output=True, text=True, timeout=120)
        seen.add((int(done.stdout.split()[-1]), done.stderr))
    assert len(seen) == 1, seen
    return seen.pop()


def test_a_closed_pipe_keeps_the_light_s_exit_status(workspace):
    for command, light in (("run sincostan", 1), ("run sincostan --json", 1), ("next", 1)):
        assert status_through_a_closed_pipe(workspace, command) == (light, ""), command
    (workspace / "katas" / "sincostan.py").write_text("raise SystemExit('stop')\n")
    for command in ("run sincostan", "run sincostan --json"):
        assert status_through_a_closed_pipe(workspace, command) == (3, ""), command
    assert status_through_a_closed_pipe(workspace, "status") == (0, "")


def test_watch_ends_when_its_reader_goes_away(workspace):
    # It would otherwise watch for nobody; it has no light to keep (a stopped watch exits 0).
    assert status_through_a_closed_pipe(workspace, "watch sincostan --no-keys") == (0, "")
    assert status_through_a_closed_pipe(workspace, "watch sincostan --jsonl --no-keys") == (0, "")


# -- 3. stale state after a reset, and hints before any run -------------------------------------

def sincostan_row(ws) -> dict:
    rows = json.loads(tddkit("status", "--json", cwd=ws).stdout)
    return next(r for r in rows if r["kata"] == "sincostan")


def test_after_a_reset_status_shows_the_kata_as_not_run_since(workspace):
    write_reference(workspace)
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 0
    assert tddkit("reset", "sincostan", cwd=workspace).returncode == 0
    row = sincostan_row(workspace)
    assert (row["light"], row["passed"], row["unlocked"]) == (None, 0, True), "not run since; the unlock was earned"
    table = tddkit("status", cwd=workspace).stdout
    assert re.search(r"> sincostan\s+-\s+0/", table), table
    assert "Step 1/" in tddkit("next", cwd=workspace).stdout, "the reset kata is the current one again"
    assert len(tddkit("log", "--json", cwd=workspace).stdout) > 2, "the history keeps the runs"
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 1
    assert sincostan_row(workspace)["light"] == "red"


def test_a_hint_before_any_run_runs_the_kata_for_its_step(workspace):
    at_step_3(workspace)
    step3 = SINCOSTAN.step(3)
    done = tddkit("hint", cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert f"Hint 1/{len(step3.hints)} for sincostan step 3" in done.stdout and step3.hints[0] in done.stdout
    assert "RED" in done.stdout, "says it ran the tests, and their light"
    with sqlite3.connect(workspace / ".tddkit" / "state.db") as db:
        assert db.execute("SELECT step, shown FROM hints").fetchall() == [(3, 1)], "step 1's hints are not used up"


def test_a_hint_after_an_edit_runs_again_and_a_fresh_run_is_read_not_repeated(workspace):
    at_step_3(workspace)
    assert tddkit("run", cwd=workspace).returncode == 1
    fresh = subprocess.run([sys.executable, "-X", "importtime", "-m", "tddkit", "hint"], cwd=workspace,
                           capture_output=True, text=True, timeout=60)
    assert "for sincostan step 3" in fresh.stdout and "RED" not in fresh.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in fresh.stderr.splitlines() if "|" in line}
    assert not imported & {"pytest", "_pytest", "hypothesis"}, "a fresh run is read from state"
    (workspace / "katas" / "sincostan.py").write_text("# starting over\n")
    edited = tddkit("hint", cwd=workspace)
    assert "AMBER" in edited.stdout and "for sincostan step 3" not in edited.stdout


# -- 4. a workspace whose .tddkit/ is gone -------------------------------------------------------

def test_a_workspace_without_its_tddkit_folder_is_named_and_repaired_with_katas_untouched(workspace):
    at_step_3(workspace)
    mine = {p: p.read_bytes() for p in (workspace / "katas").rglob("*") if p.is_file()}
    shutil.rmtree(workspace / ".tddkit")
    (workspace / "lessons" / "mro.md").unlink()
    for command, cwd in ((["status"], workspace), (["run"], workspace / "katas"), (["init", "."], workspace)):
        done = tddkit(*command, cwd=cwd)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (command, done.stderr)
        assert len(done.stderr.splitlines()) == 1 and "`tddkit init --repair" in done.stderr, (command, done.stderr)
    repaired = tddkit("init", "--repair", cwd=workspace)
    assert repaired.returncode == 0 and "lessons/mro.md" in repaired.stdout, repaired.stderr
    assert {p: p.read_bytes() for p in (workspace / "katas").rglob("*") if p.is_file()} == mine
    assert (workspace / "lessons" / "mro.md").read_text() == lessons.learner_copy(catalogue.find("mro"))
    assert "Step 3/" in tddkit("run", cwd=workspace).stdout, "a workspace again, the learner's code as it was"
    again = tddkit("init", "--repair", cwd=workspace)
    assert again.returncode == 2 and "nothing to repair" in again.stderr


def test_repair_refuses_a_folder_that_is_no_workspace(tmp_path):
    done = tddkit("init", "--repair", cwd=tmp_path)
    assert done.returncode == 2 and "does not look like a tddkit workspace" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_inside_a_workspace_names_it_and_makes_nothing(workspace):
    for target, cwd in (("inner", workspace / "katas"), (str(workspace / "tests" / "new"), workspace.parent)):
        done = tddkit("init", target, cwd=cwd)
        assert done.returncode == 2 and done.stderr.splitlines() == [
            f"tddkit: {target} is inside the tddkit workspace {workspace}; nothing was changed (make a new one outside it)"]
    assert not (workspace / "katas" / "inner").exists() and not (workspace / "tests" / "new").exists()


# -- 6. the command line's rough edges ----------------------------------------------------------

def test_an_extra_argument_shows_the_command_s_own_usage(workspace):
    done = tddkit("run", "sincostan", "extra", cwd=workspace)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("usage: tddkit run ") and "unrecognized arguments: extra" in done.stderr


def test_with_json_an_error_is_json_too_with_the_same_exit_status(workspace, tmp_path):
    for command, cwd in ((("run", "--json", "nosuch"), workspace), (("status", "--json"), tmp_path),
                         (("log", "nosuch", "--json"), workspace)):
        done = tddkit(*command, cwd=cwd)
        assert done.returncode == 2, command
        error = json.loads(done.stdout)
        assert set(error) == {"error"} and error["error"] in done.stderr, command


def test_kata_s_help_lists_the_katas(tmp_path):
    names = ", ".join(catalogue.ids())
    for command in ("run", "next", "hint", "lesson", "solution", "reset", "watch", "coverage", "log"):
        shown = " ".join(tddkit(command, "--help", cwd=tmp_path).stdout.split())
        assert names in shown, command


def test_a_kata_name_in_another_case_is_suggested(workspace):
    for name, kata in (("MRO", "mro"), ("Sincostan", "sincostan"), ("TRANSPORT", "transport")):
        done = tddkit("run", name, cwd=workspace)
        assert done.returncode == 2 and f"did you mean '{kata}'?" in done.stderr, done.stderr


def test_solution_defaults_to_the_last_kata_unlocked_else_the_current_one(workspace):
    refused = tddkit("solution", cwd=workspace)
    assert refused.returncode == 1 and "the solution of sincostan is locked" in refused.stderr
    write_reference(workspace)
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 0
    shown = tddkit("solution", cwd=workspace)
    assert shown.returncode == 0 and "Reference solution of sincostan" in shown.stdout, shown.stderr


def test_lesson_needs_no_workspace(tmp_path):
    mro = tddkit("lesson", "mro", cwd=tmp_path)
    assert mro.returncode == 0 and catalogue.find("mro").lesson.strip() in mro.stdout, mro.stderr
    first = tddkit("lesson", cwd=tmp_path)
    assert first.returncode == 0 and "Kata 1/" in first.stdout, "the first kata's, with no workspace to say where you are"
    assert list(tmp_path.iterdir()) == []


def test_init_quotes_the_folder_for_the_shell(tmp_path):
    done = tddkit("init", "my katas é", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  cd 'my katas é'\n" in done.stdout
    assert "  cd plain\n" in tddkit("init", "plain", cwd=tmp_path).stdout
