"""tddkit: test-driven-development katas for Python learners.

Kept empty on purpose: every command imports only what it needs, so the
commands that only read state start fast (see `python -X importtime -m tddkit`).
"""

__version__ = "0.1.0"
