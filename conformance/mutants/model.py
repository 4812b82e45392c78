"""The mutant record: one deliberately faulty variant of an adapter and the cases that must catch it.

A conformance suite is worth the faults it catches. A :class:`Mutant` names one small fault
(``signs the wrong bytes``), the catalogue groups whose cases can see it, the case ids that must
fail for it, and the adapter spec that builds the faulty variant (``module:factory``, resolved
like ``--adapter``). The runner (:mod:`conformance.mutants.runner`) certifies the variant and
calls it *caught* when at least one expected case fails (and passes on the unmutated adapter).

Adapters do not build these: they *declare* their mutants with plain strings
(:class:`adapters.contract.mutants.MutantDeclaration`, no dependency on the suite), and
:meth:`Mutant.from_declaration` checks each group and case id against this suite's catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from adapters.contract.mutants import MutantDeclaration, MutantDeclarationError
from conformance.harness.catalogue import Group, catalogue_entries

__all__ = ["Mutant", "MutantError", "check_unique"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class MutantError(MutantDeclarationError):
    """A mutant record or a mutant list is malformed; the message says which field and how to fix it."""


@dataclass(frozen=True)
class Mutant:
    """One faulty adapter variant and the cases expected to catch it.

    Parameters:
        name: a unique snake_case name (``ignores_retry_after``).
        description: the fault in one line, in the adapter author's terms.
        groups: the catalogue groups the fault is visible in; a run certifies only these.
        expected: catalogue case ids of which at least one must fail (``("H-08",)``).
        adapter_spec: how to build the variant: ``module:attr`` naming an ``AdapterFactory``.

    Raises:
        MutantError: an empty field, a bad name, an unknown group or case id, or an expected case
            outside the mutant's groups.
    """

    name: str
    description: str
    groups: tuple[Group, ...]
    expected: tuple[str, ...]
    adapter_spec: str
    #: Free-form notes (why this fault matters, which real adapter shipped it).
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise MutantError(f"mutant name {self.name!r} must be snake_case (letters, digits, underscores)")
        if not self.description or "\n" in self.description:
            raise MutantError(f"mutant {self.name}: description must be one non-empty line")
        if ":" not in self.adapter_spec:
            raise MutantError(
                f"mutant {self.name}: adapter_spec {self.adapter_spec!r} must be 'package.module:factory'"
            )
        groups = tuple(_group(self.name, g) for g in self.groups)
        object.__setattr__(self, "groups", groups)
        expected = tuple(self.expected)
        object.__setattr__(self, "expected", expected)
        if not groups or not expected:
            raise MutantError(f"mutant {self.name}: give at least one group and one expected case id")
        entries = catalogue_entries()
        for case_id in expected:
            entry = entries.get(case_id)
            if entry is None:
                raise MutantError(f"mutant {self.name}: {case_id!r} is not a catalogue id")
            if entry.group not in groups:
                raise MutantError(
                    f"mutant {self.name}: {case_id} is in group {entry.group.value!r}; add it to groups"
                )

    @classmethod
    def from_declaration(cls, declaration: MutantDeclaration) -> Mutant:
        """The suite's record of an adapter's declared mutant, its groups and ids checked.

        Raises:
            MutantError: a group is not a catalogue group, a case id is not in the catalogue, or
                an expected case lies outside the declared groups (the message names the mutant
                and the bad value).
        """
        return cls(
            name=declaration.name,
            description=declaration.description,
            groups=declaration.groups,  # type: ignore[arg-type]  # strings, normalised to Group
            expected=declaration.expected,
            adapter_spec=declaration.adapter_spec,
            notes=declaration.notes,
        )

    @property
    def keyword(self) -> str:
        """A pytest ``-k`` expression selecting only the expected cases (a quick run)."""
        return " or ".join(self.expected)


def _group(name: str, value: Group | str) -> Group:
    try:
        return Group(value)
    except ValueError:
        known = ", ".join(g.value for g in Group)
        raise MutantError(f"mutant {name}: unknown group {value!r}; use one of {known}") from None


def check_unique(mutants: Iterable[Mutant | MutantDeclaration]) -> list[Mutant]:
    """The mutants as a list of checked :class:`Mutant`, refusing two with one name.

    Parameters:
        mutants: adapter declarations (checked against the catalogue here) or ready records.

    Raises:
        MutantError: a name appears twice, an item is neither a declaration nor a
            :class:`Mutant`, or a declaration names an unknown group or case id.
    """
    seen: set[str] = set()
    out: list[Mutant] = []
    for item in mutants:
        if isinstance(item, MutantDeclaration):
            mutant = Mutant.from_declaration(item)
        elif isinstance(item, Mutant):
            mutant = item
        else:
            raise MutantError(
                f"a mutant list holds {item!r}, not an adapters.contract.mutants.MutantDeclaration"
            )
        if mutant.name in seen:
            raise MutantError(f"mutant name {mutant.name!r} appears twice")
        seen.add(mutant.name)
        out.append(mutant)
    return out

