"""`tddkit write-tests KATA --watch`: grade the learner's tests again on every save.

A grade takes several test processes (grading.py), so a save during one does not cancel it: it
runs to its end, and is shown only if the learner's test files are still what it graded;
otherwise it is dropped and the files are graded again as they are now. Either way, what is shown
is always the grade of the files as they were when it started, and of those files still. A save
that leaves the test files as they were graded (the learner's code, an editor's second event) is
not graded again.
"""

from __future__ import annotations

import json
import select
import sys
import time

from tddkit import grading, messages, render
from tddkit.errors import UsageError
from tddkit.grade_runs import GradeRuns
from tddkit.watch.stopping import Stop, ignore_signals, stop_on_signals


def watch_grades(ws, kata, *, jsonl: bool) -> int:
    from tddkit.watch.watcher import Changes

    signals = stop_on_signals()
    runs = GradeRuns()  # its fork servers serve every grade of the watch
    changes = Changes(ws.root)
    try:
        files = grading.learner_files(ws.root, kata)
        if not jsonl:
            print(messages.GRADE_WATCHING.format(kata=kata.id, files=" and ".join(files) or "tests/"), flush=True)
        changed_at, graded_files = time.time(), None
        while True:
            files = grading.learner_files(ws.root, kata)
            if files != graded_files:  # only the tests are graded: a save of anything else changes nothing
                try:
                    graded = grading.grade(ws.root, kata, runs) if files else None
                except UsageError:
                    if grading.learner_files(ws.root, kata) != files:
                        continue  # they went as it read them: an editor's save seen half done
                    raise
                if grading.learner_files(ws.root, kata) != files:
                    continue  # the files changed under the grade: grade them as they are now
                if graded is not None:  # no test files (an editor's save caught half done): nothing graded
                    show(ws, graded, changed_at, jsonl)
                    graded_files = files
            news = None
            while news is None:
                select.select([changes, signals], [], [])
                signals.take()  # a signal's handler runs here, in the main thread: a stop raises Stop
                news = changes.take()
            changed_at = news.first
    except Stop:
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        ignore_signals()
        changes.close()
        runs.close()
        signals.close()


def show(ws, graded: grading.Grade, changed_at: float, jsonl: bool) -> None:
    not_recorded = grading.record(ws, graded)
    if jsonl:
        print(json.dumps({**graded.as_json(), "changed_at": changed_at, "verdict_at": time.time(),
                          "not_recorded": not_recorded}), flush=True)
        return
    print("\n" + "\n".join(render.grade_lines(graded)), flush=True)
    if not_recorded:
        print(messages.NOT_RECORDED.format(not_recorded), file=sys.stderr, flush=True)
