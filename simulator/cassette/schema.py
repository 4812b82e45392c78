"""The cassette's JSON Schema (``cassette.schema.json``, shipped with the package) and a file check."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator

from simulator.cassette.errors import CassetteFormatError

__all__ = ["SCHEMA_PATH", "schema", "validate_file"]

#: Where the schema ships (package data).
SCHEMA_PATH = Path(__file__).with_name("cassette.schema.json")


@functools.cache
def schema() -> dict[str, Any]:
    """The cassette line schema (a JSON Schema, draft 2020-12)."""
    document: dict[str, Any] = orjson.loads(SCHEMA_PATH.read_bytes())
    return document


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def validate_file(path: str | os.PathLike[str]) -> int:
    """Check every complete line of a cassette against the schema (slow: for tests and audits).

    Returns:
        The number of lines checked.

    Raises:
        CassetteFormatError: a line is not JSON or does not satisfy the schema (names the line).
    """
    validator = _validator()
    count = 0
    with Path(path).open("rb") as file:
        for number, line in enumerate(file, start=1):
            if not line.endswith(b"\n"):
                break  # a cut last line: load() warns about it
            try:
                document = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise CassetteFormatError(path, number, f"the line is not valid JSON ({exc})") from None
            errors = sorted(validator.iter_errors(document), key=lambda error: error.path)
            if errors:
                raise CassetteFormatError(
                    path, number, f"the line breaks the cassette schema: {errors[0].message}"
                )
            count += 1
    return count
