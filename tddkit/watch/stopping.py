"""How a watch (`tddkit watch`, `tddkit write-tests --watch`) is stopped by a signal: SIGTERM or
SIGHUP raise Stop where the watch is, which leaves it as [q] does; while it cleans up, no further
signal interrupts it (`timeout`, `pkill -f` and a closing terminal may each send one)."""

from __future__ import annotations

import signal

STOPS = (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))


class Stop(BaseException):
    """SIGTERM or SIGHUP: leave the watch, cleaning up as on [q]. A BaseException, as
    KeyboardInterrupt is, so that no `except Exception` swallows it (coverage's, which did)."""


def _stop(signum, frame):
    raise Stop()


def stop_on_signals() -> None:
    for sig in STOPS:
        signal.signal(sig, _stop)


def ignore_signals() -> None:
    """From here on, clean up without being interrupted, by Ctrl-C either."""
    for sig in (signal.SIGINT, *STOPS):
        signal.signal(sig, signal.SIG_IGN)
