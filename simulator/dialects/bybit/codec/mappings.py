"""The core's vocabulary in Bybit's spelling: explicit tables that fail loudly.

Every core enum value that can reach the wire has an entry here. A value without one raises
:class:`UnmappedValue` instead of leaking a core name (or a guess) onto the wire, where a strict
client would reject it (Appendix A). Where the Bybit value depends on more than one core field
(order status, cancel type, time in force) the rule is a function over the order view, with its
reason in a comment.

Core values Bybit cannot express are deliberately absent: ``TimeInForce.GTD``,
``CancelReason.GTD_EXPIRED`` and ``OrderStatus.EXPIRED`` (Bybit v5 has no good-till-date orders;
the REST and WS entry points never create one, so a GTD order reaching the codec is a scenario
bug).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TypeVar

from simulator.core.enums import (
    CancelReason,
    InstrumentKind,
    InstrumentStatus,
    MarginMode,
    OptionKind,
    OrderStatus,
    OrderType,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.errors import RejectReason
from simulator.core.instruments import Instrument
from simulator.core.orders import OrderView

__all__ = [
    "CANCEL_TYPE",
    "CANCEL_TYPE_LIVE",
    "CATEGORY",
    "CONTRACT_TYPE",
    "INSTRUMENT_STATUS",
    "MARGIN_MODE",
    "OPTIONS_TYPE",
    "ORDER_STATUS",
    "ORDER_TYPE",
    "REJECT_REASON",
    "REJECT_REASON_NONE",
    "SIDE",
    "STOP_ORDER_TYPE",
    "TIME_IN_FORCE",
    "TRIGGER_BY",
    "TRIGGER_DIRECTION",
    "UnmappedValue",
    "cancel_type",
    "category",
    "contract_type",
    "create_type",
    "fee_coin",
    "instrument_status",
    "lookup",
    "margin_mode",
    "options_type",
    "order_status",
    "order_time_in_force",
    "order_type",
    "position_side",
    "reject_reason",
    "side",
    "stop_order_type",
    "trigger_by",
    "trigger_direction",
]

K = TypeVar("K")


class UnmappedValue(ValueError):
    """A core value has no Bybit spelling: the codec refuses to invent one."""


def lookup(table: Mapping[K, str | int], value: K, what: str) -> str | int:
    """``table[value]``, or :class:`UnmappedValue` naming ``what`` and the known values."""
    try:
        return table[value]
    except (KeyError, TypeError):
        known = ", ".join(sorted(str(k) for k in table))
        raise UnmappedValue(f"no Bybit {what} for {value!r} (mapped: {known})") from None


# -- instruments ------------------------------------------------------------------------------

#: §6.2 / Appendix A ``category``.
CATEGORY: dict[InstrumentKind, str] = {
    InstrumentKind.SPOT: "spot",
    InstrumentKind.LINEAR_PERPETUAL: "linear",
    InstrumentKind.LINEAR_FUTURE: "linear",
    InstrumentKind.INVERSE_PERPETUAL: "inverse",
    InstrumentKind.INVERSE_FUTURE: "inverse",
    InstrumentKind.OPTION: "option",
}

#: §6.2 ``contractType`` (strict enum); spot and options have none.
CONTRACT_TYPE: dict[InstrumentKind, str] = {
    InstrumentKind.LINEAR_PERPETUAL: "LinearPerpetual",
    InstrumentKind.LINEAR_FUTURE: "LinearFutures",
    InstrumentKind.INVERSE_PERPETUAL: "InversePerpetual",
    InstrumentKind.INVERSE_FUTURE: "InverseFutures",
}

#: Appendix A instrument ``status``: PreLaunch, Trading, Delivering, Closed. Bybit has no
#: "halted" status; a halted instrument is not tradable, and ``Closed`` is the listed value that
#: says so (clients only mark ``Trading`` instruments active). A settled one is ``Closed`` too.
INSTRUMENT_STATUS: dict[InstrumentStatus, str] = {
    InstrumentStatus.PRE_LAUNCH: "PreLaunch",
    InstrumentStatus.TRADING: "Trading",
    InstrumentStatus.HALTED: "Closed",
    InstrumentStatus.SETTLED: "Closed",
}

#: Appendix A ``optionsType``.
OPTIONS_TYPE: dict[OptionKind, str] = {OptionKind.CALL: "Call", OptionKind.PUT: "Put"}


def category(inst: Instrument) -> str:
    return CATEGORY[inst.kind]


def contract_type(inst: Instrument) -> str:
    return str(lookup(CONTRACT_TYPE, inst.kind, "contractType"))


def instrument_status(status: InstrumentStatus) -> str:
    return str(lookup(INSTRUMENT_STATUS, status, "instrument status"))


def options_type(kind: OptionKind | None) -> str:
    return str(lookup(OPTIONS_TYPE, kind, "optionsType"))


# -- sides and order fields ---------------------------------------------------------------------

SIDE: dict[Side, str] = {Side.BUY: "Buy", Side.SELL: "Sell"}

ORDER_TYPE: dict[OrderType, str] = {OrderType.MARKET: "Market", OrderType.LIMIT: "Limit"}

#: §6.13 ``timeInForce``; post-only and market orders are decided in :func:`order_time_in_force`.
TIME_IN_FORCE: dict[TimeInForce, str] = {
    TimeInForce.GTC: "GTC",
    TimeInForce.IOC: "IOC",
    TimeInForce.FOK: "FOK",
}

#: Rule 17 / Appendix A ``triggerBy``: ``""`` for plain orders (None).
TRIGGER_BY: dict[TriggerBy | None, str] = {
    None: "",
    TriggerBy.LAST: "LastPrice",
    TriggerBy.MARK: "MarkPrice",
    TriggerBy.INDEX: "IndexPrice",
}

#: Appendix A ``triggerDirection`` (int): 0 none, 1 rise, 2 fall.
TRIGGER_DIRECTION: dict[TriggerDirection | None, int] = {
    None: 0,
    TriggerDirection.RISE: 1,
    TriggerDirection.FALL: 2,
}

#: Rule 17 / §6.18 ``stopOrderType``: ``""`` for plain orders, never ``"UNKNOWN"``.
STOP_ORDER_TYPE: dict[StopKind | None, str] = {
    None: "",
    StopKind.STOP: "Stop",
    StopKind.TAKE_PROFIT: "TakeProfit",
    StopKind.STOP_LOSS: "StopLoss",
}

#: §6.10 account ``marginMode``.
MARGIN_MODE: dict[MarginMode, str] = {
    MarginMode.CROSS: "REGULAR_MARGIN",
    MarginMode.ISOLATED: "ISOLATED_MARGIN",
    MarginMode.PORTFOLIO: "PORTFOLIO_MARGIN",
}


def side(value: Side) -> str:
    return str(lookup(SIDE, value, "side"))


def position_side(size: Decimal) -> str:
    """Rule 21: ``Buy`` long, ``Sell`` short, ``""`` flat (never ``"None"``)."""
    if size > 0:
        return "Buy"
    if size < 0:
        return "Sell"
    return ""


def order_type(value: OrderType) -> str:
    return str(lookup(ORDER_TYPE, value, "orderType"))


def order_time_in_force(view: OrderView) -> str:
    """``PostOnly`` for post-only orders; ``IOC`` for market orders (§6.13: market orders are
    always IOC); else the order's own time in force."""
    if view.post_only:
        return "PostOnly"
    if view.order_type is OrderType.MARKET:
        return "IOC"
    return str(lookup(TIME_IN_FORCE, view.time_in_force, "timeInForce"))


