"""Deciding the light of a run: the one place that says GREEN, RED or AMBER.

GREEN  every test the kata expects was reported passed, by a test process that finished.
RED    the tests ran and at least one expected test did not pass; when the first of them passes
       alone (order.py), the reason says that the code keeps state between calls.
AMBER  the tests could not run as shipped: a syntax, import or collection error, a timeout,
       a crash or early exit, running out of memory, changed kata tests, expected tests missing.

Watch mode shows a RED early, while the run goes on (`EarlyRed`): as soon as a kata test
failed that will be the first failure shown, since every test of a lower step has passed. The
run's own verdict follows at its end, and is never GREEN: it can only be RED again, with the
rest of the tests, or AMBER if a later test times out or crashes.

A partial run (`tddkit run -k EXPR`, `--step N`) is decided the same way for the tests it
selected, but where those all pass it is PARTIAL, never GREEN: the kata's light needs all its
tests, in one process, in file order. A partial run is never recorded and never unlocks (judge.py).

The decision uses positive evidence, test by test, never an exit status alone: a process that
exits 0 before reporting every expected test is AMBER, and a skipped, xfailed or missing test
is not a pass.
"""

from __future__ import annotations

import re
import signal
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from tddkit import messages, where
from tddkit.own_tests import file_of
from tddkit.plugin import ERROR, FAILED, PASSED

if TYPE_CHECKING:  # only for annotations: `tddkit status` need not import the runner
    from tddkit.runner import RawRun

GREEN, RED, AMBER = "green", "red", "amber"
PARTIAL = "partial"  # the selected tests of a partial run all passed: no light for the kata
INTERRUPTED = 2  # pytest's exit status when a KeyboardInterrupt stopped the session
INTERNAL_ERROR = 3  # ... and when something broke pytest itself
USAGE_ERROR = 4  # ... and when its command line was wrong (a -k expression it cannot parse)
NOT_RUN = "not run"
OWN_FAILED = (FAILED, ERROR, NOT_RUN)  # outcomes of a learner's own test that keep the run from GREEN


@dataclass
class TestResult:
    id: str
    step: int | None
    outcome: str
    message: str = ""
    details: str = ""
    output: str = ""
    duration: float = 0.0
    where: dict | None = None  # the learner's frame it failed in (where.py)

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def name(self) -> str:
        """The test function's name, without its file, class or parameters."""
        return self.id.split("::")[-1].split("[")[0]


@dataclass
class Verdict:
    kata: str
    light: str
    passed: int
    total: int
    reason: str | None
    tests: list[TestResult] = field(default_factory=list)
    stopped_at: dict | None = None  # on a timeout, where the learner's code was (where.py)
    own: list[TestResult] = field(default_factory=list)  # the learner's own tests (own_tests.py)
    own_file_at_fault: str | None = None  # the learner's test file that alone kept the run from GREEN
    early: bool = False  # decided before the run ended (EarlyRed): the tests after are not run yet

    @property
    def own_failures(self) -> list[TestResult]:
        """The learner's own tests that failed, as plain pytest counts failures (a skip is none)."""
        return [t for t in self.own if t.outcome in OWN_FAILED]

    def own_counts(self) -> dict:
        failed = len(self.own_failures)
        passed = sum(t.passed for t in self.own)
        return {"passed": passed, "failed": failed, "other": len(self.own) - passed - failed, "total": len(self.own)}

    @property
    def first_failure(self) -> TestResult | None:
        """The first test, in step order, that did not pass: what the learner reads first."""
        failing = [t for t in self.tests if not t.passed]
        return min(failing, key=lambda t: t.step or 0) if failing else None

    def as_json(self, unlocked: bool) -> dict:
        return {
            "kata": self.kata,
            "light": self.light,
            "passed": self.passed,
            "total": self.total,
            "reason": self.reason,
            "unlocked": unlocked,
            "stopped_at": self.stopped_at,
            "tests": [_test_json(t) for t in self.tests],
            "your_tests": {**self.own_counts(), "tests": [_test_json(t) for t in self.own]},
        }


def _test_json(test: TestResult) -> dict:
    return {k: v for k, v in asdict(test).items() if k in ("id", "step", "outcome", "message", "duration", "where")}


