"""The kata files the kit ships: stubs, tests, given files, reference solutions and mutants.

In an installed kit they live inside the package (`tddkit/_content/`, put there by the wheel
build); in a source checkout they are the top-level folders of the repository. Either way
this module is the only one that knows where they are and how a *version* of a kata (its
stub, its reference solution, or one of its mutants) is put in place.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tddkit.catalogue import Kata

_PACKAGE = Path(__file__).resolve().parent
_INSTALLED = _PACKAGE / "_content"

STUB = "stub"
REFERENCE = "reference"

_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def root() -> Path:
    """The folder holding katas/, solutions/, tests/ and mutants/."""
    if (_INSTALLED / "katas").is_dir():
        return _INSTALLED
    return _PACKAGE.parent


def version_source(kata: Kata, version: str, path: str) -> Path:
    """Where `path` (one of kata.files, e.g. katas/x.py) comes from in the given version."""
    inside = Path(path).relative_to("katas")
    if version == STUB:
        return root() / path
    if version == REFERENCE:
        return root() / "solutions" / inside
    return root() / "mutants" / kata.id / version / inside


def mutant_problems(kata: Kata) -> dict[str, str]:
    """The kata's mutants that cannot be put in place, each with one line saying why."""
    return {m.name: f"mutant {m.name}: no folder mutants/{kata.id}/{m.name}/"
            for m in kata.mutants if not (root() / "mutants" / kata.id / m.name).is_dir()}


def copy_path(source: Path, dest: Path) -> None:
    """Copy a file or a folder (without bytecode caches) to dest, making parents."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, dest, ignore=_IGNORE, dirs_exist_ok=True)
    else:
        shutil.copyfile(source, dest)


def remove_path(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def install(kata: Kata, version: str, workspace: Path) -> None:
    """Put one version of the kata's learner files in place: delete its paths, copy the version's."""
    for path in kata.files:
        remove_path(workspace / path)
    for path in kata.files:
        source = version_source(kata, version, path)
        if source.exists():
            copy_path(source, workspace / path)


def install_solution(kata: Kata, workspace: Path) -> list[Path]:
    """Write the reference solution into the workspace's solutions/ folder (the unlock)."""
    written = []
    for path in kata.files:
        source = version_source(kata, REFERENCE, path)
        if source.exists():
            dest = workspace / "solutions" / Path(path).relative_to("katas")
            copy_path(source, dest)
            written.append(dest)
    return written


def shipped_digest(relpath: str) -> str | None:
    """The SHA-256 of a shipped test or given file as the kit has it."""
    return file_digest(root() / relpath)


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def tests_digest(kata: Kata) -> str:
    """One digest for all the kata's shipped files: the key of cached facts about its tests."""
    h = hashlib.sha256()
    for rel in kata.shipped:
        h.update(rel.encode() + b"\0" + (shipped_digest(rel) or "missing").encode() + b"\0")
    return h.hexdigest()
