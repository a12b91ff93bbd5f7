"""End-to-end tests of `tddkit watch`: a real watcher on a real workspace, edited from the test.

Each test starts `tddkit watch sincostan --jsonl --no-keys` in a fresh workspace, changes files
the way a learner or an editor does, and reads the verdicts it prints (one JSON object a line),
waiting for each with a generous bound. Stray processes are found by scanning /proc for any
process whose current folder is inside the workspace.
"""

from __future__ import annotations

import json
import os
import queue
import re
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import THREADS_OF, SOLUTIONS, signal_a_thread_not_the_main_one, tddkit, watch_lines
from robust_support import alive

from tddkit import confine
from tddkit.judge import Outcome
from tddkit.light import Verdict

WAIT = 60.0  # seconds: a bound on waiting for one verdict, never an expectation of speed
RUN_FIELDS = set(Outcome(Verdict("k", "green", 0, 0, None), unlocked=False).as_json())
REFERENCE = (SOLUTIONS / "sincostan.py").read_text()
# The same number of bytes as the reference, and wrong: sin and cos swapped in radians mode.
RIGHT = "return SinCosTan(math.sin(angle), math.cos(angle), math.tan(angle))"
WRONG = "return SinCosTan(math.cos(angle), math.sin(angle), math.tan(angle))"
assert RIGHT in REFERENCE and len(RIGHT) == len(WRONG)
SAME_SIZE_WRONG = REFERENCE.replace(RIGHT, WRONG)

pytestmark = pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="finds processes through /proc")


def processes_in(folder: Path) -> list[int]:
    """Live processes whose current folder is `folder` or inside it."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cwd = os.readlink(f"/proc/{entry}/cwd")
            except OSError:
                continue
            if cwd == str(folder) or cwd.startswith(f"{folder}/"):
                found.append(int(entry))
    return found


def wait_until_gone(folder: Path) -> list[int]:
    deadline = time.monotonic() + WAIT
    while processes_in(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    return processes_in(folder)


def wait_for_file(path: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


class Watch:
    """A running `tddkit watch --jsonl --no-keys`, and the verdicts it has printed."""

    def __init__(self, ws: Path, **extra_env: str):
        self.ws = ws
        env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
        env.update(extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tddkit", "watch", "sincostan", "--jsonl", "--no-keys"],
            cwd=ws, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.stdout.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def line(self) -> dict:
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no verdict within {WAIT} s; stderr so far: {self.stop_and_stderr()}") from None
        assert line is not None, f"watch ended early: {self.stop_and_stderr()}"
        return json.loads(line)

    def verdict(self) -> dict:
        """The next verdict of a whole run (a RED shown early, while its run went on, is passed over)."""
        while (got := self.line())["early"]:
            assert got["light"] == "red"
        return got

    def stop_and_stderr(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return self.proc.stderr.read()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            status = self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:  # say where it hangs: the watch dumps its threads' stacks
            self.proc.send_signal(confine.STACK_SIGNAL)
            time.sleep(1)
            raise AssertionError(f"the watch did not end within {WAIT} s of SIGTERM: {self.stop_and_stderr()}") from None
        self.proc.stderr.close()
        return status


@pytest.fixture
def kata(workspace) -> Path:
    return workspace / "katas" / "sincostan.py"


def write_atomically(path: Path, text: str) -> None:
    """As many editors save: write a hidden temporary file, then rename it over the old one."""
    temp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temp.write_text(text)
    os.replace(temp, path)


def runs_recorded(ws: Path) -> list[str]:
    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        return [light for (light,) in db.execute("SELECT light FROM runs ORDER BY id")]


def test_red_then_green_then_amber_one_json_object_per_verdict(workspace, kata):
    watch = Watch(workspace)
    red = watch.verdict()
    assert red["light"] == "red" and red["kata"] == "sincostan" and red["passed"] == 0 < red["total"]
    assert set(red) == RUN_FIELDS | {"early", "changed_at", "verdict_at"}
    assert isinstance(red["changed_at"], float) and red["changed_at"] <= red["verdict_at"] <= time.time()

    before = time.time()
    write_atomically(kata, REFERENCE)
    green = watch.verdict()
    assert green["light"] == "green" and green["passed"] == green["total"] == red["total"]
    assert green["unlocked"] is True and (workspace / "solutions" / "sincostan.py").read_text() == REFERENCE
    assert before <= green["changed_at"] <= green["verdict_at"]

    kata.write_text("import math\n\ndef sincostan(angle:\n    pass\n")
    amber = watch.verdict()
    assert amber["light"] == "amber" and "katas/sincostan.py:3" in amber["reason"]

    assert watch.stop() == 0
    whole_runs = [json.loads(line) for line in watch.stdout if not json.loads(line)["early"]]
    assert [v["light"] for v in whole_runs] == ["red", "green", "amber"], "only verdicts on stdout"
    assert runs_recorded(workspace) == ["red", "green", "amber"]
    assert wait_until_gone(workspace) == []


def held_until_released(ws: Path) -> Path:
    """A test of the learner's own, run after the kata's, that waits until the file this returns
    exists: a verdict read before it is made came before the run's end, whatever the timing."""
    release = ws / "release"
    (ws / "tests" / "test_mine.py").write_text(
        "import os, time\nfrom katas import sincostan\n\n\ndef test_waits_to_be_released():\n"
        f"    deadline = time.time() + {WAIT}\n"
        f"    while not os.path.exists({str(release)!r}) and time.time() < deadline:\n"
        "        time.sleep(0.01)\n"
        f"    assert os.path.exists({str(release)!r})\n")
    return release


