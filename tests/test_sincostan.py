"""Tests for the sincostan kata. They were written before the code they test.

Every test carries ``@pytest.mark.step(N)``: N is the order in which you meet it
(``tddkit next`` shows the first step that is not green). The tests use only the
documented API, the contract in the lesson:

* ``SinCosTan``: a named tuple with the float fields ``sin``, ``cos``, ``tan``;
* ``sincostan(angle, *, degrees=False) -> SinCosTan``;
* ``python -m katas.sincostan ANGLE [--degrees]`` prints ``sin=S cos=C tan=T``.
"""

import json
import math
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

# The math module as it is before your code is imported: what the tests compare with. Code that
# changes the math module (math.isclose = ...) changes its own answers, not the tests' yardstick.
math = SimpleNamespace(**vars(math))

from katas.sincostan import SinCosTan, sincostan  # noqa: E402

# The workspace root: the folder that holds katas/ and tests/.
ROOT = Path(__file__).resolve().parents[1]

# One unit of rounding for floats near 1.0 (2**-52).
EPS = sys.float_info.epsilon

# "A few ULP": how far one of your values may be from the math module's.
FEW_ULP = 4

# Any finite float, from the tiniest subnormal to the largest float.
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def _whole_plus_part(whole, numerator, denominator):
    return whole + Fraction(numerator % denominator, denominator)


# Any Fraction from -10**6 to 10**6 whose denominator is at most 10**6: a whole number plus
# a proper fraction. Built from three integers, it draws several times faster than
# st.fractions(), and you wait for these tests on every save.
fractions = st.builds(
    _whole_plus_part,
    st.integers(min_value=-(10**6), max_value=10**6 - 1),
    st.integers(min_value=0, max_value=10**6 - 1),
    st.integers(min_value=1, max_value=10**6),
)

# How many angles a property tries. Steps 5 and 7 compare every value with the math module's and
# try the most. Steps 3, 4 and 6 check properties that the math module's values have too, so
# step 5 covers their ground; they try fewer, to teach the property and to catch a wrong start
# early. (You wait for every example on every save.)
MANY_EXAMPLES = 100
SOME_EXAMPLES = 30

# Any real number the API accepts: floats, ints and Fractions.
reals = st.one_of(
    finite_floats,
    st.integers(min_value=-(2**64), max_value=2**64),
    fractions,
)


# ---------------------------------------------------------------- helpers


def call(angle, degrees=False):
    """The call as the learner would write it, for failure messages."""
    return f"sincostan({angle!r}, degrees=True)" if degrees else f"sincostan({angle!r})"


def result_of(angle, degrees=False):
    """Call sincostan and check the shape of the answer: a SinCosTan of three floats."""
    got = sincostan(angle, degrees=True) if degrees else sincostan(angle)
    assert isinstance(got, SinCosTan), (
        f"{call(angle, degrees)} must give a SinCosTan named tuple; "
        f"yours gave {type(got).__name__} {got!r}"
    )
    for field in SinCosTan._fields:
        value = getattr(got, field)
        assert isinstance(value, float), (
            f"{call(angle, degrees)}.{field} must be a float; "
            f"yours is {type(value).__name__} {value!r}"
        )
    return got


def ulps_apart(a, b):
    """How many units in the last place separate two floats (0 when they are equal)."""
    if a == b:
        return 0.0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / math.ulp(max(abs(a), abs(b)))


def run_script(*args):
    """Run ``python -m katas.sincostan ARGS`` in a real process, in the workspace root."""
    return run_python("-m", "katas.sincostan", *args)


def run_python(*argv):
    """What ``python ARGV`` did, run in the workspace root (one of the commands below)."""
    return _scripts.result(argv)


