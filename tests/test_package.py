"""Tests for the `package` kata: the package katas/greetings/, written before it exists.

The lesson (`tddkit next`) is the contract. Tests about import state (what gets imported,
printed or bound) run in fresh Python processes, so nothing leaks from one test to another;
the rest import the package here and remove it from `sys.modules` afterwards.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the workspace root: `katas` is importable from here
PKG = "katas.greetings"
PKG_DIR = ROOT / "katas" / "greetings"
PUBLIC_API = ["greet", "load_language"]
SUBPROCESS_TIMEOUT = 15


# ---------------------------------------------------------------------------------------------
# helpers


def run_python(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """What `python ARGS...` did in a fresh interpreter that can import `katas` from the workspace.

    The commands of IN_ROOT are started together, side by side, by the first test that asks for
    one of them (a new Python takes a while to start); each test then reads the result of its own.
    """
    done = _root_runs()[args] if cwd == ROOT and args in IN_ROOT else _finished(_start(args, cwd))
    if done is None:
        pytest.fail(f"`python {' '.join(args)}` did not finish within {SUBPROCESS_TIMEOUT} s")
    return done


def _start(args: tuple[str, ...], cwd: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONSTARTUP", None)
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, text=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finished(process: subprocess.Popen) -> subprocess.CompletedProcess | None:
    """The process's result; None if it did not finish in time (it is killed)."""
    try:
        out, err = process.communicate(timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@functools.cache
def _root_runs() -> dict:
    started = {args: _start(args, ROOT) for args in IN_ROOT}
    try:
        return {args: _finished(process) for args, process in started.items()}
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()


def script(code: str) -> tuple[str, str]:
    """The arguments that run CODE, which fills the dict `out`, and print `out` as JSON."""
    return ("-c", "import json, sys\nout = {}\n" + textwrap.dedent(code)
            + "\nsys.stdout.write('\\n@@OUT@@' + json.dumps(out))\n")


def run_script(code: str, cwd: Path = ROOT) -> dict:
    """Run CODE in a fresh interpreter; CODE fills the dict `out`, which comes back as JSON."""
    proc = run_python(*script(code), cwd=cwd)
    marker = "\n@@OUT@@"
    if proc.returncode != 0 or marker not in proc.stdout:
        pytest.fail(
            "running the check in a fresh Python failed with:\n"
            + (proc.stderr.strip().splitlines() or ["(no error output)"])[-1]
        )
    printed, _, payload = proc.stdout.rpartition(marker)
    out = json.loads(payload)
    out["_printed"] = printed
    return out


def drop_greetings() -> None:
    """Forget every imported `katas.greetings*` module, here, in the test process."""
    for key in [k for k in sys.modules if k == PKG or k.startswith(PKG + ".")]:
        del sys.modules[key]
    katas = sys.modules.get("katas")
    if katas is not None and "greetings" in vars(katas):
        delattr(katas, "greetings")
    importlib.invalidate_caches()


@pytest.fixture(autouse=True)
def clean_greetings():
    """Every test starts and ends without `katas.greetings` imported in the test process."""
    drop_greetings()
    yield
    drop_greetings()


def import_fresh(name: str):
    """Import NAME in the test process; a failure is the test's failure, with the reason."""
    try:
        return importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - the learner's import can raise anything
        pytest.fail(f"`import {name}` failed: {type(exc).__name__}: {exc}")


def package():
    """The learner's package, freshly imported (the autouse fixture removes it afterwards)."""
    module = import_fresh(PKG)
    if not hasattr(module, "__path__"):
        pytest.fail(
            "katas.greetings must be a package: a directory katas/greetings/ with an "
            f"__init__.py; yours is a plain module ({getattr(module, '__file__', None)})"
        )
    return module


def loader_function():
    package()
    loader = import_fresh(PKG + ".loader")
    function = getattr(loader, "load_from_path", None)
    if not callable(function):
        pytest.fail("katas/greetings/loader.py must define a function load_from_path(name, path)")
    return function


@pytest.fixture
def fresh_names():
    """Module names unique to one test; whatever a test leaves in sys.modules under them goes."""
    names: list[str] = []

    def make(stem: str) -> str:
        name = f"_tddkit_{stem}_{os.getpid()}_{len(names)}"
        names.append(name)
        return name

    yield make
    for name in names:
        sys.modules.pop(name, None)


# ---------------------------------------------------------------------------------------------
# step 1: a package, its public API, submodules with their own namespaces


@pytest.mark.step(1)
def test_greetings_is_a_package():
    greetings = package()
    init = Path(greetings.__file__)
    assert init.name == "__init__.py", (
        f"the package's code lives in katas/greetings/__init__.py; yours is in {init}"
    )
    languages = import_fresh(PKG + ".languages")
    assert hasattr(languages, "__path__"), (
        "katas.greetings.languages must be a package too (a directory with an __init__.py); "
        f"yours is a plain module ({languages.__file__})"
    )


@pytest.mark.step(1)
def test_all_lists_the_public_api():
    greetings = package()
    got = getattr(greetings, "__all__", None)
    assert got is not None, "katas/greetings/__init__.py must define __all__; yours has none"
    assert isinstance(got, (list, tuple)) and all(isinstance(n, str) for n in got), (
        f"__all__ is a list of names (strings); yours is {got!r}"
    )
    assert sorted(got) == PUBLIC_API, (
        f"__all__ lists exactly the public API {PUBLIC_API}; yours lists {sorted(got)}"
    )
    for name in got:
        assert callable(getattr(greetings, name, None)), (
            f"every name in __all__ is defined in the package; {name!r} is not a function there"
        )


@pytest.mark.step(1)
def test_star_import_gives_exactly_all():
    greetings = package()
    namespace: dict = {}
    exec(f"from {PKG} import *", namespace)
    got = sorted(set(namespace) - {"__builtins__"})
    assert got == PUBLIC_API, (
        f"`from katas.greetings import *` binds exactly {PUBLIC_API}; yours bound {got}"
    )


@pytest.mark.step(1)
def test_same_class_name_in_two_submodules():
    greetings = package()
    english = import_fresh(PKG + ".languages.english")
    french = import_fresh(PKG + ".languages.french")
    en, fr = getattr(english, "Greeter", None), getattr(french, "Greeter", None)
    assert isinstance(en, type) and isinstance(fr, type), (
        "languages/english.py and languages/french.py each define a class Greeter; "
        f"got {en!r} and {fr!r}"
    )
    assert en is not fr, "the two Greeter classes are two different classes; yours are one"
    assert (en.__module__, fr.__module__) == (english.__name__, french.__name__), (
        "each Greeter belongs to its own submodule's namespace; yours say they come from "
        f"{en.__module__!r} and {fr.__module__!r}"
    )
    got = (en().greet("Ada"), fr().greet("Ada"))
    assert got == ("Hello, Ada!", "Bonjour, Ada !"), (
        f"english and french Greeter().greet('Ada') give ('Hello, Ada!', 'Bonjour, Ada !'); "
        f"yours gave {got!r}"
    )


@pytest.mark.step(1)
def test_greet_in_a_language():
    greetings = package()
    got = [greetings.greet("Ada"), greetings.greet("Grace", "french"),
           greetings.greet("Alan", language="english")]
    want = ["Hello, Ada!", "Bonjour, Grace !", "Hello, Alan!"]
    assert got == want, (
        "greet(name, language='english') greets NAME with that language's Greeter: "
        f"expected {want}, yours gave {got}"
    )


# ---------------------------------------------------------------------------------------------
# step 2: importing has no side effects; the heavy submodule `world` loads lazily


@pytest.mark.step(2)
def test_import_prints_and_writes_nothing(tmp_path):
    def files_under_katas() -> set[str]:
        # bytecode caches and editors' lock, swap and backup files are not the import's doing
        return {
            str(p.relative_to(ROOT))
            for p in (ROOT / "katas").rglob("*")
            if "__pycache__" not in p.parts and not p.name.startswith((".", "#"))
            and not p.name.endswith("~")
        }

    before = files_under_katas()
    proc = run_python("-c", f"import {PKG}; assert hasattr({PKG}, '__path__'), 'not a package'",
                      cwd=tmp_path)
    assert proc.returncode == 0, (
        "`import katas.greetings` works, and katas.greetings is a package; yours failed: "
        + (proc.stderr.strip().splitlines() or ["?"])[-1]
    )
    assert (proc.stdout, proc.stderr) == ("", ""), (
        "importing the package prints nothing; yours printed "
        f"{proc.stdout!r} on stdout and {proc.stderr!r} on stderr"
    )
    made = sorted(p.name for p in tmp_path.iterdir()) + sorted(files_under_katas() - before)
    assert made == [], f"importing the package writes no files; yours wrote {made}"


PROBE = f"""
import importlib
g = importlib.import_module({PKG!r})
out["package"] = hasattr(g, "__path__")
WORLD = {PKG + '.world'!r}

def loaded():
    return WORLD in sys.modules or "world" in vars(g)

def section(key, check):
    try:
        out[key] = check()
    except BaseException as exc:
        out[key] = {{"error": type(exc).__name__ + ": " + str(exc)}}

def lazy():
    seen = {{"after_import": loaded()}}
    exec("from {PKG} import *", {{}})
    seen["after_star"] = loaded()
    g.greet("Ada"); g.greet("Ada", "french")
    seen["after_greet"] = loaded()
    return seen

def world():
    w = g.world
    return {{
        "type": type(w).__name__,
        "name": getattr(w, "__name__", None),
        "in_sys_modules": sys.modules.get(WORLD) is w,
        "bound_on_parent": vars(g).get("world") is w,
        "same_again": g.world is w,
        "greet_all": w.greet_all("Ada"),
    }}

def unknown():
    try:
        got = g.no_such_thing
    except AttributeError as exc:
        seen = {{"raised": "AttributeError", "message": str(exc)}}
    except Exception as exc:
        seen = {{"raised": type(exc).__name__, "message": str(exc)}}
    else:
        seen = {{"raised": "nothing, it gave " + repr(got), "message": ""}}
    seen["hasattr"] = hasattr(g, "no_such_thing")
    return seen

if out["package"]:
    section("lazy", lazy)      # first: nothing has asked for world yet
    section("world", world)
    section("unknown", unknown)
"""


@pytest.fixture(scope="module")
def probe():
    """One fresh interpreter imports the package and records the step 2 facts, in order."""
    try:
        return run_script(PROBE)
    except pytest.fail.Exception as exc:  # reported by each test that needs the probe
        return {"failed": str(exc)}


def probed(probe: dict, key: str) -> dict:
    if "failed" in probe:
        pytest.fail(probe["failed"])
    if not probe["package"]:
        pytest.fail("katas.greetings must be a package (katas/greetings/__init__.py)")
    section = probe[key]
    if "error" in section:
        pytest.fail(f"the check stopped with an error from your package: {section['error']}")
    return section


@pytest.mark.step(2)
def test_import_does_not_load_world(probe):
    got = probed(probe, "lazy")
    assert got == {"after_import": False, "after_star": False, "after_greet": False}, (
        "the heavy submodule `world` is loaded only when someone asks for it: not by "
        "`import katas.greetings`, not by `from katas.greetings import *`, not by greet(); "
        f"whether yours was loaded: {got}"
    )


@pytest.mark.step(2)
def test_world_loads_on_first_attribute_access(probe):
    out = probed(probe, "world")
    assert (out["type"], out["name"]) == ("module", PKG + ".world"), (
        "katas.greetings.world is the submodule katas/greetings/world.py; yours gave a "
        f"{out['type']} named {out['name']!r}"
    )
    assert out["in_sys_modules"] and out["bound_on_parent"] and out["same_again"], (
        "after the first `katas.greetings.world`, the submodule is imported for real: it is "
        "sys.modules['katas.greetings.world'] and bound as the attribute `world` of the package; "
        f"yours: in sys.modules {out['in_sys_modules']}, bound on the package "
        f"{out['bound_on_parent']}, same module on the second access {out['same_again']}"
    )
    want = {"english": "Hello, Ada!", "french": "Bonjour, Ada !"}
    assert out["greet_all"] == want, (
        f"world.greet_all('Ada') greets Ada in every language: expected {want}, "
        f"yours gave {out['greet_all']!r}"
    )


@pytest.mark.step(2)
def test_unknown_attribute_is_attribute_error(probe):
    out = probed(probe, "unknown")
    assert out["raised"] == "AttributeError" and "no_such_thing" in out["message"], (
        "a name the package does not have raises AttributeError naming it, also with a "
        f"module __getattr__; `katas.greetings.no_such_thing` raised {out['raised']} "
        f"({out['message']!r})"
    )
    assert out["hasattr"] is False, (
        "hasattr(katas.greetings, 'no_such_thing') is False; yours gave True"
    )


# ---------------------------------------------------------------------------------------------
# step 3: python -m, and a submodule run as a file or with -m


GREETINGS = [(["Ada"], "Hello, Ada!\n"), (["Ada", "french"], "Bonjour, Ada !\n")]


@pytest.mark.step(3)
def test_python_m_greets():
    for args, want in GREETINGS:
        proc = run_python("-m", PKG, *args)
        command = "python -m katas.greetings " + " ".join(args)
        assert (proc.returncode, proc.stdout) == (0, want), (
            f"`{command}` prints {want!r} and exits with status 0; yours printed "
            f"{proc.stdout!r}, exit status {proc.returncode}"
            + (f", error: {proc.stderr.strip().splitlines()[-1]}" if proc.stderr.strip() else "")
        )


@pytest.mark.step(3)
def test_python_m_without_a_name_is_a_usage_error():
    proc = run_python("-m", PKG)
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.startswith("usage:"), (
        "`python -m katas.greetings` with no name prints a message starting with 'usage:' on "
        "stderr, nothing on stdout, and exits with status 2; yours printed "
        f"{proc.stdout!r} on stdout, {proc.stderr[:200]!r} on stderr, exit status {proc.returncode}"
    )


WHOAMI_AS_MODULE = (
    "__name__=__main__ __package__=katas.greetings __spec__=katas.greetings.whoami "
    "relative_import=ok\n"
)
WHOAMI_AS_FILE = "__name__=__main__ __package__=None __spec__=None relative_import=failed\n"


@pytest.mark.step(3)
def test_whoami_run_with_m():
    proc = run_python("-m", PKG + ".whoami")
    assert (proc.returncode, proc.stdout) == (0, WHOAMI_AS_MODULE), (
        f"`python -m katas.greetings.whoami` prints {WHOAMI_AS_MODULE!r}; yours printed "
        f"{proc.stdout!r}, exit status {proc.returncode}"
        + (f", error: {proc.stderr.strip().splitlines()[-1]}" if proc.stderr.strip() else "")
    )


WHOAMI_FILE = str(Path("katas", "greetings", "whoami.py"))


@pytest.mark.step(3)
def test_whoami_run_as_a_file():
    proc = run_python(WHOAMI_FILE)
    assert (proc.returncode, proc.stdout) == (0, WHOAMI_AS_FILE), (
        f"`python katas/greetings/whoami.py` prints {WHOAMI_AS_FILE!r}; yours printed "
        f"{proc.stdout!r}, exit status {proc.returncode}"
        + (f", error: {proc.stderr.strip().splitlines()[-1]}" if proc.stderr.strip() else "")
    )


WHOAMI_IMPORTED = f"""
    import importlib
    w = importlib.import_module({PKG + '.whoami'!r})
    out["name"] = w.__name__
"""


@pytest.mark.step(3)
def test_whoami_imported_is_silent():
    out = run_script(WHOAMI_IMPORTED)
    assert (out["_printed"], out["name"]) == ("", PKG + ".whoami"), (
        "`import katas.greetings.whoami` prints nothing and the module's __name__ is "
        f"'katas.greetings.whoami'; yours printed {out['_printed']!r} and its __name__ is "
        f"{out['name']!r}"
    )


@pytest.mark.step(3)
def test_main_module_imported_runs_no_command_line():
    proc = run_python("-c", f"import {PKG}.__main__")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", ""), (
        "`import katas.greetings.__main__` prints nothing and does not exit: its command line runs "
        "only under `if __name__ == \"__main__\":`; yours printed "
        f"{proc.stdout!r}, exit status {proc.returncode}"
        + (f", error: {proc.stderr.strip().splitlines()[-1]}" if proc.stderr.strip() else "")
    )


