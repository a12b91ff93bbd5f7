"""`tddkit new-test KATA`: a starter file for the learner's own tests of a kata.

It imports the kata's module the way own_tests.py ties a file to a kata, and holds one example
test that passes on any code (it only names the kata's first public function or class), to be
replaced by the learner's first real test.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tddkit import content, messages, own_tests
from tddkit.catalogue import Kata
from tddkit.errors import UsageError

STARTER = '''\
"""My own tests of the {kata} kata.

`tddkit run {kata}` and `tddkit watch {kata}` run them after the kata's tests, in the same
process, as `python -m pytest tests/test_{kata}.py {path}` would: a failing one makes the run
RED, and the solution unlocks only when they pass too. Write a test, see it fail, make it pass.
`tddkit write-tests {kata}` grades them instead of your code: each must pass on a correct
solution, and each known mistake must fail at least one of them.
"""

from katas import {module}


def test_my_first_example():
    # Replace this with a test of your own: use what the lesson's contract describes (such as
    # {module}.{name}) with an input you choose, and assert what it must give back.
    assert {module}.{name} is not None
'''


def starter_path(kata: Kata) -> str:
    return f"tests/test_my_{kata.id}.py"


def first_public_name(kata: Kata, module: str) -> str | None:
    """The first public function (else class) at the top of the kata's stub module."""
    stub = content.version_source(kata, content.STUB, f"katas/{module}.py")
    if not stub.is_file():
        stub = content.version_source(kata, content.STUB, f"katas/{module}") / "__init__.py"
    try:
        tree = ast.parse(stub.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    public = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
              and not node.name.startswith("_")]
    public.sort(key=lambda node: isinstance(node, ast.ClassDef))  # stable: functions first, in file order
    return public[0].name if public else None


def write_starter(root: Path, kata: Kata) -> str:
    """Write the starter file and return its path; a UsageError if a file is there already."""
    path = starter_path(kata)
    target = root / path
    if target.exists() or target.is_symlink():
        raise UsageError(messages.NEW_TEST_EXISTS.format(path=path))
    module = next(m for f in kata.files for m in own_tests.kata_modules_of(f))
    name = first_public_name(kata, module) or "__name__"
    text = STARTER.format(kata=kata.id, path=path, module=module, name=name)
    try:
        with open(target, "x", encoding="utf-8") as f:  # "x": never over a file made meanwhile
            f.write(text)
    except OSError as err:
        raise UsageError(messages.NEW_TEST_FAILED.format(path=path, error=err.strerror or err)) from None
    return path