class _Background:
    """Commands run one after the other by a Python of their own (LAUNCH), each in a Python of
    its own: a new Python takes a while to start, and the other tests run meanwhile, on the core
    they leave free. Only the launcher is started from here, so that the tests before the script
    tests hardly wait for it. It runs in the environment a terminal would give it (not the name
    of the test that started it)."""

    def __init__(self, commands):
        self.commands = [tuple(argv) for argv in commands]
        self.done = 0  # how many commands the launcher has said are done
        self.folder = tempfile.TemporaryDirectory()
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
        self.launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, self.folder.name, json.dumps(self.commands)],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=True,
        )

    def result(self, argv):
        """What ``python ARGV`` did, once the launcher says it is done (at most 30 s from now)."""
        i = self.commands.index(argv)
        deadline = time.monotonic() + 30
        while self.done <= i:
            left = deadline - time.monotonic()
            said = os.read(self.launcher.stdout.fileno(), 1024) if select.select(
                [self.launcher.stdout], [], [], max(left, 0))[0] else b""
            if not said:  # out of time, or the launcher is gone
                self.stop()
                raise subprocess.TimeoutExpired(["python", *argv], 30)
            self.done += said.count(b"\n")
        out, err, code = (Path(self.folder.name, f"{i}.{kind}").read_text() for kind in ("out", "err", "code"))
        return subprocess.CompletedProcess(["python", *argv], int(code), out, err)

    def stop(self):
        if self.launcher.poll() is None:  # it, and the Python it is running
            os.killpg(self.launcher.pid, signal.SIGKILL)
            self.launcher.wait()
        self.launcher.stdout.close()


# The Python that runs the commands: LAUNCH FOLDER COMMANDS (a JSON list of argument lists).
# Command i writes its output to FOLDER/i.out and FOLDER/i.err and its exit status to FOLDER/i.code;
# then the launcher prints a line. One at a time: side by side, they would take the tests' core too.
LAUNCH = """
import json, subprocess, sys
folder, commands = sys.argv[1], json.loads(sys.argv[2])
for i, argv in enumerate(commands):
    with open(f"{folder}/{i}.out", "w") as out, open(f"{folder}/{i}.err", "w") as err:
        status = subprocess.run([sys.executable, *argv], stdin=subprocess.DEVNULL, stdout=out, stderr=err).returncode
    with open(f"{folder}/{i}.code", "w") as code:
        code.write(str(status))
    print(flush=True)
"""


_scripts = None  # the _Background of the commands below, from this file's first test on


@pytest.fixture(scope="module", autouse=True)
def _start_the_scripts():
    """Start every command the script tests need as this file's first test begins; the script
    tests then read what theirs did."""
    global _scripts
    commands = [("-m", "katas.sincostan", *args) for args, _ in SCRIPT_RUNS]
    commands += [("-m", "katas.sincostan", *args) for args in BAD_ANGLES]
    commands.append(("-c", IMPORT_ONLY, "30", "--degrees"))
    _scripts = _Background(commands)
    yield
    _scripts.stop()
    _scripts.folder.cleanup()


# ---------------------------------------------------------------- step 1: zero


@pytest.mark.step(1)
@pytest.mark.parametrize("zero", [0, 0.0, Fraction(0)], ids=["int", "float", "Fraction"])
def test_zero(zero):
    got = result_of(zero)
    assert got == (0.0, 1.0, 0.0), (
        f"at angle 0, sin is 0.0, cos is 1.0 and tan is 0.0; "
        f"your {call(zero)} gave sin={got.sin!r}, cos={got.cos!r}, tan={got.tan!r}"
    )


@pytest.mark.step(1)
def test_result_is_a_named_tuple():
    got = result_of(0)
    assert (got.sin, got.cos, got.tan) == tuple(got), (
        f"the fields sin, cos, tan are the tuple's items in that order; "
        f"sincostan(0) gave fields {(got.sin, got.cos, got.tan)!r} but items {tuple(got)!r}"
    )
    s, c, t = got  # a named tuple unpacks like any tuple
    assert (s, c, t) == (0.0, 1.0, 0.0), (
        f"s, c, t = sincostan(0) must unpack to 0.0, 1.0, 0.0; yours unpacked to {s!r}, {c!r}, {t!r}"
    )


# ---------------------------------------------------------------- step 2: known angles

R3 = math.sqrt(3.0)
R2 = math.sqrt(2.0)

