"""The watcher's news, from real file events in a real folder: when a change was first seen,
and whether the last change completed a save (a file written and closed, or renamed into
place), so that watch mode need not wait for the rest of an editor's burst."""

from __future__ import annotations

import os
import select
import time

import pytest

from tddkit.watch.watcher import Changes, matters

WAIT = 10.0  # seconds: a bound on waiting for an event, never an expectation of speed


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "katas").mkdir()
    return tmp_path


@pytest.fixture
def changes(folder):
    watching = Changes(folder)
    yield watching
    watching.close()


def news(changes: Changes, quiet: float = 0.5):
    """What the watcher says once events have stopped arriving for `quiet` seconds."""
    ready, _, _ = select.select([changes], [], [], WAIT)
    assert ready, f"no event within {WAIT} s"
    while select.select([changes], [], [], quiet)[0]:
        os.read(changes.fileno(), 4096)
    return changes.take()


def test_a_file_written_and_closed_is_a_completed_save(folder, changes):
    before = time.time()
    (folder / "katas" / "kata.py").write_text("x = 1\n")
    seen = news(changes)
    assert seen is not None and seen.first >= before
    assert seen.saved


def test_a_file_still_open_for_writing_is_not_yet_saved(folder, changes):
    with open(folder / "katas" / "kata.py", "w") as f:
        f.write("x = 1\n")
        f.flush()
        seen = news(changes)
        assert seen is not None and not seen.saved
    assert news(changes).saved


def test_a_file_renamed_into_place_is_a_completed_save(folder, changes):
    temp = folder / "katas" / ".kata.py.tmp"
    temp.write_text("x = 2\n")
    os.replace(temp, folder / "katas" / "kata.py")
    seen = news(changes)
    assert seen is not None and seen.saved


def test_a_deleted_file_is_a_change_but_not_a_completed_save(folder, changes):
    kata = folder / "katas" / "kata.py"
    kata.write_text("x = 1\n")
    news(changes)
    kata.unlink()
    seen = news(changes)
    assert seen is not None and not seen.saved


def test_a_touched_file_is_a_change(folder, changes):
    kata = folder / "katas" / "kata.py"
    kata.write_text("x = 1\n")
    news(changes)
    os.utime(kata)
    assert news(changes) is not None


def test_a_jetbrains_safe_write_is_a_completed_save(folder, changes):
    # Write a temporary file, move the old file aside, move the new one into place, and
    # delete the old one.
    kata = folder / "katas" / "kata.py"
    kata.write_text("x = 1\n")
    news(changes)
    temp, old = kata.with_name("kata.py___jb_tmp___"), kata.with_name("kata.py___jb_old___")
    temp.write_text("x = 2\n")
    os.replace(kata, old)
    os.replace(temp, kata)
    old.unlink()
    seen = news(changes)
    assert seen is not None and seen.saved


@pytest.mark.parametrize("name", ["kata.py___jb_tmp___", "kata.py___jb_old___", "#kata.py#", ".#kata.py",
                                  "kata.py~", ".kata.py.swp", "4913"])
def test_editors_temporary_and_backup_files_do_not_matter(folder, name):
    assert not matters(folder, str(folder / "katas" / name))
    assert matters(folder, str(folder / "katas" / "kata.py"))
