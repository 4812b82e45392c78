"""Deliberately faulty variants of the Bybit reference adapter, to measure the suite's detection power.

Registered under the ``venuekit.mutants`` entry point as ``bybit``; ``venuekit mutants --adapter
bybit`` certifies each and checks the suite fails it on its expected cases. docs/mutants.md lists
them with the case that catches each.

- :mod:`~adapters.bybit.mutants.transport`: groups 1-6 (HTTP, login, heartbeat, subscriptions,
  reconnection, routing);
- :mod:`~adapters.bybit.mutants.orders`: groups 7-9 (market data, products, order flow);
- :mod:`~adapters.bybit.mutants.policy`: groups 10-12 (outcome policy, reconciliation, factories).
"""

from __future__ import annotations

from adapters.bybit.mutants import orders, policy, transport
from adapters.bybit.mutants._kit import REGISTERED
from adapters.contract.mutants import MutantDeclaration

__all__ = ["MUTANTS"]

#: Importing them registers their mutants; listed in catalogue order of the groups they cover.
_MODULES = (transport.__name__, orders.__name__, policy.__name__)

#: Every Bybit mutant: transport groups (1-6) first, then groups 7-12, each module in definition
#: (catalogue) order.
MUTANTS: tuple[MutantDeclaration, ...] = tuple(
    sorted(REGISTERED, key=lambda d: _MODULES.index(d.adapter_spec.partition(":")[0]))
)
