"""Tests for the mro kata: cooperative super(), C3 linearization, lookup through class dictionaries.

Read the lesson first (`tddkit next`). The steps, in order:

1. parts() along a single line of boats
2. parts() of the Pedalo follow its MRO
3. parts() cooperate: super() reaches classes you never named
4. defining_class(): which class dictionary holds the name
5. linearize() a line and a diamond
6. linearize() the classic hierarchies
7. linearize() refuses duplicate bases and inconsistent orders
8. linearize() refuses missing names and loops
9. linearize() agrees with Python on random hierarchies
"""

import itertools
import re
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from katas.mro import (
    Boat,
    DayBoat,
    EngineLess,
    InconsistentHierarchy,
    PedalWheelBoat,
    Pedalo,
    SmallCatamaran,
    SmallMultihull,
    WheelBoat,
    defining_class,
    linearize,
)

BOATS = [Boat, DayBoat, WheelBoat, EngineLess, SmallMultihull,
         PedalWheelBoat, SmallCatamaran, Pedalo]

# The boat hierarchy as a graph: class name -> its direct bases, in order.
BOAT_GRAPH = {
    "Boat": [],
    "DayBoat": ["Boat"],
    "WheelBoat": ["Boat"],
    "EngineLess": ["DayBoat"],
    "SmallMultihull": ["DayBoat"],
    "PedalWheelBoat": ["EngineLess", "WheelBoat"],
    "SmallCatamaran": ["SmallMultihull"],
    "Pedalo": ["PedalWheelBoat", "SmallCatamaran"],
}

PEDALO_MRO = ["Pedalo", "PedalWheelBoat", "EngineLess", "SmallCatamaran",
              "SmallMultihull", "DayBoat", "WheelBoat", "Boat"]

BOAT_LINEARIZATIONS = {
    "Boat": ["Boat"],
    "DayBoat": ["DayBoat", "Boat"],
    "WheelBoat": ["WheelBoat", "Boat"],
    "EngineLess": ["EngineLess", "DayBoat", "Boat"],
    "SmallMultihull": ["SmallMultihull", "DayBoat", "Boat"],
    "PedalWheelBoat": ["PedalWheelBoat", "EngineLess", "DayBoat", "WheelBoat", "Boat"],
    "SmallCatamaran": ["SmallCatamaran", "SmallMultihull", "DayBoat", "Boat"],
    "Pedalo": PEDALO_MRO,
}

MRO_ERROR_HEAD = "Cannot create a consistent method resolution order (MRO) for bases"


def fold(text):
    """The message with each run of whitespace made one space (CPython 3.11 puts a newline in)."""
    return " ".join(str(text).split())


def mro_names(cls):
    """The names in cls.__mro__, less object: what linearize() and parts() must give."""
    return [k.__name__ for k in cls.__mro__ if k is not object]


def linearize_error(graph, name):
    """Call linearize() where it must refuse; give back the exception it raised (or fail)."""
    try:
        got = linearize(graph, name)
    except InconsistentHierarchy as error:
        return error
    pytest.fail(f"linearize(..., {name!r}) must raise InconsistentHierarchy for {graph!r}; "
                f"yours returned {got!r}")


# --- step 1: parts() along a single line of boats --------------------------------------------

@pytest.mark.step(1)
def test_boat_parts_is_just_boat():
    got = Boat().parts()
    assert got == ["Boat"], (
        f'Boat is the root of the hierarchy: Boat().parts() is ["Boat"]; yours gave {got!r}')


@pytest.mark.step(1)
def test_single_inheritance_parts():
    for cls, expected in [
        (DayBoat, ["DayBoat", "Boat"]),
        (WheelBoat, ["WheelBoat", "Boat"]),
        (EngineLess, ["EngineLess", "DayBoat", "Boat"]),
        (SmallCatamaran, ["SmallCatamaran", "SmallMultihull", "DayBoat", "Boat"]),
    ]:
        got = cls().parts()
        assert got == expected, (
            f"{cls.__name__}().parts() is its own name followed by super().parts(): "
            f"{expected!r}; yours gave {got!r}")


# --- step 2: parts() of the Pedalo follow its MRO --------------------------------------------

