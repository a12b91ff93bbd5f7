"""Robustness: shortcuts to a GREEN that is not earned. Casual cheats (a conftest.py, an ini option,
a monkeypatch of pytest's outcome machinery, a forged result line, a changed test file) must not
give GREEN. docs/guarantees.md says what is guarded and what is not: code in the test process can
always cheat on purpose.

The runs of the cases start together, a few at a time (Cases in robust_support.py); each
test checks its own. Most cases put a cheat beside a known-wrong solution (a mutant) or the stub: without the
protection the run would be GREEN.
"""

from __future__ import annotations

import textwrap

import pytest
from robust_support import (REFERENCE, REPO, STUB, TESTS, Cases, assert_intact, checked_json, expected_in,  # noqa: F401
                            in_first_call, not_unlocked, robust_template, selected_tests, tddkit, with_reference,
                            write_learner)

from tddkit import catalogue, mutants

SINCOSTAN = catalogue.find("sincostan")
# A known-wrong solution: treats degrees as radians. Only plain asserts catch it.
MUTANT = mutants.files(SINCOSTAN, SINCOSTAN.mutant("degrees_ignored"))["solutions/sincostan.py"]
# A known-wrong solution that fails only the few cases of test_not_a_real_number_is_a_type_error
# (it accepts True and False as angles): its runs are as quick as the reference's.
FEW_WRONG = mutants.files(SINCOSTAN, SINCOSTAN.mutant("bool_accepted"))["solutions/sincostan.py"]

REPORT_EVERYTHING_PASSED = """
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.longrepr = None
"""


CASES = Cases()
case = CASES.case


@pytest.fixture(scope="module")
def runs(robust_template, tmp_path_factory, request):
    return CASES.start(robust_template, tmp_path_factory.mktemp("cheats"), selected_tests(request))


def outcome(runs, name):
    """(workspace, what prepare gave back, the run's JSON) of one case."""
    ws, back, done = runs[name].result()
    return ws, back, checked_json(done)


def assert_not_green(result, ws):
    assert result["light"] in ("red", "amber"), result
    assert result["unlocked"] is False and not_unlocked(ws)


# -- pytest's own machinery, patched to say "passed" ------------------------------------------

CONFTEST_PLACES = ["conftest.py", "tests/conftest.py", "katas/conftest.py"]
for _where in CONFTEST_PLACES:
    @case(f"test_a_conftest_that_rewrites_reports_as_passed_is_not_green[{_where}]")
    def _(ws, where=_where):
        (ws / where).write_text(REPORT_EVERYTHING_PASSED)
        return write_learner(ws, FEW_WRONG)


@pytest.mark.parametrize("where", CONFTEST_PLACES)
def test_a_conftest_that_rewrites_reports_as_passed_is_not_green(runs, where):
    ws, mine, result = outcome(runs, f"test_a_conftest_that_rewrites_reports_as_passed_is_not_green[{where}]")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_a_conftest_that_replaces_every_test_function_is_not_green")
def _(ws):
    (ws / "tests" / "conftest.py").write_text(textwrap.dedent("""
        def pytest_collection_modifyitems(items):
            for item in items:
                item.obj = lambda *args, **kwargs: None
        """))
    return write_learner(ws, FEW_WRONG)


def test_a_conftest_that_replaces_every_test_function_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_a_conftest_that_replaces_every_test_function_is_not_green")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_a_conftest_that_strips_asserts_from_the_tests_is_not_green")
def _(ws):
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
    return write_learner(ws, MUTANT)


