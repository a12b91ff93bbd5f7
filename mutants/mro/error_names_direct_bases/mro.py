"""The mro kata, a known-wrong solution (mutant error_names_direct_bases): when no consistent order
exists, the message names the direct bases instead of the heads left to merge.
"""

from collections.abc import Mapping, Sequence


# --- The boat hierarchy --------------------------------------------------------------------------
# Each class adds its own name and hands over to the next class in the MRO of the object's class,
# whichever that is: super() does not mean "my base", it means "the class after me in this MRO".

class Boat:
    def parts(self) -> list[str]:
        return ["Boat"]  # the root: object has no parts() to call


class DayBoat(Boat):
    def parts(self) -> list[str]:
        return ["DayBoat"] + super().parts()


class WheelBoat(Boat):
    def parts(self) -> list[str]:
        return ["WheelBoat"] + super().parts()


class EngineLess(DayBoat):
    def parts(self) -> list[str]:
        return ["EngineLess"] + super().parts()


class SmallMultihull(DayBoat):
    def parts(self) -> list[str]:
        return ["SmallMultihull"] + super().parts()


class PedalWheelBoat(EngineLess, WheelBoat):
    def parts(self) -> list[str]:
        return ["PedalWheelBoat"] + super().parts()


class SmallCatamaran(SmallMultihull):
    def parts(self) -> list[str]:
        return ["SmallCatamaran"] + super().parts()


class Pedalo(PedalWheelBoat, SmallCatamaran):
    def parts(self) -> list[str]:
        return ["Pedalo"] + super().parts()


# --- Lookup through class dictionaries -----------------------------------------------------------

def defining_class(cls: type, attr: str) -> type:
    """The first class in cls.__mro__ whose own __dict__ holds attr."""
    for klass in cls.__mro__:
        if attr in vars(klass):  # the class's own namespace, read now: run-time changes count
            return klass
    raise AttributeError(f"no class in {cls.__name__}.__mro__ defines {attr!r}")


# --- C3 linearization by hand --------------------------------------------------------------------

class InconsistentHierarchy(TypeError):
    """No C3 linearization exists: a duplicate base, or orders that disagree."""


def linearize(bases: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """The C3 linearization of class `name` in the graph `bases` (class name -> direct bases).

    L[C] = C + merge(L[B1], ..., L[Bn], [B1, ..., Bn]). The implicit object is left out.
    """
    return _linearize(bases, name, done={}, visiting=[])


def _linearize(bases, name, done, visiting):
    if name in done:
        return done[name]
    if name in visiting:
        loop = visiting[visiting.index(name):] + [name]
        raise ValueError(f"the graph has a loop: {' -> '.join(loop)}")
    if name not in bases:
        raise ValueError(f"class {name} is not in the graph")
    direct = list(bases[name])
    for i, base in enumerate(direct):
        if base in direct[i + 1:]:
            raise InconsistentHierarchy(f"duplicate base class {base}")
    visiting.append(name)
    to_merge = [_linearize(bases, base, done, visiting) for base in direct] + [direct]
    visiting.pop()
    try:
        done[name] = [name] + _merge(to_merge)
    except InconsistentHierarchy:  # MISTAKE: names the direct bases, not the heads left
        raise InconsistentHierarchy(
            "Cannot create a consistent method resolution order (MRO) for bases "
            + ", ".join(direct)) from None
    return done[name]


def _merge(lists):
    """Take good heads one by one: a head is good when it is in no list's tail."""
    lists = [list(lst) for lst in lists]
    result = []
    while any(lists):
        for lst in lists:
            if lst and not any(lst[0] in other[1:] for other in lists):
                head = lst[0]
                break
        else:
            heads = []
            for lst in lists:
                if lst and lst[0] not in heads:
                    heads.append(lst[0])
            raise InconsistentHierarchy(
                "Cannot create a consistent method resolution order (MRO) for bases "
                + ", ".join(heads))
        result.append(head)
        lists = [lst[1:] if lst and lst[0] == head else lst for lst in lists]
    return result
