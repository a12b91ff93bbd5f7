"""The test process: runs one kata's tests under pytest with the reporting plugin.

Started by the runner as `python -P -m tddkit.child [pytest args]` (-P: a `tddkit/` folder in the
workspace is not imported in place of the kit). The runner passes, in the environment, the file
descriptor to report on (write-only: what was reported cannot be read back) and a pipe holding
the run's token. Both are taken out of the environment, and the pipe read and closed, here,
before pytest imports any learner code: the token is in no file, environment or descriptor
that the learner's code could read. The process also caps its memory and asks to die with
its runner (see confine.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPORT_FD = "TDDKIT_REPORT_FD"
TOKEN_FD = "TDDKIT_TOKEN_FD"  # a pipe: the runner wrote the token and closed its end
HYPOTHESIS_MODE = "TDDKIT_HYPOTHESIS"  # one of the modes below; a learner's runs: neither
DERANDOMIZE = "derandomize"  # verify: the same examples every run
CATCH = "catch"  # the write-tests mode's mutant runs: the same examples, and no shrinking (grading.py)
CHECKED_HASH = 0b11  # .pyc flags (PEP 552): based on the source's hash, checked on import
ORDER = "TDDKIT_ORDER"  # the order the tests run in (order.py); a learner's runs: file order
NEWS_FD = "TDDKIT_NEWS_FD"  # watch mode: a pipe that gets a byte when the report has news (plugin.py)


def bytecode_folder(root: Path) -> Path:
    """Where a test process caches the bytecode of what it imports from the workspace (Python's
    pycache_prefix): not the workspace's own __pycache__ folders, whose files anyone may drop
    there, even one that carries a test file's hash and other code."""
    return root / ".tddkit" / "pycache"


def forget_stale_bytecode(root: Path) -> None:
    """Delete the workspace's cached bytecode that Python trusts on its source's timestamp.

    A .pyc records its source's mtime and size; an edit of the same size within the same
    second would then run the old code and give a wrong light. Each run deletes those first,
    so a .pyc written during one run is never trusted by the next. A checked-hash .pyc is
    compared with the source itself on every import: those are kept (pytest 9 writes its
    rewritten test modules that way, and rewriting the tests takes a while on every run).
    Both places are cleaned: the test process's own folder, and the workspace's __pycache__
    folders, which the subprocesses the tests start (`python -m katas.x`) use.
    """
    mirror = bytecode_folder(root) / root.relative_to(root.anchor)
    for folder in ("katas", "tests"):
        for pyc in (*(root / folder).glob("**/__pycache__/*.pyc"), *(mirror / folder).glob("**/*.pyc")):
            try:
                with open(pyc, "rb") as f:
                    flags = int.from_bytes(f.read(8)[4:8], "little")
                if flags & CHECKED_HASH != CHECKED_HASH:
                    pyc.unlink()
            except OSError:
                pass


def use_hypothesis_profile(mode: str) -> None:
    """Verify draws the same examples every run; a learner's runs draw fresh ones.

    Chosen explicitly for both: left alone, Hypothesis loads its derandomized "ci" profile
    whenever a CI variable is set, and every run would repeat the same examples. Both shrink
    the first failure found and stop there: hunting for more distinct failures, and shrinking
    each, made a RED come seconds later, and a test fails on one as on many.
    A mutant's run in the write-tests mode only asks whether a test fails, so it does not shrink
    the failure it finds: no one reads its example.
    """
    from hypothesis import Phase, settings

    one_failure = {"report_multiple_bugs": False}
    same = {"derandomize": True, "database": None, "deadline": None, "print_blob": False, **one_failure}
    settings.register_profile("tddkit-verify", **same)
    settings.register_profile("tddkit-catch", **same, phases=[Phase.explicit, Phase.generate, Phase.target])
    settings.register_profile("tddkit-learner", derandomize=False, **one_failure)
    settings.load_profile({DERANDOMIZE: "tddkit-verify", CATCH: "tddkit-catch"}.get(mode, "tddkit-learner"))


def run(args: list[str], fd: int, token: str, hypothesis_mode: str = "", order: str = "file", hold=None,
        news: int | None = None) -> int:
    """pytest on args, reporting on fd, the tests in `order` (order.py), and a byte on `news`, if
    given, when a test did not pass and when pytest finished (plugin.py).

    hold, if given, is called once pytest has configured itself, before it looks at any file of
    the workspace: it waits until the run may go on (watch mode prepares its next test process
    that far while the learner is still typing).
    """
    # The learner's code is imported from the workspace (`import katas.x`), which comes first on
    # sys.path before pytest is imported, as with `python -m pytest`: a module of the workspace
    # that shadows one pytest uses is imported as plain pytest would import it.
    root = os.getcwd()
    if root not in sys.path:
        sys.path.insert(0, root)
    import pytest

    from tddkit import confine
    from tddkit.order import arrange
    from tddkit.plugin import ReportPlugin

    confine.limit_memory()
    confine.dump_stack_when_asked()
    use_hypothesis_profile(hypothesis_mode)
    report = ReportPlugin(fd, token, news)
    extra_args, in_order = arrange(order, report)

    class SessionStart:
        @pytest.hookimpl(trylast=True)
        def pytest_sessionstart(self, session):
            if hold is not None:
                hold()
            import importlib

            importlib.invalidate_caches()  # the workspace's folders as they are now
            # From here on (the tests and the learner's modules; pytest and its plugins are
            # imported already) bytecode is read and written in the kit's own folder.
            sys.pycache_prefix = str(bytecode_folder(Path(root)))
            forget_stale_bytecode(Path(root))

    return int(pytest.main([*args, *extra_args], plugins=[report, SessionStart(), *in_order]))


def exec_cold(args: list[str], fd: int, token: str, hypothesis_mode: str = "", news: int | None = None) -> None:
    """Become a cold test process, `python -P -m tddkit.child args`, reporting on fd (and news on
    `news`): for a run that a process with modules imported beforehand cannot judge as plain
    pytest would."""
    token_read = token_pipe(token)
    os.set_inheritable(fd, True)
    os.set_inheritable(token_read, True)
    env = {**os.environ, REPORT_FD: str(fd), TOKEN_FD: str(token_read), HYPOTHESIS_MODE: hypothesis_mode}
    if news is not None:
        os.set_inheritable(news, True)
        env[NEWS_FD] = str(news)
    os.execve(sys.executable, [sys.executable, "-P", "-m", "tddkit.child", *args], env)


def token_pipe(token: str) -> int:
    """A pipe holding the token, for the test process to read once: the token is not in its
    environment, where /proc/<pid>/environ would show it to the learner's code."""
    read_fd, write_fd = os.pipe()
    os.write(write_fd, token.encode())
    os.close(write_fd)
    return read_fd


def read_token(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 256):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode()


def main() -> int:
    from tddkit import confine

    parent = os.environ.pop(confine.PARENT, "")
    confine.die_with_parent(int(parent) if parent.isdigit() else None)
    fd = int(os.environ.pop(REPORT_FD))
    token = read_token(int(os.environ.pop(TOKEN_FD)))
    mode = os.environ.pop(HYPOTHESIS_MODE, "")
    order = os.environ.pop(ORDER, "file")
    news = os.environ.pop(NEWS_FD, "")
    return run(sys.argv[1:], fd, token, mode, order, news=int(news) if news.isdigit() else None)


if __name__ == "__main__":
    raise SystemExit(main())