def trigger_by(value: TriggerBy | None) -> str:
    return str(lookup(TRIGGER_BY, value, "triggerBy"))


def trigger_direction(value: TriggerDirection | None) -> int:
    return int(lookup(TRIGGER_DIRECTION, value, "triggerDirection"))


def stop_order_type(value: StopKind | None) -> str:
    return str(lookup(STOP_ORDER_TYPE, value, "stopOrderType"))


def margin_mode(value: MarginMode) -> str:
    return str(lookup(MARGIN_MODE, value, "marginMode"))


def fee_coin(view: OrderView) -> str:
    """The coin an order's fees are charged in: spot buyers pay in the base coin they receive,
    spot sellers in the quote coin; derivatives in the settle coin (docs/core.md, Fees)."""
    inst = view.instrument
    if inst.is_spot:
        return inst.base if view.side is Side.BUY else inst.quote
    return inst.settle


# -- order lifecycle ----------------------------------------------------------------------------

#: Appendix A ``orderStatus`` for the statuses that map one to one. ``CANCELLED``, ``EXPIRED``
#: and ``REJECTED`` depend on more than the status: see :func:`order_status`.
ORDER_STATUS: dict[OrderStatus, str] = {
    OrderStatus.UNTRIGGERED: "Untriggered",
    OrderStatus.TRIGGERED: "Triggered",
    OrderStatus.NEW: "New",
    OrderStatus.PARTIALLY_FILLED: "PartiallyFilled",
    OrderStatus.FILLED: "Filled",
    OrderStatus.DEACTIVATED: "Deactivated",
}

