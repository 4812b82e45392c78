"""What changes about an instrument during a session: status, reference prices, book, trades."""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from typing import NamedTuple

from simulator.core.book import OrderBook
from simulator.core.enums import InstrumentStatus, Side, TriggerBy
from simulator.core.instruments import Instrument
from simulator.core.orders import Order
from simulator.core.positions import Position

__all__ = ["MarketState", "TradeRecord"]

#: Public trades each market remembers (the venue's recent-trades endpoint reads these).
TRADE_HISTORY_LIMIT = 1_000


class TradeRecord(NamedTuple):
    trade_id: str
    ts_ns: int
    price: Decimal
    qty: Decimal
    aggressor: Side


class MarketState:
    __slots__ = (
        "book",
        "conditionals",
        "funding_history",
        "funding_rate",
        "holders",
        "index_price",
        "instrument",
        "last_price",
        "mark_price",
        "next_funding_ns",
        "settlement_price",
        "status",
        "trades",
    )

    def __init__(self, instrument: Instrument, status: InstrumentStatus) -> None:
        self.instrument = instrument
        self.status = status
        self.book = OrderBook()
        self.last_price: Decimal | None = None
        self.mark_price: Decimal | None = None
        self.index_price: Decimal | None = None
        self.funding_rate = Decimal("0.0001")
        self.next_funding_ns: int | None = None
        #: Overrides the index as the price dated instruments settle at, when set.
        self.settlement_price: Decimal | None = None
        self.trades: deque[TradeRecord] = deque(maxlen=TRADE_HISTORY_LIMIT)
        self.funding_history: list[tuple[int, Decimal]] = []
        #: Untriggered conditional orders watching this market.
        self.conditionals: list[Order] = []
        #: Open positions on this instrument, by (account id, position index).
        self.holders: dict[tuple[str, int], Position] = {}

    def reference_price(self, by: TriggerBy) -> Decimal | None:
        if by is TriggerBy.MARK:
            return self.mark_price if self.mark_price is not None else self.last_price
        if by is TriggerBy.INDEX:
            return self.index_price if self.index_price is not None else self.mark_price
        return self.last_price

    def valuation_price(self) -> Decimal | None:
        """The price positions are marked at: mark, else last trade."""
        return self.mark_price if self.mark_price is not None else self.last_price
