"""When the save was made that the next verdict answers: the "verdict in N s" of watch mode.

A save during a run cancels the run; the verdict that comes answers that save, so its time
counts from it, not from the save that started the cancelled run. The saves of one burst (an
editor writes, then renames) count from the first of them.
"""

from __future__ import annotations

import time


class SaveClock:
    def __init__(self) -> None:
        self.pending: float | None = None  # when the first save not yet answered was seen

    def saw(self, at: float, during_a_run: bool) -> None:
        """A change seen at `at`; `during_a_run`: it cancels the run under way."""
        if during_a_run or self.pending is None:
            self.pending = at
        else:
            self.pending = min(self.pending, at)

    def run_dropped(self, started_for: float) -> None:
        """A run was dropped (cancelled, or its files changed under it): the files are to run again.
        With no change seen yet (its event is still on its way), the save was made after the run
        started and before now: now stands for it until the event's own time comes in."""
        if self.pending is None:
            self.pending = max(started_for, time.time())

    def run_lost(self, started_for: float) -> None:
        """A run was lost, not superseded (the fork server went away): it answers the same save."""
        self.pending = started_for if self.pending is None else min(self.pending, started_for)

    def take(self) -> float:
        """A run starts: the time of the save it answers."""
        at, self.pending = self.pending, None
        return at
