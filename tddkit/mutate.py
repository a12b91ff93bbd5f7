"""`tddkit verify --mutate KATA`: machine-made mutants of a kata's reference, for its author.

cosmic-ray (the `mutate` extra) only *makes* the mutants: each of its operators, at each place it
applies, gives one mutated source file. Each mutant then runs like any other version of the kata:
in a scratch workspace, through the kit's runner and `light.decide`. A mutant is killed when its
light is not GREEN (a timeout is AMBER, so it counts as killed, and is counted apart); a GREEN one
survives, and is either a gap in the tests or an equivalent, recorded with its reason as an
`[[equivalent]]` of `lessons/<kata>.toml` and never reported again.

cosmic-ray's own runner is not used: it mutates the file in place and runs a test command per
mutant, where the kit must run each mutant in its own workspace, in parallel, judged by its lights.
"""

from __future__ import annotations

import difflib
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tddkit import content, light, messages, verify
from tddkit.catalogue import Equivalent, Kata
from tddkit.errors import UsageError
from tddkit.expected import collect

# A mutant that loops for ever costs its whole timeout: allow some multiple of the reference's
# own run (a mutant may be slower, not much slower), never less than this, never more than the kata's.
TIMEOUT_FACTOR = 5
MIN_TIMEOUT = 10.0
DIFF_LINES = 8  # of a survivor's diff, enough to read the change


@dataclass(frozen=True)
class Machined:
    """One machine-made mutant: `text` is the mutated reference file `file` (solutions/...)."""
    file: str
    operator: str
    occurrence: int
    old: str  # the changed lines of the reference, each stripped
    new: str  # the same lines in the mutant
    line: int  # where the change starts, for the reader only (the identity has no line number)
    diff: tuple[str, ...]
    text: str

    @property
    def identity(self) -> tuple[str, str, str, str]:
        return self.file, self.operator, self.old, self.new


def library():
    """cosmic-ray's mutation API, or the one line that says how to install it."""
    try:
        import cosmic_ray.plugins
        from cosmic_ray.ast import ast_nodes, get_ast
        from cosmic_ray.mutating import mutate_code
    except ImportError:
        raise UsageError(messages.MUTATE_NEEDS_EXTRA) from None
    return cosmic_ray.plugins, ast_nodes, get_ast, mutate_code


def reference_files(kata: Kata) -> list[str]:
    """The kata's reference Python files, by their content path (solutions/...)."""
    found = []
    for path in kata.files:
        source = kata.root / content.reference_path(path)
        files = [source] if source.is_file() else sorted(source.rglob("*.py")) if source.is_dir() else []
        found += [str(f.relative_to(kata.root)) for f in files if f.suffix == ".py" and "__pycache__" not in f.parts]
    return found


def mutants(kata: Kata) -> list[Machined]:
    """Every mutant cosmic-ray's operators make of the reference, once per distinct mutated file.
    Operators that need arguments (the variable replacers) are left out: they need a name to aim at."""
    plugins, ast_nodes, get_ast, mutate_code = library()
    operators = [(name, plugins.get_operator(name)) for name in plugins.operator_names()]
    operators = [(name, cls()) for name, cls in operators if not cls.arguments()]
    found = []
    for file in reference_files(kata):
        original = (kata.root / file).read_text(encoding="utf-8")
        nodes = list(ast_nodes(get_ast(original)))
        seen = {original}
        for name, operator in operators:
            places = sum(1 for node in nodes for _ in operator.mutation_positions(node))
            for occurrence in range(places):
                text = mutate_code(original, operator, occurrence)
                if text is None or text in seen:
                    continue
                seen.add(text)
                found.append(_machined(file, name, occurrence, original, text))
    return found


def _machined(file: str, operator: str, occurrence: int, original: str, text: str) -> Machined:
    before, after = original.splitlines(), text.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    old = [line for _, i1, i2, _, _ in changed for line in before[i1:i2]]
    new = [line for _, _, _, j1, j2 in changed for line in after[j1:j2]]
    diff = tuple(["-" + line for line in old] + ["+" + line for line in new])
    return Machined(file, operator, occurrence, "\n".join(l.strip() for l in old), "\n".join(l.strip() for l in new),
                    changed[0][1] + 1 if changed else 0, diff, text)


