"""Mutants: deliberately faulty adapter variants, and the runner that checks the suite catches them.

- :mod:`~conformance.mutants.model`: the :class:`Mutant` record, built from an adapter's
  :class:`~adapters.contract.mutants.MutantDeclaration` and checked against the catalogue;
- :mod:`~conformance.mutants.registry`: finding an adapter's mutants (entry point group
  ``venuekit.mutants``);
- :mod:`~conformance.mutants.runner`: certifying each mutant and judging it (caught or survived);
- :mod:`~conformance.mutants.command`: ``venuekit mutants`` (table and a final JSON line).

Only the model is imported here, so ``from conformance.mutants import Mutant`` stays cheap.
"""

from __future__ import annotations

from conformance.mutants.model import Mutant, MutantError

__all__ = ["Mutant", "MutantError"]
