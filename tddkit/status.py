"""`tddkit status`: every kata's light, tests passed, steps and unlock, from state alone.

Reads the state store and the catalogue; imports nothing that runs tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tddkit import catalogue, content, messages, progress, render
from tddkit.light import GREEN

BAR_WIDTH = 20


@dataclass
class Row:
    kata: str
    light: str | None
    passed: int
    total: int | None
    steps_passed: int
    steps_total: int
    unlocked: bool
    grade: dict | None = None  # the latest grade of the write-tests mode (grading.py), kept apart

    def as_json(self) -> dict:
        grade = {k: self.grade[k] for k in ("light", "valid", "total", "caught", "mutants")} if self.grade else None
        return {"kata": self.kata, "light": self.light, "passed": self.passed, "total": self.total,
                "unlocked": self.unlocked, "write_tests": grade}


def rows(state) -> list[Row]:
    unlocked, grades = state.unlocked(), state.last_grades()
    result = []
    for kata in catalogue.load():
        last = state.last_run(kata.id)
        if last is None:
            cached = state.expected(kata.id, content.tests_digest(kata))
            total = len(cached) if cached is not None else None
        else:
            total = last["total"]
        result.append(Row(
            kata=kata.id,
            light=last["light"] if last else None,
            passed=last["passed"] if last else 0,
            total=total,
            steps_passed=progress.steps_passed(kata, last),
            steps_total=len(kata.steps),
            unlocked=kata.id in unlocked,
            grade=grades.get(kata.id),
        ))
    return result


def retired(state) -> list[str]:
    """Katas the state holds progress for that the catalogue no longer has (a kit upgrade renamed
    or removed them): their rows are kept, and status says so."""
    return sorted(state.katas_recorded() - {kata.id for kata in catalogue.load()})


def progress_bar(done: int, of: int) -> str:
    filled = round(BAR_WIDTH * done / of) if of else 0
    return "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "]"


def table(all_rows: list[Row], retired_katas: Sequence[str] = (), cursor: str | None = None) -> str:
    """`cursor`: the kata to mark (watch's list), instead of the current one."""
    current = cursor or next((r.kata for r in all_rows if r.light != GREEN), None)
    lines = []
    for r in all_rows:
        lines.append(messages.STATUS_ROW.format(
            mark=">" if r.kata == current else " ",
            id=r.kata,
            light=messages.LIGHT_WORDS.get(r.light, messages.STATUS_NEVER_RUN),
            passed=r.passed,
            total=r.total if r.total is not None else "?",
            steps=f"{r.steps_passed}/{r.steps_total}",
            unlocked=messages.STATUS_UNLOCKED if r.unlocked else "",
            grade=messages.STATUS_GRADE.format(light=messages.LIGHT_WORDS[r.grade["light"]], caught=r.grade["caught"],
                                               mutants=r.grade["mutants"]) if r.grade else "",
        ).rstrip())
        if r.light:
            word = messages.LIGHT_WORDS[r.light]
            lines[-1] = lines[-1].replace(word, render.paint(word, r.light), 1)
    done = sum(r.light == GREEN for r in all_rows)
    lines.append("")
    lines.append(messages.STATUS_PROGRESS.format(bar=progress_bar(done, len(all_rows)), done=done, of=len(all_rows)))
    if retired_katas:
        lines.append(messages.STATUS_RETIRED.format(names=", ".join(retired_katas)))
    return "\n".join(lines)
