"""Where did my code fail? (issue 16): the line of the learner's own code that a failing test raised
from, or that a timeout stopped, in `run`, `next`, `watch` and `--json`.

In the fixture pack's tiny kata `shout` (conftest.pack_template: a run takes about a second).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading

from conftest import tddkit

WAIT = 60.0  # seconds: a bound on waiting for watch's verdict, never an expectation of speed

# shout("hello") passes; shout(42) raises KeyError from line 3, where the test wants a TypeError.
KEY_ERROR = '''def shout(text):
    loud = {"hello": "HELLO!"}
    return loud[text]
'''
# A loop in pure Python, in the first test: stopped by the timeout at line 4 or 5.
LOOPS = '''def shout(text):
    n = 0
    while n >= 0:
        n += 1
        text = text + ""
'''
TIMEOUT = 3  # seconds, for the loop: the pack's own is 10


def with_a_short_timeout(ws, tmp_path) -> None:
    """Point the workspace at a copy of its pack whose kata times out after TIMEOUT seconds."""
    config = ws / ".tddkit" / "workspace.toml"
    old = config.read_text().split('pack = "')[1].split('"')[0]
    pack = shutil.copytree(old, tmp_path / "short-timeout-pack")
    meta = pack / "lessons" / "shout.toml"
    meta.write_text(meta.read_text().replace("timeout = 10", f"timeout = {TIMEOUT}"))
    config.write_text(config.read_text().replace(old, str(pack)))


def write_shout(ws, source: str) -> None:
    (ws / "katas" / "shout.py").write_text(source)


def test_an_error_raised_in_your_code_names_its_file_line_and_source_in_next_and_run_json(pack_workspace):
    write_shout(pack_workspace, KEY_ERROR)
    done = tddkit("next", "shout", cwd=pack_workspace)  # as `run` shows it, with the test's source
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    at = lines.index("  in your code: katas/shout.py:3 (in shout)")
    assert lines[at - 1].strip() == "KeyError: 42", "under the failure's own message"
    assert lines[at + 1].strip() == "return loud[text]", "and the line that failed"
    done = tddkit("run", "shout", "--json", cwd=pack_workspace)
    tests = {t["id"].split("::")[-1]: t for t in json.loads(done.stdout)["tests"]}
    assert tests["test_shout_refuses_what_is_not_text"]["where"] == {
        "file": "katas/shout.py", "line": 3, "function": "shout", "source": "return loud[text]"}
    assert tests["test_shout_is_upper_case_with_a_bang"]["where"] is None, "it passed"


def start_watch(ws) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    return subprocess.Popen([sys.executable, "-m", "tddkit", "watch", "shout", "--jsonl", "--no-keys"], cwd=ws,
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def first_verdict(proc: subprocess.Popen) -> dict:
    """The first verdict of a `tddkit watch --jsonl --no-keys`, which is then stopped."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=WAIT)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert line, stderr
    return json.loads(line)


def test_a_timeout_says_where_your_code_was_when_it_was_stopped_in_run_and_watch(pack_workspace, tmp_path):
    with_a_short_timeout(pack_workspace, tmp_path)
    write_shout(pack_workspace, LOOPS)
    watch = start_watch(pack_workspace)  # both at once: each waits for its timeout
    done = tddkit("run", "shout", "--json", cwd=pack_workspace)
    assert done.returncode == 3, done.stdout + done.stderr
    seen = {"run": json.loads(done.stdout), "watch": first_verdict(watch)}
    for command, result in seen.items():
        assert result["light"] == "amber", (command, result["reason"])
        assert result["reason"].startswith(f"timed out after {TIMEOUT} s during test_shout_is_upper_case_with_a_bang; "
                                           "your code was at katas/shout.py:"), (command, result["reason"])
        stopped = result["stopped_at"]
        assert (stopped["file"], stopped["function"]) == ("katas/shout.py", "shout"), command
        # Any line of the loop: the signal comes between two of its bytecodes.
        assert (stopped["line"], stopped["source"]) in ((3, "while n >= 0:"), (4, "n += 1"),
                                                        (5, 'text = text + ""')), command
        assert result["reason"].endswith(f"katas/shout.py:{stopped['line']} (in shout): {stopped['source']}")


def test_watch_shows_the_line_of_your_code_under_the_failure():
    from pathlib import Path

    from tddkit import catalogue
    from tddkit.judge import Outcome
    from tddkit.light import TestResult, Verdict
    from tddkit.watch.screen import verdict_lines

    kata = catalogue.find("sincostan")
    failing = TestResult("tests/test_sincostan.py::test_zero[int]", 1, "failed", "KeyError: 0",
                         where={"file": "katas/sincostan.py", "line": 31, "function": "sincostan",
                                "source": "return table[angle]"})
    outcome = Outcome(Verdict(kata.id, "red", 0, 1, None, [failing]), unlocked=False)
    shown = "\n".join(verdict_lines(Path("."), kata, outcome, 1.0, 2.0, following=None)).splitlines()
    at = shown.index("  in your code: katas/sincostan.py:31 (in sincostan)")
    assert shown[at - 1].strip() == "KeyError: 0" and shown[at + 1].strip() == "return table[angle]"
