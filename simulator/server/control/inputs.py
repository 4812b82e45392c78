"""Reading control-plane JSON: typed fields, or a 400 that names the field and says what to send.

Every reader takes the request object (a JSON object already parsed) and a field name, and returns
the typed value or raises :class:`~simulator.server.errors.ControlInputError` with the field's name
and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar

import orjson

from simulator.server.errors import ControlInputError

__all__ = ["Body", "parse_body", "plain"]

T = TypeVar("T", bound=Enum)
_MISSING = object()


def parse_body(raw: bytes) -> Body:
    """The request body as a JSON object (an empty body is ``{}``).

    Raises:
        ControlInputError: the body is not JSON, or not an object.
    """
    if not raw.strip():
        return Body({})
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ControlInputError(f"the body is not valid JSON ({exc}); send a JSON object") from None
    if not isinstance(data, dict):
        raise ControlInputError(f"expected a JSON object as the body, got {type(data).__name__}")
    return Body(data)


class Body:
    """A JSON object from a control request, read field by field."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self._prefix = prefix

    def _name(self, field: str) -> str:
        return f"{self._prefix}{field}"

    def known(self, *fields: str) -> Body:
        """Refuse fields other than ``fields`` (typos should not be silently ignored)."""
        unknown = sorted(set(self.data) - set(fields))
        if unknown:
            raise ControlInputError(
                f"unknown field {unknown[0]!r}; this call takes {', '.join(fields)}", self._name(unknown[0])
            )
        return self

    def get(self, field: str, default: Any = _MISSING) -> Any:
        if field in self.data and self.data[field] is not None:
            return self.data[field]
        if default is _MISSING:
            raise ControlInputError(f"{self._name(field)} is required", self._name(field))
        return default

    def text(self, field: str, default: Any = _MISSING) -> Any:
        value = self.get(field, default)
        if value is default:  # absent: the default, as given
            return value
        if not isinstance(value, str) or not value:
            raise ControlInputError(
                f"{self._name(field)}: expected non-empty text, got {value!r}", self._name(field)
            )
        return value

    def decimal(self, field: str, default: Any = _MISSING, *, positive: bool = False) -> Any:
        """A number, as JSON number or text (``"0.1"`` keeps its exact digits)."""
        value = self.get(field, default)
        if value is default:  # absent: the default, as given
            return value
        name = self._name(field)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ControlInputError(f'{name}: expected a number like "0.5", got {value!r}', name)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ControlInputError(f'{name}: expected a number like "0.5", got {value!r}', name) from None
        if not number.is_finite() or (positive and number <= 0):
            wanted = "a positive number" if positive else "a finite number"
            raise ControlInputError(f"{name}: expected {wanted}, got {value!r}", name)
        return number

    def integer(self, field: str, default: Any = _MISSING, *, minimum: int | None = None) -> Any:
        value = self.get(field, default)
        if value is default:  # absent: the default, as given
            return value
        name = self._name(field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ControlInputError(f"{name}: expected a whole number, got {value!r}", name)
        if minimum is not None and value < minimum:
            raise ControlInputError(f"{name}: expected a whole number >= {minimum}, got {value}", name)
        return value

    def number(self, field: str, default: Any = _MISSING, *, minimum: float | None = None) -> Any:
        value = self.get(field, default)
        if value is default:  # absent: the default, as given
            return value
        name = self._name(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ControlInputError(f"{name}: expected a number, got {value!r}", name)
        if minimum is not None and value < minimum:
            raise ControlInputError(f"{name}: expected a number >= {minimum:g}, got {value}", name)
        return value

    def boolean(self, field: str, default: Any = _MISSING) -> Any:
        value = self.get(field, default)
        if value is default:
            return value
        if not isinstance(value, bool):
            raise ControlInputError(
                f"{self._name(field)}: expected true or false, got {value!r}", self._name(field)
            )
        return value

    def choice(self, field: str, enum: type[T], default: Any = _MISSING) -> Any:
        """An enum member by its name (case-insensitive: ``"buy"`` or ``"Buy"``)."""
        value = self.get(field, default)
        if value is default or isinstance(value, enum):
            return value
        options = {member.name.lower(): member for member in enum}
        member = options.get(str(value).lower()) if isinstance(value, str) else None
        if member is None:
            listed = ", ".join(options)
            raise ControlInputError(
                f"{self._name(field)}: expected one of {listed}, got {value!r}", self._name(field)
            )
        return member

    def mapping(self, field: str, default: Any = _MISSING) -> Any:
        value = self.get(field, default)
        if value is default:  # absent: the default, as given
            return value
        if not isinstance(value, dict):
            raise ControlInputError(
                f"{self._name(field)}: expected a JSON object, got {value!r}", self._name(field)
            )
        return value

    def items(self, field: str) -> list[Body]:
        """A list of JSON objects (absent: empty), each readable as a :class:`Body`."""
        value = self.get(field, [])
        if not isinstance(value, list):
            raise ControlInputError(f"{self._name(field)}: expected a list, got {value!r}", self._name(field))
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                name = f"{self._name(field)}[{index}]"
                raise ControlInputError(f"{name}: expected a JSON object, got {item!r}", name)
            out.append(Body(item, f"{self._name(field)}[{index}]."))
        return out

    def levels(self, field: str) -> list[tuple[Decimal, Decimal]]:
        """Book levels ``[[price, qty], ...]`` (numbers or text)."""
        value = self.get(field, [])
        name = self._name(field)
        if not isinstance(value, list):
            raise ControlInputError(f"{name}: expected a list of [price, qty] pairs, got {value!r}", name)
        levels = []
        for index, level in enumerate(value):
            if not isinstance(level, list) or len(level) != 2:
                raise ControlInputError(
                    f"{name}[{index}]: expected a [price, qty] pair, got {level!r}", f"{name}[{index}]"
                )
            pair = Body({"price": level[0], "qty": level[1]}, f"{name}[{index}].")
            levels.append((pair.decimal("price", positive=True), pair.decimal("qty", positive=True)))
        return levels


def plain(value: Any) -> Any:
    """A core view (NamedTuple), Decimal, Enum or container as JSON-able data.

    Instruments become their id; Decimals become text with their exact digits.
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "_fields"):  # a NamedTuple view
        return {name: plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    instrument_id = getattr(value, "id", None)
    if isinstance(instrument_id, str):
        return instrument_id
    return str(value)
