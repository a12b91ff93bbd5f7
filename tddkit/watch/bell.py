"""A bell that a watch's select waits on: a pipe that is readable once rung, until taken.

Rung from where the loop cannot be: a file watcher's thread, a signal handler, the interpreter
itself when a signal comes (`signal.set_wakeup_fd`)."""

from __future__ import annotations

import os


class Bell:
    def __init__(self) -> None:
        self._r, self.write_end = os.pipe()
        os.set_blocking(self._r, False)
        os.set_blocking(self.write_end, False)

    def fileno(self) -> int:
        return self._r

    def ring(self) -> None:
        try:
            os.write(self.write_end, b".")
        except OSError:  # full: it rings already; closed: the watch is on its way out
            pass

    def take(self) -> None:
        try:
            while os.read(self._r, 4096):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        os.close(self._r)
        os.close(self.write_end)