#: ``cancelType`` while an order has not been cancelled (§6.18: ``UNKNOWN`` while live).
CANCEL_TYPE_LIVE = "UNKNOWN"

#: ``cancelType`` per core cancel reason (§6.18, Appendix A "other documented values"). A
#: remainder the book could not fill (IOC, FOK, market) is not cancelled by anyone: Bybit leaves
#: ``cancelType`` at ``UNKNOWN`` and says why in ``rejectReason``.
CANCEL_TYPE: dict[CancelReason, str] = {
    CancelReason.USER: "CancelByUser",
    CancelReason.IOC_REMAINDER: CANCEL_TYPE_LIVE,
    CancelReason.FOK_NOT_FILLABLE: CANCEL_TYPE_LIVE,
    CancelReason.MARKET_NO_LIQUIDITY: CANCEL_TYPE_LIVE,
    CancelReason.REDUCE_ONLY: "CancelByReduceOnly",
    CancelReason.SETTLEMENT: "CancelBySettle",
    CancelReason.LIQUIDATION: "CancelAllBeforeLiq",
    CancelReason.INSTRUMENT_CLOSED: "CancelByAdmin",
}

#: ``rejectReason`` of an order nothing went wrong with.
REJECT_REASON_NONE = "EC_NoError"

#: ``rejectReason`` of a cancelled order, per cancel reason. Bybit reports a user cancel as
#: ``EC_PerCancelRequest`` and an unfillable remainder as ``EC_NoImmediateQtyToFill`` (§7.6).
_CANCEL_REJECT_REASON: dict[CancelReason, str] = {
    CancelReason.USER: "EC_PerCancelRequest",
    CancelReason.IOC_REMAINDER: "EC_NoImmediateQtyToFill",
    CancelReason.FOK_NOT_FILLABLE: "EC_NoImmediateQtyToFill",
    CancelReason.MARKET_NO_LIQUIDITY: "EC_NoImmediateQtyToFill",
    CancelReason.REDUCE_ONLY: REJECT_REASON_NONE,
    CancelReason.SETTLEMENT: REJECT_REASON_NONE,
    CancelReason.LIQUIDATION: REJECT_REASON_NONE,
    CancelReason.INSTRUMENT_CLOSED: "EC_InvalidSymbolStatus",
}

