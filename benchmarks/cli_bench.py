"""Start-up and run overhead of the tddkit command, side by side with bare Python and pytest.

    python benchmarks/cli_bench.py [--repeat 15]

In a fresh temporary workspace it times, interleaved so that machine noise hits every row
alike: `tddkit status` beside `python -c pass`, and `tddkit run sincostan` beside a bare
`python -m pytest tests/test_sincostan.py` of the same tests. Prints median/min/max and the
ratios of the medians. Not a test: run it on demand.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def timed(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([PY, "-m", "tddkit", "init", "ws"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        ws = Path(tmp) / "ws"
        subprocess.run([PY, "-m", "tddkit", "run", "sincostan"], cwd=ws, stdout=subprocess.DEVNULL)  # warm the cache
        rows = {
            "python -c pass": [PY, "-c", "pass"],
            "tddkit status": [PY, "-m", "tddkit", "status"],
            "python -m pytest tests/test_sincostan.py": [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                                         "tests/test_sincostan.py"],
            "tddkit run sincostan": [PY, "-m", "tddkit", "run", "sincostan"],
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.repeat):
            for name, cmd in rows.items():
                times[name].append(timed(cmd, ws))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"{'command':<44} {'median':>8} {'min':>8} {'max':>8}   (seconds, {args.repeat} runs each, interleaved)")
    for name, t in times.items():
        print(f"{name:<44} {med[name]:>8.3f} {min(t):>8.3f} {max(t):>8.3f}")
    print()
    print(f"tddkit status / python -c pass:             {med['tddkit status'] / med['python -c pass']:.2f}x")
    print(f"tddkit run / bare pytest of the same tests: "
          f"{med['tddkit run sincostan'] / med['python -m pytest tests/test_sincostan.py']:.2f}x")


if __name__ == "__main__":
    main()