def _key(equivalent: Equivalent) -> tuple[str, str, str, str]:
    return equivalent.file, equivalent.operator, equivalent.old, equivalent.new


def split_known(kata: Kata, found: list[Machined]) -> tuple[list[Machined], list[Machined]]:
    """The mutants recorded as equivalent in the kata's metadata, and the others."""
    known = {_key(e) for e in kata.equivalents}
    return [m for m in found if m.identity in known], [m for m in found if m.identity not in known]


def stale_equivalents(kata: Kata, found: list[Machined]) -> list[Equivalent]:
    """Recorded equivalents that no mutant of the reference matches now (its line changed)."""
    made = {m.identity for m in found}
    return [e for e in kata.equivalents if _key(e) not in made]


def record(kata: Kata, mutant: Machined) -> list[str]:
    """The `[[equivalent]]` entry that would record this mutant (TOML basic strings: JSON's escapes)."""
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)
    return ["[[equivalent]]", f"file = {quoted(mutant.file)}", f"operator = {quoted(mutant.operator)}",
            f"old = {quoted(mutant.old)}", f"new = {quoted(mutant.new)}", 'reason = "..."']


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def mutate_kata(kata: Kata, pool: ThreadPoolExecutor, out=print) -> int:
    """Run the kata's tests against each new machine-made mutant; 0 when none survives."""
    started = time.monotonic()
    import importlib.metadata

    found = mutants(kata)
    known, new = split_known(kata, found)
    expected = collect(kata)
    out(messages.MUTATE_START.format(kata=kata.id, total=len(found), version=importlib.metadata.version("cosmic-ray"),
                                     known=len(known), equivalents=_plural(len(known), "equivalent"), run=len(new),
                                     workers=verify.WORKERS))
    for n, equivalent in enumerate(stale_equivalents(kata, found), start=1):
        out(messages.MUTATE_STALE.format(kata=kata.id, n=n, operator=equivalent.operator, old=equivalent.old))
    reference_started = time.monotonic()
    reference = verify.run_version(kata, content.REFERENCE, expected)
    if reference.light != light.GREEN:
        out(messages.MUTATE_REFERENCE_NOT_GREEN.format(kata=kata.id, reason=reference.reason or reference.light))
        return 1
    timeout = min(kata.timeout, max(MIN_TIMEOUT, math.ceil(TIMEOUT_FACTOR * (time.monotonic() - reference_started))))
    verdicts = list(pool.map(lambda m: verify.run_version(kata, content.REFERENCE, expected, timeout=timeout,
                                                          overlay={content.learner_path(m.file): m.text}), new))
    survivors = [m for m, v in zip(new, verdicts) if v.light == light.GREEN]
    timed_out = messages.TIMED_OUT.split("{")[0]
    timeouts = sum(v.light == light.AMBER and (v.reason or "").startswith(timed_out) for v in verdicts)
    killed = len(new) - len(survivors)
    for n, mutant in enumerate(survivors, start=1):
        out(messages.MUTATE_SURVIVOR.format(n=n, of=len(survivors), file=mutant.file, line=mutant.line,
                                            operator=mutant.operator))
        shown = mutant.diff[:DIFF_LINES] + (("  ...",) if len(mutant.diff) > DIFF_LINES else ())
        out("\n".join("  " + line for line in shown))
        out(messages.MUTATE_RECORD.format(meta=Path("lessons") / f"{kata.id}.toml"))
        out("\n".join("    " + line for line in record(kata, mutant)))
    out(messages.MUTATE_SCORE.format(kata=kata.id, killed=killed, run=len(new), timeouts=timeouts, timeout=timeout,
                                     score=f"{100 * killed / len(new):.0f}%" if new else "n/a",
                                     survivors=len(survivors), survivor_word=_plural(len(survivors), "survivor"),
                                     seconds=time.monotonic() - started))
    return 1 if survivors else 0


def mutate(katas: list[Kata], out=print) -> int:
    """`tddkit verify --mutate`: 0 when no kata has a new survivor, 1 otherwise."""
    if not katas:
        raise UsageError(messages.MUTATE_NEEDS_KATA)
    library()
    with ThreadPoolExecutor(verify.WORKERS) as pool:
        return max(mutate_kata(kata, pool, out) for kata in katas)