#: ``rejectReason`` of a rejected order, per core reject reason. Only orders that got an id
#: reach the wire as orders (post-only that would take; a triggered conditional that failed its
#: checks), but the table is total so that a new path cannot print a core name. Reasons without
#: a specific Bybit code are ``EC_Others``, Bybit's catch-all.
REJECT_REASON: dict[RejectReason, str] = {
    RejectReason.UNKNOWN_INSTRUMENT: "EC_Others",
    RejectReason.UNKNOWN_ACCOUNT: "EC_Others",
    RejectReason.INSTRUMENT_NOT_TRADING: "EC_InvalidSymbolStatus",
    RejectReason.INVALID_QUANTITY: "EC_Others",
    RejectReason.QUANTITY_BELOW_MIN: "EC_Others",
    RejectReason.QUANTITY_ABOVE_MAX: "EC_Others",
    RejectReason.QUANTITY_OFF_LOT: "EC_Others",
    RejectReason.INVALID_PRICE: "EC_LimitOrderInvalidPrice",
    RejectReason.PRICE_OFF_TICK: "EC_LimitOrderInvalidPrice",
    RejectReason.PRICE_REQUIRED: "EC_LimitOrderInvalidPrice",
    RejectReason.NOTIONAL_BELOW_MIN: "EC_Others",
    RejectReason.INVALID_TRIGGER: "EC_Others",
    RejectReason.INVALID_EXPIRE_TIME: "EC_Others",
    RejectReason.INVALID_ORDER: "EC_Others",
    RejectReason.INSUFFICIENT_BALANCE: "EC_Others",
    RejectReason.INSUFFICIENT_MARGIN: "EC_Others",
    RejectReason.POST_ONLY_WOULD_TAKE: "EC_PostOnlyWillTakeLiquidity",
    RejectReason.REDUCE_ONLY_WOULD_INCREASE: "EC_Others",
    RejectReason.REDUCE_ONLY_NOT_SUPPORTED: "EC_Others",
    RejectReason.DUPLICATE_CLIENT_ORDER_ID: "EC_DuplicatedClOrdID",
    RejectReason.ORDER_NOT_FOUND: "EC_OrigClOrdIDDoesNotExist",
    RejectReason.ORDER_CLOSED: "EC_TooLateToCancel",
    RejectReason.NOTHING_TO_AMEND: "EC_Others",
    RejectReason.TOO_MANY_OPEN_ORDERS: "EC_Others",
    RejectReason.POSITION_IDX_MISMATCH: "EC_Others",
    RejectReason.INVALID_LEVERAGE: "EC_Others",
    RejectReason.LEVERAGE_NOT_MODIFIED: "EC_Others",
    RejectReason.POSITION_MODE_NOT_MODIFIED: "EC_Others",
    RejectReason.POSITION_OR_ORDERS_EXIST: "EC_Others",
    RejectReason.MARGIN_MODE_NOT_MODIFIED: "EC_Others",
}


def order_status(view: OrderView) -> str:
    """Bybit ``orderStatus`` of an order view.

    * cancelled: ``Cancelled``, except a spot order that had filled in part, which Bybit reports
      as ``PartiallyFilledCanceled`` (§6.18; note the spelling);
    * rejected: a post-only order that would take is *accepted then cancelled* on Bybit (rule 20),
      so it reads ``Cancelled``; any other rejection is ``Rejected``.

    ``EXPIRED`` (a GTD order's venue-clock expiry) has no Bybit spelling: see the module docstring.
    """
    status = view.status
    mapped = ORDER_STATUS.get(status)
    if mapped is not None:
        return mapped
    if status is OrderStatus.CANCELLED:
        if view.instrument.is_spot and view.filled_lots:
            return "PartiallyFilledCanceled"
        return "Cancelled"
    if status is OrderStatus.REJECTED:
        if view.reject_reason is RejectReason.POST_ONLY_WOULD_TAKE:
            return "Cancelled"
        return "Rejected"
    raise UnmappedValue(f"no Bybit orderStatus for {status!r}")


def cancel_type(view: OrderView) -> str:
    """Bybit ``cancelType``: ``UNKNOWN`` unless the order was cancelled (or deactivated).

    A take-profit/stop-loss deactivated because its position closed reads
    ``CancelByTpSlTsClear``, Bybit's value for exactly that.
    """
    reason = view.cancel_reason
    if reason is None:
        return CANCEL_TYPE_LIVE
    if (
        reason is CancelReason.REDUCE_ONLY
        and view.close_on_trigger
        and view.status is OrderStatus.DEACTIVATED
    ):
        return "CancelByTpSlTsClear"
    return str(lookup(CANCEL_TYPE, reason, "cancelType"))


def reject_reason(view: OrderView) -> str:
    """Bybit ``rejectReason``: ``EC_NoError`` for live and filled orders, else why it closed."""
    if view.reject_reason is not None:
        return str(lookup(REJECT_REASON, view.reject_reason, "rejectReason"))
    if view.cancel_reason is not None:
        return str(lookup(_CANCEL_REJECT_REASON, view.cancel_reason, "rejectReason"))
    return REJECT_REASON_NONE


def create_type(view: OrderView) -> str:
    """Bybit ``createType`` (contract orders only): take-profit and stop-loss orders attached to
    a position are created by the venue (``CreateByTakeProfit``/``CreateByStopLoss``); every
    other order is ``CreateByUser``."""
    if view.close_on_trigger and view.stop_kind is StopKind.TAKE_PROFIT:
        return "CreateByTakeProfit"
    if view.close_on_trigger and view.stop_kind is StopKind.STOP_LOSS:
        return "CreateByStopLoss"
    return "CreateByUser"
