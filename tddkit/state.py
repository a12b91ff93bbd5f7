"""The workspace's state store: runs, hints shown, unlocks, lessons seen, cached test lists.

SQLite (stdlib) in WAL mode: every change is one transaction, so two tddkit processes at once
and a kill -9 in the middle of a write leave either the old state or the new, never a torn one.
A file that is not a readable database is moved aside (never deleted) and a fresh one started.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

from tddkit import messages
from tddkit.errors import StateError

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    kata TEXT NOT NULL,
    light TEXT NOT NULL,
    passed INTEGER NOT NULL,
    total INTEGER NOT NULL,
    reason TEXT,
    tests TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS runs_by_kata ON runs (kata, id);
CREATE TABLE IF NOT EXISTS hints (
    kata TEXT NOT NULL, step INTEGER NOT NULL, shown INTEGER NOT NULL,
    PRIMARY KEY (kata, step)
);
CREATE TABLE IF NOT EXISTS unlocks (kata TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS lessons_seen (kata TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS expected (
    kata TEXT PRIMARY KEY, digest TEXT NOT NULL, tests TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS resets (kata TEXT PRIMARY KEY, after_run INTEGER NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS grades (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    kata TEXT NOT NULL,
    light TEXT NOT NULL,
    valid INTEGER NOT NULL,
    total INTEGER NOT NULL,
    caught INTEGER NOT NULL,
    mutants INTEGER NOT NULL,
    reason TEXT
);
"""


FULL_BELOW = 64 * 1024  # bytes free under which a failed write is put down to a full disk
# Seconds to wait for another tddkit process (watch and run at once) to finish a write: a write
# takes milliseconds, so waiting longer only keeps a learner from their light.
BUSY_WAIT = 5


