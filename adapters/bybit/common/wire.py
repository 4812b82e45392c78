"""A small decoder from Bybit's camelCase JSON objects to frozen dataclasses.

The adapter guide asks for typed wire structs that mirror upstream names with a blanket casing
rule (serde's ``rename_all = "camelCase"``). :class:`WireStruct` is that rule in Python: a field
``order_link_id`` reads the key ``orderLinkId``; a field may override its key with
``field(metadata={"wire": "..."})`` when the venue's key is not camelCase (``s``, ``b``, ``T``...).
Fields with a default are optional on the wire; fields without one are required and their absence
raises :class:`~adapters.contract.errors.FatalAdapterError` naming the key.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self

from adapters.contract.errors import FatalAdapterError

__all__ = ["WireStruct", "camel"]

_MISSING = dataclasses.MISSING


def camel(name: str) -> str:
    """``order_link_id`` → ``orderLinkId``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class WireStruct:
    """Base of the wire structs: ``Cls.from_wire(mapping)`` builds one from a decoded JSON object.

    Subclasses are ``@dataclass(frozen=True, slots=True)``. Nested structs are decoded by
    overriding :meth:`_convert` for the fields that hold them.
    """

    __slots__ = ()

    @classmethod
    def _fields(cls) -> tuple[tuple[str, str, Any, Any], ...]:
        # (attribute, wire key, default, default_factory) per field, computed once per class.
        cached = cls.__dict__.get("_wire_fields_cache")
        if cached is None:
            cached = tuple(
                (f.name, f.metadata.get("wire", camel(f.name)), f.default, f.default_factory)
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
            )
            type.__setattr__(cls, "_wire_fields_cache", cached)
        return cached

    @classmethod
    def _convert(cls, name: str, value: Any) -> Any:
        """Hook for nested values; the default returns ``value`` unchanged."""
        return value

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Self:
        """Decode one JSON object.

        Raises:
            FatalAdapterError: ``data`` is not an object or lacks a required key.
        """
        if not isinstance(data, dict):
            raise FatalAdapterError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        kwargs: dict[str, Any] = {}
        for name, key, default, factory in cls._fields():
            if key in data:
                kwargs[name] = cls._convert(name, data[key])
            elif default is _MISSING and factory is _MISSING:
                raise FatalAdapterError(f"{cls.__name__}: Bybit payload lacks the required key {key!r}")
        return cls(**kwargs)

    @classmethod
    def list_from_wire(cls, items: list[dict[str, Any]]) -> list[Self]:
        """Decode a JSON array of objects."""
        return [cls.from_wire(item) for item in items]
