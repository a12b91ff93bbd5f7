"""`tddkit verify`: the author's proof that each kata meets the quality bars.

For every kata, in scratch workspaces and with Hypothesis derandomized:
  - every expected test carries a step marker, and the steps match the catalogue;
  - red first: every test fails against the stub (a test that passes there teaches nothing);
  - green on the reference solution;
  - every mutant is rejected by at least one test, and in file order by exactly the tests its
    caught_by names (no more, no fewer: a learner's RED is matched against it, mistakes.py).
The reference and the mutants run in each of the orders of order.py: file order, reverse order
and split across processes. The reference is green in every order; a mutant is rejected in
every order (in the others its run ends at its first failure), and in file order by exactly the
tests its caught_by names. One caught only by the luck of the file order is weakly caught, which is
a problem.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tddkit import content, light, messages, runner
from tddkit.order import FILE, ORDERS
from tddkit.catalogue import Kata
from tddkit.expected import CollectionFailed, collect, scratch_workspace
from tddkit.mistakes import failing_tests

WORKERS = 2


@dataclass
class KataReport:
    kata: Kata
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    stub: str = ""
    reference: str = ""
    mutants: str = ""
    caught: dict[str, list[str]] = field(default_factory=dict)  # mutant -> tests that failed


def run_version(kata: Kata, version: str, expected: list[dict], order: str = FILE, *,
                overlay: dict[str, str] | None = None, timeout: float | None = None) -> light.Verdict:
    """`overlay`: learner files (path: text) written over the version, as a machine-made mutant
    of `tddkit verify --mutate` is; `timeout`: instead of the kata's."""
    # In the other orders a mutant only has to be rejected: its first failing test says so.
    first_failure_will_do = overlay is not None or order != FILE and version not in (content.STUB, content.REFERENCE)
    with tempfile.TemporaryDirectory(prefix=runner.confine.temp_prefix(f"verify-{kata.id}")) as tmp:
        ws = scratch_workspace(kata, version, Path(tmp))
        for path, text in (overlay or {}).items():
            (ws / path).write_text(text, encoding="utf-8")
        raw = runner.run_tests(ws, list(kata.tests), kata.timeout if timeout is None else timeout,
                               hypothesis=runner.child.DERANDOMIZE, order=order,
                               options=("-x",) if first_failure_will_do else ())
    return light.decide(kata.id, expected, raw)


def in_order(order: str) -> str:
    return "" if order == FILE else f" ({order} order)"


def check_steps(kata: Kata, expected: list[dict]) -> list[str]:
    problems = [f"{t['id']} has no @pytest.mark.step(N) marker" for t in expected if not isinstance(t.get("step"), int)]
    used = {t["step"] for t in expected if isinstance(t.get("step"), int)}
    listed = {s.number for s in kata.steps}
    for n in sorted(used - listed):
        problems.append(f"tests use step {n}, but the catalogue has no [[kata.steps]] entry for it")
    for n in sorted(listed - used):
        problems.append(f"catalogue step {n} has no test")
    return problems


def check_stub(verdict: light.Verdict) -> list[str]:
    if verdict.light == light.AMBER:
        return [f"stub: the tests could not run against the stub ({verdict.reason})"]
    return [f"stub: {t.id} does not fail against the stub ({t.outcome})" for t in verdict.tests if t.outcome != "failed"]


def check_reference(verdicts: dict[str, light.Verdict]) -> list[str]:
    problems = []
    for order, verdict in verdicts.items():
        if verdict.light == light.AMBER:
            problems.append(f"reference{in_order(order)}: AMBER ({verdict.reason})")
        elif verdict.light == light.RED:
            problems += [f"reference{in_order(order)}: {t.id} {t.outcome}: "
                         f"{t.message.splitlines()[0] if t.message else ''}" for t in verdict.tests if not t.passed]
    return problems


