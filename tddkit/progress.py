"""Where the learner is: the current kata and the current step. Decided here and nowhere else."""

from __future__ import annotations

from tddkit import catalogue
from tddkit.catalogue import Kata
from tddkit.light import AMBER, GREEN


def current_kata(state) -> Kata | None:
    """The first kata, in learning order, whose last run was not GREEN; None when all are."""
    for kata in catalogue.load():
        last = state.last_run(kata.id)
        if last is None or last["light"] != GREEN:
            return kata
    return None


def current_step(kata: Kata, last_run: dict | None) -> int | None:
    """The first step with a test that did not pass in the last run (1 if never run, None if GREEN)."""
    if last_run is None:
        return kata.steps[0].number if kata.steps else 1
    if last_run["light"] == GREEN:
        return None
    failing = [t.get("step") or 0 for t in last_run["tests"] if t.get("outcome") != "passed"]
    if failing:
        return min(failing)
    return kata.steps[0].number if kata.steps else 1


def steps_passed(kata: Kata, last_run: dict | None) -> int:
    """How many of the kata's steps had every test pass in the last run."""
    if last_run is None:
        return 0
    steps = {s.number for s in kata.steps} or {t.get("step") for t in last_run["tests"]}
    return len(steps & green_steps(last_run["tests"]))


def green_steps(tests: list[dict]) -> set[int]:
    """The steps every test of which passed, among a run's tests (each expected test is there,
    as "not run" if it did not run)."""
    failing = {t.get("step") for t in tests if t.get("outcome") != "passed"}
    return {t.get("step") for t in tests if t.get("step") is not None} - failing


def steps_turned_green(now: dict, before: dict | None) -> list[int]:
    """The steps green in the run `now` that were not green in `before`, the kata's last run that
    was not AMBER (an AMBER run says nothing of the steps: its tests did not all run). With no
    such run, `before` is the stub, red in every step (the kit's first quality bar). None turns
    green in an AMBER run."""
    if now["light"] == AMBER:
        return []
    return sorted(green_steps(now["tests"]) - (green_steps(before["tests"]) if before else set()))
