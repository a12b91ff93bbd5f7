"""Mutants as changes to the reference: each made exactly, a stale one refused by name."""

from __future__ import annotations

import pytest
from conftest import REPO

from tddkit import catalogue, content, mutants

MUTANTS = [(kata, m) for kata in catalogue.load() for m in kata.mutants]


@pytest.mark.parametrize("kata, mutant", MUTANTS, ids=[f"{k.id}-{m.name}" for k, m in MUTANTS])
def test_each_mutant_put_in_place_is_the_whole_copy_it_replaces(kata, mutant, tmp_path):
    # One-off check of the conversion: the copies under mutants/ go in the next commit.
    content.install(kata, mutant.name, tmp_path)
    old = REPO / "mutants" / kata.id / mutant.name
    old_files = {p.relative_to(old) for p in old.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    new_files = {p.relative_to(tmp_path / "katas") for p in (tmp_path / "katas").rglob("*") if p.is_file()}
    assert new_files == old_files
    for rel in old_files:
        assert (tmp_path / "katas" / rel).read_bytes() == (old / rel).read_bytes(), rel
