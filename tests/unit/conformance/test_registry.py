"""The case registry: catalogue ids only, groups checked, capability requirements, selection."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.harness.catalogue import Group, catalogue_entries
from conformance.harness.registry import CASES, Case, CaseRegistryError, case, claims, select


async def _body(ctx: Any) -> None:
    return None


@pytest.fixture(autouse=True)
def _restore_registry() -> Any:
    """Each test starts from an empty registry: the suite's own case modules may have been
    imported already by another test of this run, registering the ids these tests use."""
    saved = dict(CASES)
    CASES.clear()
    yield
    CASES.clear()
    CASES.update(saved)


def test_catalogue_has_the_118_rows_by_group() -> None:
    entries = catalogue_entries()
    assert len(entries) == 118
    assert entries["H-07"].name == "Rate-limit response mapping"
    assert entries["H-07"].group is Group.HTTP and entries["H-07"].required
    assert entries["H-06"].required is False
    assert entries["Q-01"].group is Group.ROUTING
    assert entries["F-05"].group is Group.FACTORIES
    per_group = {g: sum(e.group is g for e in entries.values()) for g in Group}
    assert per_group[Group.HTTP] == 19 and per_group[Group.ORDER_FLOW] == 27


def test_case_registers_with_the_catalogue_name_and_becomes_a_sync_test() -> None:
    test = case("H-09", group="http")(_body)
    registered = CASES["H-09"]
    assert registered.name == "Client-side request pacing"
    assert registered.group is Group.HTTP
    assert registered.marker_id == "H_09"
    assert test.conformance_case is registered  # type: ignore[attr-defined]
    assert test.__name__ == "_body"
    import inspect

    assert list(inspect.signature(test).parameters) == ["conformance_session"]
    assert not inspect.iscoroutinefunction(test)


@pytest.mark.parametrize(
    ("case_id", "group", "message"),
    [
        ("H-99", "http", "not a catalogue id"),
        ("H-01", "ws_login", "belongs to group 'http'"),
        ("H-01", "nonsense", "unknown group"),
    ],
)
def test_case_refuses_ids_and_groups_the_catalogue_does_not_have(
    case_id: str, group: str, message: str
) -> None:
    with pytest.raises(CaseRegistryError, match=message):
        case(case_id, group=group)(_body)


def test_an_id_registered_twice_by_different_bodies_is_refused() -> None:
    case("H-10", group=Group.HTTP)(_body)

    async def other(ctx: Any) -> None:
        return None

    with pytest.raises(CaseRegistryError, match="registered twice"):
        case("H-10", group=Group.HTTP)(other)


class _Caps:
    ws_private = True
    rest_private = False
    features = frozenset({"text_ping"})


@pytest.mark.parametrize(
    ("capabilities", "names", "holds"),
    [
        (_Caps(), ("ws_private",), True),
        (_Caps(), ("rest_private",), False),
        (_Caps(), ("text_ping",), True),
        (_Caps(), ("ws_private", "rest_private"), False),
        (_Caps(), ("unknown",), False),
        ({"ws_private": True}, ("ws_private",), True),
        ({"ws_private": False}, ("ws_private",), False),
        ({"a", "b"}, ("a", "b"), True),
        (None, ("a",), False),
    ],
)
def test_claims_reads_objects_mappings_and_sets(
    capabilities: Any, names: tuple[str, ...], holds: bool
) -> None:
    assert claims(*names).holds(capabilities) is holds


def test_not_applicable_reason_names_the_missing_capability() -> None:
    gated = Case("W-03", "login", Group.WS_LOGIN, _body, claims("ws_private") & claims("rest_private"))
    assert gated.not_applicable_reason(_Caps()) == (
        "the adapter does not claim what W-03 needs (claims ws_private and claims rest_private)"
    )
    assert Case("W-03", "login", Group.WS_LOGIN, _body).not_applicable_reason(None) is None


def test_select_by_group_and_id() -> None:
    cases = [
        Case("H-01", "a", Group.HTTP, _body),
        Case("W-01", "b", Group.WS_LOGIN, _body),
        Case("RC-01", "c", Group.RECONNECT, _body),
    ]
    assert [c.id for c in select(cases, groups=["http", Group.RECONNECT])] == ["H-01", "RC-01"]
    assert [c.id for c in select(cases, ids=["W-01"])] == ["W-01"]
    assert [c.id for c in select(cases)] == ["H-01", "W-01", "RC-01"]
    with pytest.raises(CaseRegistryError, match="unknown group 'htp'"):
        select(cases, groups=["htp"])
