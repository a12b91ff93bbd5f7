"""Where the learner's code was: the innermost frame in the workspace's katas/ folder.

For a test that raised, from the exception's traceback (in the test process); for a test process
stopped by the timeout, from the stack it wrote when asked (confine.dump_stack_when_asked). Either
way a spot is {"file": path relative to the workspace, "line", "function", "source"}, or None when
no frame of the learner's code was on the stack (an assertion in the test itself, pytest, ...).

Standard library only: the test process imports this beside the learner's code.
"""

from __future__ import annotations

import linecache
import os
import re

from tddkit import messages

KATAS = "katas"  # the learner's folder in a workspace
SOURCE_LIMIT = 200  # characters of the source line kept

# A frame in faulthandler's dump: `  File "/ws/katas/x.py", line 12 in step`, innermost first;
# each thread's stack starts with a line that ends in "(most recent call first):".
_DUMP_FRAME = re.compile(r'^\s*File "(.*)", line (\d+) in (.*)$')
_DUMP_THREAD = "(most recent call first):"


def learner_file(filename: str, root: str) -> str | None:
    """filename relative to the workspace root, if it is a file under root/katas/; else None."""
    if not filename or filename.startswith("<"):
        return None
    path = os.path.abspath(filename)
    for base in {os.path.abspath(root), os.path.realpath(root)}:
        katas = os.path.join(base, KATAS) + os.sep
        for candidate in (path, os.path.realpath(path)):
            if candidate.startswith(katas):
                return os.path.relpath(candidate, base).replace(os.sep, "/")
    return None


def spot(filename: str, line: int, function: str, root: str) -> dict | None:
    relative = learner_file(filename, root)
    if relative is None:
        return None
    source = linecache.getline(filename, line).strip()
    if len(source) > SOURCE_LIMIT:
        source = source[:SOURCE_LIMIT] + "..."
    return {"file": relative, "line": line, "function": function, "source": source}


def from_exception(error: BaseException, root: str) -> dict | None:
    """The innermost frame of the learner's code in the traceback of error (for an exception
    group, of its first leaf: the failure the learner reads)."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    found = None
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        found = spot(code.co_filename, tb.tb_lineno, code.co_name, root) or found
        tb = tb.tb_next
    return found


def from_dump(text: str, root: str) -> dict | None:
    """The innermost frame of the learner's code in the last stack dump in a process's output.

    Every thread's stack is in it; the main thread's, which runs the tests, comes last, so the
    threads are read from the last one back."""
    threads: list[list[tuple[str, int, str]]] = []
    for line in text.splitlines():
        if line.rstrip().endswith(_DUMP_THREAD):
            threads.append([])
        elif threads and (frame := _DUMP_FRAME.match(line)):
            threads[-1].append((frame[1], int(frame[2]), frame[3].strip()))
    for frames in reversed(threads):
        for filename, line, function in frames:  # innermost first
            found = spot(filename, line, function, root)
            if found:
                return found
    return None


def place(spot: dict) -> str:
    """katas/x.py:12 (in step)"""
    function = spot.get("function")
    text = messages.SPOT.format(file=spot["file"], line=spot["line"])
    return text + (messages.SPOT_IN.format(function) if function and function != "<module>" else "")


def describe(spot: dict) -> str:
    """One line: katas/x.py:12 (in step): the source line."""
    return place(spot) + (messages.SPOT_SOURCE.format(spot["source"]) if spot.get("source") else "")
