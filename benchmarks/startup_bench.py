"""Start-up of `tddkit watch`: from starting it in a fresh workspace to its first verdict.

    python benchmarks/startup_bench.py [--kata NAME ...] [--samples 5] [--python PY ...]

Each --python is the Python of a venv with a kit installed (`pip install .`, see learner_env.py);
give two to compare kits side by side (default: this Python alone). Kata by kata, the samples
are interleaved, one start per Python in turn, so that drift on the machine hits each alike. A
sample is a fresh workspace (`tddkit init`), a RED mutant put in place, and `tddkit watch KATA
--jsonl --no-keys` started; the clock stops when its first line arrives. Medians in ms, with
the ratio to the first Python's. Only ratios from one run mean much on a shared machine. Not a
test: run it on demand.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from learner_env import ENV
from watch_bench import make_workspace
from tddkit import catalogue, content


def start_up(python: str, parent: Path, kata, mutant: str, n: int) -> float:
    ws = make_workspace(parent, f"ws-{n}", python)
    content.install(kata, mutant, ws)
    started = time.time()
    proc = subprocess.Popen([python, "-m", "tddkit", "watch", kata.id, "--jsonl", "--no-keys"], cwd=ws, env=ENV,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if not proc.stdout.readline():
            raise SystemExit(f"{python}: tddkit watch {kata.id} ended before its first verdict")
        return time.time() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kata", action="append", choices=catalogue.ids(), help="a kata (repeat; default: all)")
    parser.add_argument("--samples", type=int, default=5, help="starts per Python and kata (default 5)")
    parser.add_argument("--python", action="append", help="the Python of a venv with a kit installed (repeat)")
    args = parser.parse_args()
    pythons = args.python or [sys.executable]
    row = lambda cells: print("| " + " | ".join(cells) + " |", flush=True)  # noqa: E731
    row(["kata", *pythons, *(f"÷ first ({p})" for p in pythons[1:])])
    row(["---"] * (2 * len(pythons)))
    for kata_id in args.kata or catalogue.ids():
        kata = catalogue.find(kata_id)
        mutant = kata.mutants[0].name
        times: dict[str, list[float]] = {p: [] for p in pythons}
        with tempfile.TemporaryDirectory(prefix="tddkit-startup-bench-") as tmp:
            for n in range(args.samples):
                for i, python in enumerate(pythons[n % len(pythons):] + pythons[:n % len(pythons)]):
                    times[python].append(start_up(python, Path(tmp), kata, mutant, n * len(pythons) + i))
        medians = [statistics.median(times[p]) * 1000 for p in pythons]
        row([kata_id, *(f"{m:.0f}" for m in medians), *(f"{m / medians[0]:.2f}" for m in medians[1:])])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
