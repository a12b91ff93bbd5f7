"""Watch mode's fork server: a long-lived process that has already imported pytest and
Hypothesis, and forks a fresh test process for each run.

The watcher starts it as `python -P -m tddkit.watch.forkserver` in the workspace, in its own
session. It imports the kit's third-party modules and never the learner's modules or tests, so
each forked test process imports those from the files as they are now. It has no threads, so
forking it is safe. Each test process gets its own process group and the same timeout and
kill rules as `runner.run_tests`, and runs `tddkit.child.run`, as `tddkit run` does.

The next run's test process is forked ahead of time, and gets as far as a configured pytest
(`child.run`'s hold) before it waits: none of the workspace's files are read before "go".
After "go", if a file of the workspace would be imported in place of a module the server had
imported (a learner's `random.py`), the process makes itself a cold test process instead
(`child.exec_cold`), so that watch gives the light `tddkit run` and plain pytest give.

Protocol, one JSON object a line. The watcher writes on the server's stdin:
    {"prepare": {"args": [...], "report": path, "output": path, "token": str, "mode": str,
                 "timeout": s, "cwd": path}}
                                          fork the next run's test process (replacing one
                                          prepared before), which waits for "go"; it runs
                                          in "cwd" if given (a grade's scratch workspace),
                                          else in the server's
    {"go": true}                          the prepared process runs; its timeout starts now
    {"cancel": true}                      kill the test process of the current run
and the server answers on its stdout:
    {"ready": pid}                        once, when the imports are done
    {"started": pid}                      a test process is running (pid = its process group)
    {"news": pid}                         the running process's report has news: a test did
                                          not pass (the watcher's early RED, watch/loop.py), or
                                          pytest finished (its verdict, watch/runners.py)
    {"done": pid, "returncode": int, "timed_out": bool, "cancelled": bool, "duration": s}
The news come from the test process on a pipe of their own, which the server reads and turns
into that one fixed message: nothing the learner's code writes reaches the watcher's protocol.
End of file on stdin (the watcher exited, or was killed) kills the running and the prepared
test process groups and ends the server.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import sys
import time

from tddkit import child, confine, forking

STDIN, STDOUT = 0, 1
POLL = 0.005  # seconds between checks on a test process where pidfd_open is missing


def preload() -> None:
    """Import what every run needs and nothing of the learner's."""
    import importlib
    import importlib.metadata

    import _pytest.assertion.rewrite  # noqa: F401
    import _pytest.python  # noqa: F401
    import _pytest.terminal  # noqa: F401
    import hypothesis  # noqa: F401
    import hypothesis.strategies  # noqa: F401
    import pytest  # noqa: F401

    import tddkit.plugin  # noqa: F401
    import tddkit.order  # noqa: F401

    # The installed pytest plugins (Hypothesis' own among them), which every run loads.
    for entry in importlib.metadata.entry_points(group="pytest11"):
        try:
            entry.load()
        except Exception:  # a broken plugin is reported by the run itself, as in `tddkit run`
            pass

    # What every run imported still: pytest's default plugins, and what they and Hypothesis use.
    from _pytest.config import default_plugins

    for name in (*(f"_pytest.{plugin}" for plugin in default_plugins), "pdb", "faulthandler",
                 "encodings.unicode_escape", "hypothesis.internal.conjecture.optimiser"):
        try:
            importlib.import_module(name)
        except Exception:
            pass

    # Hypothesis looks for constants in every module it has not looked at yet, at a test
    # process's first example: looking at the preloaded modules now leaves each run only the
    # learner's modules and the tests. (Hypothesis' internals: if they change, a run only
    # takes that much longer. Its warning about plugins reading storage is for pytest runs.)
    try:
        import warnings

        from hypothesis.internal.conjecture.providers import _get_local_constants

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _get_local_constants()
    except Exception:
        pass


class Lines:
    """JSON lines read from a file descriptor without blocking on a partial line."""

    def __init__(self, fd: int):
        self.fd = fd
        self.eof = False
        self._buffer = b""

    def read(self) -> list[dict]:
        """What can be read now (call when select says the descriptor is readable)."""
        data = os.read(self.fd, 65536)
        if not data:
            self.eof = True
        self._buffer += data
        *complete, self._buffer = self._buffer.split(b"\n")
        return [json.loads(line) for line in complete if line.strip()]


def send(message: dict) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(STDOUT, data):]


def kill_group(pgid: int) -> None:
    from tddkit.runner import kill_group as kill

    kill(pgid)


