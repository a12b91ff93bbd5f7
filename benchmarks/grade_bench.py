"""Save-to-grade time of the write-tests mode (`tddkit write-tests KATA --watch`), on every kata.

    python benchmarks/grade_bench.py [--kata NAME ...] [--saves 6]

Run it with the Python of a venv the kit is installed in (`pip install .`: see learner_env.py).
Kata by kata, in a fresh workspace of its own (`tddkit init`), the learner's test file is the
kata's own test file: the heaviest realistic grade, every test valid and every mutant caught
(GREEN). Two watches grade it side by side, their saves interleaved so that drift on the machine
hits both alike:

  prepared  as a learner runs it: each run forked from a fork server that has imported pytest
            and Hypothesis (grade_runs.py);
  cold      with TDDKIT_WATCH_NO_FORK=1: each run a cold `python -m tddkit.child`, as without fork.

Each save rewrites the file with one more comment line (a real change, the same tests), waits for
that watch's next grade and checks that it is GREEN with every mutant caught. The clock starts just
before the write and stops when the grade's JSON line reaches this script. Also timed: a one-shot
`tddkit write-tests KATA` (start-up included). Only ratios from one run mean much on a shared
machine. Not a test: run it on demand. Exit status 1 if a grade was not the one expected.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from learner_env import ENV, warn_if_editable

from tddkit import catalogue, content

TOOLS = {"prepared": {}, "cold": {"TDDKIT_WATCH_NO_FORK": "1"}}
QUIET = 1.0  # seconds of quiet before each save, so that one watch's work does not land in the other's


def tddkit(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tddkit", *args], cwd=cwd, env={**ENV, **(env or {})},
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)


class GradeWatch:
    def __init__(self, ws: Path, kata: str, env: dict):
        self.proc = subprocess.Popen([sys.executable, "-m", "tddkit", "write-tests", kata, "--watch", "--json"],
                                     cwd=ws, env={**ENV, **env}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=lambda: [*map(self.lines.put, self.proc.stdout), self.lines.put(None)],
                         daemon=True).start()

    def next_grade(self, timeout: float = 300) -> dict:
        line = self.lines.get(timeout=timeout)
        if line is None:
            raise SystemExit("a watch ended before its grade")
        return json.loads(line)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


def workspace(root: Path, kata) -> tuple[Path, Path, str]:
    ws = root / kata.id
    done = tddkit("init", str(ws), cwd=root)
    if done.returncode:
        raise SystemExit(done.stderr)
    mine = ws / "tests" / f"test_my_{kata.id}.py"
    tests = (kata.root / kata.tests[0]).read_text(encoding="utf-8")
    mine.write_text(tests, encoding="utf-8")
    return ws, mine, tests


def bench_kata(kata, saves: int, root: Path) -> tuple[dict, int]:
    for tool in TOOLS:
        (root / tool).mkdir(exist_ok=True)
    spaces = {tool: workspace(root / tool, kata) for tool in TOOLS}
    one_shot = {}
    for tool, env in TOOLS.items():
        started = time.monotonic()
        done = tddkit("write-tests", kata.id, "--json", cwd=spaces[tool][0], env=env)
        one_shot[tool] = time.monotonic() - started
        if json.loads(done.stdout or "{}").get("light") != "green":
            raise SystemExit(f"{kata.id}: the kata's own tests are not GREEN as the learner's: {done.stdout}")
    watches = {tool: GradeWatch(spaces[tool][0], kata.id, env) for tool, env in TOOLS.items()}
    waits: dict[str, list[float]] = {tool: [] for tool in TOOLS}
    wrong = 0
    try:
        for watch in watches.values():
            watch.next_grade()  # the first grade, of the file as it is
        order = list(TOOLS)
        for n in range(saves):
            for tool in order:
                time.sleep(QUIET)
                _, mine, tests = spaces[tool]
                started = time.time()
                mine.write_text(tests + "\n" + "# another save\n" * (n + 1), encoding="utf-8")
                graded = watches[tool].next_grade()
                waits[tool].append(time.time() - started)
                wrong += graded["light"] != "green" or graded["caught"] != graded["mutants"]
            order.reverse()
    finally:
        for watch in watches.values():
            watch.stop()
    versions = 1 + len(kata.mutants) - len(content.mutant_problems(kata))
    row = {"kata": kata.id, "runs": versions, "one_shot": one_shot,
           "median": {tool: statistics.median(w) for tool, w in waits.items()},
           "min": {tool: min(w) for tool, w in waits.items()}}
    return row, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kata", nargs="*", default=["sincostan", "mro", "package", "transport"],
                        help="katas to measure (all: every kata)")
    parser.add_argument("--saves", type=int, default=6)
    args = parser.parse_args()
    warn_if_editable()
    katas = list(catalogue.load()) if args.kata == ["all"] else [catalogue.find(k) for k in args.kata]
    rows, wrong = [], 0
    root = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        for kata in katas:
            row, bad = bench_kata(kata, args.saves, root)
            rows.append(row)
            wrong += bad
            print(f"{kata.id}: done", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"cores: {len(os.sched_getaffinity(0))}, saves per tool and kata: {args.saves}, wrong grades: {wrong}")
    print("| kata | runs a grade | save to grade, prepared | cold | prepared / cold | one-shot `write-tests`, prepared | cold |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        m, o = r["median"], r["one_shot"]
        print(f"| {r['kata']} | {r['runs']} | {m['prepared'] * 1000:.0f} ms | {m['cold'] * 1000:.0f} ms | "
              f"{m['prepared'] / m['cold']:.2f} | {o['prepared'] * 1000:.0f} ms | {o['cold'] * 1000:.0f} ms |")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
