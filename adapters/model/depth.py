"""``OrderBookDepth10``: the top ten levels of both sides of a book in one record.

Mirrors NautilusTrader's ``OrderBookDepth10``: exactly ten bids (best first, descending price)
and ten asks (best first, ascending), each padded with null levels (``OrderSide.NO_ORDER_SIDE``,
price and size 0) when the book holds fewer, plus the number of orders at each level
(``bid_counts``/``ask_counts``, 0 for padding; venues that publish aggregated levels give 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model.data import BookOrder
from adapters.model.enums import OrderSide
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import InstrumentId
from adapters.model.objects import Price, Quantity

__all__ = ["DEPTH10_LEVELS", "OrderBookDepth10"]

#: Levels per side of an OrderBookDepth10.
DEPTH10_LEVELS: Final = 10


def _null_order(price_precision: int, size_precision: int) -> BookOrder:
    return BookOrder(OrderSide.NO_ORDER_SIDE, Price(0, price_precision), Quantity(0, size_precision))


@dataclass(frozen=True, slots=True)
class OrderBookDepth10:
    """Ten bid and ten ask levels (padded), with per-level order counts.

    Build one from fewer levels with :meth:`from_levels`.
    """

    instrument_id: InstrumentId
    bids: tuple[BookOrder, ...]
    asks: tuple[BookOrder, ...]
    bid_counts: tuple[int, ...]
    ask_counts: tuple[int, ...]
    flags: int
    sequence: int
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, a side without exactly ten levels, a level on the
        wrong side, prices out of order, or a count that does not match its level."""
        check_type("OrderBookDepth10", "instrument_id", self.instrument_id, InstrumentId)
        check_type("OrderBookDepth10", "flags", self.flags, int)
        check_type("OrderBookDepth10", "sequence", self.sequence, int)
        check_ts("OrderBookDepth10", ts_event=self.ts_event, ts_init=self.ts_init)
        for name, side, descending in (("bids", OrderSide.BUY, True), ("asks", OrderSide.SELL, False)):
            levels = freeze_tuple(self, name)
            counts = freeze_tuple(self, f"{name[:3]}_counts")
            if len(levels) != DEPTH10_LEVELS or len(counts) != DEPTH10_LEVELS:
                raise ModelValueError(
                    f"OrderBookDepth10.{name} needs exactly {DEPTH10_LEVELS} levels and counts "
                    f"(got {len(levels)} and {len(counts)}); use OrderBookDepth10.from_levels to pad"
                )
            real = [level for level in levels if level.side is not OrderSide.NO_ORDER_SIDE]
            for level, count in zip(levels, counts, strict=True):
                check_type("OrderBookDepth10", f"{name}[]", level, BookOrder)
                check_type("OrderBookDepth10", f"{name[:3]}_counts[]", count, int)
                is_null = level.side is OrderSide.NO_ORDER_SIDE
                if not is_null and level.side is not side:
                    raise ModelValueError(f"OrderBookDepth10.{name} holds a {level.side.name} level")
                if count < 0 or (is_null and count != 0):
                    raise ModelValueError(f"OrderBookDepth10.{name[:3]}_counts: {count} for {level!r}")
            if levels[: len(real)] != tuple(real):
                raise ModelValueError(f"OrderBookDepth10.{name}: padding must come after the real levels")
            prices = [level.price for level in real]
            if prices != sorted(prices, reverse=descending) or len(set(prices)) != len(prices):
                raise ModelValueError(f"OrderBookDepth10.{name} must be best first with distinct prices")

    @classmethod
    def from_levels(
        cls,
        instrument_id: InstrumentId,
        bids: Sequence[BookOrder],
        asks: Sequence[BookOrder],
        *,
        price_precision: int,
        size_precision: int,
        flags: int,
        sequence: int,
        ts_event: int,
        ts_init: int,
        bid_counts: Sequence[int] | None = None,
        ask_counts: Sequence[int] | None = None,
    ) -> OrderBookDepth10:
        """The best ten levels of each side (more are cut), padded with null levels.

        Parameters:
            bids / asks: levels best first.
            price_precision / size_precision: of the padding levels (the instrument's).
            bid_counts / ask_counts: orders per level (1 per level when None).

        Raises:
            ModelValueError: as the constructor.
        """
        null = _null_order(price_precision, size_precision)

        def side(levels: Sequence[BookOrder], counts: Sequence[int] | None) -> tuple[tuple, tuple]:
            kept = list(levels[:DEPTH10_LEVELS])
            given = list(counts[:DEPTH10_LEVELS]) if counts is not None else [1] * len(kept)
            pad = DEPTH10_LEVELS - len(kept)
            return tuple(kept + [null] * pad), tuple(given + [0] * pad)

        bid_levels, bid_n = side(bids, bid_counts)
        ask_levels, ask_n = side(asks, ask_counts)
        return cls(instrument_id, bid_levels, ask_levels, bid_n, ask_n, flags, sequence, ts_event, ts_init)

    def real_bids(self) -> tuple[BookOrder, ...]:
        """The bid levels without padding."""
        return tuple(level for level in self.bids if level.side is not OrderSide.NO_ORDER_SIDE)

    def real_asks(self) -> tuple[BookOrder, ...]:
        """The ask levels without padding."""
        return tuple(level for level in self.asks if level.side is not OrderSide.NO_ORDER_SIDE)
