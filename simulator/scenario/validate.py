"""Checking scenario data against the shipped JSON Schema, with messages a person can act on.

The schema is standard JSON Schema (draft 2020-12) plus a few ``x-`` keywords that other
validators ignore and venuekit enforces:

* ``x-decimal: {minimum|exclusiveMinimum: "0"}`` - an exact decimal (number or numeric text) and
  its bounds;
* ``x-time: {relative: bool}`` and ``x-duration`` - times and durations as
  :mod:`simulator.scenario.times` reads them;
* ``x-expected`` - the phrase that completes "expected ..." when a value is wrong;
* ``x-messages: {keyword: sentence}`` - the whole message when that keyword fails.

Each jsonschema error becomes a :class:`~simulator.scenario.errors.Problem` at the line and column
of the value (or, for an unknown field, of its key).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from simulator.scenario.errors import Problem
from simulator.scenario.source import DecimalText, SourceMap, to_decimal
from simulator.scenario.times import parse_duration_ns, parse_time

__all__ = ["SCHEMA_FILES", "describe", "load_schema", "schema_problems"]

#: The schema of each scenario version this venuekit reads.
SCHEMA_FILES = {1: "schema_v1.json"}

_TYPE_PHRASES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "boolean": "true or false",
    "null": "nothing",
}


def describe(value: object) -> str:
    """How a value reads in a message: text quoted, numbers as written, containers by kind."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, DecimalText):
        return value.text
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    return type(value).__name__


# -- venuekit's keywords ------------------------------------------------------------------------


def _x_decimal(validator: Any, bounds: dict[str, str], instance: object, schema: dict) -> Iterator:
    if not isinstance(instance, int | float | str) or isinstance(instance, bool):
        return  # the type keyword reports it
    value = to_decimal(instance)
    if value is None or not value.is_finite():
        yield ValidationError("not a finite decimal")
        return
    low = bounds.get("minimum")
    if low is not None and value < Decimal(low):
        yield ValidationError(f"below {low}")
    low = bounds.get("exclusiveMinimum")
    if low is not None and value <= Decimal(low):
        yield ValidationError(f"not above {low}")


def _x_time(validator: Any, options: dict[str, bool], instance: object, schema: dict) -> Iterator:
    if isinstance(instance, bool) or not isinstance(instance, int | str):
        return
    parsed = parse_time(instance, relative=options.get("relative", True))
    if isinstance(parsed, str):
        yield ValidationError(parsed)


def _x_duration(validator: Any, enabled: bool, instance: object, schema: dict) -> Iterator:
    if isinstance(instance, bool) or not isinstance(instance, int | float | str):
        return
    if enabled and parse_duration_ns(instance) is None:
        yield ValidationError("not a duration")


def _ignore(validator: Any, value: object, instance: object, schema: dict) -> Iterator:
    return iter(())


_Validator = validators.extend(
    Draft202012Validator,
    {
        "x-decimal": _x_decimal,
        "x-time": _x_time,
        "x-duration": _x_duration,
        "x-expected": _ignore,
        "x-messages": _ignore,
    },
)


@cache
def load_schema(version: int) -> dict[str, Any]:
    """The JSON Schema of scenario ``version``, as shipped in this package."""
    text = resources.files("simulator.scenario").joinpath(SCHEMA_FILES[version]).read_text("utf-8")
    return json.loads(text)


@cache
def _validator(version: int) -> Any:
    schema = load_schema(version)
    _Validator.check_schema(schema)
    return _Validator(schema)


# -- turning errors into sentences ---------------------------------------------------------------

#: Keywords whose failure reads best as the schema's ``x-expected`` phrase, when it has one.
_EXPECTED_KEYWORDS = frozenset(
    {
        "type",
        "pattern",
        "x-decimal",
        "x-duration",
        "minItems",
        "maxItems",
        "minimum",
        "maximum",
        "anyOf",
        "oneOf",
    }
)


def _message(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    keyword = str(error.validator)
    own = schema.get("x-messages", {}).get(keyword)
    if own:
        return own
    instance = error.instance
    got = describe(instance)
    if keyword == "x-time":
        return error.message
    expected = schema.get("x-expected")
    if keyword == "required":
        missing = [name for name in error.validator_value if name not in instance]
        names = ", ".join(f'"{name}"' for name in missing)
        return f"missing the required field {names}" if len(missing) == 1 else f"missing the fields {names}"
    if expected and keyword in _EXPECTED_KEYWORDS:
        return f"expected {expected}, got {got}"
    if keyword == "type":
        types = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"expected {' or '.join(_TYPE_PHRASES.get(t, t) for t in types)}, got {got}"
    if keyword == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"expected one of {allowed}; got {got}"
    if keyword == "const":
        return f"expected {describe(error.validator_value)}, got {got}"
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}[keyword]
        return f"expected a number {sign} {error.validator_value}, got {got}"
    if keyword == "minLength":
        return "expected non-empty text" if error.validator_value == 1 else error.message
    if keyword == "maxLength":
        return f"expected at most {error.validator_value} characters, got {len(instance)}"
    if keyword == "minItems":
        return f"expected at least {error.validator_value} items, got {len(instance)}"
    if keyword == "maxItems":
        return f"expected at most {error.validator_value} items, got {len(instance)}"
    if keyword == "uniqueItems":
        return "expected no repeated items: remove the duplicate"
    if keyword == "pattern":
        return f"expected text matching {error.validator_value}, got {got}"
    return error.message


def _unknown_keys(error: ValidationError, path: tuple, source: SourceMap) -> list[Problem]:
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = list(schema.get("properties", {}))
    problems = []
    for key in error.instance:
        if key in known:
            continue
        close = difflib.get_close_matches(key, known, n=1)
        hint = f'did you mean "{close[0]}"?' if close else f"the fields here are: {', '.join(known)}"
        problems.append(Problem(source.at((*path, key), key=True), f"unknown field; {hint}"))
    return problems


def _is_key_error(error: ValidationError, data: Any, path: tuple) -> bool:
    """Whether ``error`` is about a mapping key (from ``propertyNames``), not a value."""
    if "propertyNames" not in error.absolute_schema_path:
        return False
    node = data
    for part in path:
        node = node[part]
    return isinstance(node, dict) and isinstance(error.instance, str) and error.instance in node


def schema_problems(data: Any, version: int, source: SourceMap) -> list[Problem]:
    """Every way ``data`` breaks the schema of ``version``, sorted by position in the file."""
    problems: list[Problem] = []
    seen: set[tuple[tuple, str]] = set()
    for error in _validator(version).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            found = _unknown_keys(error, path, source)
        elif _is_key_error(error, data, path):
            key = (*path, error.instance)
            found = [Problem(source.at(key, key=True), f"bad key: {_message(error)}")]
        else:
            found = [Problem(source.at(path), _message(error))]
        for problem in found:
            key = (problem.location.path, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    problems.sort(key=lambda p: (p.location.line, p.location.column))
    return problems
