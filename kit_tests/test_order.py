"""The light does not depend on how a run is cut: learner code that keeps state between calls.

Each case is a correct sincostan with one way of keeping state added to it. The same workspace
is run by one plain `python -m pytest` of the kata's tests, as a learner may, and five times by
`tddkit run`: the kit's light is never GREEN where plain pytest failed a test, the failing tests
are the same ones, and the light is the same on every run. `next` and `watch` give the same.
"""

from __future__ import annotations

import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from robust_support import (KATA, LEARNER, REFERENCE, not_unlocked, plain_pytest, robust_template, run_json,  # noqa: F401
                            tddkit, write_learner, ws)
from test_watch import Watch, write_atomically

from tddkit import catalogue, content, light, messages, order, runner
from tddkit.expected import collect, scratch_workspace

RUNS = 5  # the runs are alike by design (one process, file order); five check that they stay so
DEF = "def sincostan(angle, *, degrees=False):"
assert DEF in REFERENCE


def wrapped(code: str) -> str:
    """The reference, with `sincostan` replaced by a wrapper (`_real` is the correct one). The
    script tests run the file as __main__, which ends before the wrapper is defined."""
    return REFERENCE + "\n\n_real = sincostan\n\n" + textwrap.dedent(code)


# name -> (learner code, whether the same test functions fail whatever examples are drawn: which
# parameters fail can depend on them, e.g. whether a property drew the 0 that False is mistaken for)
STATEFUL = {
    "lru_cache": (REFERENCE.replace("import argparse", "import argparse\nimport functools", 1).replace(
        DEF, "@functools.lru_cache(maxsize=None)\n" + DEF), True),
    "module_dict_cache": (wrapped("""
        _answers = {}


        def sincostan(angle, *, degrees=False):
            if (angle, degrees) not in _answers:
                _answers[angle, degrees] = _real(angle, degrees=degrees)
            return _answers[angle, degrees]
        """), True),
    "mutable_default": (wrapped("""
        def sincostan(angle, *, degrees=False, _answers={}):
            if (angle, degrees) not in _answers:
                _answers[angle, degrees] = _real(angle, degrees=degrees)
            return _answers[angle, degrees]
        """), True),
    "counter": (wrapped("""
        _calls = 0


        def sincostan(angle, *, degrees=False):
            global _calls
            _calls += 1
            return _real(angle, degrees=degrees and _calls <= 100)  # degrees forgotten after 100 calls
        """), False),
    "warm_up": (wrapped("""
        _warm = False


        def sincostan(angle, *, degrees=False):
            global _warm
            if isinstance(angle, Fraction) and not _warm:
                raise ArithmeticError("Fractions work only after a warm-up call")
            _warm = True
            return _real(angle, degrees=degrees)
        """), True),
    "class_attribute": (wrapped("""
        class _Memory:
            answers = {}  # a class attribute: one dict shared by every instance

            def recall(self, angle, degrees):
                if (angle, degrees) not in self.answers:
                    self.answers[angle, degrees] = _real(angle, degrees=degrees)
                return self.answers[angle, degrees]


        def sincostan(angle, *, degrees=False):
            return _Memory().recall(angle, degrees)
        """), True),
}


def plain_pytest_failures(ws: Path) -> set[str]:
    """The tests that one plain `python -m pytest` of the kata's tests fails in the workspace."""
    done = plain_pytest(ws, "-rf")
    assert done.returncode in (0, 1), done.stdout[-3000:] + done.stderr[-3000:]
    failed = {line.split(" ", 1)[1].split(" - ", 1)[0] for line in done.stdout.splitlines()
              if line.startswith("FAILED ")}
    assert bool(failed) == (done.returncode == 1), done.stdout[-3000:]
    return failed


def failures(result: dict) -> set[str]:
    return {t["id"] for t in result["tests"] if t["outcome"] != "passed"}


def functions(ids: set[str]) -> list[str]:
    """The test functions of some test ids, without their parameters."""
    return sorted({i.split("[")[0] for i in ids})


@pytest.mark.parametrize("case", STATEFUL)
def test_the_light_agrees_with_plain_pytest_on_every_run(case, ws):
    code, same_failures_every_time = STATEFUL[case]
    write_learner(ws, code)
    plain = plain_pytest_failures(ws)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: run_json(ws), range(RUNS)))
    lights = [r["light"] for r in results]
    assert len(set(lights)) == 1, f"the light flickered over {RUNS} runs of the same files: {lights}"
    assert lights[0] == ("red" if plain else "green"), (lights[0], sorted(plain))
    if same_failures_every_time:
        assert [functions(failures(r)) for r in results] == [functions(plain)] * RUNS
    if plain:
        assert not_unlocked(ws)


def test_a_cache_that_mistakes_true_for_one_is_red_with_a_word_on_order(ws):
    write_learner(ws, STATEFUL["lru_cache"][0])
    result = run_json(ws)
    assert result["light"] == "red" and not result["unlocked"] and not_unlocked(ws)
    first = min((t for t in result["tests"] if t["outcome"] != "passed"), key=lambda t: t["step"])
    name = first["id"].split("::")[-1].split("[")[0]
    assert result["reason"] == messages.ORDER_DEPENDS.format(name), result["reason"]


def test_a_genuine_failure_gets_no_word_on_order(ws):
    write_learner(ws, REFERENCE.replace("isinstance(angle, bool) or ", ""))  # True accepted, in any order
    result = run_json(ws)
    assert result["light"] == "red" and result["reason"] is None


def test_next_gives_the_same_light_and_the_word_on_order(ws):
    write_learner(ws, STATEFUL["lru_cache"][0])
    for _ in range(3):
        done = tddkit("next", KATA, cwd=ws)
        out = done.stdout.decode()
        assert done.returncode == 1, out + done.stderr.decode()
        assert "RED" in out and "keeps state between calls" in out
    assert not_unlocked(ws)


def test_watch_gives_the_same_light_on_saves_that_change_only_a_comment(ws):
    code = write_learner(ws, STATEFUL["lru_cache"][0])
    watch = Watch(ws)
    try:
        verdicts = [watch.verdict()]
        for i in range(4):
            write_atomically(ws / LEARNER, code + f"\n# save {i}\n")
            verdicts.append(watch.verdict())
    finally:
        assert watch.stop() == 0
    assert {v["light"] for v in verdicts} == {"red"}
    assert len({tuple(functions(failures(v))) for v in verdicts}) == 1, [v["passed"] for v in verdicts]
    assert all("keeps state between calls" in (v["reason"] or "") for v in verdicts)
    assert not_unlocked(ws)


def test_verify_s_reverse_order_runs_the_tests_last_to_first(tmp_path):
    kata = catalogue.find(KATA)
    calls = tmp_path / "calls"
    ws = scratch_workspace(kata, content.REFERENCE, tmp_path / "ws")
    write_learner(ws, wrapped(f"""
        import os as _os


        def sincostan(angle, *, degrees=False):
            test = _os.environ.get("PYTEST_CURRENT_TEST")  # unset in the scripts the tests start
            if test:
                with open({str(calls)!r}, "a") as f:
                    print(test.rsplit(" ", 1)[0], file=f)
            return _real(angle, degrees=degrees)
        """))
    expected = collect(kata)
    verdict = light.decide(kata.id, expected, runner.run_tests(ws, list(kata.tests), 60, order=order.REVERSE))
    assert verdict.light == light.GREEN, verdict.reason
    seen = list(dict.fromkeys(calls.read_text().splitlines()))  # each test once, where it first called
    assert len(seen) > 100 and seen == [t["id"] for t in reversed(expected) if t["id"] in seen]
