"""`tddkit hint`: one more hint for the current step, remembering how many were shown."""

from __future__ import annotations

from tddkit import messages, progress
from tddkit.catalogue import Kata
from tddkit.light import GREEN


def next_hint(kata: Kata, state) -> str:
    last = state.last_run(kata.id)
    if last is not None and last["light"] == GREEN:
        return messages.NO_HINT_NEEDED.format(kata=kata.id)
    number = progress.current_step(kata, last)
    step = kata.step(number)
    if step is None or not step.hints:
        return messages.NO_HINTS.format(kata.id, number)
    shown = state.hints_shown(kata.id, number)
    if shown >= len(step.hints):
        return messages.NO_MORE_HINTS.format(kata.id, number) + "\n\n" + _format(kata, step, len(step.hints))
    state.set_hints_shown(kata.id, number, shown + 1)
    return _format(kata, step, shown + 1)


def _format(kata: Kata, step, n: int) -> str:
    return messages.HINT.format(n=n, of=len(step.hints), kata=kata.id, step=step.number, title=step.title,
                                text=step.hints[n - 1])
