"""The environment the benchmarks run tools in: a learner's, where Python may cache bytecode.

Where PYTHONDONTWRITEBYTECODE is set (as on some CI machines, and this one), every cold pytest
run rewrites the asserts of Hypothesis' modules again (pytest rewrites installed plugins),
about 1.5 s a run here: that would flatter tddkit against plain pytest and ptw.
"""

import os

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
