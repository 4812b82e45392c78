"""Reading fault parameters from YAML, JSON or Python values, with errors that name the field.

Values arrive as YAML numbers (``Decimal`` when they have a fraction), JSON numbers (``float``),
or Python values. Each reader takes the value and its field path (``"action.status"``) and either
returns the typed value or raises :class:`~simulator.server.errors.FaultSpecError` saying what was
expected.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from simulator.scenario.times import parse_duration_ns
from simulator.server.errors import FaultSpecError

__all__ = ["boolean", "choice", "duration_s", "integer", "number", "optional_text", "raw_bytes", "text"]


def integer(value: Any, field: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number in ``[minimum, maximum]`` (an integral ``Decimal`` or float is accepted)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise FaultSpecError(field, f"expected a whole number, got {value!r}")
    if isinstance(value, float | Decimal) and (not _finite(value) or value != int(value)):
        raise FaultSpecError(field, f"expected a whole number, got {value!r}")
    number = int(value)
    if minimum is not None and number < minimum:
        raise FaultSpecError(field, f"expected a whole number >= {minimum}, got {number}")
    if maximum is not None and number > maximum:
        raise FaultSpecError(field, f"expected a whole number <= {maximum}, got {number}")
    return number


def number(value: Any, field: str, *, minimum: float | None = None) -> float:
    """A finite number >= ``minimum``, as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not _finite(value):
        raise FaultSpecError(field, f"expected a number, got {value!r}")
    result = float(value)
    if minimum is not None and result < minimum:
        raise FaultSpecError(field, f"expected a number >= {minimum:g}, got {result:g}")
    return result


def duration_s(value: Any, field: str) -> float:
    """Seconds: a number, or text with units like ``500ms``, ``2s``, ``1m30s``."""
    if isinstance(value, str):
        ns = parse_duration_ns(value)
        if ns is None:
            raise FaultSpecError(field, f"expected a duration like 2, 0.5, 500ms or 1m30s, got {value!r}")
        return ns / 1e9
    return number(value, field, minimum=0)


def text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise FaultSpecError(field, f"expected non-empty text, got {value!r}")
    return value


def optional_text(value: Any, field: str) -> str | None:
    return None if value is None else text(value, field)


def raw_bytes(value: Any, field: str) -> bytes:
    """Bytes from text (UTF-8) or bytes."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    raise FaultSpecError(field, f"expected text, got {value!r}")


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise FaultSpecError(field, f"expected true or false, got {value!r}")
    return value


def choice(value: Any, field: str, options: tuple[str, ...]) -> str:
    if value not in options:
        listed = ", ".join(options)
        raise FaultSpecError(field, f"expected one of {listed}, got {value!r}")
    return str(value)


def _finite(value: float | int | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return math.isfinite(value)
