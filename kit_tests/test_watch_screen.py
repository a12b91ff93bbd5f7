"""Watch mode's screen logic, unit by unit: lines fitted to the terminal's width, the time a
verdict counts from, what a GREEN verdict says comes next, the keys and the kata list. (The
whole watch, on a real pseudo-terminal, is driven in test_watch.py and test_watch_keys.py.)"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tddkit import catalogue, status
from tddkit.judge import Outcome
from tddkit.light import Verdict
from tddkit.watch.fit import fit, width_of
from tddkit.watch.keys import key_names
from tddkit.watch.picker import KataList
from tddkit.watch.saves import SaveClock
from tddkit.watch.screen import verdict_lines

PROSE = ("sincostan is GREEN. Press [n] for the next kata (mro), or keep refactoring: the light stays on. "
         "Watching katas/sincostan.py, tests/test_sincostan.py; a save re-runs the tests of sincostan.")


def words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def test_at_50_columns_lines_break_between_words_never_inside_one():
    fitted = fit([PROSE, "    assert sincostan(30, degrees=True).sin == pytest.approx(0.5), 'the sine of 30 degrees'"], 50)
    assert all(width_of(line) <= 50 for line in fitted)
    assert words(fitted) == PROSE.split() + "assert sincostan(30, degrees=True).sin == pytest.approx(0.5), 'the sine of 30 degrees'".split()
    assert fitted[-1].startswith("    "), "a continuation keeps the line's indentation"


def test_colour_codes_take_no_column_and_only_a_word_wider_than_the_line_is_cut():
    painted = "\033[1;31m[x] RED\033[0m sincostan: 3/131 tests passed  \033[2m(at 12:00:00, verdict in 0.69 s)\033[0m"
    fitted = fit([painted], 50)
    assert [re.sub(r"\033\[[0-9;]*m", "", line) for line in fitted] == [
        "[x] RED sincostan: 3/131 tests passed  (at", "12:00:00, verdict in 0.69 s)"]
    long_word = "x" * 120
    assert fit([long_word], 50) == [long_word[:50], long_word[50:100], long_word[100:]]


def test_a_verdict_counts_from_the_save_it_answers_not_from_the_cancelled_run_s():
    clock = SaveClock()
    clock.saw(100.0, during_a_run=False)
    clock.saw(100.2, during_a_run=False)  # the same burst: an editor writes, then renames
    assert clock.take() == 100.0  # a run starts for it
    clock.saw(103.6, during_a_run=True)  # a save during the run cancels it
    clock.saw(103.7, during_a_run=False)
    clock.run_dropped(100.0)  # the cancelled run ends, not shown
    assert clock.take() == 103.6, "the verdict answers the save that cancelled the run"


def test_a_run_whose_files_changed_under_it_counts_from_that_change_once_its_event_comes():
    clock = SaveClock()
    clock.saw(100.0, during_a_run=False)
    started_for = clock.take()
    clock.run_dropped(started_for)  # the snapshot differs; the event is still on its way
    assert started_for < clock.pending <= time.time()
    clock.saw(100.5, during_a_run=False)
    assert clock.take() == 100.5


def test_a_run_lost_with_the_fork_server_still_answers_its_own_save():
    clock = SaveClock()
    clock.saw(100.0, during_a_run=False)
    clock.run_lost(clock.take())
    assert clock.take() == 100.0


def green(kata) -> Outcome:
    return Outcome(Verdict(kata.id, "green", 3, 3, None), unlocked=True)


def test_green_names_the_next_kata_and_on_the_last_one_offers_no_next():
    first, last = catalogue.load()[0], catalogue.load()[-1]
    shown = "\n".join(verdict_lines(Path("."), first, green(first), 1.0, 2.0, following="mro"))
    assert "Press [n] for the next kata (mro)" in shown
    shown = "\n".join(verdict_lines(Path("."), last, green(last), 1.0, 2.0, following=None))
    assert "[n]" not in shown and "every kata" in shown


# -- keys and the kata list: the pure parts of what the watch keys do ----------------------

def test_keys_are_named_one_by_one_arrows_enter_and_a_lone_escape_included():
    assert key_names("hN") == ["h", "n"], "letters as one case: caps lock on does not change a key"
    assert key_names("\r\n") == ["enter", "enter"], "the Enter key is CR, or LF once the terminal maps it"
    assert key_names("\x1b[A\x1b[Bj\x1bOA\x1bOB") == ["up", "down", "j", "up", "down"], "normal and application mode"
    assert key_names("\x1b") == ["esc"]
    assert key_names("\x1b[5~k") == ["k"], "a key the watch has no use for (page up) is left out whole"


def test_the_kata_list_moves_between_its_ends_and_picks_the_kata_under_the_cursor():
    picker = KataList(["sincostan", "mro", "package"], at="mro")
    assert picker.press("up") is None and picker.cursor == "sincostan"
    assert picker.press("k") is None and picker.cursor == "sincostan", "no further than the first"
    for key in ("down", "j", "j"):
        picker.press(key)
    assert picker.cursor == "package", "no further than the last"
    assert picker.press("enter") == ("pick", "package")
    for leave in ("esc", "q"):
        assert KataList(["sincostan", "mro"], at="mro").press(leave) == ("leave", None)
    assert picker.press("h") is None and picker.cursor == "package", "other keys do nothing in the list"


def test_the_list_marks_the_row_under_the_cursor_not_the_current_kata():
    rows = [status.Row(k, None, 0, 3, 0, 2, False) for k in ("sincostan", "mro")]
    assert status.table(rows).splitlines()[0].startswith(">"), "status marks the current kata"
    listed = status.table(rows, cursor="mro").splitlines()
    assert listed[0].startswith("  sincostan") and listed[1].startswith("> mro")
