"""One run of one kata in a workspace, from files to a recorded light and, on GREEN, an unlock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tddkit import content, light, messages, mistakes, progress, runner
from tddkit.catalogue import Kata
from tddkit.errors import StateError, UsageError
from tddkit.expected import ExpectedTests, expected_tests
from tddkit.own_tests import own_test_files
from tddkit.workspace import Workspace


@dataclass
class Outcome:
    verdict: light.Verdict
    unlocked: bool  # the kata's solution is unlocked (now or before)
    newly_unlocked: list[Path] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    not_recorded: str | None = None  # why the state store could not take the run
    selection: str | None = None  # a partial run's selection ("-k EXPR", "step N"): not recorded
    steps_turned_green: list[int] = field(default_factory=list)  # see progress.steps_turned_green
    known_mistakes: list[str] = field(default_factory=list)  # of the mutants a full run's RED matches (mistakes.py)

    def as_json(self) -> dict:
        """The run for editors and scripts (`run --json`, `watch --jsonl`)."""
        partial = {"selection": self.selection} if self.selection else {}
        return {**self.verdict.as_json(self.unlocked), "not_recorded": self.not_recorded,
                "steps_turned_green": self.steps_turned_green, "known_mistakes": self.known_mistakes, **partial}


def verbosity_options(verbose: int) -> tuple[str, ...]:
    """pytest's options for `tddkit run -v` (more of an assertion's diff) and -vv (all of it).
    Only the assertions' verbosity: the test process's own report stays as it is."""
    return ("-o", f"verbosity_assertions={min(verbose, 2)}") if verbose else ()


def judge(ws: Workspace, kata: Kata, state, verbose: int = 0) -> Outcome:
    expected = ExpectedTests(kata, state)
    tampered = ws.changed_shipped_files(kata)
    own = own_test_files(ws.root, kata)
    raw = runner.run_tests(ws.root, [*kata.tests, *own], kata.timeout, options=verbosity_options(verbose))
    # Checked again after the run: code under test can change a test file that pytest has not
    # read yet (a kata's second test file), and no unlock may follow from such a run.
    tampered = tampered or ws.changed_shipped_files(kata)
    verdict = light.decide(kata.id, expected.get(), raw, tampered, own)
    return record(ws, kata, state, verdict, tampered)


def record(ws: Workspace, kata: Kata, state, verdict: light.Verdict, tampered: list[str]) -> Outcome:
    """Store the run and unlock the solution on a GREEN with the tests as shipped."""
    outcome = Outcome(verdict, unlocked=False, tampered=tampered, known_mistakes=mistakes.known_mistakes(kata, verdict))
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


def judge_selection(ws: Workspace, kata: Kata, state, keyword: str | None, step: str | None,
                    verbose: int = 0) -> Outcome:
    """A partial run: the kata's tests that `-k keyword` selects, of step `step` if given.

    Its verdict is for those tests only, PARTIAL where they all pass (light.decide_selection),
    and it is not recorded: the kata's last light, hints and unlocks stay those of its last
    full run. Bad input (a step the kata does not have, an expression that selects nothing) is
    a UsageError."""
    expected = expected_tests(kata, state)
    candidates, targets, said = expected, list(kata.tests), []
    if step is not None:
        number = _step_number(kata, step)
        candidates = [e for e in expected if e.get("step") == number]
        targets = [e["id"] for e in candidates]
        said.append(messages.SELECTION_STEP.format(number))
    options = verbosity_options(verbose)
    if keyword is not None:
        options += ("-k", keyword)
        said.append(messages.SELECTION_K.format(keyword))
    tampered = ws.changed_shipped_files(kata)
    raw = runner.run_tests(ws.root, targets, kata.timeout, options=options)
    tampered = tampered or ws.changed_shipped_files(kata)
    finish = raw.of_kind("finish")
    refused = _refused_expression(raw.output)
    if keyword is not None and finish and finish[0].get("exitstatus") == light.USAGE_ERROR and refused:
        raise UsageError(messages.BAD_K.format(keyword, refused))
    collected = {t.get("id") for r in raw.of_kind("collected") for t in r.get("tests", [])}
    selected = [e for e in candidates if e["id"] in collected]
    if not selected:
        if finish and not raw.of_kind("collect_error"):
            raise UsageError(messages.NOTHING_SELECTED.format(" ".join(said), kata.id))
        selected = candidates  # the run could not say what it selected: its verdict says why
    verdict = light.decide_selection(kata.id, selected, raw, tampered)
    return Outcome(verdict, unlocked=kata.id in state.unlocked(), tampered=tampered, selection=", ".join(said))


def _step_number(kata: Kata, step: str) -> int:
    number = int(step) if step.strip().isdigit() else 0
    if not 1 <= number <= len(kata.steps):
        raise UsageError(messages.NO_SUCH_STEP.format(step, kata.id, len(kata.steps)))
    return number


def _refused_expression(output: str) -> str | None:
    """What pytest said was wrong with the -k expression (`ERROR: Wrong expression passed to
    '-k': EXPR: at column 6: expected ...`), if it refused one."""
    lines = [line.strip() for line in output.splitlines() if line.startswith("ERROR:") and "'-k'" in line]
    return lines[0].rpartition(": ")[2] if lines else None
