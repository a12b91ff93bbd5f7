"""Long output (a lesson, a solution) through a pager on a terminal, as git does.

Only when stdout is a terminal, never in a pipe: $PAGER (split as a shell splits words), else
`less`, with LESS=FRX unless the learner set LESS (quit at once if it fits on one screen, pass
colours through, leave the text on the screen). An empty PAGER, `cat`, or a pager that is not
installed means plain output. The pager may be quit (q) before the end: the rest of the text is
dropped, and nothing else (the command carries on, its exit status is its own). While the
pager runs, Ctrl-C is the pager's (less uses it to stop a search), not the command's.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys

DEFAULT = ["less"]
LESS_OPTIONS = "FRX"  # git's
LESS_OPTIONS_STAY = "RX"  # the watch redraws as the pager ends: a short text must wait for q


def page(text: str) -> None:
    """Show `text` through the pager on a terminal, else print it."""
    if not through_pager(text):
        print(text)


def through_pager(text: str, stay: bool = False) -> bool:
    """Show `text` in the pager and wait for it; False (nothing shown) when stdout is not a
    terminal or there is no pager. `stay`: the pager waits for q even when the text is short."""
    words = command(os.environ) if sys.stdout.isatty() else None
    if words is None:
        return False
    sys.stdout.flush()
    return run(words, text, environment(os.environ, stay))


def command(environ) -> list[str] | None:
    """The pager's command line, or None for plain output."""
    configured = environ.get("PAGER")
    try:
        words = DEFAULT if configured is None else shlex.split(configured)
    except ValueError:  # an unbalanced quote: no pager rather than a traceback
        return None
    if not words or words == ["cat"] or shutil.which(words[0], path=environ.get("PATH", os.defpath)) is None:
        return None
    return words


def environment(environ, stay: bool = False) -> dict[str, str]:
    env = dict(environ)
    env.setdefault("LESS", LESS_OPTIONS_STAY if stay else LESS_OPTIONS)
    env.setdefault("LV", "-c")  # as git: lv passes colours through
    return env


def run(words: list[str], text: str, env: dict[str, str] | None = None) -> bool:
    """`text` into the pager's input; wait until it ends. False if it could not start."""
    try:
        pager = subprocess.Popen(words, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pager is started: it has its own Ctrl-C
    try:
        _write(pager.stdin, text.encode(sys.stdout.encoding or "utf-8", "replace") + b"\n")
        pager.wait()
    finally:
        if pager.poll() is None:  # the command is being stopped (SIGTERM): the pager goes too
            pager.kill()
            pager.wait()
        signal.signal(signal.SIGINT, before)
    return True


def _write(pipe, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except BrokenPipeError:  # the pager quit before the end: the rest was not wanted
        try:
            pipe.close()
        except BrokenPipeError:
            pass
