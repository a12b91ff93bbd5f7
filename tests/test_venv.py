"""Tests for the `venv` kata: katas/playpen.py, written before it exists.

The lesson (`tddkit lesson venv`) is the contract. The tests make real environments: one with
`python -m venv --without-pip` for the whole file (the truth the other steps are checked
against), and one with your make() for step 1; they run real interpreters and a real `sh`.
Nothing goes to the network and nothing is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katas import playpen

ROOT = Path(__file__).resolve().parents[1]  # the workspace root: `katas` is importable from here
TIMEOUT = 20
SH = shutil.which("sh") or "/bin/sh"
WATCHED = ("PATH", "VIRTUAL_ENV", "PS1", "PYTHONHOME")  # what activate and deactivate touch
BEFORE = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PS1": "learner$ ", "PYTHONHOME": "/opt/elsewhere",
          "LANG": "C", "EDITOR": "nano"}


# ---------------------------------------------------------------------------------------------
# helpers


def run(args: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    """What ARGS did, run in the workspace root with ENV; WHAT names it if it takes too long."""
    return _finished(_start(args, env), what)


def _start(args: list[str], environ: dict) -> tuple:
    """A process started, its stdout and stderr in files."""
    out, err = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
    process = subprocess.Popen(args, env=environ, cwd=ROOT, text=True, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    return process, out, err


def _finished(started: tuple, what: str) -> subprocess.CompletedProcess:
    process, out, err = started
    with out, err:
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"{what} did not finish within {TIMEOUT} s")
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read())


def plain_environ(**changes) -> dict:
    """This process's environment without any trace of an activated environment, plus CHANGES."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV_PROMPT")}
    environ["PYTHONDONTWRITEBYTECODE"] = "1"
    environ.update(changes)
    return environ


def site_cfg(path: Path) -> dict:
    """pyvenv.cfg as Python's own start-up reads it: key = value lines, spaces stripped."""
    config = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, equals, value = line.partition("=")
        if equals:
            config[key.strip()] = value.strip()
    return config


ASK = ("from katas import playpen\n"
       "where = playpen.current()\n"
       "print(repr(playpen.in_venv())); print(type(where).__name__); print(where)")


def ask_interpreter(python: Path, environ: dict) -> tuple[str, str, str]:
    """What your in_venv() and current() say inside the interpreter PYTHON: in_venv()'s repr,
    the type of current()'s answer, and that answer as a str."""
    proc = _early.answer(python, environ) or run([str(python), "-c", ASK], dict(environ, PYTHONPATH=str(ROOT)),
                                                 f"{python} -c ...")
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) != 3:
        last = (proc.stderr.strip().splitlines() or ["(no error output)"])[-1]
        pytest.fail(f"asking in_venv() and current() inside {python} failed: {last}")
    return lines[0], lines[1], lines[2]


class _Early:
    """New Pythons the tests need, started before the tests that need them: a new Python takes a
    while to start, and the other tests run meanwhile, on the other core. `python -m venv` (the
    real environment) starts as this file's first test begins; what in_venv() and current() say
    in its python and in the base Python (step 4) starts as soon as that environment is made
    (step 2). They write to files, not pipes, so that each is waited for on its own."""

    def __init__(self, target: Path):
        self.target = target
        self.venv = _start([sys.executable, "-m", "venv", "--without-pip", str(target)], plain_environ())
        self.made: subprocess.CompletedProcess | None = None  # what `python -m venv` did, once asked
        self.asked: dict = {}  # (python, VIRTUAL_ENV) -> the process asking ASK there, then what it printed

    def environment(self) -> Path:
        if self.made is None:
            self.made = _finished(self.venv, "python -m venv")
            if self.made.returncode == 0:
                base = Path(os.path.realpath(self.target / "bin" / "python"))
                for python, virtual_env in ((self.target / "bin" / "python", None), (base, str(self.target))):
                    self.asked[str(python), virtual_env] = _start([str(python), "-c", ASK],
                                                                  _ask_environ(virtual_env))
        assert self.made.returncode == 0, f"python -m venv failed: {self.made.stderr}"
        return self.target

    def answer(self, python: Path, environ: dict) -> subprocess.CompletedProcess | None:
        """What ASK printed in PYTHON with ENVIRON, if it was started early (None: ask it now)."""
        key = (str(python), environ.get("VIRTUAL_ENV"))
        if dict(environ, PYTHONPATH=str(ROOT)) != _ask_environ(key[1]):
            return None
        started = self.asked.get(key)
        if isinstance(started, tuple):
            self.asked[key] = None  # waited for once: a timeout is not waited for twice
            self.asked[key] = _finished(started, f"{python} -c ...")
        return self.asked.get(key)

    def stop(self) -> None:
        for started in (self.venv, *(s for s in self.asked.values() if isinstance(s, tuple))):
            process, out, err = started
            if process.poll() is None:
                process.kill()
                process.wait()
            out.close()
            err.close()


