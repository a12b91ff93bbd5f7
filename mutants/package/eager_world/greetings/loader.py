"""Import done by hand: the three steps of `import`, for a file anywhere on disk."""

import importlib.util
import os
import sys


def load_from_path(name, path):
    """Import the Python file PATH as the module NAME and return it.

    1. make a new, empty module namespace (with __name__, __file__, __spec__ set);
    2. bind it in sys.modules, then run the file's code in it (a circular import finds it);
    3. if the code raises, take it out of sys.modules again and let the error through.
    """
    path = os.fspath(path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    with open(path, "rb") as file:
        code = compile(file.read(), path, "exec")
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return sys.modules[name]
