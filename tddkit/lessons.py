"""A kata's lesson file, `lessons/<kata>.md`: its title, the lesson, and each step's hints.

    # The kata's title
    The lesson: what the learner reads first. Markdown written to read well as plain
    text (indented code, dash lists), because the terminal shows it as it is.
    # Steps and hints
    ## Step 1: the step's title
    1. The first hint, gentle. A hint may go on over
       indented lines; they are joined with spaces.
    2. The second hint, more concrete.

The learner's workspace gets the part above "# Steps and hints" (hints come one at a time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tddkit import messages, render
from tddkit.catalogue import Kata, Step

STEPS_HEADING = "# Steps and hints"
_TITLE = re.compile(r"# (.+)")
_STEP = re.compile(r"## Step (\d+): (.+)")
_HINT = re.compile(r"(\d+)\. (.+)")


@dataclass(frozen=True)
class Lesson:
    title: str
    text: str
    steps: tuple[Step, ...]


def parse(source: str, where: str) -> tuple[Lesson, list[str]]:
    """The lesson in `source`, and one line per problem found (each naming `where` and a line)."""
    lines = source.splitlines()
    problems = []
    title = _TITLE.fullmatch(lines[0].rstrip()) if lines else None
    if title is None:
        problems.append(messages.LESSON_NO_TITLE.format(where))
    if STEPS_HEADING not in (line.rstrip() for line in lines):
        problems.append(messages.LESSON_NO_STEPS.format(where, STEPS_HEADING))
        return Lesson(title.group(1) if title else "", "", ()), problems
    split = [line.rstrip() for line in lines].index(STEPS_HEADING)
    text = "\n".join(lines[1 if title else 0:split]).strip()
    steps: list[tuple[str, list[str]]] = []
    for number, line in enumerate(lines[split + 1:], start=split + 2):
        step, hint = _STEP.fullmatch(line.rstrip()), _HINT.fullmatch(line.rstrip())
        if step:
            if int(step.group(1)) != len(steps) + 1:
                problems.append(messages.LESSON_STEP_NUMBER.format(where, number, len(steps) + 1, step.group(1)))
            steps.append((step.group(2), []))
        elif not line.strip():
            continue
        elif steps and hint and int(hint.group(1)) == len(steps[-1][1]) + 1:
            steps[-1][1].append(hint.group(2).strip())
        elif steps and steps[-1][1] and line[:1].isspace():
            steps[-1][1][-1] += " " + line.strip()
        else:
            problems.append(messages.LESSON_STRAY_LINE.format(where, number, line.strip()[:40]))
    return Lesson(title.group(1) if title else "", text,
                  tuple(Step(i, t, tuple(h)) for i, (t, h) in enumerate(steps, start=1))), problems


def learner_copy(kata: Kata) -> str:
    """The lesson as the learner's editor shows it, beside the code: title and lesson, no hints."""
    return f"# {kata.title}\n\n{kata.lesson}\n"


def as_shown(kata: Kata) -> str:
    """The lesson as `lesson`, `next` and watch show it: which kata of how many, then the text."""
    from tddkit import catalogue

    katas = catalogue.load()
    n = [k.id for k in katas].index(kata.id) + 1
    header = messages.LESSON_HEADER.format(n=n, of=len(katas), id=kata.id, title=kata.title)
    return f"{render.paint(header, 'bold')}\n\n{kata.lesson}\n"
