"""Shared parts of the robustness suite (kit_tests/test_robust_*.py): real workspaces, real
`tddkit` processes, learner code with one hostile line in it, and the checks every case ends with.

The hostile code goes into katas/sincostan.py (kata 1) next to a *correct* implementation (or
the stub, for cheats), so that without the protection under test the run would be GREEN.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
KATA = "sincostan"
LEARNER = Path("katas/sincostan.py")
TESTS = Path("tests/test_sincostan.py")
REFERENCE = (REPO / "solutions" / "sincostan.py").read_text()
STUB = (REPO / "katas" / "sincostan.py").read_text()
STATE = Path(".tddkit/state.db")


# A learner's shell, for plain pytest: no kit or pytest variables, and bytecode written (where
# PYTHONDONTWRITEBYTECODE is set, every cold pytest rewrites Hypothesis' plugin again: seconds).
LEARNER_ENV = {k: v for k, v in os.environ.items()
               if not k.startswith(("TDDKIT_", "PYTEST_")) and k != "PYTHONDONTWRITEBYTECODE"}


def plain_pytest(ws: Path, *args: str) -> subprocess.CompletedProcess:
    """One plain `python -m pytest` of the kata's tests in the workspace, as a learner may run it."""
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, str(TESTS)],
                          cwd=ws, capture_output=True, text=True, timeout=120, env=LEARNER_ENV)


def tddkit(*args: str, cwd: Path, timeout: float = 90, env: dict | None = None,
           **kw) -> subprocess.CompletedProcess:
    """The real command line in a subprocess, as a learner runs it (no terminal, no TDDKIT_ variables)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-P", "-m", "tddkit", *args], cwd=cwd, capture_output=True,
                          timeout=timeout, env=full_env, stdin=subprocess.DEVNULL, **kw)


def run_json(ws: Path, *extra: str, **kw) -> dict:
    """`tddkit run sincostan --json`: its one JSON object, after checking it said no traceback."""
    return checked_json(tddkit("run", KATA, "--json", *extra, cwd=ws, **kw))


def checked_json(done: subprocess.CompletedProcess) -> dict:
    out, err = done.stdout.decode(), done.stderr.decode()
    assert "Traceback" not in err, err[-3000:]
    result = json.loads(out)
    assert done.returncode == {"green": 0, "red": 1, "amber": 3}[result["light"]], (done.returncode, result["reason"])
    return result


def with_reference(hostile: str) -> str:
    """The reference solution with hostile code after it: run at import time."""
    return REFERENCE + "\n\n# ---- hostile ----\n" + textwrap.dedent(hostile)


def in_first_call(hostile: str, base: str = REFERENCE) -> str:
    """base with hostile code run inside the first call of sincostan() made under pytest (inside a test).

    The kata's own script tests start `python -m katas.sincostan` in subprocesses, where pytest is
    not imported: there the code stays correct and quiet.
    """
    body = textwrap.indent(textwrap.dedent(hostile), " " * 8)
    return base + textwrap.dedent("""

        # ---- hostile ----
        import sys as _sys
        _real_sincostan = sincostan
        _armed = [True]


        def sincostan(angle, *, degrees=False):
            if _armed[0] and "pytest" in _sys.modules:
                _armed[0] = False
        """) + body + "\n    return _real_sincostan(angle, degrees=degrees)\n"


def expected_in(ws: Path) -> list[dict]:
    """The expected tests of sincostan, as the workspace's state has them cached."""
    return json.loads(state_rows(ws, f"SELECT tests FROM expected WHERE kata = '{KATA}'")[0][0])


def write_learner(ws: Path, text: str) -> str:
    (ws / LEARNER).write_text(text)
    return text


def state_rows(ws: Path, sql: str = "SELECT kata, light, passed, total, reason FROM runs ORDER BY id") -> list[tuple]:
    with sqlite3.connect(ws / STATE) as db:
        return db.execute(sql).fetchall()