KNOWN_ANGLES = [
    # name, angle in radians, sin, cos, tan
    ("pi/6", math.pi / 6, 0.5, R3 / 2, 1 / R3),
    ("pi/4", math.pi / 4, R2 / 2, R2 / 2, 1.0),
    ("pi/3", math.pi / 3, R3 / 2, 0.5, R3),
    ("2pi/3", 2 * math.pi / 3, R3 / 2, -0.5, -R3),
    ("pi", math.pi, 0.0, -1.0, 0.0),
    ("1 radian", 1, 0.8414709848078965, 0.5403023058681398, 1.5574077246549023),
]


@pytest.mark.step(2)
@pytest.mark.parametrize(
    "name, angle, sin, cos, tan", KNOWN_ANGLES, ids=[row[0] for row in KNOWN_ANGLES]
)
def test_known_angles(name, angle, sin, cos, tan):
    got = result_of(angle)
    for field, expected in (("sin", sin), ("cos", cos), ("tan", tan)):
        value = getattr(got, field)
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-12), (
            f"{field} of {name} (radians, the default) is about {expected!r}; "
            f"your {call(angle)}.{field} gave {value!r}"
        )


# ---------------------------------------------------------------- step 3: sin² + cos² = 1


@pytest.mark.step(3)
@settings(deadline=None, max_examples=SOME_EXAMPLES)
@given(angle=reals)
@example(angle=math.pi / 7)
@example(angle=1e300)
def test_pythagorean_identity(angle):
    got = result_of(angle)
    total = got.sin * got.sin + got.cos * got.cos
    # sin and cos are each a few ULP from the truth, squaring and adding rounds three
    # more times: together that stays within 8 units of rounding of 1.0.
    assert abs(total - 1.0) <= 8 * EPS, (
        f"for every angle sin² + cos² = 1 (to within rounding, 8 * 2**-52); "
        f"your {call(angle)} gave sin={got.sin!r}, cos={got.cos!r}, "
        f"and sin² + cos² = {total!r}"
    )


# ---------------------------------------------------------------- step 4: tan = sin / cos


@pytest.mark.step(4)
@settings(deadline=None, max_examples=SOME_EXAMPLES)
@given(angle=reals)
@example(angle=math.pi / 3)
@example(angle=-2.5)
def test_tan_is_sin_over_cos(angle):
    # Away from the poles, where cos is 0 and tan has no value.
    assume(abs(math.cos(angle)) > 1e-9)
    got = result_of(angle)
    ratio = got.sin / got.cos
    # tan, sin and cos are each a few ULP from the truth and the division rounds once
    # more: the two agree to within 16 units of rounding, relative to their size.
    assert math.isclose(got.tan, ratio, rel_tol=16 * EPS, abs_tol=0.0), (
        f"away from the poles tan = sin / cos; your {call(angle)} gave "
        f"sin={got.sin!r}, cos={got.cos!r} (sin / cos = {ratio!r}) but tan={got.tan!r}"
    )


# ---------------------------------------------------------------- step 5: as the math module has it


@pytest.mark.step(5)
@settings(deadline=None, max_examples=MANY_EXAMPLES)
@given(angle=reals)
@example(angle=2**64)
@example(angle=int(sys.float_info.max))
@example(angle=Fraction(355, 113))
@example(angle=5e-324)
def test_radians_agree_with_math(angle):
    got = result_of(angle)
    for field, reference in (("sin", math.sin), ("cos", math.cos), ("tan", math.tan)):
        value, expected = getattr(got, field), reference(angle)
        assert ulps_apart(value, expected) <= FEW_ULP, (
            f"in radians each value is within {FEW_ULP} ULP of the math module's; "
            f"math.{field}({angle!r}) is {expected!r} but your {call(angle)}.{field} "
            f"gave {value!r} ({ulps_apart(value, expected):g} ULP apart)"
        )


# Ints and Fractions too big for a float: beyond the largest float, about 1.8e308 (2**1024 and up).
_too_big_ints = st.one_of(st.integers(min_value=2**1024), st.integers(max_value=-(2**1024)))
too_big_for_a_float = st.one_of(
    _too_big_ints,
    st.builds(lambda whole, part: whole + part, _too_big_ints, fractions.map(lambda f: f - int(f))),
)


