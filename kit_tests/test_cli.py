"""End-to-end tests of the learner's commands: the real `tddkit` in real workspaces."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys

from conftest import REPO, tddkit, write_reference
from test_pager import on_a_terminal

from tddkit import catalogue

SINCOSTAN = catalogue.find("sincostan")
# The start of a learner's sincostan.py that the tests module can import from.
NAMED_TUPLE = ("from typing import NamedTuple\n"
               "SinCosTan = NamedTuple('SinCosTan', [('sin', float), ('cos', float), ('tan', float)])\n")


def test_init_makes_a_complete_workspace(tmp_path):
    done = tddkit("init", "my katas", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ws = tmp_path / "my katas"
    for kata in catalogue.load():
        for rel in (*kata.files, *kata.shipped):
            assert (ws / rel).exists() or not (REPO / rel).exists(), f"{rel} missing from the new workspace"
        for rel in kata.shipped:
            assert (ws / rel).read_bytes() == (REPO / rel).read_bytes()
        lesson = (ws / "lessons" / f"{kata.id}.md").read_text()
        assert lesson.startswith(f"# {kata.title}\n") and kata.lesson in lesson, "the lesson, for the editor"
        assert kata.steps[0].hints[0] not in lesson, "hints come one at a time, from `tddkit hint`"
    assert (ws / "pytest.ini").is_file() and (ws / "README.md").is_file()
    assert (ws / ".tddkit" / "state.db").is_file()
    assert list((ws / "solutions").iterdir()) == [], "no solution may be in a new workspace"
    assert "cd " in done.stdout and "tddkit next" in done.stdout


def test_plain_pytest_collects_every_kata_in_a_workspace(workspace):
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q"], cwd=workspace,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    for kata in catalogue.load():
        for rel in kata.tests:
            assert rel in done.stdout


def test_init_refuses_an_existing_workspace_and_changes_nothing(workspace):
    (workspace / "katas" / "sincostan.py").write_text("# my work\n")
    done = tddkit("init", ".", cwd=workspace)
    assert done.returncode == 2
    assert "already a tddkit workspace" in done.stderr and "Traceback" not in done.stderr
    assert (workspace / "katas" / "sincostan.py").read_text() == "# my work\n"


def test_init_refuses_a_folder_with_clashing_files(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    done = tddkit("init", ".", cwd=tmp_path)
    assert done.returncode == 2 and "pytest.ini" in done.stderr
    assert (tmp_path / "pytest.ini").read_text() == "[pytest]\n"
    assert not (tmp_path / ".tddkit").exists()


def test_commands_outside_a_workspace_say_how_to_make_one(tmp_path):
    for command in (["status"], ["next"], ["run", "sincostan"], ["hint"]):
        done = tddkit(*command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert "tddkit init" in done.stderr and "Traceback" not in done.stderr


def test_unknown_kata_suggests_the_nearest_name(workspace):
    done = tddkit("run", "sincostn", cwd=workspace)
    assert done.returncode == 2
    assert "unknown kata 'sincostn'" in done.stderr and "did you mean 'sincostan'" in done.stderr


def test_every_command_has_help(tmp_path):
    for command in ("init", "next", "lesson", "run", "status", "list", "hint", "solution", "reset", "verify",
                    "watch", "coverage", "log"):
        done = tddkit(command, "--help", cwd=tmp_path)
        assert done.returncode == 0 and "usage: tddkit" in done.stdout, command


def test_next_shows_the_lesson_once_then_step_1_red_with_its_test(workspace):
    first = tddkit("next", cwd=workspace)
    assert first.returncode == 1, first.stderr
    assert "Kata 1/" in first.stdout and SINCOSTAN.lesson.splitlines()[0] in first.stdout
    assert "RED" in first.stdout and "Step 1/" in first.stdout
    assert "def test_" in first.stdout, "the failing test's source is shown"
    assert "katas/sincostan.py" in first.stdout, "where to edit is named"
    second = tddkit(cwd=workspace)  # bare tddkit is next
    assert second.returncode == 1
    assert "Kata 1/" not in second.stdout and "Step 1/" in second.stdout


def test_next_kata_goes_to_that_kata_with_its_lesson(workspace):
    transport = catalogue.find("transport")
    done = tddkit("next", "transport", cwd=workspace)
    assert done.returncode == 1, done.stderr
    assert "Kata 4/" in done.stdout and transport.lesson.splitlines()[0] in done.stdout
    assert "transport: 0/" in done.stdout and "Step 1/" in done.stdout
    assert "sincostan" not in done.stdout.split("Kata 4/")[0], "not the current kata's lesson first"


def test_lesson_can_be_read_again_any_time_without_running_tests(workspace):
    tddkit("next", cwd=workspace)  # the first lesson, seen once
    again = tddkit("lesson", cwd=workspace)
    assert again.returncode == 0, again.stderr
    assert "Kata 1/" in again.stdout and SINCOSTAN.lesson.strip() in again.stdout
    assert "tests passed" not in again.stdout, "a lesson runs no tests"
    package = tddkit("lesson", "package", cwd=workspace)
    assert package.returncode == 0 and catalogue.find("package").lesson.strip() in package.stdout
    assert tddkit("lesson", "pakage", cwd=workspace).returncode == 2


def test_run_goes_red_then_green_and_unlocks_the_solution(workspace):
    red = tddkit("run", "sincostan", cwd=workspace)
    assert red.returncode == 1 and "RED" in red.stdout
    assert not (workspace / "solutions" / "sincostan.py").exists()
    write_reference(workspace)
    green = tddkit("run", "sincostan", cwd=workspace)
    assert green.returncode == 0, green.stdout + green.stderr
    assert "GREEN" in green.stdout and "Unlocked" in green.stdout
    assert (workspace / "solutions" / "sincostan.py").read_bytes() == (REPO / "solutions" / "sincostan.py").read_bytes()
    status = json.loads(tddkit("status", "--json", cwd=workspace).stdout)
    row = next(r for r in status if r["kata"] == "sincostan")
    assert row["light"] == "green" and row["unlocked"] is True and row["passed"] == row["total"] > 0
    table = tddkit("status", cwd=workspace).stdout
    assert "sincostan" in table and "unlocked" in table and "katas green" in table


def test_next_moves_on_to_the_second_kata_once_the_first_is_green(workspace):
    write_reference(workspace)
    done = tddkit("next", cwd=workspace)
    second = catalogue.load()[1]
    assert "sincostan is GREEN" in done.stdout
    assert f"Kata 2/{len(catalogue.load())}: {second.id}" in done.stdout


def test_a_syntax_error_is_amber_with_file_and_line(workspace):
    (workspace / "katas" / "sincostan.py").write_text("import math\n\ndef sincostan(angle:\n    pass\n")
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 3, done.stdout
    assert "AMBER" in done.stdout
    assert "katas/sincostan.py:3" in done.stdout and "SyntaxError" in done.stdout
    assert "Traceback" not in done.stdout


def test_an_endless_loop_is_amber_timed_out_and_the_runner_goes_on(workspace):
    source = (REPO / "solutions" / "sincostan.py").read_text()
    (workspace / "katas" / "sincostan.py").write_text(source + "\nwhile True:\n    pass\n")
    done = tddkit("run", "sincostan", "--json", cwd=workspace)
    result = json.loads(done.stdout)
    assert done.returncode == 3
    assert result["light"] == "amber" and result["reason"].startswith(f"timed out after {SINCOSTAN.timeout:g} s")
    assert tddkit("status", cwd=workspace).returncode == 0


def test_os_exit_0_in_the_middle_of_the_tests_is_never_green(workspace):
    source = (REPO / "solutions" / "sincostan.py").read_text()
    # Correct answers, except that one call ends the whole process with status 0.
    (workspace / "katas" / "sincostan.py").write_text(
        source + "\n\nimport os as _os\n_real = sincostan\n\n"
        "def sincostan(angle, *, degrees=False):\n"
        "    if angle == 30 and degrees:\n"
        "        _os._exit(0)\n"
        "    return _real(angle, degrees=degrees)\n"
    )
    result = json.loads(tddkit("run", "sincostan", "--json", cwd=workspace).stdout)
    assert result["light"] == "amber", result["reason"]
    assert "exited (status 0)" in result["reason"]
    assert not (workspace / "solutions" / "sincostan.py").exists()


def test_hints_come_one_at_a_time_and_are_remembered(workspace):
    step1 = SINCOSTAN.steps[0]
    assert len(step1.hints) >= 2, "the first step has progressive hints"
    first = tddkit("hint", cwd=workspace)
    assert first.returncode == 0 and step1.hints[0] in first.stdout and step1.hints[1] not in first.stdout
    second = tddkit("hint", "sincostan", cwd=workspace)
    assert step1.hints[1] in second.stdout and f"Hint 2/{len(step1.hints)}" in second.stdout
    for _ in range(len(step1.hints)):
        last = tddkit("hint", cwd=workspace)
    assert "last hint" in last.stdout and step1.hints[-1] in last.stdout


def test_hint_on_a_green_kata_says_it_is_done(workspace):
    write_reference(workspace)
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 0
    done = tddkit("hint", "sincostan", cwd=workspace)
    assert done.returncode == 0
    assert "sincostan is GREEN" in done.stdout and "Hint " not in done.stdout


def test_solution_is_refused_until_green_then_shown_with_a_diff(workspace):
    tddkit("run", "sincostan", cwd=workspace)
    refused = tddkit("solution", "sincostan", cwd=workspace)
    assert refused.returncode == 1
    assert "locked" in refused.stderr and "tests still red" in refused.stderr
    write_reference(workspace)
    # A different but still correct version, so that the diff has something to show.
    mine = workspace / "katas" / "sincostan.py"
    mine.write_text("# my own words\n" + mine.read_text())
    assert tddkit("run", "sincostan", cwd=workspace).returncode == 0
    shown = tddkit("solution", "sincostan", cwd=workspace, env={"PAGER": "head -n 1"})  # a pipe: no pager
    assert shown.returncode == 0
    assert "def sincostan" in shown.stdout and "-# my own words" in shown.stdout
    paged, status = on_a_terminal(workspace, "solution", PAGER="head -n 1")
    assert status == 0 and "Reference solution of sincostan" in paged and "def sincostan" not in paged


def test_solution_of_a_package_diffs_file_by_file(workspace):
    package = workspace / "katas" / "greetings"
    shutil.copytree(REPO / "solutions" / "greetings", package)
    (workspace / "katas" / "greetings.py").unlink()
    init = package / "__init__.py"
    init.write_text("# my own words\n" + init.read_text())
    assert tddkit("run", "package", cwd=workspace).returncode == 0
    shown = tddkit("solution", "package", cwd=workspace)
    assert shown.returncode == 0, shown.stderr
    assert "--- katas/greetings/__init__.py (yours)\n+++ solutions/greetings/__init__.py (reference)" in shown.stdout
    assert "-# my own words" in shown.stdout


def test_reset_restores_the_stub_and_keeps_a_backup(workspace):
    mine = workspace / "katas" / "sincostan.py"
    mine.write_text("# hours of my work\n")
    done = tddkit("reset", "sincostan", cwd=workspace)
    assert done.returncode == 0
    assert mine.read_bytes() == (REPO / "katas" / "sincostan.py").read_bytes()
    backups = list((workspace / ".tddkit" / "backups").glob("sincostan-*/katas/sincostan.py"))
    assert [b.read_text() for b in backups] == ["# hours of my work\n"]
    assert str(backups[0].parent.parent.relative_to(workspace)) in done.stdout


def test_changed_tests_block_the_unlock_until_restored(workspace):
    write_reference(workspace)
    test_file = workspace / SINCOSTAN.tests[0]
    test_file.write_text(test_file.read_text() + "\n# a harmless-looking change\n")
    tampered = json.loads(tddkit("run", "sincostan", "--json", cwd=workspace).stdout)
    assert tampered["light"] == "amber" and "reset sincostan --tests" in tampered["reason"]
    assert tampered["unlocked"] is False and not (workspace / "solutions" / "sincostan.py").exists()
    restored = tddkit("reset", "sincostan", "--tests", cwd=workspace)
    assert restored.returncode == 0 and "Restored the shipped tests" in restored.stdout
    assert list((workspace / ".tddkit" / "backups").glob("sincostan-*/tests/*.py"))
    green = json.loads(tddkit("run", "sincostan", "--json", cwd=workspace).stdout)
    assert green["light"] == "green" and green["unlocked"] is True


def test_run_json_has_the_documented_fields(workspace):
    done = tddkit("run", "sincostan", "--json", cwd=workspace)
    result = json.loads(done.stdout)
    assert {"kata", "light", "passed", "total", "reason", "unlocked", "tests"} <= set(result)
    assert result["kata"] == "sincostan" and result["light"] == "red" and result["reason"] is None
    assert result["passed"] == 0 and result["total"] == len(result["tests"]) > 0
    for test in result["tests"]:
        assert {"id", "step", "outcome", "message", "duration"} <= set(test)
        assert test["outcome"] == "failed" and isinstance(test["step"], int)


def test_a_group_of_failures_shows_the_first_one_not_just_their_count(workspace):
    # Hypothesis raises an ExceptionGroup when it finds several distinct failures; whose own
    # message ("found 2 distinct failures") tells the learner nothing about either.
    (workspace / "katas" / "sincostan.py").write_text(
        NAMED_TUPLE +
        "def sincostan(angle, *, degrees=False):\n"
        "    error = AssertionError('the first thing that went wrong')\n"
        "    error.add_note('Falsifying example: sincostan(angle=0)')\n"
        "    raise ExceptionGroup('found 2 distinct failures', [error, KeyError('the second')])\n")
    result = json.loads(tddkit("run", "sincostan", "--json", cwd=workspace).stdout)
    first = next(t for t in result["tests"] if t["id"].endswith("test_zero[int]"))
    assert first["outcome"] == "failed"
    assert "2 distinct failures" in first["message"]
    assert "AssertionError: the first thing that went wrong" in first["message"]
    assert "Falsifying example: sincostan(angle=0)" in first["message"]


def test_a_long_failure_is_cut_with_a_command_that_shows_all_of_it(workspace):
    lines = [f"line {n} of a long story" for n in range(1, 41)]
    (workspace / "katas" / "sincostan.py").write_text(
        NAMED_TUPLE +
        f"def sincostan(angle, *, degrees=False):\n    raise ValueError({chr(10).join(lines)!r})\n")
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 1 and "line 40 of" not in done.stdout
    command = re.search(r"more lines: `tddkit (run sincostan -v)` shows them all", done.stdout)
    assert command, done.stdout
    shown = tddkit(*command.group(1).split(), cwd=workspace)
    assert shown.returncode == 1 and "line 40 of a long story" in shown.stdout and "more lines" not in shown.stdout


def test_status_reads_state_without_importing_pytest_or_hypothesis(workspace):
    tddkit("run", "sincostan", cwd=workspace)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "tddkit", "status", "--json"],
                          cwd=workspace, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert "sincostan" in done.stdout
    assert not {m for m in imported if m.split(".")[0] in ("pytest", "_pytest", "hypothesis", "coverage")}


def test_every_run_is_recorded_in_the_history(workspace):
    tddkit("run", "sincostan", cwd=workspace)
    write_reference(workspace)
    tddkit("run", "sincostan", cwd=workspace)
    with sqlite3.connect(workspace / ".tddkit" / "state.db") as db:
        lights = [row[0] for row in db.execute("SELECT light FROM runs WHERE kata = 'sincostan' ORDER BY id")]
    assert lights == ["red", "green"]
