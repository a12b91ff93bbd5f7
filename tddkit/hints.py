"""`tddkit hint`: one more hint for the current step, remembering how many were shown.

The step is that of the last run; when that run is missing or older than the code, `tddkit hint`
runs the tests first (the one time it imports pytest)."""

from __future__ import annotations

from pathlib import Path

from tddkit import messages, progress
from tddkit.catalogue import Kata
from tddkit.light import GREEN


def needs_a_run(ws, kata: Kata, state) -> bool:
    """A hint's step comes from a run of the code as it is: there is none (never run, or reset
    since), or the learner saved after it. Saves are judged by the files' times: a wrong guess
    costs a hint for the wrong step, never a wrong light."""
    last = state.last_run(kata.id)
    return last is None or _last_save(ws.root, kata) > last["at"]


def _last_save(root: Path, kata: Kata) -> float:
    """When the kata's files (a package's too) were last written; 0 when there are none."""
    times = [0.0]
    for rel in kata.files:
        path = root / rel
        for file in (path.rglob("*") if path.is_dir() else [path]):
            try:
                times.append(file.stat().st_mtime)
            except OSError:  # not there: the kata's other file (greetings.py or greetings/)
                pass
    return max(times)


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
