"""The case registry: ``@case("H-07", "name", group=..., requires=...)`` over an async case body.

Every case carries a stable id from the shipped catalogue (``conformance/catalogue.md``); the
decorator refuses an id the catalogue does not have, a group that is not the id's section, and an
id registered twice, so a typo cannot create a case no report can be compared on.

The decorated function becomes a plain (synchronous) pytest test function: the plugin runs the
case's coroutine on its own event loop with a fresh simulator (see :mod:`conformance.harness.runner`),
so the suite does not depend on the host project's pytest-asyncio settings.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from conformance.harness.catalogue import Group, catalogue_entries

if TYPE_CHECKING:
    from conformance.harness.context import CaseContext

__all__ = [
    "CASES",
    "DEFAULT_CASE_TIMEOUT_S",
    "Case",
    "CaseBody",
    "CaseRegistryError",
    "Requirement",
    "case",
    "claims",
    "select",
]

#: A case that has not finished after this long fails with its journal excerpt.
DEFAULT_CASE_TIMEOUT_S: Final = 15.0

#: The async body of a case; it gets the case's context and returns on pass.
CaseBody = Callable[["CaseContext"], Awaitable[None]]


class CaseRegistryError(ValueError):
    """A case declaration is inconsistent with the catalogue or with another case."""


@dataclass(frozen=True)
class Requirement:
    """A capability predicate: whether the adapter's declared capabilities allow a case.

    Parameters:
        description: what is needed, as the not-applicable reason shows it ("claims ws_private").
        test: called with the adapter's capability declaration; True when the case applies.
    """

    description: str
    test: Callable[[Any], bool]
    #: The adapter's own reason for not claiming it (its ``not_supported`` text), or None.
    explain: Callable[[Any], str | None] | None = None

    def __and__(self, other: Requirement) -> Requirement:
        return Requirement(
            f"{self.description} and {other.description}",
            lambda caps: self.test(caps) and other.test(caps),
            lambda caps: self.reason(caps) if not self.holds(caps) else other.reason(caps),
        )

    def reason(self, capabilities: Any) -> str | None:
        """The adapter's stated reason for not meeting the requirement, when it gave one."""
        if self.explain is None:
            return None
        try:
            return self.explain(capabilities)
        except Exception:  # a declaration without the method: no stated reason
            return None

    def holds(self, capabilities: Any) -> bool:
        """Whether ``capabilities`` meet the requirement (a missing attribute counts as not claimed)."""
        return bool(self.test(capabilities))


def _claimed(capabilities: Any, name: str) -> bool:
    # A declaration may be an object with boolean attributes, a mapping, or a set of feature names:
    # the harness accepts each, so a capability a declaration does not know is simply not claimed.
    if capabilities is None:
        return False
    if isinstance(capabilities, (set, frozenset, list, tuple)):
        return name in capabilities
    if isinstance(capabilities, dict):
        return bool(capabilities.get(name, False))
    features = getattr(capabilities, "features", None)
    if isinstance(features, (set, frozenset, list, tuple)) and name in features:
        return True
    return bool(getattr(capabilities, name, False))


def claims(*names: str) -> Requirement:
    """A requirement that the adapter claims every capability in ``names``."""
    label = " and ".join(names)
    return Requirement(f"claims {label}", lambda caps: all(_claimed(caps, name) for name in names))


@dataclass(frozen=True)
class Case:
    """One registered case: catalogue id, name, group, capability requirement and its body."""

    id: str
    name: str
    group: Group
    body: CaseBody
    requires: Requirement | None = None
    timeout_s: float = DEFAULT_CASE_TIMEOUT_S
    #: Keyword arguments for the case's simulator (scenario, clock, ...), merged over the harness's.
    simulator: dict[str, Any] = field(default_factory=dict)

    @property
    def marker_id(self) -> str:
        """The id as a pytest keyword/marker-safe name: ``H-07`` -> ``H_07``."""
        return self.id.replace("-", "_")

    def not_applicable_reason(self, capabilities: Any) -> str | None:
        """Why the case does not apply to ``capabilities``, or None when it does."""
        if self.requires is None or self.requires.holds(capabilities):
            return None
        stated = self.requires.reason(capabilities)
        because = f": {stated}" if stated else ""
        return f"the adapter does not claim what {self.id} needs ({self.requires.description}){because}"


