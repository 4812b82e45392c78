"""The mutant record and the registry: validation, entry-point discovery, selection."""

from __future__ import annotations

import pytest

from adapters.contract.mutants import MutantDeclaration
from conformance.harness.catalogue import Group
from conformance.mutants import Mutant, MutantError
from conformance.mutants.model import check_unique
from conformance.mutants.registry import installed_mutant_sets, load_mutants, select_mutants

SPEC = "somewhere.mutants:factory"


def _mutant(name: str = "ignores_retry_after", **changes: object) -> Mutant:
    fields: dict[str, object] = {
        "name": name,
        "description": "ignores Retry-After",
        "groups": ("http",),
        "expected": ("H-08",),
        "adapter_spec": SPEC,
    }
    fields.update(changes)
    return Mutant(**fields)  # type: ignore[arg-type]


def test_a_mutant_normalises_its_groups_and_builds_a_keyword() -> None:
    mutant = _mutant(groups=("http", "reconnect"), expected=("H-08", "RC-04"))
    assert mutant.groups == (Group.HTTP, Group.RECONNECT)
    assert mutant.keyword == "H-08 or RC-04"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Bad Name"}, "snake_case"),
        ({"description": ""}, "one non-empty line"),
        ({"description": "two\nlines"}, "one non-empty line"),
        ({"adapter_spec": "no_colon"}, "package.module:factory"),
        ({"groups": ("nonsense",)}, "unknown group 'nonsense'"),
        ({"expected": ()}, "at least one group and one expected"),
        ({"expected": ("H-99",)}, "'H-99' is not a catalogue id"),
        ({"expected": ("RC-04",)}, "RC-04 is in group 'reconnect'; add it to groups"),
    ],
)
def test_a_malformed_mutant_is_refused_with_what_to_fix(changes: dict[str, object], message: str) -> None:
    with pytest.raises(MutantError, match=message):
        _mutant(**changes)


def test_two_mutants_with_one_name_are_refused() -> None:
    with pytest.raises(MutantError, match="appears twice"):
        check_unique([_mutant(), _mutant()])
    with pytest.raises(MutantError, match=r"not an adapters\.contract\.mutants\.MutantDeclaration"):
        check_unique([_mutant(), "retries_4xx"])  # type: ignore[list-item]


def _declared(**changes: object) -> MutantDeclaration:
    fields: dict[str, object] = {
        "name": "ignores_retry_after",
        "description": "ignores Retry-After",
        "groups": ["http"],
        "expected": ["H-08"],
        "adapter_spec": SPEC,
        "notes": "why",
    }
    fields.update(changes)
    return MutantDeclaration(**fields)  # type: ignore[arg-type]


def test_a_declaration_becomes_a_checked_mutant() -> None:
    mutant = Mutant.from_declaration(_declared())
    assert mutant == _mutant()
    assert mutant.groups == (Group.HTTP,)
    assert mutant.notes == "why"
    assert check_unique([_declared(name="a_one"), _mutant("b_two")]) == [_mutant("a_one"), _mutant("b_two")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"groups": ["htttp"]}, "mutant ignores_retry_after: unknown group 'htttp'; use one of http, "),
        ({"expected": ["H-98"]}, "mutant ignores_retry_after: 'H-98' is not a catalogue id"),
        ({"expected": ["W-03"]}, "W-03 is in group 'ws_login'; add it to groups"),
    ],
)
def test_a_declaration_the_catalogue_does_not_know_is_refused_by_name(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(MutantError, match=message):
        check_unique([_declared(**changes)])


def test_the_bybit_mutants_are_found_by_entry_point_name() -> None:
    from adapters.bybit.mutants import MUTANTS

    assert all(isinstance(d, MutantDeclaration) for d in MUTANTS)
    assert installed_mutant_sets()["bybit"] == "adapters.bybit.mutants:MUTANTS"
    mutants = load_mutants("bybit")
    assert [m.name for m in mutants] == [d.name for d in MUTANTS]
    assert all(isinstance(m, Mutant) for m in mutants)
    assert len(mutants) >= 30
    assert all(m.adapter_spec.startswith("adapters.bybit.mutants.") for m in mutants)
    assert load_mutants("adapters.bybit.mutants:MUTANTS") == mutants


def test_an_unknown_adapter_or_a_target_that_is_not_a_list_is_refused() -> None:
    with pytest.raises(MutantError, match=r"no mutants registered for adapter 'nobody'.*installed: .*bybit"):
        load_mutants("nobody")
    with pytest.raises(MutantError, match="must be a sequence of MutantDeclaration, got str"):
        load_mutants("conformance.mutants.registry:ENTRY_POINT_GROUP")
    with pytest.raises(MutantError, match="has no attribute"):
        load_mutants("conformance.mutants.registry:NOPE")


def test_select_keeps_list_order_and_refuses_unknown_names() -> None:
    pool = [_mutant("a_one"), _mutant("b_two"), _mutant("c_three")]
    assert select_mutants(pool) == pool
    assert [m.name for m in select_mutants(pool, ["c_three", "a_one"])] == ["a_one", "c_three"]
    with pytest.raises(MutantError, match="no mutant named zz; known: a_one, b_two, c_three"):
        select_mutants(pool, ["zz"])