def assert_intact(ws: Path, learner_text: str | None = None, runs: int | None = None) -> None:
    """The state store passes SQLite's integrity check (and holds `runs` runs), the kit's tests are
    as shipped, and the learner's file is exactly what the learner wrote."""
    with sqlite3.connect(ws / STATE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        if runs is not None:
            assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == runs
    assert (ws / TESTS).read_bytes() == (REPO / TESTS).read_bytes(), "the kata's tests were changed"
    if learner_text is not None:
        assert (ws / LEARNER).read_text() == learner_text, "the learner's code was changed"


def not_unlocked(ws: Path) -> bool:
    return not (ws / "solutions" / "sincostan.py").exists() and not state_rows(ws, "SELECT kata FROM unlocks")


def make_template(root: Path) -> Path:
    """A new workspace whose state already holds sincostan's expected tests (no runs recorded)."""
    done = tddkit("init", "ws", cwd=root)
    assert done.returncode == 0, done.stderr
    ws = root / "ws"
    from tddkit import catalogue, expected
    from tddkit.state import State

    with State(ws / STATE) as state:
        expected.expected_tests(catalogue.find(KATA), state)
    return ws


@pytest.fixture(scope="session")
def robust_template(tmp_path_factory) -> Path:
    return make_template(tmp_path_factory.mktemp("robust-template"))


@pytest.fixture
def ws(robust_template, tmp_path) -> Path:
    """A fresh copy of the template workspace for one case."""
    target = tmp_path / "ws"
    shutil.copytree(robust_template, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def expected_ids(robust_template) -> list[dict]:
    from tddkit import catalogue, expected
    from tddkit.state import State

    with State(robust_template / STATE) as state:
        return expected.expected_tests(catalogue.find(KATA), state)


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def as_unprivileged(*args):
    """The command, run without the powers that let root write anywhere (so that a read-only
    workspace is read-only even in a container that runs as root)."""
    if os.geteuid() != 0:
        return list(args)
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", *args]


needs_read_only = pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("setpriv"),
                                     reason="running as root without setpriv: a read-only folder is not read-only")


# -- a full disk: a real one, a small tmpfs ---------------------------------------------------------

@pytest.fixture
def full_disk(tmp_path):
    """An 8 MB tmpfs of our own (skipped where one cannot be mounted), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk: Path) -> None:
    """Write until the disk has no space left."""
    with open(disk / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError:
            pass


# -- many runs at once ------------------------------------------------------------------------------

class Cases:
    """Cases whose runs start together, a few at a time, when their module's first test asks.

    Each case has a `prepare(ws)` that writes the hostile files into its own fresh workspace and
    returns what the test needs back (usually the learner's text); the run is `tddkit run
    sincostan --json` unless the case gives its own `run(ws)`. Each case's test then checks its
    own run. Only the cases of the tests that were selected are run.
    """

    def __init__(self):
        self.cases: dict[str, tuple] = {}

    def case(self, name: str, env: dict | None = None, run=None):
        def register(prepare):
            self.cases[name] = (prepare, env, run)
            return prepare
        return register

    def start(self, template: Path, root: Path, selected: set[str]) -> dict:
        from concurrent.futures import ThreadPoolExecutor

        wanted = {n: c for n, c in self.cases.items() if n.split("[")[0] in selected}
        pool = ThreadPoolExecutor(max(2, os.cpu_count() or 2))

        def one(name, prepare, env, run):
            ws = root / name.replace("/", "_").replace(" ", "_")
            shutil.copytree(template, ws, symlinks=True)
            back = prepare(ws)
            got = run(ws) if run else tddkit("run", KATA, "--json", cwd=ws, env=env)
            return ws, back, got

        futures = {n: pool.submit(one, n, *c) for n, c in wanted.items()}
        pool.shutdown(wait=False)
        return futures


def selected_tests(request) -> set[str]:
    """The names (without parameters) of the selected tests in the requesting module."""
    module = request.module.__name__
    return {item.originalname for item in request.session.items
            if getattr(item, "module", None) is not None and item.module.__name__ == module}
