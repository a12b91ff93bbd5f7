"""The environment the benchmarks run tools in: a learner's, where Python may cache bytecode.

Where PYTHONDONTWRITEBYTECODE is set (as on some CI machines, and this one), every cold pytest
run rewrites the asserts of Hypothesis' modules again (pytest rewrites installed plugins),
about 1.5 s a run here: that would flatter tddkit against plain pytest and ptw.

A learner installs the kit with `pip install .`. An editable install (`pip install -e .`, as
for the kit's own tests) adds an import hook that costs about 30 ms at every Python start, and
the sincostan tests start eight Pythons a run: `warn_if_editable` says so. For figures as a
learner would see them, run the benchmarks from a virtual environment made with `pip install .`.
"""

import os
import sys
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warn_if_editable() -> None:
    import tddkit

    if "site-packages" not in Path(tddkit.__file__).parts:
        print(f"note: tddkit is imported from {Path(tddkit.__file__).parent} (an editable install?): "
              "every Python start costs more than on a learner's machine; see benchmarks/learner_env.py",
              file=sys.stderr)
