"""A price-time priority limit order book for one instrument.

Prices and sizes are integers here (ticks and lots of the instrument), which keeps the hot path
free of Decimal arithmetic. Each side is a :class:`sortedcontainers.SortedDict` of price levels,
keyed so that index 0 is always the best price (bids are keyed by the negated price). A level is a
FIFO queue of orders. Cancelled orders are removed lazily: they stay in the queue, marked closed,
until they reach its front or the level is compacted, so a cancel costs O(log levels).

Every change to a level's total size bumps the book's sequence number and is recorded in
:attr:`OrderBook.pending` as ``(side, price_ticks, lots)`` (``lots == 0`` deletes the level), which
the exchange drains into a ``BookChanged`` event once per command.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from sortedcontainers import SortedDict

from simulator.core.enums import Side

if TYPE_CHECKING:
    from simulator.core.orders import Order

__all__ = ["Level", "OrderBook"]

# Rebuild a level's queue once it holds this many cancelled entries and more dead than live ones.
_COMPACT_AFTER = 32


class Level:
    """One price level: the queue of resting orders and their total remaining size."""

    __slots__ = ("count", "dead", "lots", "orders")

    def __init__(self) -> None:
        self.orders: deque[Order] = deque()
        self.lots = 0
        self.count = 0
        self.dead = 0

    def front(self) -> Order:
        """The oldest live order. Only call on a level with ``count > 0``."""
        orders = self.orders
        while not orders[0].resting:
            orders.popleft()
            self.dead -= 1
        return orders[0]

    def compact(self) -> None:
        self.orders = deque(o for o in self.orders if o.resting)
        self.dead = 0


class OrderBook:
    __slots__ = ("asks", "bids", "pending", "seq")

    def __init__(self) -> None:
        self.bids: SortedDict = SortedDict()  # -price_ticks -> Level
        self.asks: SortedDict = SortedDict()  # price_ticks -> Level
        self.seq = 0
        self.pending: list[tuple[Side, int, int]] = []

    # -- queries ---------------------------------------------------------------------------

    def best_bid(self) -> int | None:
        return -self.bids.peekitem(0)[0] if self.bids else None

    def best_ask(self) -> int | None:
        return self.asks.peekitem(0)[0] if self.asks else None

    def side_levels(self, side: Side) -> SortedDict:
        return self.bids if side is Side.BUY else self.asks

    def level_lots(self, side: Side, price_ticks: int) -> int:
        levels = self.bids if side is Side.BUY else self.asks
        level = levels.get(-price_ticks if side is Side.BUY else price_ticks)
        return level.lots if level is not None else 0

    def depth(self, side: Side, depth: int | None = None) -> list[tuple[int, int]]:
        """``[(price_ticks, lots), ...]`` best first, at most ``depth`` levels (all if None)."""
        levels = self.bids if side is Side.BUY else self.asks
        sign = -1 if side is Side.BUY else 1
        items = levels.items() if depth is None else levels.items()[:depth]
        return [(sign * key, level.lots) for key, level in items]

    def snapshot(self, depth: int | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        return self.depth(Side.BUY, depth), self.depth(Side.SELL, depth)

    def is_crossed(self) -> bool:
        bid, ask = self.best_bid(), self.best_ask()
        return bid is not None and ask is not None and bid >= ask

    def orders_at(self, side: Side, price_ticks: int) -> list[Order]:
        """The live orders at a level, in queue order."""
        levels = self.bids if side is Side.BUY else self.asks
        level = levels.get(-price_ticks if side is Side.BUY else price_ticks)
        return [] if level is None else [o for o in level.orders if o.resting]

    # -- changes ---------------------------------------------------------------------------

    def add(self, order: Order) -> None:
        """Queue ``order`` (resting, with a price) at the back of its level."""
        side = order.side
        price = order.price_ticks
        assert price is not None
        if side is Side.BUY:
            levels, key = self.bids, -price
        else:
            levels, key = self.asks, price
        level = levels.get(key)
        if level is None:
            level = Level()
            levels[key] = level
        level.orders.append(order)
        level.count += 1
        level.lots += order.leaves_lots
        self.seq += 1
        self.pending.append((side, price, level.lots))

    def reduce(self, order: Order, lots: int) -> None:
        """Take ``lots`` off the order's level (a fill or a size decrease that keeps priority)."""
        side = order.side
        price = order.price_ticks
        assert price is not None
        levels = self.bids if side is Side.BUY else self.asks
        key = -price if side is Side.BUY else price
        level = levels[key]
        level.lots -= lots
        self.seq += 1
        self.pending.append((side, price, level.lots))

    def unlink(self, order: Order, *, eager: bool = False) -> None:
        """Remove an order that has stopped resting (its ``resting`` flag is already False).

        The order's remaining size leaves the level total. With ``eager`` the queue entry is
        removed now (needed before the same order is queued again); otherwise lazily.
        """
        side = order.side
        price = order.price_ticks
        assert price is not None
        levels = self.bids if side is Side.BUY else self.asks
        key = -price if side is Side.BUY else price
        level = levels[key]
        level.lots -= order.leaves_lots
        level.count -= 1
        self.seq += 1
        self.pending.append((side, price, level.lots))
        if level.count == 0:
            del levels[key]
            return
        if eager:
            level.orders.remove(order)
        else:
            level.dead += 1
            if level.dead >= _COMPACT_AFTER and level.dead > level.count:
                level.compact()

    def pop_filled(self, order: Order) -> None:
        """Drop a maker that has just filled completely from the front of its level."""
        side = order.side
        price = order.price_ticks
        assert price is not None
        levels = self.bids if side is Side.BUY else self.asks
        key = -price if side is Side.BUY else price
        level = levels[key]
        level.orders.popleft()
        level.count -= 1
        if level.count == 0:
            del levels[key]

    def drain(self) -> tuple[tuple[Side, int, int], ...]:
        """Return and forget the level changes since the last drain, latest size per level."""
        if not self.pending:
            return ()
        latest: dict[tuple[Side, int], int] = {}
        for side, price, lots in self.pending:
            latest[(side, price)] = lots
        self.pending.clear()
        return tuple((side, price, lots) for (side, price), lots in latest.items())

    def clear(self) -> None:
        self.bids.clear()
        self.asks.clear()
        self.pending.clear()
