"""Single keypresses on a terminal: cbreak mode while watching, restored on the way out, and
the bytes a terminal sends for a key turned into the key's name."""

from __future__ import annotations

import os
import re
import sys

# An escape sequence (CSI "\x1b[", or SS3 "\x1bO" in application mode) ends at its final byte.
_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[@-~])")
_NAMED = {"\x1b[A": "up", "\x1b[B": "down", "\x1bOA": "up", "\x1bOB": "down", "\r": "enter", "\n": "enter",
          "\x1b": "esc"}


def key_names(pressed: str) -> list[str]:
    """The keys in what the terminal sent: letters in lower case (caps lock changes no key),
    "enter", "esc", "up" and "down"; other escape sequences (page up, F1) are left out whole."""
    names = []
    at = 0
    while at < len(pressed):
        sequence = _SEQUENCE.match(pressed, at)
        key = sequence.group() if sequence else pressed[at]
        at += len(key)
        if key in _NAMED:
            names.append(_NAMED[key])
        elif not sequence:
            names.append(key.lower())
    return names


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

    def read(self) -> list[str]:
        """The names of the keys pressed ([] when the terminal went away)."""
        try:
            return key_names(os.read(self._fd, 64).decode("utf-8", "replace"))
        except OSError:
            return []

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None
