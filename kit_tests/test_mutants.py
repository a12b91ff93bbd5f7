"""Mutants as changes to the reference: each made exactly, a stale one refused by name."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import REPO

from tddkit import catalogue, content, mutants
from tddkit.catalogue import Change

SINCOSTAN = catalogue.find("sincostan")


def kata_with_reference(tmp_path, text: str):
    """sincostan, read from a folder whose reference is `text`."""
    (tmp_path / "solutions").mkdir(parents=True)
    (tmp_path / "solutions" / "sincostan.py").write_text(text)
    return dataclasses.replace(SINCOSTAN, root=tmp_path)


def test_a_mutant_is_the_reference_with_its_changes(tmp_path):
    mutant = SINCOSTAN.mutant("pole_sign_lost")
    content.install(SINCOSTAN, mutant.name, tmp_path)
    made = (tmp_path / "katas" / "sincostan.py").read_text()
    expected = reference = (REPO / "solutions" / "sincostan.py").read_text()
    for change in mutant.changes:
        expected = expected.replace(change.old, change.new)
    assert made == expected and made != reference


def test_a_stale_mutant_is_refused_by_name_and_nothing_is_written(tmp_path):
    reference = (REPO / "solutions" / "sincostan.py").read_text()
    kata = kata_with_reference(tmp_path / "kit", reference.replace("abs(", "ABS(").replace(
        "    check_angle(angle)\n    if degrees:", "    check_angle(angle)  # moved on\n    if degrees:"))
    problems = content.mutant_problems(kata)
    assert "abs_angle" in problems and problems["abs_angle"].startswith("mutant abs_angle: ")
    assert "no longer applies" in problems["abs_angle"] and "solutions/sincostan.py" in problems["abs_angle"]
    assert "bool_accepted" not in problems, "a mutant whose text is still there is made as before"
    ws = tmp_path / "ws"
    (ws / "katas").mkdir(parents=True)
    (ws / "katas" / "sincostan.py").write_text("the learner's\n")
    with pytest.raises(mutants.StaleMutant, match="abs_angle"):
        content.install(kata, "abs_angle", ws)
    assert (ws / "katas" / "sincostan.py").read_text() == "the learner's\n"


def test_a_change_whose_old_text_is_there_twice_is_refused(tmp_path):
    kata = kata_with_reference(tmp_path, "x = 1\nx = 1\n")
    twice = dataclasses.replace(kata.mutants[0], changes=(Change("solutions/sincostan.py", "x = 1\n", "x = 2\n"),))
    with pytest.raises(mutants.StaleMutant, match="ambiguous"):
        mutants.files(kata, twice)


def test_a_mutant_may_delete_a_reference_file(tmp_path):
    package = catalogue.find("package")
    content.install(package, "main_in_init", tmp_path)
    assert not (tmp_path / "katas" / "greetings" / "__main__.py").exists()
    assert "def _main" in (tmp_path / "katas" / "greetings" / "__init__.py").read_text()
    assert (tmp_path / "katas" / "greetings" / "loader.py").exists()


def test_a_change_to_a_file_that_is_not_the_references_is_refused(tmp_path):
    kata = kata_with_reference(tmp_path, "x = 1\n")
    (tmp_path / "katas").mkdir()
    (tmp_path / "katas" / "sincostan.py").write_text("x = 1\n")
    elsewhere = dataclasses.replace(kata.mutants[0], changes=(Change("katas/sincostan.py", "x = 1\n", "x = 2\n"),))
    with pytest.raises(mutants.StaleMutant, match="katas/sincostan.py is not a file of the reference"):
        mutants.files(kata, elsewhere)
