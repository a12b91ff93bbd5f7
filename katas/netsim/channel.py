"""One direction of a packet-switched link, and what can go wrong on it.

Given file of the transport kata: do not edit (it is hash-checked).

A `Link` describes one direction: how long a packet takes to cross it, how fast
it is, how big a packet may be, and the probability of each fault.  A `Channel`
applies a `Link` to the packets put on it, with its own seeded random numbers,
and says when (and in which state) each packet comes out at the far end.  The
simulator (`sim.py`) and the UDP shim (`udp.py`) share this code, so the same
knobs mean the same thing in virtual time and on real sockets.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

# Bytes that every packet costs on the wire besides its own (an IPv4 + UDP header).
WIRE_OVERHEAD = 28


@dataclass(frozen=True)
class Link:
    """One direction of a link.  Times are in seconds, sizes in bytes.

    delay          one-way propagation delay
    jitter         extra delay drawn uniformly from [0, jitter] for each packet
                   (a jitter larger than the gap between packets reorders them)
    bandwidth      bytes per second; a packet of n bytes occupies the link for
                   (n + WIRE_OVERHEAD) / bandwidth seconds, one packet after the
                   other.  None: infinitely fast.
    max_packet     the largest packet the link carries; bigger ones are refused
    queue_limit    packets that may wait for the link; more are dropped, as an
                   overloaded router drops them.  None: no limit.
    loss           probability that a packet is lost
    duplicate      probability that a packet arrives twice (the copy has its own
                   delay, and may be corrupted on its own)
    reorder        probability that a packet is held back by an extra delay drawn
                   from [reorder_delay / 2, reorder_delay], so later ones overtake it
    reorder_delay  see reorder
    corrupt        probability that a delivered packet has 1 to 3 bits flipped,
                   anywhere in it (header included)
    burst          probability that a packet starts a burst of loss: it and the
                   next burst_length - 1 packets are all lost
    burst_length   see burst
    """

    delay: float = 0.010
    jitter: float = 0.0
    bandwidth: float | None = None
    max_packet: int = 1024
    queue_limit: int | None = None
    loss: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    reorder_delay: float = 0.020
    corrupt: float = 0.0
    burst: float = 0.0
    burst_length: int = 5

    def __post_init__(self) -> None:
        for name in ("loss", "duplicate", "reorder", "corrupt", "burst"):
            p = getattr(self, name)
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"Link.{name} is a probability in [0, 1], not {p!r}")
        for name in ("delay", "jitter", "reorder_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"Link.{name} is a time and cannot be negative")
        if self.bandwidth is not None and self.bandwidth <= 0:
            raise ValueError("Link.bandwidth must be positive (or None for infinite)")
        if self.max_packet < 1:
            raise ValueError("Link.max_packet must be at least 1 byte")
        if self.burst_length < 1:
            raise ValueError("Link.burst_length must be at least 1")

    def serialisation(self, size: int) -> float:
        """Seconds that a packet of `size` bytes occupies the link."""
        if self.bandwidth is None:
            return 0.0
        return (size + WIRE_OVERHEAD) / self.bandwidth


@dataclass
class Counters:
    """What happened to the packets put on one direction of a link."""

    sent: int = 0            # packets handed to the link by an endpoint
    bytes_sent: int = 0
    delivered: int = 0       # copies handed to the far endpoint (duplicates count)
    lost: int = 0            # lost on their own (Link.loss)
    burst_lost: int = 0      # lost in a burst (Link.burst)
    queue_dropped: int = 0   # dropped because the queue was full (Link.queue_limit)
    duplicated: int = 0      # extra copies made
    corrupted: int = 0       # copies with flipped bits
    reordered: int = 0       # copies held back (Link.reorder)
    tampered: int = 0        # copies changed or dropped by a tamper function

    @property
    def dropped(self) -> int:
        return self.lost + self.burst_lost + self.queue_dropped


def _stream(seed: object, direction: str, fault: str) -> random.Random:
    # One random stream per fault: turning one knob does not change the others' draws.
    return random.Random(f"netsim/{seed}/{direction}/{fault}")


@dataclass
class Channel:
    """Applies a Link to packets.  `transmit` returns the copies that will arrive."""

    link: Link
    seed: object
    direction: str                      # "forward" (sender -> receiver) or "backward"
    counters: Counters = field(default_factory=Counters)

    def __post_init__(self) -> None:
        d = self.direction
        self._loss = _stream(self.seed, d, "loss")
        self._burst = _stream(self.seed, d, "burst")
        self._dup = _stream(self.seed, d, "duplicate")
        self._corrupt = _stream(self.seed, d, "corrupt")
        self._delay = _stream(self.seed, d, "delay")
        self._reorder = _stream(self.seed, d, "reorder")
        self._tamper = _stream(self.seed, d, "tamper")
        self._free_at = 0.0
        self._burst_left = 0
        self._in_queue: deque[float] = deque()

    def transmit(self, packet: bytes, now: float, tamper=None):
        """Put `packet` on the link at time `now`.

        Returns (fate, copies): fate is "" or the reason the packet was dropped
        ("lost", "burst", "queue full"); copies is a list of
        (arrival_time, packet, notes) with notes a list of words such as
        "duplicate", "corrupted", "reordered", "tampered".
        """
        link, c = self.link, self.counters
        c.sent += 1
        c.bytes_sent += len(packet)
        # Decisions are drawn for every packet, whatever happens, so that a seed
        # gives the same fate to the n-th packet whichever knobs are turned.
        u_loss = self._loss.random()
        u_burst = self._burst.random()
        u_dup = self._dup.random()

        while self._in_queue and self._in_queue[0] <= now:
            self._in_queue.popleft()
        if link.queue_limit is not None and len(self._in_queue) > link.queue_limit:
            c.queue_dropped += 1
            return "queue full", []
        start = max(now, self._free_at)
        leaves = start + link.serialisation(len(packet))
        self._free_at = leaves
        self._in_queue.append(leaves)

        if self._burst_left > 0:
            self._burst_left -= 1
            c.burst_lost += 1
            return "burst", []
        if u_burst < link.burst:
            self._burst_left = link.burst_length - 1
            c.burst_lost += 1
            return "burst", []
        if u_loss < link.loss:
            c.lost += 1
            return "lost", []

        copies = []
        n = 2 if u_dup < link.duplicate else 1
        for i in range(n):
            notes = ["duplicate"] if i else []
            data = packet
            u_corrupt = self._corrupt.random()
            if u_corrupt < link.corrupt and data:
                data = flip_bits(data, self._corrupt)
                c.corrupted += 1
                notes.append("corrupted")
            arrival = leaves + link.delay + self._delay.random() * link.jitter
            u_reorder = self._reorder.random()
            hold = (0.5 + 0.5 * self._reorder.random()) * link.reorder_delay
            if u_reorder < link.reorder:
                arrival += hold
                c.reordered += 1
                notes.append("reordered")
            if tamper is not None:
                changed = tamper(self.direction, data, self._tamper)
                if changed != data:
                    c.tampered += 1
                    notes.append("tampered")
                    if changed is None:
                        notes.append("dropped")
                        continue
                    data = bytes(changed)
            copies.append((arrival, data, notes))
        c.duplicated += n - 1
        return "", copies


def flip_bits(packet: bytes, rng: random.Random) -> bytes:
    """Return `packet` with 1 to 3 distinct bits flipped, anywhere in it."""
    data = bytearray(packet)
    nbits = len(data) * 8
    for bit in rng.sample(range(nbits), min(nbits, rng.randint(1, 3))):
        data[bit // 8] ^= 1 << (bit % 8)
    return bytes(data)
