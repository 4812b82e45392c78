"""Small validation helpers shared by the model's dataclasses (private)."""

from __future__ import annotations

from typing import Any

from adapters.model.errors import ModelValueError

__all__ = ["check_ts", "check_type", "freeze_tuple"]


def check_type(
    owner: str, name: str, value: object, kind: type | tuple[type, ...], *, optional: bool = False
) -> None:
    """Raise ModelValueError unless ``value`` is an instance of ``kind`` (or None when ``optional``)."""
    if value is None and optional:
        return
    if isinstance(value, bool) and kind is int:
        raise ModelValueError(f"{owner}.{name} must be an int, got a bool")
    if not isinstance(value, kind):
        names = "/".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ModelValueError(
            f"{owner}.{name} must be {names}{' or None' if optional else ''}, "
            f"got {type(value).__name__} {value!r}"
        )


def check_ts(owner: str, **stamps: int | None) -> None:
    """Raise ModelValueError unless every given timestamp is a non-negative int of nanoseconds (or None)."""
    for name, value in stamps.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ModelValueError(
                f"{owner}.{name} must be a non-negative int of nanoseconds since the epoch, got {value!r}"
            )


def freeze_tuple(obj: Any, name: str) -> tuple[Any, ...]:
    """Store ``obj.<name>`` as a tuple (a frozen dataclass may be given a list) and return it."""
    value = getattr(obj, name)
    if not isinstance(value, tuple):
        if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
            raise ModelValueError(f"{type(obj).__name__}.{name} must be a sequence, got {value!r}")
        value = tuple(value)
        object.__setattr__(obj, name, value)
    return value
