"""How watch mode shows verdicts: JSON lines, plain lines, or a screen redrawn in place.

All three take the same calls from the loop: `kata` (a new kata is watched), `running`,
`verdict`, and `note` (a hint, the list, a message). Colour comes from `render`, which drops
it when stdout is not a terminal or NO_COLOR is set; the light is always in words too.
"""

from __future__ import annotations

import json
import sys
import time

from tddkit import messages, output, render
from tddkit.light import GREEN, RED

CLEAR = "\033[H\033[2J"


def verdict_lines(ws, kata, outcome, changed_at: float, verdict_at: float) -> list[str]:
    """The light, the first failure and what happened, as a learner reads them."""
    v = outcome.verdict
    summary = messages.RUN_SUMMARY.format(light=render.light_label(v.light), kata=kata.id, passed=v.passed, total=v.total)
    clock = time.strftime("%H:%M:%S", time.localtime(verdict_at))
    lines = [summary + "  " + render.paint(messages.WATCH_TIMES.format(clock=clock, seconds=verdict_at - changed_at), "dim")]
    if v.reason:
        lines.append(messages.AMBER_REASON.format(v.reason))
    failure = v.first_failure
    if failure is not None and v.light == RED:
        step = kata.step(failure.step) if failure.step else None
        lines += ["", messages.STEP_HEADER.format(n=failure.step or "?", of=len(kata.steps), title=step.title if step else ""),
                  messages.FAILING_TEST.format(failure.id), render.failure_message(failure)]
    for path in outcome.newly_unlocked[:1]:
        lines += ["", messages.UNLOCKED_NOW.format(path.relative_to(ws.root), kata.id)]
    if outcome.tampered:
        lines.append(messages.TAMPERED_NO_UNLOCK)
    if outcome.not_recorded:
        lines.append(messages.NOT_RECORDED.format(outcome.not_recorded))
    if v.light == GREEN:
        lines += ["", messages.WATCH_GREEN_NEXT.format(kata=kata.id)]
    return lines


class JsonLines:
    """--jsonl: one JSON object per verdict on stdout, flushed at once; nothing else on stdout."""

    def __init__(self, ws, keys_help: str):
        self.ws = ws

    def kata(self, kata) -> None:
        pass

    def running(self, kata) -> None:
        pass

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float) -> None:
        line = {**outcome.as_json(), "changed_at": changed_at, "verdict_at": verdict_at}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()

    def note(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)


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

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float) -> None:
        self.note("\n".join(["", *verdict_lines(self.ws, kata, outcome, changed_at, verdict_at)]))

    def note(self, text: str) -> None:
        print(text, flush=True)


class InPlace(PlainLines):
    """A terminal: the screen is redrawn in place, the header and keys always at the top."""

    def __init__(self, ws, keys_help: str):
        super().__init__(ws, keys_help)
        self.header: list[str] = []
        self.body: list[str] = []
        self.notes: list[str] = []

    def _draw(self, status: str = "") -> None:
        text = "\n".join([*self.header, status, *self.body, *([""] + self.notes if self.notes else [])])
        sys.stdout.write(CLEAR + text + "\n")
        sys.stdout.flush()

    def kata(self, kata) -> None:
        self.header = [render.paint(messages.WATCH_HEADER.format(kata=kata.id, title=kata.title), "bold"),
                       render.paint(self.keys_help, "dim")]
        self.body = [messages.WATCH_STARTING.format(folders=", ".join(kata.files + kata.tests), kata=kata.id)]
        self.notes = []
        self._draw()

    def running(self, kata) -> None:
        self._draw(render.paint(messages.WATCH_RUNNING.format(kata=kata.id), "dim"))

    def verdict(self, kata, outcome, changed_at: float, verdict_at: float) -> None:
        self.body = verdict_lines(self.ws, kata, outcome, changed_at, verdict_at)
        self.notes = []
        self._draw()

    def note(self, text: str) -> None:
        self.notes = [text]
        self._draw()


def make_screen(ws, jsonl: bool, keys_help: str):
    output.stop_when_reader_leaves()  # also: a step title's '²' on an ASCII terminal must not end the watch
    if jsonl:
        return JsonLines(ws, keys_help)
    if sys.stdout.isatty():
        return InPlace(ws, keys_help)
    return PlainLines(ws, keys_help)
