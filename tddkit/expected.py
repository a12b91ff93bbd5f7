"""Which tests a kata expects: the list a GREEN must account for, test by test.

It comes from collecting the kata's shipped tests against its *reference solution* in a
scratch workspace, never from the learner's run: a learner's conftest, ini option, deleted
test or module that fiddles with collection cannot shrink it.
"""

from __future__ import annotations

import tempfile
import threading
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
    return ExpectedTests(kata, state).get()


class ExpectedTests:
    """The kata's expected tests, worked out beside a run of the learner's.

    Where the state has no list for the shipped tests as they are (a kata's first run in a
    workspace, or after an upgrade), collecting them takes a test process of its own, about as
    long as a run: it goes on in a thread, on another core, while the learner's run goes on.
    Nothing is shared with that run but the kit's files. `get` waits for it, and stores it.
    """

    def __init__(self, kata: Kata, state):
        self.kata, self.state = kata, state
        self.digest = content.tests_digest(kata)
        self._tests = state.expected(kata.id, self.digest) if state is not None else None
        self._collected: dict = {}
        self._thread = None
        if self._tests is None:
            self._thread = threading.Thread(target=self._collect, daemon=True)
            self._thread.start()

    def _collect(self) -> None:
        try:
            self._collected["tests"] = collect(self.kata)
        except BaseException as error:  # raised again by get(), in the thread that asks
            self._collected["error"] = error

    def known(self) -> list[dict] | None:
        """The list if it is known without waiting for the collection (None: not yet)."""
        if self._tests is None and (self._thread.is_alive() or "error" in self._collected):
            return None  # not yet, or the error get() raises at the run's end
        return self.get()

    def get(self) -> list[dict]:
        if self._tests is None:
            self._thread.join()
            if "error" in self._collected:
                raise self._collected["error"]
            self._tests = self._collected["tests"]
            if self.state is not None:
                self.state.set_expected(self.kata.id, self.digest, self._tests)
        return self._tests