def with_too_big_angles(test):
    """A property over angles too big for a float, with three of them always among the examples."""
    for angle in (Fraction(3 * 10**400 + 1, 3), -(2**1024), 10**400):
        test = example(angle=angle)(test)
    return settings(deadline=None, max_examples=SOME_EXAMPLES)(given(angle=too_big_for_a_float)(test))


@pytest.mark.step(5)
@with_too_big_angles
def test_radians_too_big_for_a_float_overflow(angle):
    shown = f"{angle!r}"[:40] + "..."
    try:
        got = sincostan(angle)
    except OverflowError:
        pass
    except Exception as error:
        pytest.fail(
            f"sincostan({shown}): in radians an angle too big for a float raises OverflowError, "
            f"as math.sin does; yours raised {type(error).__name__}: {error}"
        )
    else:
        pytest.fail(
            f"sincostan({shown}): in radians an angle too big for a float raises OverflowError, "
            f"as math.sin does; yours returned {got!r}"
        )


# ---------------------------------------------------------------- step 6: odd and even


@pytest.mark.step(6)
@settings(deadline=None, max_examples=SOME_EXAMPLES)
@given(angle=reals)
@example(angle=math.pi / 6)
@example(angle=Fraction(1, 3))
@example(angle=10**9)
def test_odd_and_even_symmetry(angle):
    got, mirror = result_of(angle), result_of(-angle)
    # Each value may be a few ULP off on each side of the mirror: twice FEW_ULP in all.
    checks = (
        ("sin", "odd", mirror.sin, -got.sin),
        ("cos", "even", mirror.cos, got.cos),
        ("tan", "odd", mirror.tan, -got.tan),
    )
    for field, kind, value, expected in checks:
        assert ulps_apart(value, expected) <= 2 * FEW_ULP, (
            f"{field} is an {kind} function: {field}(-a) = "
            f"{'-' if kind == 'odd' else ''}{field}(a), so {call(-angle)}.{field} "
            f"should be {expected!r}; yours gave {value!r}"
        )


# ---------------------------------------------------------------- step 7: degrees

# tan 30 degrees is 1/sqrt(3): the float nearest it (1 / R3 rounds to the float one above).
TAN_30 = 0.5773502691896257

KNOWN_DEGREES = [
    # angle in degrees, sin, cos, tan: each the float nearest the exact value
    (30, 0.5, R3 / 2, TAN_30),
    (45, R2 / 2, R2 / 2, 1.0),
    (60, R3 / 2, 0.5, R3),
    (135.0, R2 / 2, -R2 / 2, -1.0),
    (-30, -0.5, R3 / 2, -TAN_30),
    (Fraction(1, 2), 0.008726535498373935, 0.9999619230641713, 0.00872686779075879),
    (390, 0.5, R3 / 2, TAN_30),
]


@pytest.mark.step(7)
@pytest.mark.parametrize(
    "angle, sin, cos, tan", KNOWN_DEGREES, ids=[repr(row[0]) for row in KNOWN_DEGREES]
)
def test_degrees_known_angles(angle, sin, cos, tan):
    got = result_of(angle, degrees=True)
    for field, expected in (("sin", sin), ("cos", cos), ("tan", tan)):
        value = getattr(got, field)
        assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-12), (
            f"with degrees=True the angle is in degrees: {field} of {angle} degrees is "
            f"about {expected!r}; your {call(angle, degrees=True)}.{field} gave {value!r}"
        )


@pytest.mark.step(7)
def test_degrees_is_keyword_only():
    result_of(30, degrees=True)
    try:
        got = sincostan(30, True)
    except TypeError:
        pass
    else:
        pytest.fail(
            "degrees is keyword-only (the * in sincostan(angle, *, degrees=False)): "
            f"sincostan(30, True) raises TypeError; yours returned {got!r}"
        )


