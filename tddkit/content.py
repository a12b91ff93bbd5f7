"""The kata files: stubs, tests, given files, reference solutions and mutants.

Each kata's files come from the folder it was read from (`Kata.root`): the kit's own content
or a teacher's pack. The kit's own content is inside the package in an installed kit
(`tddkit/_content/`, put there by the wheel build) and the top-level folders of a source
checkout. This module is the only one that knows where a kata's files are and how a
*version* of a kata (its stub, its reference solution, or one of its mutants) is put in place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tddkit.catalogue import Kata

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_content"

STUB = "stub"
REFERENCE = "reference"

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def root() -> Path:
    """The folder holding the kit's own katas.toml, lessons/, katas/, solutions/ and tests/."""
    if (_INSTALLED / "katas").is_dir():
        return _INSTALLED
    return _PACKAGE.parent


def reference_path(path: str) -> str:
    """The reference's path for one of kata.files: katas/x.py -> solutions/x.py."""
    return str(Path("solutions") / Path(path).relative_to("katas"))


def learner_path(reference: str) -> str:
    """The learner's path for a reference path: solutions/x.py -> katas/x.py."""
    return str(Path("katas") / Path(reference).relative_to("solutions"))


def version_source(kata: Kata, version: str, path: str) -> Path:
    """Where `path` (one of kata.files, e.g. katas/x.py) comes from in the stub or the reference."""
    return kata.root / (path if version == STUB else reference_path(path))


def mutant_problems(kata: Kata) -> dict[str, str]:
    """The kata's mutants that cannot be put in place, each with one line saying why."""
    from tddkit import mutants

    problems = {}
    for mutant in kata.mutants:
        try:
            mutants.files(kata, mutant)
        except mutants.StaleMutant as err:
            problems[mutant.name] = str(err)
    return problems


def copy_path(source: Path, dest: Path) -> None:
    """Copy a file or a folder (without bytecode caches) to dest, making parents."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, dest, ignore=_IGNORE, dirs_exist_ok=True)
    else:
        shutil.copyfile(source, dest)


def move_path(source: Path, dest: Path) -> None:
    """Move a file, folder or link (as a link) to dest, making parents: a rename on one disk."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, dest)


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def install(kata: Kata, version: str, workspace: Path) -> None:
    """Put one version of the kata's learner files in place: delete its paths, copy the version's.

    A mutant is the reference with its changes made; a stale one raises StaleMutant before
    anything is written."""
    changed = {}
    if version not in (STUB, REFERENCE):
        from tddkit import mutants

        changed = mutants.files(kata, kata.mutant(version))
    for path in kata.files:
        remove_path(workspace / path)
    for path in kata.files:
        source = version_source(kata, STUB if version == STUB else REFERENCE, path)
        if source.exists():
            copy_path(source, workspace / path)
    for reference, text in changed.items():
        dest = workspace / learner_path(reference)
        if text is None:
            dest.unlink()
        else:
            dest.write_text(text, encoding="utf-8")


def install_solution(kata: Kata, workspace: Path) -> list[Path]:
    """Write the reference solution into the workspace's solutions/ folder (the unlock)."""
    written = []
    for path in kata.files:
        source = version_source(kata, REFERENCE, path)
        if source.exists():
            dest = workspace / reference_path(path)
            copy_path(source, dest)
            written.append(dest)
    return written


def install_shipped(kata: Kata, workspace: Path, paths=None) -> None:
    """Copy the kata's tests and given files (or those of `paths`) as the kit ships them; a path
    the kit does not ship (a stray tests/__init__.py, moved aside by reset) stays absent."""
    for rel in kata.shipped if paths is None else paths:
        if (kata.root / rel).exists():
            copy_path(kata.root / rel, workspace / rel)


def shipped_digest(kata: Kata, relpath: str) -> str | None:
    """The SHA-256 of a shipped test or given file as the kit (or the kata's pack) has it."""
    return file_digest(kata.root / relpath)


def file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file; None for anything else (missing, a folder, a FIFO, a device),
    which is never opened: opening a FIFO waits for a writer that never comes."""
    data = read_regular(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file; None for anything else, which is never opened as a file
    (opening a FIFO waits for a writer that never comes)."""
    try:
        if not path.is_file():
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never waits, even if swapped for a FIFO since
    except OSError:
        return None
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return f.read()


def tests_digest(kata: Kata) -> str:
    """One digest for all the kata's shipped files: the key of cached facts about its tests."""
    h = hashlib.sha256()
    for rel in kata.shipped:
        h.update(rel.encode() + b"\0" + (shipped_digest(kata, rel) or "missing").encode() + b"\0")
    return h.hexdigest()
