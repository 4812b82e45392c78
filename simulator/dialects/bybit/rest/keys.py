"""A scenario's API keys as the dialect's :class:`~simulator.dialects.bybit.auth.Credentials`.

Scenario keys carry venue-neutral permissions (``read``, ``spot``, ``derivatives``, ``options``,
``wallet``; docs/scenarios.md). The Bybit dialect checks two: ``read`` for queries and ``trade``
for order entry and settings. A key with only ``read`` is read-only; any other permission makes
it a trading key (which may read too).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from simulator.dialects.bybit.auth import READ, TRADE, Credentials

__all__ = ["ScenarioKey", "credentials_from"]

_READ_ONLY = frozenset({"read"})


class ScenarioKey(Protocol):
    """What :func:`credentials_from` reads of a key (``simulator.scenario.Credential`` has it)."""

    key: str
    secret: str
    account_id: str
    permissions: frozenset[str]


def credentials_from(keys: Iterable[ScenarioKey]) -> Credentials:
    """Bybit credentials for ``keys`` (e.g. ``BuiltVenue.credentials.values()``).

    Raises:
        DialectUsageError: a key given twice, or an empty key, secret or account id.
    """
    credentials = Credentials()
    for key in keys:
        permissions = {READ} if set(key.permissions) <= _READ_ONLY else {READ, TRADE}
        credentials.add(key.key, key.secret, key.account_id, permissions)
    return credentials
