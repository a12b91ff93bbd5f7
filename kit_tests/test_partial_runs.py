"""Cuts keep what matters (issue 16): partial runs, `tddkit run KATA -k EXPR` and `--step N`, and
how much of a failure message is shown (`-v`, and what a cut keeps).

A partial run's verdict is for the tests it selected: RED or AMBER as for a full run, PARTIAL
(exit status 4) where they all pass, never GREEN; it never unlocks and is not recorded, so status,
hint and next still see the kata's last full run. In the fixture pack's kata `shout` with four
steps (conftest.pack_template).
"""

from __future__ import annotations

import json
import re
import sqlite3

from conftest import tddkit

REFERENCE = '''def shout(text):
    if not isinstance(text, str):
        raise TypeError("shout takes text")
    return text.upper() + "!"
'''
# Right for "hello", forgets the bang elsewhere: steps 1 and 2 pass, step 3 fails (and 4).
BANG_FOR_HELLO_ONLY = '''def shout(text):
    if not isinstance(text, str):
        raise TypeError("shout takes text")
    return text.upper() + ("!" if text == "hello" else "")
'''
# Forgets the bang for one-letter words only: steps 1 to 3 pass, step 4 (a list) fails.
LONG_WORDS_ONLY = '''def shout(text):
    if not isinstance(text, str):
        raise TypeError("shout takes text")
    return text.upper() + ("!" if len(text) > 1 else "")
'''
# Hypothesis' words: "Falsifying example:" (6.100), "Failing test case:" (6.170).
HYPOTHESIS_EXAMPLE = r"(Falsifying example|Failing test case): test_every_word_is_shouted\($"
# pytest leaves out its advice ("Use -v ...") and its cuts where a CI variable is set.
NOT_CI = {"CI": "", "BUILD_NUMBER": ""}


def write_shout(ws, source: str) -> None:
    (ws / "katas" / "shout.py").write_text(source)


def runs_of(ws, kata: str) -> list[str]:
    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        return [light for (light,) in db.execute("SELECT light FROM runs WHERE kata = ?", (kata,))]


def test_a_partial_run_that_passes_is_partial_not_green_exit_4_and_leaves_no_trace(pack_workspace):
    write_shout(pack_workspace, REFERENCE)
    done = tddkit("run", "shout", "-k", "upper", cwd=pack_workspace)
    assert done.returncode == 4, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "[-] PARTIAL  shout: 1 of 1 selected tests passed (-k upper)"
    assert "[ok]" not in done.stdout and "needs a full run: `tddkit run shout`" in done.stdout
    done = tddkit("run", "shout", "--step", "3", "--json", cwd=pack_workspace)
    result = json.loads(done.stdout)
    assert done.returncode == 4 and result["light"] == "partial" and result["selection"] == "step 3"
    assert [t["id"].split("::")[-1] for t in result["tests"]] == ["test_every_word_is_shouted"]
    assert result["unlocked"] is False
    assert runs_of(pack_workspace, "shout") == [], "not recorded: the kata's last light is its last full run"
    assert not (pack_workspace / "solutions").exists() or not any((pack_workspace / "solutions").iterdir())
    status = {row["kata"]: row for row in json.loads(tddkit("status", "--json", cwd=pack_workspace).stdout)}
    assert status["shout"]["light"] is None, "status does not take a partial run for a full one"


def test_a_partial_run_with_a_failure_is_red_for_what_it_selected_and_gives_the_kits_advice(pack_workspace):
    write_shout(pack_workspace, LONG_WORDS_ONLY)
    done = tddkit("run", "shout", "--step", "4", "-k", "short", cwd=pack_workspace, env=NOT_CI)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "[x] RED  shout: 0 of 1 selected tests passed (step 4, -k short)"
    assert "  test  tests/test_shout.py::test_short_words_too" in lines
    assert "Use -v to get more diff" not in done.stdout, "pytest's advice, which the learner cannot follow as such"
    assert "`tddkit run shout -v` shows more of the diff" in done.stdout
    assert runs_of(pack_workspace, "shout") == []


def test_a_selection_that_is_wrong_is_one_line_on_stderr_and_exit_2(pack_workspace):
    for selection, said in ((("--step", "0"), "--step 0: shout has steps 1 to 4"),
                            (("--step", "five"), "--step five: shout has steps 1 to 4"),
                            (("-k", "nosuch"), "-k nosuch selects none of the tests of shout"),
                            (("-k", "upper and"), "-k 'upper and' is not an expression pytest understands")):
        done = tddkit("run", "shout", *selection, cwd=pack_workspace)
        assert done.returncode == 2, (selection, done.stdout, done.stderr)
        assert done.stdout == "" and len(done.stderr.splitlines()) == 1, (selection, done.stderr)
        assert done.stderr.startswith(f"tddkit: {said}"), (selection, done.stderr)


# -- how much of a failure is shown --------------------------------------------------------------

def test_a_cut_message_keeps_the_wrong_line_and_the_falsifying_example_and_v_shows_it_all(pack_workspace):
    write_shout(pack_workspace, BANG_FOR_HELLO_ONLY)
    done = tddkit("run", "shout", cwd=pack_workspace, env=NOT_CI)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line.strip() for line in done.stdout.splitlines()]
    at = lines.index("AssertionError: each call, one a line:")
    message = lines[at:lines.index("", at)]
    assert len(message) < 20, "cut"
    assert "16 shout('hi') -> 'HI'  WRONG" in message or "16 shout('hey') -> 'HEY'  WRONG" in message, message
    example = next(i for i, line in enumerate(message) if re.match(HYPOTHESIS_EXAMPLE, line))
    assert message[example + 2] == ")" and message[example + 1] in ("words=['hi'],", "words=['hey'],"), message
    assert message[-1].startswith("... (") and message[-1].endswith("more lines: `tddkit run shout -v` shows them all)")
    assert "in your code" not in done.stdout, "the test's own assertion failed: no line of the learner's code"

    verbose = tddkit("run", "shout", "-v", cwd=pack_workspace, env=NOT_CI)
    assert verbose.returncode == 1
    assert "15 shout('hello') -> 'HELLO!'" in verbose.stdout, "every line of the timeline"
    assert "shows them all" not in verbose.stdout
    assert "Full diff:" in verbose.stdout, "and pytest's fuller diff"
    assert "use '-vv' to show" not in verbose.stdout and "`tddkit run shout -vv` shows it all" in verbose.stdout
