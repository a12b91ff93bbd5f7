"""What splitting a run across the cores would save: one kata run in file order (one process, as
every learner's run is) against the same run split in two (verify's split order), per kata.

    python benchmarks/order_bench.py [--runs 5]

Each kata's reference (GREEN) and stub (RED) in a scratch workspace, `runner.run_tests` from
start to end (a cold test process each time), the two orders alternating so that machine noise
hits both alike. Prints medians and the split's time as a share of the file order's. This is
the measurement behind the choice of one process in file order: the split saved a fifth of a
run at best, and it made a test's outcome depend on the cut. Not a test: run it on demand.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tddkit import catalogue, content, light, order, runner
from tddkit.expected import collect, scratch_workspace


def timed_run(kata, ws: Path, expected: list[dict], in_order: str) -> tuple[float, str]:
    started = time.monotonic()
    raw = runner.run_tests(ws, list(kata.tests), kata.timeout, order=in_order)
    return time.monotonic() - started, light.decide(kata.id, expected, raw).light


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per kata, version and order (default 5)")
    args = parser.parse_args()
    print(f"{'kata':<11}{'version':<11}{'file order':>11}{'split':>8}{'split/file':>12}  lights")
    for kata in catalogue.load():
        expected = collect(kata)
        for version in (content.REFERENCE, content.STUB):
            with tempfile.TemporaryDirectory(prefix="tddkit-order-bench-") as tmp:
                ws = scratch_workspace(kata, version, Path(tmp))
                times = {order.FILE: [], order.SPLIT: []}
                lights = set()
                for _ in range(args.runs):
                    for in_order in times:
                        seconds, got = timed_run(kata, ws, expected, in_order)
                        times[in_order].append(seconds)
                        lights.add(got)
            file_s, split_s = (statistics.median(times[o]) for o in (order.FILE, order.SPLIT))
            print(f"{kata.id:<11}{version:<11}{file_s:>11.3f}{split_s:>8.3f}{split_s / file_s:>12.2f}  "
                  f"{', '.join(sorted(lights))}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
