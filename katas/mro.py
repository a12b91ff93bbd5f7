"""The mro kata: a class hierarchy with cooperative super(), C3 linearization, class dictionaries.

Your file. Replace every `raise NotImplementedError(...)` with working code, one step at a time
(`tddkit next` shows the step you are on; the lesson is the contract). Keep the names and the
bases of the boat classes as they are: the tests use them.
"""

from collections.abc import Mapping, Sequence


# --- The boat hierarchy (steps 1 to 3) ---------------------------------------------------------
# Each parts() returns the class's own name followed by super().parts(); Boat.parts returns
# ["Boat"]. So Pedalo().parts() lists Pedalo's MRO, less object.

class Boat:
    def parts(self) -> list[str]:
        raise NotImplementedError("Boat.parts: step 1")


class DayBoat(Boat):
    def parts(self) -> list[str]:
        raise NotImplementedError("DayBoat.parts: step 1")


class WheelBoat(Boat):
    def parts(self) -> list[str]:
        raise NotImplementedError("WheelBoat.parts: step 1")


class EngineLess(DayBoat):
    def parts(self) -> list[str]:
        raise NotImplementedError("EngineLess.parts: step 1")


class SmallMultihull(DayBoat):
    def parts(self) -> list[str]:
        raise NotImplementedError("SmallMultihull.parts: step 1")


class PedalWheelBoat(EngineLess, WheelBoat):
    def parts(self) -> list[str]:
        raise NotImplementedError("PedalWheelBoat.parts: step 2")


class SmallCatamaran(SmallMultihull):
    def parts(self) -> list[str]:
        raise NotImplementedError("SmallCatamaran.parts: step 1")


class Pedalo(PedalWheelBoat, SmallCatamaran):
    def parts(self) -> list[str]:
        raise NotImplementedError("Pedalo.parts: step 2")


# --- Lookup through class dictionaries (step 4) ------------------------------------------------

def defining_class(cls: type, attr: str) -> type:
    """The first class in cls.__mro__ whose own __dict__ holds attr.

    AttributeError naming attr if no class does. Sees attributes added at run time.
    """
    raise NotImplementedError("defining_class: step 4")


# --- C3 linearization by hand (steps 5 to 9) ---------------------------------------------------

class InconsistentHierarchy(TypeError):
    """No C3 linearization exists: a duplicate base, or orders that disagree."""


def linearize(bases: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """The C3 linearization of class `name` in the graph `bases` (class name -> direct bases).

    Starts with `name`; the implicit object never appears. Raises InconsistentHierarchy
    ("duplicate base class X", or "Cannot create a consistent method resolution order (MRO)
    for bases A, B, ..."), and ValueError for a name missing from the graph or a loop.
    """
    raise NotImplementedError("linearize: step 5")
