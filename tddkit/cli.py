"""The `tddkit` command line: parses arguments and hands each command to the module that does it.

Imports are lazy: `status`, `hint` and `log` only read state, and must not pay for pytest (`hint`
alone runs the tests, when no run is as new as the code: its step must be the code's).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from tddkit import messages
from tddkit.errors import StateError, TddkitError

# Exit statuses (documented in --help and the README).
OK, RED, USAGE, AMBER, PARTIAL = 0, 1, 2, 3, 4
EXIT_FOR_LIGHT = {"green": OK, "red": RED, "amber": AMBER, "partial": PARTIAL}

DESCRIPTION = """\
Test-driven-development katas: each kata's tests are written first and fail; make them pass
one step at a time. Run in a workspace made by `tddkit init`. Bare `tddkit` is `tddkit next`."""

KATA_HELP = "the kata: {katas}"
KATA_HELP_CURRENT = KATA_HELP + " (default: the current kata)"

EPILOG = """\
exit status: 0 done or GREEN, 1 RED (or refused), 2 bad input or not a workspace, 3 AMBER,
4 PARTIAL (`run -k`/`--step`: the selected tests passed, which is no light for the kata).
A light is GREEN when every test of the kata passed, RED when the tests ran and one failed,
AMBER when they could not run (syntax or import error, timeout, crash, changed kata tests)."""


# -- commands ---------------------------------------------------------------------------------

def cmd_init(args) -> int:
    from tddkit import workspace

    refuse_empty(args.dir, messages.EMPTY_FOLDER)
    refuse_empty(args.pack, messages.EMPTY_PACK)
    target = Path(args.dir)
    pack = Path(args.pack) if args.pack is not None else None
    if args.repair:
        restored = workspace.repair(target, pack)
        said = messages.REPAIR_RESTORED.format(", ".join(restored)) if restored else messages.REPAIR_NOTHING_MISSING
        print(messages.REPAIR_DONE.format(path=target.resolve(), restored=said))
        return OK
    workspace.init(target, pack)
    print(messages.INIT_DONE.format(path=target.resolve(), cd=shlex.quote(args.dir)))
    return OK


def cmd_next(args) -> int:
    from tddkit import catalogue, judge, progress, workspace
    from tddkit.light import GREEN

    ws = workspace.find()
    with ws.open_state() as state:
        for _ in catalogue.load():
            kata = catalogue.find(args.kata) if args.kata is not None else progress.current_kata(state)
            if kata is None:
                print(messages.ALL_DONE)
                return OK
            if not state.lesson_seen(kata.id):
                show_lesson(kata)
                state.see_lesson(kata.id)
            outcome = judge.judge(ws, kata, state)
            if outcome.verdict.light != GREEN:
                show_outcome(ws, kata, outcome, with_source=True)
                show_hint_availability(kata, outcome, state)
                return EXIT_FOR_LIGHT[outcome.verdict.light]
            show_outcome(ws, kata, outcome)
            if args.kata is not None:  # the kata asked for is done; what comes next is `tddkit next`'s to say
                return OK
            print(messages.NEXT_KATA.format(kata.id) + "\n")
    print(messages.ALL_DONE)
    return OK


def cmd_lesson(args) -> int:
    from tddkit import catalogue, workspace
    from tddkit.errors import NotAWorkspace

    try:
        ws = workspace.find()
    except NotAWorkspace:  # a lesson runs nothing: the first kata's, or KATA's, to read anywhere
        show_lesson(catalogue.find(args.kata) if args.kata is not None else catalogue.load()[0], paged=True)
        return OK
    with ws.open_state() as state:
        kata = chosen_kata(args.kata, state)
        state.see_lesson(kata.id)
    show_lesson(kata, paged=True)  # after the state is closed: the learner may read for a while
    return OK


def cmd_run(args) -> int:
    from tddkit import judge, workspace

    ws = workspace.find()
    with ws.open_state() as state:
        kata = chosen_kata(args.kata, state)
        if args.keyword is not None or args.step is not None:  # a partial run: never GREEN, not recorded
            outcome = judge.judge_selection(ws, kata, state, args.keyword, args.step, args.verbose)
        else:
            outcome = judge.judge(ws, kata, state, args.verbose)
    if args.json:
        print(json.dumps(outcome.as_json()))
        say_if_not_recorded(outcome)
    else:
        show_outcome(ws, kata, outcome, verbose=args.verbose)
    return EXIT_FOR_LIGHT[outcome.verdict.light]


def cmd_status(args) -> int:
    from tddkit import status, workspace

    ws = workspace.find()
    with ws.open_state(read_only=True) as state:
        rows = status.rows(state)
        retired = status.retired(state)
    if args.json:
        print(json.dumps([r.as_json() for r in rows]))
    else:
        print(status.table(rows, retired))
    return OK


def cmd_hint(args) -> int:
    from tddkit import hints, workspace

    ws = workspace.find()
    with ws.open_state() as state:
        kata = chosen_kata(args.kata, state)
        if hints.needs_a_run(ws, kata, state):  # the step must be the code's, not a stale run's
            run_before_hint(ws, kata, state)
        print(hints.next_hint(kata, state))
    return OK


def run_before_hint(ws, kata, state) -> None:
    from tddkit import judge, render

    outcome = judge.judge(ws, kata, state)
    v = outcome.verdict
    if outcome.not_recorded:  # nor could the hint be: one line, as for any state that cannot be written
        raise StateError(outcome.not_recorded)
    print(messages.HINT_RAN_FIRST.format(messages.RUN_SUMMARY.format(
        light=render.light_label(v.light), kata=kata.id, passed=v.passed, total=v.total)))


def cmd_solution(args) -> int:
    from tddkit import catalogue, pager, solution, workspace

    ws = workspace.find()
    with ws.open_state() as state:
        kata = catalogue.find(args.kata) if args.kata is not None else solution_kata(state)
        shown = solution.show(ws, kata, state)
    pager.page(shown)  # after the state is closed: the learner may read for a while
    return OK


def solution_kata(state):
    """The last kata, in learning order, whose solution is unlocked: the one just made GREEN, as
    a rule. With none unlocked, the current kata, whose refusal says what is left to do."""
    from tddkit import catalogue

    unlocked = state.unlocked()
    return next((k for k in reversed(catalogue.load()) if k.id in unlocked), None) or chosen_kata(None, state)


def cmd_reset(args) -> int:
    from tddkit import catalogue, reset, workspace

    ws = workspace.find()
    kata = catalogue.find(args.kata)
    if args.tests:
        print(reset.restore_tests(ws, kata))
        return OK
    print(reset.restore_stub(ws, kata))
    with ws.open_state() as state:
        state.record_reset(kata.id)  # its last light was that of the code just put aside
    return OK


def cmd_new_test(args) -> int:
    from tddkit import catalogue, new_test, workspace

    ws = workspace.find()
    kata = catalogue.find(args.kata)
    path = new_test.write_starter(ws.root, kata)
    print(messages.NEW_TEST_WRITTEN.format(path=path, kata=kata.id))
    return OK


def cmd_write_tests(args) -> int:
    from tddkit import catalogue, grading, new_test, own_tests, workspace

    ws = workspace.find()
    kata = catalogue.find(args.kata)
    if not own_tests.own_test_files(ws.root, kata):  # the mode starts: a file to write the tests in
        path = new_test.write_starter(ws.root, kata)
        print(messages.GRADE_STARTED.format(path=path, kata=kata.id, mutants=len(kata.mutants)),
              file=sys.stderr if args.json else sys.stdout)
    if args.watch:
        from tddkit.grade_watch import watch_grades

        return watch_grades(ws, kata, jsonl=args.json)
    graded = grading.grade(ws.root, kata)
    not_recorded = grading.record(ws, graded)
    if args.json:
        print(json.dumps(graded.as_json()))
    else:
        from tddkit import render

        print("\n".join(render.grade_lines(graded, args.verbose)))
    if not_recorded:
        print(messages.NOT_RECORDED.format(not_recorded), file=sys.stderr)
    return EXIT_FOR_LIGHT[graded.light]


def cmd_verify(args) -> int:
    from tddkit import catalogue, verify

    among = catalogue.with_pack(Path(args.pack)) if args.pack else catalogue.load()
    if args.mutate:  # only the katas named: a kata's machine-made mutants take minutes
        from tddkit import mutate

        return mutate.mutate([catalogue.find(k, among) for k in args.katas])
    katas = [catalogue.find(k, among) for k in args.katas] if args.katas else list(among)
    return verify.verify(katas)


def cmd_watch(args) -> int:
    from tddkit import workspace
    from tddkit.watch.loop import watch

    ws = workspace.find()
    with ws.open_state() as state:
        kata = chosen_kata(args.kata, state)
    return watch(ws, kata, jsonl=args.jsonl, keys=not args.no_keys, coverage=args.coverage)


def cmd_coverage(args) -> int:
    from tddkit import coverage_report, workspace

    ws = workspace.find()
    with ws.open_state() as state:
        kata = chosen_kata(args.kata, state)
    report = coverage_report.report(ws, kata)
    print(report.text)
    return OK


def cmd_log(args) -> int:
    from tddkit import catalogue, history, workspace

    ws = workspace.find()
    kata = catalogue.find(args.kata).id if args.kata is not None else None
    with ws.open_state(read_only=True) as state:
        runs, grades = state.history(kata), state.grades(kata)
    if args.json:
        print(json.dumps(history.as_json(runs, grades)))
    else:
        print(history.table(runs, ws.root, grades))
    return OK


# -- shared pieces of output ----------------------------------------------------------------------

def chosen_kata(name: str | None, state):
    """The kata named on the command line, else the current one (the first not GREEN)."""
    from tddkit import catalogue, progress

    if name is not None:  # "" too: an empty name is no kata, not the current one
        return catalogue.find(name)
    return progress.current_kata(state) or catalogue.load()[-1]


def refuse_empty(value: str | None, message: str) -> None:
    """An empty string given for a name is bad input, not the default of a missing argument."""
    if value == "":
        from tddkit.errors import UsageError

        raise UsageError(message)


def show_lesson(kata, paged: bool = False) -> None:
    """The lesson; `paged`: through the pager on a terminal (the lesson alone, not `next`'s)."""
    from tddkit import lessons, pager

    (pager.page if paged else print)(lessons.as_shown(kata))


def show_outcome(ws, kata, outcome, with_source: bool = False, verbose: int = 0) -> None:
    from tddkit import render

    v = outcome.verdict
    summary = messages.PARTIAL_SUMMARY if outcome.selection else messages.RUN_SUMMARY
    print(summary.format(light=render.light_label(v.light), kata=kata.id, passed=v.passed, total=v.total,
                         selection=outcome.selection))
    if turned := render.steps_turned_green(kata, outcome.steps_turned_green):
        print(turned)
    if v.reason:
        print(messages.AMBER_REASON.format(v.reason))
    for line in render.own_tests_lines(v, kata.id, verbose):
        print(line)
    failure = v.first_failure
    if failure is not None and v.light == "red":
        step = kata.step(failure.step) if failure.step else None
        print()
        print(messages.STEP_HEADER.format(n=failure.step or "?", of=len(kata.steps), title=step.title if step else ""))
        print(messages.FAILING_TEST.format(failure.id))
        if with_source:
            source = render.test_source(ws.root, failure.id)
            if source:
                print(render.paint(render.short(source, render.SOURCE_LINES + 1), "dim"))
        print(render.failure_message(failure, kata.id, verbose))
        if mistake := render.known_mistake_line(outcome):
            print(mistake)
    if v.light == "partial":
        print()
        print(messages.PARTIAL_NO_LIGHT.format(kata.id))
    elif v.light != "green":
        print()
        where = [p for p in kata.files if (ws.root / p).exists()] or kata.files
        where = [*where, *filter(None, [v.own_file_at_fault])]
        print(messages.EDIT_HERE.format(" or ".join(where), kata.id))
    for path in outcome.newly_unlocked[:1]:
        print(messages.UNLOCKED_NOW.format(path.relative_to(ws.root), kata.id))
    if outcome.tampered:
        print(messages.TAMPERED_NO_UNLOCK)
    say_if_not_recorded(outcome)


def say_if_not_recorded(outcome) -> None:
    if outcome.not_recorded:
        print(messages.NOT_RECORDED.format(outcome.not_recorded), file=sys.stderr)


def show_hint_availability(kata, outcome, state) -> None:
    failure = outcome.verdict.first_failure
    step = kata.step(failure.step) if failure and failure.step else None
    if step and state.hints_shown(kata.id, step.number) < len(step.hints):
        print(messages.HINT_AVAILABLE)


# -- parsing ------------------------------------------------------------------------------

class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Names the katas in KATA's help when help is shown, so that other commands never read the
    catalogue just to parse their arguments."""

    def _get_help_string(self, action):
        text = super()._get_help_string(action) or ""
        if "{katas}" not in text:
            return text
        from tddkit import catalogue

        return text.replace("{katas}", ", ".join(catalogue.ids()))


def build_parser() -> argparse.ArgumentParser:
    from tddkit import __version__

    parser = argparse.ArgumentParser(prog="tddkit", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"tddkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, func, help, aliases=()):
        p = sub.add_parser(name, help=help, description=help, aliases=list(aliases), epilog=EPILOG,
                           formatter_class=HelpFormatter)
        p.set_defaults(func=func, parser=p)
        return p

    p = command("init", cmd_init, "make a new workspace with every kata, its stub and its tests")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="the folder to make (default: here)")
    p.add_argument("--pack", metavar="PACK", help="also put in the katas of this kata pack (a folder laid out as "
                                                  "docs/authoring.md says), after the kit's own")
    p.add_argument("--repair", action="store_true", help="make again the .tddkit/ of a workspace that lost it, "
                                                         "leaving katas/ as it is")
    p = command("next", cmd_next, "run the current kata (or KATA) and show its next step: lesson, failing test "
                                  "(and the line of your code it failed in), where to edit")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p = command("lesson", cmd_lesson, "show a kata's lesson again, the whole contract (default: the current kata)")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p = command("run", cmd_run, "run a kata's tests once and show the light, the first failure and the line of "
                                "your code it failed in, or was stopped at by a timeout (default: the current kata)")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p.add_argument("--json", action="store_true", help="print one JSON object (for editors and instructors)")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="show the whole failure message, and more of an assertion's diff (-vv: all of it)")
    p.add_argument("-k", dest="keyword", metavar="EXPR",
                   help="run only the tests whose names match EXPR (pytest's -k). A partial run gives no light: "
                        "at best PARTIAL (exit status 4), never GREEN; it does not unlock and is not recorded")
    p.add_argument("--step", metavar="N", help="run only the tests of step N (a partial run, as for -k)")
    p = command("new-test", cmd_new_test, "write tests/test_my_KATA.py, a starter for your own tests of KATA: "
                                          "run and watch run them after the kata's, and a failing one is RED")
    p.add_argument("kata", metavar="KATA", help="the kata whose module the tests import")
    p = command("write-tests", cmd_write_tests,
                "the write-the-tests mode: your tests of KATA are graded, not your code. Each must pass on a "
                "correct solution, and each known mistake must fail one of them (the first call writes "
                "tests/test_my_KATA.py to start from)")
    p.add_argument("kata", metavar="KATA", help=KATA_HELP)
    p.add_argument("--watch", action="store_true", help="grade again on every save of your test files")
    p.add_argument("--json", action="store_true", help="print one JSON object per grade (for editors)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="show a wrong test's whole failure message")
    p = command("status", cmd_status, "every kata: light, tests passed, steps, unlocked; and a progress bar",
                aliases=["list"])
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per kata")
    p = command("hint", cmd_hint, "show one more hint for the current step (runs the kata's tests first when "
                                  "they have not run since your last save)")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p = command("solution", cmd_solution, "show the reference solution and a diff with yours (once GREEN)")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP + " (default: the last kata unlocked)")
    p = command("reset", cmd_reset, "restore a kata's stub (your version is backed up first)")
    p.add_argument("kata", metavar="KATA", help=KATA_HELP)
    p.add_argument("--tests", action="store_true", help="restore the kata's shipped tests instead")
    p = command("verify", cmd_verify, "for kata authors: every kata red on its stub, green on its reference, "
                                      "every mutant rejected")
    p.add_argument("katas", nargs="*", metavar="KATA", help=KATA_HELP + " (default: every kata)")
    p.add_argument("--pack", metavar="PACK", help="check the katas of this kata pack instead of the kit's own")
    p.add_argument("--mutate", action="store_true",
                   help="instead, run the tests against machine-made mutants of each named kata's reference "
                        "(needs the mutate extra; see docs/authoring.md)")
    p = command("watch", cmd_watch, "re-run a kata's tests on every save and show the light, the first failure and "
                                    "the line of your code it failed in (default: the current kata)")
    p.description += "\n\n" + messages.WATCH_KEYS_ALL
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p.add_argument("--jsonl", action="store_true",
                   help="print one JSON object per verdict (the fields of `run --json`, plus changed_at and "
                        "verdict_at, Unix seconds, and early: true for a RED shown while its run goes on, whose "
                        "own verdict follows unless a save overtakes it) and nothing else on stdout")
    p.add_argument("--no-keys", action="store_true", help="do not read single keypresses (for pipes and editors)")
    p.add_argument("--coverage", action="store_true", help="after each verdict, show the code no test asked for")
    p = command("coverage", cmd_coverage, "run a kata's tests under coverage.py (branches too): the lines of your "
                                          "code no test asked for, and an HTML report")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP_CURRENT)
    p = command("log", cmd_log, "the traffic-light history of your runs, and your red/green rhythm")
    p.add_argument("kata", nargs="?", metavar="KATA", help=KATA_HELP + " (default: every kata)")
    p.add_argument("--json", action="store_true", help="print the runs and the rhythm summary as one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    from tddkit import output

    output.prepare()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # said by the command's own parser, with its own usage
        getattr(args, "parser", parser).error(messages.UNRECOGNIZED.format(" ".join(extra)))
    if args.command is None:
        args = parser.parse_args(["next"])
    try:
        return args.func(args)
    except TddkitError as err:
        if getattr(args, "json", False):  # an editor reading stdout gets the error as JSON too
            print(json.dumps({"error": str(err)}))
        for line in str(err).splitlines() or [""]:  # one line per problem (a kata pack can have several)
            print(f"tddkit: {line}", file=sys.stderr)
        return err.exit_status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Only `watch` stops when its reader goes away (output.ReaderMayLeave): it has no light to keep.
        return OK
