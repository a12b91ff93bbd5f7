"""A kata's tests check its contract, not its reference's way of meeting it: an implementation
written from the lesson alone, by someone who did not read the reference, must be GREEN.

Each folder under fixtures/independent/ is named after a kata and holds that kata's files laid
out as in a workspace (katas/...): they replace the stub, and the kata's tests run once, in
file order, as a learner's run does.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from tddkit import catalogue, content, light, runner
from tddkit.expected import collect, scratch_workspace

INDEPENDENT = Path(__file__).resolve().parent / "fixtures" / "independent"
WRITTEN = sorted(p.name for p in INDEPENDENT.iterdir() if p.is_dir()) if INDEPENDENT.is_dir() else []


def test_every_independent_implementation_is_of_a_kata():
    assert set(WRITTEN) <= set(catalogue.ids()), f"not katas: {set(WRITTEN) - set(catalogue.ids())}"


@pytest.mark.parametrize("kata_id", WRITTEN)
def test_an_implementation_written_from_the_lesson_alone_is_green(kata_id):
    kata = catalogue.find(kata_id)
    own = INDEPENDENT / kata_id
    with tempfile.TemporaryDirectory(prefix=runner.confine.temp_prefix(f"independent-{kata_id}")) as tmp:
        ws = scratch_workspace(kata, content.STUB, Path(tmp))
        for path in kata.files:
            target = ws / path
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        for source in own.rglob("*"):
            if source.is_file() and "__pycache__" not in source.parts:
                content.copy_path(source, ws / source.relative_to(own))
        verdict = light.decide(kata.id, collect(kata), runner.run_tests(ws, list(kata.tests), kata.timeout))
    failed = [f"{t.id}: {t.message.splitlines()[0] if t.message else t.outcome}" for t in verdict.tests if not t.passed]
    assert verdict.light == light.GREEN, f"{kata_id}: {verdict.light} {verdict.reason}\n" + "\n".join(failed)
