"""`tddkit verify --mutate KATA`: machine-made mutants of a kata's reference (cosmic-ray's
operators), each run through the kit's runner and lights; the score, a diff of each survivor,
and the equivalents recorded in the kata's metadata left out.

The fixture kata (fixtures/mutate, `at_least`) has 10 such mutants: its tests never leave out
the default floor, so the two mutants of that default survive (a gap), and `x <= low` for
`x < low` survives too but is recorded as equivalent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import tddkit

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mutate"


def test_mutate_scores_the_kata_and_shows_each_new_survivor_but_not_a_known_equivalent(tmp_path):
    done = tddkit("verify", "--mutate", "at_least", "--pack", str(FIXTURE), cwd=tmp_path)
    out = done.stdout
    assert done.returncode == 1, "a survivor is a problem for the author: " + out + done.stderr
    assert "10 machine-made mutants" in out and "1 known equivalent skipped" in out, out
    assert "7 of 9 killed" in out and "mutation score 78%" in out, out
    assert "2 survivors" in out, out
    for number in ("1", "-1"):  # cosmic-ray's NumberReplacer writes `low= 1`
        assert f"+def at_least(x, low= {number}):" in out, out
    assert out.count("-def at_least(x, low=0):") == 2, "each survivor's diff: " + out
    assert "x <= low" not in out, "the recorded equivalent is not reported again: " + out
    assert "[[equivalent]]" in out and 'operator = "core/NumberReplacer"' in out, \
        "each survivor comes with the entry that would record it as equivalent: " + out


def test_an_equivalent_is_matched_by_its_text_not_its_line_number(tmp_path):
    from tddkit import catalogue, mutate

    pack = shutil.copytree(FIXTURE, tmp_path / "pack")
    reference = pack / "solutions" / "at_least.py"
    reference.write_text(reference.read_text().replace('"""\n', '"""\n\nFLOOR = "not a number"\n', 1))
    (kata,) = catalogue.with_pack(pack)
    found = mutate.mutants(kata)
    assert len(found) == 10, [m.identity for m in found]
    known, new = mutate.split_known(kata, found)
    assert [m.operator for m in known] == ["core/ReplaceComparisonOperator_Lt_LtE"]
    assert len(new) == 9


def test_an_equivalent_that_matches_no_mutant_any_more_is_said(tmp_path):
    from tddkit import catalogue, mutate

    pack = shutil.copytree(FIXTURE, tmp_path / "pack")
    reference = pack / "solutions" / "at_least.py"
    reference.write_text(reference.read_text().replace("if x < low:", "if low > x:"))
    (kata,) = catalogue.with_pack(pack)
    assert mutate.stale_equivalents(kata, mutate.mutants(kata)) == list(kata.equivalents)


@pytest.mark.parametrize("entry, problem", [
    ('[[equivalent]]\nfile = "solutions/at_least.py"\noperator = "x"\nold = "a"\nnew = "b"\nreson = "typo"\n',
     "reson"),
    ('[[equivalent]]\nfile = "solutions/at_least.py"\noperator = "x"\nold = "a"\nnew = "b"\n', "reason"),
])
def test_a_misspelt_or_missing_key_of_an_equivalent_is_one_line(tmp_path, entry, problem):
    pack = shutil.copytree(FIXTURE, tmp_path / "pack")
    meta = pack / "lessons" / "at_least.toml"
    meta.write_text(meta.read_text() + "\n" + entry)
    done = tddkit("verify", "--mutate", "at_least", "--pack", str(pack), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert any(problem in line and "equivalent" in line for line in done.stderr.splitlines()), done.stderr


def test_without_the_extra_mutate_says_how_to_install_it(tmp_path):
    # A cosmic_ray that cannot be imported stands for one that is not installed.
    (tmp_path / "cosmic_ray.py").write_text("raise ModuleNotFoundError(\"No module named 'cosmic_ray'\", name='cosmic_ray')\n")
    done = tddkit("verify", "--mutate", "at_least", "--pack", str(FIXTURE), cwd=tmp_path,
                  env={"PYTHONPATH": str(tmp_path)})
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "pip install" in done.stderr and "tddkit[mutate]" in done.stderr, done.stderr


def test_mutate_needs_a_kata_named(tmp_path):
    done = tddkit("verify", "--mutate", "--pack", str(FIXTURE), cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "KATA" in done.stderr, done.stderr
