"""MUTANT key_ignored: the shared key is ignored: every packet gets a CRC-32, which anyone can recompute.

Reliable transport over an unreliable channel: a WRONG solution.

Selective repeat: the sender keeps up to `window` packets in flight, each with
its own retransmission deadline (one Port timer is set for the earliest); the
receiver acknowledges every packet it accepts, buffers those that arrive early
and hands bytes up in order.  The end of the stream is one more numbered packet
(FIN), so it is retransmitted, acknowledged and ordered like the data.

Packet = body + tag.  body = kind (1 byte) + sequence number (4 bytes, big-endian)
+ payload.  tag = CRC-32 of the body (4 bytes), or HMAC-SHA256 under the shared
key (32 bytes).
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import zlib

DATA, ACK, FIN = 0, 1, 2
HEADER = struct.Struct("!BI")          # kind, sequence number
_END = object()                        # the FIN's place in the receive buffer


class TransferFailed(Exception):
    """Raised by the Sender when it gives up: too many timeouts in a row."""


def tag_size(key: bytes | None) -> int:
    return 4


def seal(body: bytes, key: bytes | None) -> bytes:
    """body + its tag."""
    return body + zlib.crc32(body).to_bytes(4, "big")


def unseal(packet: bytes, key: bytes | None) -> bytes | None:
    """The body, if the tag is right; None if the packet is corrupted or forged."""
    n = tag_size(key)
    if len(packet) < n + HEADER.size:
        return None
    body = packet[:-n]
    if not hmac.compare_digest(packet[-n:], seal(body, key)[-n:]):
        return None
    return body


def parse(packet: bytes, key: bytes | None):
    """(kind, seq, payload), or None for a packet to ignore."""
    body = unseal(packet, key)
    if body is None:
        return None
    kind, seq = HEADER.unpack_from(body)
    return kind, seq, body[HEADER.size:]


def _check_space(window: int, seq_bits: int) -> int:
    if not 1 <= seq_bits <= 32:
        raise ValueError(f"seq_bits must be between 1 and 32, not {seq_bits}")
    space = 1 << seq_bits
    if not 1 <= window <= space // 2:
        raise ValueError(f"with {seq_bits}-bit sequence numbers the window is at most "
                         f"{space // 2} (half the space), not {window}")
    return space


class Sender:
    def __init__(self, port, data: bytes, *, window: int = 8, seq_bits: int = 16,
                 timeout: float = 0.1, max_timeouts: int = 10, key: bytes | None = None):
        self.port, self.window, self.timeout = port, window, timeout
        self.max_timeouts, self.key = max_timeouts, key
        self.space = _check_space(window, seq_bits)
        room = port.max_packet - HEADER.size - tag_size(key)
        if room < 1:
            raise ValueError(f"max_packet={port.max_packet} leaves no room for data")
        self.segments = [data[i:i + room] for i in range(0, len(data), room)]
        self.segments.append(None)                 # the FIN
        self.base = 0                              # oldest unacknowledged packet
        self.next = 0                              # next packet never sent
        self.acked: set[int] = set()               # acknowledged, at or above base
        self.deadline: dict[int, float] = {}       # packet -> when to send it again
        self.timeouts = 0                          # in a row, with no new acknowledgement
        self.done = False

    def start(self) -> None:
        self._fill()
        self._arm()

    def on_packet(self, packet: bytes) -> None:
        parsed = parse(packet, self.key)
        if self.done or parsed is None or parsed[0] != ACK:
            return
        offset = (parsed[1] - self.base) % self.space
        if offset >= self.next - self.base:        # not a packet in flight: old or bogus
            return
        i = self.base + offset
        if i in self.acked:
            return
        self.acked.add(i)
        del self.deadline[i]
        self.timeouts = 0
        while self.base in self.acked:
            self.acked.remove(self.base)
            self.base += 1
        if self.base == len(self.segments):
            self.done = True
            self.port.cancel_timer()
            return
        self._fill()
        self._arm()

    def on_timer(self) -> None:
        if self.done:
            return
        now = self.port.now
        due = [i for i, t in self.deadline.items() if t <= now + 1e-9]
        if due:
            self.timeouts += 1
            if self.timeouts >= self.max_timeouts:
                self.port.cancel_timer()
                raise TransferFailed(
                    f"gave up after {self.timeouts} timeouts in a row with no "
                    f"acknowledgement: {self.base} of {len(self.segments)} packets "
                    f"acknowledged; the channel looks dead")
            for i in due:
                self._transmit(i)
        self._arm()

    def _fill(self) -> None:
        while self.next < len(self.segments) and self.next < self.base + self.window:
            self._transmit(self.next)
            self.next += 1

    def _transmit(self, i: int) -> None:
        segment = self.segments[i]
        kind = FIN if segment is None else DATA
        self.port.send(seal(HEADER.pack(kind, i % self.space) + (segment or b""), self.key))
        self.deadline[i] = self.port.now + self.timeout

    def _arm(self) -> None:
        if self.deadline:
            self.port.set_timer(max(0.0, min(self.deadline.values()) - self.port.now))
        else:
            self.port.cancel_timer()


class Receiver:
    def __init__(self, port, deliver, *, window: int = 8, seq_bits: int = 16,
                 key: bytes | None = None):
        self.port, self.deliver, self.window, self.key = port, deliver, window, key
        self.space = _check_space(window, seq_bits)
        self.base = 0                              # next packet to hand up
        self.buffer: dict[int, object] = {}        # arrived early: packet -> payload
        self.done = False

    def start(self) -> None:
        pass

    def on_timer(self) -> None:
        pass

    def on_packet(self, packet: bytes) -> None:
        parsed = parse(packet, self.key)
        if parsed is None or parsed[0] not in (DATA, FIN):
            return
        kind, seq, payload = parsed
        offset = (seq - self.base) % self.space
        if offset < self.window and not self.done:
            self.buffer.setdefault(self.base + offset, _END if kind == FIN else payload)
            self._ack(seq)
            while self.base in self.buffer:
                item = self.buffer.pop(self.base)
                self.base += 1
                if item is _END:
                    self.done = True
                    self.buffer.clear()
                    break
                if item:
                    self.deliver(item)
        elif offset >= self.space - self.window:   # handed up already: the ACK was lost
            self._ack(seq)

    def _ack(self, seq: int) -> None:
        self.port.send(seal(HEADER.pack(ACK, seq), self.key))