@pytest.mark.step(2)
def test_pedalo_parts_follow_the_mro():
    got = Pedalo().parts()
    assert got == PEDALO_MRO, (
        f"Pedalo().parts() lists Pedalo's MRO without object, each class once: "
        f"{PEDALO_MRO!r}; yours gave {got!r}")


@pytest.mark.step(2)
def test_every_boat_parts_is_its_mro():
    for cls in BOATS:
        expected = mro_names(cls)
        got = cls().parts()
        assert got == expected, (
            f"{cls.__name__}().parts() must follow {cls.__name__}.__mro__ without object: "
            f"{expected!r}; yours gave {got!r}")


# --- step 3: parts() cooperate ----------------------------------------------------------------

@pytest.mark.step(3)
def test_parts_cooperate_with_a_new_subclass():
    class Trimaran(WheelBoat, SmallCatamaran):
        def parts(self):
            return ["Trimaran"] + super().parts()

    expected = ["Trimaran", "WheelBoat", "SmallCatamaran", "SmallMultihull", "DayBoat", "Boat"]
    assert mro_names(Trimaran) == expected, (
        f"the boat classes must keep the bases the lesson gives them; Trimaran.__mro__ is "
        f"{mro_names(Trimaran)!r}")
    got = Trimaran().parts()
    assert got == expected, (
        f"In a Trimaran(WheelBoat, SmallCatamaran), super() inside WheelBoat.parts goes on to "
        f"SmallCatamaran, the next class in Trimaran's MRO, not straight to Boat: expected "
        f"{expected!r}; yours gave {got!r}. Each parts() must call super().parts(), not "
        f"list the names itself")


@pytest.mark.step(3)
def test_parts_reach_a_class_put_between_a_boat_and_its_base():
    for cls in BOATS[1:]:
        base = cls.__bases__[0]
        between = type("Between", (base,), {"parts": lambda self: ["Between"] + super(between, self).parts()})
        below = type("Below", (cls, between), {})
        expected = mro_names(below)[1:]  # Below adds no parts() of its own
        got = below().parts()
        assert got == expected, (
            f"In a Below({cls.__name__}, Between) with Between({base.__name__}), the class after "
            f"{cls.__name__} in the MRO is Between, so super() inside {cls.__name__}.parts goes on "
            f"to Between: expected {expected!r}; yours gave {got!r}. Calling a base by name "
            f"({base.__name__}.parts(self)) breaks the chain")


@pytest.mark.step(3)
def test_parts_see_a_base_method_changed_at_run_time(monkeypatch):
    pedalo = Pedalo()  # made before the change: lookup happens at call time
    monkeypatch.setattr(Boat, "parts", lambda self: ["Hull"])
    expected = PEDALO_MRO[:-1] + ["Hull"]
    got = pedalo.parts()
    assert got == expected, (
        f"With Boat.parts replaced at run time by one returning ['Hull'], the chain of "
        f"super().parts() calls must end in the new method: expected {expected!r}; "
        f"yours gave {got!r}")


# --- step 4: defining_class() -----------------------------------------------------------------

def make_shapes():
    """A small hierarchy made fresh for each test, so that changes to it stay in the test."""
    class Shape:
        sides = 0

        def area(self):
            return 0.0

        def describe(self):
            return "a shape"

    class Polygon(Shape):
        def describe(self):
            return "a polygon"

    class Rounded(Shape):
        sides = 1

        def area(self):
            return 1.0

    class RoundedSquare(Polygon, Rounded):
        pass

    return Shape, Polygon, Rounded, RoundedSquare


@pytest.mark.step(4)
def test_defining_class_finds_own_attribute():
    Shape, Polygon, Rounded, RoundedSquare = make_shapes()
    for cls, attr, expected in [(Shape, "area", Shape), (Polygon, "describe", Polygon),
                                (Rounded, "sides", Rounded)]:
        got = defining_class(cls, attr)
        assert got is expected, (
            f"{cls.__name__}.__dict__ holds {attr!r} itself, so defining_class({cls.__name__}, "
            f"{attr!r}) is {expected.__name__}; yours gave {got!r}")


