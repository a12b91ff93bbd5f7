"""Runs a kata's tests in a separate process and collects the plugin's records.

The test process gets its own process group and a timeout; whatever it does (loops, exits,
crashes, forks) the runner kills the whole group and keeps going. Nothing here decides a
light: that is `light.decide`, from the records this module gathers.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tddkit import child, confine, messages
from tddkit.plugin import OUTPUT_LIMIT, sign

KIT_INI = Path(__file__).with_name("kit_pytest.ini")
# --tb=native: pytest's own traceback formatting doubles the time of a run with many failures,
# and the learner reads the assertion message, which is the same either way.
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "--no-header", "--tb=native", "-o", "console_output_style=classic",
               # the kit's configuration, not the workspace's: no ini addopts, no conftest.py
               "-c", str(KIT_INI), "--rootdir", ".", "--noconftest",
               # collect from the workspace down, as plain pytest does from its pytest.ini; left to
               # the kit's ini, it is the folder around the workspace: a package there is imported
               # (a wrong RED), and every file there is listed on every run
               "--confcutdir", "."]
# Variables of the learner's shell that would change which tests run or how they report, or
# (PYTHONPYCACHEPREFIX) keep bytecode where child.forget_stale_bytecode cannot see it, so that
# an edit of the same size within one second would run the old code.
UNWANTED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONPYCACHEPREFIX")


def test_process_env(environ) -> dict:
    """The learner's environment, less what must not reach a test process (nor the fork server)."""
    return {k: v for k, v in environ.items() if k not in UNWANTED_ENV and not k.startswith("TDDKIT_")}


@dataclass
class RawRun:
    """What came out of one test process, before any judgement."""

    records: list[dict] = field(default_factory=list)
    pid: int | None = None  # the test process (a split run's workers, and the copy that runs a
    # failing test alone, are its children)
    returncode: int | None = None
    timed_out: bool = False
    timeout: float = 0.0
    duration: float = 0.0
    output: str = ""  # pytest's own terminal output, truncated
    stopped_at: dict | None = None  # on a timeout: where the learner's code was (where.py)

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.records if r.get("kind") == kind]


def pytest_args(test_files: list[str], options: tuple[str, ...] = ()) -> list[str]:
    return [*test_files, *PYTEST_ARGS, *options]


def parse_records(data: bytes, token: str) -> list[dict]:
    """The plugin's records: lines signed with this run's token whose JSON is an object."""
    records = []
    for line in data.decode("utf-8", "replace").splitlines():
        signature, _, body = line.partition(" ")
        if not hmac.compare_digest(signature, sign(token, body)):
            continue
        try:
            record = json.loads(body)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_tests(
    workspace: Path,
    test_files: list[str],
    timeout: float,
    *,
    options: tuple[str, ...] = (),
    hypothesis: str = "",
    order: str = "file",
) -> RawRun:
    """Run the tests in a new test process, in `order` (order.py: verify's other orders), with
    pytest's `options` (`--collect-only`, or `-x` for a run that needs only its first failure)."""
    token = secrets.token_hex(16)
    marker = confine.new_marker()
    confine.sweep_orphans()
    with report_file() as (report, report_fd), tempfile.TemporaryFile() as output:
        token_fd = child.token_pipe(token)
        env = test_process_env(os.environ)
        env[child.REPORT_FD] = str(report_fd)
        env[child.TOKEN_FD] = str(token_fd)
        env[confine.MARKER] = marker
        env[confine.PARENT] = str(os.getpid())
        if hypothesis:  # child.DERANDOMIZE or child.CATCH: the kit's runs, not the learner's
            env[child.HYPOTHESIS_MODE] = hypothesis
        env[child.ORDER] = order
        started = time.monotonic()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-P", "-m", "tddkit.child", *pytest_args(test_files, options)],
                cwd=workspace,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                pass_fds=(report_fd, token_fd),
                start_new_session=True,
            )
        finally:
            os.close(token_fd)
            os.close(report_fd)
        raw = RawRun(pid=proc.pid, timeout=timeout)
        try:
            try:
                raw.returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                raw.timed_out = True
                confine.ask_for_stack(proc.pid)  # it writes its stack to its output, and dies
                try:
                    proc.wait(timeout=confine.STACK_PATIENCE)
                except subprocess.TimeoutExpired:
                    pass
                kill_group(proc.pid)
                raw.returncode = proc.wait()
        finally:  # also when the runner itself is interrupted (Ctrl-C)
            kill_group(proc.pid)  # children the tests left behind ...
            confine.kill_marked(marker)  # ... and those that left the process group
        raw.duration = time.monotonic() - started
        read_results(raw, report, output, token, workspace)
    return raw


@contextmanager
def report_file():
    """The report file: the runner reads it, the test process gets a write-only, append-only
    descriptor, so that learner code can neither read the records back (with their token) nor
    rewrite the ones already written."""
    fd, path = tempfile.mkstemp(prefix="tddkit-report-")
    try:
        write_fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    finally:
        os.unlink(path)
    with os.fdopen(fd, "w+b") as report:
        yield report, write_fd


def read_results(raw: RawRun, report, output, token: str, root: Path) -> RawRun:
    """Fill in a finished run's records and output from its report and output files, and for a
    run stopped by its timeout, where in the learner's code (in `root`) it was stopped.

    Shared with watch mode's fork server, so that both ways of running give the same RawRun.
    """
    report.seek(0)
    raw.records = parse_records(report.read(), token)
    size = output.seek(0, os.SEEK_END)
    output.seek(0)
    raw.output = output.read(OUTPUT_LIMIT).decode("utf-8", "replace")
    if size > OUTPUT_LIMIT:
        raw.output += messages.OUTPUT_CUT.format(size - OUTPUT_LIMIT)
    if raw.timed_out:
        from tddkit.where import from_dump

        raw.stopped_at = from_dump(raw.output, str(root))
    return raw
