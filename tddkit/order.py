"""The orders a kata's tests run in, and the check that says when a failure depends on order.

A learner's runs (run, next, watch) run every test in one process, in file order, as one plain
`python -m pytest` of the kata's tests does: the light is never GREEN where that fails a test.
`tddkit verify` also runs each mutant in reverse order and split across processes (split.py),
so that a mutant caught only by the luck of the file order is found out.

A test can fail in file order only because of what ran before it: code that keeps state between
calls (a cache, a module-level variable, a mutable default). The light stays RED, and says so:
after a run in which a test failed, the first failing test (the one the learner reads first) is
run again alone, in a copy of the test process forked just after collection, before any test
ran. Its outcome there is reported as an "alone" record, never as the test's own.
"""

from __future__ import annotations

import math
import os
import signal
import time

import pytest

from tddkit.forking import flush_output, fresh_randomness, ready_to_fork

FILE, REVERSE, SPLIT = "file", "reverse", "split"
ORDERS = (FILE, REVERSE, SPLIT)
ALONE_BUDGET = 2.0  # seconds the run waits for the failing test alone; then it goes without


def arrange(order: str, report) -> tuple[list[str], list]:
    """The extra pytest arguments and the plugins that run the tests in `order`."""
    if order == SPLIT:
        from tddkit.split import CAPTURE, SplitRun

        return [CAPTURE], [SplitRun()]
    return [], [FailureAlone(report), *([Reversed()] if order == REVERSE else [])]


class Reversed:
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        items.reverse()


class FailureAlone:
    """The pytest plugin: keeps a copy of the collected session, and runs the first failing
    test in it once the session's own loop is over."""

    def __init__(self, report):
        self.report = report
        self.failed: set[str] = set()

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.add(report.nodeid)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session):
        copy = None
        if not session.testsfailed and not session.config.option.collectonly and len(session.items) > 1 \
                and ready_to_fork(session):
            copy = PristineCopy(session, self.report)
        try:
            result = yield
        except BaseException:
            if copy is not None:
                copy.end()
            raise
        if copy is not None:
            first = self.first_failure(session.items)
            if first is None:
                copy.end()
            else:
                copy.run_alone(first)
        return result

    def first_failure(self, items) -> int | None:
        """The index of the failing test with the lowest step, first in the run's order. A test
        with no step (the learner's own, own_tests.py) comes after every kata test."""
        def step(item) -> float:
            marker = item.get_closest_marker("step")
            return marker.args[0] if marker and marker.args and isinstance(marker.args[0], int) else math.inf

        failing = [i for i, item in enumerate(items) if item.nodeid in self.failed]
        return min(failing, key=lambda i: step(items[i])) if failing else None


class PristineCopy:
    """A fork of the test process before any test ran, waiting for the index of a test to run."""

    def __init__(self, session, report):
        listen, self.say = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.say)
            _wait_and_run(session, report, listen)
        os.close(listen)

    def run_alone(self, index: int) -> None:
        try:
            os.write(self.say, f"{index}\n".encode())
        except OSError:  # it died while it waited: there is nothing to say about order
            pass
        os.close(self.say)
        deadline = time.monotonic() + ALONE_BUDGET
        try:
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    self.end(closed=True)
                    return
                time.sleep(0.001)
        except ChildProcessError:  # the learner's code reaped it
            pass

    def end(self, closed: bool = False) -> None:
        if not closed:
            os.close(self.say)
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _wait_and_run(session, report, listen: int) -> None:
    """In the copy: wait for a test's index, run that test alone, report it. Never returns."""
    try:
        line = b""
        while chunk := os.read(listen, 64):
            line += chunk
        if line.strip():
            item = session.items[int(line)]
            fresh_randomness()
            report.alone = True
            terminal = session.config.pluginmanager.get_plugin("terminalreporter")
            if terminal is not None:  # the run's output is the run's, not this copy's
                session.config.pluginmanager.unregister(terminal)
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=None)
    except BaseException:
        pass
    finally:
        flush_output()
        os._exit(0)
