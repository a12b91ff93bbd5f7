"""Shared helpers for the kit's own tests: run the real `tddkit` in real workspaces."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
PACK = Path(__file__).resolve().parent / "fixtures" / "pack"  # a teacher's kata pack, one tiny kata

collect_ignore = ["fixtures"]  # the pack's kata tests are red on its stub by design


def tddkit(*args: str, cwd: Path, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess, as a learner would."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "tddkit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


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


@pytest.fixture(scope="session")
def pack_template(tmp_path_factory) -> Path:
    """A workspace with the fixture pack's tiny kata `shout` (two tests, one a step), whose timeout is
    2 s: a run of it takes well under a second, a run that loops takes the timeout."""
    root = tmp_path_factory.mktemp("pack-template")
    pack = shutil.copytree(PACK, root / "pack")
    meta = pack / "lessons" / "shout.toml"
    meta.write_text(meta.read_text().replace("timeout = 10", "timeout = 2"))
    done = tddkit("init", "ws", "--pack", str(pack), cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "ws"


@pytest.fixture
def pack_workspace(pack_template, tmp_path) -> Path:
    """A fresh copy of pack_template for one test (the pack it names stays where it is)."""
    return shutil.copytree(pack_template, tmp_path / "ws")