def test_process(request: dict, go: int, news: int) -> None:
    """In the forked child: become a test process like `python -m tddkit.child`, and wait for
    the line on `go` before looking at the workspace; a byte on `news` says a test did not pass.
    Never returns."""
    code = 70
    try:
        os.setsid()
        if request.get("cwd"):
            os.chdir(request["cwd"])
        report = os.open(request["report"], os.O_WRONLY | os.O_APPEND)
        output = os.open(request["output"], os.O_WRONLY | os.O_APPEND)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        keep = sorted({report, go, news})
        for low, high in zip([3] + [fd + 1 for fd in keep], keep + [1 << 16]):
            os.closerange(low, high)
        gc.enable()
        forking.fresh_randomness()

        def hold() -> None:
            line = b""
            while not line.endswith(b"\n"):
                chunk = os.read(go, 65536)
                if not chunk:  # the server is gone, or dropped this run: nothing to do
                    os._exit(0)
                line += chunk
            os.close(go)
            if shadows_a_preloaded_module(folders_of(request["args"])):
                forking.flush_output()
                child.exec_cold(request["args"], report, request["token"], request.get("mode", ""), news)

        code = child.run(request["args"], report, request["token"], request.get("mode", ""), hold=hold, news=news)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        forking.flush_output()
        os._exit(code)


def folders_of(args: list[str]) -> list[str]:
    """The workspace, and the folders of the test files: where a run imports modules from."""
    return [os.getcwd(), *{os.path.dirname(os.path.abspath(a)) for a in args if a.endswith(".py")}]


def shadows_a_preloaded_module(folders: list[str]) -> bool:
    """Whether a file in one of the folders would be imported in place of a module this process
    has imported already: a cold test process, as plain pytest, would import the learner's file."""
    preloaded = {name.partition(".")[0] for name in sys.modules} - {"__main__", "tddkit"}
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name, _, kind = entry.name.partition(".")
            if name in preloaded and (kind.rpartition(".")[2] in ("py", "pyc", "so", "pyd")
                                      or (not kind and os.path.isfile(os.path.join(entry.path, "__init__.py")))):
                return True
    return False


def wait_for(pid: int, timeout: float, lines: Lines, news: int | None) -> dict:
    """Wait for the test process, killing its group on timeout, on cancel or at end of input,
    and pass on its news (a test that did not pass) as they come."""
    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(pid)
        except OSError:
            pidfd = None
    started = time.monotonic()
    deadline = started + timeout
    timed_out = cancelled = False
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            left = deadline - time.monotonic()
            if left <= 0 and not timed_out:  # as runner.run_tests: its stack first, then the kill
                timed_out = True
                confine.ask_for_stack(pid)
                deadline += confine.STACK_PATIENCE
                left = deadline - time.monotonic()
            elif left <= 0:
                kill_group(pid)
                left = None
            wait = POLL if pidfd is None else (None if left is None else max(left, 0))
            watch = [pidfd] if pidfd is not None else []
            if not lines.eof:
                watch.append(lines.fd)
            if news is not None:
                watch.append(news)
            ready, _, _ = select.select(watch, [], [], wait)
            if news in ready:
                if os.read(news, 65536):
                    send({"news": pid})
                else:  # every writer closed it: no more news from this run
                    news = None
            if lines.fd in ready:
                for message in lines.read():
                    if message.get("cancel"):
                        cancelled = True
                        kill_group(pid)
                if lines.eof:  # the watcher is gone: so is this run, and this server
                    kill_group(pid)
                    os.waitpid(pid, 0)
                    raise SystemExit(0)
    finally:
        if pidfd is not None:
            os.close(pidfd)
    kill_group(pid)  # processes the tests left behind
    return {"done": pid, "returncode": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
            "cancelled": cancelled, "duration": time.monotonic() - started}


class Prepared:
    """A test process forked ahead of its run, waiting for the line on its go pipe."""

    def __init__(self, request: dict):
        self.timeout = float(request["timeout"])
        read_end, self.go = os.pipe()
        self.news, news_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.go)
            os.close(self.news)
            test_process(request, read_end, news_end)
        os.close(read_end)
        os.close(news_end)

    def start(self, go: dict) -> None:
        try:
            os.write(self.go, (json.dumps(go) + "\n").encode())
        except BrokenPipeError:  # it died while it waited: its end is reported as any other
            pass
        os.close(self.go)

    def drop(self) -> None:
        os.close(self.go)  # it ends at end of file; killed all the same, with what it started
        os.close(self.news)
        kill_group(self.pid)
        try:
            os.kill(self.pid, signal.SIGKILL)  # it may not have made its own group yet
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def serve() -> None:
    lines = Lines(STDIN)
    send({"ready": os.getpid()})
    prepared: Prepared | None = None
    try:
        while not lines.eof:
            select.select([lines.fd], [], [])
            for message in lines.read():
                if "prepare" in message:
                    if prepared is not None:
                        prepared.drop()
                    prepared = Prepared(message["prepare"])
                elif "go" in message and prepared is not None:
                    running, prepared = prepared, None
                    running.start(message["go"])
                    send({"started": running.pid})
                    try:
                        send(wait_for(running.pid, running.timeout, lines, running.news))
                    finally:
                        os.close(running.news)
    finally:
        if prepared is not None:
            prepared.drop()


def main() -> int:
    # gc.freeze: the collector of each test process never walks the preloaded modules' objects
    # (pytest's end-of-run gc.collect() calls then cost next to nothing). Frozen with the
    # collector off, as the gc docs advise for a process that forks without exec.
    gc.disable()
    preload()
    gc.freeze()
    try:
        serve()
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
