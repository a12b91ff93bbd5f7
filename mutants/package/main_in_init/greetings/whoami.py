"""Shows how a submodule sees itself when run with -m, run as a file, or imported."""


def describe():
    try:
        from . import languages  # noqa: F401 - only to see whether a relative import works
    except ImportError:
        relative = "failed"
    else:
        relative = "ok"
    spec = __spec__.name if __spec__ is not None else None
    return (f"__name__={__name__} __package__={__package__} __spec__={spec} "
            f"relative_import={relative}")


if __name__ == "__main__":
    print(describe())
