"""How results look in a terminal: the light, the first failure, the test's source.

Colour only when stdout is a terminal and NO_COLOR is not set; the light is always spelled
out in words and symbols too, so it never depends on colour alone.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path

from tddkit import messages, where

_COLOURS = {"green": "\033[1;32m", "red": "\033[1;31m", "amber": "\033[1;33m", "dim": "\033[2m", "bold": "\033[1m"}
_RESET = "\033[0m"

MESSAGE_LINES = 12  # of a failure message shown under the light
MESSAGE_LIMIT = 10**6  # ... with -v: all of it (the test process already cut it to plugin.MESSAGE_LIMIT)
EXAMPLE_LINES = 12  # of Hypothesis' falsifying example kept in a cut message
# Hypothesis' words for it: "Falsifying example:" (older: 6.100), "Failing test case:" (6.170), and
# "Failing explicit example:" for an @example.
_EXAMPLE = re.compile(r"^(Falsifying|Failing)( explicit)? (example|test case): ")
_WRONG = re.compile(r"\bWRONG\b")
SOURCE_LINES = 30  # of a test's source shown by `next`


def colour_enabled(stream=None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def paint(text: str, colour: str) -> str:
    return f"{_COLOURS[colour]}{text}{_RESET}" if colour_enabled() else text


def steps_turned_green(kata, steps: list[int]) -> str | None:
    """The line that marks the steps that turned green in a run, under its light (None: none did)."""
    if not steps:
        return None
    if len(steps) == 1:
        step = kata.step(steps[0])
        text = messages.STEP_TURNED_GREEN.format(n=steps[0], of=len(kata.steps), title=step.title if step else "")
    else:
        text = messages.STEPS_TURNED_GREEN.format(steps=step_numbers(steps), of=len(kata.steps))
    return paint(f"{messages.LIGHT_SYMBOLS['green']} {text}", "green")


def step_numbers(steps: list[int]) -> str:
    """Sorted step numbers, consecutive ones as a span: [1, 2, 3, 5, 9] -> "1-3, 5 and 9"."""
    spans: list[list[int]] = []
    for n in steps:
        if spans and n == spans[-1][-1] + 1:
            spans[-1].append(n)
        else:
            spans.append([n])
    named = [f"{s[0]}-{s[-1]}" if len(s) > 1 else str(s[0]) for s in spans]
    return named[0] if len(named) == 1 else messages.STEPS_AND.format(", ".join(named[:-1]), named[-1])


def light_label(light: str | None) -> str:
    if light is None:
        return messages.STATUS_NEVER_RUN
    return paint(f"{messages.LIGHT_SYMBOLS[light]} {messages.LIGHT_WORDS[light]}", light)


def short(text: str, lines: int = MESSAGE_LINES, kata: str | None = None) -> str:
    """The first few lines of a message, indented, with a note of what was cut (and, for a
    test's failure, given its kata, how to see all of it, and what decides the failure kept
    wherever it is: the example Hypothesis found, the first line a timeline marks WRONG)."""
    all_lines = text.rstrip().splitlines() or [""]
    if len(all_lines) <= lines:
        return "\n".join("    " + line for line in all_lines)
    decisive = [i for i in decisive_lines(all_lines) if i >= lines // 2] if kata else []
    head = max(lines - len(decisive), lines // 2)
    kept = sorted(set(range(head)) | set(decisive))
    shown, previous = [], -1
    for i in kept:
        if i > previous + 1:
            shown.append(messages.LINES_CUT)
        shown.append(all_lines[i])
        previous = i
    more = len(all_lines) - len(kept)
    shown.append(messages.MORE_LINES_OF_TEST.format(more, kata) if kata else messages.MORE_LINES.format(more))
    return "\n".join("    " + line for line in shown)


def decisive_lines(lines: list[str]) -> list[int]:
    """The indices of the lines that decide a failure: the first example Hypothesis reports
    (`Falsifying example: test(` up to its closing `)`, at most EXAMPLE_LINES of it) and the first
    line a timeline marks WRONG (the transport kata's)."""
    found: list[int] = []
    start = next((i for i, line in enumerate(lines) if _EXAMPLE.match(line)), None)
    if start is not None:
        end = start
        while not lines[end].rstrip().endswith(")") and end + 1 < len(lines) and end - start < EXAMPLE_LINES:
            end += 1
        found += range(start, end + 1)
    wrong = next((i for i, line in enumerate(lines) if _WRONG.search(line)), None)
    if wrong is not None and wrong not in found:
        found.append(wrong)
    return sorted(found)


def failure_message(failure, kata: str | None = None, verbose: int = 0) -> str:
    """A failed test's message as shown under the light (all of it with -v), pytest's advice
    made the kit's, and the line of the learner's code that it failed in, when it raised there."""
    message = failure.message or failure.outcome
    for advice, ours in messages.PYTEST_ADVICE.items():
        message = message.replace(advice, ours.format(kata=kata or messages.SOME_KATA))
    text = short(message, MESSAGE_LIMIT if verbose else MESSAGE_LINES, kata=kata or messages.SOME_KATA)
    spot = failure.where
    if spot:
        text += "\n" + messages.FAILED_IN_YOUR_CODE.format(where.place(spot))
        if spot.get("source"):
            text += "\n" + messages.FAILED_LINE.format(spot["source"])
    return text


def known_mistake_line(outcome) -> str | None:
    """The line under the first failure that names the known mistake(s) the run looks like (None:
    it looks like none, mistakes.py)."""
    found = outcome.known_mistakes
    if not found:
        return None
    if len(found) == 1:
        return messages.KNOWN_MISTAKE.format(found[0])
    return messages.KNOWN_MISTAKES.format(messages.MISTAKES_OR.join(found))


def own_tests_lines(verdict, kata: str, verbose: int = 0) -> list[str]:
    """"your tests: 3 passed, 1 failed" under the light, and, when only they keep the run from
    GREEN, the first of them that failed with its message. Nothing when the learner has none."""
    if not verdict.own:
        return []
    counts = verdict.own_counts()
    said = ", ".join(messages.OWN_COUNTS[k].format(counts[k]) for k in messages.OWN_COUNTS if counts[k]) or "0"
    lines = [messages.OWN_SUMMARY.format(said)]
    if verdict.light == "red" and verdict.first_failure is None and verdict.own_failures:
        failure = verdict.own_failures[0]
        lines += ["", messages.FAILING_TEST.format(failure.id), failure_message(failure, kata, verbose)]
    return lines


def test_source(root: Path, test_id: str) -> str | None:
    """The source of a test function (decorators included), found by name in its file."""
    path, _, rest = test_id.partition("::")
    name = rest.split("::")[-1].split("[")[0]
    try:
        source = (root / path).read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            body = lines[first - 1: node.end_lineno]
            if len(body) > SOURCE_LINES:
                body = body[:SOURCE_LINES] + [f"    ... ({len(body) - SOURCE_LINES} more lines in {path})"]
            return "\n".join(body)
    return None


def grade_lines(graded, verbose: int = 0) -> list[str]:
    """A write-tests grade (grading.py): its light and counts, each wrong test with its failure on
    the correct solution, and the kind of each mistake not caught yet (never its code)."""
    lines = [messages.GRADE_SUMMARY.format(light=light_label(graded.light), kata=graded.kata, valid=graded.valid,
                                           total=len(graded.tests), caught=len(graded.caught),
                                           mutants=graded.mutants)]
    if graded.light == "amber":
        return lines + [messages.AMBER_REASON.format(graded.reason), "",
                        messages.GRADE_EDIT.format(files=" or ".join(graded.files), kata=graded.kata)]
    if graded.wrong:
        lines += ["", messages.GRADE_WRONG_HEADER]
        for test in graded.wrong:
            lines += [messages.FAILING_TEST.format(test.id), failure_message(test, graded.kata, verbose)]
    kinds = list(dict.fromkeys(mutant.kind for mutant in graded.missed))
    if kinds:
        lines += ["", messages.GRADE_MISSED_HEADER, *(messages.GRADE_MISSED_ROW.format(kind) for kind in kinds)]
    if graded.light == "green":
        return lines + [paint(messages.GRADE_ALL_CAUGHT, "green")]
    return lines + ["", messages.GRADE_EDIT.format(files=" or ".join(graded.files), kata=graded.kata)]
