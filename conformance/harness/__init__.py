"""The conformance harness: case registry, per-case simulator and adapter, verdicts, barriers.

Modules, one concept each: ``catalogue`` (the shipped catalogue: ids, groups, hash), ``registry``
(``@case`` and capability requirements), ``outcome`` (verdicts and the exceptions that reach them),
``adapter`` (the adapter under test, built through the contract's factory), ``context`` (what a
case body works with), ``barrier`` (proving "nothing happened" without a sleep), ``session`` (one
run's records) and ``runner`` (one case: fresh simulator, deadline, verdict, journal excerpt).
"""

from __future__ import annotations

from conformance.harness.catalogue import Group, catalogue_entries, catalogue_hash
from conformance.harness.outcome import CaseFailed, NotApplicable, Verdict
from conformance.harness.registry import CASES, Case, Requirement, case, claims, select

__all__ = [
    "CASES",
    "Case",
    "CaseFailed",
    "Group",
    "NotApplicable",
    "Requirement",
    "Verdict",
    "case",
    "catalogue_entries",
    "catalogue_hash",
    "claims",
    "select",
]
