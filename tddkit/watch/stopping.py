"""How a watch (`tddkit watch`, `tddkit write-tests --watch`) is stopped by a signal: SIGTERM or
SIGHUP raise Stop where the watch is, which leaves it as [q] does; while it cleans up, no further
signal interrupts it (`timeout`, `pkill -f` and a closing terminal may each send one).

Python runs a signal's handler in the main thread, but only when that thread runs: a signal that
Linux hands to another thread (the file watcher's) does not wake the main thread's select, and
a watch with nothing to do would wait on, and never stop. So each watch's select also waits on
the pipe that the interpreter writes to when a signal comes, on whatever thread it lands."""

from __future__ import annotations

import signal

from tddkit.watch.bell import Bell

STOPS = (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))


class Stop(BaseException):
    """SIGTERM or SIGHUP: leave the watch, cleaning up as on [q]. A BaseException, as
    KeyboardInterrupt is, so that no `except Exception` swallows it (coverage's, which did)."""


def _stop(signum, frame):
    raise Stop()


class SignalWakeup(Bell):
    """Rung by the interpreter when a signal with a Python handler comes, on any thread; the
    handler itself runs as soon as the main thread runs again (a stop raises Stop there)."""

    def __init__(self) -> None:
        super().__init__()
        signal.set_wakeup_fd(self.write_end, warn_on_full_buffer=False)

    def close(self) -> None:
        signal.set_wakeup_fd(-1)
        super().close()


def stop_on_signals() -> SignalWakeup:
    """SIGTERM and SIGHUP raise Stop from here on; select on what this returns as well."""
    for sig in STOPS:
        signal.signal(sig, _stop)
    return SignalWakeup()


def ignore_signals() -> None:
    """From here on, clean up without being interrupted, by Ctrl-C either."""
    for sig in (signal.SIGINT, *STOPS):
        signal.signal(sig, signal.SIG_IGN)
