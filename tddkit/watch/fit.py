"""Lines fitted to the terminal's width, broken between words, never inside one.

The width of a line is what the terminal shows: colour codes take no column. A continuation
keeps the line's indentation, so an indented failure message stays indented. Only a word wider
than the whole line (a long path, a long repr) is cut, as it has to be.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\033\[[0-9;?]*[A-Za-z]")


def width_of(text: str) -> int:
    """The columns `text` takes on a terminal (colour codes take none)."""
    return len(_ESCAPE.sub("", text))


def fit(lines: list[str], width: int) -> list[str]:
    """Each line (a line may hold newlines) broken into lines of at most `width` columns."""
    fitted: list[str] = []
    for line in lines:
        for one in line.split("\n"):
            fitted += fit_line(one, width)
    return fitted


def fit_line(line: str, width: int) -> list[str]:
    if width_of(line) <= width or width < 2:
        return [line]
    stripped = line.lstrip(" ")
    indent = " " * min(len(line) - len(stripped), width // 2)
    out: list[str] = []
    current = ""
    for word in stripped.split(" "):
        candidate = f"{current} {word}" if current else word
        if width_of(indent + candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(indent + current)
        current = word
        while width_of(indent + current) > width:  # one word wider than the line: cut it
            head, current = _cut(current, width - len(indent))
            out.append(indent + head)
    out.append(indent + current)
    return out


def _cut(word: str, columns: int) -> tuple[str, str]:
    """The first `columns` visible characters of word (colour codes kept whole), and the rest."""
    shown = i = 0
    while i < len(word) and shown < columns:
        match = _ESCAPE.match(word, i)
        if match:
            i = match.end()
            continue
        shown += 1
        i += 1
    return word[:i], word[i:]
