"""Naming the likely mistake on a RED (mistakes.py): the known mutant whose failing tests a run has.

End to end for every mutant of the package kata: its tests use no Hypothesis, so the learner's
run fails the same tests as verify's derandomized one, and the test cannot flake. For the katas
with Hypothesis, verify (test_verify.py) proves each caught_by exact; a learner's random run may
then miss the line, never show a wrong one. About 1.5 s a mutant.
"""

from __future__ import annotations

import json
import signal

import pytest
from conftest import tddkit, watch_lines

from tddkit import catalogue, content, light, mistakes, pack
from tddkit.catalogue import Kata, Mutant, Step

PACKAGE = catalogue.find("package")
WAIT = 60.0


def run_json(ws, kata: str, *extra: str) -> dict:
    done = tddkit("run", kata, "--json", *extra, cwd=ws)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return json.loads(done.stdout)


def mistakes_said(mutant: Mutant, kata: Kata = PACKAGE) -> list[str]:
    """The mistakes of the kata's mutants that fail what `mutant` fails: it, and any it cannot be
    told apart from."""
    return [m.mistake for m in kata.mutants if set(m.caught_by) == set(mutant.caught_by)]


@pytest.mark.parametrize("mutant", PACKAGE.mutants, ids=lambda m: m.name)
def test_a_mutant_put_in_place_is_red_and_named(workspace, mutant):
    content.install(PACKAGE, mutant.name, workspace)
    result = run_json(workspace, "package")
    assert result["light"] == light.RED
    assert mutant.mistake in result["known_mistakes"]
    assert result["known_mistakes"] == mistakes_said(mutant)


def test_a_red_that_no_mutant_fails_names_no_mistake(workspace):
    result = run_json(workspace, "sincostan")  # the stub: every test fails, as no mutant does
    assert result["light"] == light.RED and result["known_mistakes"] == []
    done = tddkit("run", "sincostan", cwd=workspace)
    assert done.returncode == 1 and "known mistake" not in done.stdout


def test_a_partial_run_names_no_mistake(workspace):
    mutant = next(m for m in PACKAGE.mutants if len(mistakes_said(m)) == 1)
    content.install(PACKAGE, mutant.name, workspace)
    result = run_json(workspace, "package", "-k", mutant.caught_by[0])
    assert result["light"] == light.RED and result["known_mistakes"] == []


def test_next_and_watch_say_the_mistake_under_the_first_failure(workspace):
    mutant = next(m for m in PACKAGE.mutants if len(mistakes_said(m)) == 1)
    content.install(PACKAGE, mutant.name, workspace)
    line = f"This looks like a known mistake: {mutant.mistake}"
    done = tddkit("next", "package", cwd=workspace)
    assert done.returncode == 1 and line in done.stdout, done.stdout + done.stderr
    assert done.stdout.index("test  tests/") < done.stdout.index(line)
    proc, lines = watch_lines(workspace, "package", "--no-keys")
    try:
        while (got := lines.get(timeout=WAIT)) is not None and line not in got:
            pass
        assert got is not None, proc.stderr.read() if proc.poll() is not None else ""
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    assert "Traceback" not in proc.stderr.read()


# -- the match itself, in process ---------------------------------------------------------------

def verdict(*outcomes: str, light_: str = light.RED, own: tuple[str, ...] = ()) -> light.Verdict:
    tests = [light.TestResult(id=f"tests/test_k.py::test_{i}[{p}]", step=1, outcome=o)
             for i, o in enumerate(outcomes) for p in (1, 2)]
    mine = [light.TestResult(id=f"tests/test_mine.py::test_{i}", step=None, outcome=o) for i, o in enumerate(own)]
    return light.Verdict("k", light_, sum(t.passed for t in tests), len(tests), None, tests, own=mine)


KATA = Kata(id="k", title="", files=("katas/k.py",), tests=("tests/test_k.py",), given=(), timeout=5, lesson="",
            steps=(Step(1, "one", ()),),
            mutants=(Mutant("one", "mistake one", ("test_0",)), Mutant("two", "mistake two", ("test_0", "test_1")),
                     Mutant("twin", "mistake twin", ("test_1", "test_0"))))


def test_only_the_exact_set_of_failing_tests_names_a_mistake():
    assert mistakes.known_mistakes(KATA, verdict("failed", "passed", "passed")) == ["mistake one"]
    assert mistakes.known_mistakes(KATA, verdict("failed", "failed", "failed")) == []  # more than any mutant
    assert mistakes.known_mistakes(KATA, verdict("passed", "failed", "passed")) == []  # fewer
    # Two mutants that fail the same tests cannot be told apart: both are named.
    assert mistakes.known_mistakes(KATA, verdict("failed", "failed", "passed")) == ["mistake two", "mistake twin"]


def test_a_test_that_catches_a_mutant_at_times_may_fail_or_not():
    at_times = Kata(id="k", title="", files=("katas/k.py",), tests=("tests/test_k.py",), given=(), timeout=5,
                    lesson="", steps=(Step(1, "one", ()),),
                    mutants=(Mutant("udp", "mistake udp", ("test_0",), sometimes_caught_by=("test_2",)),))
    assert mistakes.known_mistakes(at_times, verdict("failed", "passed", "passed")) == ["mistake udp"]
    assert mistakes.known_mistakes(at_times, verdict("failed", "passed", "failed")) == ["mistake udp"]
    assert mistakes.known_mistakes(at_times, verdict("passed", "passed", "failed")) == []  # not what it always fails
    assert mistakes.known_mistakes(at_times, verdict("failed", "failed", "passed")) == []  # more than it may fail


def test_only_a_red_of_the_kata_tests_names_a_mistake():
    assert mistakes.known_mistakes(KATA, verdict("failed", "passed", "passed", light_=light.AMBER)) == []
    assert mistakes.known_mistakes(KATA, verdict("passed", "passed", "passed", own=("failed",))) == []
    assert mistakes.failing_tests(verdict("error", "passed", "failed").tests) == ["test_0", "test_2"]


def test_every_kit_mutant_has_a_mistake_to_say():
    assert all(m.mistake.strip() and m.caught_by for k in pack.read(content.root()) for m in k.mutants)
