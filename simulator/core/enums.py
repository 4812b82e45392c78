"""The core's vocabulary: sides, order kinds, lifecycles and reasons.

Every enum here is venue-neutral. A dialect maps each value to its venue's spelling with an
explicit table, so an unmapped value fails loudly instead of leaking the core's names onto the
wire.
"""

from __future__ import annotations

from enum import Enum, IntEnum

__all__ = [
    "AccountKind",
    "CancelReason",
    "InstrumentKind",
    "InstrumentStatus",
    "LedgerKind",
    "LiquiditySide",
    "MarginMode",
    "OptionKind",
    "OrderStatus",
    "OrderType",
    "PositionMode",
    "Side",
    "StopKind",
    "TimeInForce",
    "TriggerBy",
    "TriggerDirection",
]


class Side(IntEnum):
    """Order side. The value is the sign a fill applies to a position."""

    BUY = 1
    SELL = -1

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(Enum):
    MARKET = "market"
    LIMIT = "limit"


class TimeInForce(Enum):
    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    #: Good till date: the order expires on the venue clock at ``expire_ns``.
    GTD = "gtd"


class TriggerBy(Enum):
    """Which reference price a conditional order watches."""

    LAST = "last"
    MARK = "mark"
    INDEX = "index"


class TriggerDirection(IntEnum):
    """A conditional order fires when the reference price rises to, or falls to, its trigger."""

    RISE = 1
    FALL = 2


class StopKind(Enum):
    """What a conditional order is for; the matching rule is the same, venues label them apart."""

    STOP = "stop"
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"


class OrderStatus(Enum):
    UNTRIGGERED = "untriggered"
    TRIGGERED = "triggered"
    NEW = "new"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    #: A conditional order cancelled before it triggered.
    DEACTIVATED = "deactivated"

    @property
    def is_open(self) -> bool:
        return self in _OPEN_STATUSES

    def can_become(self, other: OrderStatus) -> bool:
        return other in _TRANSITIONS[self]


_OPEN_STATUSES = frozenset(
    {OrderStatus.UNTRIGGERED, OrderStatus.TRIGGERED, OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED}
)
_CLOSED = frozenset()
# The order lifecycle as a checked state machine (house rule 2). NEW -> NEW is an amend.
_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.UNTRIGGERED: frozenset(
        {
            OrderStatus.UNTRIGGERED,
            OrderStatus.TRIGGERED,
            OrderStatus.DEACTIVATED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.TRIGGERED: frozenset(
        {
            OrderStatus.NEW,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELLED,
            OrderStatus.REJECTED,
        }
    ),
    # NEW -> REJECTED: an order refused on acceptance (a post-only order that would take).
    OrderStatus.NEW: frozenset(
        {
            OrderStatus.NEW,
            OrderStatus.REJECTED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.PARTIALLY_FILLED: frozenset(
        {
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.FILLED,
            OrderStatus.CANCELLED,
            OrderStatus.EXPIRED,
        }
    ),
    OrderStatus.FILLED: _CLOSED,
    OrderStatus.CANCELLED: _CLOSED,
    OrderStatus.EXPIRED: _CLOSED,
    OrderStatus.REJECTED: _CLOSED,
    OrderStatus.DEACTIVATED: _CLOSED,
}


class CancelReason(Enum):
    """Why an accepted order left the book without filling completely."""

    USER = "user"
    IOC_REMAINDER = "ioc_remainder"
    FOK_NOT_FILLABLE = "fok_not_fillable"
    MARKET_NO_LIQUIDITY = "market_no_liquidity"
    REDUCE_ONLY = "reduce_only"
    GTD_EXPIRED = "gtd_expired"
    SETTLEMENT = "settlement"
    LIQUIDATION = "liquidation"
    INSTRUMENT_CLOSED = "instrument_closed"


class LiquiditySide(Enum):
    MAKER = "maker"
    TAKER = "taker"


class InstrumentKind(Enum):
    SPOT = "spot"
    LINEAR_PERPETUAL = "linear_perpetual"
    INVERSE_PERPETUAL = "inverse_perpetual"
    LINEAR_FUTURE = "linear_future"
    INVERSE_FUTURE = "inverse_future"
    OPTION = "option"


class InstrumentStatus(Enum):
    PRE_LAUNCH = "pre_launch"
    TRADING = "trading"
    HALTED = "halted"
    SETTLED = "settled"


class OptionKind(Enum):
    CALL = "call"
    PUT = "put"


class PositionMode(Enum):
    #: One position per instrument (position index 0).
    ONE_WAY = "one_way"
    #: A long (index 1) and a short (index 2) position per instrument.
    HEDGE = "hedge"


class MarginMode(Enum):
    CROSS = "cross"
    ISOLATED = "isolated"
    PORTFOLIO = "portfolio"


class AccountKind(Enum):
    #: A trader: every order is checked against balance and margin.
    USER = "user"
    #: The rest of the market (scripted liquidity, synthetic flow): never margin-checked, so its
    #: balances may go negative. It exists so that every trade has a real counterparty and the
    #: books balance.
    PARTICIPANT = "participant"
    #: The venue's fee income.
    FEES = "fees"
    #: Takes over liquidated positions and covers bad debt.
    INSURANCE = "insurance"


class LedgerKind(Enum):
    """Every cash flow that changes a wallet balance is booked under one of these."""

    DEPOSIT = "deposit"
    SPOT_TRADE = "spot_trade"
    REALIZED_PNL = "realized_pnl"
    FEE = "fee"
    FUNDING = "funding"
    PREMIUM = "premium"
    SETTLEMENT = "settlement"
    BAD_DEBT = "bad_debt"
    #: Coins lent to the account (spot margin); the liability is ``Account.borrowed``.
    BORROW = "borrow"