@pytest.mark.step(7)
@settings(deadline=None, max_examples=MANY_EXAMPLES)
@given(
    angle=st.one_of(
        st.floats(min_value=-1e6, max_value=1e6),
        st.integers(min_value=-(10**30), max_value=10**30),
        fractions,
    )
)
@example(angle=1)
@example(angle=-359.5)
def test_degrees_agree_with_radians(angle):
    # A full turn is 360 degrees: the angle's place within its turn, in radians.
    within_turn = math.radians(float(Fraction(angle) % 360))
    got = result_of(angle, degrees=True)
    for field, reference in (("sin", math.sin), ("cos", math.cos)):
        value, expected = getattr(got, field), reference(within_turn)
        assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12), (
            f"{angle} degrees is {within_turn!r} radians (after whole turns), whose {field} "
            f"is {expected!r}; your {call(angle, degrees=True)}.{field} gave {value!r}"
        )
    if abs(math.cos(within_turn)) > 1e-3:  # away from the poles
        expected = math.tan(within_turn)
        assert math.isclose(got.tan, expected, rel_tol=1e-9, abs_tol=1e-12), (
            f"{angle} degrees is {within_turn!r} radians (after whole turns), whose tan "
            f"is {expected!r}; your {call(angle, degrees=True)}.tan gave {got.tan!r}"
        )


# ---------------------------------------------------------------- step 8: exact quarter turns

# Quarter turns counted from 0: k * 90 degrees, for k = 0, 1, 2, 3 (then it repeats).
EXACT_SIN = (0.0, 1.0, 0.0, -1.0)
EXACT_COS = (1.0, 0.0, -1.0, 0.0)

QUARTER_TURNS = [
    kind(90 * k) for k in range(-8, 9) for kind in (int, float, Fraction)
]


@pytest.mark.step(8)
@pytest.mark.parametrize("angle", QUARTER_TURNS, ids=repr)
def test_quarter_turns_are_exact(angle):
    k = int(angle) // 90 % 4
    got = result_of(angle, degrees=True)
    assert (got.sin, got.cos) == (EXACT_SIN[k], EXACT_COS[k]), (
        f"{angle} degrees is a whole number of quarter turns: sin and cos are exactly "
        f"{EXACT_SIN[k]!r} and {EXACT_COS[k]!r}, not merely close; "
        f"your {call(angle, degrees=True)} gave sin={got.sin!r}, cos={got.cos!r}"
    )
    if EXACT_SIN[k] == 0.0:
        assert got.tan == 0.0, (
            f"where sin is exactly 0, tan is exactly 0; "
            f"your {call(angle, degrees=True)}.tan gave {got.tan!r}"
        )


REDUCED_EXACTLY = [
    # angle in degrees, sin, cos: the angle reduces without rounding to a quarter turn
    (360 * 10**20 + 90, 1.0, 0.0),
    (-(360 * 10**20) - 90, -1.0, 0.0),
    (Fraction(3 * 360 * 10**25 + 540, 3), 0.0, -1.0),
    (Fraction(1, 3) * 810, -1.0, 0.0),
    (90.0 * 2**60, 0.0, 1.0),
    (-90.0 * (2**45 + 1), -1.0, 0.0),
]


@pytest.mark.step(8)
@pytest.mark.parametrize("angle, sin, cos", REDUCED_EXACTLY, ids=repr)
def test_degrees_reduction_is_exact(angle, sin, cos):
    got = result_of(angle, degrees=True)
    assert (got.sin, got.cos) == (sin, cos), (
        f"{angle!r} degrees is a whole number of quarter turns, and whole turns must be "
        f"taken off exactly (no rounding for int, Fraction or float): sin and cos are "
        f"exactly {sin!r} and {cos!r}; your {call(angle, degrees=True)} gave "
        f"sin={got.sin!r}, cos={got.cos!r}"
    )


# In degrees any size works, even one too big for a float (in radians that is an OverflowError,
# step 5): whole turns come off exactly. Here in step 8, not in step 5, where degrees are not
# written yet (a learner with radians right met a degrees failure in step 5).
@pytest.mark.step(8)
@with_too_big_angles
def test_degrees_take_angles_too_big_for_a_float(angle):
    shown = f"{angle!r}"[:40] + "..."
    within_turn = math.radians(float(Fraction(angle) % 360))
    got = result_of(angle, degrees=True)
    assert math.isclose(got.sin, math.sin(within_turn), rel_tol=1e-9, abs_tol=1e-12), (
        f"with degrees=True any size of angle works; {shown} degrees has sin "
        f"{math.sin(within_turn)!r}; your sincostan({shown}, degrees=True).sin gave {got.sin!r}"
    )


