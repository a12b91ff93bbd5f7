"""The same endpoints over real UDP sockets on 127.0.0.1, with real timers.

Given file of the transport kata: do not edit (it is hash-checked).

    sender socket  <-->  shim  <-->  receiver socket

Each endpoint has its own socket.  Its packets go to the shim, which applies the
same `Link` knobs as the simulator (seeded: the same faults are drawn for the
n-th packet), holds each packet for its delay, and forwards it from its other
socket.  One thread runs everything with select(), so endpoint code is never
called concurrently.  Loopback only: nothing leaves the machine.

    with UdpNetwork(Link(delay=0.002, loss=0.1), seed=1) as net:
        sender = Sender(net.sender_port, data, window=32)
        receiver = Receiver(net.receiver_port, received.extend, window=32)
        net.run(sender, receiver, max_seconds=20)
"""

from __future__ import annotations

import heapq
import selectors
import socket
import time
from collections import deque
from typing import Callable

from .channel import Channel, Link
from .sim import RECEIVER, SENDER, Event, Port, SimulationLimit, Stats

LOOPBACK = "127.0.0.1"
_BUFFER = 1 << 20


def _udp_socket() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((LOOPBACK, 0))
    s.setblocking(False)
    for opt in (socket.SO_RCVBUF, socket.SO_SNDBUF):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, _BUFFER)
        except OSError:
            pass
    return s


class _UdpPort(Port):
    """A Port whose packets go out of a real socket and whose timer is real."""

    def __init__(self, net, who, link, sock, shim_address):
        super().__init__(net, who, link)
        self._sock = sock
        self._shim_address = shim_address

    def set_timer(self, delay: float) -> None:
        if delay < 0:
            raise ValueError(f"a timer delay cannot be negative ({delay!r})")
        self._token += 1
        self._deadline = self._net.now + delay

    def _send_now(self, packet: bytes) -> None:
        try:
            self._sock.sendto(packet, self._shim_address)
        except (BlockingIOError, InterruptedError):
            pass                       # the kernel's buffer is full: the packet is lost


