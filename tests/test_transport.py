"""Tests of the transport kata, step by step.  Read them: they are the specification.

Each test runs your Sender and Receiver through katas/netsim (virtual time,
seeded faults; step 10 uses real UDP on 127.0.0.1).  When a test fails, its
message shows what went wrong and the channel's timeline: the last events (who
sent what, what the channel did to it, timer firings) before the failure.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import random
import re
import time
import traceback
import zlib
from dataclasses import dataclass, field

import pytest
from hypothesis import Phase, example, given, settings, strategies as st

from katas.netsim import WIRE_OVERHEAD, Link, SimulationLimit, Simulator, UdpNetwork
from katas.transport import Receiver, Sender, TransferFailed

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
# No 'explain' phase: shrinking already shows the smallest failing example, and faster.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink]
FEW = settings(deadline=None, max_examples=12, phases=PHASES)


# ---------------------------------------------------------------------------
# Running a transfer and explaining what happened
# ---------------------------------------------------------------------------

@dataclass
class Transfer:
    data: bytes
    net: object = None
    sender: object = None
    receiver: object = None
    received: bytearray = field(default_factory=bytearray)
    outcome: str = ""                 # "done", "idle", "limit" or "error"
    error: BaseException | None = None
    first_wrong: str = ""             # the timeline when the first wrong byte was handed up
    last_delivery: float = 0.0        # when the receiver last handed bytes up
    delivered_after_done: bool = False

    def story(self, last: int = 20) -> str:
        """What the learner sees under a failed assertion."""
        lines = [f"the run ended: {self.outcome}"]
        if self.outcome == "limit":  # the simulator stopped the run; its timeline is below
            lines.append(f"the simulator stopped it: {str(self.error).splitlines()[0]}")
        elif self.error is not None:
            tb = "".join(traceback.format_exception(self.error)[-3:]).rstrip()
            lines.append(f"your code raised {type(self.error).__name__}: {self.error}\n{tb}")
        if self.net is not None:
            for name, c in (("sender -> receiver", self.net.stats.forward),
                            ("receiver -> sender", self.net.stats.backward)):
                counts = {k: v for k, v in vars(c).items() if v and k != "bytes_sent"}
                lines.append(f"{name}: " + (", ".join(f"{k} {v}" for k, v in counts.items())
                                             or "nothing sent"))
        if self.first_wrong:
            lines.append("timeline up to the first wrong byte handed up:\n" + self.first_wrong)
        if self.net is not None:
            lines.append(f"timeline, last {last} events:\n{self.net.timeline(last)}")
        return "\n".join(lines)


def rto(link: Link, window: int) -> float:
    """A retransmission timeout comfortably above the worst round trip."""
    worst_one_way = (link.delay + link.jitter + link.reorder_delay
                     + (window + 1) * link.serialisation(link.max_packet))
    return max(0.005, 3 * worst_one_way)


def transfer(data: bytes, link: Link | None = None, backward: Link | None = None, *,
             seed=0, window=8, seq_bits=16, timeout=None, max_timeouts=50, key=None,
             receiver_key="same", tamper=None, max_time=120.0, max_events=None,
             udp=False, max_seconds=20.0, plain=False, peer=None, keep=10_000) -> Transfer:
    """Run `data` from your Sender to your Receiver; never raises.

    plain: make both ends with no options at all (the lesson's defaults);
    peer(port): an endpoint of the test's own at the far end instead of your Receiver;
    keep: how many events the timeline keeps (tests read their own from it).
    """
    link = link or Link()
    t = Transfer(data)
    if udp:
        t.net = UdpNetwork(link, backward, seed=seed, tamper=tamper)
    else:
        t.net = Simulator(link, backward, seed=seed, tamper=tamper, keep=keep)

    def deliver(chunk):
        chunk = bytes(chunk)
        start = len(t.received)
        t.received += chunk
        t.last_delivery = t.net.now
        if getattr(t.receiver, "done", False) is True:
            t.delivered_after_done = True
        t.net.record("app", "handed up", note=f"{len(chunk)} B at offset {start}")
        if not t.first_wrong and chunk != data[start:start + len(chunk)]:
            t.net.record("app", "WRONG", note="these bytes differ from what was sent")
            t.first_wrong = t.net.timeline(20)

    timeout = rto(link, window) if timeout is None else timeout
    if max_events is None:        # generous for any correct protocol, quick to hit for a runaway
        max_events = 5000 + 60 * (len(data) // max(1, link.max_packet - 40) + 2)
    try:
        if plain:
            t.sender = Sender(t.net.sender_port, data)
        else:
            t.sender = Sender(t.net.sender_port, data, window=window, seq_bits=seq_bits,
                              timeout=timeout, max_timeouts=max_timeouts, key=key)
        if peer is not None:
            t.receiver = peer(t.net.receiver_port)
        elif plain:
            t.receiver = Receiver(t.net.receiver_port, deliver)
        else:
            t.receiver = Receiver(t.net.receiver_port, deliver, window=window,
                                  seq_bits=seq_bits,
                                  key=key if receiver_key == "same" else receiver_key)
        if udp:
            t.outcome = t.net.run(t.sender, t.receiver, max_seconds=max_seconds,
                                  max_events=max_events)
        else:
            t.outcome = t.net.run(t.sender, t.receiver, max_time=max_time,
                                  max_events=max_events)
    except SimulationLimit as e:
        t.outcome, t.error = "limit", e
    except Exception as e:            # the learner's code raised: show it with the timeline
        t.outcome, t.error = "error", e
    finally:
        if udp:
            t.net.close()
    return t


def stream_problem(sent: bytes, got: bytes) -> str:
    """'' if the streams are equal; else what is wrong with `got`, in the lesson's words."""
    if got == sent:
        return ""
    if len(got) > len(sent) and len(set(got)) > 1:
        return (f"the receiver handed up {len(got)} bytes but {len(sent)} were sent: "
                f"some data was delivered more than once (exactly-once broken)")
    at = next((i for i, (a, b) in enumerate(zip(sent, got)) if a != b), min(len(sent), len(got)))
    if len(got) < len(sent) and at == len(got):
        return (f"the receiver handed up only {len(got)} of {len(sent)} bytes "
                f"(the stream stops early)")
    if sorted(got) == sorted(sent):
        how = "the same bytes in the wrong order (in-order delivery broken)"
    elif len(got) == len(sent):
        how = "the right number of bytes, but different ones (corrupted or misplaced data)"
    else:
        how = f"{len(got)} bytes instead of {len(sent)}"
    return (f"the receiver handed up {how}; first difference at byte {at}: sent "
            f"{sent[at:at + 8].hex(' ')!r}, handed up {got[at:at + 8].hex(' ')!r}")


def assert_stream(t: Transfer, what: str) -> None:
    problem = stream_problem(t.data, bytes(t.received))
    if t.outcome == "error":
        problem = f"your code raised {type(t.error).__name__}: {t.error}; " + (problem or "")
    elif t.error is not None and not problem:
        problem = "the stream arrived, but the run did not end cleanly"
    assert not problem, f"{what}: {problem}\n{t.story()}"


def payload(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


def sends(t: Transfer, who: str = "sender") -> list:
    """(time, packet) of each packet `who` sent, from the timeline (it keeps 10,000 events)."""
    return [(e.time, e.packet) for e in t.net.events if e.who == who and e.what == "send"]


def drop(direction: str, lost) -> object:
    """A network that loses the n-th packet (from 0) going `direction` when lost(n) is true."""
    count = {"forward": 0, "backward": 0}

    def tamper(d, packet, rng):
        n, count[d] = count[d], count[d] + 1
        return None if d == direction and lost(n) else packet
    return tamper


def refusal(make) -> BaseException | None:
    """What make() raised, or None."""
    try:
        make()
    except Exception as e:
        return e
    return None


# ---------------------------------------------------------------------------
# Step 1: a perfect channel
# ---------------------------------------------------------------------------

@pytest.mark.step(1)
def test_perfect_channel_delivers_the_stream():
    data, max_packet, sizes = payload(5000), 100, []
    t = transfer(data, Link(delay=0.01, max_packet=max_packet),
                 tamper=lambda d, packet, rng: (d == "forward" and sizes.append(len(packet))) or packet)
    assert_stream(t, "over a perfect channel, 5000 bytes in packets of at most 100 bytes")
    short = [n for n in sizes if n < max_packet]
    assert len(short) <= 2, (
        f"the sender uses as much of each packet as it can: over a perfect channel with "
        f"max_packet={max_packet}, every packet is {max_packet} bytes but the last piece of data "
        f"and the end of the stream; of yours, {len(short)} of {len(sizes)} packets were "
        f"shorter (sizes {sorted(set(short))})\n{t.story()}")


@pytest.mark.step(1)
@FEW
@given(size=st.integers(0, 4000), max_packet=st.integers(48, 600), seed=SEEDS)
def test_perfect_channel_any_size(size, max_packet, seed):
    data = payload(size, seed)
    t = transfer(data, Link(delay=0.005, max_packet=max_packet), seed=seed)
    assert_stream(t, f"over a perfect channel, {size} bytes, max_packet={max_packet}")


@pytest.mark.step(1)
def test_options_are_keyword_only():
    net = Simulator(Link())
    Sender(net.sender_port, b"x", window=4)
    Receiver(net.receiver_port, bytearray().extend, window=4)
    for call, make in (("Sender(port, data, 4)", lambda: Sender(net.sender_port, b"x", 4)),
                       ("Receiver(port, deliver, 4)",
                        lambda: Receiver(net.receiver_port, bytearray().extend, 4))):
        raised = refusal(make)
        assert isinstance(raised, TypeError), (
            f"window, seq_bits, timeout, max_timeouts and key are keyword-only (the * in the "
            f"lesson's signatures): {call} must be a TypeError; yours "
            f"{'accepted it' if raised is None else f'raised {raised!r}'}")


@pytest.mark.step(1)
def test_room_for_one_byte_of_data_is_enough():
    # Whatever your header, max_packet=4 holds the CRC tag and nothing else.
    def make(max_packet):
        return lambda: Sender(Simulator(Link(max_packet=max_packet)).sender_port, b"abcde")
    raised = refusal(make(4))
    assert isinstance(raised, ValueError), (
        f"a max_packet of 4 bytes holds the tag and no header, no data: Sender() must raise "
        f"ValueError; yours {'accepted it' if raised is None else f'raised {raised!r}'}")
    smallest = next((m for m in range(5, 69) if refusal(make(m)) is None), None)
    assert smallest is not None, (
        "Sender() refused every max_packet up to 68 bytes: 64 bytes are room enough for any "
        "header, the tag and some data")
    for m in range(4, smallest):
        assert isinstance(refusal(make(m)), ValueError), (
            f"too small a max_packet is a ValueError; at max_packet={m} yours raised "
            f"{refusal(make(m))!r}")
    data = b"abcde"
    t = transfer(data, Link(delay=0.005, max_packet=smallest), Link(delay=0.005))
    assert_stream(t, f"with max_packet={smallest}, the smallest your Sender accepts")
    packets = len(sends(t))
    assert packets >= len(data), (
        f"refuse a max_packet only when not one byte of data fits beside your header and the "
        f"tag: yours refused {smallest - 1} and accepted {smallest}, but at {smallest} it sent "
        f"{len(data)} bytes in {packets} packets, so {smallest - 1} had room for one byte too"
        f"\n{t.story()}")


# ---------------------------------------------------------------------------
# Step 2: corruption
# ---------------------------------------------------------------------------

@pytest.mark.step(2)
@FEW
@given(seed=SEEDS, p=st.floats(0.05, 0.3), seq_bits=st.sampled_from([4, 16]))
def test_corruption_is_detected_and_recovered(seed, p, seq_bits):
    link = Link(delay=0.005, max_packet=64, corrupt=p)
    t = transfer(payload(3000, seed), link, seed=seed, window=4, seq_bits=seq_bits)
    assert_stream(t, f"with {p:.0%} of packets corrupted (both directions), "
                     f"{seq_bits}-bit sequence numbers")


@pytest.mark.step(2)
def test_corruption_in_the_header_is_caught_too():
    # Half the packets corrupted, 4-bit sequence numbers: a flipped bit in a header
    # (a sequence number, an ACK) turns it into another plausible header.
    for seed in range(3):
        t = transfer(payload(6000, seed), Link(delay=0.005, max_packet=48, corrupt=0.5),
                     seed=seed, window=4, seq_bits=4)
        assert_stream(t, f"with half the packets corrupted, 4-bit sequence numbers (seed {seed})")


SHORT = [b"", b"\x00", b"\x00\x01\x02", zlib.crc32(b"").to_bytes(4, "big")]   # no room for a header


@pytest.mark.step(2)
def test_packets_too_short_for_a_header_are_dropped():
    sent = {"forward": 0, "backward": 0}

    def tamper(direction, packet, rng):
        n = sent[direction] = sent[direction] + 1
        return SHORT[n - 1] if n <= len(SHORT) else packet
    t = transfer(payload(1000), Link(delay=0.005, max_packet=100), tamper=tamper)
    assert_stream(t, "with the first packets each way replaced by packets of 0 to 4 bytes "
                     "(the last of them a right CRC-32 of nothing): too short to be a packet, "
                     "they are dropped like corrupted ones")


# ---------------------------------------------------------------------------
# Step 3: loss
# ---------------------------------------------------------------------------

@pytest.mark.step(3)
@FEW
@given(seed=SEEDS, p=st.floats(0.05, 0.4), burst=st.sampled_from([0.0, 0.02]))
def test_loss_is_repaired_by_retransmission(seed, p, burst):
    link = Link(delay=0.005, jitter=0.001, max_packet=200, loss=p, burst=burst, burst_length=4)
    t = transfer(payload(6000, seed), link, seed=seed, window=4)
    assert_stream(t, f"with {p:.0%} loss and bursts={burst} (both directions)")


@pytest.mark.step(3)
def test_dead_channel_gives_up_with_transfer_failed():
    max_timeouts, window, timeout = 5, 4, 0.1
    t = transfer(payload(2000), Link(delay=0.005, max_packet=200, loss=1.0), window=window,
                 timeout=timeout, max_timeouts=max_timeouts, max_time=120.0)
    if t.outcome == "limit":
        pytest.fail(f"on a dead channel (100% loss) your sender was still retransmitting after "
                    f"120 s; with max_timeouts={max_timeouts} and timeout={timeout} it must "
                    f"raise TransferFailed\n{t.story()}")
    assert isinstance(t.error, TransferFailed), (
        f"on a dead channel the sender must raise TransferFailed after {max_timeouts} "
        f"timeouts in a row\n{t.story()}")
    assert str(t.error), "TransferFailed needs a message that says why the transfer failed"
    fires, sent = t.net.stats.timer_fires["sender"], t.net.stats.forward.sent
    assert fires <= (max_timeouts + 1) * window and sent <= (max_timeouts + 2) * window, (
        f"with max_timeouts={max_timeouts} and window={window} the sender should give up "
        f"after about {max_timeouts} timeouts; it had {fires} timer firings and sent {sent} "
        f"packets\n{t.story()}")


@pytest.mark.step(3)
@pytest.mark.parametrize("max_timeouts", [5, 300])
def test_gives_up_after_exactly_max_timeouts(max_timeouts):
    # One packet in flight, so every timeout is that packet's: the n-th comes n x timeout
    # after it first left.
    timeout = 0.1
    t = transfer(payload(100), Link(delay=0.005, max_packet=200, loss=1.0), window=1,
                 timeout=timeout, max_timeouts=max_timeouts, max_time=120.0)
    assert isinstance(t.error, TransferFailed), (
        f"on a dead channel the sender must raise TransferFailed after {max_timeouts} "
        f"timeouts in a row\n{t.story()}")
    gave_up, want = t.net.now, max_timeouts * timeout
    assert abs(gave_up - want) < timeout / 2, (
        f"with max_timeouts={max_timeouts}, timeout={timeout} and window=1, the sender gives up "
        f"at its {max_timeouts}th timeout in a row, {want:.1f} s after its packet first left: "
        f"not fewer timeouts, not more; yours gave up at {gave_up:.3f} s, after about "
        f"{gave_up / timeout:.0f} timeouts\n{t.story()}")


@pytest.mark.step(3)
def test_a_new_acknowledgement_starts_the_count_again():
    # Window 1: the packet is lost twice (2 timeouts), its third copy is acknowledged at
    # 0.21 s, and every later packet is lost: the count starts again from 0 at that ACK.
    max_timeouts, timeout, acked = 5, 0.1, 0.21
    t = transfer(payload(300), Link(delay=0.005, max_packet=200), window=1, timeout=timeout,
                 max_timeouts=max_timeouts, tamper=drop("forward", lambda n: n != 2))
    assert isinstance(t.error, TransferFailed), (
        f"every packet after the first is lost: the sender must give up with TransferFailed"
        f"\n{t.story()}")
    gave_up, want = t.net.now, acked + max_timeouts * timeout
    assert abs(gave_up - want) < timeout / 2, (
        f"a new acknowledgement resets the count of timeouts in a row to 0: with window=1, "
        f"timeout={timeout} and max_timeouts={max_timeouts}, the first packet got through on "
        f"its third try and was acknowledged at {acked} s, so the sender gives up at the "
        f"{max_timeouts}th timeout after that, at {want:.2f} s; yours gave up at {gave_up:.3f} s"
        f"\n{t.story()}")


@pytest.mark.step(3)
def test_default_timeout_and_max_timeouts():
    t = transfer(payload(100), Link(delay=0.005, max_packet=200, loss=1.0), plain=True)
    assert isinstance(t.error, TransferFailed), (
        f"Sender(port, data) with no options has max_timeouts=10: on a dead channel it must "
        f"give up with TransferFailed\n{t.story()}")
    first = next((at for at, _ in sends(t) if at > 0), None)
    assert first is not None and abs(first - 0.1) < 1e-6, (
        f"Sender(port, data) with no options has timeout=0.1: on a dead channel it sends its "
        f"packet again 0.1 s after it first left; yours did at {first} s\n{t.story()}")
    assert abs(t.net.now - 1.0) < 0.05, (
        f"Sender(port, data) with no options has timeout=0.1 and max_timeouts=10: on a dead "
        f"channel it gives up at its 10th timeout in a row, 1.0 s after its packet left; yours "
        f"gave up at {t.net.now:.3f} s\n{t.story()}")


def replay_the_first_packet():
    """A network that delivers, in place of every packet of the sender, a copy of its first."""
    first = []

    def tamper(direction, packet, rng):
        if direction != "forward":
            return packet
        first[:] = first or [packet]
        return first[0]
    return tamper


@pytest.mark.step(3)
def test_only_a_new_acknowledgement_resets_the_count():
    t = transfer(payload(2000), Link(delay=0.005, max_packet=200), window=4, timeout=0.05,
                 max_timeouts=5, tamper=replay_the_first_packet(), max_time=120.0)
    assert isinstance(t.error, TransferFailed), (
        "only a new acknowledgement resets the count of timeouts in a row: with every packet "
        "replaced on the way by a copy of the first, the receiver acknowledges that first packet "
        "again and again, nothing new, and the sender must give up with TransferFailed after "
        f"max_timeouts=5 timeouts; the run ended: {t.outcome}\n{t.story()}")


# ---------------------------------------------------------------------------
# Step 4: duplication and premature timeouts
# ---------------------------------------------------------------------------

@pytest.mark.step(4)
@FEW
@given(seed=SEEDS, p=st.floats(0.1, 0.5))
def test_duplicates_are_delivered_exactly_once(seed, p):
    link = Link(delay=0.005, max_packet=100, duplicate=p, loss=0.05)
    t = transfer(payload(5000, seed), link, seed=seed, window=4)
    assert_stream(t, f"with {p:.0%} of packets duplicated (and 5% lost)")


@pytest.mark.step(4)
@FEW
@given(seed=SEEDS)
def test_premature_timeouts_deliver_exactly_once(seed):
    link = Link(delay=0.01, jitter=0.004, max_packet=100)
    # The timeout is shorter than the round trip: every packet is sent again needlessly.
    t = transfer(payload(4000, seed), link, seed=seed, window=4, timeout=0.007)
    assert_stream(t, "with a timeout shorter than the round trip (copies of every packet)")


# ---------------------------------------------------------------------------
# Step 5: reordering, a finite window and a finite sequence space
# ---------------------------------------------------------------------------

@pytest.mark.step(5)
@FEW
@given(seed=SEEDS, p=st.floats(0.1, 0.5))
def test_reordered_packets_are_delivered_in_order(seed, p):
    link = Link(delay=0.005, jitter=0.003, max_packet=100, reorder=p, reorder_delay=0.015)
    t = transfer(payload(6000, seed), link, seed=seed, window=8)
    assert_stream(t, f"with {p:.0%} of packets held back (reordered)")


@pytest.mark.step(5)
@settings(deadline=None, max_examples=6, phases=PHASES)
@given(seed=SEEDS)
def test_sequence_numbers_wrap_around(seed):
    # 6-bit sequence numbers (0..63), window 8, 600 packets: the numbers go round
    # nine times.  A full packet takes 1 ms on the wire, so no old copy (at most
    # 12 ms late) can be mistaken for a packet 64 numbers later.
    link = Link(delay=0.005, jitter=0.002, max_packet=128, bandwidth=(128 + WIRE_OVERHEAD) * 1000,
                loss=0.1, duplicate=0.1, reorder=0.2, reorder_delay=0.010, corrupt=0.05)
    t = transfer(payload(600 * 120, seed), link, seed=seed, window=8, seq_bits=6)
    assert_stream(t, "with 6-bit sequence numbers (they wrap around) and every fault at once")


@pytest.mark.step(5)
def test_window_and_seq_bits_outside_their_ranges_are_value_errors():
    net = Simulator(Link())
    ends = {"Sender": lambda **kw: Sender(net.sender_port, b"x", **kw),
            "Receiver": lambda **kw: Receiver(net.receiver_port, bytearray().extend, **kw)}
    # seq_bits from 1 to 32; window from 1 to 2**(seq_bits - 1), half the space.
    good = [dict(seq_bits=1, window=1), dict(seq_bits=4, window=8), dict(seq_bits=4),
            dict(seq_bits=32), dict(window=2**15), dict(window=1)]
    bad = [dict(seq_bits=0, window=1), dict(seq_bits=33), dict(window=0),
           dict(seq_bits=1, window=2), dict(seq_bits=4, window=9), dict(window=2**15 + 1)]
    for name, make in ends.items():
        for options in good:
            raised = refusal(lambda: make(**options))
            assert raised is None, (
                f"seq_bits may be 1 to 32 (default 16) and window 1 to 2**(seq_bits - 1) "
                f"(default 8): {name}(..., {kwargs(options)}) must be accepted; yours raised "
                f"{raised!r}")
        for options in bad:
            raised = refusal(lambda: make(**options))
            assert isinstance(raised, ValueError), (
                f"seq_bits may be 1 to 32 (default 16) and window 1 to 2**(seq_bits - 1), half "
                f"the space (default 8); outside that is a ValueError: {name}(..., "
                f"{kwargs(options)}) must raise ValueError; yours "
                f"{'accepted it' if raised is None else f'raised {raised!r}'}")
            seq_bits = options.get("seq_bits", 16)
            largest = 2 ** (seq_bits - 1) if 1 <= seq_bits <= 32 else None
            if largest is not None and options.get("window", 0) > largest:
                assert re.search(rf"\b{largest}\b", str(raised)), (
                    f"the ValueError for too big a window says the largest allowed, "
                    f"{largest} for {seq_bits}-bit sequence numbers; "
                    f"{name}(..., {kwargs(options)}) said: {raised}")


def kwargs(options: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


@pytest.mark.step(5)
@pytest.mark.parametrize("seq_bits, window", [(1, 1), (32, 8)])
def test_the_smallest_and_the_largest_sequence_space_work(seq_bits, window):
    link = Link(delay=0.005, max_packet=100, loss=0.2, duplicate=0.2)
    t = transfer(payload(2000), link, window=window, seq_bits=seq_bits)
    assert_stream(t, f"with seq_bits={seq_bits} and window={window}, 20% loss and duplication")


@pytest.mark.step(5)
@pytest.mark.parametrize("options", [{}, {"seq_bits": 4, "window": 8}], ids=["defaults", "4-bit"])
def test_copies_whose_acknowledgements_were_lost_are_acknowledged_again(options):
    # The first 8 ACKs are lost: the sender sends its whole first window again, and the
    # receiver, which has handed those 8 packets up already, must acknowledge each copy
    # (a number up to a window behind the one it expects) and hand up nothing twice.
    window = options.get("window", 8)
    t = transfer(payload(2000), Link(delay=0.005, max_packet=100), **options, timeout=0.05,
                 plain=not options, tamper=drop("backward", lambda n: n < window))
    made = f"window={window}, seq_bits={options['seq_bits']}" if options else "no options"
    assert_stream(t, f"with {made} (the defaults: window 8) and the first {window} "
                     f"acknowledgements lost, the receiver acknowledges again the copies of "
                     f"the last {window} packets it handed up, and hands up none of them twice")


# ---------------------------------------------------------------------------
# Step 6: throughput
# ---------------------------------------------------------------------------

THROUGHPUT_FACTOR = 1.5
PIPE = Link(delay=0.05, max_packet=1000, bandwidth=(1000 + WIRE_OVERHEAD) * 1000)   # 1 ms/packet


def throughput_check(window: int):
    data = payload(300_000)
    link = PIPE
    rtt = 2 * link.delay + link.serialisation(link.max_packet) + link.serialisation(0)
    rate = min(link.bandwidth * link.max_packet / (link.max_packet + WIRE_OVERHEAD),
               window * link.max_packet / rtt)
    bound = rtt + len(data) / rate
    t = transfer(data, link, window=window, timeout=4 * rtt + window * 0.002)
    assert_stream(t, f"over a long fat pipe with window={window}")
    took = t.last_delivery
    print(f"window={window}: your transfer took {took:.3f} s ({len(data) / took / 1000:.0f} kB/s); "
          f"the bound is {bound:.3f} s ({rate / 1000:.0f} kB/s = min(bandwidth, "
          f"window x packet / RTT)); allowed: {THROUGHPUT_FACTOR} x bound")
    assert took <= THROUGHPUT_FACTOR * bound, (
        f"window={window}, RTT={rtt * 1000:.1f} ms, bandwidth {link.bandwidth / 1000:.0f} kB/s: "
        f"the data should arrive within {THROUGHPUT_FACTOR} x {bound:.3f} s (the bound "
        f"min(bandwidth, window x packet / RTT)); yours took {took:.3f} s. Does the sender "
        f"keep `window` packets in flight, or wait for each ACK (stop-and-wait)?\n{t.story()}")


@pytest.mark.step(6)
def test_window_fills_the_pipe():
    throughput_check(window=16)        # the window is the bound: 16 packets per round trip


@pytest.mark.step(6)
def test_bandwidth_bound_with_a_big_window():
    throughput_check(window=200)       # the delay-bandwidth product is ~100 packets


@pytest.mark.step(6)
def test_window_is_never_exceeded():
    window, link = 4, Link(delay=0.02, max_packet=500)
    data = payload(100 * 500)
    t = transfer(data, link, window=window)
    assert_stream(t, f"with window={window}")
    # Packet k may leave only once packet k - window is acknowledged: a round trip later.
    packets = math.ceil(len(data) / link.max_packet)
    earliest = (packets - 1) // window * 2 * link.delay + link.delay
    assert t.last_delivery >= earliest * 0.999, (
        f"with window={window} and a round trip of {2 * link.delay * 1000:.0f} ms, "
        f"{packets} packets cannot all arrive before {earliest:.3f} s; yours did by "
        f"{t.last_delivery:.3f} s: the sender had more than `window` packets "
        f"unacknowledged\n{t.story()}")


@pytest.mark.step(6)
def test_default_window_is_8():
    # No ACK ever comes back: what leaves before the first timeout (0.1 s) is the first window.
    link = Link(delay=0.005, max_packet=100)
    t = transfer(payload(2000), link, Link(delay=0.005, max_packet=100, loss=1.0), plain=True)
    first = [at for at, _ in sends(t) if at < 0.1 - 1e-9]
    assert len(first) == 8, (
        f"Sender(port, data) with no options has window=8: with 20 packets to send and no "
        f"acknowledgement yet, it keeps exactly 8 unacknowledged (at most the window, and it "
        f"sends the next at once while fewer are); yours sent {len(first)} before its first "
        f"timeout\n{t.story()}")


# ---------------------------------------------------------------------------
# Step 7: efficiency under loss
# ---------------------------------------------------------------------------

EFFICIENCY_FACTOR = 2.0      # selective repeat gets close to 1; go-back-N pays a window per loss


@pytest.mark.step(7)
@pytest.mark.parametrize("p", [0.1, 0.2])
def test_transmissions_per_packet_near_the_limit(p):
    link = Link(delay=0.01, max_packet=500, loss=p)
    data = payload(200 * 500, 7)
    t = transfer(data, link, Link(delay=0.01, max_packet=500), seed=7, window=4)
    assert_stream(t, f"with {p:.0%} loss on the way out")
    packets = math.ceil(len(data) / link.max_packet)
    per_packet = t.net.stats.forward.sent / packets
    limit = 1 / (1 - p)
    print(f"p={p}: {per_packet:.3f} transmissions per packet; the limit 1/(1-p) is "
          f"{limit:.3f}; allowed: {EFFICIENCY_FACTOR} x limit")
    assert per_packet <= EFFICIENCY_FACTOR * limit, (
        f"at loss probability {p}, each packet needs on average 1/(1-p) = {limit:.3f} "
        f"transmissions; yours sent {per_packet:.3f} per packet (allowed: "
        f"{EFFICIENCY_FACTOR} x the limit). Send again only what may be lost, and only "
        f"when its timeout expires\n{t.story()}")


@pytest.mark.step(7)
def test_a_packet_is_sent_again_only_after_its_own_timeout():
    # Half the ACKs are lost, so packets leave at many different times, each for its own
    # reason; a copy of a packet may leave only `timeout` after that packet last left.
    timeout = 0.05
    t = transfer(payload(3000, 3), Link(delay=0.01, max_packet=100),
                 Link(delay=0.01, max_packet=100, loss=0.5), seed=3, window=4, timeout=timeout)
    assert_stream(t, "with half the acknowledgements lost")
    last, early = {}, []
    for at, packet in sends(t):
        if packet in last and at - last[packet] < timeout - 1e-9:
            early.append((last[packet], at, packet))
        last[packet] = at
    assert not early, (
        f"timeout={timeout}: a packet is sent again only when {timeout} s have passed since it "
        f"last left with no acknowledgement of it; yours sent {len(early)} copies sooner, e.g. "
        f"a packet that left at {early[0][0]:.3f} s again at {early[0][1]:.3f} s "
        f"({early[0][2][:8].hex(' ')})\n{t.story()}" if early else "")


# ---------------------------------------------------------------------------
# Step 8: both ends know when it is over
# ---------------------------------------------------------------------------

@pytest.mark.step(8)
@FEW
@given(seed=SEEDS, loss=st.floats(0, 0.3), dup=st.floats(0, 0.3), reorder=st.floats(0, 0.3),
       size=st.integers(0, 3000))
@example(seed=0, loss=0.0, dup=0.0, reorder=0.0, size=0)     # no data: the end of the stream only
@example(seed=0, loss=0.0, dup=0.0, reorder=0.0, size=30_000)   # more than 256 packets
def test_both_ends_know_the_transfer_is_over(seed, loss, dup, reorder, size):
    link = Link(delay=0.005, jitter=0.002, max_packet=100, loss=loss, duplicate=dup,
                reorder=reorder, reorder_delay=0.01)
    t = transfer(payload(size, seed), link, seed=seed, window=4)
    assert_stream(t, "before the end of the stream")
    assert t.outcome == "done", (
        f"both ends must become done (receiver: saw the end of the stream; sender: "
        f"everything acknowledged); the run ended '{t.outcome}' with sender.done="
        f"{getattr(t.sender, 'done', None)}, receiver.done={getattr(t.receiver, 'done', None)}"
        f"\n{t.story()}")
    assert not t.delivered_after_done and t.net.done_at["receiver"] >= t.last_delivery, (
        f"the receiver said done before it had handed up the whole stream\n{t.story()}")
    stray = [p.name for p in (t.net.sender_port, t.net.receiver_port) if p.timer_pending]
    assert not stray, f"done, but a timer is still set at: {', '.join(stray)}\n{t.story()}"


@pytest.mark.step(8)
def test_sender_is_not_done_without_acknowledgements():
    # ACKs never come back: the data may arrive, but the sender cannot know it did.
    t = transfer(payload(300), Link(delay=0.005, max_packet=100),
                 Link(delay=0.005, max_packet=100, loss=1.0), max_timeouts=4, timeout=0.05,
                 max_time=120.0)
    assert getattr(t.sender, "done", None) is False and "sender" not in t.net.done_at, (
        f"no acknowledgement ever reached the sender, so it cannot be done\n{t.story()}")
    assert isinstance(t.error, TransferFailed), (
        f"with no acknowledgements the sender must give up with TransferFailed\n{t.story()}")


# ---------------------------------------------------------------------------
# Step 9: authentication
# ---------------------------------------------------------------------------

KEY = b"kata shared key!"


def tag_ok(packet: bytes, key: bytes | None) -> bool:
    if key is None:
        return len(packet) >= 4 and packet[-4:] == zlib.crc32(packet[:-4]).to_bytes(4, "big")
    return len(packet) >= 32 and hmac.compare_digest(
        packet[-32:], hmac.new(key, packet[:-32], hashlib.sha256).digest())


@pytest.mark.step(9)
@pytest.mark.parametrize("key", [None, KEY], ids=["crc32", "hmac"])
def test_every_packet_ends_with_its_tag(key):
    seen = []
    t = transfer(payload(3000), Link(delay=0.005, max_packet=200, loss=0.1), key=key,
                 tamper=lambda direction, packet, rng: seen.append((direction, packet)) or packet)
    assert_stream(t, "with a tag on every packet")
    bad = [(d, p) for d, p in seen if not tag_ok(p, key)]
    want = ("CRC-32 (4 bytes, big-endian) of the rest" if key is None
            else "HMAC-SHA256 (32 bytes) of the rest, under the shared key")
    assert seen and not bad, (
        f"every packet must end with its tag: the {want}; {len(bad)} of {len(seen)} did not, "
        f"e.g. a {bad[0][0] if bad else ''} packet {bad[0][1][:40].hex(' ') if bad else ''}"
        f"\n{t.story()}")


def attacker(key_guess: bytes):
    """Flips bits in a packet's body and fixes the tag, as CRC-32 or as HMAC under a guess."""
    def tamper(direction, packet, rng):
        if rng.random() >= 0.3:
            return packet
        as_hmac = rng.random() < 0.5
        n = 32 if as_hmac else 4
        if len(packet) <= n:
            return packet
        body = bytearray(packet[:-n])
        for _ in range(rng.randint(1, 3)):
            body[rng.randrange(len(body))] ^= 1 << rng.randrange(8)
        body = bytes(body)
        tag = (hmac.new(key_guess, body, hashlib.sha256).digest() if as_hmac
               else zlib.crc32(body).to_bytes(4, "big"))
        return body + tag
    return tamper


@pytest.mark.step(9)
@FEW
@given(seed=SEEDS)
def test_forgeries_are_rejected_with_a_shared_key(seed):
    link = Link(delay=0.005, max_packet=200, loss=0.05, duplicate=0.05)
    t = transfer(payload(5000, seed), link, seed=seed, key=KEY,
                 tamper=attacker(key_guess=b"attacker's guess"))
    assert_stream(t, "with an attacker who flips bits in 30% of packets and fixes the tag")
    assert t.outcome == "done", f"forged packets must not stop the transfer\n{t.story()}"


class Mirror:
    """A far end that sends every packet straight back the way it came: a reflection."""

    done = False

    def __init__(self, port):
        self.port = port

    def start(self):
        pass

    def on_timer(self):
        pass

    def on_packet(self, packet):
        self.port.send(packet)


@pytest.mark.step(9)
@pytest.mark.parametrize("size", [0, 500])
def test_a_sender_takes_none_of_its_own_packets_for_an_acknowledgement(size):
    t = transfer(payload(size), Link(delay=0.005, max_packet=200), key=KEY, timeout=0.05,
                 max_timeouts=3, peer=Mirror)
    first = [p for at, p in sends(t) if at == 0]
    assert getattr(t.sender, "done", None) is False and isinstance(t.error, TransferFailed), (
        f"an attacker sends each of the sender's packets back to it: their tags are right, "
        f"but they are not acknowledgements, so nothing is acknowledged and the sender must "
        f"give up with TransferFailed, never be done; yours: done="
        f"{getattr(t.sender, 'done', None)!r}, the run ended {t.outcome}\n{t.story()}")
    assert len(sends(t)) >= 2 * len(first), (
        f"its own packets sent back are not acknowledgements: with nothing acknowledged, each "
        f"of the {len(first)} packets it sent first is sent again before it gives up; yours "
        f"sent {len(sends(t))} packets in all\n{t.story()}")


@pytest.mark.step(9)
def test_wrong_key_is_never_accepted():
    t = transfer(payload(2000), Link(delay=0.005, max_packet=200), key=KEY,
                 receiver_key=b"another key", max_timeouts=4, timeout=0.05, max_time=120.0)
    assert not t.received, (
        f"the receiver holds a different key: it must accept no packet from this sender, "
        f"yet it handed up {len(t.received)} bytes\n{t.story()}")
    assert isinstance(t.error, TransferFailed), (
        f"nothing is ever acknowledged, so the sender must give up\n{t.story()}")


# ---------------------------------------------------------------------------
# Step 10: real UDP on loopback
# ---------------------------------------------------------------------------

@pytest.mark.step(10)
def test_file_over_udp_through_a_lossy_shim():
    data = payload(64 * 1024, 10)
    link = Link(delay=0.002, jitter=0.001, max_packet=1400, loss=0.1, duplicate=0.1,
                reorder=0.1, reorder_delay=0.005)
    began = time.monotonic()
    t = transfer(data, link, seed=10, window=16, timeout=0.02, udp=True, max_seconds=20.0)
    took = time.monotonic() - began
    sent, got = hashlib.sha256(data).hexdigest(), hashlib.sha256(t.received).hexdigest()
    print(f"UDP: {len(data)} bytes in {took:.2f} s, {t.net.stats.forward.sent} packets sent, "
          f"outcome {t.outcome}")
    assert got == sent, (
        f"over UDP on 127.0.0.1 at 10% loss, duplication and reordering, the received file's "
        f"SHA-256 must equal the sent one's: sent {sent[:16]}..., received {got[:16]}... "
        f"({len(t.received)} of {len(data)} bytes); {stream_problem(data, bytes(t.received))}"
        f"\n{t.story()}")
    assert t.outcome == "done", f"both ends must finish over UDP too\n{t.story()}"
