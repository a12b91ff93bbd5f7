"""Where the time of one `tddkit watch` save goes, kata by kata.

    python benchmarks/watch_breakdown.py [--kata NAME ...] [--saves 10]

Run it as watch_bench.py is run (the Python of a venv with the kit installed, not editable).
Each kata gets a fresh workspace and one `tddkit watch KATA --jsonl --no-keys`; each save puts
the reference (GREEN) or the RED mutant watch_bench uses in place, as an editor writes it. While
the run goes on, this script reads the run's report file (the plugin's records, which the test
process writes as each thing happens) and notes when each record arrives. A save's time is cut
into:

  to collected   the write to pytest's list of tests: the watcher's event and settle, the go to
                 the prepared test process, pytest's session start and its collection (importing
                 the test module and the learner's code, rewriting the asserts)
  tests          the list of tests to the end of the last test, of which the slowest three tests
                 are named with their own time (setup, call and teardown)
  to finish      the end of the last test to pytest's end of session (the plugin's finish record;
                 on a RED, the failing test run again alone comes first: order.py)
  finish to verdict  the end of session to the run's verdict line: the test process's exit, and
                 the kit's own work (reading the report, judging, recording the run, unlocking,
                 drawing)
  total          the write to the run's verdict line

and, on a RED, two marks counted from the write: "first failure", when the record of the first
test that did not pass was written, and "RED shown", when the watch showed the RED early, while
the run went on (its line with "early": true), which is what the learner waits for on a RED.

Records arrive through a file this script polls every half millisecond, so each mark is late by
at most that much. Figures are medians over the saves of each light, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import glob
import os
import queue
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import watch_bench
from learner_env import warn_if_editable
from tddkit import catalogue, content

POLL = 0.0005
PHASES = ("to collected", "tests", "to finish", "finish to verdict", "total", "first failure", "RED shown")


class Reports:
    """The records of the watcher's test runs, each stamped with when this script first saw it."""

    def __init__(self, watch_pid: int):
        self.pattern = os.path.join(tempfile.gettempdir(), f"tddkit-watch-pid{watch_pid}-*", "report-*")
        self.read_so_far: dict[str, int] = {}

    def poll(self) -> list[tuple[float, dict]]:
        seen = []
        for path in glob.glob(self.pattern):
            try:
                with open(path, "rb") as f:
                    f.seek(self.read_so_far.get(path, 0))
                    data = f.read()
            except OSError:  # removed by the watcher once read
                continue
            complete = data[:data.rfind(b"\n") + 1]
            self.read_so_far[path] = self.read_so_far.get(path, 0) + len(complete)
            now = time.time()
            for line in complete.splitlines():
                _signature, _, body = line.partition(b" ")
                seen.append((now, json.loads(body)))
        return seen


def one_save(watch, reports: Reports, ws: Path, before, after) -> tuple[str, dict, list]:
    """Save, and the phases of the run that answers it, in seconds, with the slowest tests."""
    time.sleep(watch_bench.QUIET)
    reports.poll()  # what belongs to earlier runs
    watch.unasked()
    started = time.time()
    watch_bench.save(ws, before, after)
    marks: dict[str, float] = {}
    while True:
        for at, record in reports.poll():
            if record["kind"] == "collected":
                marks.setdefault("collected", at)
            elif record["kind"] == "finish":
                marks["finish"] = at
            elif record["kind"] == "test":
                marks["last test"] = at
                if record.get("outcome") != "passed":
                    marks.setdefault("first failure", at)
        try:
            at, line = watch.lines.get_nowait()
        except queue.Empty:
            time.sleep(POLL)
            continue
        if line is None:
            raise SystemExit("tddkit watch ended early")
        light, got = watch.parse(line)
        if not got["early"]:
            break
        marks.setdefault("RED shown", at)
    collected = marks.get("collected", at)
    last_test = marks.get("last test", collected)
    finish = marks.get("finish", last_test)
    phases = {"to collected": collected - started, "tests": last_test - collected,
              "to finish": finish - last_test, "finish to verdict": at - finish, "total": at - started,
              **{mark: marks[mark] - started for mark in ("first failure", "RED shown") if mark in marks}}
    slowest = sorted(((t["duration"], t["id"]) for t in got["tests"]), reverse=True)[:3]
    return light, phases, slowest


