"""The ``unchecked`` constructor of hot model types (private).

A frozen, slotted dataclass pays on every construction for its generated ``__init__``
(``object.__setattr__`` per field, because the class refuses plain assignment) and for its
``__post_init__`` checks. A stream parser building thousands of trades and book deltas a second
from fields it has just built itself (Price/Quantity through their checked constructors, an
InstrumentId made once per instrument, ints it has type-checked) gains nothing from either.

:func:`with_unchecked` gives such a class a ``cls.unchecked(...)`` classmethod with the same
parameters as the constructor that skips ``__init__`` and ``__post_init__``. The result is
indistinguishable from a checked construction with the same (valid) arguments: equal, same
hash and repr, still frozen. Garbage in is NOT caught: callers must only pass values the
checked constructor would accept.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["with_unchecked"]

_T = TypeVar("_T")

_DOC = """Build a {name} without checking its fields (``__init__``/``__post_init__`` are skipped).

For hot paths (adapters' stream parsers) whose arguments are already of the right types and
valid for the checked constructor ``{name}(...)``, which this equals for such arguments
(same value, hash and repr). Invalid arguments are NOT refused here: validate first.
"""


def with_unchecked(cls: type[_T]) -> type[_T]:
    """Class decorator (outside ``@dataclass(frozen=True, slots=True)``): add ``cls.unchecked``.

    The classmethod takes the dataclass fields as parameters, in order and with their defaults.
    It fills a plain slotted twin of ``cls`` (same slots, same order, no frozen ``__setattr__``)
    with ordinary attribute stores, the interpreter's cheapest, then turns the instance into a
    ``cls`` by assigning ``__class__``, which CPython allows between classes of identical
    layout. Every call builds exactly ``cls`` (a subclass calling it gets a ``cls``). The code is
    generated as source, as :mod:`dataclasses` does, so a call costs one ``object.__new__``, one
    store per field and the class switch: about a fifth of the checked constructor.

    Raises:
        TypeError: ``cls`` is not a slotted dataclass whose fields are all slots of one class
            in its MRO (itself or a base) deriving from ``object`` alone, i.e. the twin's
            layout would differ.
    """
    fields = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
    names = tuple(field.name for field in fields)
    # The class that lays the slots out: ``cls`` itself, or a base when ``cls`` only adds
    # behaviour (``TradeId`` over ``Identifier``); classes in between must add no slots.
    layout = next((c for c in cls.__mro__ if c.__dict__.get("__slots__")), object)
    between = cls.__mro__[: cls.__mro__.index(layout)]
    if (
        not names
        or layout.__dict__.get("__slots__") != names
        or layout.__bases__ != (object,)
        or any(c.__dict__.get("__slots__", None) != () for c in between)
    ):
        raise TypeError(
            f"with_unchecked needs a dataclass(slots=True) laid out by its own fields, got {cls!r}"
        )
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": names, "__module__": cls.__module__})
    namespace: dict[str, Any] = {"_new": object.__new__, "_twin": twin, "_cls": cls}
    params = []
    for i, field in enumerate(fields):
        if field.default is not dataclasses.MISSING:
            namespace[f"_default{i}"] = field.default
            params.append(f"{field.name}=_default{i}")
        else:
            params.append(field.name)
    source = "\n".join(
        [
            f"def unchecked(cls, {', '.join(params)}):",
            "    obj = _new(_twin)",
            *(f"    obj.{name} = {name}" for name in names),
            "    obj.__class__ = _cls",
            "    return obj",
        ]
    )
    exec(source, namespace)  # the source is built above from the class's own field names
    function = namespace["unchecked"]
    function.__qualname__ = f"{cls.__qualname__}.unchecked"
    function.__module__ = cls.__module__
    function.__doc__ = _DOC.format(name=cls.__name__)
    function.__annotations__ = {f.name: f.type for f in fields} | {"return": cls.__name__}
    cls.unchecked = classmethod(function)  # type: ignore[attr-defined]
    return cls
