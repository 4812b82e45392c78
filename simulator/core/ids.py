"""Identifier generators, injected so that a seeded run produces the same ids every time."""

from __future__ import annotations

import random
import uuid
from typing import Protocol

__all__ = ["IdGenerator", "SeededIds", "SequentialIds"]


class IdGenerator(Protocol):
    def next_order_id(self) -> str: ...

    def next_trade_id(self) -> str: ...


class SequentialIds:
    """Numeric string ids, as spot venues use (``"1000000001"``, ``"1000000002"``, …)."""

    __slots__ = ("_order", "_trade")

    def __init__(self, start: int = 1_000_000_000) -> None:
        self._order = start
        self._trade = start

    def next_order_id(self) -> str:
        self._order += 1
        return str(self._order)

    def next_trade_id(self) -> str:
        self._trade += 1
        return str(self._trade)


class SeededIds:
    """UUID4-shaped ids drawn from a seeded generator: realistic, and reproducible per seed."""

    __slots__ = ("_rng",)

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def next_order_id(self) -> str:
        return self._uuid()

    def next_trade_id(self) -> str:
        return self._uuid()
