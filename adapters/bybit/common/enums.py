"""Bybit enums exactly as they appear on the wire (Appendix A of the wire reference).

Each member's value is the venue's string (or int), so ``BybitOrderSide("Buy")`` decodes and
``.value`` encodes. Unknown values raise ``ValueError``: a new venue value should fail loudly in
parsing rather than be guessed at. Mappings to and from the normalized model live in
:mod:`adapters.bybit.common.mappings`.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

__all__ = [
    "BybitAccountType",
    "BybitCancelType",
    "BybitContractType",
    "BybitExecType",
    "BybitInstrumentStatus",
    "BybitKlineInterval",
    "BybitOptionType",
    "BybitOrderSide",
    "BybitOrderStatus",
    "BybitOrderType",
    "BybitPositionIdx",
    "BybitPositionSide",
    "BybitProductType",
    "BybitStopOrderType",
    "BybitTimeInForce",
    "BybitTpSlMode",
    "BybitTriggerDirection",
    "BybitTriggerType",
]


class BybitProductType(StrEnum):
    """The ``category`` parameter: one per product family."""

    SPOT = "spot"
    LINEAR = "linear"
    INVERSE = "inverse"
    OPTION = "option"


class BybitOrderSide(StrEnum):
    """Order/execution/trade side; ``""`` is used on flat positions and some system executions."""

    UNKNOWN = ""
    BUY = "Buy"
    SELL = "Sell"


class BybitPositionSide(StrEnum):
    """Position side: ``""`` when flat (never ``"None"``, §0.4 rule 21)."""

    FLAT = ""
    BUY = "Buy"
    SELL = "Sell"


class BybitOrderType(StrEnum):
    """``orderType``: conditional orders are Market/Limit with a ``triggerPrice``."""

    MARKET = "Market"
    LIMIT = "Limit"
    UNKNOWN = "UNKNOWN"


class BybitTimeInForce(StrEnum):
    """``timeInForce``; post-only is a TIF on Bybit, not a flag."""

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    POST_ONLY = "PostOnly"


class BybitOrderStatus(StrEnum):
    """``orderStatus``; note the venue's spellings ``Cancelled`` vs ``PartiallyFilledCanceled``."""

    CREATED = "Created"
    NEW = "New"
    REJECTED = "Rejected"
    PARTIALLY_FILLED = "PartiallyFilled"
    PARTIALLY_FILLED_CANCELED = "PartiallyFilledCanceled"
    FILLED = "Filled"
    CANCELED = "Cancelled"
    UNTRIGGERED = "Untriggered"
    TRIGGERED = "Triggered"
    DEACTIVATED = "Deactivated"


class BybitTriggerType(StrEnum):
    """``triggerBy`` / ``tpTriggerBy`` / ``slTriggerBy``; ``""`` when unused."""

    NONE = ""
    LAST_PRICE = "LastPrice"
    INDEX_PRICE = "IndexPrice"
    MARK_PRICE = "MarkPrice"


class BybitTriggerDirection(IntEnum):
    """``triggerDirection``: 1 triggers when the price rises to the trigger, 2 when it falls."""

    NONE = 0
    RISES_TO = 1
    FALLS_TO = 2


class BybitPositionIdx(IntEnum):
    """``positionIdx``: 0 one-way mode, 1/2 the buy/sell side in hedge mode."""

    ONE_WAY = 0
    BUY_HEDGE = 1
    SELL_HEDGE = 2


class BybitStopOrderType(StrEnum):
    """``stopOrderType``: ``""`` for plain orders (§0.4 rule 17)."""

    NONE = ""
    UNKNOWN = "UNKNOWN"
    TAKE_PROFIT = "TakeProfit"
    STOP_LOSS = "StopLoss"
    TRAILING_STOP = "TrailingStop"
    STOP = "Stop"
    PARTIAL_TAKE_PROFIT = "PartialTakeProfit"
    PARTIAL_STOP_LOSS = "PartialStopLoss"
    TPSL_ORDER = "tpslOrder"
    OCO_ORDER = "OcoOrder"
    MM_RATE_CLOSE = "MmRateClose"
    BIDIRECTIONAL_TPSL_ORDER = "BidirectionalTpslOrder"


class BybitTpSlMode(StrEnum):
    """``tpslMode``; present (even ``""``) on contract orders only."""

    NONE = ""
    FULL = "Full"
    PARTIAL = "Partial"


class BybitExecType(StrEnum):
    """``execType`` of an execution."""

    TRADE = "Trade"
    ADL_TRADE = "AdlTrade"
    FUNDING = "Funding"
    BUST_TRADE = "BustTrade"
    DELIVERY = "Delivery"
    SETTLE = "Settle"
    BLOCK_TRADE = "BlockTrade"
    MOVE_POSITION = "MovePosition"
    UNKNOWN = "UNKNOWN"


class BybitCancelType(StrEnum):
    """``cancelType`` (the documented values clients act on; others parse as ``OTHER`` via mapping)."""

    UNKNOWN = "UNKNOWN"
    CANCEL_BY_USER = "CancelByUser"
    CANCEL_BY_REDUCE_ONLY = "CancelByReduceOnly"
    CANCEL_ALL_BEFORE_LIQ = "CancelAllBeforeLiq"
    CANCEL_BY_SMP = "CancelBySmp"


class BybitContractType(StrEnum):
    """``contractType`` of linear/inverse instruments."""

    LINEAR_PERPETUAL = "LinearPerpetual"
    LINEAR_FUTURES = "LinearFutures"
    INVERSE_PERPETUAL = "InversePerpetual"
    INVERSE_FUTURES = "InverseFutures"


class BybitOptionType(StrEnum):
    """``optionsType`` of option instruments."""

    CALL = "Call"
    PUT = "Put"


class BybitInstrumentStatus(StrEnum):
    """Instrument ``status``; only ``Trading`` is tradeable."""

    PRE_LAUNCH = "PreLaunch"
    TRADING = "Trading"
    DELIVERING = "Delivering"
    CLOSED = "Closed"


class BybitAccountType(StrEnum):
    """``accountType`` of wallet-balance; the adapter targets unified accounts (§6.11)."""

    UNIFIED = "UNIFIED"
    CONTRACT = "CONTRACT"
    SPOT = "SPOT"


class BybitKlineInterval(StrEnum):
    """Kline ``interval`` values (§6.6, §7.5)."""

    MINUTE_1 = "1"
    MINUTE_3 = "3"
    MINUTE_5 = "5"
    MINUTE_15 = "15"
    MINUTE_30 = "30"
    HOUR_1 = "60"
    HOUR_2 = "120"
    HOUR_4 = "240"
    HOUR_6 = "360"
    HOUR_12 = "720"
    DAY_1 = "D"
    WEEK_1 = "W"
    MONTH_1 = "M"