@pytest.mark.step(8)
@pytest.mark.parametrize("angle", [360 * 10**20 + 30, Fraction(360 * 10**25 * 7 + 210, 7)], ids=repr)
def test_huge_angles_keep_their_remainder(angle):
    got = result_of(angle, degrees=True)
    assert math.isclose(got.sin, 0.5, rel_tol=1e-12), (
        f"{angle!r} degrees is many whole turns plus 30 degrees, so sin is about 0.5; "
        f"your {call(angle, degrees=True)}.sin gave {got.sin!r} "
        f"(turning a huge int or Fraction into a float first loses the 30)"
    )


# A small angle D degrees and the floats nearest its exact sin and 1 / tan (tan rounds to the same
# float as sin: they differ in the 22nd digit). 10**-400 degrees is too small for a float: its sin
# rounds to 0.0 and its 1 / tan to inf.
SMALL_ANGLES = {
    "10**9": (Fraction(1, 10**9), 1.7453292519943295e-11, 57295779513.08232),
    "10**400": (Fraction(1, 10**400), 0.0, math.inf),
}

# Just beside 0, 90, 180 and -90 degrees: (k, side) is the angle k * 90 + side * D.
BESIDE_QUARTER_TURNS = [(k, side) for k in (0, 1, 2, -1) for side in (-1, 1)]


def beside_a_quarter_turn(k, side, small):
    """The angle k * 90 + side * D degrees, how to write it, and its exact sin, cos and tan.

    Each value is the float nearest the exact one; one too small for a float is 0.0 or -0.0,
    with the sign the exact value has.
    """
    d, sin_d, cot_d = SMALL_ANGLES[small]
    # sin, cos, tan and 1 / tan of the leftover side * D: cos is 1.0 to the float's last digit.
    s, c, t, cot = side * sin_d, 1.0, side * sin_d, side * cot_d
    # A quarter turn on: sin(90 + r) = cos r, cos(90 + r) = -sin r, tan(90 + r) = -1 / tan r.
    exact = [(s, c, t), (c, -s, -cot), (-s, -c, t), (-c, s, -cot)][k % 4]
    shown = f"{90 * k} {'-' if side < 0 else '+'} Fraction(1, {small})"
    return 90 * k + side * d, shown, exact


def accurate_degrees():
    """(angle, how to write it, its exact sin, cos, tan, where, why) for the known angles and
    for angles just beside a quarter turn."""
    for angle, *exact in KNOWN_DEGREES:
        why = "a float of the whole turn rounds more than the small leftover beside a quarter turn"
        yield angle, repr(angle), exact, "", why
    for k, side in BESIDE_QUARTER_TURNS:
        angle, shown, exact = beside_a_quarter_turn(k, side, "10**9")
        why = "math.radians of the whole angle has lost the digits that matter here"
        yield angle, shown, exact, f", also just beside {90 * k} degrees", why


ACCURATE_DEGREES = list(accurate_degrees())


@pytest.mark.step(8)
@pytest.mark.parametrize(
    "angle, shown, exact, where, why", ACCURATE_DEGREES,
    ids=[row[1].replace(" ", "") for row in ACCURATE_DEGREES],
)
def test_degrees_are_within_a_few_ulp_of_exact(angle, shown, exact, where, why):
    got = result_of(angle, degrees=True)
    for field, value, expected in zip(SinCosTan._fields, got, exact):
        assert ulps_apart(value, expected) <= FEW_ULP, (
            f"in degrees each value is within {FEW_ULP} ULP of the exact one{where}: {field} of "
            f"{shown} degrees is {expected!r}; your sincostan({shown}, degrees=True).{field} "
            f"gave {value!r} ({ulps_apart(value, expected):g} ULP apart; {why})"
        )


# ---------------------------------------------------------------- step 9: poles

