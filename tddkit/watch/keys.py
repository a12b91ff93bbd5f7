"""Single keypresses on a terminal: cbreak mode while watching, restored on the way out."""

from __future__ import annotations

import os
import sys


class Keys:
    """Readable (fileno) when a key was pressed; does nothing when disabled or not a terminal."""

    def __init__(self, enabled: bool):
        self._fd = None
        self._saved = None
        if not enabled or not sys.stdin.isatty():
            return
        try:
            import termios
            import tty
        except ImportError:
            return
        self._fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)

    @property
    def active(self) -> bool:
        return self._fd is not None

    def fileno(self) -> int:
        return self._fd

    def read(self) -> str:
        """The keys pressed, lower-cased ("" when the terminal went away)."""
        try:
            return os.read(self._fd, 64).decode("utf-8", "replace").lower()
        except OSError:
            return ""

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None
