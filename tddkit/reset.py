"""`tddkit reset`: put a kata's stub (or its shipped tests) back, keeping a backup of what was there."""

from __future__ import annotations

from tddkit import content, messages
from tddkit.catalogue import Kata


def restore_stub(ws, kata: Kata) -> str:
    with ws.set_aside(kata, list(kata.files)) as backup:
        content.install(kata, content.STUB, ws.root)
    if backup is None:
        return messages.RESET_NOTHING_TO_KEEP.format(kata.id)
    return messages.RESET_DONE.format(kata.id, backup.relative_to(ws.root))


def restore_tests(ws, kata: Kata) -> str:
    changed = ws.changed_shipped_files(kata)
    if not changed:
        return messages.RESET_TESTS_CLEAN.format(kata.id)
    with ws.set_aside(kata, changed) as backup:
        content.install_shipped(kata, ws.root, changed)
    where = backup.relative_to(ws.root) if backup else "(nothing to keep: the files had been deleted)"
    return messages.RESET_TESTS_DONE.format(kata.id, where)
