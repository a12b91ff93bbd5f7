"""The kata catalogue: what katas exist, in what order, and what each one is made of.

The kit's own katas come first (read from its content folder, see `tddkit/pack.py`); a
workspace whose config names a kata pack has the pack's katas after them. This module is
the one place that answers "which katas are there" and "which kata is called X".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from tddkit import messages
from tddkit.errors import UsageError


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    hints: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One exact replacement in a reference file: `old` (which occurs once there) becomes `new`."""
    file: str  # the reference file, from the content folder: solutions/sincostan.py
    old: str
    new: str


@dataclass(frozen=True)
class Mutant:
    name: str
    mistake: str
    caught_by: tuple[str, ...]
    changes: tuple[Change, ...] = ()
    delete: tuple[str, ...] = ()  # reference files the mutant does not have
    kind: str = ""  # what kind of mistake, without its code: the hint of the write-tests mode (grading.py)
    # Tests that catch it only at times: over real sockets, whether they fail can hang on timing
    # under load. A file-order run may fail them or not; caught_by names the tests that always fail.
    sometimes_caught_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Equivalent:
    """A machine-made mutant (`tddkit verify --mutate`) that behaves as the reference does under
    the lesson's contract. Known by its text, not its line number: it outlives unrelated edits."""
    file: str  # the reference file: solutions/sincostan.py
    operator: str  # cosmic-ray's operator name: core/NumberReplacer
    old: str  # the reference's changed line(s), stripped
    new: str  # the mutant's, stripped
    reason: str


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
    equivalents: tuple[Equivalent, ...] = field(default=())
    root: Path = Path()  # the folder the kata's files come from: the kit's content, or a pack

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    def mutant(self, name: str) -> Mutant:
        return next(m for m in self.mutants if m.name == name)

    @property
    def shipped(self) -> tuple[str, ...]:
        """The files the kit ships and the learner must not change: tests and given files."""
        return self.tests + self.given

    @property
    def guarded(self) -> tuple[str, ...]:
        """What the tamper check compares with the kit's: the shipped files, and an __init__.py
        beside the tests, which the kit does not ship (with one, pytest would import the tests as
        a package, running that file first)."""
        beside = (str(PurePosixPath(test).parent / "__init__.py") for test in self.tests)
        return self.shipped + tuple(dict.fromkeys(path for path in beside if path not in self.shipped))


_packs: list[Path] = []


def use_pack(folder: Path) -> None:
    """From now on (in this process) the katas of the pack at `folder` follow the built-in ones."""
    _packs[:] = [folder]


def load() -> tuple[Kata, ...]:
    """Every kata, in learning order: the built-in ones, then those of the pack in use."""
    return builtin() + (with_pack(_packs[0]) if _packs else ())


@cache
def builtin() -> tuple[Kata, ...]:
    from tddkit import content, pack

    return pack.read(content.root())


@cache
def with_pack(folder: Path) -> tuple[Kata, ...]:
    """The katas of a pack, checked to sit beside the built-in ones (no name or path used twice)."""
    from tddkit import pack

    return pack.read(folder, beside=builtin())


def ids() -> list[str]:
    return [k.id for k in load()]


def find(kata_id: str, among: tuple[Kata, ...] | None = None) -> Kata:
    """The kata called `kata_id` (of every kata, or of `among`), or a usage error that suggests
    the nearest name."""
    among = load() if among is None else among
    for kata in among:
        if kata.id == kata_id:
            return kata
    names = [k.id for k in among]
    by_lower = {name.lower(): name for name in names}  # `MRO` is nearest to `mro`, whatever the case
    close = difflib.get_close_matches(kata_id.lower(), list(by_lower), n=1, cutoff=0.5)
    hint = messages.DID_YOU_MEAN.format(by_lower[close[0]]) if close else messages.KNOWN_KATAS.format(", ".join(names))
    raise UsageError(messages.UNKNOWN_KATA.format(kata_id, hint))