# ---------------------------------------------------------------------------------------------
# step 4: languages are plugins, imported by name at run time


@pytest.mark.step(4)
def test_load_language_returns_the_submodule():
    greetings = package()
    module = greetings.load_language("french")
    assert module is sys.modules.get(PKG + ".languages.french"), (
        "load_language('french') returns the module katas.greetings.languages.french "
        f"(the one in sys.modules); yours returned {module!r}"
    )
    got = module.Greeter().greet("Ada")
    assert got == "Bonjour, Ada !", (
        f"load_language('french').Greeter().greet('Ada') is 'Bonjour, Ada !'; yours gave {got!r}"
    )


@pytest.mark.step(4)
@pytest.mark.parametrize("name", ["klingon", "", "..world", "english.Greeter"])
def test_unknown_language_is_lookup_error(name):
    greetings = package()
    try:
        got = greetings.load_language(name)
    except LookupError as exc:
        assert repr(name) in str(exc), (
            f"the LookupError for an unknown language names it ({name!r}); "
            f"yours says {str(exc)!r}"
        )
    except BaseException as exc:  # noqa: BLE001 - the learner must see what was raised instead
        pytest.fail(
            f"load_language({name!r}) raises LookupError (an unknown language); "
            f"yours raised {type(exc).__name__}: {exc}"
        )
    else:
        pytest.fail(f"load_language({name!r}) raises LookupError; yours returned {got!r}")


