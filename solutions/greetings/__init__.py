"""Greetings in several languages: a small package with a public API, plugins and lazy parts.

Public API: greet(name, language="english") and load_language(name). The submodule `world`
is heavy (it imports every language), so it is imported only when first asked for.
"""

import importlib

__all__ = ["greet", "load_language"]

_LANGUAGES = __name__ + ".languages"
_LAZY_SUBMODULES = {"world"}


def load_language(name):
    """Import the language module katas.greetings.languages.NAME by name, at run time.

    An unknown language (no such module, not a plain module name, or a name starting with "_":
    languages/__init__.py is the subpackage itself, a _module a helper) is a LookupError. A
    language module that exists but fails to import raises its own error unchanged.
    """
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise LookupError(f"unknown language {name!r}")
    full_name = f"{_LANGUAGES}.{name}"
    try:
        return importlib.import_module("." + name, _LANGUAGES)
    except ModuleNotFoundError as exc:
        if exc.name != full_name:
            raise  # the language exists; something it imports does not
        raise LookupError(f"unknown language {name!r}") from None


def greet(name, language="english"):
    """Greet NAME in LANGUAGE with that language's Greeter."""
    return load_language(language).Greeter().greet(name)


def __getattr__(attribute):
    """PEP 562: import the heavy submodules on first use; the import binds them here."""
    if attribute in _LAZY_SUBMODULES:
        return importlib.import_module("." + attribute, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES)
