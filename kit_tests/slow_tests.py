"""Signs of life from a slow suite: a pytest plugin that names a test still running after a while,
on a line of its own, and says how long it took when it ends:

    kit_tests/test_verify.py ..
        kit_tests/test_verify.py::test_every_kata_verifies[transport] ... 47 s
    ....                                                                 [ 40%]

pytest writes a test's dot only once it has ended, so the kit's tests that run for tens of
seconds (verify, watch, transport) would show nothing for minutes, and `-v`, a line for every
test, is too many. With `-v` each test is named as it starts already, so this adds nothing then.
On a terminal and off one alike: a CI log shows where its minutes went.
"""

from __future__ import annotations

import io
import os
import sys
import threading
import time

import pytest

SLOW = 10.0  # seconds a test runs before it is named


def show(config, seconds: float = SLOW) -> None:
    """Turn it on for this pytest run (from a conftest's pytest_configure, after the terminal's)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or config.get_verbosity() > 0:
        return
    try:
        # While a test runs, pytest captures what is written on stdout's file descriptor; a copy
        # of it, taken now that pytest is not capturing, still reaches the terminal (or the log).
        out = os.dup(sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # no file descriptor: stay quiet
        return
    config.pluginmanager.register(SlowTests(reporter, out, seconds), "slow-tests")


class SlowTests:
    """The timer runs in a thread of its own: the test holds the main thread. It names the test
    while the test runs, when pytest writes nothing; the lock keeps its line whole. The time is
    written when pytest reports the test, through pytest's own writer, which counts the line's
    width for its "[ 40%]"."""

    def __init__(self, reporter, out: int, seconds: float):
        self.reporter, self.out, self.seconds = reporter, out, seconds
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.started = 0.0
        self.named = False  # the line that names the running test is open

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        self.started = time.monotonic()
        self.timer = threading.Timer(self.seconds, self.still_running, (nodeid,))
        self.timer.daemon = True
        self.timer.start()

    def still_running(self, nodeid: str) -> None:
        with self.lock:
            if self.timer is None:  # it ended meanwhile
                return
            # On a line of its own; the dots after it go on without the file's name again.
            os.write(self.out, f"\n    {nodeid} ... ".encode(errors="replace"))
            self.named = True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report) -> None:
        """Before pytest writes the test's letter; a setup that passed goes on to the test itself."""
        if report.when == "setup" and report.passed:
            return
        with self.lock:
            if self.named:
                self.reporter.write(f"{time.monotonic() - self.started:.0f} s\n", flush=True)
                self.named = False

    def pytest_runtest_logfinish(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None

    def pytest_unconfigure(self) -> None:
        os.close(self.out)
