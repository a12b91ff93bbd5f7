"""Save-to-verdict time of `tddkit watch`, pytest-watcher, pytest-watch and a cold pytest, on every kata.

    python benchmarks/watch_bench.py [--kata NAME ...] [--saves 20] [--start-ups 3]
                                     [--pytest-watcher /work/ptwr-venv/bin/ptw] [--baseline PYTHON]

Run it with the Python of a venv the kit is installed in (`pip install .`, not -e: see
benchmarks/learner_env.py), pytest-watch's `ptw` beside it; pytest-watcher lives in a venv of
its own, because its command is also called `ptw`. Kata by kata, side by side in one run, each
tool watches a fresh workspace of its own (`tddkit init`). Every save puts a version of the
kata in place, the reference (GREEN) and a mutant (RED) in turn, and waits for that tool's
verdict, which should be that light:

  tddkit watch    the next line of `tddkit watch KATA --jsonl --no-keys`: a RED shown early,
                  while its run goes on ("early": true), counts from that line, as the learner
                  sees it; the run's own verdict, which follows, is waited for before the next
                  save, and must give the same light (else the save counts as wrong);
  pytest-watcher  pytest's summary line ("N passed in", "N failed, ...") in the output of
                  `ptw --delay 0 --patterns '**/*.py' . -- -q -p no:cacheprovider TESTS`
                  (its default pattern `*.py` sees no file in a subfolder under watchdog 7.1);
  pytest-watch    the same line in the output of `ptw -- -q -p no:cacheprovider TESTS`;
  cold pytest     `python -m pytest -q TESTS` started right after the write, until it exits
                  (its exit status is the verdict).

The versions are made by `tddkit.content.install`; a save writes only the files in which the
two differ, as an editor would, so every save is a real change. The RED version is the mutant
that names the most tests in its caught_by, checked RED by one cold run first. The clock
starts just before the write and stops when the verdict reaches this script. Rounds are
interleaved (one save per tool per round, the order rotating), so drift on the machine hits
every tool alike; before each save the machine is left quiet for a moment, so that no tool's
work after its verdict (a process ending, or preparing the next run) lands in another's
measurement. A wrong verdict is one that is not the light expected; an unasked verdict is one
that a tool printed with no save to answer (a second run for one save).

With --baseline, the Python of another venv with the kit installed (an earlier commit, say), that
kit's `tddkit watch` joins the rounds as one more tool, "tddkit watch (baseline)": a change to the
kit is measured against the kit before it side by side, in the same run.

Also reported: "in-test", the time pytest spent inside the tests (setup, call and teardown of
each), as pytest's --durations gave it in the cold runs (one process), and as tddkit's own
report gave it (one process, as every run is); tddkit's own clock (its verdict_at
minus the write); "CPU per save", the processor time all of a tool's processes used for one
save (Linux: from /proc and the kernel's accounts of reaped children), and "cores", that over
the median wait; and the start-up of `tddkit watch`, from starting it in a fresh workspace to
its first verdict. The targets are those of issue 17. Only ratios from one run mean much on a
shared machine. Not a test: run it on demand. Exit status 1 if any tool gave a wrong verdict.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, closing
from dataclasses import dataclass
from pathlib import Path

from learner_env import ENV, warn_if_editable
import tddkit
from tddkit import catalogue, content

BIN = Path(sys.executable).parent  # the kit's venv: its pytest and pytest-watch
PYTEST_WATCHER = Path(__file__).resolve().parents[2] / "ptwr-venv" / "bin" / "ptw"  # beside the checkout
GREEN, RED = "green", "red"
LIGHTS = (RED, GREEN)
WAIT = 120.0
QUIET = 0.5  # seconds of quiet before each save (a learner does not save the instant a verdict shows)
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider"]
DURATION = re.compile(r"^(\d+\.\d+)s (?:setup|call|teardown) ", re.MULTILINE)
SUMMARY = re.compile(r"^\d+ \w+(, \d+ \w+)* in [\d.]+s")  # pytest -q: "5 failed, 126 passed in 3.21s"
TARGET_PEER, TARGET_IN_TEST = 0.25, 1.0  # tddkit watch at most this x pytest-watcher, x in-test time


def cpu_of(pid: int) -> float:
    """Seconds of CPU used by a process and by the children it has reaped (0.0 without /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def lines_of(proc) -> queue.Queue:
    """Lines of a process's stdout, each with the time it arrived (None at the end)."""
    q: queue.Queue = queue.Queue()

    def read():
        for line in proc.stdout:
            q.put((time.time(), line))
        q.put((time.time(), None))

    threading.Thread(target=read, daemon=True).start()
    return q


# -- the kata's versions --------------------------------------------------------------------

Version = dict[str, bytes]  # the kata's learner files: path in the workspace -> content


def version_of(kata, name: str, stage: Path) -> Version:
    """The kata's learner files as `content.install` puts version `name` in place."""
    content.install(kata, name, stage)
    found = {}
    for rel in kata.files:
        top = stage / rel
        for path in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if path.is_file():
                found[str(path.relative_to(stage))] = path.read_bytes()
    return found


def save(ws: Path, before: Version, after: Version) -> None:
    """Turn the workspace's `before` into `after`, writing only what differs, as an editor saves."""
    for rel in before.keys() - after.keys():
        (ws / rel).unlink()
    for rel, data in after.items():
        if before.get(rel) != data:
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_bytes(data)


def make_workspace(parent: Path, name: str, python: str = sys.executable) -> Path:
    """A fresh workspace made by `tddkit init` of the kit installed for `python`."""
    subprocess.run([python, "-m", "tddkit", "init", name], cwd=parent, check=True, capture_output=True)
    return parent / name


# -- the tools ------------------------------------------------------------------------------

class WatchProcess:
    """A watch mode in a process (and session) of its own that prints each verdict on stdout."""
    name = ""

    def __init__(self, ws: Path, command: list, env: dict, stderr=subprocess.STDOUT):
        self.ws = ws
        started = time.time()
        # stdin from /dev/null: pytest-watcher reads keys from it, and waited on the pipe of a job shell
        self.proc = subprocess.Popen(command, cwd=ws, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                     text=True, start_new_session=True, env=env)
        self.lines = lines_of(self.proc)
        at, _, _ = self.verdict()  # its run of the files as they are when it starts
        self.start_up = at - started

    def parse(self, line: str) -> tuple[str, dict] | None:
        """The light a line of output gives, with any details; None if it gives none."""
        raise NotImplementedError

    def verdict(self) -> tuple[float, str, dict]:
        while True:
            try:
                at, line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise SystemExit(f"{self.name} gave no verdict within {WAIT} s in {self.ws}") from None
            if line is None:
                raise SystemExit(f"{self.name} ended early")
            got = self.parse(line)
            if got:
                return at, *got

    def unasked(self) -> int:
        """How many verdicts came since the last one waited for: runs that no save asked for."""
        count = 0
        while True:
            try:
                at, line = self.lines.get_nowait()
            except queue.Empty:
                return count
            if line is None:
                self.lines.put((at, None))  # for verdict() to say so
                return count
            count += self.parse(line) is not None

    def save(self, started: float) -> tuple[float, str, dict]:
        return self.verdict()

    def cpu(self) -> float:
        return cpu_of(self.proc.pid)

    def close(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class TddkitWatch(WatchProcess):
    name = "tddkit watch"

    def __init__(self, ws: Path, kata, python: str = sys.executable, name: str = name):
        self.name = name
        super().__init__(ws, [python, "-m", "tddkit", "watch", kata.id, "--jsonl", "--no-keys"], ENV,
                         stderr=subprocess.DEVNULL)
        # The watcher, and its fork server, which reaps every test process (and they theirs).
        self.tree = [self.proc.pid, *children_of(self.proc.pid)]

    def parse(self, line: str) -> tuple[str, dict]:
        got = json.loads(line)
        return got["light"], got

    def verdict(self) -> tuple[float, str, dict]:
        """The first verdict shown (an early RED or the run's own), and the run's own verdict:
        the light, or 'red, then amber' where the run's own differs from the RED shown early."""
        at, light, first = super().verdict()
        whole = first
        while whole.get("early"):  # (a baseline kit may be older than the early RED)
            _, _, whole = super().verdict()
        if whole["light"] != light:
            light = f"{light}, then {whole['light']}"
        return at, light, {**whole, "first_verdict_at": first["verdict_at"]}

    def save(self, started: float) -> tuple[float, str, dict]:
        at, light, got = self.verdict()
        return at, light, {"in_test": sum(t["duration"] for t in got["tests"]),
                           "own_clock": got["first_verdict_at"] - started}

    def cpu(self) -> float:
        return sum(cpu_of(pid) for pid in self.tree)

    def close(self) -> None:
        self.proc.send_signal(signal.SIGTERM)  # it stops its fork server and test processes itself
        self.proc.wait(timeout=30)


class PytestWatchMode(WatchProcess):
    """A watcher that re-runs plain pytest: the verdict is pytest's summary line."""

    def __init__(self, ws: Path, command: list):
        super().__init__(ws, command, {**ENV, "PYTHONUNBUFFERED": "1"})

    def parse(self, line: str) -> tuple[str, dict] | None:
        if not SUMMARY.match(line.strip()):
            return None
        return (RED if re.search(r"\d+ (failed|errors?)\b", line) else GREEN if "passed" in line else line.strip()), {}


class PytestWatcher(PytestWatchMode):
    def __init__(self, ws: Path, kata, exe: Path, version: str):
        self.name = f"pytest-watcher {version}"
        super().__init__(ws, [exe, "--now", "--delay", "0", "--patterns", "**/*.py", "--runner", BIN / "pytest", ws,
                              "--", *PYTEST_ARGS, *kata.tests])


class PytestWatch(PytestWatchMode):
    name = "pytest-watch"

    def __init__(self, ws: Path, kata):
        super().__init__(ws, [BIN / "ptw", "--", *PYTEST_ARGS, *kata.tests])


class ColdPytest:
    name = "cold pytest"

    def __init__(self, ws: Path, kata):
        self.ws, self.kata = ws, kata

    def run(self) -> tuple[float, str, dict]:
        done = subprocess.run([sys.executable, "-m", "pytest", *PYTEST_ARGS, "--durations=0", "--durations-min=0",
                               *self.kata.tests], cwd=self.ws,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
        at = time.time()
        light = {0: GREEN, 1: RED}.get(done.returncode, f"exit {done.returncode}")
        return at, light, {"in_test": sum(float(m.group(1)) for m in DURATION.finditer(done.stdout))}

    def save(self, started: float) -> tuple[float, str, dict]:
        return self.run()

    def unasked(self) -> int:
        return 0

    def cpu(self) -> float:
        done = resource.getrusage(resource.RUSAGE_CHILDREN)  # the cold runs, which this script reaps
        return done.ru_utime + done.ru_stime

    def close(self) -> None:
        pass


def pytest_watch_exe() -> None:
    said = subprocess.run([BIN / "ptw", "--version"], capture_output=True, text=True).stdout if (BIN / "ptw").exists() else ""
    if not said.startswith("pytest-watch "):
        raise SystemExit(f"pytest-watch's ptw is not in {BIN}: run this script with the Python of the venv the kit "
                         "is installed in")


def pytest_watcher_exe(exe: Path) -> tuple[Path, str]:
    """pytest-watcher's ptw and its version, or exit saying how to get it."""
    how = "python3 -m venv /work/ptwr-venv && /work/ptwr-venv/bin/pip install pytest-watcher"
    if not os.access(exe, os.X_OK):
        raise SystemExit(f"pytest-watcher not found at {exe}: install it in a venv of its own ({how}) "
                         "and give its ptw with --pytest-watcher")
    said = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    if not re.fullmatch(r"\d+(\.\d+)+", said):  # pytest-watch says "pytest-watch 4.2.0"
        raise SystemExit(f"{exe} is not pytest-watcher's ptw (its --version says {said!r}): {how}")
    return exe, said


# -- measuring ------------------------------------------------------------------------------

@dataclass
class Save:
    tool: str
    expected: str
    seconds: float
    light: str
    cpu: float  # the tool's CPU clock just before the save; made the CPU of this save afterwards
    in_test: float | None = None
    own_clock: float | None = None


@dataclass
class KataRun:
    kata: str
    mutant: str
    tools: list[str]
    saves: list[Save]
    start_ups: list[float]
    unasked: dict[str, int]

    def of(self, tool: str, light: str, field: str = "seconds") -> list[float]:
        return [getattr(s, field) for s in self.saves if s.tool == tool and s.expected == light]

    def median(self, tool: str, light: str, field: str = "seconds") -> float:
        return statistics.median(self.of(tool, light, field))

    def wrong(self, tool: str, light: str | None = None) -> int:
        return sum(s.light != s.expected for s in self.saves if s.tool == tool and light in (None, s.expected))


def red_mutant(kata, cold: ColdPytest) -> str:
    """The mutant naming the most tests in its caught_by that one cold run finds RED (left installed)."""
    for mutant in sorted(kata.mutants, key=lambda m: -len(m.caught_by)):
        content.install(kata, mutant.name, cold.ws)
        if cold.run()[1] == RED:
            return mutant.name
    raise SystemExit(f"{kata.id}: no mutant gives a RED cold run")


def measure(kata, args, folder: Path) -> KataRun:
    cold = ColdPytest(make_workspace(folder, "cold"), kata)
    mutant = red_mutant(kata, cold)
    versions = {GREEN: version_of(kata, content.REFERENCE, folder / "green"), RED: version_of(kata, mutant, folder / "red")}
    assert versions[GREEN] != versions[RED]

    def workspace(name: str, python: str = sys.executable) -> Path:  # a fresh one, RED as the first save is GREEN
        ws = make_workspace(folder, name, python)
        content.install(kata, mutant, ws)
        return ws

    with ExitStack() as running:
        def closed_at_end(tool):
            running.callback(tool.close)
            return tool

        start_ups = []
        for n in range(args.start_ups - 1):
            with closing(TddkitWatch(workspace(f"watch-{n}"), kata)) as sample:
                start_ups.append(sample.start_up)
        watch = closed_at_end(TddkitWatch(workspace("watch"), kata))  # the last start-up, and the one measured on saves
        start_ups.append(watch.start_up)
        tools = [watch, closed_at_end(PytestWatcher(workspace("pytest-watcher"), kata, *args.pytest_watcher)),
                 closed_at_end(PytestWatch(workspace("pytest-watch"), kata)), cold]
        if args.baseline:
            tools.append(closed_at_end(TddkitWatch(workspace("baseline", args.baseline), kata, args.baseline,
                                                   "tddkit watch (baseline)")))
        saves, unasked = [], {t.name: 0 for t in tools}
        for i in range(args.saves):
            expected = GREEN if i % 2 == 0 else RED
            before, after = versions[RED if expected == GREEN else GREEN], versions[expected]
            for tool in tools[i % len(tools):] + tools[:i % len(tools)]:
                time.sleep(QUIET)
                unasked[tool.name] += tool.unasked()
                cpu = tool.cpu()
                started = time.time()
                save(tool.ws, before, after)
                at, light, details = tool.save(started)
                saves.append(Save(tool.name, expected, at - started, light, cpu, details.get("in_test"),
                                  details.get("own_clock")))
            print(f"{kata.id} save {i + 1}/{args.saves} ({expected}): "
                  + ", ".join(f"{s.tool} {s.seconds:.2f} s{'' if s.light == expected else ' ' + s.light.upper() + '!'}"
                              for s in saves[-len(tools):]), file=sys.stderr)
        time.sleep(QUIET)
        for tool in tools:
            unasked[tool.name] += tool.unasked()
            mine = [s for s in saves if s.tool == tool.name]
            for s, next_mark in zip(mine, [*(s.cpu for s in mine[1:]), tool.cpu()]):
                s.cpu = next_mark - s.cpu
    return KataRun(kata.id, mutant, [t.name for t in tools], saves, start_ups, unasked)


# -- reporting ------------------------------------------------------------------------------

def spread(values: list[float]) -> str:
    return f"{statistics.median(values):>8.3f}{min(values):>8.3f}{max(values):>8.3f}"


def verdict(ratio: float, target: float) -> str:
    return f"{ratio:.3f}" + ("" if ratio <= target else " (NOT met)")  # 3 places: 0.251 is not <= 0.25


def report(run: KataRun, saves: int) -> None:
    watch, peer = run.tools[0], run.tools[1]
    print(f"\n{run.kata}: {saves} saves per tool, GREEN (the reference) and RED (mutant {run.mutant}) in turn; "
          "seconds from write to verdict\n")
    print(f"{'':<28}{'RED median':>10}{'min':>8}{'max':>8}  {'GREEN med':>9}{'min':>8}{'max':>8}"
          f"  {'CPU/save RED':>12}{'GREEN':>7}{'cores':>6}{'wrong':>6}{'unasked':>8}")
    for tool in run.tools:
        seconds = [s.seconds for s in run.saves if s.tool == tool]
        cpu = [s.cpu for s in run.saves if s.tool == tool]
        print(f"{tool:<28}{spread(run.of(tool, RED))}  {spread(run.of(tool, GREEN))}"
              f"  {run.median(tool, RED, 'cpu'):>12.3f}{run.median(tool, GREEN, 'cpu'):>7.3f}"
              f"{statistics.median(cpu) / statistics.median(seconds):>6.1f}{run.wrong(tool):>6}{run.unasked[tool]:>8}")
    for label, tool, field in [("in-test, one cold process", run.tools[3], "in_test"),
                               ("in-test, tddkit", watch, "in_test"),
                               ("tddkit's own clock", watch, "own_clock")]:
        print(f"{label:<28}{spread(run.of(tool, RED, field))}  {spread(run.of(tool, GREEN, field))}")
    print(f"\nstart-up of tddkit watch, fresh workspace to first verdict ({len(run.start_ups)}):"
          f"{spread(run.start_ups)} s (median min max)")
    for light in LIGHTS:
        vs_peer = run.median(watch, light) / run.median(peer, light)
        vs_test = run.median(watch, light) / run.median(run.tools[3], light, "in_test")
        print(f"{light.upper():<6}tddkit watch / {peer}: {verdict(vs_peer, TARGET_PEER)} (target <= {TARGET_PEER})"
              f"   tddkit watch / in-test of one cold process: {verdict(vs_test, TARGET_IN_TEST)}"
              f" (target <= {TARGET_IN_TEST})")
    sys.stdout.flush()


def summary(runs: list[KataRun]) -> None:
    """One table for all katas, in milliseconds: the medians and ratios the targets are about."""
    tools = runs[0].tools
    print(f"\nMedians in ms ({os.cpu_count()} cores here); in-test is one cold process's; wrong verdicts of all tools\n")
    baseline = len(tools) > 4  # --baseline: its tool comes last
    print("| kata | save | " + " | ".join(tools) + " | in-test | tddkit ÷ pytest-watcher | tddkit ÷ in-test | "
          + ("tddkit ÷ baseline | " if baseline else "") + "wrong |")
    print("| --- " * (len(tools) + 6 + baseline) + "|")
    for run in runs:
        for light in LIGHTS:
            ms = [run.median(t, light) * 1000 for t in tools]
            in_test = run.median(tools[3], light, "in_test") * 1000
            print(f"| {run.kata} | {light.upper()} | " + " | ".join(f"{m:.0f}" for m in ms)
                  + f" | {in_test:.0f} | {verdict(ms[0] / ms[1], TARGET_PEER)} | {verdict(ms[0] / in_test, TARGET_IN_TEST)}"
                  + (f" | {ms[0] / ms[-1]:.2f}" if baseline else "") + f" | {sum(run.wrong(t, light) for t in tools)} |")
    print("\nstart-up of tddkit watch, ms (median, min-max): "
          + "; ".join(f"{r.kata} {statistics.median(r.start_ups) * 1000:.0f} ({min(r.start_ups) * 1000:.0f}-"
                      f"{max(r.start_ups) * 1000:.0f})" for r in runs))


def at_least(least: int):
    def number(text: str) -> int:
        if int(text) < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more")
        return int(text)
    return number


def main() -> int:
    kata_ids = catalogue.ids()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kata", action="append", choices=[*kata_ids, "all"],
                        help="a kata to measure (repeat for more; default: all)")
    parser.add_argument("--saves", type=at_least(2), default=20, help="saves per tool and kata, GREEN and RED in turn "
                        "(default 20)")
    parser.add_argument("--start-ups", type=at_least(1), default=3, help="samples of tddkit watch's start-up per kata "
                        "(default 3)")
    parser.add_argument("--pytest-watcher", type=Path, default=PYTEST_WATCHER, metavar="PTW",
                        help=f"pytest-watcher's ptw, in a venv of its own (default {PYTEST_WATCHER})")
    parser.add_argument("--baseline", metavar="PYTHON",
                        help="the Python of another venv with the kit installed (an earlier commit): its tddkit "
                             "watch is measured too, side by side")
    args = parser.parse_args()
    args.pytest_watcher = pytest_watcher_exe(args.pytest_watcher)
    pytest_watch_exe()
    warn_if_editable()
    chosen = kata_ids if not args.kata or "all" in args.kata else list(dict.fromkeys(args.kata))
    print(f"tddkit {tddkit.__version__} ({Path(tddkit.__file__).parent}), pytest-watcher {args.pytest_watcher[1]}, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")

    runs = []
    with tempfile.TemporaryDirectory(prefix="tddkit-watch-bench-") as tmp:
        for kata_id in chosen:
            (Path(tmp) / kata_id).mkdir()
            runs.append(measure(catalogue.find(kata_id), args, Path(tmp) / kata_id))
            report(runs[-1], args.saves)
    summary(runs)
    return 1 if any(run.wrong(tool) for run in runs for tool in run.tools) else 0


if __name__ == "__main__":
    raise SystemExit(main())
