"""The "write the tests" mode: grading the learner's own tests of a kata, not their code.

The learner's test files of the kata (own_tests.py: the `tests/**/test_*.py` files that import it)
run against the kata's reference solution and against each of its mutants, every version in a
scratch workspace of its own, made from the installed kit: the learner's code is not used, and the
reference and the mutants are never written where the learner works. As Examplar grades tests:

  valid   a test that passes on the reference. One that fails there is a wrong test: a correct
          solution fails it. The reference run is one plain pytest run of the files, in file order,
          with Hypothesis as random as plain pytest has it.
  caught  a mutant that at least one valid test rejects: the run of the valid tests against it is
          not GREEN (a test failed, or the run could not finish: a timeout where the reference
          ran near it is confirmed by a second run, alone, before it counts). Hypothesis is derandomized there, so that a catch is the same
          on every run of the same tests, and does not shrink the failure it finds (child.CATCH).

GREEN  every test is valid and every mutant is caught;
RED    a test is wrong, or a mutant is not caught (named by its kind, never by its code or name);
AMBER  the tests could not run on the reference (a file that does not load, a timeout, no test).

The runs are separate test processes (runner.run_tests: isolated, confined, timed out as any
run), side by side across the cores; a mutant's run stops at its first failing test (-x), which is
all its catch needs.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tddkit import child, confine, content, light, messages, runner
from tddkit.catalogue import Kata, Mutant
from tddkit.errors import UsageError
from tddkit.expected import scratch_workspace
from tddkit.grade_runs import GradeRuns
from tddkit.own_tests import own_test_files
from tddkit.plugin import PASSED

# A mutant's run that passes the kata's timeout rejects it (as a timeout keeps a learner's code
# from GREEN) when the reference ran the same tests within this fraction of the timeout: no busy
# machine slows a run tenfold. Otherwise it runs again, alone, before it counts.
SURELY_NOT_LOAD = 0.1


@dataclass
class Grade:
    kata: str
    light: str
    reason: str | None
    files: list[str]
    tests: list[light.TestResult]  # the learner's tests, as they ran on the reference
    caught: list[str] = field(default_factory=list)  # names of the mutants caught
    missed: list[Mutant] = field(default_factory=list)  # mutants no valid test rejects
    mutants: int = 0  # how many the kata has that could be put in place

    @property
    def wrong(self) -> list[light.TestResult]:
        """The tests that fail on the reference solution."""
        return [t for t in self.tests if not t.passed]

    @property
    def valid(self) -> int:
        return sum(t.passed for t in self.tests)

    def as_json(self) -> dict:
        """For editors and scripts. The missed mutants by their kind only: never a mutant's code."""
        return {"kata": self.kata, "mode": "write-tests", "light": self.light, "reason": self.reason,
                "files": self.files, "valid": self.valid, "total": len(self.tests),
                "tests": [{"id": t.id, "outcome": t.outcome, "message": t.message} for t in self.tests],
                "wrong": [t.id for t in self.wrong], "caught": len(self.caught), "mutants": self.mutants,
                "missed": list(dict.fromkeys(m.kind for m in self.missed))}


def cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def learner_files(ws_root: Path, kata: Kata) -> dict[str, bytes]:
    """The learner's test files of the kata, by path, as they are now."""
    files = {}
    for rel in own_test_files(ws_root, kata):
        data = content.read_regular(ws_root / rel)
        if data is not None:
            files[rel] = data
    return files


def run_version(runs: GradeRuns, kata: Kata, version: str, files: dict[str, bytes],
                options: tuple[str, ...] = ()) -> runner.RawRun:
    """One run of the learner's test files against one version of the kata, in a scratch workspace."""
    with tempfile.TemporaryDirectory(prefix=confine.temp_prefix(f"grade-{kata.id}")) as tmp:
        ws = scratch_workspace(kata, version, Path(tmp))
        for rel, data in files.items():
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_bytes(data)
        # The reference runs as plain pytest would (fresh examples); a mutant, the same every time.
        mode = "" if version == content.REFERENCE else child.CATCH
        return without_scratch_paths(runs.run(ws, list(files), kata.timeout, options, mode), ws)


def without_scratch_paths(raw: runner.RawRun, ws: Path) -> runner.RawRun:
    """Paths in the scratch workspace (gone once the run is over) as paths in the learner's."""
    prefix = f"{ws}/"
    for record in raw.records:
        for key, value in record.items():
            if isinstance(value, str) and prefix in value:
                record[key] = value.replace(prefix, "")
    raw.output = raw.output.replace(prefix, "")
    return raw


def collected(raw: runner.RawRun) -> list[dict]:
    """The tests the run collected, as the list its verdict must account for."""
    ids = [t.get("id") for r in raw.of_kind("collected") for t in r.get("tests", []) if isinstance(t, dict)]
    return [{"id": i, "step": None} for i in dict.fromkeys(ids) if isinstance(i, str)]


