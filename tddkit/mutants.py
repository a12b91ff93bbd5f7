"""A mutant is the reference solution with a few exact changes: `old` text replaced by `new`.

Each change's `old` must occur exactly once in its file at its turn (changes apply in order).
If it does not, the reference has moved on since the mutant was written: the mutant is stale
and is refused by name, never put in place as some other file.
"""

from __future__ import annotations

from tddkit import content, messages
from tddkit.catalogue import Kata, Mutant
from tddkit.errors import TddkitError


class StaleMutant(TddkitError):
    """A mutant that cannot be made from the reference as it is now."""


def files(kata: Kata, mutant: Mutant) -> dict[str, str | None]:
    """The mutant's text of each reference file it changes (None: a file it deletes), by its
    path in the content folder (solutions/...)."""
    if not mutant.changes and not mutant.delete:
        raise StaleMutant(messages.MUTANT_CHANGES_NOTHING.format(mutant.name))
    texts: dict[str, str | None] = {}

    def reference(path: str) -> str:
        if not any(path == ref or path.startswith(ref + "/") for ref in map(content.reference_path, kata.files)):
            raise StaleMutant(messages.MUTANT_NO_FILE.format(mutant.name, path))
        try:
            return (kata.root / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise StaleMutant(messages.MUTANT_NO_FILE.format(mutant.name, path)) from None

    for path in mutant.delete:
        reference(path)
        texts[path] = None
    for change in mutant.changes:
        text = texts[change.file] if change.file in texts else reference(change.file)
        if text is None:
            raise StaleMutant(messages.MUTANT_CHANGES_DELETED.format(mutant.name, change.file))
        at = text.find(change.old) if change.old else -1
        if at < 0:
            first = change.old.strip().splitlines()[0] if change.old.strip() else ""
            raise StaleMutant(messages.MUTANT_STALE.format(mutant.name, change.file, first))
        if text.find(change.old, at + 1) >= 0:
            raise StaleMutant(messages.MUTANT_AMBIGUOUS.format(mutant.name, change.file))
        texts[change.file] = text[:at] + change.new + text[at + len(change.old):]
    return texts
