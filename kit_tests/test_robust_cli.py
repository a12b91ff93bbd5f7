"""Robustness: the command line. Unknown kata names, wrong arguments, no workspace, `init` where it
must not write, non-ASCII and space-containing paths, no terminal, NO_COLOR, a closed pipe.
Every error is one clear line on stderr, a non-zero exit, never a traceback; nothing is changed.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from robust_support import (KATA, REFERENCE, STUB, as_unprivileged, assert_intact, needs_read_only,  # noqa: F401
                            robust_template, run_json, tddkit, write_learner, ws)

ESC = b"\x1b"


def one_line_error(done, status=2):
    err = done.stderr.decode()
    assert b"Traceback" not in done.stderr + done.stdout, err[-3000:]
    assert done.returncode == status, (done.returncode, err)
    return err


@pytest.mark.parametrize("command", [("run", "sincostn"), ("hint", "sincostn"), ("solution", "sincostn"),
                                     ("reset", "sincostn"), ("run", "Sincostan")])
def test_an_unknown_kata_is_one_line_with_did_you_mean_and_exit_2(ws, command):
    mine = write_learner(ws, STUB + "# mine\n")
    err = one_line_error(tddkit(*command, cwd=ws))
    assert len(err.strip().splitlines()) == 1
    assert f"unknown kata '{command[1]}'" in err and "did you mean 'sincostan'" in err
    assert_intact(ws, mine, runs=0)


def test_a_name_like_no_kata_lists_the_katas(ws):
    err = one_line_error(tddkit("run", "zzzzzz", cwd=ws))
    assert "the katas are: sincostan" in err


@pytest.mark.parametrize("args", [("frobnicate",), ("run", "a", "b"), ("run", "--jsn"), ("status", "extra"),
                                  ("init", "a", "b"), ("--no-such-option",)])
def test_wrong_arguments_are_a_usage_error_with_exit_2(ws, args):
    done = tddkit(*args, cwd=ws)
    err = one_line_error(done)
    assert err.startswith("usage: tddkit") and "error:" in err.splitlines()[-1]
    assert_intact(ws, runs=0)


@pytest.mark.parametrize("command", [("run", KATA), ("next",), ("status",), ("hint",), ("solution", KATA),
                                     ("reset", KATA), ("run", "--json")])
def test_commands_outside_a_workspace_are_one_line_and_create_nothing(tmp_path, command):
    err = one_line_error(tddkit(*command, cwd=tmp_path))
    assert len(err.strip().splitlines()) == 1 and "tddkit init" in err
    assert list(tmp_path.iterdir()) == []


def test_init_into_an_existing_workspace_or_inside_one_changes_nothing(ws):
    mine = write_learner(ws, STUB + "# hours of my work\n")
    err = one_line_error(tddkit("init", ".", cwd=ws))
    assert "already a tddkit workspace" in err and len(err.strip().splitlines()) == 1
    err = one_line_error(tddkit("init", str(ws), cwd=ws.parent))
    assert "already a tddkit workspace" in err
    assert_intact(ws, mine, runs=0)


def test_init_onto_a_file_is_one_line_and_keeps_the_file(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n")
    err = one_line_error(tddkit("init", "notes.txt", cwd=tmp_path))
    assert "is a file, not a folder" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "my notes\n" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    err = one_line_error(tddkit("init", "notes.txt/inner", cwd=tmp_path))
    assert len(err.strip().splitlines()) == 1 and "notes.txt is a file" in err
    assert target.read_text() == "my notes\n"


@needs_read_only
def test_init_where_it_cannot_write_is_one_line_and_leaves_nothing_behind(tmp_path):
    locked = tmp_path / "locked"
    (locked / "half").mkdir(parents=True)
    (locked / "half").chmod(0o555)  # an existing folder init may not write into
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    try:
        for target in ("half", "half/new"):
            done = subprocess.run(as_unprivileged(sys.executable, "-P", "-m", "tddkit", "init", target), cwd=locked,
                                  env=env, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
            err = one_line_error(done)
            assert len(err.strip().splitlines()) == 1 and "could not make a workspace" in err, err
            assert list((locked / "half").iterdir()) == []
    finally:
        (locked / "half").chmod(0o755)


def test_a_path_with_spaces_and_non_ascii_letters_works_end_to_end(tmp_path):
    root = tmp_path / "Übungen für Anfänger" / "カタ 1"
    root.mkdir(parents=True)
    done = tddkit("init", "mes katas (été)", cwd=root)
    assert done.returncode == 0, done.stderr.decode()
    ws = root / "mes katas (été)"
    write_learner(ws, REFERENCE)
    result = run_json(ws)
    assert result["light"] == "green" and result["unlocked"] is True
    assert (ws / "solutions" / "sincostan.py").read_text() == REFERENCE
    status = tddkit("status", cwd=ws)
    assert status.returncode == 0 and "sincostan" in status.stdout.decode()
    assert_intact(ws, REFERENCE, runs=1)


# -- terminals and colour ---------------------------------------------------------------------------

def on_a_terminal(ws, *args, env=None):
    """Run tddkit with stdout on a pseudo-terminal; what it wrote there."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_") and k != "NO_COLOR"}
    full_env.update(env or {})
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-P", "-m", "tddkit", *args], cwd=ws, env=full_env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(leader)
    return out


