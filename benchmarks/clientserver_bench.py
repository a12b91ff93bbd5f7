"""Benchmark of the clientserver kata's reference solution (not a test).

    python benchmarks/clientserver_bench.py               # from the repository root
    python benchmarks/clientserver_bench.py --delay 0.05 --n 20

With the server delaying every request by R seconds, prints:
1. latency of a get without the cache (bound: at least R) and with a fresh cached value
   (bound: no round trip, far below R);
2. N gets one at a time (bound: at least N x R) against N pipelined gets (bound: about R),
   as seconds and requests per second.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_reference():
    spec = importlib.util.spec_from_file_location("reference_clientserver",
                                                  ROOT / "solutions" / "clientserver.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--delay", type=float, default=0.05, help="the server's delay R, seconds (0.05)")
    parser.add_argument("--n", type=int, default=20, help="requests per batch N (20)")
    parser.add_argument("--repeat", type=int, default=5, help="measurements per figure, median shown (5)")
    args = parser.parse_args(argv)
    ref = load_reference()
    r, n = args.delay, args.n
    with ref.Server(delay=r) as server:
        plain = ref.Client(server.address, timeout=10 + n * r)
        cached = ref.Client(server.address, timeout=10, cache_ttl=3600)
        try:
            plain.put("k", "v")
            cached.get("k")
            miss = statistics.median(timed(lambda: plain.get("k")) for _ in range(args.repeat))
            hit = statistics.median(timed(lambda: cached.get("k")) for _ in range(args.repeat))
            keys = [f"k{i}" for i in range(n)]
            serial = statistics.median(timed(lambda: [plain.get(k) for k in keys]) for _ in range(args.repeat))
            piped = statistics.median(timed(lambda: plain.get_many(keys)) for _ in range(args.repeat))
        finally:
            plain.close()
            cached.close()
    print(f"server delay R = {r * 1000:.0f} ms, N = {n}, median of {args.repeat}")
    print(f"{'figure':34} {'measured':>12} {'bound':>22}")
    print(f"{'latency, no cache':34} {miss * 1000:9.1f} ms {'>= R = %.0f ms' % (r * 1000):>22}")
    print(f"{'latency, fresh cache hit':34} {hit * 1000:9.3f} ms {'<< R (no round trip)':>22}")
    print(f"{'N gets one at a time':34} {serial * 1000:9.1f} ms {'>= N x R = %.0f ms' % (n * r * 1000):>22}")
    print(f"{'N gets pipelined':34} {piped * 1000:9.1f} ms {'~ R = %.0f ms' % (r * 1000):>22}")
    print(f"{'throughput one at a time':34} {n / serial:9.1f} /s {'<= 1/R = %.0f /s' % (1 / r):>22}")
    print(f"{'throughput pipelined':34} {n / piped:9.1f} /s {'~ N/R = %.0f /s' % (n / r):>22}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
