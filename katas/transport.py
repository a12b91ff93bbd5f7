"""Reliable transport over an unreliable channel: the transport kata.

Your Sender and Receiver talk through a Port (see katas/netsim/): they send raw
`bytes` packets, set or cancel one timer each, and are told when a packet
arrives and when their timer fires.  You design the header; the tag at the end
of every packet is fixed (see the lesson: `tddkit lesson transport`).

Run the tests:  tddkit watch   (or: python -m pytest tests/test_transport.py)
"""

from __future__ import annotations


class TransferFailed(Exception):
    """Raised by the Sender when it gives up: too many timeouts in a row."""


class Sender:
    def __init__(self, port, data: bytes, *, window: int = 8, seq_bits: int = 16,
                 timeout: float = 0.1, max_timeouts: int = 10, key: bytes | None = None):
        raise NotImplementedError("Sender.__init__")

    def start(self) -> None:
        raise NotImplementedError("Sender.start")

    def on_packet(self, packet: bytes) -> None:
        raise NotImplementedError("Sender.on_packet")

    def on_timer(self) -> None:
        raise NotImplementedError("Sender.on_timer")


class Receiver:
    def __init__(self, port, deliver, *, window: int = 8, seq_bits: int = 16,
                 key: bytes | None = None):
        raise NotImplementedError("Receiver.__init__")

    def start(self) -> None:
        raise NotImplementedError("Receiver.start")

    def on_packet(self, packet: bytes) -> None:
        raise NotImplementedError("Receiver.on_packet")

    def on_timer(self) -> None:
        raise NotImplementedError("Receiver.on_timer")
