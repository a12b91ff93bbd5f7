"""Reading a folder of katas: the kit's own content, or a teacher's kata pack, laid out alike.

    katas.toml            order = ["first", "second"]: the katas, in learning order
    lessons/<kata>.toml   files, tests, given, timeout and the mutants (as changes to the reference)
    lessons/<kata>.md     the title, the lesson and each step's hints (see tddkit/lessons.py)
    katas/  solutions/  tests/   stubs, reference solutions, tests and given files

Every problem found is one line of the PackError, naming its file: an author fixes them all at once.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tddkit import lessons, messages
from tddkit.catalogue import Change, Equivalent, Kata, Mutant
from tddkit.errors import TddkitError

INDEX = "katas.toml"
KATA_KEYS = {"files": list, "tests": list, "given": list, "timeout": (int, float), "mutants": list,
             "equivalent": list}
REQUIRED = ("files", "tests")
MUTANT_KEYS = {"name": str, "kind": str, "mistake": str, "caught_by": list, "sometimes_caught_by": list,
               "change": list, "delete": list}
CHANGE_KEYS = {"file": str, "old": str, "new": str}
EQUIVALENT_KEYS = {"file": str, "operator": str, "old": str, "new": str, "reason": str}


class PackError(TddkitError):
    """A folder of katas that cannot be read; one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read(folder: Path, beside: tuple[Kata, ...] = ()) -> tuple[Kata, ...]:
    """Every kata of `folder`, in its order; katas `beside` it (the built-in ones) must not share
    a name or a path with it."""
    folder = folder.resolve()
    order, problems = _order(folder)
    index_read = not problems
    katas = []
    for kata_id in order:
        kata, found = _kata(folder, kata_id)
        katas.append(kata)
        problems += found
    problems += _clashes(katas, beside)
    for extra in sorted((folder / "lessons").glob("*.toml")) if index_read else ():
        if extra.stem not in order:
            problems.append(messages.PACK_NOT_IN_ORDER.format(extra, folder / INDEX))
    if problems:
        raise PackError(problems)
    return tuple(katas)


def _toml(path: Path) -> tuple[dict, list[str]]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f), []
    except FileNotFoundError:
        return {}, [messages.PACK_MISSING_FILE.format(path)]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        return {}, [messages.PACK_BAD_TOML.format(path, err)]


def _order(folder: Path) -> tuple[list[str], list[str]]:
    if not folder.is_dir():
        return [], [messages.PACK_NOT_A_FOLDER.format(folder)]
    index, problems = _toml(folder / INDEX)
    order = index.get("order", [])
    if not problems and (not isinstance(order, list) or not order or not all(isinstance(k, str) for k in order)):
        problems.append(messages.PACK_BAD_ORDER.format(folder / INDEX))
        order = []
    problems += [messages.PACK_UNKNOWN_KEY.format(folder / INDEX, key, "order") for key in index if key != "order"]
    problems += [messages.PACK_TWICE.format(folder / INDEX, k) for i, k in enumerate(order) if k in order[:i]]
    return list(dict.fromkeys(order)), problems


def _typed(table: dict, keys: dict, where: str) -> list[str]:
    """One line per unknown key, and per known key whose value has the wrong type."""
    problems = []
    for key, value in table.items():
        if key not in keys:
            problems.append(messages.PACK_UNKNOWN_KEY.format(where, key, ", ".join(keys)))
        elif not isinstance(value, keys[key]) or isinstance(value, bool):
            problems.append(messages.PACK_WRONG_TYPE.format(where, key))
        elif isinstance(value, list) and key not in ("mutants", "change", "equivalent") and not all(isinstance(v, str) for v in value):
            problems.append(messages.PACK_WRONG_TYPE.format(where, key))
    return problems


