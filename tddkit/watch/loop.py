"""The watch loop: every save that matters re-runs the kata, and the light is shown.

One thread decides everything (the watcher thread only rings a bell). A burst of events is
coalesced into one run after a short quiet spell, shorter once the latest event completed a
save (the file closed after writing, or renamed into place). An event during a run cancels
it: the run is killed, not shown and not recorded, and the kata runs again. A run whose files changed
under it (compared by a snapshot taken before it started) is dropped the same way, so every
verdict shown reflects the files as saved. Verdicts are decided by `light.decide` and
recorded (and unlocked) by `judge.record`, exactly as `tddkit run` does.

A RED is shown as soon as the run has one (`light.EarlyRed`: the first failure, every earlier
step passed), read from the run's report when the runner says a test did not pass, while the
rest of the tests go on; the run's own verdict replaces it at the end, and only that one is
recorded.
"""

from __future__ import annotations

import select
import time
from dataclasses import dataclass, field

from tddkit import catalogue, confine, hints, lessons, light, messages, progress, status
from tddkit.expected import ExpectedTests
from tddkit.judge import Outcome, record
from tddkit.own_tests import own_test_files
from tddkit.watch import runners
from tddkit.watch.picker import KataList
from tddkit.watch.saves import SaveClock
from tddkit.watch.stopping import Stop, ignore_signals, stop_on_signals
from tddkit.watch.watcher import snapshot

SETTLE = 0.015  # seconds of quiet after an event before a run starts (editors save in bursts)
SETTLE_AFTER_SAVE = 0.003  # ... after a completed save: only a "save all" has more to come


@dataclass
class Job:
    changed_at: float
    files: dict = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)
    own: list[str] = field(default_factory=list)  # the learner's own test files run (own_tests.py)
    cancelled: bool = False
    red_shown: bool = False  # an early RED of this run is on the screen (light.EarlyRed)
    early: light.EarlyRed | None = None  # fed the run's records as they come, once the expected tests are known


