"""playpen: virtual environments, made, read, asked and activated: the venv kata.

(Not named venv.py: this module uses the standard library's venv, and a file called venv.py,
run as a script, would be imported in its place.) The contract is the lesson:
`tddkit lesson venv`.

Run the tests:  tddkit watch   (or: python -m pytest tests/test_venv.py)
"""

from __future__ import annotations

from typing import NamedTuple


class Shell(NamedTuple):
    """What a real shell reported after one way of activating: the activation command's exit
    status, and the variables PATH, VIRTUAL_ENV and PS1 of the calling shell (each that is set)."""

    status: int
    variables: dict


def make(path):
    raise NotImplementedError("make: write me")


def read_config(env):
    raise NotImplementedError("read_config: write me")


def write_config(env, config):
    raise NotImplementedError("write_config: write me")


def in_venv():
    raise NotImplementedError("in_venv: write me")


def current():
    raise NotImplementedError("current: write me")


def activate(environ, env):
    raise NotImplementedError("activate: write me")


def deactivate(environ):
    raise NotImplementedError("deactivate: write me")


def after_activation(env, environ, how):
    raise NotImplementedError("after_activation: write me")
