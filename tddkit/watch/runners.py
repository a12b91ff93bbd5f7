"""The watcher's side of a run: start it, cancel it, and get its RawRun when it is done.

`ForkRunner` asks the fork server (see forkserver.py) for a test process; `ThreadRunner` is
the fallback where fork is missing: a plain `runner.run_tests` in a thread, which cannot be
stopped early, so a cancelled run is only ignored. Both give a selectable file descriptor
that becomes readable when there is news, and the same RawRun as `tddkit run`.

In watch mode a run's RawRun comes as soon as pytest has written its finish record (its tests
ran to the end): the records are then all there, and the test process only ends (pytest's
clean-up, about 8 ms). The process's own end is waited for before the next run starts.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tddkit import confine, runner
from tddkit.runner import RawRun

START_TIMEOUT = 60.0  # seconds to wait for the fork server's imports
RAN_TO_THE_END = (0, 1)  # pytest's exit statuses when every test ran (passed, or some failed): no
# other needs the run's output to be judged (light.decide), so those runs are answered at finish
NO_FORK = "TDDKIT_WATCH_NO_FORK"  # set to 1 to use the fallback runner


class ServerGone(Exception):
    """The fork server died; the loop switches to the fallback runner."""


def fork_available() -> bool:
    return hasattr(os, "fork") and hasattr(os, "setsid") and not os.environ.get(NO_FORK)


def make_runner(root: Path):
    if fork_available():
        try:
            return ForkRunner(root)
        except OSError:
            pass
    return ThreadRunner(root)


class ForkRunner:
    """`ahead`: after each run, prepare the next run of the same files (watch mode). A grade's runs
    are each in a scratch workspace of their own (`start`'s cwd), so none is prepared for them."""

    def __init__(self, root: Path, ahead: bool = True):
        self.root = root
        self.ahead = ahead
        env = runner.test_process_env(os.environ)
        # Every test process is forked from the server and so carries its marker: what they start,
        # even in a session of its own, is found by it and killed when the watch ends.
        self.marker = env[confine.MARKER] = confine.new_marker()
        self.folder = Path(tempfile.mkdtemp(prefix=confine.temp_prefix("watch")))
        self.server = subprocess.Popen(
            [sys.executable, "-P", "-m", "tddkit.watch.forkserver"],  # -P: a tddkit/ folder in the workspace is not the kit
            cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
        )
        self._buffer = b""
        self._job: dict | None = None
        self._ending: dict | None = None  # a run answered at its finish record, whose process still ends
        self._prepared: dict | None = None  # the next run, whose test process waits for "go"
        self.pid: int | None = None  # the running test process (and its group)
        self._ready = False  # the server imports while the watcher sets itself up: see wait_ready

    def wait_ready(self) -> None:
        """Wait for the server's imports to be done; ServerGone if it does not get that far."""
        if not self._ready:
            self._ready = "ready" in self._next_message(START_TIMEOUT)
            if not self._ready:
                self.close()
                raise ServerGone()

    # -- the protocol -------------------------------------------------------------------

    def fileno(self) -> int:
        return self.server.stdout.fileno()

    def _send(self, message: dict) -> None:
        try:
            self.server.stdin.write((json.dumps(message) + "\n").encode())
            self.server.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise ServerGone() from None

    def _read(self) -> list[dict]:
        data = os.read(self.fileno(), 65536)
        if not data:
            raise ServerGone()
        self._buffer += data
        *complete, self._buffer = self._buffer.split(b"\n")
        return [json.loads(line) for line in complete if line.strip()]

    def _next_message(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.fileno()], [], [], timeout)
        if not ready:
            return {}
        messages = self._read()
        return messages[0] if messages else self._next_message(timeout)

    # -- runs -----------------------------------------------------------------------------

    def start(self, test_files: list[str], timeout: float, cwd: Path | None = None, mode: str = "",
              options: tuple[str, ...] = ()) -> None:
        """Run the test files, in `cwd` (default: the server's folder), Hypothesis in `mode` (child.py),
        with pytest's `options` (as runner.run_tests)."""
        self.wait_ready()
        self._stop_ending()
        key = (tuple(test_files), timeout, cwd, mode, tuple(options))
        if self._prepared is None or self._prepared["key"] != key:
            self._prepare(key)
        self._job, self._prepared = self._prepared, None
        self._job["went"] = time.monotonic()
        self._send({"go": True})

    def _prepare(self, key: tuple) -> None:
        """Have the server fork the next run's test process now, to wait for "go"."""
        test_files, timeout, cwd, mode, options = key
        if self._prepared is not None:  # the server drops its process
            self._remove_files(self._prepared)
        token = secrets.token_hex(16)
        report = tempfile.NamedTemporaryFile(dir=self.folder, prefix="report-", delete=False)
        output = tempfile.NamedTemporaryFile(dir=self.folder, prefix="output-", delete=False)
        self._prepared = {"key": key, "token": token, "report": report, "output": output, "timeout": timeout,
                          "cancel": False, "read": 0, "pid": None}
        self._send({"prepare": {"args": runner.pytest_args(list(test_files), options), "report": report.name,
                                "output": output.name, "token": token, "mode": mode, "timeout": timeout,
                                "cwd": str(cwd) if cwd else None}})

    @staticmethod
    def _remove_files(job: dict) -> None:
        for f in (job["report"], job["output"]):
            f.close()
            os.unlink(f.name)

    def new_records(self) -> list[dict]:
        """The records the current run has reported since the last call, signatures checked
        (runner.parse_records)."""
        if self._job is None:
            return []
        report = self._job["report"]
        report.seek(self._job["read"])
        complete = report.read()
        complete = complete[:complete.rfind(b"\n") + 1]  # a record still being written waits
        self._job["read"] += len(complete)
        return runner.parse_records(complete, self._job["token"])

    def cancel(self) -> None:
        """Kill the current run; its result will be reported as cancelled."""
        if self._job is None:
            return
        self._job["cancel"] = True
        if self.pid is not None:
            self._send({"cancel": True})

    @property
    def ending(self) -> bool:
        """A run was answered at its finish, and its process has not been seen to end: the server
        will say so (fileno() becomes readable), and the next run is prepared then."""
        return self._ending is not None

    def result(self) -> tuple[RawRun, bool] | None:
        """Call when fileno() is readable: (the run, whether it was cancelled) once it is done (in
        watch mode, once pytest has finished: see `ending`); None before (on the server's news of a
        run still going, new_records has them) and after."""
        answer = None
        for message in self._read():
            if "started" in message:
                self.pid = message["started"]
                if self._job is not None:
                    self._job["pid"] = self.pid
                    if self._job["cancel"]:
                        self._send({"cancel": True})
            elif "news" in message and self._job is not None and self.ahead and self._finished(self._job):
                job, self._job, self._ending = self._job, None, self._job
                raw = RawRun(pid=job["pid"], timeout=job["timeout"], duration=time.monotonic() - job["went"])
                answer = self._read_results(raw, job), job["cancel"]
            elif "done" in message and self._ending is not None and message["done"] == self._ending["pid"]:
                self._end(self._ending)
            elif "done" in message and self._job is not None:
                job, self._job = self._job, None
                raw = RawRun(pid=message["done"], returncode=message["returncode"], timed_out=message["timed_out"],
                             timeout=job["timeout"], duration=message["duration"])
                answer = self._read_results(raw, job), message["cancelled"] or job["cancel"]
                self._end(job)
        return answer

    @staticmethod
    def _finished(job: dict) -> bool:
        """Whether the run's last record is a finish whose tests all ran (the plugin writes none after it)."""
        report = job["report"]
        size = report.seek(0, os.SEEK_END)
        report.seek(max(0, size - 4096))
        tail = report.read()
        lines = tail[:tail.rfind(b"\n")].rsplit(b"\n", 1)
        last = runner.parse_records(lines[-1], job["token"])
        return bool(last) and last[0].get("kind") == "finish" and last[0].get("exitstatus") in RAN_TO_THE_END

    def _read_results(self, raw: RawRun, job: dict) -> RawRun:
        self.pid = None
        return runner.read_results(raw, job["report"], job["output"], job["token"], job["key"][2] or self.root)

    def _end(self, job: dict) -> None:
        """The run's process has ended: drop its files, and prepare the next run of this kata."""
        if job is self._ending:
            self._ending = None
        self._remove_files(job)
        try:
            if self.ahead:
                self._prepare(job["key"])  # the next run of this kata, ready before the next save
        except ServerGone:  # the next start says so; the run's result still counts
            pass

    def _stop_ending(self) -> None:
        """Before a run starts: stop the process of a run answered at its finish, if it still
        ends (its clean-up can only hold up the server), and wait for the server to say so."""
        if self._ending is None:
            return
        self._send({"cancel": True})
        while self._ending is not None:
            ready, _, _ = select.select([self.fileno()], [], [], START_TIMEOUT)
            if not ready:
                raise ServerGone()
            self.result()

    def close(self) -> None:
        """End the server and any test process, and wait for them."""
        try:
            self.server.stdin.close()  # end of file: the server kills its run and exits
        except OSError:
            pass
        try:
            self.server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            runner.kill_group(self.server.pid)
            self.server.wait()
            if self.pid is not None:  # the server could not kill it
                runner.kill_group(self.pid)
        self.server.stdout.close()
        confine.kill_marked(self.marker)
        shutil.rmtree(self.folder, ignore_errors=True)


class ThreadRunner:
    """The fallback: a cold `runner.run_tests` per run, in a thread."""

    ending = False  # a run is answered when its process has ended

    def __init__(self, root: Path):
        self.root = root
        self._r, self._w = os.pipe()
        self._done: RawRun | None = None
        self._cancelled = False

    def fileno(self) -> int:
        return self._r

    def start(self, test_files: list[str], timeout: float) -> None:
        self._cancelled = False

        def work():
            self._done = runner.run_tests(self.root, test_files, timeout)
            os.write(self._w, b"!")

        threading.Thread(target=work, daemon=True).start()

    def new_records(self) -> list[dict]:
        return []  # run_tests reads its report at the end, and has no news: no RED before it (watch/loop.py)

    def cancel(self) -> None:
        self._cancelled = True  # the run goes on to its end, and its result is dropped

    def result(self) -> tuple[RawRun, bool] | None:
        os.read(self._r, 1)
        done, self._done = self._done, None
        return (done, self._cancelled) if done is not None else None

    def close(self) -> None:
        os.close(self._r)
        os.close(self._w)
