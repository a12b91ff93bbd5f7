"""The kata catalogue: what katas exist, in what order, and what each one is made of.

One TOML file (`catalogue.toml`, beside this module) describes every kata; this module
reads it into plain objects and is the one place that answers "which kata is called X".
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tddkit import messages
from tddkit.errors import UsageError

CATALOGUE_PATH = Path(__file__).with_name("catalogue.toml")


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    hints: tuple[str, ...]


@dataclass(frozen=True)
class Mutant:
    name: str
    mistake: str
    caught_by: tuple[str, ...]


@dataclass(frozen=True)
class Kata:
    id: str
    title: str
    files: tuple[str, ...]
    tests: tuple[str, ...]
    given: tuple[str, ...]
    timeout: float
    lesson: str
    steps: tuple[Step, ...] = field(default=())
    mutants: tuple[Mutant, ...] = field(default=())

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    @property
    def shipped(self) -> tuple[str, ...]:
        """The files the kit ships and the learner must not change: tests and given files."""
        return self.tests + self.given


def _kata_from_table(table: dict) -> Kata:
    steps = tuple(
        Step(number=i, title=s.get("title", f"step {i}"), hints=tuple(s.get("hints", ())))
        for i, s in enumerate(table.get("steps", ()), start=1)
    )
    mutants = tuple(
        Mutant(name=m["name"], mistake=m.get("mistake", ""), caught_by=tuple(m.get("caught_by", ())))
        for m in table.get("mutants", ())
    )
    return Kata(
        id=table["id"],
        title=table.get("title", table["id"]),
        files=tuple(table["files"]),
        tests=tuple(table["tests"]),
        given=tuple(table.get("given", ())),
        timeout=float(table.get("timeout", 10)),
        lesson=table.get("lesson", "").strip(),
        steps=steps,
        mutants=mutants,
    )


@cache
def load(path: Path = CATALOGUE_PATH) -> tuple[Kata, ...]:
    """Every kata, in learning order (their order in the file)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return tuple(_kata_from_table(t) for t in data.get("kata", ()))


def ids() -> list[str]:
    return [k.id for k in load()]


def find(kata_id: str) -> Kata:
    """The kata called `kata_id`, or a usage error that suggests the nearest name."""
    for kata in load():
        if kata.id == kata_id:
            return kata
    close = difflib.get_close_matches(kata_id, ids(), n=1, cutoff=0.5)
    hint = messages.DID_YOU_MEAN.format(close[0]) if close else messages.KNOWN_KATAS.format(", ".join(ids()))
    raise UsageError(messages.UNKNOWN_KATA.format(kata_id, hint))