def _ask_environ(virtual_env: str | None) -> dict:
    environ = plain_environ(VIRTUAL_ENV=virtual_env) if virtual_env else plain_environ()
    return dict(environ, PYTHONPATH=str(ROOT))


_early: _Early | None = None  # from this file's first test on


@pytest.fixture(scope="module", autouse=True)
def _start_early(tmp_path_factory):
    global _early
    _early = _Early(tmp_path_factory.mktemp("real") / "playpen")
    yield
    _early.stop()


def same_path(got, want: Path) -> bool:
    try:
        return got is not None and os.path.samefile(got, want)
    except (OSError, TypeError):
        return False


class Made(NamedTuple):
    target: Path
    returned: object
    error: str


@pytest.fixture(scope="module")
def env() -> Path:
    """The truth: an environment made by `python -m venv --without-pip`, once for the file."""
    return _early.environment()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Made:
    """An environment made by your make(), once for the file (its failure is each test's)."""
    target = tmp_path_factory.mktemp("yours") / "sandbox"
    try:
        return Made(target, playpen.make(target), "")
    except Exception as exc:  # noqa: BLE001 - the learner's code can raise anything
        return Made(target, None, f"{type(exc).__name__}: {exc}")


def made_ok(made: Made) -> Path:
    if made.error:
        pytest.fail(f"make(path) makes an environment at PATH; yours raised {made.error}")
    return made.target


@pytest.fixture(scope="module")
def real_shell(env) -> tuple[dict, dict]:
    """What a real sh has after `. bin/activate`, then after `deactivate`, starting from BEFORE."""
    script = '. "$1/bin/activate" && env -0 && printf "\\001\\000" && deactivate && env -0'
    proc = run([SH, "-c", script, "sh", str(env)], dict(BEFORE), "sh -c '. bin/activate'")
    assert proc.returncode == 0, f"sourcing the real activate failed: {proc.stderr}"
    activated, _, deactivated = proc.stdout.partition("\1\0")

    def parse(text: str) -> dict:
        pairs = (item.partition("=") for item in text.split("\0") if item)
        return {k: v for k, _, v in pairs if k in WATCHED or k.startswith("VIRTUAL_ENV")}

    return parse(activated), parse(deactivated)


def watched(environ: dict) -> dict:
    return {k: v for k, v in environ.items() if k in WATCHED}


def call(function, *args):
    try:
        return function(*args)
    except NotImplementedError as exc:
        pytest.fail(f"{function.__name__}() is not written yet ({exc})")


# ---------------------------------------------------------------------------------------------
# step 1: make an environment


@pytest.mark.step(1)
def test_make_makes_bin_include_lib_and_pyvenv_cfg(made):
    target = made_ok(made)
    missing = [p for p in ("bin", "include", "lib") if not (target / p).is_dir()]
    missing += [] if (target / "pyvenv.cfg").is_file() else ["pyvenv.cfg"]
    assert not missing, f"make(path) makes bin/, include/, lib/ and pyvenv.cfg; yours lacks {missing}"
    assert same_path(made.returned, target), (
        f"make(path) returns the environment's path ({target}); yours returned {made.returned!r}"
    )
    assert Path(made.returned).is_absolute(), f"make(path) returns an absolute path; yours gave {made.returned!r}"