class UdpNetwork:
    """Sockets for both ends and a fault-injecting shim between them."""

    def __init__(self, forward: Link | None = None, backward: Link | None = None, *,
                 seed: object = 0, tamper: Callable | None = None, keep: int = 500):
        forward = forward or Link()
        backward = backward or forward
        self.seed = seed
        self.stats = Stats()
        self.events: deque[Event] = deque(maxlen=keep)
        self.done_at: dict[str, float] = {}
        self._tamper = tamper
        self._t0 = time.monotonic()
        self._sockets = {name: _udp_socket() for name in
                         (SENDER, RECEIVER, "shim-" + SENDER, "shim-" + RECEIVER)}
        addr = {name: s.getsockname() for name, s in self._sockets.items()}
        self._address = addr
        self._channels = {
            SENDER: Channel(forward, seed, "forward", self.stats.forward),
            RECEIVER: Channel(backward, seed, "backward", self.stats.backward),
        }
        self.sender_port = _UdpPort(self, SENDER, forward, self._sockets[SENDER],
                                    addr["shim-" + SENDER])
        self.receiver_port = _UdpPort(self, RECEIVER, backward, self._sockets[RECEIVER],
                                      addr["shim-" + RECEIVER])
        self._ports = {SENDER: self.sender_port, RECEIVER: self.receiver_port}
        self._held: list = []          # (release time, order, to whom, packet id, packet)
        self._order = 0
        self._packet_ids = 0
        self._started = False

    @property
    def now(self) -> float:
        return time.monotonic() - self._t0

    def close(self) -> None:
        for s in self._sockets.values():
            s.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the timeline (same as the simulator's) --------------------------------

    def record(self, who, what, packet_id=0, packet=b"", note="") -> None:
        self.events.append(Event(self.now, who, what, packet_id, packet, note))

    def timeline(self, last: int = 20) -> str:
        lines = [str(e) for e in list(self.events)[-last:]]
        return "\n".join(lines) if lines else "(no events)"

    # -- what ports call ---------------------------------------------------------

    def _send(self, who: str, packet: bytes) -> None:
        self._packet_ids += 1
        self.record(who, "send", self._packet_ids, packet)
        # The packet id travels in front of the packet between endpoint and shim only.
        self._ports[who]._send_now(self._packet_ids.to_bytes(8, "big") + packet)

    # -- running -----------------------------------------------------------------

    def run(self, sender, receiver, *, max_seconds: float = 30.0,
            max_events: int = 1_000_000, idle_after: float = 2.0) -> str:
        """Like Simulator.run, in real time.  "idle" after `idle_after` quiet seconds."""
        if self._started:
            raise RuntimeError("a UdpNetwork runs once; make a new one")
        self._started = True
        ends = {SENDER: sender, RECEIVER: receiver}
        owner = {sock: name for name, sock in self._sockets.items()}
        sel = selectors.DefaultSelector()
        for sock in self._sockets.values():
            sel.register(sock, selectors.EVENT_READ)
        try:
            for who in (RECEIVER, SENDER):
                ends[who].start()
                self._check_done(who, ends[who])
            quiet_since = self.now
            while len(self.done_at) < 2:
                now = self.now
                if now > max_seconds:
                    raise SimulationLimit(f"still running after {max_seconds} s "
                                          f"({self.stats.events} events)\n{self.timeline()}")
                wake = [now + 0.05]
                wake += [p._deadline for p in self._ports.values() if p._deadline is not None]
                if self._held:
                    wake.append(self._held[0][0])
                busy = any(p._deadline is not None for p in self._ports.values()) or self._held
                if not busy and now - quiet_since > idle_after:
                    return "idle"
                for key, _ in sel.select(max(0.0, min(wake) - now)):
                    quiet_since = self.now
                    self._drain(key.fileobj, owner[key.fileobj], ends, max_events)
                self._release_due()
                for who, port in self._ports.items():
                    if port._deadline is not None and port._deadline <= self.now:
                        port._deadline = None
                        self.stats.timer_fires[who] += 1
                        self.record(who, "timer")
                        self._count_event(max_events)
                        ends[who].on_timer()
                        self._check_done(who, ends[who])
            return "done"
        finally:
            sel.close()

    def _drain(self, sock, name, ends, max_events) -> None:
        for _ in range(256):
            try:
                raw, _addr = sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return
            pid, packet = int.from_bytes(raw[:8], "big"), raw[8:]
            if name.startswith("shim-"):
                who = name[len("shim-"):]          # the shim heard `who` send
                other = RECEIVER if who == SENDER else SENDER
                channel = self._channels[who]
                fate, copies = channel.transmit(packet, self.now, self._tamper)
                if fate:
                    self.record(channel.direction, fate, pid, packet)
                for arrival, data, notes in copies:
                    self._order += 1
                    heapq.heappush(self._held, (arrival, self._order, other, pid, data,
                                                " ".join(notes)))
            else:
                channel = self._channels[RECEIVER if name == SENDER else SENDER]
                channel.counters.delivered += 1
                self.record(name, "arrive", pid, packet)
                self._count_event(max_events)
                ends[name].on_packet(packet)
                self._check_done(name, ends[name])

    def _release_due(self) -> None:
        while self._held and self._held[0][0] <= self.now:
            _, _, to, pid, data, note = heapq.heappop(self._held)
            shim = self._sockets["shim-" + to]
            if note:
                self.record("forward" if to == RECEIVER else "backward", note, pid, data)
            try:
                shim.sendto(pid.to_bytes(8, "big") + data, self._address[to])
            except (BlockingIOError, InterruptedError):
                pass

    def _count_event(self, max_events: int) -> None:
        self.stats.events += 1
        if self.stats.events > max_events:
            raise SimulationLimit(f"more than {max_events} events\n{self.timeline()}")

    def _check_done(self, who, endpoint) -> None:
        if who not in self.done_at and getattr(endpoint, "done", False) is True:
            self.done_at[who] = self.now
            self.record(who, "done")