def test_a_red_shows_at_its_first_failure_while_the_run_goes_on_and_its_run_follows(workspace, kata):
    release = held_until_released(workspace)  # the stub fails the first test
    watch = Watch(workspace)
    early = watch.line()
    assert early["early"] is True and early["light"] == "red" and early["passed"] == 0
    assert early["tests"][0]["outcome"] == "failed"  # the tests after it: as far as the run had got
    assert runs_recorded(workspace) == [], "an early RED is shown, not recorded"
    release.touch()
    whole = watch.line()
    assert whole["early"] is False and whole["light"] == "red" and whole["total"] == early["total"]
    assert whole["tests"][0] == early["tests"][0], "the failure shown early is the run's first failure"
    assert whole["your_tests"]["passed"] == 1 and whole["verdict_at"] > early["verdict_at"]
    assert watch.stop() == 0
    assert runs_recorded(workspace) == ["red"]


def test_the_early_red_on_the_screen_says_the_other_tests_still_run(workspace):
    release = held_until_released(workspace)
    proc, lines = watch_lines(workspace, "sincostan", "--no-keys")
    try:
        while (line := lines.get(timeout=WAIT)) is not None and "RED" not in line:
            pass
        assert line is not None and re.search(r"RED  sincostan: 0/(\d+) passed before the first failure; "
                                              r"(\d+) more still running", line), line
        assert "Step 1/" in lines.get(timeout=WAIT) + lines.get(timeout=WAIT), "the first failure's step, at once"
        release.touch()
        while (line := lines.get(timeout=WAIT)) is not None and "RED" not in line:
            pass
        assert line is not None and re.search(r"RED  sincostan: 0/\d+ tests passed", line), line
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    assert "Traceback" not in proc.stderr.read()


def test_a_verdict_comes_when_pytest_has_finished_not_when_its_process_has_ended(workspace, kata):
    # A learner's own test holds its process after pytest's last record (a cleanup of pytest's
    # config), until the file `release` exists: a verdict read before that came at the finish.
    release, ended = workspace / "release", workspace / "ended"
    (workspace / "tests" / "test_mine.py").write_text(
        "import os, time\nfrom katas import sincostan\n\n\ndef wait_for_release():\n"
        f"    deadline = time.time() + {WAIT / 3}\n"
        f"    while not os.path.exists({str(release)!r}) and time.time() < deadline:\n"
        "        time.sleep(0.01)\n"
        f"    open({str(ended)!r}, 'w').close()\n\n\n"
        "def test_holds_the_end_of_its_process(request):\n"
        "    request.config.add_cleanup(wait_for_release)\n")
    kata.write_text(REFERENCE)
    watch = Watch(workspace)
    green = watch.verdict()
    assert green["light"] == "green" and green["your_tests"]["passed"] == 1
    assert not ended.exists(), "the verdict waited for the test process to end"
    kata.write_text(SAME_SIZE_WRONG)  # a save while that process still ends: it is stopped, and this runs
    red = watch.verdict()
    assert red["light"] == "red", red["reason"]
    assert not ended.exists(), "the process left ending was stopped when the next run began"
    release.touch()
    kata.write_text(REFERENCE)
    assert watch.verdict()["light"] == "green"
    assert watch.stop() == 0
    assert runs_recorded(workspace) == ["green", "red", "green"]
    assert wait_until_gone(workspace) == []