@pytest.mark.step(4)
def test_defining_class_finds_inherited_attribute():
    Shape, Polygon, Rounded, RoundedSquare = make_shapes()
    for cls, attr, expected in [
        (Polygon, "area", Shape),
        (RoundedSquare, "describe", Polygon),
        (RoundedSquare, "area", Rounded),   # Rounded comes before Shape in the MRO
        (RoundedSquare, "sides", Rounded),  # data attributes are found the same way
        (RoundedSquare, "__init__", object),
    ]:
        got = defining_class(cls, attr)
        assert got is expected, (
            f"defining_class({cls.__name__}, {attr!r}) is the first class in "
            f"{cls.__name__}.__mro__ whose own __dict__ holds {attr!r}: {expected.__name__}; "
            f"yours gave {got!r}. An inherited name is not in the subclass's own dictionary")


@pytest.mark.step(4)
def test_defining_class_missing_attribute_raises():
    Shape, Polygon, Rounded, RoundedSquare = make_shapes()
    with pytest.raises(AttributeError) as caught:
        got = defining_class(RoundedSquare, "perimeter")
        pytest.fail(f"no class in RoundedSquare.__mro__ holds 'perimeter': defining_class must "
                    f"raise AttributeError; yours returned {got!r}")
    assert "perimeter" in str(caught.value), (
        f"the AttributeError must name the missing attribute 'perimeter'; "
        f"yours said {str(caught.value)!r}")


@pytest.mark.step(4)
def test_defining_class_sees_a_method_added_at_run_time():
    Shape, Polygon, Rounded, RoundedSquare = make_shapes()
    square = RoundedSquare()  # an instance made before the change
    Rounded.perimeter = lambda self: 4.0  # changes Rounded's dictionary at run time
    got = defining_class(type(square), "perimeter")
    assert got is Rounded, (
        f"after `Rounded.perimeter = ...` at run time, defining_class(RoundedSquare, "
        f"'perimeter') is Rounded; yours gave {got!r}")
    del Rounded.perimeter
    with pytest.raises(AttributeError):
        got = defining_class(RoundedSquare, "perimeter")
        pytest.fail(f"after `del Rounded.perimeter` no class holds 'perimeter' any more: "
                    f"defining_class must raise AttributeError; yours returned {got!r}")


# --- step 5: linearize() a line and a diamond -------------------------------------------------

@pytest.mark.step(5)
def test_linearize_a_class_without_bases():
    got = linearize({"A": []}, "A")
    assert got == ["A"], (
        f"a class with no bases in the graph is its own linearization: ['A'] "
        f"(object is implicit and never appears); yours gave {got!r}")


@pytest.mark.step(5)
def test_linearize_a_line():
    graph = {"A": [], "B": ["A"], "C": ["B"]}
    got = linearize(graph, "C")
    assert got == ["C", "B", "A"], (
        f"with single inheritance the linearization is the class, then its base's "
        f"linearization: L[C] = ['C', 'B', 'A'] for {graph!r}; yours gave {got!r}")


@pytest.mark.step(5)
def test_linearize_the_diamond():
    graph = {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}
    got = linearize(graph, "D")
    assert got == ["D", "B", "C", "A"], (
        f"the diamond {graph!r}: L[D] = D + merge(BA, CA, BC) = ['D', 'B', 'C', 'A']; A comes "
        f"last because it is in the tail of CA until C is taken; yours gave {got!r}")


# --- step 6: linearize() the classic hierarchies ----------------------------------------------

@pytest.mark.step(6)
def test_linearize_the_boats():
    for name, expected in BOAT_LINEARIZATIONS.items():
        got = linearize(BOAT_GRAPH, name)
        assert got == expected, (
            f"L[{name}] in the boat hierarchy, worked by hand in the lesson, is {expected!r}; "
            f"yours gave {got!r}")


@pytest.mark.step(6)
def test_simionato_first_example():
    graph = {"F": [], "E": [], "D": [], "C": ["D", "F"], "B": ["D", "E"], "A": ["B", "C"]}
    got = linearize(graph, "A")
    assert got == ["A", "B", "C", "D", "E", "F"], (
        f"Simionato's first example {graph!r}: L[A] = ['A', 'B', 'C', 'D', 'E', 'F']; "
        f"yours gave {got!r}")


