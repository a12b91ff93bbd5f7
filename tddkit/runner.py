"""Runs a kata's tests in a separate process and collects the plugin's records.

The test process gets its own process group and a timeout; whatever it does (loops, exits,
crashes, forks) the runner kills the whole group and keeps going. Nothing here decides a
light: that is `light.decide`, from the records this module gathers.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tddkit import child, messages
from tddkit.plugin import OUTPUT_LIMIT

PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "--no-header", "-o", "console_output_style=classic"]


@dataclass
class RawRun:
    """What came out of one test process, before any judgement."""

    records: list[dict] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    timeout: float = 0.0
    duration: float = 0.0
    output: str = ""  # pytest's own terminal output, truncated

    def of_kind(self, kind: str) -> list[dict]:
        return [r for r in self.records if r.get("kind") == kind]


def pytest_args(test_files: list[str], collect_only: bool = False) -> list[str]:
    return [*test_files, *PYTEST_ARGS, *(["--collect-only"] if collect_only else [])]


def parse_records(data: bytes, token: str) -> list[dict]:
    """The plugin's records: lines that parse as JSON objects and carry this run's token."""
    records = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("token") == token:
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
    collect_only: bool = False,
    derandomize: bool = False,
) -> RawRun:
    token = secrets.token_hex(16)
    with tempfile.TemporaryFile() as report, tempfile.TemporaryFile() as output:
        env = dict(os.environ)
        env[child.REPORT_FD] = str(report.fileno())
        env[child.TOKEN] = token
        env.pop(child.HYPOTHESIS_MODE, None)
        if derandomize:
            env[child.HYPOTHESIS_MODE] = "derandomize"
        env.pop("PYTEST_ADDOPTS", None)  # the learner's shell must not change what counts
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tddkit.child", *pytest_args(test_files, collect_only)],
            cwd=workspace,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(report.fileno(),),
            start_new_session=True,
        )
        raw = RawRun(timeout=timeout)
        try:
            raw.returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raw.timed_out = True
            kill_group(proc.pid)
            raw.returncode = proc.wait()
        kill_group(proc.pid)  # children the tests left behind
        raw.duration = time.monotonic() - started
        read_results(raw, report, output, token)
    return raw


def read_results(raw: RawRun, report, output, token: str) -> RawRun:
    """Fill in a finished run's records and output from its report and output files.

    Shared with watch mode's fork server, so that both ways of running give the same RawRun.
    """
    report.seek(0)
    raw.records = parse_records(report.read(), token)
    size = output.seek(0, os.SEEK_END)
    output.seek(0)
    raw.output = output.read(OUTPUT_LIMIT).decode("utf-8", "replace")
    if size > OUTPUT_LIMIT:
        raw.output += messages.OUTPUT_CUT.format(size - OUTPUT_LIMIT)
    return raw
