"""The learner's workspace: making one, finding it, and guarding the learner's files.

A workspace is an ordinary pytest project (pytest.ini, katas/, tests/, solutions/) with a
`.tddkit/` folder for the kit's state. The kit's own source repository is not a workspace.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import time
import tomllib
from contextlib import contextmanager
from pathlib import Path

from tddkit import catalogue, content, lessons, messages
from tddkit.catalogue import Kata
from tddkit.errors import NotAWorkspace, UsageError, WorkspaceError

STATE_DIR = ".tddkit"
MARKER = "workspace.toml"
STATE_FILE = "state.db"

PYTEST_INI = """\
# A tddkit workspace is an ordinary pytest project: `pytest` runs every kata here,
# `pytest tests/test_sincostan.py` one of them, and `ptw` re-runs them on every save.
[pytest]
testpaths = tests
pythonpath = .
addopts = -p no:cacheprovider
markers =
    step(n): the kata step this test belongs to

[pytest-watch]
# ptw takes one folder to ignore from here: unlocked solutions, which must not start a run.
ext = .py
ignore = solutions
nobeep = True
"""

LEARNER_README = """\
# My tddkit katas

Each kata teaches one idea. Its tests are already written, and they fail: your job is to make
them pass, one step at a time, in `katas/`.

    tddkit next            the next kata and step: the lesson, the failing test, where to edit
    tddkit watch           re-run on every save: RED / AMBER / GREEN
    tddkit hint            one more hint for the current step
    tddkit lesson KATA     a kata's lesson again: the whole contract
    tddkit run KATA        run one kata's tests once, and your own tests that import it
    tddkit new-test KATA   a starter for your own tests of a kata: tests/test_my_KATA.py
    tddkit status          every kata: steps passed, light, unlocked
    tddkit solution KATA   the reference solution, once your code is GREEN
    tddkit reset KATA      start a kata again (your version is kept in .tddkit/backups/)

The lights: GREEN every test passed; RED the tests ran and at least one failed;
AMBER the tests could not run (a syntax error, an import error, a timeout, a crash).