@pytest.mark.step(1)
def test_make_gives_a_python_that_lives_in_the_environment_without_pip(made):
    target = made_ok(made)
    python = target / "bin" / "python"
    assert python.exists(), f"make(path) puts a python in bin/; there is no {python}"
    proc = run([str(python), "-c", "import sys; print(sys.prefix); print(sys.base_prefix)"],
               plain_environ(), f"{python}")
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0 and len(lines) == 2, f"{python} does not run: {proc.stderr.strip()}"
    assert same_path(lines[0], target), (
        f"the environment's python has sys.prefix = the environment ({target}); yours says {lines[0]}"
    )
    assert not same_path(lines[1], target), "sys.base_prefix is the Python the environment was made from"
    pips = sorted(p.name for p in (target / "bin").glob("pip*"))
    assert pips == [], f"make(path) makes an environment without pip (fast, no network); yours has {pips}"


@pytest.mark.step(1)
def test_activate_is_there_but_not_executable(made):
    target = made_ok(made)
    script = target / "bin" / "activate"
    assert script.is_file(), f"make(path) writes the shell script bin/activate; there is no {script}"
    assert not os.access(script, os.X_OK), (
        "bin/activate is shell code to source, not a program: it is not executable; yours is"
    )


# ---------------------------------------------------------------------------------------------
# step 2: read pyvenv.cfg


@pytest.mark.step(2)
def test_read_config_of_a_real_environment(env):
    want = site_cfg(env / "pyvenv.cfg")
    got = call(playpen.read_config, env)
    assert got == want, f"read_config(env) of a fresh environment gives {want}; yours gave {got!r}"
    home = Path(got.get("home", ""))
    assert (home / "python3").exists() or (home / "python").exists(), (
        f"pyvenv.cfg's home is the folder of the Python the environment came from; got {got.get('home')!r}"
    )


@pytest.mark.step(2)
def test_read_config_splits_at_the_first_equals_and_skips_other_lines(tmp_path):
    (tmp_path / "pyvenv.cfg").write_text(
        "home=/opt/python/bin\n\n# a comment line\n"
        "command = /opt/python/bin/python3 -m venv --prompt=dev /tmp/x\n"
        "  version   =   3.11.7  \nno equals sign here\n", encoding="utf-8")
    want = {"home": "/opt/python/bin", "command": "/opt/python/bin/python3 -m venv --prompt=dev /tmp/x",
            "version": "3.11.7"}
    got = call(playpen.read_config, str(tmp_path))
    assert got == want, (
        "read_config splits each line at its first '=', strips the spaces around key and value, and "
        f"skips lines without '=': expected {want}, yours gave {got!r}"
    )


# ---------------------------------------------------------------------------------------------
# step 3: write pyvenv.cfg


