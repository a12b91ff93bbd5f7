"""What a test process does around a fork: the parts that the fork server, a split run and the
run of a failing test alone all need (kept here so that none of them imports another)."""

from __future__ import annotations

import sys
import threading

TMP_FIXTURES = {"tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory"}


def flush_output() -> None:
    """Write out what the process's output streams still buffer, before it forks or ends
    without Python's own clean-up (the learner's code may have closed or replaced them)."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


def fresh_randomness() -> None:
    """A forked process inherits its parent's random state: reseed, so that every run draws
    new examples (Hypothesis seeds from its own global Random, made on first use)."""
    import random

    random.seed()
    try:
        from hypothesis import core

        local = getattr(core, "threadlocal", None)
        if local is not None and hasattr(local, "_hypothesis_global_random"):
            local._hypothesis_global_random = None
    except ImportError:
        pass


def ready_to_fork(session) -> bool:
    """Whether a pytest session, collected, can fork copies of itself to run its tests in.

    Not beside threads (the learner's code may have started some: forking them is unsafe), and
    with one base folder for every process's tmp_path (each would make, and clean up, its own).
    Flushes the output streams, or what they still buffer would be written once per process.
    """
    if threading.active_count() > 1:
        return False
    if any(TMP_FIXTURES & set(item.fixturenames) for item in session.items):
        factory = getattr(session.config, "_tmp_path_factory", None)
        if factory is None:
            return False
        factory.getbasetemp()
    flush_output()
    return True