POLES = [kind(90 * k) for k in range(-7, 8, 2) for kind in (int, float, Fraction)]


@pytest.mark.step(9)
@pytest.mark.parametrize("angle", POLES, ids=repr)
def test_tan_at_poles_is_infinite(angle):
    k = int(angle) // 90 % 4
    expected = math.inf if EXACT_SIN[k] > 0 else -math.inf
    got = result_of(angle, degrees=True)
    assert got.tan == expected, (
        f"at {angle} degrees cos is exactly 0 (a pole): tan is {expected!r}, "
        f"infinite with the sign of sin ({EXACT_SIN[k]!r}); "
        f"your {call(angle, degrees=True)}.tan gave {got.tan!r}"
    )


@pytest.mark.step(9)
@pytest.mark.parametrize(
    "k, side", BESIDE_QUARTER_TURNS, ids=[f"{90 * k}{s:+}e-400" for k, s in BESIDE_QUARTER_TURNS]
)
def test_closer_to_a_quarter_turn_than_a_float_keeps_its_side(k, side):
    angle, shown, exact = beside_a_quarter_turn(k, side, "10**400")
    where = (
        f"{shown} degrees is just {'past' if side > 0 else 'short of'} {90 * k} degrees, "
        f"closer than a float can tell apart"
    )
    try:
        got = result_of(angle, degrees=True)
    except AssertionError:
        raise
    except Exception as error:
        pytest.fail(
            f"{where}: there is no ZeroDivisionError there (nor any other error); your "
            f"sincostan({shown}, degrees=True) raised {type(error).__name__}: {error}"
        )
    for field, value, expected in zip(SinCosTan._fields, got, exact):
        if expected == 0.0:
            sign = "negative" if math.copysign(1.0, expected) < 0 else "positive"
            tiny = math.copysign(5e-324, expected)
            what = f"{expected!r} or {tiny!r} (too small for a float, but {sign})"
        else:
            what = repr(expected)
        same_sign = math.copysign(1.0, value) == math.copysign(1.0, expected)
        assert same_sign and ulps_apart(value, expected) <= FEW_ULP, (
            f"{where}: each value keeps the sign it has on that side, so {field} is {what}; "
            f"your sincostan({shown}, degrees=True).{field} gave {value!r}"
        )


# ---------------------------------------------------------------- step 10: not a real number

NOT_REAL = [True, False, "30", None, 1j, complex(30, 0), [30], Decimal("30")]


def assert_refused(angle, degrees, after=()):
    """sincostan(angle) raises TypeError naming angle's type; after=(x,): sincostan(x) came just before."""
    name = "None" if angle is None else type(angle).__name__
    before = f"after {call(after[0], degrees)}, " if after else ""
    try:
        got = sincostan(angle, degrees=True) if degrees else sincostan(angle)
    except TypeError as error:
        assert name in str(error), (
            f"the TypeError must name the type it refused ({name!r}); "
            f"your {call(angle, degrees)} said: {str(error)!r}"
        )
    except Exception as error:
        pytest.fail(
            f"{before}{call(angle, degrees)}: a {name} is not a real number, so sincostan raises "
            f"TypeError naming {name!r}; yours raised {type(error).__name__}: {error}"
        )
    else:
        remembered = (f" (the answer remembered for {after[0]!r}? {angle!r} == {after[0]!r} and their hashes "
                      f"are equal, but they are not the same argument)") if after else ""
        pytest.fail(
            f"{before}{call(angle, degrees)}: a {name} is not a real number, so sincostan raises "
            f"TypeError naming {name!r}; yours returned {got!r}{remembered}"
        )


@pytest.mark.step(10)
@pytest.mark.parametrize("degrees", [False, True], ids=["radians", "degrees"])
@pytest.mark.parametrize("angle", NOT_REAL, ids=repr)
def test_not_a_real_number_is_a_type_error(angle, degrees):
    assert_refused(angle, degrees)


# True == 1 and hash(True) == hash(1): an answer remembered for 1 (a cache keyed by the angle)
# would be given for True too. The good call comes first, so this holds in any order of tests.
EQUAL_BUT_NOT_REAL = [(1, True), (0, False), (30, complex(30, 0))]