def test_a_conftest_that_strips_asserts_from_the_tests_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_a_conftest_that_strips_asserts_from_the_tests_is_not_green")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_learner_code_that_swallows_exceptions_in_pytests_call_machinery_is_not_green")
def _(ws):
    return write_learner(ws, FEW_WRONG + textwrap.dedent("""

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


def test_learner_code_that_swallows_exceptions_in_pytests_call_machinery_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_learner_code_that_swallows_exceptions_in_pytests_call_machinery_is_not_green")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_learner_code_that_makes_test_functions_do_nothing_is_not_green")
def _(ws):
    return write_learner(ws, FEW_WRONG + textwrap.dedent("""

        import _pytest.python
        _pytest.python.Function.runtest = lambda self: None
        """))


def test_learner_code_that_makes_test_functions_do_nothing_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_learner_code_that_makes_test_functions_do_nothing_is_not_green")
    assert_not_green(result, ws)
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


RECORDS_IN_OPEN_FILES = """
import json as _json, os as _os


def _records_in_open_files():
    \"\"\"Every JSON object in the files this process has open, read through each descriptor or,
    for a write-only one, by opening it again through /proc/self/fd (after a record's signature,
    if it has one).\"\"\"
    for fd in range(3, 64):
        try:
            data = _os.pread(fd, 1 << 20, 0)
        except OSError:
            try:
                with open(f"/proc/self/fd/{fd}", "rb") as again:
                    data = again.read(1 << 20)
            except OSError:
                continue
        for line in data.decode(errors="replace").splitlines():
            try:
                record = _json.loads(line if line[:1] == "{" else line.partition(" ")[2])
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def _token_in_records():
    return next((r["token"] for r in _records_in_open_files() if r.get("token")), "")
"""

STEAL_TOKEN = RECORDS_IN_OPEN_FILES + """

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
    return _token_in_records()
"""


@case("test_forged_result_lines_without_the_token_are_ignored")
def _(ws):
    return write_learner(ws, FEW_WRONG + forged_lines(expected_in(ws), '"0" * 32'))


def test_forged_result_lines_without_the_token_are_ignored(runs):
    ws, mine, result = outcome(runs, "test_forged_result_lines_without_the_token_are_ignored")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_the_token_cannot_be_stolen_from_the_environment_or_the_report")
def _(ws):
    return write_learner(ws, in_first_call(forged_lines(expected_in(ws), "_steal_token()"), base=FEW_WRONG + STEAL_TOKEN))


def test_the_token_cannot_be_stolen_from_the_environment_or_the_report(runs):
    ws, mine, result = outcome(runs, "test_the_token_cannot_be_stolen_from_the_environment_or_the_report")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_the_report_opened_again_for_reading_gives_nothing_to_forge_with")
def _(ws):
    # Inside the first test: take what the report holds (the collection, this test's start),
    # write a pass for every test and the session's end, and leave before anything else is said.
    lines = [{"kind": "test", "id": t["id"], "outcome": "passed", "message": "", "details": "", "output": "",
              "duration": 0.0} for t in expected_in(ws)] + [{"kind": "finish", "exitstatus": 0}]
    return write_learner(ws, in_first_call(f"""
        import json, os
        token = _token_in_records()
        for fd in range(3, 64):
            try:
                os.write(fd, "".join(json.dumps({{"token": token, **r}}) + "\\n" for r in {lines!r}).encode())
            except OSError:
                pass
        os._exit(0)
        """, base=FEW_WRONG + RECORDS_IN_OPEN_FILES))


def test_the_report_opened_again_for_reading_gives_nothing_to_forge_with(runs):
    ws, mine, result = outcome(runs, "test_the_report_opened_again_for_reading_gives_nothing_to_forge_with")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_patching_the_math_module_at_import_does_not_change_what_the_tests_compare_with")
def _(ws):
    return write_learner(ws, REFERENCE + "\nmath.isclose = lambda *args, **kwargs: False\n")


def test_patching_the_math_module_at_import_does_not_change_what_the_tests_compare_with(runs):
    # Patched to say "never close", the tests would fail a correct solution: they do not.
    ws, mine, result = outcome(runs, "test_patching_the_math_module_at_import_does_not_change_what_the_tests_compare_with")
    assert result["light"] == "green", result["reason"]
    assert_intact(ws, mine, runs=1)


@case("test_a_fake_tddkit_package_in_the_workspace_is_not_imported")
def _(ws):
    fake = ws / "tddkit"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "child.py").write_text(STEAL_TOKEN + forged_lines(expected_in(ws), "_steal_token()"))
    return write_learner(ws, STUB)


def test_a_fake_tddkit_package_in_the_workspace_is_not_imported(runs):
    ws, mine, result = outcome(runs, "test_a_fake_tddkit_package_in_the_workspace_is_not_imported")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


# -- configuration: ini files, environment, conftest ----------------------------------------------

@case("test_pytest_ini_addopts_that_deselect_the_failing_tests_is_not_green")
def _(ws):
    ini = ws / "pytest.ini"
    ini.write_text(ini.read_text().replace("addopts = -p no:cacheprovider",
                                           'addopts = -p no:cacheprovider -k "not real_number"'))
    return write_learner(ws, FEW_WRONG)


def test_pytest_ini_addopts_that_deselect_the_failing_tests_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_pytest_ini_addopts_that_deselect_the_failing_tests_is_not_green")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


@case("test_pytest_addopts_and_plugins_from_the_learners_shell_are_ignored",
      env={"PYTEST_ADDOPTS": '-k "not real_number"', "PYTEST_PLUGINS": "katas.cheat_plugin"})
def _(ws):
    (ws / "katas" / "cheat_plugin.py").write_text(REPORT_EVERYTHING_PASSED)
    return write_learner(ws, FEW_WRONG)


def test_pytest_addopts_and_plugins_from_the_learners_shell_are_ignored(runs):
    ws, mine, result = outcome(runs, "test_pytest_addopts_and_plugins_from_the_learners_shell_are_ignored")
    assert_not_green(result, ws)
    assert result["light"] == "red", "the tests ran as shipped: the mutant is caught"
    assert_intact(ws, mine, runs=1)


@case("test_a_conftest_that_deselects_tests_is_not_green")
def _(ws):
    (ws / "tests" / "conftest.py").write_text(textwrap.dedent("""
        def pytest_collection_modifyitems(config, items):
            items[:] = [i for i in items if "real_number" not in i.nodeid]
        """))
    return write_learner(ws, FEW_WRONG)


def test_a_conftest_that_deselects_tests_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_a_conftest_that_deselects_tests_is_not_green")
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


# -- skips, xfails, deleted and edited tests -------------------------------------------------------

@case("test_skipping_the_whole_test_module_from_learner_code_is_amber")
def _(ws):
    return write_learner(ws, with_reference("import pytest\npytest.skip('later', allow_module_level=True)\n"))


def test_skipping_the_whole_test_module_from_learner_code_is_amber(runs):
    ws, mine, result = outcome(runs, "test_skipping_the_whole_test_module_from_learner_code_is_amber")
    assert result["light"] == "amber" and "did not run" in result["reason"]
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


SKIP_CALLS = ["pytest.skip('not today')", "pytest.xfail('known')"]
for _call in SKIP_CALLS:
    @case(f"test_skip_or_xfail_from_inside_the_code_under_test_is_not_a_pass[{_call}]")
    def _(ws, call=_call):
        return write_learner(ws, STUB.replace("raise NotImplementedError", f"import pytest; {call}; raise NotImplementedError"))


@pytest.mark.parametrize("call", SKIP_CALLS)
def test_skip_or_xfail_from_inside_the_code_under_test_is_not_a_pass(runs, call):
    ws, mine, result = outcome(runs, f"test_skip_or_xfail_from_inside_the_code_under_test_is_not_a_pass[{call}]")
    assert mine != STUB
    assert_not_green(result, ws)
    assert_intact(ws, mine, runs=1)


CHANGES = ["delete", "skip marker", "xfail marker", "empty"]
for _change in CHANGES:
    @case(f"test_deleting_or_editing_the_kata_tests_is_amber_and_names_the_file[{_change}]")
    def _(ws, change=_change):
        tests = ws / TESTS
        source = tests.read_text()
        if change == "delete":
            tests.unlink()
        elif change == "empty":
            tests.write_text("")
        else:
            marker = "pytest.mark.skip" if change == "skip marker" else "pytest.mark.xfail"
            tests.write_text(source.replace("@pytest.mark.step(", f"@{marker}\n@pytest.mark.step("))
        return write_learner(ws, FEW_WRONG)


@pytest.mark.parametrize("change", CHANGES)
def test_deleting_or_editing_the_kata_tests_is_amber_and_names_the_file(runs, change):
    ws, mine, result = outcome(runs, f"test_deleting_or_editing_the_kata_tests_is_amber_and_names_the_file[{change}]")
    assert result["light"] == "amber" and str(TESTS) in result["reason"] and "reset sincostan --tests" in result["reason"]
    assert_not_green(result, ws)
    assert (ws / "katas" / "sincostan.py").read_text() == mine


@case("test_learner_code_that_rewrites_the_tests_during_the_run_is_not_green")
def _(ws):
    return write_learner(ws, with_reference(f"""
        from pathlib import Path as _Path
        _t = _Path(__file__).resolve().parents[1] / {str(TESTS)!r}
        _t.write_text(_t.read_text() + "\\n# passed, honestly\\n")
        """))


def test_learner_code_that_rewrites_the_tests_during_the_run_is_not_green(runs):
    ws, mine, result = outcome(runs, "test_learner_code_that_rewrites_the_tests_during_the_run_is_not_green")
    assert result["light"] == "amber" and str(TESTS) in result["reason"]
    assert_not_green(result, ws)
    assert (ws / "katas" / "sincostan.py").read_text() == mine


# -- cwd, sys.path and files written into the workspace -----------------------------------------

@case("test_changing_cwd_and_sys_path_and_writing_files_changes_nothing_that_counts")
def _(ws):
    return write_learner(ws, with_reference("""
        import os as _os, tempfile as _tempfile
        _here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
        for _name in ("scratch.txt", "tests/notes.txt", "katas/__pycache__/junk.pyc"):
            _os.makedirs(_os.path.dirname(_os.path.join(_here, _name)), exist_ok=True)
            open(_os.path.join(_here, _name), "w").write("learner was here")
        _os.chdir(_tempfile.gettempdir())
        sys.path.insert(0, _tempfile.gettempdir())
        sys.path.append("/nonexistent")
        """))


def test_changing_cwd_and_sys_path_and_writing_files_changes_nothing_that_counts(runs):
    ws, mine, result = outcome(runs, "test_changing_cwd_and_sys_path_and_writing_files_changes_nothing_that_counts")
    assert result["light"] == "green" and result["passed"] == result["total"] > 100
    assert_intact(ws, mine, runs=1)


@case("test_learner_code_that_wrecks_the_state_file_mid_run_loses_no_light_and_no_code")
def _(ws):
    return write_learner(ws, with_reference("""
        import os as _os
        _db = _os.path.join(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__))), ".tddkit", "state.db")
        with open(_db + ".new", "wb") as _f:
            _f.write(b"this is not a database any more" * 200)
        _os.replace(_db + ".new", _db)
        """))


def test_learner_code_that_wrecks_the_state_file_mid_run_loses_no_light_and_no_code(runs):
    ws, mine, result = outcome(runs, "test_learner_code_that_wrecks_the_state_file_mid_run_loses_no_light_and_no_code")
    assert result["light"] == "green"
    assert (ws / "katas" / "sincostan.py").read_text() == mine
    status = tddkit("status", cwd=ws)
    assert status.returncode == 0 and b"Traceback" not in status.stderr
    assert list((ws / ".tddkit").glob("state.db.unreadable-*")), "the wrecked state file is kept aside"
