"""The learner's own test files count: run with the kata they import, after its tests, in the
same test process; shown apart; a failing one is RED as plain pytest says; a broken one AMBER."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import tddkit, write_reference
from test_watch import Watch

MINE = "tests/test_mine.py"
FAILING = """\
from katas.sincostan import sincostan


def test_zero_has_a_sine_of_zero():
    assert sincostan(0).sin == 0


def test_my_wrong_idea():
    assert sincostan(0).cos == 2, "my own test, wrong on purpose"
"""
PASSING = """\
from katas import sincostan as kata


def test_zero():
    assert kata.sincostan(0).sin == 0
"""


def plain_pytest(ws: Path, *files: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=ws,
                          capture_output=True, text=True, timeout=120)


def run_json(ws: Path) -> tuple[int, dict]:
    done = tddkit("run", "sincostan", "--json", cwd=ws)
    return done.returncode, json.loads(done.stdout)


def test_an_own_failing_test_makes_the_run_red_as_plain_pytest_does(workspace):
    write_reference(workspace)
    (workspace / MINE).write_text(FAILING)
    shown = tddkit("run", "sincostan", cwd=workspace)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    summary = shown.stdout.splitlines()[0]
    assert "RED" in summary and re.search(r"(\d+)/\1 tests passed", summary), "the kata's tests all pass"
    assert "your tests: 1 passed, 1 failed" in shown.stdout
    assert "test_my_wrong_idea" in shown.stdout and "wrong on purpose" in shown.stdout
    assert f"Edit katas/sincostan.py or {MINE}" in shown.stdout
    assert not (workspace / "solutions" / "sincostan.py").exists()

    plain = plain_pytest(workspace, "tests/test_sincostan.py", MINE)
    assert plain.returncode == 1 and "1 failed" in plain.stdout, plain.stdout


def test_an_own_passing_test_keeps_the_reference_green_and_unlocks(workspace):
    """... and a test file that imports another kata's module does not join this kata's run."""
    write_reference(workspace)
    (workspace / MINE).write_text(PASSING)
    (workspace / "tests" / "test_my_mro.py").write_text(
        "from katas.mro import Boat\n\n\ndef test_fails():\n    assert False\n")
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "your tests: 1 passed\n" in done.stdout
    assert (workspace / "solutions" / "sincostan.py").exists(), "an added test file is not tampering"


def test_an_own_test_file_that_does_not_parse_is_amber_naming_it(workspace):
    write_reference(workspace)
    (workspace / MINE).write_text("from katas.sincostan import sincostan\n\ndef test_x(:\n    pass\n")
    code, run = run_json(workspace)
    assert (code, run["light"]) == (3, "amber"), run
    assert MINE in run["reason"], run["reason"]


def test_new_test_writes_a_starter_that_runs_and_never_overwrites(workspace):
    write_reference(workspace)
    done = tddkit("new-test", "sincostan", cwd=workspace)
    assert done.returncode == 0, done.stderr
    starter = workspace / "tests" / "test_my_sincostan.py"
    assert "tests/test_my_sincostan.py" in done.stdout and "from katas import sincostan" in starter.read_text()
    code, run = run_json(workspace)
    assert (code, run["light"]) == (0, "green")
    assert run["your_tests"]["passed"] == run["your_tests"]["total"] == 1

    starter.write_text(PASSING)
    again = tddkit("new-test", "sincostan", cwd=workspace)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1, again.stderr
    assert "Traceback" not in again.stderr and starter.read_text() == PASSING


def test_watch_gives_the_same_light_with_own_tests(workspace):
    """A test file made while watch runs joins the next run (not the test process prepared before it)."""
    write_reference(workspace)
    watch = Watch(workspace)
    green = watch.verdict()
    assert green["light"] == "green" and green["your_tests"]["total"] == 0
    (workspace / MINE).write_text(FAILING)
    red = watch.verdict()
    assert red["light"] == "red" and (red["your_tests"]["passed"], red["your_tests"]["failed"]) == (1, 1)
    assert red["passed"] == red["total"] == green["total"]
    assert watch.stop() == 0


def test_when_the_kata_fails_too_its_first_failure_comes_first(workspace):
    (workspace / MINE).write_text(FAILING)  # on the stub: the kata's tests fail, and so do these
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 1
    assert "your own test" not in done.stdout and "your tests: 2 failed" in done.stdout
    shown = done.stdout.split("  test  ")[1]
    assert shown.startswith("tests/test_sincostan.py::"), "the kata's step comes before the learner's tests"


def test_the_imports_that_tie_a_file_to_a_kata():
    from tddkit.own_tests import imported_modules

    assert imported_modules("import katas.mro as m\nfrom katas.sincostan import sincostan\n") == {"mro", "sincostan"}
    assert imported_modules("from katas import (greetings,\n    transport as t)\n") == {"greetings", "transport"}
    assert imported_modules("from . import katas\nimport katasx\nfrom katas_other import y\n") == set()
    assert imported_modules("def f():\n    import katas.venv\n") == {"venv"}, "an import inside a test counts"
    by_name = 'PKG = "katas.greetings"\nimportlib.import_module(PKG + ".loader")\n'
    assert imported_modules(by_name) == {"greetings"}, "a module imported by its name in a string (importlib)"
    assert imported_modules('"katas"\n"katas.greetings is a package"\n"katas/mro.py"\n') == set()
    broken = "from katas import mro, sincostan\nimport katas.venv\n\ndef test_x(:\n"
    assert imported_modules(broken) == {"mro", "sincostan", "venv"}, "a file that does not parse: from its text"
