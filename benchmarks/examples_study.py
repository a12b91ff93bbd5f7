"""How reliably a Hypothesis property still catches its mutants with fewer examples.

    python benchmarks/examples_study.py --kata mro --test test_linearize_agrees_with_python \
        --examples 150 50 30 --runs 300

Every save waits for every example, so a property's `max_examples` is paid on each save; a cut
must not let a mutant through. For each mutant whose `caught_by` names the test, in a scratch
workspace with the mutant in place, the test is run `runs` times at each example count, each
time with fresh random examples, as a learner's runs draw them, and once derandomized, as
`tddkit verify` runs it. The example count is changed in a copy of the test file (the
`max_examples=N` in the test's own decorators). No shrinking: only whether the test failed
counts. Printed: for each mutant and count, the runs that missed it, and the test's time on the
reference. Not a test: run it on demand, with the Python the kit is installed for.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tddkit import catalogue, content

REFERENCE = content.REFERENCE


def with_examples(test_text: str, test: str, examples: int) -> str:
    """The test file with `test`'s own max_examples set to `examples`."""
    at = test_text.index(f"def {test}(")
    decorators_start = test_text.rfind("\n\n", 0, at)
    head = test_text[decorators_start:at]
    if not re.search(r"max_examples=\d+", head):
        raise SystemExit(f"{test} sets no max_examples=N in its own decorators")
    return test_text[:decorators_start] + re.sub(r"max_examples=\d+", f"max_examples={examples}", head) \
        + test_text[at:]


def worker(workspace: str, test_file: str, test: str, examples: int, runs: int) -> None:
    """In a fresh Python: the runs of one version at one example count, as a JSON line."""
    import os
    import types

    import pytest
    from hypothesis import Phase, settings

    os.chdir(workspace)
    sys.path.insert(0, workspace)
    path = Path(workspace) / test_file
    text = with_examples(path.read_text(encoding="utf-8"), test, examples)

    def load(derandomize: bool):
        """The test, from a fresh copy of its module: a test's @settings take the profile loaded
        when they are made as their defaults."""
        settings.register_profile("study", database=None, derandomize=derandomize, print_blob=False,
                                  report_multiple_bugs=False, phases=[Phase.explicit, Phase.generate])
        settings.load_profile("study")
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        exec(compile(text, str(path), "exec"), module.__dict__)
        return getattr(module, test)

    def fails(function) -> bool:
        try:
            function()
        except (Exception, pytest.fail.Exception):  # pytest's Failed is no Exception
            return True
        return False

    started = time.perf_counter()
    fresh = load(derandomize=False)
    missed = sum(not fails(fresh) for _ in range(runs))
    seconds = (time.perf_counter() - started) / runs
    print(json.dumps({"missed": missed, "derandomized_caught": fails(load(derandomize=True)), "seconds": seconds}))


def study(kata: catalogue.Kata, test: str, version: str, examples: int, runs: int, scratch: Path) -> dict:
    workspace = scratch / version
    if not workspace.exists():
        for rel in kata.shipped:
            content.copy_path(kata.root / rel, workspace / rel)
        content.install(kata, version, workspace)
        (workspace / "katas" / "__init__.py").touch()  # what `tddkit init` writes
    test_file = next(t for t in kata.tests if f"def {test}(" in (kata.root / t).read_text(encoding="utf-8"))
    done = subprocess.run([sys.executable, __file__, "--worker", str(workspace), test_file, test, str(examples),
                           str(runs)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the runs of {version} at {examples} examples failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        workspace, test_file, test, examples, runs = sys.argv[2:7]
        worker(workspace, test_file, test, int(examples), int(runs))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kata", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--examples", type=int, nargs="+", required=True)
    parser.add_argument("--runs", type=int, default=200, help="random runs per mutant and count (default 200)")
    args = parser.parse_args()
    kata = catalogue.find(args.kata)
    mutants = [m.name for m in kata.mutants if args.test in m.caught_by]
    print(f"{kata.id}: {args.test}, {args.runs} random runs per mutant and count; "
          f"mutants it catches in verify: {', '.join(mutants)}")
    print("| mutant | " + " | ".join(f"missed at {n}" for n in args.examples) + " |")
    print("| --- |" + " --- |" * len(args.examples))
    with tempfile.TemporaryDirectory(prefix="tddkit-examples-") as scratch:
        for mutant in mutants:
            cells = []
            for n in args.examples:
                result = study(kata, args.test, mutant, n, args.runs, Path(scratch))
                cells.append(f"{result['missed']}/{args.runs}" + ("" if result["derandomized_caught"]
                                                                  else ", derandomized missed"))
            print(f"| {mutant} | " + " | ".join(cells) + " |", flush=True)
        times = [study(kata, args.test, REFERENCE, n, 20, Path(scratch)) for n in args.examples]
        print("| reference, ms per run | " + " | ".join(f"{1000 * t['seconds']:.0f}" +
                                                     ("" if not t["derandomized_caught"] else ", FAILS")
                                                     for t in times) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
