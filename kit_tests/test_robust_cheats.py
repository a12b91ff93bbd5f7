"""Robustness: shortcuts to a GREEN that is not earned. Casual cheats (a conftest.py, an ini option,
a monkeypatch of pytest's outcome machinery, a forged result line, a changed test file) must not
give GREEN. docs/guarantees.md says what is guarded and what is not: code in the test process can
always cheat on purpose.

Most cases put a cheat beside the *stub* (every test fails) or a known-wrong solution (a mutant):
without the protection the run would be GREEN.
"""

from __future__ import annotations

import json
import textwrap

import pytest
from robust_support import (KATA, REFERENCE, REPO, STUB, TESTS, assert_intact, expected_ids,  # noqa: F401
                            in_first_call, not_unlocked, robust_template, run_json, state_rows, tddkit,
                            with_reference, write_learner, ws)

# A known-wrong solution: treats degrees as radians. Only plain asserts catch it.
MUTANT = (REPO / "mutants" / "sincostan" / "degrees_ignored" / "sincostan.py").read_text()

REPORT_EVERYTHING_PASSED = """
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
"""


def assert_not_green(result, ws):
    assert result["light"] in ("red", "amber"), result
    assert result["unlocked"] is False and not_unlocked(ws)


# -- pytest's own machinery, patched to say "passed" ------------------------------------------

@pytest.mark.parametrize("where", ["conftest.py", "tests/conftest.py", "katas/conftest.py"])
def test_a_conftest_that_rewrites_reports_as_passed_is_not_green(ws, where):
    (ws / where).write_text(REPORT_EVERYTHING_PASSED)
    mine = write_learner(ws, STUB)
    result = run_json(ws)
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


def test_a_conftest_that_replaces_every_test_function_is_not_green(ws):
    (ws / "tests" / "conftest.py").write_text(textwrap.dedent("""
        def pytest_collection_modifyitems(items):
            for item in items:
                item.obj = lambda *args, **kwargs: None
        """))
    mine = write_learner(ws, STUB)
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


def test_a_conftest_that_strips_asserts_from_the_tests_is_not_green(ws):
    (ws / "conftest.py").write_text(textwrap.dedent("""
        import ast
        import _pytest.assertion.rewrite as rewrite

        def _no_asserts(mod, *args, **kwargs):
            for node in ast.walk(mod):
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(node, field, None)
                    if isinstance(block, list):
                        block[:] = [ast.Pass() if isinstance(s, ast.Assert) else s for s in block]

        rewrite.rewrite_asserts = _no_asserts
        """))
    mine = write_learner(ws, MUTANT)
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


def test_learner_code_that_swallows_exceptions_in_pytests_call_machinery_is_not_green(ws):
    mine = write_learner(ws, STUB + textwrap.dedent("""

        from _pytest.runner import CallInfo as _CallInfo
        _from_call = _CallInfo.from_call.__func__

        def _quiet(cls, func, when, reraise=None):
            def swallowed():
                try:
                    return func()
                except BaseException:
                    return None
            return _from_call(cls, swallowed, when, reraise)

        _CallInfo.from_call = classmethod(_quiet)
        """))
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


def test_learner_code_that_makes_test_functions_do_nothing_is_not_green(ws):
    mine = write_learner(ws, STUB + textwrap.dedent("""

        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None
        """))
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


# -- the kit's result channel -------------------------------------------------------------------

def forged_lines(expected, token_expr: str) -> str:
    """Code that writes a "passed" record for every expected test, and a finish, to every open
    descriptor, when the process exits (so that they come after any real records)."""
    lines = [{"kind": "test", "id": t["id"], "outcome": "passed", "message": "", "details": "",
              "output": "", "duration": 0.0} for t in expected]
    lines.append({"kind": "finish", "exitstatus": 0})
    return f"""
import atexit as _atexit, json as _json, os as _os
_token = {token_expr}


@_atexit.register
def _forge():
    data = "".join(_json.dumps({{"token": _token, **r}}) + "\\n" for r in {lines!r}).encode()
    for fd in range(3, 64):
        try:
            _os.write(fd, data)
        except OSError:
            pass
"""


def test_forged_result_lines_without_the_token_are_ignored(ws, expected_ids):
    mine = write_learner(ws, STUB + forged_lines(expected_ids, '"0" * 32'))
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


STEAL_TOKEN = """
import json as _json, os as _os


def _steal_token():
    \"\"\"The run's token, from wherever a learner might find it: the environment as the process
    started (/proc/self/environ), a token pipe, or lines already written to the report.\"\"\"
    for kv in open("/proc/self/environ", "rb").read().split(b"\\0"):
        name, _, value = kv.partition(b"=")
        if name == b"TDDKIT_TOKEN":
            return value.decode()
        if name.startswith(b"TDDKIT_") and name.endswith(b"_FD"):
            try:
                got = _os.read(int(value), 64).decode().strip()
            except (OSError, ValueError):
                got = ""
            if got:
                return got
    for fd in range(3, 64):
        try:
            data = _os.pread(fd, 1 << 20, 0)
        except OSError:
            continue
        for line in data.decode(errors="replace").splitlines():
            try:
                record = _json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("token"):
                return record["token"]
    return ""
"""


def test_the_token_cannot_be_stolen_from_the_environment_or_the_report(ws, expected_ids):
    mine = write_learner(ws, in_first_call(forged_lines(expected_ids, "_steal_token()"), base=STUB + STEAL_TOKEN))
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


# -- configuration: ini files, environment ------------------------------------------------------