class Loop:
    def __init__(self, ws, state, kata, screen, keys, changes, runner, signals, coverage: bool = False):
        self.ws, self.state, self.screen, self.keys, self.changes, self.runner = ws, state, screen, keys, changes, runner
        self.signals = signals  # readable when a signal came, whichever thread it landed on (stopping.py)
        self.coverage = coverage
        self.job: Job | None = None
        self.clock = SaveClock()
        self.settle_until = 0.0
        self.last_light: str | None = None
        self.listing: KataList | None = None  # [l]: the list the keys move through
        self.asking_reset = False  # [x]: the next key answers "reset?"
        self.use(kata)

    def use(self, kata) -> None:
        self.kata = kata
        self.expected = ExpectedTests(kata, self.state)  # collected beside the first run where need be
        self.last_light = None
        self.screen.kata(kata)
        self.clock.saw(time.time(), during_a_run=True)  # a new kata: its first verdict counts from now
        if self.job is not None:
            self.cancel()

    # -- the loop ---------------------------------------------------------------------------

    def run(self) -> int:
        while True:
            timeout = None
            if self.job is None and self.clock.pending is not None:
                timeout = self.settle_until - time.monotonic()
                if timeout <= 0:
                    self.start()
                    timeout = None
            busy = self.job is not None or self.runner.ending  # a run, or the end of one answered at its finish
            sources = [self.changes, self.signals] + ([self.runner] if busy else [])
            sources += [self.keys] if self.keys.active else []
            sources += [self.screen.resized] if self.screen.resized is not None else []
            ready, _, _ = select.select(sources, [], [], timeout)
            if self.signals in ready:
                self.signals.take()  # the signal's handler runs here, in the main thread: a stop raises Stop
            if self.screen.resized in ready:
                self.screen.redraw()
            if self.changes in ready:
                self.on_change()
            if self.runner in ready:
                self.on_result()
                if self.may_show_red_early():  # news of a run still going: a test did not pass
                    self.look_for_red()
            if self.keys in ready and not self.on_keys(self.keys.read()):
                return 0

    def on_change(self) -> None:
        news = self.changes.take()
        if news is None:
            return
        self.clock.saw(news.first, during_a_run=self.job is not None and not self.job.cancelled)
        self.settle_until = time.monotonic() + (SETTLE_AFTER_SAVE if news.saved else SETTLE)
        if self.job is not None:
            self.cancel()

    def start(self) -> None:
        self.job = Job(self.clock.take(), snapshot(self.ws.root), self.ws.changed_shipped_files(self.kata),
                       own_test_files(self.ws.root, self.kata))
        try:
            self.runner.start([*self.kata.tests, *self.job.own], self.kata.timeout)
        except runners.ServerGone:
            self.fall_back()
            return
        self.screen.running(self.kata)

    def cancel(self) -> None:
        self.job.cancelled = True
        try:
            self.runner.cancel()
        except runners.ServerGone:
            self.fall_back()

    def on_result(self) -> None:
        try:
            got = self.runner.result()
        except runners.ServerGone:
            self.fall_back()
            return
        if got is None:
            return
        raw, cancelled = got
        job, self.job = self.job, None
        if cancelled or job.cancelled or snapshot(self.ws.root) != job.files:
            # Not counted: the files changed under it. Run again for the files as they are now.
            self.clock.run_dropped(job.changed_at)
            return
        verdict = light.decide(self.kata.id, self.expected.get(), raw, job.tampered, job.own)
        outcome = record(self.ws, self.kata, self.state, verdict, job.tampered)
        self.last_light = verdict.light
        following = progress.current_kata(self.state) if verdict.light == light.GREEN else None
        self.screen.verdict(self.kata, outcome, job.changed_at, time.time(), following and following.id)
        if self.coverage and verdict.light != light.AMBER:
            self.show_coverage()
        self.ask_again()  # the verdict took the screen: a question still open is shown again

    def may_show_red_early(self) -> bool:
        """A run is going on that may still show a RED before its end (not tampered: AMBER)."""
        job = self.job
        return job is not None and not (job.cancelled or job.red_shown or job.tampered)

    def look_for_red(self) -> None:
        """Show the run's RED now if its records so far decide one (light.EarlyRed)."""
        job = self.job
        if job.early is None:
            expected = self.expected.known()
            if expected is None:  # the records wait in the report, read once it is known
                return
            job.early = light.EarlyRed(self.kata.id, expected)
        records = self.runner.new_records()
        verdict = job.early.feed(records) if records else None
        if verdict is None or snapshot(self.ws.root) != job.files:  # changed: the run is dropped
            return
        job.red_shown = True
        shown = Outcome(verdict, unlocked=self.kata.id in self.state.unlocked())
        self.screen.verdict(self.kata, shown, job.changed_at, time.time())
        self.ask_again()

    def fall_back(self) -> None:
        """The fork server is gone: carry on with plain subprocess runs."""
        self.runner.close()
        self.runner = runners.ThreadRunner(self.ws.root)
        self.screen.note(messages.WATCH_FALLBACK)
        if self.job is not None:
            self.clock.run_lost(self.job.changed_at)
            self.job = None

    # -- keys ---------------------------------------------------------------------------------

    def on_keys(self, pressed: list[str]) -> bool:
        """Answer the keys pressed (by name, as keys.key_names gives them); False to quit."""
        if not pressed:
            return False  # the terminal went away
        for key in pressed:
            if self.listing is not None:
                self.in_list(key)
            elif self.asking_reset:
                self.answer_reset(key)
            elif key == "q":
                return False
            elif key in ("enter", "r"):
                self.rerun()
            elif key == "h":
                self.screen.note(hints.next_hint(self.kata, self.state))
            elif key == "i":
                self.show_lesson(self.kata)
            elif key == "l":
                self.listing = KataList(catalogue.ids(), at=self.kata.id)
                self.ask_again()
            elif key == "n":
                self.next_kata()
            elif key == "c":
                self.show_coverage()
            elif key == "x":
                self.asking_reset = True
                self.ask_again()
            elif key == "?":
                self.screen.note(messages.WATCH_KEYS_ALL)
        return True

    def ask_again(self) -> None:
        """Show the list, or the question, that the next key answers."""
        if self.listing is not None:
            table = status.table(status.rows(self.state), cursor=self.listing.cursor)
            self.screen.note(f"{messages.WATCH_LIST}\n{table}")
        elif self.asking_reset:
            self.screen.note(messages.WATCH_RESET_ASK.format(kata=self.kata.id, files=" and ".join(self.kata.files)))

    def rerun(self) -> None:
        """[Enter] or [r]: a run of the files as they are, as after a save. A run under way, or
        about to start, answers them already."""
        if self.job is None and self.clock.pending is None:
            self.clock.saw(time.time(), during_a_run=False)
            self.settle_until = time.monotonic()

    def in_list(self, key: str) -> None:
        answer = self.listing.press(key)
        if answer is None:
            self.ask_again()  # the cursor may have moved
            return
        self.listing = None
        action, picked = answer
        if action == "pick" and picked != self.kata.id:
            self.move_to(catalogue.find(picked))
        else:
            self.screen.note(messages.WATCH_STILL_ON.format(kata=self.kata.id))

    def answer_reset(self, key: str) -> None:
        from tddkit import reset
        from tddkit.errors import TddkitError

        self.asking_reset = False
        if key != "y":
            self.screen.note(messages.WATCH_RESET_KEPT)
            return
        try:  # as `tddkit reset KATA` does
            said = reset.restore_stub(self.ws, self.kata)
            self.state.record_reset(self.kata.id)
        except TddkitError as err:
            self.screen.note(f"tddkit: {err}")
            return
        self.use(self.kata)  # the verdict shown was of the code put aside: the stub runs now
        self.screen.note(said)

    def next_kata(self) -> None:
        following = progress.current_kata(self.state)
        if following is None:
            self.screen.note(messages.WATCH_ALL_DONE)
        elif following.id == self.kata.id:
            self.screen.note(messages.WATCH_NOT_GREEN_YET.format(kata=self.kata.id))
        else:
            self.move_to(following)

    def move_to(self, kata) -> None:
        """Watch another kata, and show its lesson."""
        self.use(kata)
        self.show_lesson(kata, then=messages.WATCH_NOW_ON.format(kata=kata.id))
        self.clock.saw(time.time(), during_a_run=True)  # its first verdict counts from the lesson read

    def show_lesson(self, kata, then: str = "") -> None:
        """The lesson in the pager (the loop waits for it), or on the screen; `then`: the note after it."""
        self.screen.page(lessons.as_shown(kata), then)
        self.state.see_lesson(kata.id)

    def show_coverage(self) -> None:
        from tddkit import coverage_report

        self.screen.note(messages.WATCH_COVERAGE_RUNNING.format(kata=self.kata.id))  # it takes seconds: say so first
        try:
            self.screen.note(coverage_report.report(self.ws, self.kata).text)
        except Exception as err:  # coverage is a side view: never let it end the watch
            self.screen.note(f"tddkit: {err}")


