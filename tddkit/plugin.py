"""The pytest plugin that turns test outcomes into records, one JSON line each.

It runs inside the test process, beside the learner's code. Each line is signed with a per-run
key (the token) that the test process reads from a pipe before any learner code is imported,
and goes to a file descriptor that the runner opened. The lines hold no key: a learner's module
that prints, writes the kit's files, or reads the report back (through /proc/self/fd) finds
nothing to sign a forged result with. (Code in the same process can always cheat on purpose;
see docs/guarantees.md.)

Records, in the order they are written:
  collected      {"tests": [{"id", "step", "file", "line"}]}   the items pytest will run
  collect_error  {"where", "message"}                          a file that could not be collected
  start          {"id", "pid"}                                  a test began (for crash reports)
  test           {"id", "outcome", "message", "details", "output", "duration", "where"}
                 where: the learner's frame a failing test raised from (where.py), or null
  finish         {"exitstatus"}                                 pytest finished normally
  alone          {"id", "outcome"}                              a failing test run again alone (order.py)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re

from tddkit import where
from tddkit.messages import FIRST_OF_A_GROUP, TEST_FUNCTION_DID_NOT_RUN, TEXT_CUT

MESSAGE_LIMIT = 4 * 1024
DETAILS_LIMIT = 16 * 1024
OUTPUT_LIMIT = 64 * 1024

# Outcomes as the runner understands them; only "passed" counts towards GREEN.
PASSED, FAILED, ERROR, SKIPPED, XFAILED, XPASSED = "passed", "failed", "error", "skipped", "xfailed", "xpassed"


# Characters that must not reach a terminal or a UTF-8 encoder as they are: control codes (an
# escape sequence in a learner's repr would drive the learner's terminal) and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def sign(token: str, body: str) -> str:
    """The signature of one record's JSON: HMAC-SHA256 with the run's token as the key."""
    return hmac.new(token.encode(), body.encode(), hashlib.sha256).hexdigest()


def safe(text: str) -> str:
    """text with unsafe characters written as escapes (\\x1b, \\udcff)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters of text, made safe to show, with a note of what was cut."""
    if len(text) <= limit:
        return safe(text)
    return safe(text[:limit]) + TEXT_CUT.format(len(text) - limit)


def _crash_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[2])
    return str(report.longrepr).strip().splitlines()[-1] if report.longrepr else ""


def _first_of_group(group: BaseExceptionGroup) -> str:
    """The first leaf exception of a group, as pytest would show it: type, message and notes."""
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    try:
        notes = "".join(f"\n{note}" for note in getattr(error, "__notes__", ()))
        return f"{type(error).__name__}: {error}{notes}"
    except Exception:  # the learner's __str__ failed: the type alone still helps
        return type(error).__name__


def _learner_frame(error: BaseException, root: str) -> dict | None:
    try:
        spot = where.from_exception(error, root)
    except Exception:  # a traceback the learner's code made strange: the failure still shows
        return None
    return spot and {**spot, "source": truncate(spot["source"], where.SOURCE_LIMIT + 3)}


class ReportPlugin:
    def __init__(self, fd: int, token: str, news: int | None = None):
        self._fd = fd
        self._token = token
        self._news = news  # watch mode: a byte here when the report has news (_tell)
        self._phases: dict[str, list] = {}
        self._returned: set[str] = set()  # tests whose function was called and returned
        self._first_of_group: dict[str, str] = {}  # test id -> its first failure, when it raised a group
        self._where: dict[str, dict | None] = {}  # test id -> the learner's frame its first error came from
        self._root = os.getcwd()
        self.alone = False  # in the copy that runs a failing test alone: its outcome is not the test's
        # Bound now, so that a learner's monkeypatching of json, hmac or os later cannot reroute us.
        self._dumps = json.dumps
        self._write = os.write
        self._sign = sign

    def _emit(self, kind: str, **fields) -> None:
        body = self._dumps({"kind": kind, **fields}, ensure_ascii=True)
        data = f"{self._sign(self._token, body)} {body}\n".encode()
        while data:
            data = data[self._write(self._fd, data):]

    # -- collection -----------------------------------------------------------------

    def pytest_collectreport(self, report):
        if report.failed:
            self._emit("collect_error", where=report.nodeid or str(report.fspath),
                       message=truncate(str(report.longrepr), DETAILS_LIMIT))

    def pytest_collection_finish(self, session):
        tests = []
        for item in session.items:
            marker = item.get_closest_marker("step")
            step = marker.args[0] if marker and marker.args else None
            path, line, _ = item.location
            tests.append({"id": item.nodeid, "step": step, "file": path, "line": (line or 0) + 1})
        self._emit("collected", tests=tests)

    # -- running ----------------------------------------------------------------------

    def pytest_runtest_logstart(self, nodeid, location):
        self._phases[nodeid] = []
        if not self.alone:
            self._emit("start", id=nodeid, pid=os.getpid())

    def pytest_pyfunc_call(self, pyfuncitem):
        """Evidence that the test function itself ran and returned, from inside the call.

        The item's function is wrapped just before pytest calls it: a pass needs this evidence
        as well as pytest's report, so that code which patches pytest's reports, its call
        machinery or Function.runtest cannot turn a test that never ran or raised into a pass.
        """
        original, nodeid, returned = pyfuncitem.obj, pyfuncitem.nodeid, self._returned
        returned.discard(nodeid)

        def test_function(*args, **kwargs):
            result = original(*args, **kwargs)
            returned.add(nodeid)
            return result

        pyfuncitem.obj = test_function
        return None  # pytest's own implementation (trylast) makes the call

    def pytest_runtest_makereport(self, item, call):
        """Remember the first failure inside an exception group (Hypothesis raises one when it
        finds several distinct failures): the group's own message only counts them. And the
        learner's frame that the first error of the test came from."""
        if call.when == "call" and call.excinfo is not None and isinstance(call.excinfo.value, BaseExceptionGroup):
            self._first_of_group[item.nodeid] = _first_of_group(call.excinfo.value)
        if call.excinfo is not None and item.nodeid not in self._where:
            self._where[item.nodeid] = _learner_frame(call.excinfo.value, self._root)
        return None  # pytest makes the report

    def pytest_runtest_logreport(self, report):
        self._phases.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid, location):
        reports = self._phases.pop(nodeid, [])
        outcome, message, details = _combine(reports)
        first = self._first_of_group.pop(nodeid, None)
        spot = self._where.pop(nodeid, None)
        if outcome not in (FAILED, ERROR):  # a skip or an xfail raised too: that is no failure to show
            spot = None
        if outcome == FAILED and first:
            message = FIRST_OF_A_GROUP.format(group=message, first=first)
        if outcome == PASSED and nodeid not in self._returned:
            outcome, message = ERROR, TEST_FUNCTION_DID_NOT_RUN
        if self.alone:
            self._emit("alone", id=nodeid, outcome=outcome)
            return
        output = "".join(
            f"--- {name} ---\n{text}" for r in reports for name, text in r.sections if text
        )
        self._emit(
            "test",
            id=nodeid,
            outcome=outcome,
            message=truncate(message, MESSAGE_LIMIT),
            details=truncate(details, DETAILS_LIMIT),
            output=truncate(output, OUTPUT_LIMIT),
            duration=round(sum(r.duration for r in reports), 6),
            where=spot,
        )
        if outcome != PASSED:
            self._tell()

    def pytest_sessionfinish(self, session, exitstatus):
        self._emit("finish", exitstatus=int(exitstatus))
        self._tell()

    def _tell(self) -> None:
        """Watch mode: a byte on the news pipe, so that the report is read now (a test that did
        not pass: an early RED; the finish: the verdict, while the process still ends)."""
        if self._news is not None:
            try:
                self._write(self._news, b"!")
            except OSError:  # full, or nobody reads: the verdict at the end says it all the same
                pass


def _combine(reports) -> tuple[str, str, str]:
    """One outcome for a test from its setup, call and teardown reports."""
    by_phase = {r.when: r for r in reports}
    setup, call, teardown = by_phase.get("setup"), by_phase.get("call"), by_phase.get("teardown")
    if setup is None:
        return ERROR, "the test did not start", ""
    if setup.failed:
        return ERROR, "error while setting up the test: " + _crash_message(setup), setup.longreprtext
    if setup.skipped:
        kind = XFAILED if hasattr(setup, "wasxfail") else SKIPPED
        return kind, _crash_message(setup), ""
    if call is None:
        return ERROR, "the test did not run to the end", ""
    if call.failed:
        return FAILED, _crash_message(call), call.longreprtext
    if call.skipped:
        kind = XFAILED if hasattr(call, "wasxfail") else SKIPPED
        return kind, _crash_message(call) or getattr(call, "wasxfail", ""), ""
    if hasattr(call, "wasxfail"):
        return XPASSED, "passed, but was marked as expected to fail", ""
    if teardown is None:
        return ERROR, "the test did not finish its clean-up", ""
    if teardown.failed:
        return ERROR, "error while cleaning up after the test: " + _crash_message(teardown), teardown.longreprtext
    return PASSED, "", ""
