"""Watch's [l]: the katas as a list to move through and pick one from (rustlings' list)."""

from __future__ import annotations

UP, DOWN = ("up", "k"), ("down", "j")
PICK, LEAVE = ("enter",), ("esc", "q")


class KataList:
    def __init__(self, ids: list[str], at: str):
        self.ids = ids
        self.cursor = at if at in ids else ids[0]

    def press(self, key: str) -> tuple[str, str | None] | None:
        """("pick", kata), ("leave", None), or None: the list stays (the cursor may have moved)."""
        n = self.ids.index(self.cursor)
        if key in UP:
            self.cursor = self.ids[max(n - 1, 0)]
        elif key in DOWN:
            self.cursor = self.ids[min(n + 1, len(self.ids) - 1)]
        elif key in PICK:
            return "pick", self.cursor
        elif key in LEAVE:
            return "leave", None
        return None
