"""`tddkit coverage`: the learner's lines and branches that no test ran, and an HTML report."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import tddkit, write_reference

# A partial sincostan whose coverage is known line by line: the frozenset check never fires
# (no test passes a frozenset), never_called is never called, and the script part runs only in
# the tests' subprocesses (`python -m katas.sincostan ...`), which must be measured too.
PARTIAL = '''\
"""A partial sincostan."""
import math
import sys
from typing import NamedTuple


class SinCosTan(NamedTuple):
    sin: float
    cos: float
    tan: float


def sincostan(angle, *, degrees=False):
    if isinstance(angle, frozenset):
        raise TypeError("a frozenset is not an angle")
    if degrees:
        angle = math.radians(angle)
    return SinCosTan(math.sin(angle), math.cos(angle), math.tan(angle))


def never_called():
    return "no test asks for this"


if __name__ == "__main__":
    print(sincostan(float(sys.argv[1])))

if sys.version_info >= (3,):  # always true: the jump past it, out of the file, never happens
    BRAND_NEW = True
'''
LINES = PARTIAL.splitlines()
IF_FROZENSET = LINES.index("    if isinstance(angle, frozenset):") + 1
RAISE = IF_FROZENSET + 1
NEVER_CALLED_BODY = LINES.index('    return "no test asks for this"') + 1
ALWAYS_TRUE = LINES.index("if sys.version_info >= (3,):  # always true: the jump past it, out of the file, never happens") + 1


def test_coverage_names_the_lines_and_branches_no_test_ran(workspace):
    (workspace / "katas" / "sincostan.py").write_text(PARTIAL)
    done = tddkit("coverage", "sincostan", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    listed = {int(n) for n in re.findall(r"^\s+(\d+)  ", out, re.MULTILINE)}
    assert listed == {IF_FROZENSET, RAISE, NEVER_CALLED_BODY, ALWAYS_TRUE}, out
    assert re.search(rf"^\s+{ALWAYS_TRUE}  +if sys.version_info.*never went on to the end of the file$", out, re.M)
    assert re.search(rf"^\s+{IF_FROZENSET}  +if isinstance\(angle, frozenset\):.*never went on to line {RAISE}$", out, re.M)
    assert re.search(rf"^\s+{RAISE}  +raise TypeError.*never ran$", out, re.M)
    assert re.search(rf"^\s+{NEVER_CALLED_BODY}  +return \"no test asks for this\".*never ran$", out, re.M)
    assert "katas/sincostan.py" in out and "tests/" not in out, "only the learner's code is measured"
    percent = int(re.search(r"Coverage of sincostan .*: (\d+)%", out).group(1))
    assert 50 < percent < 100
    html = Path(re.search(r"HTML report: (.+)$", out, re.M).group(1))
    assert html.is_file() and html.is_relative_to(workspace)
    assert "sincostan.py" in html.read_text()
    assert "Some tests of sincostan fail" in out and "tddkit run sincostan" in out, "a RED kata's coverage says so"


def test_full_coverage_says_so(workspace):
    (workspace / "katas" / "sincostan.py").write_text(PARTIAL.split("\n\ndef never_called")[0].replace(
        '    if isinstance(angle, frozenset):\n        raise TypeError("a frozenset is not an angle")\n', "") + "\n")
    done = tddkit("coverage", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Every line and branch of your code ran in some test." in done.stdout and "100%" in done.stdout


def test_coverage_of_a_green_kata_mentions_no_failing_test(workspace):
    write_reference(workspace)
    done = tddkit("coverage", "sincostan", cwd=workspace)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Coverage of sincostan" in done.stdout and "fail" not in done.stdout


def test_coverage_of_code_that_cannot_be_imported_is_a_one_line_error(workspace, tmp_path):
    (workspace / "katas" / "sincostan.py").write_text("def sincostan(:\n")
    done = tddkit("coverage", "sincostan", cwd=workspace)
    assert done.returncode == 3 and done.stdout == ""
    assert "could not run" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    outside = tddkit("coverage", cwd=tmp_path)
    assert outside.returncode == 2 and "tddkit init" in outside.stderr
