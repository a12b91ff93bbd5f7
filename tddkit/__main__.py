"""`python -m tddkit` is the same as the `tddkit` command."""

import os
import sys

# `python -m` puts the current folder first on sys.path; in a workspace that would let a
# learner's `json.py` stand in for the kit's json. The `tddkit` command never has it there.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from tddkit.cli import main  # noqa: E402

raise SystemExit(main())
