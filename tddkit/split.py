"""One run's tests split across the machine's cores.

After collection the test process forks a worker for each share of the tests but the first,
runs the first share itself, then waits for the workers. Shares are contiguous slices of the
tests in file order (a module's fixtures and a test file's cached set-up mostly stay in one
process), balanced by how long each test took last time.

Each process reports its own tests through the same report descriptor, and the light is
decided from those records as for any run: a test that no process reported is never a pass.
A worker that does not finish its share ends the whole run the way it ended (the same exit
status or signal, or an interrupted session), before the session's end is reported, so the
light names what happened and the test it happened in.

Captured output must be per process: runs that split use pytest's `--capture=sys`. (With the
default fd capture, forked processes would share, and truncate, one capture file.)
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import traceback
from dataclasses import dataclass

import pytest

from tddkit.child import flush_output

CAPTURE = "--capture=sys"
UNKNOWN_WEIGHT = 0.001  # seconds, for a test with no time on record (a new test)
TMP_FIXTURES = {"tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory"}
FINISHED, INTERRUPTED = b"f", b"i"  # a worker's last word to its parent
WORKER_FAILED = 70  # exit status of a worker whose own machinery failed (EX_SOFTWARE)


def contiguous_shares(weights: list[float], workers: int) -> list[tuple[int, int]]:
    """(start, end) slices that split the tests, in order, into at most `workers` non-empty
    shares of about equal total weight."""
    n = len(weights)
    if n == 0:
        return []
    count = min(workers, n)
    before = list(itertools.accumulate(weights, initial=0.0))  # before[i]: weight of tests[:i]
    cuts = [0]
    for share in range(1, count):
        target = before[n] * share / count
        # At least one test in this share, and one for each share still to come.
        possible = range(cuts[-1] + 1, n - (count - share) + 1)
        cuts.append(min(possible, key=lambda i: abs(before[i] - target)))
    cuts.append(n)
    return list(zip(cuts, cuts[1:]))


def run_share(session, items) -> None:
    """Run some of the session's items as pytest's own loop runs them all."""
    for i, item in enumerate(items):
        nextitem = items[i + 1] if i + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        if session.shouldfail:
            raise session.Failed(session.shouldfail)
        if session.shouldstop:
            raise session.Interrupted(session.shouldstop)


@dataclass
class Worker:
    pid: int
    said: int  # read end of the pipe on which the worker says how its share ended


def start_worker(session, items, reseed) -> Worker:
    said, say = os.pipe()
    pid = os.fork()
    if pid:
        os.close(say)
        return Worker(pid, said)
    os.close(said)
    word, code = b"", WORKER_FAILED
    try:
        reseed()
        run_share(session, items)
        word, code = FINISHED, 0
    except (KeyboardInterrupt, pytest.exit.Exception, session.Failed):
        word, code = INTERRUPTED, 0
    except BaseException:
        traceback.print_exc()
    finally:
        flush_output()
        try:
            os.write(say, word)
        finally:
            os._exit(code)


def join(worker: Worker, session) -> None:
    """Wait for a worker; if it did not finish its share, end this process the same way."""
    try:
        _, status = os.waitpid(worker.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        # Its word, if it said one, is in the pipe now. (Not read to the end: a process the
        # tests forked may hold the pipe open.)
        os.set_blocking(worker.said, False)
    except ChildProcessError:  # the learner's code reaped it: its word is all there is
        code = WORKER_FAILED
    try:
        word = os.read(worker.said, 1)
    except BlockingIOError:
        word = b""
    os.close(worker.said)
    if word == FINISHED:
        return
    if word == INTERRUPTED:
        raise session.Interrupted("a test stopped the session")
    flush_output()
    if code < 0:  # killed by a signal: so is this process
        try:
            signal.signal(-code, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL and SIGSTOP keep their default anyway
            pass
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


class SplitRun:
    """The pytest plugin: `workers` shares at most, weighted by {test id: seconds}."""

    def __init__(self, workers: int, weights: dict[str, float], reseed):
        self.workers = workers
        self.weights = weights
        self.reseed = reseed  # what a forked process calls first, so that it draws fresh examples

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed or session.config.option.collectonly or threading.active_count() > 1:
            return None  # pytest's own loop: collection errors, and forking beside threads is unsafe
        items = session.items
        shares = contiguous_shares([self.weights.get(item.nodeid, UNKNOWN_WEIGHT) for item in items], self.workers)
        if len(shares) < 2:
            return None
        if any(TMP_FIXTURES & set(item.fixturenames) for item in items):
            # One base folder for every process, made before the fork (each would make its own).
            factory = getattr(session.config, "_tmp_path_factory", None)
            if factory is None:
                return None
            factory.getbasetemp()
        flush_output()  # or what is still buffered would be written once per process
        workers = [start_worker(session, items[start:end], self.reseed) for start, end in shares[1:]]
        start, end = shares[0]
        run_share(session, items[start:end])
        for worker in workers:
            join(worker, session)
        return True
