"""The learner's shell and the files beside the kata do not change the light, and `run` and
`watch` give one light for one set of files.

Each case is run by `tddkit run` and by `tddkit watch` in workspaces of their own, from the
same files and the same environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from robust_support import (KATA, LEARNER, LEARNER_ENV, REFERENCE, STUB, TESTS, checked_json, not_unlocked,  # noqa: F401
                            plain_pytest, robust_template, run_json, tddkit, write_learner, ws)
from test_watch import SAME_SIZE_WRONG, Watch

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="watch mode's fork server")
# Python writes bytecode (where PYTHONDONTWRITEBYTECODE is set, as on some machines, it would not,
# and no bytecode could be stale).
WRITES_BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}


def watch_light(ws: Path, **env: str) -> dict:
    watch = Watch(ws, **env)
    try:
        return watch.verdict()
    finally:
        watch.stop()


def same_size_same_second_edit(ws: Path) -> None:
    """The wrong version, written with the reference's size and modification time, as an edit of
    the same size within one second looks to Python's timestamp-checked bytecode."""
    path = ws / LEARNER
    before = path.stat()
    path.write_text(SAME_SIZE_WRONG)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def import_with_a_cache_elsewhere(ws: Path, cache: Path) -> None:
    """Import the learner's module once, as the learner's shell would, caching its bytecode under
    `cache`: Python trusts it on the source's size and modification time."""
    env = {**LEARNER_ENV, **WRITES_BYTECODE, "PYTHONPYCACHEPREFIX": str(cache)}
    subprocess.run([sys.executable, "-c", "import katas.sincostan"], cwd=ws, check=True, env=env)
    assert list(cache.rglob("sincostan*.pyc")), "no bytecode was cached there: the case tests nothing"


def test_a_bytecode_cache_elsewhere_never_judges_old_code(ws, tmp_path):
    env = {**WRITES_BYTECODE, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    write_learner(ws, REFERENCE)
    import_with_a_cache_elsewhere(ws, tmp_path / "pycache")
    assert run_json(ws, env=env)["light"] == "green"
    same_size_same_second_edit(ws)
    assert run_json(ws, env=env)["light"] == "red"


def test_a_bytecode_cache_elsewhere_never_judges_old_code_in_watch(ws, tmp_path):
    env = {**WRITES_BYTECODE, "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}
    write_learner(ws, REFERENCE)
    import_with_a_cache_elsewhere(ws, tmp_path / "pycache")
    watch = Watch(ws, **env)
    try:
        assert watch.verdict()["light"] == "green"
        same_size_same_second_edit(ws)
        assert watch.verdict()["light"] == "red"
    finally:
        watch.stop()


@pytest.mark.parametrize("module", ["fractions", "random", "hypothesis"])
def test_a_module_beside_the_kata_that_shadows_one_the_kit_uses_gets_plain_pytest_s_light(module, robust_template,
                                                                                         tmp_path):
    lights = {}
    for how in ("run", "watch", "plain"):
        ws = tmp_path / how
        shutil.copytree(robust_template, ws, symlinks=True)
        write_learner(ws, REFERENCE)
        (ws / f"{module}.py").write_text(f"raise ImportError('this {module}.py is the learner\\'s, not the real one')\n")
        if how == "plain":
            done = plain_pytest(ws)
            lights[how] = "green" if done.returncode == 0 else f"not green (exit {done.returncode})"
        else:
            lights[how] = (run_json(ws) if how == "run" else watch_light(ws))["light"]
    assert lights["run"] == lights["watch"], lights
    assert (lights["run"] == "green") == (lights["plain"] == "green"), lights


def test_a_package_around_the_workspace_is_not_imported(robust_template, tmp_path):
    """Plain pytest collects from the workspace down (its pytest.ini is there); so do the kit's
    runs, though their own configuration file lives elsewhere."""
    lights = {}
    for how in ("run", "watch", "plain"):
        around = tmp_path / how
        ws = around / "ws"
        shutil.copytree(robust_template, ws, symlinks=True)
        write_learner(ws, REFERENCE)
        (around / "__init__.py").write_text("raise SystemExit('the package around the workspace was imported')\n")
        if how == "plain":
            done = plain_pytest(ws)
            lights[how] = "green" if done.returncode == 0 else done.stdout[-2000:]
        else:
            got = run_json(ws) if how == "run" else watch_light(ws)
            lights[how] = got["light"] if got["light"] == "green" else str(got)[:2000]
    assert lights == {"run": "green", "watch": "green", "plain": "green"}, lights


@pytest.mark.parametrize("variable, value", [("PYTEST_PLUGINS", "no_such_plugin"), ("PYTEST_ADDOPTS", "-k zero")])
def test_pytest_variables_of_the_learner_s_shell_are_ignored_by_watch_as_by_run(variable, value, ws):
    write_learner(ws, STUB)
    assert run_json(ws, env={variable: value})["light"] == "red"
    got = watch_light(ws, **{variable: value})
    assert got["light"] == "red" and got["passed"] == 0, got["reason"]


def test_an_init_file_beside_the_tests_is_amber_until_reset_moves_it_aside(ws):
    write_learner(ws, REFERENCE)
    (ws / "tests" / "__init__.py").write_text("")  # even empty, it changes how pytest imports the tests
    result = run_json(ws)
    assert result["light"] == "amber" and "tests/__init__.py" in result["reason"], result["reason"]
    assert not_unlocked(ws)
    done = tddkit("reset", KATA, "--tests", cwd=ws)
    assert done.returncode == 0, done.stderr
    assert not (ws / "tests" / "__init__.py").exists()
    assert run_json(ws)["light"] == "green"


def test_bytecode_dropped_beside_the_tests_is_never_run(ws):
    """A pyc where pytest keeps its rewritten tests, carrying the test file's own hash (so pytest
    would take it) but other code: the kit's runs never read bytecode from the workspace's tests."""
    import importlib.util
    import marshal

    from _pytest.assertion.rewrite import PYC_TAIL

    source = (ws / TESTS).read_bytes()
    forged = compile("raise SystemExit('forged bytecode ran')", str(ws / TESTS), "exec")
    cache = ws / "tests" / "__pycache__"
    cache.mkdir(exist_ok=True)
    (cache / (TESTS.name[:-3] + PYC_TAIL)).write_bytes(
        importlib.util.MAGIC_NUMBER + b"\x03\x00\x00\x00" + importlib.util.source_hash(source)[:8] + marshal.dumps(forged))
    result = run_json(ws)
    assert result["light"] == "red" and result["passed"] == 0, result["reason"]
    assert watch_light(ws)["light"] == "red"


def test_python_m_tddkit_never_imports_the_workspace_s_modules_in_place_of_its_own(ws):
    """`python -m tddkit` puts the workspace first on sys.path, as `python -m` does: a learner's
    `json.py` there would be the kit's json. It must run as the `tddkit` command does."""
    write_learner(ws, REFERENCE)
    (ws / "json.py").write_text("raise ImportError(\"this json.py is the learner's\")\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TDDKIT_")}
    done = subprocess.run([sys.executable, "-m", "tddkit", "run", KATA, "--json"], cwd=ws, capture_output=True,
                          timeout=90, env=env, stdin=subprocess.DEVNULL)
    assert checked_json(done)["light"] == run_json(ws)["light"]
