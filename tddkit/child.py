"""The test process: runs one kata's tests under pytest with the reporting plugin.

Started by the runner as `python -m tddkit.child [pytest args]`. The runner passes, in the
environment, the file descriptor to report on and the run's token; both are taken out of the
environment here, before pytest imports any learner code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPORT_FD = "TDDKIT_REPORT_FD"
TOKEN = "TDDKIT_TOKEN"
HYPOTHESIS_MODE = "TDDKIT_HYPOTHESIS"  # "derandomize" in verify: the same examples every run


def forget_stale_bytecode(root: Path) -> None:
    """Delete cached bytecode of the workspace's own code and never write more.

    Python (and pytest's assertion rewriter) trust a .pyc whose recorded source mtime and size
    match; an edit of the same size within the same second would then run the old code and
    give a wrong light. Compiling a kata's few files from source costs next to nothing.
    """
    sys.dont_write_bytecode = True
    for folder in ("katas", "tests"):
        for pyc in (root / folder).glob("**/__pycache__/*.pyc"):
            try:
                pyc.unlink()
            except OSError:
                pass


def use_derandomized_hypothesis() -> None:
    from hypothesis import settings

    settings.register_profile("tddkit-verify", derandomize=True, database=None, deadline=None, print_blob=False)
    settings.load_profile("tddkit-verify")


def run(args: list[str], fd: int, token: str, hypothesis_mode: str = "") -> int:
    import pytest

    from tddkit.plugin import ReportPlugin

    forget_stale_bytecode(Path.cwd())
    if hypothesis_mode == "derandomize":
        use_derandomized_hypothesis()
    return int(pytest.main(args, plugins=[ReportPlugin(fd, token)]))


def main() -> int:
    fd = int(os.environ.pop(REPORT_FD))
    token = os.environ.pop(TOKEN)
    mode = os.environ.pop(HYPOTHESIS_MODE, "")
    return run(sys.argv[1:], fd, token, mode)


if __name__ == "__main__":
    raise SystemExit(main())
