"""Shared helpers for reading Bybit's stringly typed payloads.

The venue sends numbers as strings and uses ``""`` for "not set" (trigger prices, avg price,
IM/MM fields, ...). These helpers make that explicit: ``""`` (and ``None``) become ``None`` rather
than ``Decimal("0")``, so that callers decide what "missing" means.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from adapters.contract.errors import FatalAdapterError

__all__ = [
    "decimal_or_none",
    "decimal_or_zero",
    "ms_to_ns",
    "non_empty",
    "precision_of",
    "require_decimal",
    "str_ms_to_ns",
]

_NS_PER_MS = 1_000_000


def non_empty(value: str | None) -> str | None:
    """``value`` unless it is ``""`` or ``None``, in which case ``None``."""
    return value if value else None


def decimal_or_none(value: str | int | float | None) -> Decimal | None:
    """Parse a venue number; ``""``/``None`` give ``None``.

    Raises:
        FatalAdapterError: the string is not a number (a malformed payload, not a missing value).
    """
    if value is None or value == "":
        return None
    try:
        return Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation as exc:
        raise FatalAdapterError(f"Bybit sent {value!r} where a number was expected") from exc


def decimal_or_zero(value: str | int | float | None) -> Decimal:
    """Like :func:`decimal_or_none`, but ``""``/``None`` give ``Decimal(0)`` (used for IM/MM fields)."""
    parsed = decimal_or_none(value)
    return Decimal(0) if parsed is None else parsed


def require_decimal(value: str | int | float | None, field: str) -> Decimal:
    """Parse a number the venue must send.

    Raises:
        FatalAdapterError: the value is missing, empty or not a number; the message names ``field``.
    """
    parsed = decimal_or_none(value)
    if parsed is None:
        raise FatalAdapterError(f"Bybit payload is missing the required number {field!r}")
    return parsed


def precision_of(increment: str) -> int:
    """Decimal places of a venue increment string: ``"0.10"`` → 2, ``"1"`` → 0, ``"5"`` → 0.

    The venue's price precision is the number of decimals written in ``tickSize`` (§6.2), so the
    string, not its numeric value, is what counts.
    """
    _, _, frac = increment.partition(".")
    return len(frac)


def ms_to_ns(ms: int) -> int:
    """Milliseconds since the epoch to nanoseconds."""
    return int(ms) * _NS_PER_MS


def str_ms_to_ns(value: str | int | None) -> int:
    """A millisecond timestamp sent as a string (``createdTime``, ``execTime``...) to ns; ``""`` → 0."""
    if value is None or value == "":
        return 0
    return int(value) * _NS_PER_MS
