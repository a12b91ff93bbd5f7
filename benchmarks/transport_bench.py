"""Benchmark of the transport kata's reference solution and of its simulator (not a test).

    python benchmarks/transport_bench.py            # from the repository root
    python benchmarks/transport_bench.py --quick    # smaller transfers

Prints:
1. transmissions per packet against the limit 1/(1-p), for p in {0, 0.1, 0.2, 0.3, 0.5};
2. throughput against the window bound min(bandwidth, window x packet / RTT);
3. the simulator's speed in events per second.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from katas.netsim import WIRE_OVERHEAD, Link, Simulator  # noqa: E402


def load_reference():
    spec = importlib.util.spec_from_file_location("reference_transport",
                                                  ROOT / "solutions" / "transport.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(ref, data, forward, backward=None, *, seed=0, window=8, timeout, max_timeouts=100):
    sim = Simulator(forward, backward, seed=seed)
    got = bytearray()
    sender = ref.Sender(sim.sender_port, data, window=window, timeout=timeout,
                        max_timeouts=max_timeouts)
    receiver = ref.Receiver(sim.receiver_port, got.extend, window=window)
    began = time.perf_counter()
    outcome = sim.run(sender, receiver, max_time=10_000, max_events=50_000_000)
    wall = time.perf_counter() - began
    assert outcome == "done" and bytes(got) == data, "the reference failed a transfer"
    return sim, sender, wall


def efficiency(ref, packets: int) -> None:
    print("1. Transmissions per packet (window 8, loss p on the data path, timeout 4 x RTT)")
    print(f"   {'p':>4}  {'limit 1/(1-p)':>13}  {'reference':>9}  {'ratio':>6}")
    max_packet = 1000
    data = random.Random(1).randbytes(packets * (max_packet - 9))
    for p in (0.0, 0.1, 0.2, 0.3, 0.5):
        sim, sender, _ = run(ref, data, Link(delay=0.01, max_packet=max_packet, loss=p),
                             Link(delay=0.01, max_packet=max_packet), seed=1, timeout=0.08)
        per = sim.stats.forward.sent / len(sender.segments)    # data packets + the FIN
        limit = 1 / (1 - p)
        print(f"   {p:>4}  {limit:>13.3f}  {per:>9.3f}  {per / limit:>6.3f}")


def throughput(ref, size: int) -> None:
    max_packet, delay, bandwidth = 1000, 0.05, (1000 + WIRE_OVERHEAD) * 1000
    link = Link(delay=delay, max_packet=max_packet, bandwidth=bandwidth)
    rtt = 2 * delay + link.serialisation(max_packet) + link.serialisation(0)
    app_bandwidth = bandwidth * max_packet / (max_packet + WIRE_OVERHEAD)
    print(f"\n2. Throughput against the window bound ({size // 1000} kB, RTT {rtt * 1000:.1f} ms, "
          f"bandwidth {app_bandwidth / 1000:.0f} kB/s of data, delay-bandwidth product "
          f"{app_bandwidth * rtt / max_packet:.0f} packets)")
    print(f"   {'window':>6}  {'bound kB/s':>10}  {'reference kB/s':>14}  {'ratio':>6}")
    data = random.Random(2).randbytes(size)
    for window in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        sim, _, _ = run(ref, data, link, window=window, timeout=4 * rtt + window * 0.002)
        rate = len(data) / sim.done_at["receiver"]
        bound = min(app_bandwidth, window * max_packet / rtt)
        print(f"   {window:>6}  {bound / 1000:>10.1f}  {rate / 1000:>14.1f}  {rate / bound:>6.3f}")


def speed(ref, size: int) -> None:
    link = Link(delay=0.01, jitter=0.002, max_packet=1000, bandwidth=10_000_000, loss=0.05,
                duplicate=0.05, reorder=0.05, corrupt=0.02)
    data = random.Random(3).randbytes(size)
    sim, _, wall = run(ref, data, link, window=64, timeout=0.06, seed=3)
    events = sim.stats.events
    print(f"\n3. Simulator speed: {size // 1000} kB with every fault at 2-5%, window 64: "
          f"{events} events in {wall:.2f} s of wall time = {events / wall:,.0f} events/s "
          f"(endpoint code included); {sim.now:.2f} s of virtual time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller transfers")
    quick = parser.parse_args().quick
    ref = load_reference()
    efficiency(ref, packets=300 if quick else 2000)
    throughput(ref, size=200_000 if quick else 1_000_000)
    speed(ref, size=2_000_000 if quick else 20_000_000)


if __name__ == "__main__":
    main()
