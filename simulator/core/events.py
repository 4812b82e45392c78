"""Typed events: every state change in the exchange emits one.

Each event carries ``seq`` (strictly increasing across the exchange) and ``ts_ns`` (the venue
clock). Order events carry an immutable :class:`~simulator.core.orders.OrderView` taken at the
moment of the event. Balance and position events are emitted once per (account, coin) and
(account, position) at the end of the command that changed them, the way venues push them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple, Union

from simulator.core.accounts import BalanceView
from simulator.core.enums import CancelReason, InstrumentStatus, LiquiditySide, Side
from simulator.core.errors import RejectReason
from simulator.core.instruments import Instrument
from simulator.core.orders import OrderView
from simulator.core.positions import PositionView

__all__ = [
    "BalanceChanged",
    "BookChanged",
    "Event",
    "Fill",
    "FundingApplied",
    "IndexPriceChanged",
    "InstrumentSettled",
    "InstrumentStatusChanged",
    "MarkPriceChanged",
    "OrderAccepted",
    "OrderAmended",
    "OrderCancelled",
    "OrderExpired",
    "OrderFilled",
    "OrderRejected",
    "OrderTriggered",
    "PositionChanged",
    "PositionLiquidated",
    "TradeOccurred",
]


class Fill(NamedTuple):
    trade_id: str
    order_id: str
    client_order_id: str
    account_id: str
    instrument_id: str
    side: Side
    price: Decimal
    qty: Decimal
    #: Value in the settle coin (quote coin for spot).
    value: Decimal
    fee: Decimal
    fee_coin: str
    fee_rate: Decimal
    liquidity: LiquiditySide
    #: PnL realized by the part of this fill that reduced a position.
    realized_pnl: Decimal
    closed_qty: Decimal
    mark_price: Decimal | None
    index_price: Decimal | None
    ts_ns: int


class OrderAccepted(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView


class OrderRejected(NamedTuple):
    seq: int
    ts_ns: int
    account_id: str
    instrument_id: str
    client_order_id: str
    reason: RejectReason
    message: str
    #: Set when the order got an id before it was rejected (post-only, failed trigger).
    order: OrderView | None


class OrderAmended(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView


class OrderCancelled(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView
    reason: CancelReason


class OrderExpired(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView


class OrderTriggered(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView


class OrderFilled(NamedTuple):
    seq: int
    ts_ns: int
    order: OrderView
    fill: Fill


class TradeOccurred(NamedTuple):
    seq: int
    ts_ns: int
    instrument_id: str
    trade_id: str
    price: Decimal
    qty: Decimal
    aggressor: Side


class BookChanged(NamedTuple):
    """Level changes of one book during one command: ``(side, price_ticks, lots)``, lots 0 = gone."""

    seq: int
    ts_ns: int
    instrument: Instrument
    book_seq: int
    changes: tuple[tuple[Side, int, int], ...]


class PositionChanged(NamedTuple):
    seq: int
    ts_ns: int
    position: PositionView


class BalanceChanged(NamedTuple):
    seq: int
    ts_ns: int
    balance: BalanceView


class FundingApplied(NamedTuple):
    seq: int
    ts_ns: int
    account_id: str
    instrument_id: str
    position_idx: int
    rate: Decimal
    mark_price: Decimal
    size: Decimal
    #: Received by the account (negative when paid).
    amount: Decimal


class MarkPriceChanged(NamedTuple):
    seq: int
    ts_ns: int
    instrument_id: str
    price: Decimal


class IndexPriceChanged(NamedTuple):
    seq: int
    ts_ns: int
    instrument_id: str
    price: Decimal


class InstrumentStatusChanged(NamedTuple):
    seq: int
    ts_ns: int
    instrument_id: str
    status: InstrumentStatus


class InstrumentSettled(NamedTuple):
    seq: int
    ts_ns: int
    instrument_id: str
    price: Decimal


class PositionLiquidated(NamedTuple):
    seq: int
    ts_ns: int
    account_id: str
    instrument_id: str
    position_idx: int
    size: Decimal
    price: Decimal


Event = Union[  # noqa: UP007 (a runtime alias: `|` over 17 classes reads worse)
    OrderAccepted,
    OrderRejected,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    OrderTriggered,
    OrderFilled,
    TradeOccurred,
    BookChanged,
    PositionChanged,
    BalanceChanged,
    FundingApplied,
    MarkPriceChanged,
    IndexPriceChanged,
    InstrumentStatusChanged,
    InstrumentSettled,
    PositionLiquidated,
]
