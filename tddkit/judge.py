"""One run of one kata in a workspace, from files to a recorded light and, on GREEN, an unlock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tddkit import content, light, progress, runner
from tddkit.catalogue import Kata
from tddkit.errors import StateError
from tddkit.expected import expected_tests
from tddkit.workspace import Workspace


@dataclass
class Outcome:
    verdict: light.Verdict
    unlocked: bool  # the kata's solution is unlocked (now or before)
    newly_unlocked: list[Path] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    not_recorded: str | None = None  # why the state store could not take the run
    steps_turned_green: list[int] = field(default_factory=list)  # see progress.steps_turned_green

    def as_json(self) -> dict:
        """The run for editors and scripts (`run --json`, `watch --jsonl`)."""
        return {**self.verdict.as_json(self.unlocked), "not_recorded": self.not_recorded,
                "steps_turned_green": self.steps_turned_green}


def judge(ws: Workspace, kata: Kata, state) -> Outcome:
    expected = expected_tests(kata, state)
    tampered = ws.changed_shipped_files(kata)
    raw = runner.run_tests(ws.root, list(kata.tests), kata.timeout)
    # Checked again after the run: code under test can change a test file that pytest has not
    # read yet (a kata's second test file), and no unlock may follow from such a run.
    tampered = tampered or ws.changed_shipped_files(kata)
    verdict = light.decide(kata.id, expected, raw, tampered)
    return record(ws, kata, state, verdict, tampered)


def record(ws: Workspace, kata: Kata, state, verdict: light.Verdict, tampered: list[str]) -> Outcome:
    """Store the run and unlock the solution on a GREEN with the tests as shipped."""
    outcome = Outcome(verdict, unlocked=False, tampered=tampered)
    try:
        tests = verdict.as_json(unlocked=False)["tests"]
        before = state.last_run(kata.id, skipping=light.AMBER)
        outcome.steps_turned_green = progress.steps_turned_green({"light": verdict.light, "tests": tests}, before)
        state.record_run(kata.id, verdict.light, verdict.passed, verdict.total, verdict.reason, tests)
        if verdict.light == light.GREEN and not tampered and kata.id not in state.unlocked():
            outcome.newly_unlocked = content.install_solution(kata, ws.root)
            state.unlock(kata.id)
        outcome.unlocked = kata.id in state.unlocked()
    except StateError as err:
        outcome.not_recorded = str(err)
    return outcome