def measure(kata, saves: int, folder: Path) -> dict:
    cold = watch_bench.ColdPytest(watch_bench.make_workspace(folder, "cold"), kata)
    mutant = watch_bench.red_mutant(kata, cold)
    versions = {watch_bench.GREEN: watch_bench.version_of(kata, content.REFERENCE, folder / "green"),
                watch_bench.RED: watch_bench.version_of(kata, mutant, folder / "red")}
    ws = watch_bench.make_workspace(folder, "watch")
    content.install(kata, mutant, ws)
    watch = watch_bench.TddkitWatch(ws, kata)
    reports = Reports(watch.proc.pid)
    found = {light: {"phases": [], "slowest": Counter(), "wrong": 0} for light in watch_bench.LIGHTS}
    try:
        for i in range(saves):
            expected = watch_bench.GREEN if i % 2 == 0 else watch_bench.RED
            other = watch_bench.RED if expected == watch_bench.GREEN else watch_bench.GREEN
            light, phases, slowest = one_save(watch, reports, ws, versions[other], versions[expected])
            found[expected]["phases"].append(phases)
            found[expected]["wrong"] += light != expected
            for seconds, test in slowest:
                found[expected]["slowest"][test] += seconds
            print(f"{kata.id} save {i + 1}/{saves} ({expected}): "
                  + ", ".join(f"{p} {phases[p] * 1000:.0f}" for p in PHASES if p in phases) + " ms", file=sys.stderr)
    finally:
        watch.close()
    return {"kata": kata.id, "mutant": mutant, "start_up": watch.start_up, **found}


def report(runs: list[dict], saves: int) -> None:
    print(f"\nMedians in ms over {saves // 2} saves of each light ({os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the end)\n")
    print("| kata | save | " + " | ".join(PHASES) + " | start-up | wrong | slowest tests (mean ms) |")
    print("| --- " * (len(PHASES) + 5) + "|")
    for run in runs:
        for light in watch_bench.LIGHTS:
            got = run[light]
            n = len(got["phases"])
            medians = [statistics.median(p[name] for p in got["phases"] if name in p) * 1000
                       if any(name in p for p in got["phases"]) else None for name in PHASES]
            slowest = ", ".join(f"{test.rpartition('::')[2]} {seconds / n * 1000:.0f}"
                                for test, seconds in got["slowest"].most_common(3))
            print(f"| {run['kata']} | {light.upper()} | " + " | ".join("-" if m is None else f"{m:.0f}" for m in medians)
                  + f" | {run['start_up'] * 1000:.0f} | {got['wrong']} | {slowest} |")


def main() -> int:
    kata_ids = catalogue.ids()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kata", action="append", choices=kata_ids, help="a kata (repeat for more; default: all)")
    parser.add_argument("--saves", type=watch_bench.at_least(2), default=10,
                        help="saves per kata, GREEN and RED in turn (default 10)")
    args = parser.parse_args()
    warn_if_editable()
    runs = []
    with tempfile.TemporaryDirectory(prefix="tddkit-watch-breakdown-") as tmp:
        for kata_id in dict.fromkeys(args.kata or kata_ids):
            (Path(tmp) / kata_id).mkdir()
            runs.append(measure(catalogue.find(kata_id), args.saves, Path(tmp) / kata_id))
    report(runs, args.saves)
    return 1 if any(run[light]["wrong"] for run in runs for light in watch_bench.LIGHTS) else 0


if __name__ == "__main__":
    raise SystemExit(main())
