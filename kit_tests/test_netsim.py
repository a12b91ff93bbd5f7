"""The kit's own tests of the transport kata's simulator (katas/netsim/)."""

import random
import sys
from pathlib import Path

import pytest

# The simulator is kata content (katas/netsim/), not part of the installed tddkit package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from katas.netsim import (WIRE_OVERHEAD, Link, PacketTooBig, SimulationLimit,  # noqa: E402
                          Simulator, UdpNetwork, flip_bits)


class Blaster:
    """Sends `n` numbered packets at start (or one per timer tick), never done."""

    def __init__(self, port, n=200, size=100, tick=None):
        self.port, self.n, self.size, self.tick = port, n, size, tick
        self.sent = 0
        self.arrivals = []
        self.done = False

    def packet(self, i):
        return i.to_bytes(4, "big") + bytes(self.size - 4)

    def start(self):
        if self.tick is None:
            for i in range(self.n):
                self.port.send(self.packet(i))
            self.sent = self.n
        else:
            self.port.set_timer(self.tick)

    def on_timer(self):
        self.port.send(self.packet(self.sent))
        self.sent += 1
        if self.sent < self.n:
            self.port.set_timer(self.tick)

    def on_packet(self, packet):
        self.arrivals.append((self.port.now, packet))


class Sink(Blaster):
    def __init__(self, port):
        super().__init__(port, n=0)

    def start(self):
        pass


def blast(link, seed=1, n=200, size=100, tick=None, **kw):
    sim = Simulator(link, seed=seed, **kw)
    a, b = Blaster(sim.sender_port, n, size, tick), Sink(sim.receiver_port)
    result = sim.run(a, b)
    return sim, a, b, result


def numbers(endpoint):
    return [int.from_bytes(p[:4], "big") for _, p in endpoint.arrivals]


def test_perfect_link_delivers_everything_in_order_after_the_delay():
    sim, _, b, result = blast(Link(delay=0.05))
    assert result == "idle"
    assert numbers(b) == list(range(200))
    assert all(t == pytest.approx(0.05) for t, _ in b.arrivals)
    f = sim.stats.forward
    assert (f.sent, f.delivered, f.dropped) == (200, 200, 0)