@pytest.mark.step(4)
def test_greet_in_an_unknown_language_is_lookup_error():
    greetings = package()
    with pytest.raises(LookupError, match="klingon"):
        greetings.greet("Ada", "klingon")


@pytest.mark.step(4)
def test_python_m_reports_an_unknown_language():
    proc = run_python("-m", PKG, "Ada", "klingon")
    assert proc.returncode == 1 and proc.stdout == "" and "'klingon'" in proc.stderr \
        and "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, (
            "`python -m katas.greetings Ada klingon` prints a one-line message naming 'klingon' "
            "on stderr (no traceback), nothing on stdout, and exits with status 1; yours printed "
            f"{proc.stdout!r} on stdout, {proc.stderr[-300:]!r} on stderr, "
            f"exit status {proc.returncode}"
        )


def copy_of_the_package(tmp_path: Path) -> Path:
    """A copy of the learner's `katas` package in TMP_PATH, to add language modules to."""
    copy = tmp_path / "katas"
    copy.mkdir()
    shutil.copy(ROOT / "katas" / "__init__.py", copy / "__init__.py")
    shutil.copytree(PKG_DIR, copy / "greetings",
                    ignore=shutil.ignore_patterns("__pycache__"))
    languages = copy / "greetings" / "languages"
    languages.mkdir(exist_ok=True)
    return tmp_path