@pytest.mark.step(6)
def test_simionato_second_example():
    graph = {"F": [], "E": [], "D": [], "C": ["D", "F"], "B": ["E", "D"], "A": ["B", "C"]}
    got = linearize(graph, "A")
    assert got == ["A", "B", "E", "C", "D", "F"], (
        f"Simionato's second example (B's bases swapped) {graph!r}: "
        f"L[A] = ['A', 'B', 'E', 'C', 'D', 'F']; yours gave {got!r}")


@pytest.mark.step(6)
def test_simionato_monotonic_example():
    graph = {"A": [], "B": [], "C": [], "D": [], "E": [],
             "K1": ["A", "B", "C"], "K2": ["D", "B", "E"], "K3": ["D", "A"],
             "Z": ["K1", "K2", "K3"]}
    expected = ["Z", "K1", "K2", "K3", "D", "A", "B", "C", "E"]
    got = linearize(graph, "Z")
    assert got == expected, (
        f"Simionato's K1/K2/K3/Z example {graph!r}: L[Z] = {expected!r} (D before A, as in "
        f"L[K3]: the order of every base is kept); yours gave {got!r}")


# --- step 7: linearize() refuses duplicate bases and inconsistent orders -----------------------

@pytest.mark.step(7)
def test_duplicate_base_is_refused():
    error = linearize_error({"A": [], "C": ["A", "A"]}, "C")
    assert isinstance(error, TypeError), "InconsistentHierarchy must be a kind of TypeError"
    assert fold(error) == "duplicate base class A", (
        f"class C(A, A) names A twice: the message is 'duplicate base class A'; "
        f"yours said {str(error)!r}")


@pytest.mark.step(7)
def test_inconsistent_x_y_order_is_refused():
    graph = {"X": [], "Y": [], "A": ["X", "Y"], "B": ["Y", "X"], "Z": ["A", "B"]}
    error = linearize_error(graph, "Z")
    expected = f"{MRO_ERROR_HEAD} X, Y"
    assert fold(error) == expected, (
        f"L[Z] = Z + merge(AXY, BYX, AB) = Z A B + merge(XY, YX) and then no head is good: "
        f"the message names the heads still left, X and Y (not the direct bases): "
        f"{expected!r}; yours said {str(error)!r}")


@pytest.mark.step(7)
def test_base_before_its_own_subclass_is_refused():
    graph = {"F": [], "E": ["F"], "G": ["F", "E"]}
    error = linearize_error(graph, "G")
    expected = f"{MRO_ERROR_HEAD} F, E"
    assert fold(error) == expected, (
        f"G(F, E) with E(F) asks for F before E, but E's own order puts E before F: "
        f"merge(F, EF, FE) has no good head. Expected {expected!r}; yours said {str(error)!r}")


# --- step 8: linearize() refuses missing names and loops --------------------------------------

@pytest.mark.step(8)
def test_missing_class_is_a_value_error():
    for graph, name, missing in [({}, "A", "A"), ({"B": ["A"]}, "B", "A"),
                                 ({"A": [], "C": ["A", "B"]}, "C", "B")]:
        with pytest.raises(ValueError) as caught:
            got = linearize(graph, name)
            pytest.fail(f"{missing!r} is not in the graph {graph!r}: linearize(..., {name!r}) "
                        f"must raise ValueError; yours returned {got!r}")
        assert missing in str(caught.value), (
            f"the ValueError must name the class missing from the graph, {missing!r}; "
            f"yours said {str(caught.value)!r}")


@pytest.mark.step(8)
def test_loop_is_a_value_error():
    # Names that are not plain letters: a message must name the class, not merely hold a letter.
    for graph, name in [({"Raft_1": ["Raft_1"]}, "Raft_1"),
                        ({"Oar2": ["Keel3"], "Keel3": ["Mast4"], "Mast4": ["Oar2"]}, "Oar2"),
                        ({"Hull0": [], "Oar2": ["Hull0", "Keel3"], "Keel3": ["Oar2"], "Top9": ["Oar2"]},
                         "Top9")]:
        in_loop = [n for n in graph if n not in ("Hull0", "Top9")]
        with pytest.raises(ValueError) as caught:
            got = linearize(graph, name)
            pytest.fail(f"{graph!r} has a loop (a class hierarchy never does): "
                        f"linearize(..., {name!r}) must raise ValueError; yours returned {got!r}")
        assert any(n in str(caught.value) for n in in_loop), (
            f"the ValueError must name a class of the loop {in_loop!r}; "
            f"yours said {str(caught.value)!r}")


