"""Naming the likely mistake on a RED: the known mutant whose failing tests the learner's run has.

Each mutant's `caught_by` is exactly the set of kata test functions (parameters collapsed) that
fail against it in file order, with Hypothesis derandomized: `tddkit verify` checks that it is.
A full run that is RED with exactly that set of failing kata tests looks like that mutant's
mistake. Set equality, not overlap: a run that fails more or fewer tests is some other mistake,
and the kit says nothing rather than guess. The one give: a test the mutant names in
`sometimes_caught_by` (its catch hangs on timing, over real sockets) may be among them or not.
Where two mutants fail the same set, the run looks like either, and both are named. The line never changes a light; it is only said beside a RED
the kit has already decided.
"""

from __future__ import annotations

from tddkit import light
from tddkit.catalogue import Kata


def failing_tests(tests: list[light.TestResult]) -> list[str]:
    """The names of the test functions that did not pass, in file order, each once."""
    return list(dict.fromkeys(t.name for t in tests if not t.passed))


def known_mistakes(kata: Kata, verdict: light.Verdict) -> list[str]:
    """The `mistake` of each mutant whose caught_by is exactly the run's failing kata tests, in
    the lesson's order; none when the run is not RED or no mutant's set is that one."""
    failing = set(failing_tests(verdict.tests))
    if verdict.light != light.RED or not failing:  # no kata test failed: the learner's own did
        return []
    return [m.mistake for m in kata.mutants
            if m.caught_by and set(m.caught_by) <= failing <= {*m.caught_by, *m.sometimes_caught_by}]
