"""How watch mode shows verdicts: JSON lines, plain lines, or a screen redrawn in place.

All three take the same calls from the loop: `kata` (a new kata is watched), `running`,
`verdict`, `note` (a hint, the list, a message) and `page` (a lesson: the pager on a terminal). Colour comes from `render`, which drops
it when stdout is not a terminal or NO_COLOR is set; the light is always in words too.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from tddkit import messages, output, pager, render
from tddkit.light import GREEN, NOT_RUN, RED
from tddkit.watch.bell import Bell
from tddkit.watch.fit import fit

CLEAR = "\033[H\033[2J"
ALTERNATE_SCREEN, NORMAL_SCREEN = "\033[?1049h", "\033[?1049l"  # as less and vim: redraws stay out of scrollback


def verdict_lines(ws, kata, outcome, changed_at: float, verdict_at: float, following: str | None = None) -> list[str]:
    """The light, the first failure and what happened, as a learner reads them. `following`: the
    kata [n] moves to (None: every kata is GREEN)."""
    v = outcome.verdict
    if v.early:  # a RED read while the run goes on (watch/loop.py): its own verdict follows
        left = sum(t.outcome == NOT_RUN for t in v.tests)
        summary = messages.WATCH_EARLY_RED.format(light=render.light_label(v.light), kata=kata.id, passed=v.passed,
                                                  total=v.total, left=left)
    else:
        summary = messages.RUN_SUMMARY.format(light=render.light_label(v.light), kata=kata.id, passed=v.passed,
                                              total=v.total)
    clock = time.strftime("%H:%M:%S", time.localtime(verdict_at))
    lines = [summary + "  " + render.paint(messages.WATCH_TIMES.format(clock=clock, seconds=verdict_at - changed_at), "dim")]
    if turned := render.steps_turned_green(kata, outcome.steps_turned_green):
        lines.append(turned)
    if v.reason:
        lines.append(messages.AMBER_REASON.format(v.reason))
    lines += render.own_tests_lines(v, kata.id)
    failure = v.first_failure
    if failure is not None and v.light == RED:
        step = kata.step(failure.step) if failure.step else None
        lines += ["", messages.STEP_HEADER.format(n=failure.step or "?", of=len(kata.steps), title=step.title if step else ""),
                  messages.FAILING_TEST.format(failure.id), render.failure_message(failure, kata.id)]
        lines += filter(None, [render.known_mistake_line(outcome)])
    for path in outcome.newly_unlocked[:1]:
        lines += ["", messages.UNLOCKED_NOW.format(path.relative_to(ws.root), kata.id)]
    if outcome.tampered:
        lines.append(messages.TAMPERED_NO_UNLOCK)
    if outcome.not_recorded:
        lines.append(messages.NOT_RECORDED.format(outcome.not_recorded))
    if v.light == GREEN:
        if following is None:
            lines += ["", messages.WATCH_GREEN_LAST.format(kata=kata.id)]
        else:
            lines += ["", messages.WATCH_GREEN_NEXT.format(kata=kata.id, following=following)]
    return lines


class JsonLines:
    """--jsonl: one JSON object per verdict on stdout, flushed at once; nothing else on stdout.
    `early` is true for a RED shown while its run goes on; that run's own verdict follows, unless
    a save overtakes the run (watch/loop.py)."""

    def __init__(self, ws, keys_help: str):
        self.ws = ws

    def kata(self, kata) -> None:
        pass

    def running(self, kata) -> None:
        pass

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float, following: str | None = None) -> None:
        line = {**outcome.as_json(), "early": outcome.verdict.early, "changed_at": changed_at, "verdict_at": verdict_at}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()

    def note(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def page(self, text: str, then: str = "") -> None:
        self.note("\n\n".join(filter(None, [then, text])))

    resized = None  # nothing to redraw when the terminal changes size

    def close(self) -> None:
        pass


class PlainLines:
    """Not a terminal: each verdict as a few plain lines, one after the other."""

    def __init__(self, ws, keys_help: str):
        self.ws = ws
        self.keys_help = keys_help

    def kata(self, kata) -> None:
        self.note(render.paint(messages.WATCH_HEADER.format(kata=kata.id, title=kata.title), "bold"))
        self.note(messages.WATCH_STARTING.format(folders=", ".join(kata.files + kata.tests), kata=kata.id))

    def running(self, kata) -> None:
        pass

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float, following: str | None = None) -> None:
        self.note("\n".join(["", *verdict_lines(self.ws, kata, outcome, changed_at, verdict_at, following)]))

    def note(self, text: str) -> None:
        print(text, flush=True)

    def page(self, text: str, then: str = "") -> None:
        """Long text (a lesson), and `then`, a note to go with it."""
        self.note("\n\n".join(filter(None, [then, text])))

    resized = None

    def close(self) -> None:
        pass


class InPlace(PlainLines):
    """A terminal: the screen is redrawn in place, the header and keys always at the top, on the
    alternate screen (as less and vim), with lines broken between words at the terminal's width.
    A resize redraws it; on the way out the last verdict is shown once on the normal screen."""

    def __init__(self, ws, keys_help: str):
        super().__init__(ws, keys_help)
        self.header: list[str] = []
        self.body: list[str] = []
        self.notes: list[str] = []
        self.status = ""
        self.verdict_shown = False
        self.resized = Resizes()
        sys.stdout.write(ALTERNATE_SCREEN)

    def _draw(self, status: str = "") -> None:
        self.status = status
        lines = [*self.header, status, *self.body, *([""] + self.notes if self.notes else [])]
        sys.stdout.write(CLEAR + "\n".join(fit(lines, terminal_width())) + "\n")
        sys.stdout.flush()

    def redraw(self) -> None:
        """The terminal changed size: the same screen, fitted to the new width."""
        self.resized.take()
        self._draw(self.status)

    def close(self) -> None:
        """Back to the normal screen, the last verdict on it (the alternate one is gone with its text)."""
        self.resized.close()
        sys.stdout.write(NORMAL_SCREEN)
        if self.verdict_shown:
            sys.stdout.write("\n".join(fit(self.body, terminal_width())) + "\n")
        sys.stdout.flush()

    def kata(self, kata) -> None:
        self.header = [render.paint(messages.WATCH_HEADER.format(kata=kata.id, title=kata.title), "bold"),
                       render.paint(self.keys_help, "dim")]
        self.body = [messages.WATCH_STARTING.format(folders=", ".join(kata.files + kata.tests), kata=kata.id)]
        self.notes = []
        self._draw()

    def running(self, kata) -> None:
        self._draw(render.paint(messages.WATCH_RUNNING.format(kata=kata.id), "dim"))

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float, following: str | None = None) -> None:
        self.body = verdict_lines(self.ws, kata, outcome, changed_at, verdict_at, following)
        self.verdict_shown = True
        self.notes = []
        self._draw()

    def note(self, text: str) -> None:
        self.notes = [text]
        self._draw()

    def page(self, text: str, then: str = "") -> None:
        """In the pager, the screen waiting until it is quit, then `then` as the note; with no
        pager, both as the note."""
        if not pager.through_pager("\n".join(fit([text], terminal_width())), stay=True):  # words whole, as the screen
            super().page(text, then)
            return
        sys.stdout.write(ALTERNATE_SCREEN)  # back to it if the pager left it (a LESS without X)
        self.notes = [then] if then else []
        self._draw(self.status)


def terminal_width() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 80


class Resizes:
    """SIGWINCH as a pipe the loop selects on (readable: the terminal changed size), so that the
    redraw happens in the loop, never inside another draw."""

    def __init__(self) -> None:
        self._bell = Bell()
        self._before = signal.signal(signal.SIGWINCH, self._rang) if hasattr(signal, "SIGWINCH") else None

    def _rang(self, signum, frame) -> None:
        self._bell.ring()

    def fileno(self) -> int:
        return self._bell.fileno()

    def take(self) -> None:
        self._bell.take()

    def close(self) -> None:
        if hasattr(signal, "SIGWINCH"):
            signal.signal(signal.SIGWINCH, self._before or signal.SIG_DFL)
        self._bell.close()


def make_screen(ws, jsonl: bool, keys_help: str):
    output.stop_when_reader_leaves()  # also: a step title's '²' on an ASCII terminal must not end the watch
    if jsonl:
        return JsonLines(ws, keys_help)
    if sys.stdout.isatty():
        return InPlace(ws, keys_help)
    return PlainLines(ws, keys_help)