class State:
    """One open state store. Use as a context manager, or call close().

    read_only: for commands that only read (status, log). On a full disk, where SQLite cannot
    make the files WAL mode needs beside the database, those still read it, as it was last
    written whole."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self._db = self._open()

    def _connect(self, immutable: bool = False) -> sqlite3.Connection:
        if immutable:  # read as it is: no lock, no WAL files, no schema to add
            db = sqlite3.connect(f"file:{quote(str(self.path))}?immutable=1", uri=True, isolation_level=None)
        else:
            db = sqlite3.connect(self.path, timeout=BUSY_WAIT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            # Opening reads only the first page: a truncated or partly overwritten file shows
            # up here, not later in the middle of a command.
            check = db.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise sqlite3.DatabaseError("database disk image is malformed: " + "; ".join(str(r[0]) for r in check[:3]))
            if not immutable:
                db.executescript(SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
                if self.read_only and _disk_full(self.path, err):
                    return self._connect_immutable()
                raise _state_error(self.path, err) from None
            aside = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self.path) + suffix)
                if part.exists():
                    part.rename(Path(str(aside) + suffix))
            print("tddkit: " + messages.STATE_UNREADABLE.format(self.path, err, aside), file=sys.stderr)
            return self._connect()

    def _connect_immutable(self) -> sqlite3.Connection:
        try:
            return self._connect(immutable=True)
        except sqlite3.DatabaseError as err:
            raise _state_error(self.path, err) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, sql: str, params: tuple = ()) -> None:
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(sql, params)
        except sqlite3.DatabaseError as err:
            raise _state_error(self.path, err) from None

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            with closing(self._db.execute(sql, params)) as cur:
                return cur.fetchall()
        except sqlite3.DatabaseError as err:
            raise _state_error(self.path, err) from None

    # -- runs -------------------------------------------------------------------------

    def record_run(self, kata: str, light: str, passed: int, total: int, reason: str | None, tests: list[dict]) -> None:
        self._write(
            "INSERT INTO runs (at, kata, light, passed, total, reason, tests) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), kata, light, passed, total, reason, json.dumps(tests)),
        )

    def last_run(self, kata: str, skipping: str | None = None) -> dict | None:
        """The kata's latest run since its last reset (`skipping`: the latest of another light)."""
        runs = self.last_runs(kata, 1, skipping)
        return runs[0] if runs else None

    def last_runs(self, kata: str, count: int, skipping: str | None = None) -> list[dict]:
        """The kata's `count` latest runs, newest first (`skipping`: those of that light)."""
        rows = self._rows(
            "SELECT at, kata, light, passed, total, reason, tests FROM runs WHERE kata = ? AND light IS NOT ? "
            "AND id > COALESCE((SELECT after_run FROM resets WHERE kata = ?), 0) ORDER BY id DESC LIMIT ?",
            (kata, skipping, kata, count),
        )
        return [_run_row(r) for r in rows]

    def record_reset(self, kata: str) -> None:
        """The kata's stub was put back: its runs so far describe code that is gone, so from now on
        the kata counts as not run (status, next, hint); the history (`tddkit log`) keeps them."""
        self._write(
            "INSERT INTO resets (kata, after_run, at) "
            "VALUES (?, (SELECT COALESCE(MAX(id), 0) FROM runs WHERE kata = ?), ?) "
            "ON CONFLICT (kata) DO UPDATE SET after_run = excluded.after_run, at = excluded.at",
            (kata, kata, time.time()),
        )

    def history(self, kata: str | None = None) -> list[dict]:
        """Every run (of `kata`), oldest first, resets or not. Each run's "tests" holds each pair of
        step and outcome once: what the rhythm needs, without every test's message."""
        where, params = (" WHERE kata = ?", (kata,)) if kata else ("", ())
        rows = self._rows("SELECT id, at, kata, light, passed, total, reason FROM runs" + where + " ORDER BY id", params)
        pairs = self._rows(
            "SELECT DISTINCT runs.id, json_extract(t.value, '$.step'), json_extract(t.value, '$.outcome') "
            "FROM runs, json_each(runs.tests) AS t" + where, params)
        tests: dict[int, list[dict]] = {}
        for run, step, outcome in pairs:
            tests.setdefault(run, []).append({"step": step, "outcome": outcome})
        return [_run_row((*r[1:], "[]")) | {"tests": tests.get(r[0], [])} for r in rows]

    # -- the write-tests mode's grades (grading.py): apart from the code's runs ------------------

    def record_grade(self, kata: str, light: str, valid: int, total: int, caught: int, mutants: int,
                     reason: str | None) -> None:
        self._write("INSERT INTO grades (at, kata, light, valid, total, caught, mutants, reason) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (time.time(), kata, light, valid, total, caught, mutants, reason))

    def grades(self, kata: str | None = None) -> list[dict]:
        """Every grade (of `kata`), oldest first."""
        where, params = (" WHERE kata = ?", (kata,)) if kata else ("", ())
        rows = self._rows("SELECT at, kata, light, valid, total, caught, mutants, reason FROM grades" + where +
                          " ORDER BY id", params)
        keys = ("at", "kata", "light", "valid", "total", "caught", "mutants", "reason")
        return [dict(zip(keys, row)) for row in rows]

    def last_grades(self) -> dict[str, dict]:
        """Each kata's latest grade, by kata."""
        return {grade["kata"]: grade for grade in self.grades()}

    # -- hints, unlocks, lessons ------------------------------------------------------------

    def hints_shown(self, kata: str, step: int) -> int:
        rows = self._rows("SELECT shown FROM hints WHERE kata = ? AND step = ?", (kata, step))
        return rows[0][0] if rows else 0

    def set_hints_shown(self, kata: str, step: int, shown: int) -> None:
        self._write(
            "INSERT INTO hints (kata, step, shown) VALUES (?, ?, ?) "
            "ON CONFLICT (kata, step) DO UPDATE SET shown = excluded.shown",
            (kata, step, shown),
        )

    def unlocked(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT kata FROM unlocks")}

    def unlock(self, kata: str) -> None:
        self._write("INSERT OR IGNORE INTO unlocks (kata, at) VALUES (?, ?)", (kata, time.time()))

    def lesson_seen(self, kata: str) -> bool:
        return bool(self._rows("SELECT 1 FROM lessons_seen WHERE kata = ?", (kata,)))

    def see_lesson(self, kata: str) -> None:
        self._write("INSERT OR IGNORE INTO lessons_seen (kata, at) VALUES (?, ?)", (kata, time.time()))

    def katas_recorded(self) -> set[str]:
        """Every kata the state holds progress for: after a kit upgrade that renamed a kata, the
        old name is here and not in the catalogue (its rows are kept, never dropped)."""
        rows = self._rows("SELECT kata FROM runs UNION SELECT kata FROM unlocks UNION SELECT kata FROM hints")
        return {r[0] for r in rows}

    # -- cached list of expected tests ------------------------------------------------------

    def expected(self, kata: str, digest: str) -> list[dict] | None:
        rows = self._rows("SELECT tests FROM expected WHERE kata = ? AND digest = ?", (kata, digest))
        return json.loads(rows[0][0]) if rows else None

    def set_expected(self, kata: str, digest: str, tests: list[dict]) -> None:
        self._write(
            "INSERT INTO expected (kata, digest, tests) VALUES (?, ?, ?) "
            "ON CONFLICT (kata) DO UPDATE SET digest = excluded.digest, tests = excluded.tests",
            (kata, digest, json.dumps(tests)),
        )


def _state_error(path: Path, err: sqlite3.DatabaseError) -> StateError:
    """A failed read or write: a full disk, busy or read-only (try again), or damaged (the next
    command moves the file aside)."""
    if isinstance(err, sqlite3.OperationalError) and not _is_corruption(err):
        if _disk_full(path, err):
            return StateError(messages.STATE_DISK_FULL.format(path, err))
        return StateError(messages.STATE_LOCKED.format(path, err))
    return StateError(messages.STATE_DAMAGED.format(path, err))


def _disk_full(path: Path, err: sqlite3.Error) -> bool:
    """The disk holding the state has no room left. SQLite's own word for it varies (on tmpfs it is
    a "disk I/O error" growing the WAL index), so the disk itself is asked too."""
    if err.sqlite_errorcode == sqlite3.SQLITE_FULL:
        return True
    try:
        disk = os.statvfs(path.parent)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < FULL_BELOW


def _is_corruption(err: sqlite3.Error) -> bool:
    text = str(err).lower()
    return "not a database" in text or "malformed" in text or "corrupt" in text


def _run_row(row: tuple) -> dict:
    at, kata, light, passed, total, reason, tests = row
    return {"at": at, "kata": kata, "light": light, "passed": passed, "total": total,
            "reason": reason, "tests": json.loads(tests)}
