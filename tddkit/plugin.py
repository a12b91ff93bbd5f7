"""The pytest plugin that turns test outcomes into records, one JSON line each.

It runs inside the test process, beside the learner's code. Each line carries a per-run
token that the plugin takes out of the environment before any learner code is imported, and
goes to a file descriptor that the runner opened: a learner's module cannot casually forge a
result by printing or by writing the kit's files. (Code in the same process can always cheat
on purpose; see docs/guarantees.md.)

Records, in the order they are written:
  collected      {"tests": [{"id", "step", "file", "line"}]}   the items pytest will run
  collect_error  {"where", "message"}                          a file that could not be collected
  start          {"id"}                                         a test began (for crash reports)
  test           {"id", "outcome", "message", "details", "output", "duration"}
  finish         {"exitstatus"}                                 pytest finished normally
"""

from __future__ import annotations

import json
import os

from tddkit.messages import TEXT_CUT

MESSAGE_LIMIT = 4 * 1024
DETAILS_LIMIT = 16 * 1024
OUTPUT_LIMIT = 64 * 1024

# Outcomes as the runner understands them; only "passed" counts towards GREEN.
PASSED, FAILED, ERROR, SKIPPED, XFAILED, XPASSED = "passed", "failed", "error", "skipped", "xfailed", "xpassed"


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + TEXT_CUT.format(len(text) - limit)


def _crash_message(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message
    if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason)
        return str(report.longrepr[2])
    return str(report.longrepr).strip().splitlines()[-1] if report.longrepr else ""


class ReportPlugin:
    def __init__(self, fd: int, token: str):
        self._fd = fd
        self._token = token
        self._phases: dict[str, list] = {}
        # Bound now, so that a learner's monkeypatching of json or os later cannot reroute us.
        self._dumps = json.dumps
        self._write = os.write

    def _emit(self, kind: str, **fields) -> None:
        line = self._dumps({"token": self._token, "kind": kind, **fields}, ensure_ascii=True) + "\n"
        data = line.encode()
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
        self._emit("start", id=nodeid)

    def pytest_runtest_logreport(self, report):
        self._phases.setdefault(report.nodeid, []).append(report)

    def pytest_runtest_logfinish(self, nodeid, location):
        reports = self._phases.pop(nodeid, [])
        outcome, message, details = _combine(reports)
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
        )

    def pytest_sessionfinish(self, session, exitstatus):
        self._emit("finish", exitstatus=int(exitstatus))


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
