"""Save-to-verdict time of `tddkit watch`, `ptw` (pytest-watch) and a cold `python -m pytest`.

    python benchmarks/watch_bench.py [--saves 20]

Side by side in one run, on the sincostan kata (its Hypothesis tests included), each tool in
a fresh workspace of its own (`tddkit init`). Every save writes katas/sincostan.py, alternating
the reference solution (GREEN) and a same-size wrong version (sin and cos swapped: RED), and
waits for that tool's verdict, which must be the right one:

  tddkit watch   the next line of `tddkit watch sincostan --jsonl --no-keys`;
  ptw            pytest's summary line in ptw's output ("N passed in", "N failed, ...");
  cold pytest    `python -m pytest -q tests/test_sincostan.py` started right after the write,
                 until it exits (its exit status is the verdict).

The clock starts just before the write and stops when the verdict reaches this script. Rounds
are interleaved (one save per tool per round, the order rotating), so machine noise hits every
tool alike; before each save the machine is left quiet for a moment, so that no tool's work
after its verdict (a process ending, or preparing the next run) lands in another's
measurement. "in-test" is the time pytest spent inside the tests themselves (setup, call and
teardown of every test): as the plugin measured them in tddkit's runs (summed over the
processes of a split run), and as pytest's --durations reported them in the cold runs (one
process); the target uses the smaller. "CPU per save" is the processor time all of a tool's
processes used for one save (Linux: from /proc and the kernel's accounts of reaped children),
and "cores busy" that time over the wait: how much of the machine a tool kept working.
Not a test: run it on demand.
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
from pathlib import Path

from learner_env import ENV, warn_if_editable

REPO = Path(__file__).resolve().parents[1]
REFERENCE = (REPO / "solutions" / "sincostan.py").read_text()
RIGHT = "return SinCosTan(math.sin(angle), math.cos(angle), math.tan(angle))"
WRONG = "return SinCosTan(math.cos(angle), math.sin(angle), math.tan(angle))"
SAME_SIZE_WRONG = REFERENCE.replace(RIGHT, WRONG)
TESTS = "tests/test_sincostan.py"
WAIT = 120.0
QUIET = 0.5  # seconds of quiet before each save (a learner does not save the instant a verdict shows)
DURATION = re.compile(r"^(\d+\.\d+)s (?:setup|call|teardown) ", re.MULTILINE)
SUMMARY = re.compile(r"^(\d+ (passed|failed)|.* (passed|failed)).* in [\d.]+s")


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


def make_workspace(parent: Path, name: str) -> Path:
    subprocess.run([sys.executable, "-m", "tddkit", "init", name], cwd=parent, check=True, capture_output=True)
    return parent / name


def lines_of(proc) -> queue.Queue:
    """Lines of a process's stdout, each with the time it arrived."""
    q: queue.Queue = queue.Queue()

    def read():
        for line in proc.stdout:
            q.put((time.time(), line))
        q.put((time.time(), None))

    threading.Thread(target=read, daemon=True).start()
    return q


class TddkitWatch:
    name = "tddkit watch"

    def __init__(self, ws: Path):
        self.ws = ws
        self.proc = subprocess.Popen([sys.executable, "-m", "tddkit", "watch", "sincostan", "--jsonl", "--no-keys"],
                                     cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True, env=ENV)
        self.lines = lines_of(self.proc)
        self.in_test: list[float] = []
        self.own_clock: list[float] = []
        self.verdict()
        # The watcher, and its fork server, which reaps every test process (and they theirs).
        self.tree = [self.proc.pid, *children_of(self.proc.pid)]

    def cpu(self) -> float:
        return sum(cpu_of(pid) for pid in self.tree)

    def verdict(self) -> tuple[float, str, dict]:
        at, line = self.lines.get(timeout=WAIT)
        if line is None:
            raise SystemExit("tddkit watch ended early")
        got = json.loads(line)
        return at, got["light"], got

    def save(self, text: str, started: float) -> tuple[float, str]:
        at, light, got = self.verdict()
        self.in_test.append(sum(t["duration"] for t in got["tests"]))
        self.own_clock.append(got["verdict_at"] - started)
        return at, light

    def close(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)


class Ptw:
    name = "ptw"

    def __init__(self, ws: Path):
        self.ws = ws
        self.proc = subprocess.Popen(["ptw", "--", "-q", "-p", "no:cacheprovider", TESTS], cwd=ws,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, env={**ENV, "PYTHONUNBUFFERED": "1"})
        self.lines = lines_of(self.proc)
        self.verdict()

    def cpu(self) -> float:
        return cpu_of(self.proc.pid)

    def verdict(self) -> tuple[float, str]:
        while True:
            at, line = self.lines.get(timeout=WAIT)
            if line is None:
                raise SystemExit("ptw ended early")
            if SUMMARY.match(line.strip()) and not line.startswith("FAILED"):
                return at, "red" if ("failed" in line or "error" in line) else "green"

    def save(self, text: str, started: float) -> tuple[float, str]:
        return self.verdict()

    def close(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class ColdPytest:
    name = "cold python -m pytest"

    def __init__(self, ws: Path):
        self.ws = ws
        self.in_test: list[float] = []  # from pytest's own durations: one process, no split

    def cpu(self) -> float:
        done = resource.getrusage(resource.RUSAGE_CHILDREN)  # the cold runs, which this script reaps
        return done.ru_utime + done.ru_stime

    def save(self, text: str, started: float) -> tuple[float, str]:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0",
                               "--durations-min=0", TESTS], cwd=self.ws,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
        at = time.time()
        self.in_test.append(sum(float(m.group(1)) for m in DURATION.finditer(done.stdout)))
        return at, {0: "green", 1: "red"}.get(done.returncode, f"exit {done.returncode}")

    def close(self):
        pass


def stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20, help="saves per tool (default 20)")
    args = parser.parse_args()
    warn_if_editable()
    assert SAME_SIZE_WRONG != REFERENCE and len(SAME_SIZE_WRONG) == len(REFERENCE)

    with tempfile.TemporaryDirectory(prefix="tddkit-watch-bench-") as tmp:
        tmp = Path(tmp)
        tools = [TddkitWatch(make_workspace(tmp, "watch")), Ptw(make_workspace(tmp, "ptw")),
                 ColdPytest(make_workspace(tmp, "cold"))]
        times = {t.name: [] for t in tools}
        by_light = {(t.name, light): [] for t in tools for light in ("green", "red")}
        wrong = {t.name: 0 for t in tools}
        cpu_marks = {t.name: [] for t in tools}  # each tool's CPU clock before each of its saves, and at the end
        try:
            for i in range(args.saves):
                text, expected = (REFERENCE, "green") if i % 2 == 0 else (SAME_SIZE_WRONG, "red")
                for tool in tools[i % 3:] + tools[:i % 3]:
                    path = tool.ws / "katas" / "sincostan.py"
                    time.sleep(QUIET)
                    cpu_marks[tool.name].append(tool.cpu())
                    started = time.time()
                    path.write_text(text)
                    at, light = tool.save(text, started)
                    times[tool.name].append(at - started)
                    by_light[(tool.name, expected)].append(at - started)
                    if light != expected:
                        wrong[tool.name] += 1
                print(f"save {i + 1}/{args.saves} ({expected}): "
                      + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in times), file=sys.stderr)
            time.sleep(QUIET)
            for tool in tools:
                cpu_marks[tool.name].append(tool.cpu())
        finally:
            for tool in tools:
                tool.close()

    watch, ptw, cold = (times[t.name] for t in tools)
    in_test = tools[0].in_test
    print(f"\nsincostan kata, {args.saves} saves per tool, alternating GREEN and RED; seconds from write to verdict\n")
    print(f"{'':<24}{'median':>8}{'min':>8}{'max':>8}{'green med':>11}{'red med':>9}{'x ptw':>8}{'wrong':>7}")
    for tool in tools:
        values = times[tool.name]
        med, lo, hi = stats(values)
        g, r = (statistics.median(by_light[(tool.name, light)]) for light in ("green", "red"))
        print(f"{tool.name:<24}{med:>8.3f}{lo:>8.3f}{hi:>8.3f}{g:>11.3f}{r:>9.3f}"
              f"{med / statistics.median(ptw):>8.2f}{wrong[tool.name]:>7}")
    med, lo, hi = stats(in_test)
    print(f"{'in-test (tddkit runs)':<24}{med:>8.3f}{lo:>8.3f}{hi:>8.3f}   summed over a split run's processes")
    med, lo, hi = stats(tools[2].in_test)
    print(f"{'in-test (cold pytest)':<24}{med:>8.3f}{lo:>8.3f}{hi:>8.3f}   one process")
    med, lo, hi = stats(tools[0].own_clock)
    print(f"{'tddkit verdict_at-write':<24}{med:>8.3f}{lo:>8.3f}{hi:>8.3f}")
    ratio_ptw = statistics.median(watch) / statistics.median(ptw)
    # The stricter of the two in-test times: a split run's sum grows with the contention it causes.
    ratio_test = statistics.median(watch) / min(statistics.median(in_test), statistics.median(tools[2].in_test))
    if all(cpu_marks[t.name][-1] > 0 for t in tools):
        print()
        for tool in tools:
            marks = cpu_marks[tool.name]
            per_save = statistics.median(b - a for a, b in zip(marks, marks[1:]))
            cores = per_save / statistics.median(times[tool.name])
            print(f"{'CPU per save, ' + tool.name:<36}{per_save:>6.3f} s, {cores:.1f} cores busy over the median wait "
                  f"({os.cpu_count()} cores here)")
    print(f"\ntddkit watch / ptw          {ratio_ptw:.2f}  (target <= 0.30: {'met' if ratio_ptw <= 0.30 else 'NOT met'})")
    print(f"tddkit watch / in-test time {ratio_test:.2f}  (target <= 1.5: {'met' if ratio_test <= 1.5 else 'NOT met'})")
    print(f"tddkit watch / cold pytest  {statistics.median(watch) / statistics.median(cold):.2f}")
    return 1 if any(wrong.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
