"""One run split across processes (one of the orders verify runs a mutant in): shares, and the
light it gives.

The runs are real: a scratch workspace, a real test process that forks its workers, and the
light decided from what they reported. Hostile code aims at a test in the worker's share (it
reads pytest's PYTEST_CURRENT_TEST), and the run must never be GREEN.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from robust_support import REFERENCE, STUB

from tddkit import catalogue, content, light, order, runner
from tddkit.expected import collect, scratch_workspace
from tddkit.split import WORKERS, contiguous_shares


# -- shares --------------------------------------------------------------------------------------

def covers_in_order(shares, n):
    return [i for start, end in shares for i in range(start, end)] == list(range(n))


@pytest.mark.parametrize("count, workers", [(10, 2), (7, 3), (4, 2), (2, 5), (1, 2), (0, 2)])
def test_shares_are_contiguous_non_empty_of_about_equal_size_and_cover_every_test_once(count, workers):
    shares = contiguous_shares(count, workers)
    assert covers_in_order(shares, count)
    assert all(end > start for start, end in shares)
    assert len(shares) == min(workers, count)
    sizes = [end - start for start, end in shares]
    assert not sizes or max(sizes) - min(sizes) <= 1


# -- runs ---------------------------------------------------------------------------------------

SINCOSTAN = catalogue.find("sincostan")


@pytest.fixture(scope="module")
def sincostan_expected():
    return collect(SINCOSTAN)


def in_worker_share(expected: list[dict]) -> str:
    """The id of a test that the worker (not the first process) runs: the second share's first."""
    (_, cut), _ = contiguous_shares(len(expected), WORKERS)
    return expected[cut]["id"]


def split_run(kata, learner: str | None, tmp: Path, timeout: float = 60.0):
    """The light of one split run of a kata in a scratch workspace (the reference, plus other code)."""
    ws = scratch_workspace(kata, content.REFERENCE, tmp)
    if learner is not None:
        (ws / kata.files[0]).write_text(learner)
    raw = runner.run_tests(ws, list(kata.tests), timeout, order=order.SPLIT)
    return light.decide(kata.id, collect(kata), raw), raw


def reference_with(hostile_in_test: str, test_id: str) -> str:
    """The reference, whose sincostan() runs hostile code when called by the test test_id."""
    return REFERENCE + f"""

import os as _os
_real = sincostan


def sincostan(angle, *, degrees=False):
    if {test_id.split("::")[-1]!r} + " " in _os.environ.get("PYTEST_CURRENT_TEST", ""):
        {hostile_in_test}
    return _real(angle, degrees=degrees)
"""


def test_tests_run_in_more_than_one_process(tmp_path, sincostan_expected):
    pids = tmp_path / "pids"
    learner = REFERENCE + f"""
import os as _os
_real = sincostan


def sincostan(angle, *, degrees=False):
    with open({str(pids)!r}, "a") as f:
        f.write(f"{{_os.getpid()}}\\n")
    return _real(angle, degrees=degrees)
"""
    verdict, _ = split_run(SINCOSTAN, learner, tmp_path / "ws")
    assert verdict.light == light.GREEN, verdict.reason
    assert len(set(pids.read_text().split())) >= 2


def test_the_stub_is_red_with_every_test_reported_once(tmp_path, sincostan_expected):
    verdict, raw = split_run(SINCOSTAN, STUB, tmp_path)
    assert verdict.light == light.RED and verdict.passed == 0
    ids = [r["id"] for r in raw.of_kind("test")]
    assert sorted(ids) == sorted(t["id"] for t in sincostan_expected)


@pytest.mark.parametrize("hostile, reason_starts", [
    ("_os._exit(0)", "the test process exited (status 0)"),
    ("import signal; _os.kill(_os.getpid(), signal.SIGKILL)", "the test process crashed (SIGKILL)"),
    ("import pytest; pytest.exit('bye')", "the tests were interrupted"),
])
def test_a_worker_that_ends_early_makes_the_run_amber_naming_its_test(hostile, reason_starts, tmp_path,
                                                                     sincostan_expected):
    target = in_worker_share(sincostan_expected)
    verdict, _ = split_run(SINCOSTAN, reference_with(hostile, target), tmp_path)
    assert verdict.light == light.AMBER
    assert verdict.reason.startswith(reason_starts), verdict.reason
    assert target.split("::")[-1].split("[")[0] in verdict.reason


def test_a_worker_that_loops_forever_times_out_amber(tmp_path, sincostan_expected):
    target = in_worker_share(sincostan_expected)
    verdict, _ = split_run(SINCOSTAN, reference_with("while True: pass", target), tmp_path, timeout=5.0)
    assert verdict.light == light.AMBER and verdict.reason.startswith("timed out"), verdict.reason


def test_output_of_a_failing_test_in_the_worker_share_is_its_own(tmp_path, sincostan_expected):
    target = in_worker_share(sincostan_expected)
    learner = reference_with("print('hello from the worker'); return None", target)
    verdict, _ = split_run(SINCOSTAN, learner, tmp_path)
    assert verdict.light == light.RED
    failed = [t for t in verdict.tests if not t.passed]
    assert [t.id for t in failed] == [target]
    assert "hello from the worker" in failed[0].output
    assert all("hello from the worker" not in t.output for t in verdict.tests if t.passed)


def test_a_process_forked_by_a_test_in_the_worker_share_does_not_hold_up_the_run(tmp_path, sincostan_expected):
    # The forked process keeps the worker's descriptors open long after the worker is done.
    target = in_worker_share(sincostan_expected)
    learner = reference_with("if _os.fork() == 0:\n            __import__('time').sleep(60); _os._exit(0)", target)
    verdict, _ = split_run(SINCOSTAN, learner, tmp_path, timeout=30.0)
    assert verdict.light == light.GREEN, verdict.reason


def test_a_crash_in_the_first_share_names_its_own_test_not_one_the_worker_was_running(tmp_path, sincostan_expected):
    # The first process dies in its test P while the worker is in the middle of a test W that
    # it started later (the files order it so): W is a casualty, not the cause.
    (_, cut), _ = contiguous_shares(len(sincostan_expected), WORKERS)
    p, w0, w = (sincostan_expected[i]["id"].split("::")[-1] for i in (0, cut, cut + 1))
    p_began, w_began = tmp_path / "p-began", tmp_path / "w-began"
    learner = REFERENCE + f"""
import os as _os, time as _time
_real = sincostan


def _wait_for(path):
    while not _os.path.exists(path):
        _time.sleep(0.01)


def sincostan(angle, *, degrees=False):
    current = _os.environ.get("PYTEST_CURRENT_TEST", "")
    if {p!r} + " " in current:
        open({str(p_began)!r}, "w").close()
        _wait_for({str(w_began)!r})
        _os._exit(3)
    if {w0!r} + " " in current:
        _wait_for({str(p_began)!r})
    if {w!r} + " " in current:
        open({str(w_began)!r}, "w").close()
        _time.sleep(60)
    return _real(angle, degrees=degrees)
"""
    verdict, _ = split_run(SINCOSTAN, learner, tmp_path / "ws", timeout=30.0)
    assert verdict.light == light.AMBER
    assert verdict.reason.startswith("the test process exited (status 3)"), verdict.reason
    assert p in verdict.reason, verdict.reason