def test_pytest_ini_addopts_that_deselect_the_failing_tests_is_not_green(ws):
    ini = ws / "pytest.ini"
    ini.write_text(ini.read_text().replace("addopts = -p no:cacheprovider",
                                           'addopts = -p no:cacheprovider -k "not degrees and not quarter and not poles"'))
    mine = write_learner(ws, MUTANT)
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


def test_pytest_addopts_and_plugins_from_the_learners_shell_are_ignored(ws):
    (ws / "katas" / "cheat_plugin.py").write_text(REPORT_EVERYTHING_PASSED)
    mine = write_learner(ws, MUTANT)
    result = run_json(ws, env={"PYTEST_ADDOPTS": '-k "not degrees"', "PYTEST_PLUGINS": "katas.cheat_plugin"})
    assert_not_green(result, ws)
    assert result["light"] == "red", "the tests ran as shipped: the mutant is caught"
    assert_intact(ws, mine, runs=1)


def test_a_conftest_that_deselects_tests_is_not_green(ws):
    (ws / "tests" / "conftest.py").write_text(textwrap.dedent("""
        def pytest_collection_modifyitems(config, items):
            items[:] = [i for i in items if "degrees" not in i.nodeid]
        """))
    mine = write_learner(ws, MUTANT)
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


def test_a_fake_tddkit_package_in_the_workspace_is_not_imported(ws, expected_ids):
    fake = ws / "tddkit"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "child.py").write_text(STEAL_TOKEN + forged_lines(expected_ids, "_steal_token()"))
    mine = write_learner(ws, STUB)
    assert_not_green(run_json(ws), ws)
    assert_intact(ws, mine, runs=1)


# -- skips, xfails, deleted and edited tests -------------------------------------------------------

@pytest.mark.parametrize("hostile", [
    "import pytest\npytest.skip('later', allow_module_level=True)\n",
])
def test_skipping_the_whole_test_module_from_learner_code_is_amber(ws, hostile):
    mine = write_learner(ws, with_reference(hostile))
    result = run_json(ws)
    assert result["light"] == "amber" and "did not run" in result["reason"]
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@pytest.mark.parametrize("call", ["pytest.skip('not today')", "pytest.xfail('known')"])
def test_skip_or_xfail_from_inside_the_code_under_test_is_not_a_pass(ws, call):
    mine = write_learner(ws, STUB.replace("raise NotImplementedError", f"import pytest; {call}; raise NotImplementedError"))
    assert mine != STUB
    result = run_json(ws)
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@pytest.mark.parametrize("change", ["delete", "skip marker", "xfail marker", "empty"])
def test_deleting_or_editing_the_kata_tests_is_amber_and_names_the_file(ws, change):
    tests = ws / TESTS
    source = tests.read_text()
    if change == "delete":
        tests.unlink()
    elif change == "empty":
        tests.write_text("")
    else:
        marker = "pytest.mark.skip" if change == "skip marker" else "pytest.mark.xfail"
        tests.write_text(source.replace("@pytest.mark.step(", f"@{marker}\n@pytest.mark.step("))
    mine = write_learner(ws, MUTANT)
    result = run_json(ws)
    assert result["light"] == "amber" and str(TESTS) in result["reason"] and "reset sincostan --tests" in result["reason"]
    assert_not_green(result, ws)
    assert (ws / "katas" / "sincostan.py").read_text() == mine


def test_learner_code_that_rewrites_the_tests_during_the_run_is_not_green(ws):
    mine = write_learner(ws, with_reference(f"""
        from pathlib import Path as _Path
        _t = _Path(__file__).resolve().parents[1] / {str(TESTS)!r}
        _t.write_text(_t.read_text() + "\\n# passed, honestly\\n")
        """))
    result = run_json(ws)
    assert result["light"] == "amber" and str(TESTS) in result["reason"]
    assert_not_green(result, ws)


# -- cwd, sys.path and files written into the workspace -----------------------------------------

def test_changing_cwd_and_sys_path_and_writing_files_changes_nothing_that_counts(ws):
    mine = write_learner(ws, with_reference("""
        import os as _os, tempfile as _tempfile
        _here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
        for _name in ("scratch.txt", "tests/notes.txt", "katas/__pycache__/junk.pyc"):
            _os.makedirs(_os.path.dirname(_os.path.join(_here, _name)), exist_ok=True)
            open(_os.path.join(_here, _name), "w").write("learner was here")
        _os.chdir(_tempfile.gettempdir())
        sys.path.insert(0, _tempfile.gettempdir())
        sys.path.append("/nonexistent")
        """))
    result = run_json(ws)
    assert result["light"] == "green" and result["passed"] == result["total"] > 100
    assert_intact(ws, mine, runs=1)


def test_learner_code_that_wrecks_the_state_file_mid_run_loses_no_light_and_no_code(ws):
    mine = write_learner(ws, with_reference("""
        import os as _os
        _db = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), ".tddkit", "state.db")
        with open(_db + ".new", "wb") as _f:
            _f.write(b"this is not a database any more" * 200)
        _os.replace(_db + ".new", _db)
        """))
    done = tddkit("run", KATA, "--json", cwd=ws)
    assert b"Traceback" not in done.stderr, done.stderr.decode()[-3000:]
    result = json.loads(done.stdout)
    assert result["light"] == "green"
    assert (ws / "katas" / "sincostan.py").read_text() == mine
    status = tddkit("status", cwd=ws)
    assert status.returncode == 0 and b"Traceback" not in status.stderr
    assert list((ws / ".tddkit").glob("state.db.unreadable-*")), "the wrecked state file is kept aside"