def watch(ws, kata, *, jsonl: bool, keys: bool, coverage: bool = False) -> int:
    """Run watch mode until [q], Ctrl-C, SIGTERM or SIGHUP; leave no process behind."""
    from tddkit.watch.keys import Keys
    from tddkit.watch.screen import make_screen
    from tddkit.watch.watcher import Changes

    signals = stop_on_signals()
    confine.dump_stack_when_asked()  # a watch that hangs can be asked where (kit_tests do, on a stop that never ends)
    runner = changes = key_reader = screen = None
    try:
        runner = runners.make_runner(ws.root)  # the fork server starts before any thread
        changes = Changes(ws.root)
        key_reader = Keys(keys)
        screen = make_screen(ws, jsonl, messages.WATCH_KEYS if key_reader.active else messages.WATCH_NO_KEYS)
        if isinstance(runner, runners.ThreadRunner):
            screen.note(messages.WATCH_FALLBACK)
        with ws.open_state() as state:
            loop = Loop(ws, state, kata, screen, key_reader, changes, runner, signals, coverage)
            try:
                return loop.run()
            finally:
                runner = loop.runner
    except Stop:
        return 0
    except KeyboardInterrupt:  # as run, next and coverage: the shell's status for Ctrl-C
        return 130
    finally:
        ignore_signals()
        if screen is not None:
            screen.close()
        if runner is not None:
            runner.close()
        if key_reader is not None:
            key_reader.restore()
        if changes is not None:
            changes.close()
        signals.close()