@pytest.mark.step(3)
def test_python_itself_reads_what_write_config_wrote(env, tmp_path):
    """A folder with bin/python (a link to the base Python) and your pyvenv.cfg is an environment."""
    config = site_cfg(env / "pyvenv.cfg")
    base = Path(os.path.realpath(env / "bin" / "python"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "python").symlink_to(base)
    call(playpen.write_config, tmp_path, config)
    written = (tmp_path / "pyvenv.cfg").read_text(encoding="utf-8")
    assert site_cfg(tmp_path / "pyvenv.cfg") == config, (
        f"write_config writes one `key = value` line per item; from {config} yours wrote {written!r}"
    )
    proc = run([str(tmp_path / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
               plain_environ(), "python beside your pyvenv.cfg")
    assert proc.returncode == 0 and same_path(proc.stdout.strip(), tmp_path), (
        f"Python started from a folder with your pyvenv.cfg has sys.prefix = that folder ({tmp_path}); "
        f"it said {proc.stdout.strip()!r} {proc.stderr.strip()[-300:]}"
    )


@pytest.mark.step(3)
@settings(deadline=None, max_examples=25)
@given(st.dictionaries(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-_"), min_size=1, max_size=12),
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20).map(str.strip),
    max_size=6))
def test_write_then_read_gives_the_same_config(config):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        call(playpen.write_config, folder, config)
        got = call(playpen.read_config, folder)
    assert got == config, f"read_config(env) after write_config(env, {config!r}) gives it back; yours gave {got!r}"


@pytest.mark.step(3)
def test_write_config_refuses_what_the_file_cannot_hold(tmp_path):
    cfg = tmp_path / "pyvenv.cfg"
    cfg.write_text("home = /usr/bin\n", encoding="utf-8")
    for bad in ({"home": "/usr/bin\nversion = 9"}, {"a=b": "c"}, {"": "x"}, {"two\nlines": "x"}):
        try:
            playpen.write_config(tmp_path, bad)
        except ValueError:
            pass
        except NotImplementedError as exc:
            pytest.fail(f"write_config() is not written yet ({exc})")
        else:
            pytest.fail(f"write_config(env, {bad!r}) raises ValueError: a line cannot hold that; yours did not")
        assert cfg.read_text(encoding="utf-8") == "home = /usr/bin\n", (
            f"a refused write_config(env, {bad!r}) leaves pyvenv.cfg as it was; yours changed it"
        )


# ---------------------------------------------------------------------------------------------
# step 4: inside an interpreter: in a venv, and which


@pytest.mark.step(4)
def test_inside_the_environment_s_python(env):
    """Run directly, not activated: VIRTUAL_ENV is not set, yet this Python is in the venv."""
    in_venv, kind, current = ask_interpreter(env / "bin" / "python", plain_environ())
    assert in_venv == "True", (
        f"inside the environment's python (no VIRTUAL_ENV set), in_venv() is True; yours gave {in_venv}"
    )
    assert kind in ("PosixPath", "WindowsPath"), (
        f"inside an environment, current() is its path as a pathlib.Path; yours gave a {kind}: {current}"
    )
    assert same_path(current, env), f"inside {env}'s python, current() is {env}; yours gave {current}"


@pytest.mark.step(4)
def test_outside_any_environment_even_if_virtual_env_is_set(env):
    base = Path(os.path.realpath(env / "bin" / "python"))
    in_venv, kind, current = ask_interpreter(base, plain_environ(VIRTUAL_ENV=str(env)))
    assert (in_venv, kind) == ("False", "NoneType"), (
        "in the base Python, in_venv() is False and current() is None, even with VIRTUAL_ENV set "
        f"(the variable is the shell's, the interpreter knows by sys.prefix); yours gave {in_venv}, {current}"
    )


# ---------------------------------------------------------------------------------------------
# step 5: activate: what sourcing bin/activate changes


@pytest.mark.step(5)
def test_activate_changes_what_the_real_script_changes(env, real_shell):
    activated, _ = real_shell
    got = call(playpen.activate, dict(BEFORE), env)
    assert watched(got) == watched(activated), (
        f"activate(environ, env) changes PATH, VIRTUAL_ENV, PS1 and PYTHONHOME as `. bin/activate` does "
        f"in a real shell: expected {watched(activated)}, yours gave {watched(got)}"
    )
    others = {k: got.get(k) for k in ("LANG", "EDITOR")}
    assert others == {"LANG": "C", "EDITOR": "nano"}, f"activate leaves other variables alone; yours gave {others}"


@pytest.mark.step(5)
def test_activate_leaves_its_argument_alone(env):
    environ = dict(BEFORE)
    got = call(playpen.activate, environ, env)
    assert environ == BEFORE, f"activate returns a new mapping and leaves its argument as it was; yours changed it to {environ}"
    assert got is not environ, "activate returns a new mapping, not its argument"


@pytest.mark.step(5)
def test_activate_without_path_or_prompt(env):
    got = call(playpen.activate, {"HOME": "/home/ada"}, env)
    want = {"PATH": str(env / "bin"), "VIRTUAL_ENV": str(env), "PS1": f"({env.name}) "}
    assert watched(got) == want, (
        f"with no PATH and no PS1, activate sets PATH to ENV/bin and PS1 to '(NAME) ': expected {want}, "
        f"yours gave {watched(got)}"
    )


# ---------------------------------------------------------------------------------------------
# step 6: deactivate: what it restores


@pytest.mark.step(6)
def test_deactivate_restores_what_the_real_script_restores(env, real_shell):
    _, deactivated = real_shell
    got = call(playpen.deactivate, call(playpen.activate, dict(BEFORE), env))
    assert watched(got) == watched(deactivated) == watched(BEFORE), (
        f"deactivate restores PATH, PS1 and PYTHONHOME and removes VIRTUAL_ENV, as the real `deactivate` "
        f"does: expected {watched(BEFORE)}, yours gave {watched(got)}"
    )


NAMES = st.sampled_from(["PATH", "PS1", "PYTHONHOME", "HOME", "LANG", "TERM"])


@pytest.mark.step(6)
@settings(deadline=None, max_examples=60)
@given(st.dictionaries(NAMES, st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=12)))
def test_deactivate_undoes_activate_exactly(environ):
    env = Path("/srv/envs/playpen")
    activated = call(playpen.activate, dict(environ), env)
    got = call(playpen.deactivate, activated)
    assert got == environ, f"deactivate(activate(environ, env)) == environ; from {environ} yours gave {got}"
    again = call(playpen.deactivate, dict(environ))
    assert again == environ, f"with no environment active, deactivate changes nothing; from {environ} yours gave {again}"


@pytest.mark.step(6)
def test_activating_over_another_environment_replaces_it(env):
    other = env.parent / "other"
    twice = call(playpen.activate, call(playpen.activate, dict(BEFORE), other), env)
    assert twice["PATH"] == f"{env / 'bin'}{os.pathsep}{BEFORE['PATH']}", (
        "activating one environment over another deactivates the first: PATH holds only the second's bin; "
        f"yours gave {twice['PATH']!r}"
    )
    got = call(playpen.deactivate, twice)
    assert got == BEFORE, f"then one deactivate gives back the environment before both; yours gave {got}"


# ---------------------------------------------------------------------------------------------
# step 7: source it, do not run it


@pytest.mark.step(7)
def test_sourcing_activate_changes_the_calling_shell(env):
    got = call(playpen.after_activation, env, dict(BEFORE), "source")
    want = {"PATH": f"{env / 'bin'}:{BEFORE['PATH']}", "VIRTUAL_ENV": str(env), "PS1": f"({env.name}) learner$ "}
    assert (got.status, got.variables) == (0, want), (
        f"after `. bin/activate` the calling shell has the environment's PATH, VIRTUAL_ENV and PS1 (status 0): "
        f"expected (0, {want}), yours gave ({got.status}, {got.variables})"
    )


@pytest.mark.step(7)
def test_executing_activate_is_refused_and_running_it_in_a_child_changes_nothing(env):
    want = {k: BEFORE[k] for k in ("PATH", "PS1")}
    got = call(playpen.after_activation, env, dict(BEFORE), "execute")
    assert got.status == 126 and got.variables == want, (
        "`./bin/activate` is refused (status 126: not executable) and the shell is unchanged: "
        f"expected (126, {want}), yours gave ({got.status}, {got.variables})"
    )
    got = call(playpen.after_activation, env, dict(BEFORE), "child")
    assert got.status == 0 and got.variables == want, (
        "`sh bin/activate` runs in a child shell, whose changes die with it: the calling shell is unchanged: "
        f"expected (0, {want}), yours gave ({got.status}, {got.variables})"
    )
    with pytest.raises(ValueError):
        playpen.after_activation(env, dict(BEFORE), "run")