def survived(raw: runner.RawRun) -> bool:
    """Whether a mutant passed the tests: their run finished and pytest's exit status was 0, as a
    plain `python -m pytest` of them against it would end. Anything else rejects it."""
    finish = raw.of_kind("finish")
    return not raw.timed_out and len(finish) == 1 and finish[0].get("exitstatus") == 0


def grade(ws_root: Path, kata: Kata, runs: GradeRuns | None = None) -> Grade:
    """`runs`: the test processes to use (a watch keeps them from grade to grade)."""
    if runs is None:
        with GradeRuns() as runs:
            return grade(ws_root, kata, runs)
    files = learner_files(ws_root, kata)
    if not files:
        raise UsageError(messages.GRADE_NO_FILES.format(kata=kata.id))
    broken = content.mutant_problems(kata)
    versions = [m for m in kata.mutants if m.name not in broken]
    with ThreadPoolExecutor(cores()) as pool:
        def start(version: str, options: tuple[str, ...] = ("-x",)):
            return pool.submit(run_version, runs, kata, version, files, options)

        reference = start(content.REFERENCE, options=())
        first_runs = {m.name: start(m.name) for m in versions}  # side by side with the reference's
        on_the_reference = reference.result()
        graded = on_reference(kata, files, on_the_reference, len(versions))
        if graded.light == light.AMBER or not graded.valid:  # nothing to catch a mutant with
            for run in first_runs.values():
                run.cancel()
            runs.cancel()
            pool.shutdown(wait=True)
            runs.resume()
            graded.missed = versions if graded.light != light.AMBER else []
            return decided(graded)
        wrong = {t.id for t in graded.wrong}
        without_wrong = ("-x", *(option for test in sorted(wrong) for option in ("--deselect", test)))
        results = {}
        for mutant in versions:
            raw = first_runs[mutant.name].result()
            # Stopped at a wrong test (which fails on a correct solution too): the valid ones decide.
            results[mutant.name] = start(mutant.name, without_wrong) if wrong and failed_only(raw, wrong) else raw
        results = {name: run if isinstance(run, runner.RawRun) else run.result() for name, run in results.items()}
    for mutant in versions:
        raw = results[mutant.name]
        if raw.timed_out and on_the_reference.duration > kata.timeout * SURELY_NOT_LOAD:
            raw = run_version(runs, kata, mutant.name, files, without_wrong)  # perhaps a busy machine: again, alone
        (graded.missed.append(mutant) if survived(raw) else graded.caught.append(mutant.name))
    return decided(graded)


def on_reference(kata: Kata, files: dict[str, bytes], raw: runner.RawRun, mutants: int) -> Grade:
    """The learner's tests as they ran on the reference: each valid or wrong, or AMBER."""
    expected = collected(raw)
    verdict = light.decide(kata.id, expected, raw, own_files=list(files))  # a file that does not load is named
    graded = Grade(kata.id, verdict.light, verdict.reason, list(files), [hide_where(t) for t in verdict.tests],
                   mutants=mutants)
    if verdict.light != light.AMBER and not expected:
        graded.light, graded.reason = light.AMBER, messages.GRADE_NO_TESTS
    elif verdict.light == light.AMBER and verdict.reason == messages.NO_TESTS:
        graded.reason = messages.GRADE_NO_TESTS
    return graded


def failed_only(raw: runner.RawRun, tests: set[str]) -> bool:
    """Whether a finished run's failing tests are all among `tests`."""
    failed = {r.get("id") for r in raw.of_kind("test") if r.get("outcome") != PASSED}
    return bool(failed) and failed <= tests and len(raw.of_kind("finish")) == 1 and not raw.timed_out


def hide_where(test: light.TestResult) -> light.TestResult:
    """The frame "in your code" a test failed in is the reference's here: its line is never shown."""
    test.where = None
    return test


def decided(graded: Grade) -> Grade:
    if graded.light == light.AMBER:
        return graded
    if graded.wrong:
        graded.light, graded.reason = light.RED, messages.GRADE_WRONG_TEST.format(graded.wrong[0].id)
    elif graded.missed:
        graded.light, graded.reason = light.RED, messages.GRADE_MISSED.format(len(graded.missed))
    else:
        graded.light, graded.reason = light.GREEN, None
    return graded


def record(ws, graded: Grade) -> str | None:
    """Store the grade apart from the code's runs; why it could not be stored, if it could not."""
    from tddkit.errors import StateError

    try:
        with ws.open_state() as state:
            state.record_grade(graded.kata, graded.light, graded.valid, len(graded.tests), len(graded.caught),
                               graded.mutants, graded.reason)
    except StateError as err:
        return str(err)
    return None