PLUGINS = {  # written while the program runs, after `import katas.greetings`
    "pirate": """
        class Greeter:
            def greet(self, name):
                return f"Ahoy, {name}!"
    """,
    "old_english_2": """
        class Greeter:
            def greet(self, name):
                return f"Hail, {name}!"
    """,
    "_common": """
        PUNCTUATION = "!"
    """,
}
BROKEN = {  # languages that exist but fail while importing
    "broken": """
        import _tddkit_no_such_module
    """,
    "halfbroken": """
        from .klingon import Greeter
    """,
}

PLUGIN_PROBE = f"""
import importlib, pathlib, textwrap
g = importlib.import_module({PKG!r})
out["file"] = g.__file__
languages = pathlib.Path(g.__file__).parent / "languages"

def add(plugins):
    for name, source in plugins.items():
        (languages / (name + ".py")).write_text(textwrap.dedent(source))
    importlib.invalidate_caches()

def attempt(call):
    try:
        return ["returned", repr(call())]
    except LookupError as exc:
        return ["LookupError", str(exc)]
    except Exception as exc:
        return [type(exc).__name__, getattr(exc, "name", None)]

add({PLUGINS!r})
out["pirate"] = attempt(lambda: g.greet("Ada", "pirate"))
out["old_english_2"] = attempt(lambda: g.greet("Ada", "old_english_2"))
out["not_languages"] = {{n: attempt(lambda: g.load_language(n)) for n in ("__init__", "_common")}}
out["greet_all"] = attempt(lambda: sorted(g.world.greet_all("Ada").items()))
add({BROKEN!r})
out["broken"] = {{n: attempt(lambda: g.load_language(n)) for n in {list(BROKEN)!r}}}
"""


