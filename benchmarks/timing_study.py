"""Whether a test catches a mutant every time, or only at times: quiet, and with both cores busy.

    python benchmarks/timing_study.py --kata transport --test test_file_over_udp_through_a_lossy_shim \
        --mutant no_timer_restart --mutant count_never_reset --runs 6

A test that talks over real sockets in real time can catch a mutant on a loaded machine and
miss it on a quiet one (a fresh-clone CI, whose tests run on both cores, is a loaded machine).
`tddkit verify` needs each mutant's `caught_by` exact, so such a test belongs in the mutant's
`sometimes_caught_by` (docs/authoring.md). For each mutant (default: all of the kata's), in a
scratch workspace with the mutant in place, the test alone is run `runs` times with plain pytest
on a quiet machine, then `runs` times with one busy process per core beside it. Printed: how
many runs failed each way, and the longest run. A mutant whose count is neither 0 nor `runs`
either way is caught only at times. Not a test: run it on demand, with the Python the kit is
installed for, on a machine otherwise idle.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tddkit import catalogue
from tddkit.expected import scratch_workspace


@contextmanager
def busy_cores():
    """One process per core that only spins, for as long as the block runs."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def failures(ws: Path, test_files: tuple[str, ...], test: str, runs: int) -> tuple[int, float]:
    """How many of `runs` plain pytest runs of the one test failed, and the longest run in seconds."""
    failed, longest = 0, 0.0
    for _ in range(runs):
        began = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *test_files, "-k", test],
                              cwd=ws, capture_output=True)
        longest = max(longest, time.monotonic() - began)
        failed += done.returncode != 0
    return failed, longest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kata", required=True, choices=catalogue.ids())
    parser.add_argument("--test", required=True, help="the test function's name")
    parser.add_argument("--mutant", action="append", help="a mutant (repeat for more; default: all of the kata's)")
    parser.add_argument("--runs", type=int, default=6, help="runs each way, quiet and loaded (default 6)")
    args = parser.parse_args()
    kata = catalogue.find(args.kata)
    names = args.mutant or [m.name for m in kata.mutants]
    unknown = [name for name in names if name not in {m.name for m in kata.mutants}]
    if unknown:
        raise SystemExit(f"{kata.id} has no mutant {', '.join(unknown)}")
    print(f"{kata.id} {args.test}: runs that failed, of {args.runs}, quiet and with {os.cpu_count()} busy cores")
    for name in names:
        with tempfile.TemporaryDirectory(prefix="tddkit-timing-study-") as tmp:
            ws = scratch_workspace(kata, name, Path(tmp))
            quiet, quiet_longest = failures(ws, kata.tests, args.test, args.runs)
            with busy_cores():
                loaded, loaded_longest = failures(ws, kata.tests, args.test, args.runs)
        listed = ("caught_by" if args.test in kata.mutant(name).caught_by else
                  "sometimes_caught_by" if args.test in kata.mutant(name).sometimes_caught_by else "neither")
        print(f"  {name:32} quiet {quiet}/{args.runs} (longest {quiet_longest:.1f} s)   loaded {loaded}/{args.runs} "
              f"(longest {loaded_longest:.1f} s)   in {listed}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
