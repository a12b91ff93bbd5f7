"""`tddkit verify` for every kata (the quality bars, in CI), and its checks catching defects."""

from __future__ import annotations

import pytest
from conftest import REPO, tddkit

from tddkit import catalogue, light, verify
from tddkit.catalogue import Kata, Mutant, Step
from tddkit.order import ORDERS


@pytest.mark.parametrize("kata", catalogue.ids())
def test_kata_meets_the_quality_bars(kata):
    done = tddkit("verify", kata, cwd=REPO, timeout=600)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "red" in done.stdout and "green" in done.stdout


def verdict(*outcomes, light_="red"):
    tests = [light.TestResult(id=f"tests/test_k.py::test_{i}", step=1, outcome=o) for i, o in enumerate(outcomes)]
    return light.Verdict("k", light_, sum(t.passed for t in tests), len(tests), None, tests)


KATA = Kata(id="k", title="", files=("katas/k.py",), tests=("tests/test_k.py",), given=(), timeout=5, lesson="",
            steps=(Step(1, "one", ()),), mutants=(Mutant("m", "a mistake", ("test_1",)),))


def test_a_test_that_passes_on_the_stub_is_a_defect():
    assert verify.check_stub(verdict("failed", "passed")) == [
        "stub: tests/test_k.py::test_1 does not fail against the stub (passed)"]
    assert verify.check_stub(verdict("failed", "failed")) == []


def in_every_order(v: light.Verdict, **others: light.Verdict) -> dict[str, light.Verdict]:
    return {o: others.get(o, v) for o in ORDERS}


GREEN = verdict("passed", "passed", light_="green")


def test_a_reference_that_is_not_green_in_every_order_is_a_defect():
    assert verify.check_reference(in_every_order(verdict("passed", "failed")))
    assert verify.check_reference(in_every_order(GREEN)) == []
    assert verify.check_reference(in_every_order(GREEN, reverse=verdict("passed", "failed"))) == [
        "reference (reverse order): tests/test_k.py::test_1 failed: "]


def test_a_mutant_must_fail_exactly_the_tests_it_names_in_file_order():
    # caught_by is the exact set, since a learner's RED is matched against it (mistakes.py).
    caught, problems = verify.check_mutant(KATA, "m", in_every_order(verdict("failed", "passed")))
    assert caught == ["test_0"] and problems == [
        'mutant m: caught_by must name exactly the tests that fail in file order: caught_by = ["test_0"]']
    caught, problems = verify.check_mutant(KATA, "m", in_every_order(verdict("failed", "failed")))
    assert problems == [
        'mutant m: caught_by must name exactly the tests that fail in file order: caught_by = ["test_0", "test_1"]']
    caught, problems = verify.check_mutant(KATA, "m", in_every_order(GREEN))
    assert problems and "do not reject" in problems[0]
    assert verify.check_mutant(KATA, "m", in_every_order(verdict("passed", "failed"))) == (["test_1"], [])
    # In the other orders a mutant's run ends at its first failure: any test will do there.
    assert verify.check_mutant(KATA, "m", in_every_order(verdict("passed", "failed"),
                                                         split=verdict("failed", "passed"))) == (["test_1"], [])


AT_TIMES = Kata(id="k", title="", files=("katas/k.py",), tests=("tests/test_k.py",), given=(), timeout=5, lesson="",
                steps=(Step(1, "one", ()),),
                mutants=(Mutant("m", "a mistake", ("test_1",), sometimes_caught_by=("test_2",)),))


def test_a_test_that_catches_a_mutant_only_at_times_may_fail_or_pass_in_file_order():
    """Over real sockets whether a test catches a mutant can hang on timing under load (transport's
    UDP test): such a test is named apart, in sometimes_caught_by; caught_by stays exact."""
    for outcomes in (("passed", "failed", "passed"), ("passed", "failed", "failed")):
        assert verify.check_mutant(AT_TIMES, "m", in_every_order(verdict(*outcomes)))[1] == [], outcomes
    _, problems = verify.check_mutant(AT_TIMES, "m", in_every_order(verdict("failed", "failed", "passed")))
    assert problems == [
        'mutant m: caught_by must name exactly the tests that fail in file order: caught_by = ["test_0", "test_1"]']
    _, problems = verify.check_mutant(AT_TIMES, "m", in_every_order(verdict("passed", "passed", "failed")))
    assert problems == ["mutant m: caught only by tests that catch it at times (sometimes_caught_by): "
                        "no test always rejects this mistake"]


def test_a_mutant_caught_only_in_some_orders_is_weakly_caught():
    caught, problems = verify.check_mutant(KATA, "m", in_every_order(verdict("passed", "failed"), reverse=GREEN))
    assert caught == ["test_1"] and problems == [
        "mutant m: weakly caught: rejected in file and split order but not in reverse order, "
        "so only by the luck of the order the tests run in"]


def test_steps_must_match_the_catalogue():
    expected = [{"id": "a", "step": 1}, {"id": "b", "step": 2}, {"id": "c", "step": None}]
    problems = verify.check_steps(KATA, expected)
    assert any("c has no @pytest.mark.step" in p for p in problems)
    assert any("step 2" in p for p in problems)