Each kata's lesson is also in `lessons/`, to read in your editor beside the code.
Leave the kit's files in `tests/` as they are: the solution only unlocks with the tests as
shipped. Your own tests go in new files there (`tests/test_mine.py`): they run with the kata they
import, and the solution unlocks when they pass too.
Plain `pytest` and `ptw` work here too.
"""

GITIGNORE = """\
__pycache__/
.hypothesis/
.coverage
htmlcov/
.tddkit/*.db-*
"""


class Workspace:
    def __init__(self, root: Path):
        self.root = root

    @property
    def state_path(self) -> Path:
        return self.root / STATE_DIR / STATE_FILE

    def use_its_pack(self) -> None:
        """Bring in the katas of the pack the workspace's config names, if any, after the kit's own.

        A pack's kata none of whose files is here yet (the pack was named after `init`) is put in."""
        config_path = self.root / STATE_DIR / MARKER
        try:
            pack = tomllib.loads(config_path.read_text(encoding="utf-8")).get("pack")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise UsageError(messages.CONFIG_UNREADABLE.format(config_path, err)) from None
        if pack is None:
            return
        if not isinstance(pack, str):
            raise UsageError(messages.CONFIG_BAD_PACK.format(config_path))
        folder = self.root / pack  # a relative path is from the workspace
        catalogue.use_pack(folder)
        for kata in catalogue.with_pack(folder):
            if not any((self.root / rel).exists() for rel in (*kata.files, *kata.shipped, lesson_path(kata))):
                install_kata(kata, self.root)

    def open_state(self, read_only: bool = False):
        from tddkit.state import State

        return State(self.state_path, read_only=read_only)

    def changed_shipped_files(self, kata: Kata) -> list[str]:
        """The kata's tests and given files that differ from the kit's, and files beside the tests
        that the kit does not ship (the tamper check)."""
        return [
            rel for rel in kata.guarded
            if content.file_digest(self.root / rel) != content.shipped_digest(kata, rel)
        ]

    @contextmanager
    def set_aside(self, kata: Kata, paths: list[str]):
        """Move paths (those there) into a new folder under .tddkit/backups/ and yield it (None if
        none was there) for the body to write their new versions; if the body fails, put them back.

        Moved, not copied: that needs no space on the disk, a link (even a loop, or one to a big
        folder elsewhere) stays a link, and a FIFO is never opened. Any failure is one line, with
        the learner's files where they were and no backup half-made."""
        there = [p for p in paths if os.path.lexists(self.root / p)]
        folder = self._new_backup_folder(kata) if there else None
        moved: list[str] = []
        try:
            for rel in there:
                content.move_path(self.root / rel, folder / rel)
                moved.append(rel)
        except OSError as err:
            self._put_back(folder, moved)
            raise WorkspaceError(messages.RESET_CANNOT_KEEP.format(self._rel(folder), err.strerror or err)) from None
        try:
            yield folder
        except OSError as err:
            for rel in paths:  # the half-written new versions
                content.remove_path(self.root / rel)
            self._put_back(folder, moved)
            raise WorkspaceError(messages.RESET_CANNOT_WRITE.format(kata.id, err.strerror or err)) from None

    def _new_backup_folder(self, kata: Kata) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder = self.root / STATE_DIR / "backups" / f"{kata.id}-{stamp}"
        n = 1
        while os.path.lexists(folder):
            n += 1
            folder = folder.with_name(f"{kata.id}-{stamp}-{n}")
        try:
            folder.mkdir(parents=True)
        except OSError as err:
            raise WorkspaceError(messages.RESET_CANNOT_KEEP.format(self._rel(folder), err.strerror or err)) from None
        return folder

    def _put_back(self, folder: Path | None, moved: list[str]) -> None:
        """Undo set_aside: the moved paths back in place, the backup folder gone."""
        for rel in reversed(moved):
            content.move_path(folder / rel, self.root / rel)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            try:
                folder.parent.rmdir()  # .tddkit/backups, if this reset made it
            except OSError:
                pass

    def _rel(self, path: Path) -> Path:
        return path.relative_to(self.root)

def find(start: Path | None = None) -> Workspace:
    """The workspace holding `start` (default: the current folder), or a helpful error: one that
    names the repair when a folder on the way up looks like a workspace that lost its .tddkit/."""
    start = (start or Path.cwd()).resolve()
    root = enclosing(start)
    if root is not None:
        ws = Workspace(root)
        ws.use_its_pack()
        return ws
    damaged = next((f for f in (start, *start.parents) if looks_like_a_workspace(f)), None)
    if damaged is not None:
        cd = "." if damaged == start else shlex.quote(str(damaged))
        raise NotAWorkspace(messages.NOT_A_WORKSPACE_REPAIRABLE.format(path=damaged, cd=cd))
    raise NotAWorkspace(messages.NOT_A_WORKSPACE.format(start))


def enclosing(folder: Path) -> Path | None:
    """The root of the workspace that holds `folder` (itself or a folder above), if any."""
    folder = folder.resolve()
    return next((f for f in (folder, *folder.parents) if (f / STATE_DIR / MARKER).is_file()), None)


def looks_like_a_workspace(folder: Path) -> bool:
    """The folders init writes, without the kit's state: katas/, tests/ and lessons/. The kit's
    own checkout has them too, with its catalogue beside them (katas.toml): it is no workspace."""
    try:
        return (all((folder / name).is_dir() for name in ("katas", "tests", "lessons"))
                and not (folder / STATE_DIR / MARKER).is_file() and not (folder / "katas.toml").exists())
    except OSError:
        return False


def planned_files() -> list[str]:
    """Every path `init` writes, relative to the new workspace."""
    paths = ["pytest.ini", "README.md", ".gitignore", "katas/__init__.py", "solutions", STATE_DIR]
    for kata in catalogue.load():
        paths += [*kata.files, *kata.shipped, lesson_path(kata)]
    return paths


def init(target: Path, pack: Path | None = None) -> Workspace:
    """Make a new workspace at target, with the katas of `pack` after the kit's own; refuse,
    changing nothing, if anything would be overwritten or the pack is broken."""
    if pack is not None:
        catalogue.with_pack(pack)  # every problem of the pack, before anything is written
        catalogue.use_pack(pack)
    try:
        planned = _refuse_to_overwrite(target)
        existed = target.exists()
    except OSError as err:  # a name too long for the file system, a folder that cannot be looked into
        raise UsageError(messages.INIT_FAILED.format(target, err.strerror or err)) from None
    try:
        return _write_workspace(target, pack)
    except OSError as err:
        # Nothing planned existed before (no clashes), so everything planned is ours to take back.
        for rel in sorted(planned, reverse=True):
            try:
                content.remove_path(target / rel)
            except OSError:
                pass
        for folder in ("katas", "tests", "solutions", "lessons", *([] if existed else ["."])):
            try:
                (target / folder).rmdir()
            except OSError:
                pass
        raise UsageError(messages.INIT_FAILED.format(target, err.strerror or err)) from None


def _refuse_to_overwrite(target: Path) -> list[str]:
    """Every path init would write; a usage error if target is no place for them."""
    if target.exists() and not target.is_dir():
        raise UsageError(messages.INIT_NOT_A_FOLDER.format(target))
    if (target / STATE_DIR / MARKER).exists():
        raise UsageError(messages.ALREADY_A_WORKSPACE.format(target))
    outer = enclosing(target)
    if outer is not None:  # a workspace inside another one: its tests would run in both
        raise UsageError(messages.INIT_INSIDE_A_WORKSPACE.format(target, outer))
    if target.is_dir() and looks_like_a_workspace(target):
        raise UsageError(messages.NOT_A_WORKSPACE_REPAIRABLE.format(path=target.resolve(), cd=shlex.quote(str(target))))
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UsageError(messages.INIT_NOT_A_FOLDER.format(blocking))
    planned = planned_files()
    clashes = [p for p in planned if (target / p).exists()]
    if clashes:
        raise UsageError(messages.INIT_WOULD_OVERWRITE.format(target, ", ".join(sorted(set(clashes))[:5])))
    return planned


def _write_workspace(target: Path, pack: Path | None) -> Workspace:
    write_skeleton(target)
    ws = Workspace(target.resolve())
    for kata in catalogue.load():
        install_kata(kata, target)
    _write_state(ws, pack)
    return ws


def _write_state(ws: Workspace, pack: Path | None) -> None:
    """The kit's .tddkit/: the state store, then the marker that makes the folder a workspace."""
    (ws.root / STATE_DIR).mkdir(exist_ok=True)
    with ws.open_state():
        pass
    config = f'kit_version = "{_kit_version()}"\n'
    if pack is not None:
        config += f"pack = {json.dumps(str(pack.resolve()))}\n"  # a JSON string is a TOML string
    (ws.root / STATE_DIR / MARKER).write_text(config)


def repair(target: Path, pack: Path | None = None) -> list[str]:
    """Make again the .tddkit/ of a workspace that lost it, and put back the files init writes that
    are missing outside katas/; katas/ (the learner's code) and every file still there stay as they
    are. The paths put back, relative to the workspace."""
    if (target / STATE_DIR / MARKER).is_file():
        raise UsageError(messages.REPAIR_NOT_NEEDED.format(target))
    outer = enclosing(target) if target.is_dir() else None
    if outer is not None:
        raise UsageError(messages.INIT_INSIDE_A_WORKSPACE.format(target, outer))
    if not looks_like_a_workspace(target):
        raise UsageError(messages.REPAIR_NOT_A_WORKSPACE.format(target))
    if pack is not None:
        catalogue.with_pack(pack)
        catalogue.use_pack(pack)
    missing = [rel for rel in planned_files() if not rel.startswith("katas/") and not os.path.lexists(target / rel)]
    try:
        for rel in missing:
            _put_back_missing(target, rel)
        _write_state(Workspace(target.resolve()), pack)
    except OSError as err:
        raise UsageError(messages.INIT_FAILED.format(target, err.strerror or err)) from None
    return [rel for rel in missing if rel != STATE_DIR]


def _put_back_missing(target: Path, rel: str) -> None:
    """One missing path of a new workspace, as init writes it."""
    skeleton = {"pytest.ini": PYTEST_INI, "README.md": LEARNER_README, ".gitignore": GITIGNORE}
    if rel in skeleton:
        (target / rel).write_text(skeleton[rel])
    elif rel in ("solutions", STATE_DIR):
        (target / rel).mkdir()
    for kata in catalogue.load():
        if rel == lesson_path(kata):
            (target / rel).write_text(lessons.learner_copy(kata), encoding="utf-8")
        elif rel in kata.shipped:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            content.install_shipped(kata, target, [rel])


def install_kata(kata: Kata, target: Path) -> None:
    """A kata as a new workspace has it: its stub, its tests and given files, and its lesson."""
    content.install(kata, content.STUB, target)
    content.install_shipped(kata, target)
    (target / lesson_path(kata)).write_text(lessons.learner_copy(kata), encoding="utf-8")


def write_skeleton(target: Path) -> None:
    """The parts of a workspace that are not kata files: config, readme, empty folders."""
    (target / STATE_DIR).mkdir(parents=True, exist_ok=True)
    (target / "katas").mkdir(exist_ok=True)
    (target / "solutions").mkdir(exist_ok=True)
    (target / "tests").mkdir(exist_ok=True)
    (target / "lessons").mkdir(exist_ok=True)
    (target / "katas" / "__init__.py").write_text("")
    (target / "pytest.ini").write_text(PYTEST_INI)
    (target / "README.md").write_text(LEARNER_README)
    (target / ".gitignore").write_text(GITIGNORE)


def lesson_path(kata: Kata) -> str:
    """Where the workspace keeps a kata's lesson, for the learner's editor to show beside the code."""
    return f"lessons/{kata.id}.md"


def _kit_version() -> str:
    from tddkit import __version__

    return __version__
