"""playpen: virtual environments, made, read, asked and activated (the reference solution)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NamedTuple


class Shell(NamedTuple):
    """What a real shell reported after one way of activating: the activation command's exit
    status, and the variables PATH, VIRTUAL_ENV and PS1 of the calling shell (each that is set)."""

    status: int
    variables: dict


CONFIG = "pyvenv.cfg"


def make(path):
    """A new environment at PATH, as `python -m venv --without-pip PATH` makes it."""
    target = Path(os.path.abspath(path))
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(target)
    return target


def read_config(env):
    config = {}
    for line in (Path(env) / CONFIG).read_text(encoding="utf-8").splitlines():
        key, equals, value = line.partition("=")
        if equals:
            config[key.strip()] = value.strip()
    return config


def write_config(env, config):
    lines = []
    for key, value in config.items():
        key, value = str(key), str(value)
        if not key.strip() or "=" in key or any(c in key + value for c in "\r\n"):
            raise ValueError(f"pyvenv.cfg cannot hold the line {key!r} = {value!r}")
        lines.append(f"{key} = {value}\n")
    (Path(env) / CONFIG).write_text("".join(lines), encoding="utf-8")


def in_venv():
    """Python in an environment has its own prefix; the base Python it came from is elsewhere."""
    return sys.prefix != sys.base_prefix


def current():
    return Path(sys.prefix) if in_venv() else None


# What activate saves, so that deactivate can put it back (the real script's shell variables).
SAVED = {name: "_OLD_VIRTUAL_" + name for name in ("PATH", "PS1", "PYTHONHOME")}


def activate(environ, env):
    new = deactivate(environ)
    env = os.path.abspath(env)
    for name, saved in SAVED.items():
        if name in new:
            new[saved] = new[name]
    bin_folder = os.path.join(env, "bin")
    new["PATH"] = bin_folder + os.pathsep + new["PATH"] if "PATH" in new else bin_folder
    new["PS1"] = f"({os.path.basename(env)}) " + new.get("PS1", "")
    new.pop("PYTHONHOME", None)
    new["VIRTUAL_ENV"] = env
    return new


def deactivate(environ):
    new = dict(environ)
    if "VIRTUAL_ENV" not in new:
        return new
    for name, saved in SAVED.items():
        if saved in new:
            new[name] = new.pop(saved)
        else:
            new.pop(name, None)
    new.pop("VIRTUAL_ENV")
    new.pop("VIRTUAL_ENV_PROMPT", None)
    return new


ACTIVATION = {
    "source": '. "$1/bin/activate"',   # runs in this shell: its changes stay
    "execute": '"$1/bin/activate"',    # as a program: refused, it is not executable
    "child": 'sh "$1/bin/activate"',   # in a child shell: its changes die with it
}
REPORT = ('status=$?\n'
          'printf "%s\\0" "$status" "${PATH+1}" "${PATH-}" "${VIRTUAL_ENV+1}" "${VIRTUAL_ENV-}" '
          '"${PS1+1}" "${PS1-}"\n')


def after_activation(env, environ, how):
    if how not in ACTIVATION:
        raise ValueError(f"how is one of {sorted(ACTIVATION)}, not {how!r}")
    sh = shutil.which("sh") or "/bin/sh"
    script = ACTIVATION[how] + " 2>/dev/null\n" + REPORT
    done = subprocess.run([sh, "-c", script, "sh", os.path.abspath(env)], env=dict(environ),
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=20)
    status, *fields = done.stdout.split("\0")[:7]
    variables = {name: value for name, (is_set, value)
                 in zip(("PATH", "VIRTUAL_ENV", "PS1"), zip(fields[0::2], fields[1::2])) if is_set}
    return Shell(int(status), variables)