@pytest.fixture(scope="module")
def plugin_probe(tmp_path_factory):
    """A copy of the learner's package, imported in one fresh interpreter, which then adds
    language files to it (PLUGINS, then BROKEN) and uses them."""
    if not PKG_DIR.is_dir():
        return {"failed": "katas/greetings/ must be a package directory; yours does not exist"}
    try:
        workspace = copy_of_the_package(tmp_path_factory.mktemp("plugins"))
        out = run_script(f"sys.path.insert(0, {str(workspace)!r})\n" + PLUGIN_PROBE, cwd=workspace)
    except pytest.fail.Exception as exc:
        return {"failed": str(exc)}
    except OSError as exc:
        return {"failed": f"could not copy katas/greetings/ to add test languages: {exc}"}
    out["workspace"] = str(workspace)
    return out


def plugin_result(plugin_probe: dict, key: str):
    if "failed" in plugin_probe:
        pytest.fail(plugin_probe["failed"])
    assert plugin_probe["file"].startswith(plugin_probe["workspace"]), (
        "(the test imported the wrong copy of the package)")
    return plugin_probe[key]


@pytest.mark.step(4)
def test_a_new_language_file_is_a_plugin(plugin_probe):
    got = [plugin_result(plugin_probe, "pirate"), plugin_result(plugin_probe, "old_english_2")]
    want = [["returned", repr("Ahoy, Ada!")], ["returned", repr("Hail, Ada!")]]
    assert got == want, (
        "a language is any module in languages/, whatever its name (underscores and digits "
        "too), even one added while the program runs: with languages/pirate.py and "
        "languages/old_english_2.py added after `import katas.greetings`, greet('Ada', 'pirate') "
        f"gives 'Ahoy, Ada!' and greet('Ada', 'old_english_2') 'Hail, Ada!'; yours gave {got}"
    )