def _where(error: dict) -> str:
    """file:line and the last line of a collection error, not a wall of traceback."""
    text = error.get("message", "")
    lines = [l for l in text.splitlines() if l.strip()]
    spot = ""
    for line in lines:
        m = re.search(r'File "([^"]+)", line (\d+)', line) or re.match(r"^([^\s:]+\.py):(\d+)", line.strip())
        if m and "site-packages" not in m.group(1) and "/_pytest/" not in m.group(1):
            spot = f"{m.group(1)}:{m.group(2)}"
    last = next((l.strip() for l in reversed(lines) if re.match(r"^E\s+\w*(Error|Exception|Exit)\b", l.strip())), "")
    last = re.sub(r"^E\s+", "", last) or (lines[-1].strip() if lines else "")
    where = spot or error.get("where", "")
    return f"{where}: {last}" if where else last


def _crash_reason(raw: RawRun, during: str) -> str:
    code = raw.returncode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return messages.CRASHED.format(name, during)
    return messages.EXITED_EARLY.format(code, during)


def _during(raw: RawRun) -> str:
    """When the run ended early: during the last test that started and did not finish, in the
    test process itself if it has one (in a split run, the tests its workers were running when
    it died are casualties, not the cause), or while importing the tests."""
    finished = {r["id"] for r in raw.of_kind("test")}
    unfinished = [r for r in raw.of_kind("start") if r["id"] not in finished]
    own = [r for r in unfinished if r.get("pid") == raw.pid]
    running = (own or unfinished or [{}])[-1].get("id")
    return messages.DURING.format(running.split("::")[-1]) if running else messages.DURING_COLLECTION


def _spot(record) -> dict | None:
    """A test record's `where`, if it has the fields a spot has (where.py)."""
    if isinstance(record, dict) and isinstance(record.get("file"), str) and isinstance(record.get("line"), int):
        return {"file": record["file"], "line": record["line"], "function": str(record.get("function") or ""),
                "source": str(record.get("source") or "")}
    return None


def _forged(raw: RawRun) -> bool:
    """Records the plugin never writes: a test reported twice, or more than one finish."""
    ids = [r.get("id") for r in raw.of_kind("test")]
    return len(ids) != len(set(ids)) or len(raw.of_kind("finish")) > 1


def _ran_out_of_memory(tests: list[TestResult]) -> bool:
    return any("MemoryError" in (t.message + t.details) for t in tests if not t.passed)


def decide_selection(kata: str, selected: list[dict], raw: RawRun, tampered: list[str] = ()) -> Verdict:
    """The verdict of a partial run on the tests it selected: RED or AMBER as for a full run,
    PARTIAL where a full run would have been GREEN."""
    verdict = decide(kata, selected, raw, tampered)
    if verdict.light == GREEN:
        verdict.light = PARTIAL
    return verdict


def _results(expected: list[dict], reported: dict) -> list[TestResult]:
    return [
        TestResult(
            id=e["id"],
            step=e.get("step"),
            outcome=reported[e["id"]]["outcome"] if e["id"] in reported else NOT_RUN,
            message=reported.get(e["id"], {}).get("message", ""),
            details=reported.get(e["id"], {}).get("details", ""),
            output=reported.get(e["id"], {}).get("output", ""),
            duration=reported.get(e["id"], {}).get("duration", 0.0),
            where=_spot(reported.get(e["id"], {}).get("where")),
        )
        for e in expected
    ]


def _own_expected(raw: RawRun, own_files) -> list[dict]:
    """The learner's own tests the run collected (or, without a collection record, reported)."""
    own_files = set(own_files)
    collected = [t for r in raw.of_kind("collected") for t in r.get("tests", []) if isinstance(t, dict)]
    ids = [t.get("id") for t in collected] or [r.get("id") for r in raw.of_kind("test")]
    return [{"id": i} for i in dict.fromkeys(ids) if isinstance(i, str) and file_of(i) in own_files]


