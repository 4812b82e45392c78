"""Finding an adapter's mutants: entry point group ``venuekit.mutants``.

An adapter package lists its mutants beside itself and registers the list::

    [project.entry-points."venuekit.mutants"]
    bybit = "adapters.bybit.mutants:MUTANTS"

The entry point's name is the adapter's name (as in ``venuekit.adapters``); its value is
``module:attr`` naming a sequence of :class:`~adapters.contract.mutants.MutantDeclaration` (plain
data in the adapter contract). Loading checks every declared group and case id against this
suite's catalogue (:meth:`~conformance.mutants.model.Mutant.from_declaration`). A ``module:attr``
spec works too, for a list that is not installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points

from adapters.contract.mutants import MUTANTS_ENTRY_POINT_GROUP
from conformance.mutants.model import Mutant, MutantError, check_unique

__all__ = ["ENTRY_POINT_GROUP", "installed_mutant_sets", "load_mutants", "select_mutants"]

ENTRY_POINT_GROUP = MUTANTS_ENTRY_POINT_GROUP


def installed_mutant_sets() -> dict[str, str]:
    """Installed mutant lists: adapter name -> ``module:attr``."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _resolve(spec: str) -> object:
    module_name, _, attr_path = spec.partition(":")
    target: object = importlib.import_module(module_name)
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise MutantError(f"{module_name!r} has no attribute {attr_path!r}") from None
    return target


def load_mutants(adapter: str) -> list[Mutant]:
    """The mutants of ``adapter``, each checked against the catalogue.

    Parameters:
        adapter: an entry point name of group ``venuekit.mutants`` (``bybit``) or ``module:attr``.

    Raises:
        MutantError: nothing is registered under that name (the message lists what is), the
            target is not a sequence of mutant declarations, two mutants share a name, or a
            declaration names a group or case id the catalogue does not have.
    """
    if ":" in adapter:
        target = _resolve(adapter)
    else:
        matches = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == adapter]
        if not matches:
            installed = ", ".join(sorted(installed_mutant_sets())) or "none"
            raise MutantError(
                f"no mutants registered for adapter {adapter!r} in entry point group "
                f"{ENTRY_POINT_GROUP!r} (installed: {installed}); register "
                f'{adapter} = "package.mutants:MUTANTS" or pass module:attr'
            )
        target = matches[0].load()
    if isinstance(target, (str, bytes)) or not isinstance(target, Sequence):
        kind = type(target).__name__
        raise MutantError(f"the mutants of {adapter!r} must be a sequence of MutantDeclaration, got {kind}")
    return check_unique(target)


def select_mutants(mutants: Iterable[Mutant], only: Iterable[str] = ()) -> list[Mutant]:
    """The mutants named in ``only`` (all when empty), in list order.

    Raises:
        MutantError: a name in ``only`` is not a mutant (the message lists the names).
    """
    pool = list(mutants)
    wanted = list(only)
    if not wanted:
        return pool
    names = {m.name for m in pool}
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise MutantError(f"no mutant named {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    chosen = set(wanted)
    return [m for m in pool if m.name in chosen]
