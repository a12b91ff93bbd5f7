# Mutant 'main_guard_misspelled' of the sincostan kata: a known-wrong solution the tests must reject.
# The mistake: writes if __name__ == "main": so the script part never runs and the script prints nothing.
"""sincostan: the sine, cosine and tangent of one angle, in one call.

The reference solution of the sincostan kata. The API came first, written down as
tests; this code was written afterwards to meet it:

    class SinCosTan(NamedTuple): sin, cos, tan  (floats)
    sincostan(angle, *, degrees=False) -> SinCosTan

Run as a script (``python -m katas.sincostan ANGLE [--degrees]``) it prints one
line, ``sin=S cos=C tan=T``. Imported, it prints nothing: the script part sits
under ``if __name__ == "__main__":``.
"""

import argparse
import math
import numbers
import sys
from fractions import Fraction
from typing import NamedTuple


class SinCosTan(NamedTuple):
    """The sine, cosine and tangent of one angle."""

    sin: float
    cos: float
    tan: float


# The exact answers at the four quarter turns, 0, 90, 180 and 270 degrees.
# At 90 and 270 cos is 0, a pole: tan is infinite, with the sign of sin.
QUARTER_TURNS = (
    SinCosTan(0.0, 1.0, 0.0),
    SinCosTan(1.0, 0.0, math.inf),
    SinCosTan(0.0, -1.0, 0.0),
    SinCosTan(-1.0, 0.0, -math.inf),
)


def sincostan(angle, *, degrees=False):
    """Return SinCosTan(sin, cos, tan) of angle, in radians or, if degrees=True, degrees.

    angle is any real number (int, float, Fraction). A bool, str, None, complex or
    anything else that is not a real number raises TypeError; inf and nan raise
    ValueError.
    """
    check_angle(angle)
    if degrees:
        return sincostan_degrees(angle)
    # Radians: the math module is accurate to within an ULP or so, for any size of angle.
    return SinCosTan(math.sin(angle), math.cos(angle), math.tan(angle))


def check_angle(angle):
    """Refuse what is not a finite real number, saying what was given."""
    # bool is a subclass of int (True == 1), but an angle of True is surely a mistake.
    if isinstance(angle, bool) or not isinstance(angle, numbers.Real):
        raise TypeError(
            f"sincostan() needs a real number (int, float or Fraction) for the angle, "
            f"not {type(angle).__name__}: {angle!r}"
        )
    # ints and Fractions are always finite; only floats (and float-like reals) can be inf or nan.
    if not isinstance(angle, numbers.Rational) and not math.isfinite(angle):
        raise ValueError(f"sincostan() needs a finite angle, not {angle!r}")


def sincostan_degrees(angle):
    """sincostan for an angle in degrees, exact at every quarter turn."""
    # Fraction(angle) is exact for int, Fraction and float alike (a float is a
    # fraction whose denominator is a power of two), and so is % on Fractions:
    # whole turns come off without any rounding, however big the angle.
    exact = Fraction(angle) if isinstance(angle, (numbers.Rational, float)) else Fraction(float(angle))
    turn = exact % 360  # 0 <= turn < 360

    # Split into the nearest quarter turn and what is left over: -45 <= rest <= 45.
    quarter = round(turn / 90)
    rest = turn - 90 * quarter
    quarter %= 4  # 360 degrees is quarter turn 0 again

    if rest == 0:
        return QUARTER_TURNS[quarter]

    # Only the small leftover angle is rounded to a float; math does the rest.
    x = math.radians(float(rest))
    s, c = math.sin(x), math.cos(x)  # c >= cos(45 degrees) > 0.7
    if s == 0.0:
        # rest is not 0 but too tiny for a float (under about 1e-306 degrees): keep
        # its sign in the smallest float there is, so that next to a pole tan gets
        # the right sign and no division by zero happens.
        s = 5e-324 if rest > 0 else -5e-324

    # Turning by a quarter turn swaps sin and cos and changes one sign:
    # sin(90 + r) = cos r, cos(90 + r) = -sin r, and so on around the circle.
    if quarter == 0:
        return SinCosTan(s, c, s / c)
    if quarter == 1:
        return SinCosTan(c, -s, -c / s)
    if quarter == 2:
        return SinCosTan(-s, -c, s / c)
    return SinCosTan(-c, s, -c / s)


def parse_angle(text):
    """The ANGLE of the command line: an int if it looks like one, else a float."""
    try:
        return int(text)
    except ValueError:
        return float(text)  # raises ValueError for text that is not a number


def main(argv=None):
    """The script: print sin, cos and tan of ANGLE. Returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m katas.sincostan",
        description="Print the sine, cosine and tangent of ANGLE.",
    )
    parser.add_argument("angle", metavar="ANGLE", help="the angle, in radians unless --degrees")
    parser.add_argument("--degrees", action="store_true", help="ANGLE is in degrees")
    args = parser.parse_args(argv)
    try:
        result = sincostan(parse_angle(args.angle), degrees=args.degrees)
    except ValueError:
        # parser.error prints usage and the message on stderr, then exits with status 2.
        parser.error(f"ANGLE must be a finite number, not {args.angle!r}")
    print(f"sin={result.sin:.6f} cos={result.cos:.6f} tan={result.tan:.6f}")
    return 0


# Run as a script, Python binds __name__ to "__main__"; imported, __name__ is
# "katas.sincostan" and this block is skipped, so importing prints nothing.
if __name__ == "main":
    sys.exit(main())