def test_a_same_size_edit_in_the_same_second_is_seen_every_time(workspace, kata):
    kata.write_text(REFERENCE)
    stamp = kata.stat().st_mtime_ns
    watch = Watch(workspace)
    assert watch.verdict()["light"] == "green"
    for _ in range(3):
        for text, light in ((SAME_SIZE_WRONG, "red"), (REFERENCE, "green")):
            kata.write_text(text)
            os.utime(kata, ns=(stamp, stamp))  # same size, same mtime: a .pyc would look fresh
            got = watch.verdict()
            assert got["light"] == light, got["reason"] or [t for t in got["tests"] if t["outcome"] != "passed"][:1]
    assert watch.stop() == 0


def test_an_edit_during_a_run_cancels_it_and_it_is_not_counted(workspace, kata):
    kata.write_text(REFERENCE)
    watch = Watch(workspace)
    assert watch.verdict()["light"] == "green"
    started = workspace / "run-started"
    kata.write_text(REFERENCE + f"\nopen({str(started)!r}, 'w').close()\nwhile True:\n    pass\n")
    wait_for_file(started)  # the run is in progress, stuck in the endless loop
    kata.write_text(SAME_SIZE_WRONG)
    red = watch.verdict()
    assert red["light"] == "red", "the stuck run was cancelled, not reported as a timeout"
    assert watch.stop() == 0
    assert runs_recorded(workspace) == ["green", "red"]
    assert wait_until_gone(workspace) == []


def test_a_new_file_and_a_deleted_file_are_seen(workspace, kata):
    helper = workspace / "katas" / "angle_tools.py"
    kata.write_text(REFERENCE.replace("import math\n", "import math\nfrom katas.angle_tools import FULL_TURN\n", 1))
    watch = Watch(workspace)
    missing = watch.verdict()
    assert missing["light"] == "amber" and "angle_tools" in missing["reason"]
    helper.write_text("FULL_TURN = 360\n")
    assert watch.verdict()["light"] == "green"
    helper.unlink()
    gone = watch.verdict()
    assert gone["light"] == "amber" and "angle_tools" in gone["reason"]
    assert watch.stop() == 0


def test_killing_the_watcher_mid_run_leaves_no_process_behind(workspace, kata):
    started = workspace / "run-started"
    kata.write_text(REFERENCE + f"\nopen({str(started)!r}, 'w').close()\nwhile True:\n    pass\n")
    watch = Watch(workspace)
    wait_for_file(started)
    assert len(processes_in(workspace)) >= 3, "the watcher, its fork server and a test process"
    watch.proc.send_signal(signal.SIGKILL)
    watch.proc.wait(timeout=WAIT)
    assert wait_until_gone(workspace) == []


def test_killing_the_watcher_between_runs_leaves_no_process_behind(workspace, kata):
    kata.write_text(REFERENCE)
    watch = Watch(workspace)
    assert watch.verdict()["light"] == "green"
    # Between runs, the next run's test process is already forked and waits: it must go too.
    deadline = time.monotonic() + WAIT
    while len(processes_in(workspace)) < 3:
        assert time.monotonic() < deadline, "the watcher, its fork server and the next test process"
        time.sleep(0.01)
    watch.proc.send_signal(signal.SIGKILL)
    watch.proc.wait(timeout=WAIT)
    assert wait_until_gone(workspace) == []


def test_a_daemon_that_left_the_process_group_and_ignores_sigterm_does_not_outlive_the_watch(workspace, kata):
    pidfile = workspace.parent / "daemon.pid"
    kata.write_text(REFERENCE + f"""
import subprocess as _sp, sys as _sys
_kid = _sp.Popen([_sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                  "time.sleep(10**6)"], start_new_session=True, cwd="/", stdin=_sp.DEVNULL, stdout=_sp.DEVNULL,
                 stderr=_sp.DEVNULL)
print(_kid.pid, file=open({str(pidfile)!r}, "a"))
""")
    watch = Watch(workspace)
    assert watch.verdict()["light"] == "green"
    assert watch.stop() == 0
    daemons = [int(p) for p in pidfile.read_text().split()]
    deadline = time.monotonic() + WAIT
    while any(alive(pid) for pid in daemons) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert daemons and not any(alive(pid) for pid in daemons), "a daemon outlived the watch"


