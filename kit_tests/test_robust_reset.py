"""Robustness: `tddkit reset` and the files it meets. A FIFO where a kata file or test should be,
a symlink loop or a link to a big folder in the learner's package, a `.tddkit/backups` that is a
file, a dangling link or read-only, a read-only workspace, a full disk. Each case: one line (or
the reset done), never a hang or a traceback, nothing half-made, the learner's code kept.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from robust_support import (KATA, LEARNER, REPO, STUB, TESTS, as_unprivileged, assert_intact, fill,  # noqa: F401
                            full_disk, needs_read_only, robust_template, run_json, tddkit, write_learner, ws)

BACKUPS = Path(".tddkit/backups")
PACKAGE = Path("katas/greetings")


def one_line_error(done, status=2) -> str:
    err = done.stderr.decode()
    assert b"Traceback" not in done.stderr + done.stdout, err[-3000:]
    assert done.returncode == status, (done.returncode, err)
    assert len(err.strip().splitlines()) == 1, err
    return err


def succeeded(done) -> str:
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()[-3000:]
    return done.stdout.decode()


def package(ws: Path) -> Path:
    """The package kata's learner package, as a learner who has begun it has it."""
    (ws / PACKAGE).mkdir(exist_ok=True)
    (ws / PACKAGE / "__init__.py").write_text("# my package\n")
    return ws / PACKAGE


def backups(ws: Path) -> list[Path]:
    folder = ws / BACKUPS
    return sorted(folder.iterdir()) if folder.is_dir() else []


# -- FIFOs (issue 20, items 6 and 7; issue 21, item 1) ----------------------------------------------

def test_a_fifo_for_the_kata_tests_is_tampering_not_a_hang_and_reset_tests_puts_them_back(ws):
    (ws / TESTS).unlink()
    os.mkfifo(ws / TESTS)
    result = run_json(ws, timeout=30)
    assert result["light"] == "amber" and str(TESTS) in result["reason"]
    succeeded(tddkit("reset", KATA, "--tests", cwd=ws, timeout=30))
    assert_intact(ws)


def test_a_fifo_for_the_learner_file_is_reset_to_the_stub(ws):
    (ws / LEARNER).unlink()
    os.mkfifo(ws / LEARNER)
    succeeded(tddkit("reset", KATA, cwd=ws, timeout=30))
    assert (ws / LEARNER).read_text() == STUB


def test_a_fifo_in_the_learners_package_is_no_traceback_and_the_rest_is_kept(ws):
    (package(ws) / "mine.py").write_text("# my work\n")
    os.mkfifo(ws / PACKAGE / "pipe")
    succeeded(tddkit("reset", "package", cwd=ws, timeout=30))
    [backup] = backups(ws)
    assert (backup / PACKAGE / "mine.py").read_text() == "# my work\n"


# -- links in the learner's package (issue 20, item 7) -----------------------------------------------

def test_a_symlink_loop_in_the_learners_package_is_backed_up_as_a_link(ws):
    (package(ws) / "loop").symlink_to(".")
    (ws / PACKAGE / "mine.py").write_text("# my work\n")
    succeeded(tddkit("reset", "package", cwd=ws, timeout=30))
    [backup] = backups(ws)
    assert os.readlink(backup / PACKAGE / "loop") == "."
    assert (backup / PACKAGE / "mine.py").read_text() == "# my work\n"


def test_a_link_to_a_folder_outside_is_backed_up_as_a_link_not_copied(ws, tmp_path):
    outside = tmp_path / "big"
    outside.mkdir()
    (outside / "data.bin").write_bytes(b"x" * 100_000)
    (package(ws) / "big").symlink_to(outside)
    succeeded(tddkit("reset", "package", cwd=ws, timeout=30))
    [backup] = backups(ws)
    assert (backup / PACKAGE / "big").is_symlink() and os.readlink(backup / PACKAGE / "big") == str(outside)
    assert (outside / "data.bin").stat().st_size == 100_000  # the folder outside is left alone


# -- where the backup cannot go (issue 20, item 7; issue 21, item 1) ----------------------------------

def refused_and_kept(ws: Path, done, mine: str) -> str:
    """One line, exit 2, the learner's code where it was, and no backup folder half-made."""
    err = one_line_error(done)
    assert_intact(ws, mine)
    assert not [p for p in (ws / ".tddkit").rglob("*") if p.name.startswith(f"{KATA}-")], "a half-made backup"
    return err


def test_backups_that_is_a_file_is_one_line_and_the_code_is_kept(ws):
    mine = write_learner(ws, STUB + "# hours of my work\n")
    (ws / BACKUPS).write_text("not a folder\n")
    err = refused_and_kept(ws, tddkit("reset", KATA, cwd=ws), mine)
    assert str(BACKUPS) in err
    assert (ws / BACKUPS).read_text() == "not a folder\n"


def test_backups_that_is_a_dangling_link_is_one_line_and_the_code_is_kept(ws, tmp_path):
    mine = write_learner(ws, STUB + "# hours of my work\n")
    (ws / BACKUPS).symlink_to(tmp_path / "gone")
    err = refused_and_kept(ws, tddkit("reset", KATA, cwd=ws), mine)
    assert str(BACKUPS) in err


def unprivileged_reset(ws: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    return subprocess.run(as_unprivileged(sys.executable, "-P", "-m", "tddkit", "reset", *args), cwd=ws, env=env,
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)


@needs_read_only
def test_read_only_backups_is_one_line_and_the_code_is_kept(ws):
    mine = write_learner(ws, STUB + "# hours of my work\n")
    (ws / BACKUPS).mkdir()
    (ws / BACKUPS).chmod(0o555)
    try:
        refused_and_kept(ws, unprivileged_reset(ws, KATA), mine)
    finally:
        (ws / BACKUPS).chmod(0o755)
    assert backups(ws) == []


@needs_read_only
def test_a_read_only_workspace_is_one_line_and_the_code_is_kept(ws):
    mine = write_learner(ws, STUB + "# hours of my work\n")
    folders = [p for p in (ws, *ws.rglob("*")) if p.is_dir() and not p.is_symlink()]
    for folder in folders:
        folder.chmod(0o555)
    try:
        for kata in (KATA, "package"):
            refused_and_kept(ws, unprivileged_reset(ws, kata), mine)
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert backups(ws) == []


# -- a full disk (issue 21, item 1): a real one, a small tmpfs ----------------------------------------

def test_a_full_disk_is_one_line_no_empty_backup_and_the_code_is_kept(full_disk):
    done = tddkit("init", "ws", cwd=full_disk)
    assert done.returncode == 0, done.stderr.decode()
    ws = full_disk / "ws"
    mine = write_learner(ws, "# hours of my work\n" * 200)  # larger than the stub: the stub must be written
    fill(full_disk)
    done = tddkit("reset", KATA, cwd=ws)
    (full_disk / "filler").unlink()  # room again, for the checks to open the state
    err = refused_and_kept(ws, done, mine)
    assert "no space left" in err.lower()