@pytest.mark.step(4)
def test_world_greets_in_every_language(plugin_probe):
    got = plugin_result(plugin_probe, "greet_all")
    want = {"english": "Hello, Ada!", "french": "Bonjour, Ada !", "pirate": "Ahoy, Ada!",
            "old_english_2": "Hail, Ada!"}
    assert got == ["returned", repr(sorted(want.items()))], (
        "world.greet_all(name) greets in every language in languages/, also one added while "
        "the program runs, and in nothing else (languages/_common.py is not a language): with "
        f"pirate.py, old_english_2.py and _common.py added, greet_all('Ada') is {want}; yours "
        + (f"gave {got[1]} (as sorted items)" if got[0] == "returned" else f"raised {got[0]}: {got[1]}")
    )


@pytest.mark.step(4)
def test_init_and_private_modules_are_not_languages(plugin_probe):
    got = plugin_result(plugin_probe, "not_languages")
    for name, (raised, message) in got.items():
        assert raised == "LookupError" and repr(name) in message, (
            "a name that starts with '_' is not a language: languages/__init__.py is the "
            "subpackage itself and languages/_common.py a helper, so load_language"
            f"({name!r}) raises LookupError naming {name!r}; yours "
            + (f"returned {message}" if raised == "returned" else f"raised {raised}: {message}")
        )


