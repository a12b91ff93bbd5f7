"""`tddkit coverage`: the kata's tests under coverage.py, measuring only the learner's code.

Branch coverage, and the tests' own subprocesses measured too (a kata's script part runs in
`python -m katas.x` subprocesses), so that "never ran" means no test asked for it. Prints the
lines and branches no test ran and writes an HTML report under htmlcov/<kata>/ in the workspace.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tddkit import messages
from tddkit.errors import TddkitError

RC_TEMPLATE = """\
[run]
branch = true
data_file = {data}
include =
{include}
patch = subprocess

[html]
directory = {html}
title = {kata}: code no test asked for
"""


class TestsCouldNotRun(TddkitError):
    """The kata's tests could not run, so there is nothing to measure (an AMBER)."""

    exit_status = 3


@dataclass
class Report:
    text: str
    percent: float
    html: Path
    missing: dict  # path -> {"lines": [...], "branches": [[from, to], ...]}


def learner_patterns(root: Path, kata) -> list[str]:
    """coverage.py include patterns for the kata's files (a folder means everything under it)."""
    return [as_pattern(root / f) + ("/*" if (root / f).is_dir() else "") for f in kata.files]


def as_pattern(path: Path) -> str:
    """A path as a coverage.py pattern that matches it: a `[` or `]` in it (`ws[1]`) would be read
    as a character class, so each becomes `?`, any one character."""
    return str(path).replace("[", "?").replace("]", "?")


def rc_value(text: str) -> str:
    """Text as a value in coverage.py's config, where `$X` is an environment variable: `$$` is `$`."""
    return text.replace("$", "$$")


def measure(root: Path, kata) -> tuple[Path, bool]:
    """Run the tests under coverage: the path of the config file that finds the data, and
    whether some tests failed."""
    from tddkit.child import forget_stale_bytecode

    folder = root / ".tddkit" / "coverage" / kata.id
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(".coverage*"):
        old.unlink()
    rc = folder / "coveragerc"
    include = "\n".join(f"    {rc_value(p)}" for p in learner_patterns(root, kata))
    rc.write_text(RC_TEMPLATE.format(data=rc_value(str(folder / ".coverage")), include=include,
                                     html=rc_value(str(root / "htmlcov" / kata.id)), kata=kata.id))
    forget_stale_bytecode(root)  # coverage must see the source as saved, as the runs do
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "COVERAGE_FILE", "COVERAGE_RCFILE")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", "-m", "pytest", *kata.tests,
               "-q", "-p", "no:cacheprovider", "--no-header", "--tb=no"]
    proc = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        status = proc.wait(timeout=kata.timeout * 3)
    except subprocess.TimeoutExpired:
        status = None
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    if status not in (0, 1):  # 1: some tests failed, which is fine; anything else: they did not run
        raise TestsCouldNotRun(messages.COVERAGE_TESTS_COULD_NOT_RUN.format(kata=kata.id))
    return rc, status == 1


def report(ws, kata) -> Report:
    import coverage

    rc, some_fail = measure(ws.root, kata)
    cov = coverage.Coverage(config_file=str(rc))
    cov.combine()
    cov.save()
    cov.load()
    json_path = rc.with_name("coverage.json")
    percent = cov.json_report(outfile=str(json_path))
    html = Path(cov.config.html_dir) / "index.html"
    cov.html_report()
    import json

    files = json.loads(json_path.read_text())["files"]
    missing = {}
    for name, data in sorted(files.items()):
        path = Path(name) if Path(name).is_absolute() else ws.root / name
        missing[path] = {"lines": data["missing_lines"], "branches": data.get("missing_branches", [])}
    text = render(ws.root, kata, percent, missing, html)
    if some_fail:
        text += "\n" + messages.COVERAGE_SOME_FAIL.format(kata=kata.id)
    return Report(text=text, percent=percent, html=html, missing=missing)


def exit_of(arc_target: int) -> str:
    """coverage.py names a branch that leaves a code object by minus its first line: a
    module's starts at line 1, a function's at its `def`."""
    return messages.COVERAGE_EXIT_FILE if arc_target == -1 else messages.COVERAGE_EXIT


def render(root: Path, kata, percent: float, missing: dict, html: Path) -> str:
    lines = [messages.COVERAGE_SUMMARY.format(kata=kata.id, percent=percent)]
    measured = {p.resolve() for p in missing}
    never_imported = [p for pattern in kata.files for p in _python_files(root / pattern) if p.resolve() not in measured]
    if all(not m["lines"] and not m["branches"] for m in missing.values()) and not never_imported:
        lines.append(messages.COVERAGE_ALL_ASKED)
    else:
        lines.append(messages.COVERAGE_NOT_ASKED)
        for path, m in missing.items():
            if not m["lines"] and not m["branches"]:
                continue
            lines.append(messages.COVERAGE_FILE.format(path=_rel(root, path)))
            source = path.read_text(encoding="utf-8", errors="replace").splitlines()
            code = lambda n: source[n - 1].strip() if 0 < n <= len(source) else ""  # noqa: E731
            entries = [(n, 0, messages.COVERAGE_LINE.format(line=n, source=code(n))) for n in m["lines"]]
            entries += [(a, 1, messages.COVERAGE_BRANCH.format(
                line=a, source=code(a),
                target=messages.COVERAGE_TO_LINE.format(b) if b > 0 else exit_of(b)))
                for a, b in m["branches"]]
            lines += [text for _, _, text in sorted(entries)]
        for path in never_imported:
            lines.append(messages.COVERAGE_NOT_MEASURED.format(path=_rel(root, path)))
    lines.append(messages.COVERAGE_HTML.format(html))
    return "\n".join(lines)


def _python_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path] if path.suffix == ".py" and path.exists() else []


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
