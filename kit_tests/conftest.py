"""Shared helpers for the kit's own tests: run the real `tddkit` in real workspaces."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import slow_tests

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
PACK = Path(__file__).resolve().parent / "fixtures" / "pack"  # a teacher's kata pack, one tiny kata

collect_ignore = ["fixtures"]  # the pack's kata tests are red on its stub by design


@pytest.hookimpl(trylast=True)  # after the terminal's: it writes on the terminal's lines
def pytest_configure(config):
    slow_tests.show(config)  # a test still running after 10 s is named, and its time said


def tddkit(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a learner would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tddkit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


def watch_lines(ws: Path, *args: str, env: dict | None = None) -> tuple[subprocess.Popen, queue.Queue]:
    """Start the real `tddkit watch ARGS`, its stdout a pipe (plain lines, not a screen): the
    process, and a queue of the lines it prints (None once stdout is closed)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")} | (env or {})
    proc = subprocess.Popen([sys.executable, "-m", "tddkit", "watch", *args], cwd=ws, env=full_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: [*map(lines.put, proc.stdout), lines.put(None)], daemon=True).start()
    return proc, lines


THREADS_OF = "/proc/{}/task"  # Linux: a process's threads, by their own ids


def signal_a_thread_not_the_main_one(pid: int, sig: int) -> None:
    """Send sig to the process through one of its threads other than the main one, as if it had
    landed there by chance: Linux hands a signal sent to a process to any of its threads that does
    not block it, and a kill of a thread's own id hands it to that thread."""
    others = [int(tid) for tid in os.listdir(THREADS_OF.format(pid)) if int(tid) != pid]
    assert others, "the process runs no thread but its main one: this case would test nothing"
    os.kill(others[0], sig)


@pytest.fixture(scope="session")
def template_workspace(tmp_path_factory) -> Path:
    """A fresh workspace whose state already knows each kata's expected tests (saves a collection per test)."""
    root = tmp_path_factory.mktemp("template")
    done = tddkit("init", "ws", cwd=root)
    assert done.returncode == 0, done.stderr
    ws = root / "ws"
    done = tddkit("run", "sincostan", cwd=ws)
    assert done.returncode == 1, done.stdout + done.stderr  # the stub is RED
    # Forget that run, keep the cached list of expected tests.
    import sqlite3

    with sqlite3.connect(ws / ".tddkit" / "state.db") as db:
        db.execute("DELETE FROM runs")
    return ws


@pytest.fixture
def workspace(template_workspace, tmp_path) -> Path:
    """A fresh workspace of its own for each test."""
    ws = tmp_path / "ws"
    shutil.copytree(template_workspace, ws)
    return ws


def write_reference(ws: Path, kata: str = "sincostan") -> None:
    shutil.copyfile(SOLUTIONS / f"{kata}.py", ws / "katas" / f"{kata}.py")


# Two more steps for the fixture pack's kata in pack_template: a Hypothesis property whose message is
# a timeline of calls, one marked WRONG past the first 12 lines, before the falsifying example; and a
# list comparison, about which pytest says "Use -v to get more diff".
SHOUT_STEPS_3_AND_4 = """

from hypothesis import given, settings, strategies as st

WARM_UP = ["hello"] * 16


@pytest.mark.step(3)
@settings(max_examples=25, database=None)
@given(st.lists(st.sampled_from(["hello", "hi", "hey"]), min_size=1))
def test_every_word_is_shouted(words):
    words = WARM_UP + words
    got = [shout(w) for w in words]
    timeline = [f"{n:>2} shout({w!r}) -> {g!r}" + ("" if g == w.upper() + "!" else "  WRONG")
                for n, (w, g) in enumerate(zip(words, got))]
    assert got == [w.upper() + "!" for w in words], "\\n".join(["each call, one a line:", *timeline])


@pytest.mark.step(4)
def test_short_words_too():
    assert [shout(w) for w in ["a", "b"]] == ["A!", "B!"]
"""
SHOUT_LESSON_STEPS_3_AND_4 = """
## Step 3: every word

1. Every word gets its bang.

## Step 4: short words too

1. A word of one letter is a word.
"""


@pytest.fixture(scope="session")
def pack_template(tmp_path_factory) -> Path:
    """A workspace with the fixture pack's tiny kata `shout`, with two more steps (SHOUT_STEPS_3_AND_4):
    a run of it takes about a second."""
    root = tmp_path_factory.mktemp("pack-template")
    pack = shutil.copytree(PACK, root / "pack")
    with open(pack / "tests" / "test_shout.py", "a") as tests:
        tests.write(SHOUT_STEPS_3_AND_4)
    with open(pack / "lessons" / "shout.md", "a") as lesson:
        lesson.write(SHOUT_LESSON_STEPS_3_AND_4)
    done = tddkit("init", "ws", "--pack", str(pack), cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "ws"


@pytest.fixture
def pack_workspace(pack_template, tmp_path) -> Path:
    """A fresh copy of pack_template for one test (the pack it names stays where it is)."""
    return shutil.copytree(pack_template, tmp_path / "ws")