@pytest.mark.step(4)
def test_a_broken_language_is_not_unknown(plugin_probe):
    got = plugin_result(plugin_probe, "broken")
    want = {"broken": ["ModuleNotFoundError", "_tddkit_no_such_module"],
            "halfbroken": ["ModuleNotFoundError", PKG + ".languages.klingon"]}
    for language, imports in [("broken", "import _tddkit_no_such_module"),
                              ("halfbroken", "from .klingon import Greeter")]:
        raised, name = got[language]
        assert [raised, name] == want[language], (
            "a language module that exists but fails to import is not 'unknown': its own error "
            f"goes through unchanged. With languages/{language}.py doing `{imports}`, "
            f"load_language({language!r}) raises ModuleNotFoundError for {want[language][1]!r}; "
            f"yours raised {raised} ({'name ' + repr(name) if raised != 'LookupError' else name})"
        )


# ---------------------------------------------------------------------------------------------
# step 5: import done by hand: load_from_path(name, path)


def write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source))
    return path


@pytest.mark.step(5)
def test_loader_agrees_with_importlib(tmp_path, fresh_names, monkeypatch):
    load_from_path = loader_function()
    name = fresh_names("agree")
    path = write(tmp_path / f"{name}.py", """
        import sys
        ANSWER = 42
        NAME_WHILE_RUNNING = __name__
        BOUND_WHILE_RUNNING = sys.modules.get(__name__) is not None
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    real = importlib.import_module(name)
    want = (real.__name__, real.__file__, real.__spec__.name, real.__spec__.origin)
    del sys.modules[name]

    module = load_from_path(name, path)
    assert isinstance(module, type(sys)), (
        f"load_from_path returns a module object; yours returned {module!r}"
    )
    spec = getattr(module, "__spec__", None)
    got = (module.__name__, getattr(module, "__file__", None),
           getattr(spec, "name", None), getattr(spec, "origin", None))
    assert got == want, (
        "the module agrees with `import` on (__name__, __file__, __spec__.name, "
        f"__spec__.origin): import gives {want}; yours gave {got}"
    )
    assert sys.modules.get(name) is module, (
        "after load_from_path(name, path), sys.modules[name] is the module it returned"
    )
    assert (module.ANSWER, module.NAME_WHILE_RUNNING, module.BOUND_WHILE_RUNNING) == (
        42, name, True), (
        "the file's code runs in the new module, with __name__ set to NAME and the module "
        "already in sys.modules; yours ran with (ANSWER, __name__, bound) = "
        f"{(getattr(module, 'ANSWER', None), getattr(module, 'NAME_WHILE_RUNNING', None), getattr(module, 'BOUND_WHILE_RUNNING', None))}"
    )


@pytest.mark.step(5)
def test_loader_makes_a_new_namespace_each_time(tmp_path, fresh_names):
    load_from_path = loader_function()
    path = write(tmp_path / "counter.py", """
        COUNT = 0
        def bump():
            global COUNT
            COUNT += 1
            return COUNT
    """)
    first = load_from_path(fresh_names("one"), path)
    second = load_from_path(fresh_names("two"), path)
    assert first is not second, "two loads under two names are two module objects; yours are one"
    got = (first.bump(), first.bump(), second.bump())
    assert got == (1, 2, 1), (
        "each module has its own namespace: bump() twice in the first and once in the second "
        f"gives (1, 2, 1); yours gave {got}"
    )
    first.COUNT = 10
    got = first.bump()
    assert got == 11, (
        "the functions of a module read and write that module's namespace (its globals are the "
        f"module's __dict__): after `module.COUNT = 10`, bump() gives 11; yours gave {got}"
    )


@pytest.mark.step(5)
def test_loader_circular_import_sees_partial_module(tmp_path, fresh_names, monkeypatch):
    load_from_path = loader_function()
    a, b = fresh_names("a"), fresh_names("b")
    monkeypatch.syspath_prepend(str(tmp_path))
    write(tmp_path / f"{b}.py", f"""
        import {a}
        A_BEFORE = hasattr({a}, "BEFORE")
        A_AFTER = hasattr({a}, "AFTER")
    """)
    path_a = write(tmp_path / "a_elsewhere.py", f"""
        BEFORE = 1
        import {b}
        AFTER = 2
    """)
    try:
        module = load_from_path(a, path_a)
    except ImportError as exc:
        pytest.fail(
            "the module is in sys.modules before its code runs, so a circular import finds it; "
            f"with yours, module b's `import a` failed: {exc}"
        )
    b_module = sys.modules[b]
    sys.modules.pop(b, None)
    got = (getattr(b_module, "A_BEFORE", None), getattr(b_module, "A_AFTER", None))
    assert got == (True, False), (
        "a circular import sees the partly executed module: names defined before the "
        "`import b` line are there, later ones are not yet: (before, after) = (True, False); "
        f"yours gave {got}"
    )
    assert module.AFTER == 2


@pytest.mark.step(5)
def test_loader_failure_leaves_no_module(tmp_path, fresh_names):
    load_from_path = loader_function()
    name = fresh_names("boom")
    path = write(tmp_path / "boom.py", """
        HALF = "done"
        raise ValueError("boom")
    """)
    with pytest.raises(ValueError, match="boom"):
        load_from_path(name, path)
    assert name not in sys.modules, (
        "when the file's code raises, load_from_path lets the error through and takes the "
        "half-made module out of sys.modules; yours left it there"
    )
    exits = fresh_names("exits")
    path = write(tmp_path / "exits.py", """
        raise SystemExit(3)
    """)
    with pytest.raises(SystemExit):
        load_from_path(exits, path)
    assert exits not in sys.modules, (
        "whatever the file's code raises, SystemExit too, load_from_path lets it through and "
        "takes the half-made module out of sys.modules; yours left it there after SystemExit"
    )
    missing = fresh_names("missing")
    with pytest.raises(FileNotFoundError):
        load_from_path(missing, tmp_path / "no_such_file.py")
    assert missing not in sys.modules, (
        "a missing file raises FileNotFoundError and leaves nothing in sys.modules; yours left "
        "a module there"
    )


# ---------------------------------------------------------------------------------------------
# The commands that run_python starts together, in the workspace root (the tests' own, above)

IN_ROOT = {
    script(PROBE),
    *(("-m", PKG, *args) for args, _ in GREETINGS),
    ("-m", PKG),
    ("-m", PKG + ".whoami"),
    (WHOAMI_FILE,),
    script(WHOAMI_IMPORTED),
    ("-c", f"import {PKG}.__main__"),
    ("-m", PKG, "Ada", "klingon"),
}
