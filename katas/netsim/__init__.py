"""netsim: the network that the transport kata's endpoints talk over.

Given files of the transport kata: do not edit (they are hash-checked).

- `Link`: one direction of a link (delay, jitter, bandwidth, max_packet, faults).
- `Simulator`: two endpoints and a link each way, in virtual time (deterministic for a seed).
- `UdpNetwork`: the same, over real UDP sockets on 127.0.0.1 with a fault-injecting shim.
- `Port`: what an endpoint is given: send(packet), set_timer(delay), cancel_timer(),
  now, max_packet, timer_pending.
"""

from .channel import WIRE_OVERHEAD, Counters, Link, flip_bits
from .sim import Event, PacketTooBig, Port, SimulationLimit, Simulator, Stats
from .udp import UdpNetwork

__all__ = ["WIRE_OVERHEAD", "Counters", "Event", "Link", "PacketTooBig", "Port",
           "SimulationLimit", "Simulator", "Stats", "UdpNetwork", "flip_bits"]
