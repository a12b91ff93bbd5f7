"""Which tests a kata expects: the list a GREEN must account for, test by test.

It comes from collecting the kata's shipped tests against its *reference solution* in a
scratch workspace, never from the learner's run: a learner's conftest, ini option, deleted
test or module that fiddles with collection cannot shrink it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tddkit import confine, content, runner
from tddkit.catalogue import Kata

COLLECT_TIMEOUT = 60.0


class CollectionFailed(Exception):
    """The reference solution's tests could not be collected: a defect of the kit."""


def scratch_workspace(kata: Kata, version: str, where: Path) -> Path:
    """A minimal workspace holding one version of one kata, for the kit's own runs."""
    from tddkit.workspace import write_skeleton

    write_skeleton(where)
    content.install(kata, version, where)
    content.install_shipped(kata, where)
    return where


def collect(kata: Kata) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix=confine.temp_prefix(kata.id)) as tmp:
        ws = scratch_workspace(kata, content.REFERENCE, Path(tmp))
        raw = runner.run_tests(ws, list(kata.tests), COLLECT_TIMEOUT, options=("--collect-only",))
    collected = raw.of_kind("collected")
    if not collected or raw.of_kind("collect_error"):
        raise CollectionFailed(f"could not collect the tests of {kata.id} against its reference:\n{raw.output}")
    return collected[0]["tests"]


def expected_tests(kata: Kata, state) -> list[dict]:
    """The kata's expected tests, from the state's cache while the shipped tests are unchanged."""
    digest = content.tests_digest(kata)
    cached = state.expected(kata.id, digest) if state is not None else None
    if cached is not None:
        return cached
    tests = collect(kata)
    if state is not None:
        state.set_expected(kata.id, digest, tests)
    return tests