#: Every registered case by id, in registration order.
CASES: dict[str, Case] = {}


def case(
    case_id: str,
    name: str | None = None,
    *,
    group: Group | str,
    requires: Requirement | None = None,
    timeout_s: float = DEFAULT_CASE_TIMEOUT_S,
    simulator: dict[str, Any] | None = None,
) -> Callable[[CaseBody], Callable[..., None]]:
    """Register ``body`` as catalogue case ``case_id`` and turn it into a pytest test function.

    Parameters:
        case_id: the catalogue id (``H-07``).
        name: the case's name; the catalogue's scenario name when None.
        group: the catalogue section (a :class:`Group` or its value); must be the id's section.
        requires: the capability the case needs; without it the case is ``not_applicable``.
        timeout_s: the case's overall deadline.
        simulator: keyword arguments for the case's :class:`simulator.Simulator`.

    Raises:
        CaseRegistryError: unknown id, wrong group, or an id registered twice.
    """
    entry = catalogue_entries().get(case_id)
    if entry is None:
        raise CaseRegistryError(f"{case_id!r} is not a catalogue id: use one from conformance/catalogue.md")
    try:
        group = Group(group)
    except ValueError:
        known = ", ".join(g.value for g in Group)
        raise CaseRegistryError(f"unknown group {group!r} for {case_id}: use one of {known}") from None
    if group is not entry.group:
        raise CaseRegistryError(
            f"{case_id} belongs to group {entry.group.value!r} in the catalogue, not {group.value!r}"
        )

    def register(body: CaseBody) -> Callable[..., None]:
        if case_id in CASES and CASES[case_id].body.__qualname__ != body.__qualname__:
            raise CaseRegistryError(f"{case_id} is registered twice ({CASES[case_id].body.__qualname__})")
        registered = Case(
            case_id, name or entry.name, group, body, requires, timeout_s, dict(simulator or {})
        )
        CASES[case_id] = registered
        return _as_test(registered)

    return register


def _as_test(registered: Case) -> Callable[..., None]:
    from conformance.harness.runner import run_case_item  # the runner imports the registry

    def test(conformance_session: Any) -> None:
        run_case_item(registered, conformance_session)

    # Not functools.wraps: pytest must see this sync signature (one fixture), not the coroutine's.
    body = registered.body
    test.__name__ = body.__name__
    test.__qualname__ = body.__qualname__
    test.__module__ = body.__module__
    test.__doc__ = body.__doc__ or f"{registered.id}: {registered.name}"
    test.conformance_case = registered  # type: ignore[attr-defined]
    return test


def select(
    cases: Iterable[Case], *, groups: Iterable[Group | str] | None = None, ids: Iterable[str] | None = None
) -> list[Case]:
    """The cases of ``groups`` (all when None) and ``ids`` (all when None), in order.

    Raises:
        CaseRegistryError: a group name is unknown.
    """
    wanted_groups: set[Group] | None = None
    if groups is not None:
        wanted_groups = set()
        for value in groups:
            try:
                wanted_groups.add(Group(value))
            except ValueError:
                known = ", ".join(g.value for g in Group)
                raise CaseRegistryError(f"unknown group {value!r}: use one of {known}") from None
    wanted_ids = set(ids) if ids is not None else None
    return [
        c
        for c in cases
        if (wanted_groups is None or c.group in wanted_groups) and (wanted_ids is None or c.id in wanted_ids)
    ]
