"""A kata's tests split across processes: one of the orders `tddkit verify` runs them in.

A learner's runs are never split: a test's outcome can depend on the tests that ran before it in
the same process (a cache, a module-level variable), so the light comes from one process running
every test in file order, as plain pytest does. Verify splits the tests to find a mutant that is
caught only by the luck of that order.

After collection the test process forks a worker for each share of the tests but the first,
runs the first share itself, then waits for the workers. Shares are contiguous slices of the
tests in file order, of about equal size, so a run of the same files is always cut the same way.

Each process reports its own tests through the same report descriptor, and the light is
decided from those records as for any run: a test that no process reported is never a pass.
A worker that does not finish its share ends the whole run the way it ended (the same exit
status or signal, or an interrupted session), before the session's end is reported, so the
light names what happened and the test it happened in.

Captured output must be per process: runs that split use pytest's `--capture=sys`. (With the
default fd capture, forked processes would share, and truncate, one capture file.)
"""

from __future__ import annotations

import os
import signal
import traceback
from dataclasses import dataclass

import pytest

from tddkit.forking import flush_output, fresh_randomness, ready_to_fork

CAPTURE = "--capture=sys"
WORKERS = 2  # the same cut on every machine, so that verify's verdicts do not depend on it
FINISHED, INTERRUPTED = b"f", b"i"  # a worker's last word to its parent
WORKER_FAILED = 70  # exit status of a worker whose own machinery failed (EX_SOFTWARE)


def contiguous_shares(count: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) slices that split `count` tests, in order, into at most `workers` non-empty
    shares whose sizes differ by one at most."""
    shares = min(workers, count)
    cuts = [count * share // shares for share in range(shares + 1)] if shares else []
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


def start_worker(session, items) -> Worker:
    said, say = os.pipe()
    pid = os.fork()
    if pid:
        os.close(say)
        return Worker(pid, said)
    os.close(said)
    word, code = b"", WORKER_FAILED
    try:
        fresh_randomness()
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
    """The pytest plugin: the tests cut into `workers` shares at most."""

    def __init__(self, workers: int = WORKERS):
        self.workers = workers

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if session.testsfailed or session.config.option.collectonly:
            return None  # pytest's own loop: collection errors
        items = session.items
        shares = contiguous_shares(len(items), self.workers)
        if len(shares) < 2 or not ready_to_fork(session):
            return None
        workers = [start_worker(session, items[start:end]) for start, end in shares[1:]]
        start, end = shares[0]
        run_share(session, items[start:end])
        for worker in workers:
            join(worker, session)
        return True