# --- step 9: linearize() agrees with Python on random hierarchies ------------------------------

NAMES = [f"K{i}" for i in range(8)]
MOST_BASES = 3
# Class i's bases: a count n, then one of the ordered choices of n classes among 0..i-1. Two draws
# of strategies made once: every save draws every example, and this keeps each cheap. It shrinks
# toward fewer bases, and lower ones.
BASE_COUNTS = [st.integers(0, min(i, MOST_BASES)) for i in range(len(NAMES))]
BASE_CHOICES = [[st.sampled_from(list(itertools.permutations(NAMES[:i], n))) for n in range(min(i, MOST_BASES) + 1)]
                for i in range(len(NAMES))]
SIZES = st.integers(1, len(NAMES))
ONE_IN_TEN = st.integers(0, 9)


@st.composite
def class_graphs(draw):
    """A random hierarchy: class i takes its bases, in order, among classes 0..i-1.

    Many graphs have orders that disagree (X before Y here, Y before X there, or a base named
    before its own subclass), and now and then a class names a base twice.
    """
    size = draw(SIZES)
    graph = {}
    for i in range(size):
        bases = list(draw(BASE_CHOICES[i][draw(BASE_COUNTS[i])]))
        if bases and draw(ONE_IN_TEN) == 0:  # a duplicate base, about one time in ten
            bases.insert(draw(st.integers(0, len(bases))), draw(st.sampled_from(bases)))
        graph[NAMES[i]] = bases
    return graph


def python_builds(graph):
    """Build each class of the graph with type(); for each class whose bases were all built,
    give (name, its MRO names less object) or (name, the TypeError message)."""
    classes, outcomes = {}, []
    for name, bases in graph.items():
        if not all(b in classes for b in bases):
            continue  # an ancestor Python refused: nothing to compare
        try:
            cls = type(name, tuple(classes[b] for b in bases), {})
        except TypeError as error:
            outcomes.append((name, None, fold(error)))
        else:
            classes[name] = cls
            outcomes.append((name, mro_names(cls), None))
    return outcomes


def expected_message(python_message, bases):
    """What linearize's message must be, from Python's: object dropped from the heads.

    For a duplicate base any base that is repeated may be named."""
    if python_message.startswith("duplicate base class"):
        return {f"duplicate base class {b}" for b in bases if bases.count(b) > 1}
    assert python_message.startswith(MRO_ERROR_HEAD)
    heads = [h for h in python_message[len(MRO_ERROR_HEAD):].split(", ") if h.strip() != "object"]
    return {f"{MRO_ERROR_HEAD} {', '.join(h.strip() for h in heads)}"}


@pytest.mark.step(9)
@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(class_graphs())
def test_linearize_agrees_with_python(graph):
    frozen = types.MappingProxyType({k: tuple(v) for k, v in graph.items()})
    for name, python_mro, python_message in python_builds(graph):
        if python_mro is not None:
            try:
                got = linearize(frozen, name)
            except InconsistentHierarchy as error:
                pytest.fail(f"Python builds {name} from {graph!r} with MRO {python_mro!r} "
                            f"(less object); your linearize raised {str(error)!r}")
            assert got == python_mro, (
                f"linearize(graph, {name!r}) for {graph!r} must equal the MRO Python gives "
                f"the same class, less object: {python_mro!r}; yours gave {got!r}")
        else:
            try:
                got = linearize(frozen, name)
            except InconsistentHierarchy as error:
                allowed = expected_message(python_message, list(graph[name]))
                assert fold(error) in allowed, (
                    f"Python refuses class {name}{tuple(graph[name])} in {graph!r} with "
                    f"{python_message!r}; linearize must say {' or '.join(sorted(allowed))!r} "
                    f"(object left out); yours said {str(error)!r}")
            else:
                pytest.fail(f"Python refuses class {name}{tuple(graph[name])} in {graph!r} "
                            f"({python_message!r}); linearize must raise "
                            f"InconsistentHierarchy; yours returned {got!r}")
