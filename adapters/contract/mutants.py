"""Mutant declarations: how an adapter lists deliberately faulty variants of itself.

A conformance suite is worth the faults it catches. An adapter declares its mutants the way it
declares its capabilities: plain data the suite reads. A :class:`MutantDeclaration` names one
small fault (``signs the wrong bytes``), the catalogue groups whose cases can see it and the case
ids that must fail for it (plain strings: the adapter does not depend on the suite), and the
factory that builds the faulty variant (``module:attr``, resolved like ``--adapter``).

The adapter registers its list under the entry point group :data:`MUTANTS_ENTRY_POINT_GROUP`::

    [project.entry-points."venuekit.mutants"]
    bybit = "adapters.bybit.mutants:MUTANTS"

Only the *shape* is checked here. The conformance suite checks the groups and case ids against
its catalogue when it loads the list (``conformance.mutants.registry``), and refuses an unknown
one by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "MUTANTS_ENTRY_POINT_GROUP",
    "MutantDeclaration",
    "MutantDeclarationError",
    "check_unique",
]

#: The entry point group an adapter package registers its mutant list under.
MUTANTS_ENTRY_POINT_GROUP: Final = "venuekit.mutants"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CASE_ID = re.compile(r"^[A-Z]+-\d\d[a-z]?$")


class MutantDeclarationError(ValueError):
    """A mutant declaration or a mutant list is malformed; the message says which field and how to fix it."""


@dataclass(frozen=True)
class MutantDeclaration:
    """One faulty adapter variant and the conformance cases expected to catch it.

    Parameters:
        name: a unique snake_case name (``ignores_retry_after``).
        description: the fault in one line, in the adapter author's terms.
        groups: catalogue group names the fault is visible in (``"http"``, ``"reconnect"``); a
            mutant run certifies only these.
        expected: catalogue case ids of which at least one must fail (``("H-08",)``).
        adapter_spec: how to build the variant: ``module:attr`` naming an ``AdapterFactory``.
        notes: free-form (why this fault matters, which real adapter shipped it).

    Raises:
        MutantDeclarationError: an empty field, a bad name, a group or case id that is not a
            plain string of the right form, or a spec without ``module:attr``.
    """

    name: str
    description: str
    groups: tuple[str, ...]
    expected: tuple[str, ...]
    adapter_spec: str
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise MutantDeclarationError(
                f"mutant name {self.name!r} must be snake_case (letters, digits, underscores)"
            )
        if not isinstance(self.description, str) or not self.description or "\n" in self.description:
            raise MutantDeclarationError(f"mutant {self.name}: description must be one non-empty line")
        if not isinstance(self.adapter_spec, str) or ":" not in self.adapter_spec:
            raise MutantDeclarationError(
                f"mutant {self.name}: adapter_spec {self.adapter_spec!r} must be 'package.module:factory'"
            )
        groups = _strings(self.name, "groups", self.groups)
        expected = _strings(self.name, "expected", self.expected)
        if not groups or not expected:
            raise MutantDeclarationError(
                f"mutant {self.name}: give at least one group and one expected case id"
            )
        for case_id in expected:
            if not _CASE_ID.match(case_id):
                raise MutantDeclarationError(
                    f"mutant {self.name}: expected case id {case_id!r} must look like 'H-08' or 'RC-11'"
                )
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "expected", expected)


def _strings(name: str, label: str, values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        # A bare "http" would iterate as letters; say what to write instead.
        raise MutantDeclarationError(
            f"mutant {name}: {label} must be a sequence of strings, e.g. ({values!r},)"
        )
    out = tuple(values)
    for value in out:
        if not isinstance(value, str) or not value:
            raise MutantDeclarationError(f"mutant {name}: {label} holds {value!r}; give non-empty strings")
    return out


def check_unique(declarations: Iterable[MutantDeclaration]) -> list[MutantDeclaration]:
    """The declarations as a list, refusing two with one name.

    Raises:
        MutantDeclarationError: a name appears twice, or an item is not a :class:`MutantDeclaration`.
    """
    seen: set[str] = set()
    out: list[MutantDeclaration] = []
    for declaration in declarations:
        if not isinstance(declaration, MutantDeclaration):
            raise MutantDeclarationError(
                f"a mutant list holds {declaration!r}, not an adapters.contract.mutants.MutantDeclaration"
            )
        if declaration.name in seen:
            raise MutantDeclarationError(f"mutant name {declaration.name!r} appears twice")
        seen.add(declaration.name)
        out.append(declaration)
    return out
