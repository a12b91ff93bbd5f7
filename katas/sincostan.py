"""sincostan: the sine, cosine and tangent of one angle, in one call.

This is your kata. Its tests (tests/test_sincostan.py) were written before this
code, against the API below: make them pass one step at a time.

    tddkit next      # the next failing step: its test and what it expects
    tddkit watch     # save this file, see the light change

The API (the contract the tests check):

    class SinCosTan(NamedTuple): sin, cos, tan  (floats)
    sincostan(angle, *, degrees=False) -> SinCosTan

and, run as a script, ``python -m katas.sincostan ANGLE [--degrees]`` prints
``sin=S cos=C tan=T``. Importing this module prints nothing.
"""

from typing import NamedTuple


class SinCosTan(NamedTuple):
    """The sine, cosine and tangent of one angle."""

    sin: float
    cos: float
    tan: float


def sincostan(angle, *, degrees=False):
    """Return SinCosTan(sin, cos, tan) of angle (radians, or degrees if degrees=True)."""
    raise NotImplementedError(
        "sincostan() is not written yet: start with step 1, sincostan(0) "
        "(run `tddkit next` to see its test)"
    )


if __name__ == "__main__":
    raise SystemExit(
        "katas/sincostan.py: the script part is not written yet "
        "(run `tddkit next` to see what it should print)"
    )
