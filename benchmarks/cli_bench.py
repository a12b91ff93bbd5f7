"""Start-up and run overhead of the tddkit command, side by side with bare Python and pytest.

    python benchmarks/cli_bench.py [--repeat 15]

In fresh temporary workspaces it times, interleaved so that machine noise hits every row
alike: `tddkit status` beside `python -c pass`, and `tddkit run sincostan` beside a bare
`python -m pytest tests/test_sincostan.py` of the same tests, on the stub (every test RED) and
on the reference solution (every test GREEN). Prints median/min/max and the ratios of the
medians. Not a test: run it on demand.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from learner_env import ENV, warn_if_editable

PY = sys.executable
REPO = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - started


PYTEST = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_sincostan.py"]
RUN = [PY, "-m", "tddkit", "run", "sincostan"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    warn_if_editable()
    with tempfile.TemporaryDirectory() as tmp:
        # Two workspaces: the stub as shipped (every test RED) and the reference (every test GREEN).
        red, green = Path(tmp) / "red", Path(tmp) / "green"
        for ws in (red, green):
            subprocess.run([PY, "-m", "tddkit", "init", ws.name], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        shutil.copyfile(REPO / "solutions" / "sincostan.py", green / "katas" / "sincostan.py")
        for ws in (red, green):
            subprocess.run(RUN, cwd=ws, stdout=subprocess.DEVNULL)  # warm the caches
        rows = {
            "python -c pass": ([PY, "-c", "pass"], red),
            "tddkit status": ([PY, "-m", "tddkit", "status"], red),
            "python -m pytest (stub: RED)": (PYTEST, red),
            "tddkit run sincostan (stub: RED)": (RUN, red),
            "python -m pytest (reference: GREEN)": (PYTEST, green),
            "tddkit run sincostan (reference: GREEN)": (RUN, green),
        }
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.repeat):
            for name, (cmd, ws) in rows.items():
                times[name].append(timed(cmd, ws))
    med = {name: statistics.median(t) for name, t in times.items()}
    print(f"{'command':<44} {'median':>8} {'min':>8} {'max':>8}   (seconds, {args.repeat} runs each, interleaved)")
    for name, t in times.items():
        print(f"{name:<44} {med[name]:>8.3f} {min(t):>8.3f} {max(t):>8.3f}")
    print()
    print(f"tddkit status / python -c pass:                  {med['tddkit status'] / med['python -c pass']:.2f}x")
    for light in ("stub: RED", "reference: GREEN"):
        print(f"tddkit run / bare pytest, same tests ({light}): "
              f"{med[f'tddkit run sincostan ({light})'] / med[f'python -m pytest ({light})']:.2f}x")


if __name__ == "__main__":
    main()