def test_a_kata_file_linked_to_a_file_outside_the_workspace_is_watched_through(workspace, kata, tmp_path):
    target = tmp_path / "elsewhere" / "sincostan.py"
    target.parent.mkdir()
    target.write_text(REFERENCE)
    kata.unlink()
    kata.symlink_to(target)
    watch = Watch(workspace)
    try:
        assert watch.verdict()["light"] == "green"
        write_atomically(target, SAME_SIZE_WRONG)  # the learner edits the file the link points to
        assert watch.verdict()["light"] == "red"
        target.write_text(REFERENCE)  # in place, too
        assert watch.verdict()["light"] == "green"
    finally:
        assert watch.stop() == 0


def test_watch_outside_a_workspace_is_a_one_line_error(tmp_path):
    done = tddkit("watch", "--jsonl", "--no-keys", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert "tddkit init" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_watch_an_unknown_kata_is_a_one_line_error(workspace):
    done = tddkit("watch", "sincostn", "--no-keys", cwd=workspace)
    assert done.returncode == 2 and "did you mean 'sincostan'" in done.stderr


def test_every_run_draws_fresh_hypothesis_examples(workspace, kata):
    calls = workspace / "angles.log"
    # The reference, noting every angle it is given in a test process (not in the script
    # tests' subprocesses): one line per run, then one per call.
    kata.write_text(REFERENCE + f"""
if "_pytest" in sys.modules:
    _log = open({str(calls)!r}, "a")
    _log.write("run\\n")
    _log.flush()  # before the run's processes fork, or each would write the line again
    _checked = check_angle

    def check_angle(angle):
        _log.write(repr(angle) + "\\n")
        _log.flush()
        return _checked(angle)
""")
    # CI=true: left alone, Hypothesis would load its derandomized "ci" profile.
    watch = Watch(workspace, CI="true")
    assert watch.verdict()["light"] == "green"
    os.utime(kata)  # a save without a change: the kata runs again
    assert watch.verdict()["light"] == "green"
    assert watch.stop() == 0
    runs = calls.read_text().split("run\n")[1:]
    assert len(runs) == 2
    first, second = (set(r.splitlines()) for r in runs)
    assert len(first) > 100 and first != second, "the second run drew examples of its own"


def test_keys_on_a_terminal_hint_list_and_quit(workspace):
    term = Terminal(workspace, columns=80)
    try:
        term.until(b"RED")
        assert b"\033[2J" in term.screen and b"\033[1;31m" in term.screen, "redrawn in place, in colour on a terminal"
        assert b"[x] RED" in term.screen and b"[h] hint" in term.screen
        os.write(term.fd, b"h")
        term.until(b"Hint 1/")
        os.write(term.fd, b"l")
        term.until(b"katas green")
        os.write(term.fd, b"\033")  # Esc leaves the list (test_watch_keys.py has the rest of the keys)
        term.until(b"Still on sincostan")
        os.write(term.fd, b"q")
        assert term.exit_status() == 0
    finally:
        term.close()
    assert wait_until_gone(workspace) == []


class Terminal:
    """`tddkit watch sincostan` (or `tddkit ARGS`) on a pseudo-terminal of its own, `columns` wide,
    and what it drew. `env`: variables to set (None: to unset) for it."""

    def __init__(self, workspace: Path, columns: int, args: tuple[str, ...] = ("watch", "sincostan"),
                 env: dict[str, str | None] | None = None):
        import pty

        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the watcher
            # As from a shell on a terminal: a suite started in the background of another shell
            # ignores SIGINT, and the watch would inherit that (and Ctrl-C would never end it).
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.chdir(workspace)
            full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_") and k not in ("COLUMNS", "LINES")}
            full_env.pop("NO_COLOR", None)
            full_env.update(env or {})
            os.execve(sys.executable, [sys.executable, "-m", "tddkit", *args],
                      {k: v for k, v in full_env.items() if v is not None})
        self.resize(columns)
        self.screen = b""

    def resize(self, columns: int) -> None:
        """As a terminal window does: the kernel sends SIGWINCH to the watch."""
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))

    def until(self, text: bytes, after: int = 0) -> None:
        deadline = time.monotonic() + WAIT
        while text not in self.screen[after:]:
            assert time.monotonic() < deadline, f"{text!r} never shown; the screen: {self.screen[-2000:]!r}"
            try:
                self.screen += os.read(self.fd, 65536)
            except OSError:
                break

    def settle(self, quiet: float = 0.5) -> None:
        """Read until the program has drawn nothing for `quiet` seconds: a whole frame."""
        deadline = time.monotonic() + WAIT
        while select.select([self.fd], [], [], quiet)[0]:
            assert time.monotonic() < deadline, f"never quiet; the screen: {self.screen[-1500:]!r}"
            try:
                self.screen += os.read(self.fd, 65536)
            except OSError:
                break

    def rest(self) -> bytes:
        """Everything drawn until the program closed the terminal."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # the program ended: the terminal is gone
                break
            if not data:
                break
            self.screen += data
        return self.screen

    def frame(self, n: int = -1) -> list[str]:
        """The lines of the n-th screen drawn, as seen (colour codes taken out)."""
        text = self.screen.decode("utf-8", "replace").split("\033[H\033[2J")[n]
        return [re.sub(r"\033\[[0-9;?]*[A-Za-z]", "", line) for line in text.splitlines()]

    def exit_status(self) -> int:
        """Its exit status, once it ended (within WAIT: a program that hangs fails the test)."""
        deadline = time.monotonic() + WAIT
        while True:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            assert time.monotonic() < deadline, f"still running after {WAIT} s; the screen: {self.screen[-1500:]!r}"
            if select.select([self.fd], [], [], 0.05)[0]:  # keep reading, or a full terminal would stop it
                try:
                    self.screen += os.read(self.fd, 65536)
                except OSError:  # it closed the terminal and is on its way out
                    time.sleep(0.01)

    def close(self) -> None:
        os.close(self.fd)
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_on_a_terminal_watch_fits_the_width_redraws_on_resize_and_leaves_the_verdict_on_q(workspace):
    term = Terminal(workspace, columns=50)
    try:
        term.until(b"tests passed")
        term.settle()  # the whole frame, not only its first lines
        assert term.screen.startswith(b"\033[?1049h"), "drawn on the alternate screen, out of scrollback"
        narrow = term.frame()
        assert narrow and all(len(line) <= 50 for line in narrow), narrow
        drawn = term.screen.count(b"\033[2J")
        term.resize(120)
        deadline = time.monotonic() + WAIT
        while term.screen.count(b"\033[2J") == drawn:
            assert time.monotonic() < deadline, "no redraw after the resize"
            term.screen += os.read(term.fd, 65536)
        term.settle()
        wide = term.frame()
        assert max(len(line) for line in wide) > 50, "the redraw uses the new width"
        assert " ".join(narrow).split() == " ".join(wide).split(), "at 50 columns no word was broken"
        os.write(term.fd, b"q")
        term.until(b"\033[?1049l")
        term.until(b"tests passed", after=term.screen.rindex(b"\033[?1049l"))
        assert term.exit_status() == 0
    finally:
        term.close()
    assert wait_until_gone(workspace) == []


def test_ctrl_c_ends_watch_with_status_130_as_it_does_run(workspace):
    term = Terminal(workspace, columns=80)
    try:
        term.until(b"tests passed")
        os.write(term.fd, b"\x03")  # the terminal sends SIGINT to the watch
        assert term.exit_status() == 130
    finally:
        term.close()
    assert wait_until_gone(workspace) == []


@pytest.mark.skipif(not os.path.isdir(THREADS_OF.format("self")), reason="a thread's own id to send a signal to")
def test_a_stop_signal_that_lands_on_a_watcher_thread_still_ends_the_watch(workspace):
    watch = Watch(workspace)
    try:
        watch.verdict()
        time.sleep(1)  # the run's process has ended and the next is prepared: nothing more will wake the watch
        signal_a_thread_not_the_main_one(watch.proc.pid, signal.SIGTERM)
        status = watch.proc.wait(timeout=WAIT / 6)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the watch did not end within {WAIT / 6} s of a SIGTERM that landed on one of its threads")
    finally:
        watch.stop_and_stderr()
    assert status == 0
    assert wait_until_gone(workspace) == []
