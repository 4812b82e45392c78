"""Enumerations of the model, with NautilusTrader's names and integer values.

Every enum's ``repr`` is ``Type.MEMBER`` so model reprs paste back into Python. ``RecordFlag``
is an ``IntFlag`` (book-delta flags combine: ``F_SNAPSHOT | F_LAST``).
"""

from __future__ import annotations

import enum

from adapters.model.objects import CurrencyType

__all__ = [
    "AccountType",
    "AggregationSource",
    "AggressorSide",
    "AssetClass",
    "BarAggregation",
    "BookAction",
    "BookType",
    "ContingencyType",
    "CurrencyType",
    "InstrumentClass",
    "InstrumentCloseType",
    "LiquiditySide",
    "MarketStatus",
    "MarketStatusAction",
    "OmsType",
    "OptionKind",
    "OrderSide",
    "OrderStatus",
    "OrderType",
    "PositionSide",
    "PriceType",
    "RecordFlag",
    "TimeInForce",
    "TrailingOffsetType",
    "TriggerType",
]


class _ModelEnum(enum.Enum):
    """Base: ``repr`` is ``Type.MEMBER``, ``str`` is the member name."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    def __str__(self) -> str:
        return self.name


class OrderSide(_ModelEnum):
    NO_ORDER_SIDE = 0
    BUY = 1
    SELL = 2


class OrderType(_ModelEnum):
    MARKET = 1
    LIMIT = 2
    STOP_MARKET = 3
    STOP_LIMIT = 4
    MARKET_TO_LIMIT = 5
    MARKET_IF_TOUCHED = 6
    LIMIT_IF_TOUCHED = 7
    TRAILING_STOP_MARKET = 8
    TRAILING_STOP_LIMIT = 9


class TimeInForce(_ModelEnum):
    GTC = 1
    IOC = 2
    FOK = 3
    GTD = 4
    DAY = 5
    AT_THE_OPEN = 6
    AT_THE_CLOSE = 7


class TriggerType(_ModelEnum):
    NO_TRIGGER = 0
    DEFAULT = 1
    LAST_PRICE = 2
    MARK_PRICE = 3
    INDEX_PRICE = 4
    BID_ASK = 5
    DOUBLE_LAST = 6
    DOUBLE_BID_ASK = 7
    LAST_OR_BID_ASK = 8
    MID_POINT = 9


class TrailingOffsetType(_ModelEnum):
    NO_TRAILING_OFFSET = 0
    PRICE = 1
    BASIS_POINTS = 2
    TICKS = 3
    PRICE_TIER = 4


class ContingencyType(_ModelEnum):
    NO_CONTINGENCY = 0
    OCO = 1
    OTO = 2
    OUO = 3


class OrderStatus(_ModelEnum):
    INITIALIZED = 1
    DENIED = 2
    EMULATED = 3
    RELEASED = 4
    SUBMITTED = 5
    ACCEPTED = 6
    REJECTED = 7
    CANCELED = 8
    EXPIRED = 9
    TRIGGERED = 10
    PENDING_UPDATE = 11
    PENDING_CANCEL = 12
    PARTIALLY_FILLED = 13
    FILLED = 14

    @property
    def is_open(self) -> bool:
        """Whether an order in this status can still trade or be canceled."""
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset(
    {
        OrderStatus.SUBMITTED,
        OrderStatus.ACCEPTED,
        OrderStatus.TRIGGERED,
        OrderStatus.PENDING_UPDATE,
        OrderStatus.PENDING_CANCEL,
        OrderStatus.PARTIALLY_FILLED,
    }
)


class LiquiditySide(_ModelEnum):
    NO_LIQUIDITY_SIDE = 0
    MAKER = 1
    TAKER = 2


class AggressorSide(_ModelEnum):
    NO_AGGRESSOR = 0
    BUYER = 1
    SELLER = 2


class PositionSide(_ModelEnum):
    NO_POSITION_SIDE = 0
    FLAT = 1
    LONG = 2
    SHORT = 3


class BookAction(_ModelEnum):
    ADD = 1
    UPDATE = 2
    DELETE = 3
    CLEAR = 4


class BookType(_ModelEnum):
    L1_MBP = 1
    L2_MBP = 2
    L3_MBO = 3


class RecordFlag(enum.IntFlag):
    """Flags on order book records. ``F_LAST`` ends an event; ``F_SNAPSHOT`` marks snapshot records."""

    F_MBP = 16
    F_SNAPSHOT = 32
    F_TOPOF = 64
    F_LAST = 128

    def __repr__(self) -> str:
        if self._name_ is not None and "|" not in self._name_:
            return f"RecordFlag.{self._name_}"
        # Combinations and zero paste back as a constructor call on the integer.
        return f"RecordFlag({int(self)})"


class PriceType(_ModelEnum):
    BID = 1
    ASK = 2
    MID = 3
    LAST = 4
    MARK = 5


class BarAggregation(_ModelEnum):
    TICK = 1
    VOLUME = 4
    VALUE = 7
    MILLISECOND = 10
    SECOND = 11
    MINUTE = 12
    HOUR = 13
    DAY = 14
    WEEK = 15
    MONTH = 16


class AggregationSource(_ModelEnum):
    EXTERNAL = 1
    INTERNAL = 2


class MarketStatus(_ModelEnum):
    OPEN = 1
    CLOSED = 2
    PAUSED = 3
    SUSPENDED = 5
    NOT_AVAILABLE = 6


class MarketStatusAction(_ModelEnum):
    NONE = 0
    PRE_OPEN = 1
    PRE_CROSS = 2
    QUOTING = 3
    CROSS = 4
    ROTATION = 5
    NEW_PRICE_INDICATION = 6
    TRADING = 7
    HALT = 8
    PAUSE = 9
    SUSPEND = 10
    PRE_CLOSE = 11
    CLOSE = 12
    POST_CLOSE = 13
    SHORT_SELL_RESTRICTION_CHANGE = 14
    NOT_AVAILABLE_FOR_TRADING = 15


class InstrumentCloseType(_ModelEnum):
    END_OF_SESSION = 1
    CONTRACT_EXPIRED = 2


class OptionKind(_ModelEnum):
    CALL = 1
    PUT = 2


class AssetClass(_ModelEnum):
    FX = 1
    EQUITY = 2
    COMMODITY = 3
    DEBT = 4
    INDEX = 5
    CRYPTOCURRENCY = 6
    ALTERNATIVE = 7


class InstrumentClass(_ModelEnum):
    SPOT = 1
    SWAP = 2
    FUTURE = 3
    FUTURES_SPREAD = 4
    FORWARD = 5
    CFD = 6
    BOND = 7
    OPTION = 8
    OPTION_SPREAD = 9
    WARRANT = 10
    SPORTS_BETTING = 11
    BINARY_OPTION = 12


class AccountType(_ModelEnum):
    CASH = 1
    MARGIN = 2
    BETTING = 3


class OmsType(_ModelEnum):
    UNSPECIFIED = 0
    NETTING = 1
    HEDGING = 2
