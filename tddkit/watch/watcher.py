"""File events from the workspace, as a pipe the loop can select on, and a snapshot of the
files that can change a run's result.

Only the kata and test folders and the workspace's own config and top-level Python files
matter; the kit's state, unlocked solutions, caches and editors' hidden or backup files do not
(an unlock writes into solutions/, and a test run reads files: neither may start a run).
The watcher thread only notes the time of the first event of a burst, and whether the latest
event completed a save (a file written and closed, or renamed into place: an editor's save
usually ends so), and writes a byte to a pipe; all decisions are made by the loop, in the
main thread.

A file or folder of the kata that is a symbolic link to a place outside the workspace is watched
through: its target is watched too (inotify sees no change to a link when its target changes).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import NamedTuple

from tddkit.watch.bell import Bell

WATCHED_FOLDERS = ("katas", "tests")
TOP_LEVEL_FILES = ("pytest.ini", "conftest.py", "setup.cfg", "tox.ini", "pyproject.toml")
IGNORED_FOLDERS = {"__pycache__", ".hypothesis", ".pytest_cache", ".tddkit", ".git", "solutions", "htmlcov"}
IGNORED_PREFIXES = (".", "#")  # hidden files; Emacs' autosaves (#kata.py#)
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".pyc", ".bak", "___jb_tmp___", "___jb_old___")  # JetBrains
FILE_EVENTS = {"created", "modified", "deleted", "moved", "closed", "attrib"}
FOLDER_EVENTS = {"created", "deleted", "moved"}


def matters(root: Path, path: str) -> bool:
    """Whether a change at `path` can change the result of a run."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        return False
    if not parts or any(p in IGNORED_FOLDERS for p in parts):
        return False
    name = parts[-1]
    if name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES) or name.isdigit():  # vim probes with 4913
        return False
    if parts[0] in WATCHED_FOLDERS:
        return True
    return len(parts) == 1 and (name.endswith(".py") or name in TOP_LEVEL_FILES)


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """(mtime, size, inode) of every file that matters: equal snapshots, unchanged files."""
    found = {}
    for top in [root / f for f in WATCHED_FOLDERS] + [root]:
        for folder, dirs, files in os.walk(top):
            if Path(folder) == root:
                dirs.clear()
            dirs[:] = [d for d in dirs if d not in IGNORED_FOLDERS]
            for name in files:
                path = os.path.join(folder, name)
                if matters(root, path):
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    found[path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return found


def linked_targets(root: Path) -> set[str]:
    """Where the links among the files and folders that matter point, outside the workspace."""
    found = set()
    for top in [root / f for f in WATCHED_FOLDERS] + [root]:
        for folder, dirs, files in os.walk(top):
            if Path(folder) == root:
                dirs.clear()
            dirs[:] = [d for d in dirs if d not in IGNORED_FOLDERS]
            for name in dirs + files:
                path = os.path.join(folder, name)
                if os.path.islink(path) and (name in dirs or matters(root, path)):
                    target = os.path.realpath(path)
                    if not Path(target).is_relative_to(root.resolve()) and os.path.exists(target):
                        found.add(target)
    return found


class News(NamedTuple):
    first: float  # when the first change since the last take was seen (time.time())
    saved: bool  # whether the latest change completed a save


class Changes:
    """Watches the workspace; readable (fileno) when something that matters changed."""

    def __init__(self, root: Path):
        from watchdog import events
        from watchdog.observers import Observer

        self.root = root
        self._bell = Bell()
        self._lock = threading.Lock()
        self._first: float | None = None
        self._saved = False
        changes = self

        class Handler(events.FileSystemEventHandler):
            def on_any_event(self, event):
                changes._event(event)

        self._observer = Observer()
        # Only the kinds of event that can be news: a test run opens and reads many files, and
        # each open and close would otherwise wake the watcher's threads during the run. (A
        # touch is an attrib event; older watchdogs call it modified.)
        touched = getattr(events, "FileAttribEvent", events.FileModifiedEvent)
        kinds = [events.FileCreatedEvent, events.FileModifiedEvent, events.FileDeletedEvent, events.FileMovedEvent,
                 events.FileClosedEvent, touched, events.DirCreatedEvent, events.DirDeletedEvent, events.DirMovedEvent]
        handler = Handler()
        self._observer.schedule(handler, str(root), recursive=True, event_filter=kinds)
        self._targets = linked_targets(root)
        for target in self._targets:  # a file's folder (an editor's save replaces the file itself)
            folder = target if os.path.isdir(target) else os.path.dirname(target)
            self._observer.schedule(handler, folder, recursive=os.path.isdir(target), event_filter=kinds)
        self._observer.start()

    def _matters(self, path: str) -> bool:
        if matters(self.root, path):
            return True
        name = os.path.basename(path)
        if not path or name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES):
            return False
        return any(path == t or path.startswith(t + os.sep) for t in self._targets)

    def _event(self, event) -> None:
        kinds = FOLDER_EVENTS if event.is_directory else FILE_EVENTS
        if event.event_type not in kinds:
            return
        source, dest = (os.fsdecode(p) if p else "" for p in (event.src_path, getattr(event, "dest_path", "")))
        into_place = bool(dest) and self._matters(dest)
        if not (into_place or self._matters(source)):
            return
        with self._lock:
            if self._first is None:
                self._first = time.time()
            self._saved = event.event_type == "closed" or (event.event_type == "moved" and into_place)
        self._bell.ring()

    def fileno(self) -> int:
        return self._bell.fileno()

    def take(self) -> News | None:
        """The news since the last take (None: no change)."""
        self._bell.take()
        with self._lock:
            first, self._first = self._first, None
            saved = self._saved
        return None if first is None else News(first, saved)

    def close(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
        self._bell.close()
