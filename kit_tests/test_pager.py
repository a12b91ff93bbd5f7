"""Long output (`tddkit lesson`, `tddkit solution`) goes through a pager on a terminal, as git
does: $PAGER, else `less` with git's options, else plain output; never in a pipe. A pager the
learner quits early (q) takes nothing with it: not the exit status, not what the kit records.
(The solution's pager is checked in test_cli.py, where the solution is unlocked anyway.)"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from conftest import tddkit
from test_watch import Terminal

from tddkit import catalogue, pager

MRO = catalogue.find("mro").lesson.splitlines()
# The lesson's last line long enough to be found nowhere else in it (a short one, "too.", may be).
LAST = next(line for line in reversed(MRO) if len(line) > 40)


def plain(shown: bytes) -> str:
    return shown.decode("utf-8", "replace").replace("\r\n", "\n")


def lessons_seen(ws) -> list[str]:
    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        return [kata for (kata,) in db.execute("SELECT kata FROM lessons_seen")]


def on_a_terminal(ws, *args: str, **env: str | None) -> tuple[str, int]:
    """What `tddkit ARGS` showed on a terminal, and its exit status."""
    term = Terminal(ws, columns=100, args=args, env=env)
    try:
        shown = term.rest()
        return plain(shown), term.exit_status()
    finally:
        term.close()


def test_on_a_terminal_the_lesson_goes_through_the_pager_which_may_quit_early(workspace):
    shown, status = on_a_terminal(workspace, "lesson", "mro", PAGER="head -n 3")
    assert status == 0, "the pager's early exit is not the command's"
    assert "Kata 2/" in shown and MRO[0] in shown
    assert LAST not in shown, "only what the pager showed: it quit after 3 lines"
    assert lessons_seen(workspace) == ["mro"], "recorded all the same"


def test_in_a_pipe_the_lesson_is_printed_whole_whatever_pager_says(workspace):
    done = tddkit("lesson", "mro", cwd=workspace, env={"PAGER": "head -n 3"})
    assert done.returncode == 0 and LAST in done.stdout


def test_with_no_pager_to_be_found_the_terminal_gets_the_whole_text(workspace):
    shown, status = on_a_terminal(workspace, "lesson", "mro", PAGER=None, PATH="/no/such/folder")
    assert status == 0 and MRO[0] in shown and LAST in shown


@pytest.mark.skipif(not shutil.which("less"), reason="needs less")
def test_by_default_less_holds_a_long_lesson_until_q(workspace):
    term = Terminal(workspace, columns=100, args=("lesson", "mro"), env={"PAGER": None, "LESS": None, "TERM": "xterm"})
    try:
        term.until(MRO[0].encode())
        assert LAST.encode() not in term.screen, "a lesson longer than the terminal waits in less"
        os.write(term.fd, b"q")
        assert term.exit_status() == 0
    finally:
        term.close()


def test_the_pager_is_pager_else_less_and_none_for_cat_an_empty_one_or_a_missing_program():
    path = os.environ["PATH"]
    if shutil.which("less"):
        assert pager.command({"PATH": path}) == ["less"]
    assert pager.command({"PATH": path, "PAGER": "sh -c 'cat -n'"}) == ["sh", "-c", "cat -n"], "as a shell splits it"
    for nothing in ("", "cat", "no-such-pager-anywhere", "'unbalanced"):
        assert pager.command({"PATH": path, "PAGER": nothing}) is None, nothing
    assert pager.command({"PATH": "/no/such/folder"}) is None, "no less on PATH: plain output"


def test_less_gets_git_s_options_unless_the_learner_set_their_own():
    assert pager.environment({})["LESS"] == "FRX", "quit if it fits on one screen, colours, no screen clearing"
    assert pager.environment({}, stay=True)["LESS"] == "RX", "in watch a short text must not vanish at once"
    assert pager.environment({"LESS": "-S"})["LESS"] == "-S"


def test_a_pager_that_quits_before_reading_everything_ends_nothing_but_itself():
    pager.run(["sh", "-c", "exit 0"], "a long lesson line\n" * 100_000)  # 1.9 MB: more than any pipe holds
