"""The test processes of a grade (grading.py): forked from prepared servers where fork is there.

A grade runs the learner's tests a dozen times or more (the reference, then each mutant), each in
a scratch workspace of its own. A cold test process spends most of its time importing pytest and
Hypothesis; so each run borrows a fork server (watch/forkserver.py: it has imported them, and
never a file of a workspace) and has it fork the run's test process, in the run's scratch
workspace. There are as many servers as runs have gone side by side. A fork server that cannot start, or dies, gives way to a cold `runner.run_tests`, which
gives the same RawRun. The servers outlive one grade: `write-tests --watch` keeps them.
"""

from __future__ import annotations

import queue
import select
import tempfile
import threading
from pathlib import Path

from tddkit import confine, runner
from tddkit.watch import runners


class GradeRuns:
    """Fork servers lent to one run at a time: as many as runs go side by side, made as needed."""

    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[runners.ForkRunner] = queue.SimpleQueue()
        self._servers: list[runners.ForkRunner] = []
        self._lock = threading.Lock()
        self._folder = tempfile.TemporaryDirectory(prefix=confine.temp_prefix("grade-servers"))
        self._fork = runners.fork_available()
        self._busy: set[runners.ForkRunner] = set()
        self.cancelled = False  # set by cancel(): the runs under way and to come are not wanted

    def run(self, ws: Path, test_files: list[str], timeout: float, options: tuple[str, ...], mode: str) -> runner.RawRun:
        server = self._borrow()
        if server is not None:
            try:
                with self._lock:
                    self._busy.add(server)
                server.start(test_files, timeout, cwd=ws, mode=mode, options=options)
                if self.cancelled:
                    server.cancel()
                while True:
                    select.select([server], [], [])
                    done = server.result()
                    if done is not None:
                        with self._lock:
                            self._busy.discard(server)
                        self._idle.put(server)
                        return done[0]
            except runners.ServerGone:  # this run goes cold, and the server is not lent again
                with self._lock:
                    self._busy.discard(server)
        return runner.run_tests(ws, test_files, timeout, options=options, hypothesis=mode)

    def cancel(self) -> None:
        """Kill the runs under way (their results are not wanted); until `resume`, runs end at once."""
        self.cancelled = True
        with self._lock:
            busy = list(self._busy)
        for server in busy:
            try:
                server.cancel()
            except runners.ServerGone:
                pass

    def resume(self) -> None:
        self.cancelled = False

    def _borrow(self) -> runners.ForkRunner | None:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        if not self._fork:
            return None
        try:
            server = runners.ForkRunner(Path(self._folder.name), ahead=False)
            server.wait_ready()
        except (OSError, runners.ServerGone):
            self._fork = False  # a server that cannot start now will not start next time either
            return None
        with self._lock:
            self._servers.append(server)
        return server

    def close(self) -> None:
        with self._lock:
            servers, self._servers = self._servers, []
        for server in servers:
            server.close()
        self._folder.cleanup()

    def __enter__(self) -> GradeRuns:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
