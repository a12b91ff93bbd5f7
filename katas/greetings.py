"""The `package` kata starts here, as one flat module. It has to become a package.

Read the lesson (`tddkit lesson package`): it is the whole contract. Your job is to replace this file
by a directory katas/greetings/ holding __init__.py, __main__.py, whoami.py, world.py,
loader.py and a subpackage languages/ (with english.py and french.py). Then delete this
file: a package directory and a module of the same name cannot both be `katas.greetings`.
"""


def greet(name, language="english"):
    """Greet NAME in LANGUAGE, e.g. greet("Ada") == "Hello, Ada!"."""
    raise NotImplementedError("katas.greetings must become a package: see the lesson")


def load_language(name):
    """Import and return the language module katas.greetings.languages.NAME."""
    raise NotImplementedError("katas.greetings must become a package: see the lesson")