@pytest.mark.step(10)
@pytest.mark.parametrize("degrees", [False, True], ids=["radians", "degrees"])
@pytest.mark.parametrize("real, not_real", EQUAL_BUT_NOT_REAL, ids=repr)
def test_an_equal_value_that_is_not_real_is_refused_after_a_good_call(real, not_real, degrees):
    result_of(real, degrees)
    assert_refused(not_real, degrees, after=(real,))


# ---------------------------------------------------------------- step 11: not finite


@pytest.mark.step(11)
@pytest.mark.parametrize("degrees", [False, True], ids=["radians", "degrees"])
@pytest.mark.parametrize("angle", [math.inf, -math.inf, math.nan], ids=repr)
def test_infinite_or_nan_is_a_value_error(angle, degrees):
    try:
        got = sincostan(angle, degrees=True) if degrees else sincostan(angle)
    except ValueError:
        pass
    except Exception as error:
        pytest.fail(
            f"{call(angle, degrees)}: {angle!r} is a float but not a finite angle, so "
            f"sincostan raises ValueError; yours raised {type(error).__name__}: {error}"
        )
    else:
        pytest.fail(
            f"{call(angle, degrees)}: {angle!r} is a float but not a finite angle, so "
            f"sincostan raises ValueError; yours returned {got!r}"
        )


# ---------------------------------------------------------------- step 12: run as a script

# What the script itself does: the --degrees flag, radians by default, a negative ANGLE (which
# is not an option), a float, the sign in the output. The values are the API's, checked above.
SCRIPT_RUNS = [
    (["30", "--degrees"], "sin=0.500000 cos=0.866025 tan=0.577350"),
    (["-0.5"], "sin=-0.479426 cos=0.877583 tan=-0.546302"),
]


@pytest.mark.step(12)
@pytest.mark.parametrize("args, line", SCRIPT_RUNS, ids=[" ".join(a) for a, _ in SCRIPT_RUNS])
def test_script_prints_one_line(args, line):
    command = "python -m katas.sincostan " + " ".join(args)
    done = run_script(*args)
    assert done.returncode == 0, (
        f"`{command}` exits with status 0; yours exited {done.returncode}, "
        f"saying on stderr: {done.stderr.strip()[-800:]!r}"
    )
    assert done.stdout.splitlines() == [line], (
        f"`{command}` prints exactly one line, {line!r}; yours printed {done.stdout!r}"
    )


# ---------------------------------------------------------------- step 13: a bad ANGLE


BAD_ANGLES = [["abc"], ["nan"], ["inf", "--degrees"]]


@pytest.mark.step(13)
@pytest.mark.parametrize("args", BAD_ANGLES, ids=" ".join)
def test_script_rejects_bad_angle(args):
    command = "python -m katas.sincostan " + " ".join(args)
    done = run_script(*args)
    assert done.returncode == 2, (
        f"`{command}`: {args[0]!r} is not a finite angle, so the script exits with status 2; "
        f"yours exited {done.returncode} (stderr: {done.stderr.strip()[-800:]!r})"
    )
    assert done.stdout == "", (
        f"`{command}` prints nothing on stdout for a bad ANGLE; yours printed {done.stdout!r}"
    )
    assert done.stderr.strip(), f"`{command}` explains the bad ANGLE on stderr; yours said nothing there"


# ---------------------------------------------------------------- step 14: silent on import


# Arguments are given too, as a script would get them: importing must not act on them.
IMPORT_ONLY = "import katas.sincostan as m; print(tuple(m.sincostan(0)))"


@pytest.mark.step(14)
def test_import_is_silent():
    code = IMPORT_ONLY
    done = run_python("-c", code, "30", "--degrees")
    expected = "(0.0, 1.0, 0.0)\n"
    assert (done.stdout, done.stderr) == (expected, ""), (
        f"importing katas.sincostan prints nothing (the script part runs only when "
        f"__name__ == '__main__'), so `python -c {code!r}` prints only {expected!r}; "
        f"yours printed {done.stdout!r} on stdout and {done.stderr.strip()[-800:]!r} on stderr"
    )
