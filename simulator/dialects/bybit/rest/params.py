"""Request parameters: the query string of a GET, the JSON body of a POST, and typed access to them.

The signature is checked over the raw bytes (:mod:`simulator.dialects.bybit.auth`); this module
parses the same bytes separately for the business logic (§3.3). Rules:

* empty query segments are tolerated (``?&category=linear``, §0.2 rule 11); when a name repeats,
  its first value wins;
* unknown and misspelled parameters are ignored (§0.2 rule 11b): handlers only read what they know;
* a parameter that is absent, ``null`` or ``""`` counts as not given;
* a wrong type or an unparseable value is a ``10001`` ``params error: ...`` naming the parameter
  and what was expected (§5.1), never an exception that escapes.

Numbers may come as JSON numbers or as strings (pybit sends strings; a JSON number ``qty`` is
accepted when it is numeric, as Bybit does).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar
from urllib.parse import parse_qsl

import orjson

from simulator.dialects.bybit.errors import NOT_SUPPORTED_SYMBOLS, PARAMS_ERROR, BybitError

__all__ = [
    "CATEGORIES",
    "Params",
    "params_error",
    "unsupported_symbol",
]

T = TypeVar("T")

#: Appendix A ``category``.
CATEGORIES: Final = ("spot", "linear", "inverse", "option")
# More digits than any millisecond time or count a client sends; int() of longer text is refused.
_MAX_INT_DIGITS = 19
# A value longer than this is echoed shortened in error messages.
_ECHO_LIMIT = 64


def _echo(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


def params_error(detail: str) -> BybitError:
    """A ``10001`` ``params error: <detail>`` answer (§5.1)."""
    return PARAMS_ERROR.format(detail=detail).error()


def unsupported_symbol(symbol: str, category: str) -> BybitError:
    """``10001`` for a symbol the venue does not list; the body carries ``Not supported symbols``,
    the substring clients report as a bad symbol (§5.2)."""
    return BybitError(
        NOT_SUPPORTED_SYMBOLS.code,
        f"params error: {NOT_SUPPORTED_SYMBOLS.message}: {_echo(symbol)} is not listed in {category}",
    )


class Params:
    """The parameters of one request, with typed accessors that raise ``10001`` on bad values.

    ``Params.from_query(raw)`` for GET, ``Params.from_body(bytes)`` for POST, or ``Params(dict)``
    for one item of a batch request.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = values

    @classmethod
    def from_query(cls, raw_query: str) -> Params:
        """Parse a raw query string (no leading ``?``). Never raises."""
        values: dict[str, Any] = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True, errors="replace"):
            values.setdefault(key, value)
        return cls(values)

    @classmethod
    def from_body(cls, body: bytes) -> Params:
        """Parse a JSON request body; an empty body is an empty object.

        Raises:
            BybitError: 10001 when the body is not JSON or not a JSON object.
        """
        if not body.strip():
            return cls({})
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise params_error(f"the request body is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise params_error(f"the request body must be a JSON object, got a JSON {_json_type(data)}")
        return cls(data)

    # -- raw access ---------------------------------------------------------------------------

    def raw(self, name: str) -> Any:
        """The value as sent, or ``None`` when absent, ``null`` or ``""``."""
        value = self._values.get(name)
        return None if value is None or value == "" else value

    # -- typed access -------------------------------------------------------------------------

    def text(self, name: str, *, required: bool = False) -> str | None:
        """A string parameter.

        Raises:
            BybitError: 10001 when required and missing, or when it is not a string.
        """
        value = self.raw(name)
        if value is None:
            if required:
                raise params_error(f"{name} is required")
            return None
        if not isinstance(value, str):
            raise params_error(f"{name} must be a string, got a JSON {_json_type(value)}")
        return value

    def required_text(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def decimal(self, name: str, *, required: bool = False) -> Decimal | None:
        """A decimal number, sent as a numeric string or a JSON number.

        Raises:
            BybitError: 10001 when required and missing, or when it is not a finite number.
        """
        value = self.raw(name)
        if value is None:
            if required:
                raise params_error(f"{name} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise params_error(f"{name} must be a number string like '0.01', got a JSON {_json_type(value)}")
        try:
            number = Decimal(value.strip()) if isinstance(value, str) else Decimal(repr(value))
        except (InvalidOperation, ValueError):
            raise params_error(f"{name} {_echo(value)} is not a number") from None
        if not number.is_finite():
            raise params_error(f"{name} must be a finite number, got {_echo(value)}")
        return number

    def integer(self, name: str, *, default: int | None = None) -> int | None:
        """A whole number, sent as a JSON integer or a string of digits.

        Raises:
            BybitError: 10001 when it is anything else.
        """
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.strip()
            digits = text[1:] if text[:1] == "-" else text
            if digits and len(digits) <= _MAX_INT_DIGITS and digits.isascii() and digits.isdigit():
                return int(text)
        raise params_error(f"{name} must be an integer, got {_echo(value)}")

    def boolean(self, name: str, *, default: bool = False) -> bool:
        """A JSON boolean (the strings ``"true"``/``"false"`` are tolerated).

        Raises:
            BybitError: 10001 when it is anything else.
        """
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise params_error(f"{name} must be true or false, got {_echo(value)}")

    def choice(self, name: str, choices: Mapping[str, T], *, default: T | None = None) -> T | None:
        """A string parameter that must be one of ``choices`` (a mapping from wire value).

        Raises:
            BybitError: 10001 naming the allowed values.
        """
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, str) and value in choices:
            return choices[value]
        allowed = ", ".join(choices)
        raise params_error(f"{name} must be one of {allowed}; got {_echo(value)}")

    def category(self, allowed: Collection[str] = CATEGORIES, *, default: str | None = None) -> str:
        """The ``category`` parameter, one of ``allowed``.

        Raises:
            BybitError: 10001 when it is missing (and there is no default) or not allowed here.
        """
        value = self.raw("category")
        if value is None:
            if default is not None:
                return default
            raise params_error(f"category is required; one of {', '.join(allowed)}")
        if not isinstance(value, str) or value not in allowed:
            choices = ", ".join(allowed)
            raise params_error(f"category {_echo(value)} is not supported here; use one of {choices}")
        return value

    def limit(self, *, default: int, maximum: int, name: str = "limit") -> int:
        """A page size: ``default`` when absent, capped at ``maximum``.

        Raises:
            BybitError: 10001 for a value below 1 or not an integer.
        """
        value = self.integer(name, default=default)
        assert value is not None
        if value < 1:
            raise params_error(f"{name} must be at least 1, got {value}")
        return min(value, maximum)


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__
