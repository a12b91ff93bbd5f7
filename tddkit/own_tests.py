"""The learner's own test files, and which kata's run each one joins.

An own test file is any `tests/**/test_*.py` in the workspace that no kata ships. It belongs to
each kata whose module it imports: `import katas.M`, `from katas.M import ...` or
`from katas import M`, or a string that is a dotted name such as "katas.M" (for importlib),
where M is one of the kata's modules (`katas/M.py` or the package `katas/M/`). The imports are
read with `ast`; a file that does not parse is read as text for the same imports, so that its
syntax error is the AMBER of the kata it was written for.

They run after the kata's own files, in the same test process, as
`python -m pytest tests/test_<kata>.py <own files>` runs them: the kata's tests run first, in
file order (pytest imports every file, the learner's too, before the first test runs).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path, PurePosixPath

from tddkit import catalogue, content
from tddkit.catalogue import Kata

PATTERN = "tests/**/test_*.py"
SKIPPED_FOLDERS = {"__pycache__", ".hypothesis", ".pytest_cache"}
MODULE_NAME = re.compile(r"katas(\.\w+)+")  # a whole string such as "katas.greetings.loader"


def kata_modules(kata: Kata) -> set[str]:
    """The names under `katas.` of the kata's own modules: katas/x.py and katas/x/ give x."""
    return {module for path in kata.files for module in kata_modules_of(path)}


def kata_modules_of(path: str) -> list[str]:
    """The module a kata file is under `katas.`: [x] for katas/x.py or katas/x/, else none."""
    parts = PurePosixPath(path).parts
    return [parts[1].removesuffix(".py")] if len(parts) > 1 and parts[0] == "katas" else []


def imported_modules(source: str) -> set[str]:
    """The modules under `katas.` that a test file's source imports (its first level only)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return _imported_in_text(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "katas" else [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_NAME.fullmatch(node.value):
            names = [node.value]  # a name for importlib.import_module, as the package kata's tests use
        else:
            continue
        found |= {name.split(".")[1] for name in names if name.startswith("katas.")}
    return found


def _imported_in_text(source: str) -> set[str]:
    found = set(re.findall(r"^\s*(?:import|from)\s+katas\.(\w+)", source, re.MULTILINE))
    for names in re.findall(r"^\s*from\s+katas\s+import\s+\(?([\w\s,]+)", source, re.MULTILINE):
        found |= {name.split()[0] for name in names.split(",") if name.strip()}
    return found


def shipped_anywhere() -> set[str]:
    """Every path a kata of the catalogue ships or guards: never the learner's own test."""
    return {rel for kata in catalogue.load() for rel in kata.guarded}


def own_test_files(root: Path, kata: Kata) -> list[str]:
    """The learner's test files that import one of the kata's modules, by path, sorted."""
    shipped, modules, files = shipped_anywhere(), kata_modules(kata), []
    for path in sorted(root.glob(PATTERN)):
        rel = path.relative_to(root).as_posix()
        if rel in shipped or SKIPPED_FOLDERS & set(PurePosixPath(rel).parts):
            continue
        data = content.read_regular(path)
        if data is not None and modules & imported_modules(data.decode("utf-8", "replace")):
            files.append(rel)
    return files


def file_of(test_id: str) -> str:
    return test_id.partition("::")[0]
