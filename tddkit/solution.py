"""`tddkit solution`: the reference solution beside the learner's code, once unlocked."""

from __future__ import annotations

import difflib
from pathlib import Path

from tddkit import content, messages
from tddkit.catalogue import Kata
from tddkit.errors import TddkitError


class Refused(TddkitError):
    exit_status = 1


def why_locked(kata: Kata, state) -> str:
    last = state.last_run(kata.id)
    if last is None:
        return messages.SOLUTION_NEVER_RUN
    if last["light"] == "amber":
        return messages.SOLUTION_AMBER.format(last["reason"])
    return messages.SOLUTION_STILL_RED.format(last["total"] - last["passed"], last["total"])


def _files(folder: Path) -> dict[str, Path]:
    if folder.is_file():
        return {folder.name: folder}
    if folder.is_dir():
        return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*.py")) if "__pycache__" not in p.parts}
    return {}


def _read(path: Path | None) -> list[str]:
    if path is None:
        return []
    return path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)


def show(ws, kata: Kata, state) -> str:
    if kata.id not in state.unlocked():
        raise Refused(messages.SOLUTION_REFUSED.format(kata.id, why_locked(kata, state), kata.id))
    if not all((ws.root / "solutions" / Path(p).relative_to("katas")).exists()
               for p in kata.files if content.version_source(kata, content.REFERENCE, p).exists()):
        content.install_solution(kata, ws.root)  # deleted since the unlock: write it again
    out = []
    for path in kata.files:
        reference = ws.root / "solutions" / Path(path).relative_to("katas")
        if not reference.exists():
            continue
        out.append(messages.SOLUTION_HEADER.format(kata.id, reference.relative_to(ws.root)))
        for name, ref_file in _files(reference).items():
            out.append(f"\n# --- {ref_file.relative_to(ws.root)} ---\n" + ref_file.read_text(encoding="utf-8"))
        diff = []
        mine, theirs = _files(ws.root / path), _files(reference)
        for name in sorted(set(mine) | set(theirs)):
            # A package's files by name; a lone module is its own only file, whatever the learner has.
            yours, ref = ((base / name if reference.is_dir() else base).relative_to(ws.root)
                          for base in (ws.root / path, reference))
            diff += difflib.unified_diff(_read(mine.get(name)), _read(theirs.get(name)),
                                         fromfile=f"{yours} (yours)", tofile=f"{ref} (reference)")
        out.append(messages.SOLUTION_DIFF_HEADER if diff else messages.SOLUTION_SAME)
        out.append("".join(diff))
    return "\n".join(out).rstrip()