def _kata(folder: Path, kata_id: str) -> tuple[Kata, list[str]]:
    meta_path, lesson_path = folder / "lessons" / f"{kata_id}.toml", folder / "lessons" / f"{kata_id}.md"
    meta, problems = _toml(meta_path)
    problems += _typed(meta, KATA_KEYS, str(meta_path))
    problems += [messages.PACK_MISSING_KEY.format(meta_path, key) for key in REQUIRED if not meta.get(key)]
    try:
        lesson, found = lessons.parse(lesson_path.read_text(encoding="utf-8"), str(lesson_path))
        problems += found
    except FileNotFoundError:
        lesson, problems = lessons.Lesson(kata_id, "", ()), problems + [messages.PACK_MISSING_FILE.format(lesson_path)]
    except (OSError, UnicodeDecodeError) as err:
        lesson, problems = lessons.Lesson(kata_id, "", ()), problems + [messages.PACK_BAD_FILE.format(lesson_path, err)]
    mutants = []
    for n, table in enumerate(meta.get("mutants", []) if isinstance(meta.get("mutants"), list) else [], start=1):
        mutant, found = _mutant(table, f"{meta_path} (mutant {n})")
        mutants.append(mutant)
        problems += found
    equivalents = []
    for n, table in enumerate(meta.get("equivalent", []) if isinstance(meta.get("equivalent"), list) else [], start=1):
        equivalent, found = _equivalent(table, f"{meta_path} (equivalent {n})")
        equivalents += [equivalent] if not found else []
        problems += found
    names = [m.name for m in mutants]
    problems += [messages.PACK_TWICE.format(meta_path, name) for i, name in enumerate(names) if name in names[:i]]
    kata = Kata(id=kata_id, title=lesson.title or kata_id, files=_strings(meta, "files"),
                tests=_strings(meta, "tests"), given=_strings(meta, "given"),
                timeout=float(meta["timeout"]) if isinstance(meta.get("timeout"), (int, float)) else 10.0,
                lesson=lesson.text, steps=lesson.steps, mutants=tuple(mutants), equivalents=tuple(equivalents), root=folder)
    for rel in kata.shipped:
        if not (folder / rel).is_file():
            problems.append(messages.PACK_SHIPPED_MISSING.format(meta_path, rel))
    for rel in (*kata.files, *kata.shipped):
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            problems.append(messages.PACK_PATH_OUTSIDE.format(meta_path, rel))
    for rel in kata.files:
        if not rel.startswith("katas/"):
            problems.append(messages.PACK_NOT_UNDER_KATAS.format(meta_path, rel))
    if kata.files and all(r.startswith("katas/") for r in kata.files) and not any(
            (folder / "solutions" / Path(r).relative_to("katas")).exists() for r in kata.files):
        problems.append(messages.PACK_NO_REFERENCE.format(meta_path))
    return kata, problems


def _strings(table: dict, key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _mutant(table, where: str) -> tuple[Mutant, list[str]]:
    if not isinstance(table, dict):
        return Mutant("", "", ()), [messages.PACK_WRONG_TYPE.format(where, "mutants")]
    problems = _typed(table, MUTANT_KEYS, where)
    problems += [messages.PACK_MISSING_KEY.format(where, key) for key in ("name", "kind", "mistake", "caught_by")
                 if key not in table]
    changes = []
    for change in table.get("change", []) if isinstance(table.get("change"), list) else []:
        found = _typed(change, CHANGE_KEYS, where) if isinstance(change, dict) else [
            messages.PACK_WRONG_TYPE.format(where, "change")]
        found += [messages.PACK_MISSING_KEY.format(where, f"change.{key}") for key in CHANGE_KEYS
                  if isinstance(change, dict) and key not in change]
        problems += found
        if not found:
            changes.append(Change(change["file"], change["old"], change["new"]))
    name = table.get("name") if isinstance(table.get("name"), str) else ""
    mistake = table.get("mistake") if isinstance(table.get("mistake"), str) else ""
    kind = table.get("kind") if isinstance(table.get("kind"), str) else ""
    return Mutant(name, mistake, _strings(table, "caught_by"), tuple(changes), _strings(table, "delete"),
                  kind, _strings(table, "sometimes_caught_by")), problems


def _equivalent(table, where: str) -> tuple[Equivalent | None, list[str]]:
    if not isinstance(table, dict):
        return None, [messages.PACK_WRONG_TYPE.format(where, "equivalent")]
    problems = _typed(table, EQUIVALENT_KEYS, where)
    problems += [messages.PACK_MISSING_KEY.format(where, key) for key in EQUIVALENT_KEYS if key not in table]
    return (None if problems else Equivalent(**table)), problems


def _clashes(katas: list[Kata], beside: tuple[Kata, ...]) -> list[str]:
    """A pack's kata may not take the name, or a file, of a kata beside it."""
    problems = []
    names = {k.id for k in beside}
    paths = {rel: k.id for k in beside for rel in (*k.files, *k.shipped)}
    for kata in katas:
        if kata.id in names:
            problems.append(messages.PACK_NAME_TAKEN.format(kata.id))
        for rel in (*kata.files, *kata.shipped):
            if rel in paths:
                problems.append(messages.PACK_PATH_TAKEN.format(kata.id, rel, paths[rel]))
    return problems
