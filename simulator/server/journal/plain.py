"""Turning journal values into plain JSON-able data (for the control plane and reports).

Bytes become UTF-8 text when they decode, else ``{"base64": "..."}``: a dict can never be
mistaken for a body or payload that was text, so a reader can always tell the two apart. Enums
become their values, tuples become lists. Nothing here encodes JSON: the caller (the control
plane) does that once for the whole document.
"""

from __future__ import annotations

import base64
from enum import Enum
from typing import Any

__all__ = ["BASE64_MARKER", "decode_bytes", "plain", "plain_bytes"]

#: The key of the dict that stands for bytes that are not UTF-8.
BASE64_MARKER = "base64"


def plain_bytes(data: bytes) -> str | dict[str, str]:
    """``data`` as UTF-8 text, or ``{"base64": ...}`` when it is not valid UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {BASE64_MARKER: base64.b64encode(data).decode("ascii")}


def decode_bytes(value: str | dict[str, str]) -> bytes:
    """The inverse of :func:`plain_bytes`.

    Raises:
        ValueError: ``value`` is neither text nor a ``{"base64": ...}`` marker.
    """
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {BASE64_MARKER}:
        return base64.b64decode(value[BASE64_MARKER], validate=True)
    raise ValueError(f"expected text or a {{{BASE64_MARKER!r}: ...}} marker, got {value!r}")


def plain(value: Any) -> Any:
    """``value`` made of only dict, list, str, int, float, bool and None."""
    # Enums first: a StrEnum is also a str, and its value is what a reader expects.
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return plain_bytes(bytes(value))
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    raise TypeError(f"the journal cannot represent a {type(value).__name__} as JSON: {value!r}")
