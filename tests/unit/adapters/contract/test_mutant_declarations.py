"""Mutant declarations in the adapter contract: plain data, shape-checked, no suite dependency."""

from __future__ import annotations

import pytest

from adapters.contract.mutants import (
    MUTANTS_ENTRY_POINT_GROUP,
    MutantDeclaration,
    MutantDeclarationError,
    check_unique,
)


def _declaration(name: str = "ignores_retry_after", **changes: object) -> MutantDeclaration:
    fields: dict[str, object] = {
        "name": name,
        "description": "ignores Retry-After",
        "groups": ["http"],
        "expected": ["H-08"],
        "adapter_spec": "somewhere.mutants:factory",
    }
    fields.update(changes)
    return MutantDeclaration(**fields)  # type: ignore[arg-type]


def test_a_declaration_keeps_plain_strings_as_tuples() -> None:
    declaration = _declaration(groups=["http", "reconnect"], expected=["H-08", "RC-04"])
    assert declaration.groups == ("http", "reconnect")
    assert declaration.expected == ("H-08", "RC-04")
    assert MUTANTS_ENTRY_POINT_GROUP == "venuekit.mutants"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Bad Name"}, "snake_case"),
        ({"description": "two\nlines"}, "one non-empty line"),
        ({"adapter_spec": "no_colon"}, "package.module:factory"),
        ({"groups": "http"}, r"groups must be a sequence of strings, e.g. \('http',\)"),
        ({"groups": ["http", 3]}, "groups holds 3"),
        ({"expected": ()}, "at least one group and one expected"),
        ({"expected": ["h08"]}, "expected case id 'h08' must look like 'H-08'"),
    ],
)
def test_a_malformed_declaration_is_refused_with_what_to_fix(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(MutantDeclarationError, match=message):
        _declaration(**changes)


def test_two_declarations_with_one_name_or_a_stranger_are_refused() -> None:
    unique = check_unique([_declaration("a_one"), _declaration("b_two")])
    assert [d.name for d in unique] == ["a_one", "b_two"]
    with pytest.raises(MutantDeclarationError, match="'a_one' appears twice"):
        check_unique([_declaration("a_one"), _declaration("a_one")])
    stranger = r"not an adapters\.contract\.mutants\.MutantDeclaration"
    with pytest.raises(MutantDeclarationError, match=stranger):
        check_unique([_declaration(), "retries_4xx"])  # type: ignore[list-item]
