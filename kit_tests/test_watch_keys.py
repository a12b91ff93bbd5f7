"""Watch's keys on a real pseudo-terminal, as pytest-watcher and rustlings have them: Enter or
[r] runs again, [x] resets after a y/N question, [l] is a list to move through and pick from,
[c] says it is running coverage before it does, [i] and [n] show the lesson, [?] lists the keys.

A key never changes what the light says about the files: every verdict is still that of a run
of the files as they are (the runs are read from the state store, not from the screen).
"""

from __future__ import annotations

import os
import re
import select
import signal
import sqlite3
import time

from conftest import SOLUTIONS, write_reference
from test_pager import plain
from test_watch import WAIT, Terminal, runs_recorded, wait_until_gone

from tddkit import catalogue, content, lessons

SINCOSTAN = catalogue.find("sincostan")
STUB = content.version_source(SINCOSTAN, content.STUB, "katas/sincostan.py").read_text()
CLEAR = b"\033[H\033[2J"


def until_runs(term: Terminal, ws, n: int, last: str | None = None) -> list[str]:
    """Wait, reading the screen meanwhile, until the watch has recorded n runs (the last `last`)."""
    deadline = time.monotonic() + WAIT
    while len(runs := runs_recorded(ws)) < n or (last is not None and runs[-1] != last):
        assert time.monotonic() < deadline, f"runs {runs}, not {n} ending {last}; the screen: {term.screen[-1500:]!r}"
        if select.select([term.fd], [], [], 0.05)[0]:
            term.screen += os.read(term.fd, 65536)
    return runs


def press(term: Terminal, key: bytes, then: bytes) -> int:
    """Press `key`, wait for `then` to be drawn after it; where the screen was when it was pressed."""
    at = len(term.screen)
    os.write(term.fd, key)
    term.until(then, after=at)
    return at


def test_enter_and_r_run_again_x_asks_then_resets_c_says_coverage_first_and_question_lists_keys(workspace):
    kata = workspace / "katas" / "sincostan.py"
    term = Terminal(workspace, columns=100)
    try:
        term.until(b"tests passed")
        until_runs(term, workspace, 1)
        os.write(term.fd, b"\r")
        until_runs(term, workspace, 2)
        os.write(term.fd, b"r")
        assert until_runs(term, workspace, 3) == ["red"] * 3, "each a run of the files as saved"

        press(term, b"?", b"[x]          reset to the stub")
        write_reference(workspace)
        until_runs(term, workspace, 4, last="green")
        press(term, b"x", b"[y/N]")
        press(term, b"n", b"Nothing was reset")
        assert kata.read_text() == (SOLUTIONS / "sincostan.py").read_text()
        press(term, b"x", b"[y/N]")
        at = press(term, b"y", b"Restored the stub of sincostan")
        assert kata.read_text() == STUB
        backups = list((workspace / ".tddkit" / "backups").glob("sincostan-*/katas/sincostan.py"))
        assert [b.read_text() for b in backups] == [(SOLUTIONS / "sincostan.py").read_text()], "kept, as reset keeps it"
        reset_frame = term.screen[at:].split(b"Restored the stub")[0].rsplit(b"\033[2J", 1)[-1]
        assert b"GREEN" not in reset_frame, "the GREEN of the code put aside is not shown over the stub"
        until_runs(term, workspace, 5, last="red")

        at = press(term, b"c", b"running coverage of sincostan")
        assert b"Coverage of" not in term.screen[at:term.screen.index(b"running coverage", at)], "said before, not after"
        os.kill(term.pid, signal.SIGTERM)  # no need to wait seconds for the report: stopping mid-coverage is clean
        assert term.exit_status() == 0
    finally:
        term.close()
    assert wait_until_gone(workspace) == []


def test_n_shows_the_next_lesson_and_l_is_a_list_to_move_through_and_pick_from(workspace):
    write_reference(workspace)
    term = Terminal(workspace, columns=60, env={"PAGER": "sh -c cat"})  # a pager that ends by itself
    try:
        term.until(b"GREEN")
        press(term, b"n", b"Kata 2/")  # mro's lesson, in the pager
        press(term, b"", b"Now on mro")
        term.until(b"tddkit watch: mro")

        press(term, b"l", b"> mro")
        assert b"Pick a kata" in term.screen
        press(term, b"\033[A", b"> sincostan")
        press(term, b"k", b"> sincostan")  # no further than the top
        press(term, b"j", b"> mro")
        press(term, b"\033", b"Still on mro")  # Esc
        press(term, b"l", b"> mro")
        press(term, b"\033[A", b"> sincostan")
        press(term, b"\r", b"Kata 1/")  # picked: its lesson
        press(term, b"", b"Now on sincostan")
        term.until(b"tddkit watch: sincostan")
        press(term, b"l", b"Pick a kata")
        press(term, b"q", b"Still on sincostan")  # q leaves the list, not the watch
        at = press(term, b"i", b"Kata 1/")
        start = term.screen.index(b"Kata 1/", at)
        term.until(CLEAR, after=start)  # the pager ended: the screen is drawn again
        paged = re.sub(r"\033\[[0-9;?]*[A-Za-z]", "", plain(term.screen[start:term.screen.index(CLEAR, start)]))
        assert max(map(len, paged.splitlines())) <= 60, "fitted to the terminal, as the watch's screen is"
        assert paged.split() == lessons.as_shown(SINCOSTAN).split(), "every word whole, none lost"
        os.write(term.fd, b"q")
        assert term.exit_status() == 0
    finally:
        term.close()
    with sqlite3.connect(workspace / ".tddkit" / "state.db") as db:
        assert {k for (k,) in db.execute("SELECT kata FROM lessons_seen")} >= {"mro", "sincostan"}
    assert wait_until_gone(workspace) == []
