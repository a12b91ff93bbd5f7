"""The light decision, case by case, from the records a test process can leave behind."""

from __future__ import annotations

import signal

from tddkit import light, messages
from tddkit.runner import RawRun

EXPECTED = [{"id": "tests/test_k.py::test_a", "step": 1}, {"id": "tests/test_k.py::test_b", "step": 2}]


def records(*outcomes, finished=True, started=()):
    recs = [{"kind": "start", "id": e["id"]} for e in EXPECTED[: len(outcomes)]]
    recs += [{"kind": "start", "id": s} for s in started]
    recs += [{"kind": "test", "id": e["id"], "outcome": o, "message": f"{o}!"} for e, o in zip(EXPECTED, outcomes)]
    if finished:
        recs.append({"kind": "finish", "exitstatus": 0})
    return recs


def decide(recs, returncode=0, **kw):
    return light.decide("k", EXPECTED, RawRun(records=recs, returncode=returncode, **kw))


def test_green_needs_every_expected_test_passed():
    v = decide(records("passed", "passed"))
    assert (v.light, v.passed, v.total, v.reason) == ("green", 2, 2, None)


def test_one_failure_is_red_and_the_first_failure_is_in_step_order():
    v = decide(records("passed", "failed"))
    assert v.light == "red" and v.passed == 1 and v.first_failure.id.endswith("test_b")
    v = decide(records("failed", "failed"))
    assert v.first_failure.step == 1


def test_a_red_whose_first_failure_passes_alone_says_the_code_keeps_state():
    alone = lambda test, outcome: {"kind": "alone", "id": EXPECTED[test]["id"], "outcome": outcome}  # noqa: E731
    v = decide(records("failed", "failed") + [alone(0, "passed")])
    assert v.light == "red" and v.reason == messages.ORDER_DEPENDS.format("test_a")
    assert decide(records("failed", "failed") + [alone(0, "failed")]).reason is None  # fails alone too
    assert decide(records("failed", "failed") + [alone(1, "passed")]).reason is None  # not the one shown
    assert decide(records("passed", "passed") + [alone(0, "passed")]).light == "green"


def test_skipped_xfailed_and_xpassed_are_not_passes():
    for outcome in ("skipped", "xfailed", "xpassed", "error"):
        v = decide(records("passed", outcome))
        assert v.light == "red", outcome


def test_a_missing_expected_test_is_amber_even_with_exit_status_0():
    v = decide(records("passed"), returncode=0)
    assert v.light == "amber" and "did not run" in v.reason and "test_b" in v.reason


def test_no_finish_record_is_amber_naming_the_running_test():
    v = decide(records("passed", finished=False, started=["tests/test_k.py::test_b"]), returncode=0)
    assert v.light == "amber" and "exited (status 0)" in v.reason and "test_b" in v.reason


def test_a_signal_is_reported_by_name():
    v = decide(records(finished=False), returncode=-signal.SIGSEGV)
    assert v.light == "amber" and "SIGSEGV" in v.reason


def test_a_timeout_is_amber_with_the_limit():
    v = decide(records("passed", "passed"), returncode=-9, timed_out=True, timeout=10.0)
    assert v.light == "amber" and v.reason.startswith("timed out after 10 s")


def test_collection_errors_are_amber_with_file_and_line():
    err = {"kind": "collect_error", "where": "tests/test_k.py",
           "message": 'E     File "/ws/katas/k.py", line 3\nE       def f(:\nE   SyntaxError: invalid syntax'}
    v = decide([err, {"kind": "finish", "exitstatus": 2}], returncode=2)
    assert v.light == "amber" and "/ws/katas/k.py:3" in v.reason and "SyntaxError" in v.reason


def test_changed_tests_are_amber_even_when_everything_passed():
    v = light.decide("k", EXPECTED, RawRun(records=records("passed", "passed")), tampered=["tests/test_k.py"])
    assert v.light == "amber" and "tests/test_k.py" in v.reason


def test_memory_errors_are_amber():
    recs = records("passed", "failed")
    recs[-2]["message"] = "MemoryError"
    assert decide(recs).reason == "ran out of memory"


def test_no_expected_tests_is_never_green():
    assert light.decide("k", [], RawRun(records=[{"kind": "finish", "exitstatus": 5}])).light == "amber"


# -- RED at the first failure: what watch shows before the run ends ------------------------------

def early(recs, expected=EXPECTED):
    return light.EarlyRed("k", expected).feed(recs)


def test_a_failure_after_every_earlier_step_passed_is_red_before_the_run_ends():
    v = early(records("failed", finished=False))
    assert v.light == "red" and v.early and v.first_failure.id.endswith("test_a")
    assert (v.passed, v.total) == (0, 2) and v.tests[1].outcome == light.NOT_RUN
    v = early(records("passed", "error", finished=False))
    assert v.light == "red" and v.first_failure.id.endswith("test_b") and v.passed == 1


def test_no_early_red_while_an_earlier_step_has_not_reported():
    later_first = [EXPECTED[1], EXPECTED[0]]  # a pack whose file puts step 2 before step 1
    b_failed = [{"kind": "test", "id": EXPECTED[1]["id"], "outcome": "failed", "message": "no"}]
    watching = light.EarlyRed("k", later_first)
    assert watching.feed(b_failed) is None  # step 1 may fail too, and would be shown first
    assert watching.feed(records("passed", finished=False)[1:]).first_failure.step == 2


def test_no_early_red_for_passes_the_learners_own_tests_memory_errors_or_forged_records():
    assert early(records("passed", finished=False)) is None
    assert early(records("passed", "passed")) is None
    own = {"kind": "test", "id": "tests/test_mine.py::test_x", "outcome": "failed", "message": "no"}
    assert early([own]) is None  # RED only if the kata's tests all pass: known at the end
    recs = records("failed", finished=False)
    recs[-1]["message"] = "MemoryError"
    assert early(recs) is None  # AMBER at the end
    assert early(records("failed", finished=False) * 2) is None  # a test reported twice: AMBER


def test_an_early_red_never_turns_green():
    """Whatever the rest of the run reports, a run with an early RED is not GREEN."""
    first = records("failed", finished=False)
    assert early(first) is not None
    for rest in (records("passed", "passed"), records("failed", "passed"), [{"kind": "finish", "exitstatus": 0}]):
        assert decide(first + rest).light != "green"