def check_mutant(kata: Kata, name: str, verdicts: dict[str, light.Verdict]) -> tuple[list[str], list[str]]:
    """The tests that reject a mutant in file order, and what is wrong with how it is caught: it
    must be rejected in every order, and in file order by exactly the tests its caught_by names
    (a learner's RED is matched against that set: mistakes.py), and perhaps by some of those its
    sometimes_caught_by names (tests whose catch hangs on timing), but never by those alone."""
    missed = [order for order, verdict in verdicts.items() if verdict.light == light.GREEN]
    if len(missed) == len(verdicts):
        return [], [f"mutant {name}: every test passes, so the tests do not reject this mistake"]
    problems = []
    if missed:
        caught = [order for order in verdicts if order not in missed]
        problems.append(f"mutant {name}: weakly caught: rejected in {' and '.join(caught)} order but not in "
                        f"{' and '.join(missed)} order, so only by the luck of the order the tests run in")
    failed = failing_tests(verdicts[FILE].tests)
    mutant = kata.mutant(name)
    always = [test for test in failed if test not in mutant.sometimes_caught_by]
    if not always:
        problems.append(messages.VERIFY_CAUGHT_ONLY_AT_TIMES.format(name=name))
    elif set(mutant.caught_by) != set(always):
        problems.append(messages.VERIFY_CAUGHT_BY_NOT_EXACT.format(
            name=name, tests=", ".join(f'"{test}"' for test in always)))
    return failed, problems


def verify_kata(kata: Kata, pool: ThreadPoolExecutor) -> KataReport:
    report = KataReport(kata)
    started = time.monotonic()
    try:
        expected = collect(kata)
    except CollectionFailed as err:
        report.problems.append(str(err))
        report.seconds = time.monotonic() - started
        return report
    report.problems += check_steps(kata, expected)
    broken = content.mutant_problems(kata)  # mutant name -> why it cannot be put in place
    report.problems += list(broken.values())
    versions = [content.REFERENCE] + [m.name for m in kata.mutants if m.name not in broken]
    runs = [(content.STUB, FILE)] + [(version, order) for version in versions for order in ORDERS]
    verdicts: dict[str, dict[str, light.Verdict]] = {}
    for (version, order), verdict in zip(runs, pool.map(lambda run: run_version(kata, run[0], expected, run[1]), runs)):
        verdicts.setdefault(version, {})[order] = verdict

    stub, reference = verdicts.pop(content.STUB)[FILE], verdicts.pop(content.REFERENCE)
    report.problems += check_stub(stub)
    report.problems += check_reference(reference)
    red = sum(t.outcome == "failed" for t in stub.tests)
    report.stub = f"{red}/{stub.total} red"
    report.reference = f"{reference[FILE].passed}/{reference[FILE].total} {reference[FILE].light}"
    for name, verdict in verdicts.items():
        failed, problems = check_mutant(kata, name, verdict)
        report.caught[name] = failed
        report.problems += problems
    report.mutants = f"{sum(bool(f) for f in report.caught.values())}/{len(kata.mutants)} caught"
    if len(kata.mutants) == 0:
        report.problems.append("the kata ships no mutants")
    report.seconds = time.monotonic() - started
    return report


def verify(katas: list[Kata], out=print) -> int:
    """Check every kata, print a table; 0 when all is well, 1 on any problem."""
    reports = []
    out(messages.VERIFY_HEADER)
    with ThreadPoolExecutor(WORKERS) as pool:
        for kata in katas:
            report = verify_kata(kata, pool)
            reports.append(report)
            out(messages.VERIFY_ROW.format(kata=kata.id, stub=report.stub, reference=report.reference,
                                           mutants=report.mutants, seconds=report.seconds))
            for name, failed in report.caught.items():
                by = ", ".join(failed[:3]) + (f" (+{len(failed) - 3} more)" if len(failed) > 3 else "") if failed else "NOTHING"
                out(messages.VERIFY_MUTANT.format(name=name, by=by))
    problems = [f"{r.kata.id}: {p}" for r in reports for p in r.problems]
    if problems:
        out(messages.VERIFY_FAILED.format(len(problems)))
        for p in problems:
            out("  " + p)
        return 1
    out(messages.VERIFY_OK)
    return 0
