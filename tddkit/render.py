"""How results look in a terminal: the light, the first failure, the test's source.

Colour only when stdout is a terminal and NO_COLOR is not set; the light is always spelled
out in words and symbols too, so it never depends on colour alone.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from tddkit import messages

_COLOURS = {"green": "\033[1;32m", "red": "\033[1;31m", "amber": "\033[1;33m", "dim": "\033[2m", "bold": "\033[1m"}
_RESET = "\033[0m"

MESSAGE_LINES = 12  # of a failure message shown under the light
SOURCE_LINES = 30  # of a test's source shown by `next`


def colour_enabled(stream=None) -> bool:
    stream = stream or sys.stdout
    return "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()


def paint(text: str, colour: str) -> str:
    return f"{_COLOURS[colour]}{text}{_RESET}" if colour_enabled() else text


def light_label(light: str | None) -> str:
    if light is None:
        return messages.STATUS_NEVER_RUN
    return paint(f"{messages.LIGHT_SYMBOLS[light]} {messages.LIGHT_WORDS[light]}", light)


def short(text: str, lines: int = MESSAGE_LINES, test_id: str | None = None) -> str:
    """The first few lines of a message, indented, with a note of what was cut (and, for a
    test's failure, how to see all of it)."""
    all_lines = text.rstrip().splitlines() or [""]
    shown = all_lines[:lines]
    if len(all_lines) > lines:
        more = len(all_lines) - lines
        shown.append(messages.MORE_LINES_OF_TEST.format(more, test_id) if test_id else messages.MORE_LINES.format(more))
    return "\n".join("    " + line for line in shown)


def failure_message(failure) -> str:
    """A failed test's message as shown under the light, and the line of the learner's code that
    it failed in, when it raised from there."""
    text = short(failure.message or failure.outcome, test_id=failure.id)
    spot = failure.where
    if spot:
        function = messages.SPOT_IN.format(spot["function"]) if spot.get("function") not in (None, "", "<module>") else ""
        text += "\n" + messages.FAILED_IN_YOUR_CODE.format(messages.SPOT.format(**spot) + function)
        if spot.get("source"):
            text += "\n" + messages.FAILED_LINE.format(spot["source"])
    return text


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