QUICK_AMBER = REFERENCE + "\nraise SystemExit('stop')\n"  # a run that ends at once


def test_piped_output_has_no_colour_codes_and_a_terminal_gets_them(ws):
    write_learner(ws, QUICK_AMBER)
    for command in (("run", KATA), ("next",), ("status",), ("hint",)):
        done = tddkit(*command, cwd=ws)
        assert ESC not in done.stdout + done.stderr, command
    assert ESC in on_a_terminal(ws, "status"), "colour on a terminal (so the check above means something)"


def test_no_color_turns_colour_off_even_on_a_terminal(ws):
    write_learner(ws, QUICK_AMBER)
    shown = on_a_terminal(ws, "run", KATA, env={"NO_COLOR": "1"})
    assert b"AMBER" in shown and ESC not in shown


def test_a_reader_that_stops_early_gets_no_traceback(ws):
    """`tddkit status | head -1`: the pipe closes before tddkit has written everything."""
    write_learner(ws, QUICK_AMBER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    for command in ("status", "run sincostan --json"):
        for reader in ("head -c 1", "true"):  # `true` reads nothing: the pipe is closed before tddkit writes
            done = subprocess.run(f"{sys.executable} -P -m tddkit {command} | {reader}", shell=True, cwd=ws, env=env,
                                  capture_output=True, timeout=60)
            assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr, (command, done.stderr.decode())


# -- names that are no names (issue 20, item 9; issue 21, item 5) -------------------------------------

@pytest.mark.parametrize("command", [("run", ""), ("run", "", "--json"), ("next", ""), ("hint", ""), ("lesson", ""),
                                     ("log", "")])
def test_an_empty_kata_name_is_bad_input_not_no_argument(ws, command):
    mine = write_learner(ws, STUB + "# mine\n")
    err = one_line_error(tddkit(*command, cwd=ws))
    assert len(err.strip().splitlines()) == 1 and "unknown kata ''" in err, err
    assert_intact(ws, mine, runs=0)


@pytest.mark.parametrize("args", [("",), ("new", "--pack", "")])
def test_init_with_an_empty_name_is_bad_input_and_makes_nothing(tmp_path, args):
    err = one_line_error(tddkit("init", *args, cwd=tmp_path))
    assert len(err.strip().splitlines()) == 1 and "empty" in err, err
    assert list(tmp_path.iterdir()) == []


def test_init_with_a_name_too_long_for_the_file_system_is_one_line_and_makes_nothing(tmp_path):
    err = one_line_error(tddkit("init", "a" * 300, cwd=tmp_path))
    assert len(err.strip().splitlines()) == 1 and "could not make a workspace" in err and "too long" in err, err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["ws[1]", "ws$HOME${HOME}x%(x)s"])
def test_coverage_works_in_a_path_with_brackets_dollars_or_percents(ws, name):
    odd = ws.rename(ws.with_name(name))
    write_learner(odd, REFERENCE)
    done = tddkit("coverage", KATA, cwd=odd)
    out = done.stdout.decode()
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode()[-3000:]
    assert "Coverage of sincostan" in out and "never imported" not in out, out
    assert (odd / "htmlcov" / KATA / "index.html").is_file()
