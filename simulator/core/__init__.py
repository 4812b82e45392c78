"""The venue core: instruments, books, matching, accounts, positions and time — pure and synchronous.

No I/O, no asyncio, no JSON and no wall-clock reads: an :class:`Exchange` is given a clock, an id
generator and (for synthetic flow) a seed, and the same commands always produce the same events.
Venue dialects translate their wire format to these commands and these events back to the wire.

Quick tour::

    ex = Exchange()                                   # virtual clock, sequential ids
    ex.add_instrument(Instrument(symbol="BTCUSDT", kind=InstrumentKind.LINEAR_PERPETUAL, ...))
    ex.add_account("alice", balances={"USDT": "10000"})
    ex.seed_book("linear:BTCUSDT", bids=[("29999.9", "1")], asks=[("30000.1", "1")])
    result = ex.place_order(NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.MARKET, "0.1"))
    ex.position("alice", "linear:BTCUSDT")
    ex.advance(8 * 3600)                              # funding fires on the virtual clock
"""

from __future__ import annotations

from simulator.core.accounts import Account, BalanceView
from simulator.core.clock import NS_PER_MS, NS_PER_S, Clock, SourceClock, VirtualClock
from simulator.core.commands import (
    AmendOrder,
    CancelAll,
    CancelAllResult,
    CancelOrder,
    NewOrder,
    OrderResult,
    Result,
)
from simulator.core.enums import (
    AccountKind,
    CancelReason,
    InstrumentKind,
    InstrumentStatus,
    LedgerKind,
    LiquiditySide,
    MarginMode,
    OptionKind,
    OrderStatus,
    OrderType,
    PositionMode,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.errors import CoreUsageError, RejectReason
from simulator.core.events import (
    BalanceChanged,
    BookChanged,
    Event,
    Fill,
    FundingApplied,
    IndexPriceChanged,
    InstrumentSettled,
    InstrumentStatusChanged,
    MarkPriceChanged,
    OrderAccepted,
    OrderAmended,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderTriggered,
    PositionChanged,
    PositionLiquidated,
    TradeOccurred,
)
from simulator.core.exchange import FEES_ACCOUNT, INSURANCE_ACCOUNT, Exchange
from simulator.core.flow import FlowConfig, SyntheticFlow
from simulator.core.ids import IdGenerator, SeededIds, SequentialIds
from simulator.core.instruments import Instrument
from simulator.core.orders import OrderView
from simulator.core.positions import PositionView
from simulator.core.queries import BookSnapshot
from simulator.core.setup import MARKET_ACCOUNT, TAKER_ACCOUNT

__all__ = [
    "FEES_ACCOUNT",
    "INSURANCE_ACCOUNT",
    "MARKET_ACCOUNT",
    "NS_PER_MS",
    "NS_PER_S",
    "TAKER_ACCOUNT",
    "Account",
    "AccountKind",
    "AmendOrder",
    "BalanceChanged",
    "BalanceView",
    "BookChanged",
    "BookSnapshot",
    "CancelAll",
    "CancelAllResult",
    "CancelOrder",
    "CancelReason",
    "Clock",
    "CoreUsageError",
    "Event",
    "Exchange",
    "Fill",
    "FlowConfig",
    "FundingApplied",
    "IdGenerator",
    "IndexPriceChanged",
    "Instrument",
    "InstrumentKind",
    "InstrumentSettled",
    "InstrumentStatus",
    "InstrumentStatusChanged",
    "LedgerKind",
    "LiquiditySide",
    "MarginMode",
    "MarkPriceChanged",
    "NewOrder",
    "OptionKind",
    "OrderAccepted",
    "OrderAmended",
    "OrderCancelled",
    "OrderExpired",
    "OrderFilled",
    "OrderRejected",
    "OrderResult",
    "OrderStatus",
    "OrderTriggered",
    "OrderType",
    "OrderView",
    "PositionChanged",
    "PositionLiquidated",
    "PositionMode",
    "PositionView",
    "RejectReason",
    "Result",
    "SeededIds",
    "SequentialIds",
    "Side",
    "SourceClock",
    "StopKind",
    "SyntheticFlow",
    "TimeInForce",
    "TradeOccurred",
    "TriggerBy",
    "TriggerDirection",
    "VirtualClock",
]
