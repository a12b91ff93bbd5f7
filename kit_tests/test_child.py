"""The test process: its care for bytecode (no stale .pyc may decide a light), and its Hypothesis settings."""

from __future__ import annotations

import py_compile
from pathlib import Path

from tddkit import runner
from tddkit.child import forget_stale_bytecode


def compiled(source, invalidation_mode):
    """The .pyc of a source file, written the way the mode says (a timestamp or a source hash)."""
    return py_compile.compile(str(source), doraise=True, invalidation_mode=invalidation_mode)


def test_timestamp_pyc_files_are_deleted_and_checked_hash_ones_kept(tmp_path):
    stamped, hashed = [], []
    for folder in ("katas", "tests"):
        (tmp_path / folder).mkdir()
        for name, mode, kept in (("a.py", py_compile.PycInvalidationMode.TIMESTAMP, stamped),
                                 ("b.py", py_compile.PycInvalidationMode.UNCHECKED_HASH, stamped),
                                 ("c.py", py_compile.PycInvalidationMode.CHECKED_HASH, hashed)):
            source = tmp_path / folder / name
            source.write_text("X = 1\n")
            kept.append(compiled(source, mode))
    forget_stale_bytecode(tmp_path)
    assert [Path(p).exists() for p in stamped] == [False] * 4, "a timestamp (or unchecked) pyc can be stale"
    assert [Path(p).exists() for p in hashed] == [True] * 2, "a checked-hash pyc is checked against the source"


TWO_BUGS = '''
from hypothesis import given, strategies as st


@given(st.integers())
def test_two_bugs(n):
    if n > 10:
        raise ValueError("too big")
    if n < -10:
        raise KeyError("too small")
'''


def test_a_learner_run_shrinks_one_hypothesis_failure_not_every_distinct_one(tmp_path):
    # Hypothesis would hunt on for more distinct failures and shrink each: a RED came seconds
    # later (mro's depth-first linearize), for a second failure the learner does not need yet.
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_two_bugs.py").write_text(TWO_BUGS)
    raw = runner.run_tests(tmp_path, ["tests/test_two_bugs.py"], 60)
    [test] = raw.of_kind("test")
    assert test["outcome"] == "failed"
    shown = test["message"] + test["details"]
    assert "distinct failures" not in shown and ("ValueError" in shown) != ("KeyError" in shown), shown
