"""stdout and stderr as the kit needs them, set up once at the start of every command.

Output never fails on the terminal's encoding: what it cannot show is replaced ('²' becomes '?'
on an ASCII terminal). And a reader that goes away (`tddkit run | true`, `| head -3`) loses the
rest of the output, not the light: the command runs to its end and exits with its own status.
"""

from __future__ import annotations

import os
import sys


class ReaderMayLeave:
    """stdout, whose reader may go away: from then on the output goes to devnull (Python's advice
    for a closed pipe), and the command carries on unless it asked to stop (`watch`, which would
    otherwise run for nobody)."""

    def __init__(self, stream):
        self._stream = stream
        self.stop_when_reader_leaves = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_left()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_left()

    def _reader_left(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())  # so that the flush at exit cannot fail again
        os.close(devnull)
        if self.stop_when_reader_leaves:
            raise BrokenPipeError

    def __getattr__(self, name):  # isatty, fileno, encoding, ...: the stream's own
        return getattr(self._stream, name)


def prepare() -> None:
    """Set up stdout and stderr for a command (again is harmless)."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if sys.stdout is not None and not isinstance(sys.stdout, ReaderMayLeave):
        sys.stdout = ReaderMayLeave(sys.stdout)


def stop_when_reader_leaves() -> None:
    """For a command that would run for nobody once its reader left (`watch`): a closed stdout
    ends it, as BrokenPipeError."""
    prepare()
    sys.stdout.stop_when_reader_leaves = True