class EarlyRed:
    """RED read from the records of a run still going on, fed as they come (watch/loop.py): a
    kata test did not pass, and it is the first failure the run's verdict will show, since every
    test before it in step order passed. Only a failure that leaves the verdict RED or AMBER
    counts: not a learner's own test (those count only when the kata's pass), a memory error or
    a test reported twice (both AMBER). Each record is looked at once."""

    def __init__(self, kata: str, expected: list[dict]):
        self.kata, self.expected = kata, expected
        self._in_step_order = sorted(expected, key=lambda e: e.get("step") or 0)  # stable: file order within a step
        self._next = 0  # the first of them not known to have passed
        self._reported: dict = {}
        self._spoiled = False  # a test reported twice: the run's end decides

    def feed(self, records: list[dict]) -> Verdict | None:
        for record in records:
            if record.get("kind") == "test":
                self._spoiled |= record.get("id") in self._reported
                self._reported[record.get("id")] = record
        while not self._spoiled and self._next < len(self._in_step_order):
            record = self._reported.get(self._in_step_order[self._next]["id"])
            if record is None:
                return None
            if record.get("outcome") != PASSED:
                tests = _results(self.expected, self._reported)
                if _ran_out_of_memory(tests):
                    return None
                return Verdict(self.kata, RED, sum(t.passed for t in tests), len(tests), None, tests, early=True)
            self._next += 1
        return None


def decide(kata: str, expected: list[dict], raw: RawRun, tampered: list[str] = (), own_files=()) -> Verdict:
    """The light of a run of the kata's tests, and of `own_files` (the learner's, own_tests.py)
    after them: GREEN also needs no own test to fail."""
    reported = {r["id"]: r for r in raw.of_kind("test")}
    tests = _results(expected, reported)
    own = _results(_own_expected(raw, own_files), reported)
    passed = sum(t.passed for t in tests)

    def verdict(light: str, reason: str | None = None) -> Verdict:
        return Verdict(kata, light, passed, len(tests), reason, tests, own=own)

    during = _during(raw)
    if tampered:
        return verdict(AMBER, messages.TAMPERED.format(", ".join(tampered), kata))
    if _forged(raw):
        return verdict(AMBER, messages.RESULTS_FORGED)
    if raw.timed_out:
        stopped = verdict(AMBER, messages.TIMED_OUT.format(f"{raw.timeout:g}", during))
        if raw.stopped_at:
            stopped.stopped_at = raw.stopped_at
            stopped.reason += messages.STOPPED_AT.format(where.describe(raw.stopped_at))
        return stopped
    errors = raw.of_kind("collect_error")
    finish = raw.of_kind("finish")
    if _ran_out_of_memory(tests) or any("MemoryError" in e.get("message", "") for e in errors) or (
            not finish and "MemoryError" in raw.output):
        return verdict(AMBER, messages.OUT_OF_MEMORY)
    if errors:
        error = errors[0]
        if file_of(str(error.get("where", ""))) in set(own_files):
            amber = verdict(AMBER, messages.OWN_COLLECTION_ERROR.format(file_of(error["where"]), _where(error)))
            amber.own_file_at_fault = file_of(error["where"])
            return amber
        return verdict(AMBER, messages.COLLECTION_ERROR.format(_where(error)))
    if not finish:
        return verdict(AMBER, _crash_reason(raw, during))
    if finish[0].get("exitstatus") == INTERRUPTED:
        return verdict(AMBER, messages.INTERRUPTED.format(during))
    if finish[0].get("exitstatus") == INTERNAL_ERROR:  # e.g. SystemExit while importing the tests
        text = "\n".join(l.removeprefix("INTERNALERROR> ") for l in raw.output.splitlines()
                         if l.startswith("INTERNALERROR>"))
        return verdict(AMBER, messages.INTERNAL_ERROR.format(during, _where({"message": text})))
    missing = [t for t in tests if t.outcome == NOT_RUN]
    if missing:
        names = ", ".join(t.name for t in missing[:3]) + (" ..." if len(missing) > 3 else "")
        return verdict(AMBER, messages.MISSING_TESTS.format(len(missing), names))
    if not tests:
        return verdict(AMBER, messages.NO_TESTS)
    if passed == len(tests):
        green = verdict(GREEN)
        if green.own_failures:  # the kata's tests pass; the learner's own do not
            red = verdict(RED, messages.OWN_TEST_FAILED.format(green.own_failures[0].id))
            red.own_file_at_fault = file_of(red.own_failures[0].id)
            return red
        return green
    red = verdict(RED)
    first = red.first_failure
    if any(r["id"] == first.id and r.get("outcome") == PASSED for r in raw.of_kind("alone")):
        red.reason = messages.ORDER_DEPENDS.format(first.name)
    return red