def test_same_seed_same_run_and_different_seed_different_run():
    link = Link(delay=0.01, jitter=0.01, loss=0.2, duplicate=0.2, reorder=0.2, corrupt=0.2,
                burst=0.02)
    runs = [blast(link, seed=s)[2].arrivals for s in (5, 5, 6)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_loss_drops_about_p_and_counters_add_up(p):
    sim, _, b, _ = blast(Link(loss=p), n=4000)
    f = sim.stats.forward
    assert f.lost == pytest.approx(4000 * p, rel=0.15)
    assert f.sent == 4000 and f.delivered == len(b.arrivals) == f.sent - f.dropped


def test_duplication_makes_extra_copies():
    sim, _, b, _ = blast(Link(duplicate=0.3), n=2000)
    f = sim.stats.forward
    assert f.duplicated == pytest.approx(600, rel=0.15)
    assert f.delivered == len(b.arrivals) == 2000 + f.duplicated
    assert sorted(set(numbers(b))) == list(range(2000))


def test_corruption_flips_bits_anywhere_including_the_first_bytes():
    sim, a, b, _ = blast(Link(corrupt=0.5), n=2000, size=8)
    f = sim.stats.forward
    assert f.corrupted == pytest.approx(1000, rel=0.15)
    changed = [(i, p) for i, (_, p) in enumerate(b.arrivals) if p != a.packet(i)]
    header_hits = [p for i, p in changed if p[:4] != a.packet(i)[:4]]
    assert len(changed) == f.corrupted
    # 1, 2 or 3 bits, each in the first half with probability 1/2: (1/2 + 3/4 + 7/8) / 3
    assert len(header_hits) == pytest.approx(f.corrupted * 17 / 24, rel=0.1), "bits flip anywhere"


def test_flip_bits_flips_one_to_three_bits():
    rng = random.Random(0)
    for _ in range(200):
        out = flip_bits(bytes(16), rng)
        assert 1 <= sum(bin(x).count("1") for x in out) <= 3


def test_reordering_holds_packets_back_so_later_ones_overtake():
    link = Link(delay=0.01, bandwidth=100_000, reorder=0.2, reorder_delay=0.05)
    sim, _, b, _ = blast(link, n=500)
    got = numbers(b)
    assert sorted(got) == list(range(500)) and got != list(range(500))
    assert sim.stats.forward.reordered == pytest.approx(100, rel=0.3)


def test_jitter_spreads_arrival_times_within_bounds():
    sim, _, b, _ = blast(Link(delay=0.01, jitter=0.004), n=500)
    times = [t for t, _ in b.arrivals]
    assert min(times) >= 0.01 and max(times) <= 0.014 + 1e-12 and max(times) - min(times) > 0.003


def test_bandwidth_serialises_packets_one_after_the_other():
    link = Link(delay=0.0, bandwidth=(100 + WIRE_OVERHEAD) * 1000)   # 1 ms per packet
    _, _, b, _ = blast(link, n=10)
    assert [round(t * 1000, 6) for t, _ in b.arrivals] == list(range(1, 11))


def test_queue_limit_drops_what_does_not_fit():
    link = Link(bandwidth=(100 + WIRE_OVERHEAD) * 1000, queue_limit=4)
    sim, _, b, _ = blast(link, n=20)
    assert len(b.arrivals) == 5 and sim.stats.forward.queue_dropped == 15


def test_bursts_lose_consecutive_packets():
    sim, _, b, _ = blast(Link(burst=0.02, burst_length=6), n=3000)
    got = set(numbers(b))
    missing = [i for i in range(3000) if i not in got]
    runs, run = [], 1
    for x, y in zip(missing, missing[1:]):
        if y == x + 1:
            run += 1
        else:
            runs.append(run)
            run = 1
    runs.append(run)
    assert missing and min(runs) >= 6
    assert sim.stats.forward.burst_lost == len(missing)


def test_one_knob_does_not_change_the_others_draws():
    lossy = blast(Link(loss=0.3), n=500)[2]
    lossy_dup = blast(Link(loss=0.3, duplicate=0.5), n=500)[2]
    assert sorted(set(numbers(lossy))) == sorted(set(numbers(lossy_dup)))


def test_virtual_time_timers_and_max_packet():
    sim, a, b, result = blast(Link(delay=1.0), n=5, tick=10.0)
    assert result == "idle" and sim.now == pytest.approx(51.0)
    assert [round(t) for t, _ in b.arrivals] == [11, 21, 31, 41, 51]
    assert sim.stats.timer_fires["sender"] == 5
    sim = Simulator(Link(max_packet=10))
    with pytest.raises(PacketTooBig):
        sim.sender_port.send(bytes(11))


def test_cancelled_and_replaced_timers_do_not_fire():
    class T(Sink):
        fired = 0

        def start(self):
            self.port.set_timer(1.0)
            self.port.set_timer(2.0)

        def on_timer(self):
            T.fired += 1
            assert self.port.now == 2.0 and not self.port.timer_pending
            self.port.set_timer(5.0)
            assert self.port.timer_pending
            self.port.cancel_timer()

    sim = Simulator()
    assert sim.run(T(sim.sender_port), Sink(sim.receiver_port)) == "idle"
    assert T.fired == 1 and sim.now == 2.0


def test_limits_stop_a_run_that_never_ends():
    class Forever(Sink):
        def start(self):
            self.port.set_timer(1.0)

        def on_timer(self):
            self.port.send(b"again")
            self.port.set_timer(1.0)

    sim = Simulator()
    with pytest.raises(SimulationLimit, match="still running"):
        sim.run(Forever(sim.sender_port), Sink(sim.receiver_port), max_time=100)
    assert "timer" in sim.timeline(5)
    sim = Simulator()
    with pytest.raises(SimulationLimit, match="events"):
        sim.run(Forever(sim.sender_port), Sink(sim.receiver_port), max_events=50)


def test_run_ends_when_both_are_done_and_timeline_shows_events():
    class Quick(Sink):
        def start(self):
            self.port.send(b"hello")
            self.done = True

    sim = Simulator(Link(loss=1.0))
    b = Quick(sim.receiver_port)
    assert sim.run(Quick(sim.sender_port), b) == "done"
    text = sim.timeline()
    assert "send" in text and "lost" in text and "done" in text
    assert sim.done_at == {"sender": 0.0, "receiver": 0.0}


def test_tamper_sees_every_copy_and_can_change_or_drop_it():
    def tamper(direction, packet, rng):
        n = int.from_bytes(packet[:4], "big")
        return None if n % 2 else b"X" + packet[1:]

    sim, _, b, _ = blast(Link(), n=10, tamper=tamper)
    assert [p[:1] for _, p in b.arrivals] == [b"X"] * 5
    assert sim.stats.forward.tampered == 10


def test_udp_network_carries_packets_with_faults_over_loopback():
    with UdpNetwork(Link(delay=0.001, loss=0.2), seed=3) as net:
        a, b = Blaster(net.sender_port, n=300), Sink(net.receiver_port)
        assert net.run(a, b, max_seconds=10, idle_after=0.3) == "idle"
    f = net.stats.forward
    assert f.sent == 300 and 0 < f.lost < 120 and len(b.arrivals) == f.delivered == 300 - f.lost
