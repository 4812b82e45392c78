"""Explicit two-way mappings between Bybit's wire enums and the normalized model's enums.

Every mapping is a ``match`` with one arm per value, so a new value on either side is a visible
gap (it raises) rather than a silent default. Model values the venue cannot express raise
:class:`UnsupportedByVenue`; the execution client turns that into ``OrderDenied`` before anything
is sent. Also here: the instrument-id convention (``BTCUSDT-LINEAR.BYBIT``).
"""

from __future__ import annotations

from adapters.bybit.common.consts import BYBIT
from adapters.bybit.common.enums import (
    BybitKlineInterval,
    BybitOptionType,
    BybitOrderSide,
    BybitOrderStatus,
    BybitOrderType,
    BybitPositionSide,
    BybitProductType,
    BybitStopOrderType,
    BybitTimeInForce,
    BybitTriggerDirection,
    BybitTriggerType,
)
from adapters.model.enums import (
    AggressorSide,
    BarAggregation,
    LiquiditySide,
    OptionKind,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    TimeInForce,
    TriggerType,
)
from adapters.model.identifiers import InstrumentId, Symbol, Venue

__all__ = [
    "BYBIT_VENUE",
    "UnsupportedByVenue",
    "aggressor_from_bybit",
    "bar_spec_from_interval",
    "interval_from_bar_spec",
    "liquidity_from_is_maker",
    "make_instrument_id",
    "option_kind_from_bybit",
    "order_side_from_bybit",
    "order_side_to_bybit",
    "order_status_from_bybit",
    "order_type_from_bybit",
    "order_type_to_bybit",
    "position_side_from_bybit",
    "split_instrument_id",
    "time_in_force_from_bybit",
    "time_in_force_to_bybit",
    "trigger_type_from_bybit",
    "trigger_type_to_bybit",
]

#: The model's Venue for every Bybit instrument.
BYBIT_VENUE = Venue(BYBIT)


class UnsupportedByVenue(ValueError):
    """A model value Bybit cannot express (a TIF, order type or trigger it does not offer)."""


# --------------------------------------------------------------------------- instrument ids


def make_instrument_id(symbol: str, product: BybitProductType) -> InstrumentId:
    """``("BTCUSDT", LINEAR)`` → ``BTCUSDT-LINEAR.BYBIT``: spot and linear share raw symbols."""
    return InstrumentId(Symbol(f"{symbol}-{product.value.upper()}"), BYBIT_VENUE)


def split_instrument_id(instrument_id: InstrumentId) -> tuple[str, BybitProductType]:
    """Inverse of :func:`make_instrument_id`.

    Raises:
        ValueError: the id is not a Bybit id of that shape (says what shape is expected).
    """
    raw, sep, suffix = instrument_id.symbol.value.rpartition("-")
    try:
        product = BybitProductType(suffix.lower())
    except ValueError:
        product = None
    if instrument_id.venue != BYBIT_VENUE or not sep or product is None:
        raise ValueError(
            f"{instrument_id} is not a Bybit instrument id; expected SYMBOL-PRODUCT.BYBIT "
            "with PRODUCT one of SPOT, LINEAR, INVERSE, OPTION (e.g. BTCUSDT-LINEAR.BYBIT)"
        )
    return raw, product


# --------------------------------------------------------------------------- sides


def order_side_from_bybit(side: BybitOrderSide | str) -> OrderSide:
    """Bybit ``side`` → model side (``""`` → NO_ORDER_SIDE)."""
    match BybitOrderSide(side):
        case BybitOrderSide.BUY:
            return OrderSide.BUY
        case BybitOrderSide.SELL:
            return OrderSide.SELL
        case BybitOrderSide.UNKNOWN:
            return OrderSide.NO_ORDER_SIDE


def order_side_to_bybit(side: OrderSide) -> BybitOrderSide:
    """Model side → Bybit ``side``.

    Raises:
        UnsupportedByVenue: NO_ORDER_SIDE.
    """
    match side:
        case OrderSide.BUY:
            return BybitOrderSide.BUY
        case OrderSide.SELL:
            return BybitOrderSide.SELL
        case _:
            raise UnsupportedByVenue(f"an order needs side BUY or SELL, got {side!r}")


def aggressor_from_bybit(side: BybitOrderSide | str) -> AggressorSide:
    """A public trade's taker side → aggressor side."""
    match BybitOrderSide(side):
        case BybitOrderSide.BUY:
            return AggressorSide.BUYER
        case BybitOrderSide.SELL:
            return AggressorSide.SELLER
        case BybitOrderSide.UNKNOWN:
            return AggressorSide.NO_AGGRESSOR


def position_side_from_bybit(side: BybitPositionSide | str) -> PositionSide:
    """Position ``side`` → model side (``""`` is flat)."""
    match BybitPositionSide(side):
        case BybitPositionSide.BUY:
            return PositionSide.LONG
        case BybitPositionSide.SELL:
            return PositionSide.SHORT
        case BybitPositionSide.FLAT:
            return PositionSide.FLAT


def liquidity_from_is_maker(is_maker: bool) -> LiquiditySide:
    """``isMaker`` → liquidity side."""
    return LiquiditySide.MAKER if is_maker else LiquiditySide.TAKER


def option_kind_from_bybit(kind: BybitOptionType | str) -> OptionKind:
    """``optionsType`` → option kind."""
    match BybitOptionType(kind):
        case BybitOptionType.CALL:
            return OptionKind.CALL
        case BybitOptionType.PUT:
            return OptionKind.PUT


# --------------------------------------------------------------------------- TIF


def time_in_force_from_bybit(tif: BybitTimeInForce | str) -> tuple[TimeInForce, bool]:
    """``timeInForce`` → ``(model TIF, post_only)``: Bybit's PostOnly is a GTC maker-only order."""
    match BybitTimeInForce(tif):
        case BybitTimeInForce.GTC:
            return TimeInForce.GTC, False
        case BybitTimeInForce.IOC:
            return TimeInForce.IOC, False
        case BybitTimeInForce.FOK:
            return TimeInForce.FOK, False
        case BybitTimeInForce.POST_ONLY:
            return TimeInForce.GTC, True


def time_in_force_to_bybit(tif: TimeInForce, post_only: bool) -> BybitTimeInForce:
    """Model TIF plus the post-only flag → ``timeInForce``.

    Raises:
        UnsupportedByVenue: GTD, DAY, AT_THE_OPEN/CLOSE, or post-only with a non-GTC TIF.
    """
    if post_only:
        if tif is not TimeInForce.GTC:
            raise UnsupportedByVenue(
                f"Bybit post-only orders are GTC; post_only with {tif.name} is not offered"
            )
        return BybitTimeInForce.POST_ONLY
    match tif:
        case TimeInForce.GTC:
            return BybitTimeInForce.GTC
        case TimeInForce.IOC:
            return BybitTimeInForce.IOC
        case TimeInForce.FOK:
            return BybitTimeInForce.FOK
        case _:
            raise UnsupportedByVenue(f"Bybit offers GTC, IOC, FOK and PostOnly; {tif.name} is not supported")


# --------------------------------------------------------------------------- triggers


def trigger_type_from_bybit(trigger: BybitTriggerType | str) -> TriggerType:
    """``triggerBy`` → model trigger type (``""`` → NO_TRIGGER)."""
    match BybitTriggerType(trigger):
        case BybitTriggerType.NONE:
            return TriggerType.NO_TRIGGER
        case BybitTriggerType.LAST_PRICE:
            return TriggerType.LAST_PRICE
        case BybitTriggerType.MARK_PRICE:
            return TriggerType.MARK_PRICE
        case BybitTriggerType.INDEX_PRICE:
            return TriggerType.INDEX_PRICE


def trigger_type_to_bybit(trigger: TriggerType) -> BybitTriggerType:
    """Model trigger type → ``triggerBy`` (DEFAULT means the venue default, last price).

    Raises:
        UnsupportedByVenue: bid/ask, mid-point and double triggers.
    """
    match trigger:
        case TriggerType.DEFAULT | TriggerType.LAST_PRICE | TriggerType.NO_TRIGGER:
            return BybitTriggerType.LAST_PRICE
        case TriggerType.MARK_PRICE:
            return BybitTriggerType.MARK_PRICE
        case TriggerType.INDEX_PRICE:
            return BybitTriggerType.INDEX_PRICE
        case _:
            raise UnsupportedByVenue(
                f"Bybit triggers on last, mark or index price; {trigger.name} is not offered"
            )


# --------------------------------------------------------------------------- order types

_CONDITIONAL = {
    OrderType.STOP_MARKET: (BybitOrderType.MARKET, True),
    OrderType.STOP_LIMIT: (BybitOrderType.LIMIT, True),
    OrderType.MARKET_IF_TOUCHED: (BybitOrderType.MARKET, False),
    OrderType.LIMIT_IF_TOUCHED: (BybitOrderType.LIMIT, False),
}


def _stop_direction(side: OrderSide, is_stop: bool) -> BybitTriggerDirection:
    # A buy stop fires when the price rises to the trigger, a buy if-touched when it falls to it;
    # sells are the mirror image.
    rises = (side is OrderSide.BUY) == is_stop
    return BybitTriggerDirection.RISES_TO if rises else BybitTriggerDirection.FALLS_TO


def order_type_to_bybit(
    order_type: OrderType, side: OrderSide
) -> tuple[BybitOrderType, BybitTriggerDirection]:
    """Model order type → ``(orderType, triggerDirection)``; NONE direction for plain orders.

    Raises:
        UnsupportedByVenue: trailing stops and market-to-limit (not placeable as orders on Bybit v5).
    """
    match order_type:
        case OrderType.MARKET:
            return BybitOrderType.MARKET, BybitTriggerDirection.NONE
        case OrderType.LIMIT:
            return BybitOrderType.LIMIT, BybitTriggerDirection.NONE
        case (
            OrderType.STOP_MARKET
            | OrderType.STOP_LIMIT
            | OrderType.MARKET_IF_TOUCHED
            | OrderType.LIMIT_IF_TOUCHED
        ):
            wire, is_stop = _CONDITIONAL[order_type]
            return wire, _stop_direction(side, is_stop)
        case _:
            raise UnsupportedByVenue(
                f"Bybit orders are Market/Limit, optionally conditional; {order_type.name} is not offered"
            )


def order_type_from_bybit(
    order_type: BybitOrderType | str,
    stop_order_type: BybitStopOrderType | str,
    trigger_direction: int,
    side: OrderSide,
) -> OrderType:
    """Wire ``orderType`` + ``stopOrderType`` + ``triggerDirection`` → model order type."""
    wire = BybitOrderType(order_type)
    stop = BybitStopOrderType(stop_order_type)
    if stop is BybitStopOrderType.TRAILING_STOP:
        return OrderType.TRAILING_STOP_MARKET
    direction = BybitTriggerDirection(trigger_direction)
    match direction:
        case BybitTriggerDirection.NONE:
            conditional = None
        case BybitTriggerDirection.RISES_TO:
            conditional = side is OrderSide.BUY
        case BybitTriggerDirection.FALLS_TO:
            conditional = side is OrderSide.SELL
    match wire, conditional:
        case BybitOrderType.MARKET, None:
            return OrderType.MARKET
        case BybitOrderType.LIMIT, None:
            return OrderType.LIMIT
        case BybitOrderType.MARKET, True:
            return OrderType.STOP_MARKET
        case BybitOrderType.MARKET, False:
            return OrderType.MARKET_IF_TOUCHED
        case BybitOrderType.LIMIT, True:
            return OrderType.STOP_LIMIT
        case BybitOrderType.LIMIT, False:
            return OrderType.LIMIT_IF_TOUCHED
        case _:
            # UNKNOWN is what the venue uses for funding/settlement pseudo-orders.
            return OrderType.MARKET


# --------------------------------------------------------------------------- order status


def order_status_from_bybit(status: BybitOrderStatus | str) -> OrderStatus:
    """``orderStatus`` → model status."""
    match BybitOrderStatus(status):
        case BybitOrderStatus.CREATED:
            return OrderStatus.SUBMITTED
        case BybitOrderStatus.NEW | BybitOrderStatus.UNTRIGGERED:
            return OrderStatus.ACCEPTED
        case BybitOrderStatus.REJECTED:
            return OrderStatus.REJECTED
        case BybitOrderStatus.PARTIALLY_FILLED:
            return OrderStatus.PARTIALLY_FILLED
        case BybitOrderStatus.FILLED:
            return OrderStatus.FILLED
        case (
            BybitOrderStatus.CANCELED
            | BybitOrderStatus.PARTIALLY_FILLED_CANCELED
            | BybitOrderStatus.DEACTIVATED
        ):
            return OrderStatus.CANCELED
        case BybitOrderStatus.TRIGGERED:
            return OrderStatus.TRIGGERED


# --------------------------------------------------------------------------- bars


def bar_spec_from_interval(interval: BybitKlineInterval | str) -> tuple[int, BarAggregation]:
    """Kline ``interval`` → ``(step, aggregation)``: ``"240"`` → ``(4, HOUR)``."""
    match BybitKlineInterval(interval):
        case BybitKlineInterval.DAY_1:
            return 1, BarAggregation.DAY
        case BybitKlineInterval.WEEK_1:
            return 1, BarAggregation.WEEK
        case BybitKlineInterval.MONTH_1:
            return 1, BarAggregation.MONTH
        case minutes:
            n = int(minutes.value)
            return (n // 60, BarAggregation.HOUR) if n >= 60 else (n, BarAggregation.MINUTE)


def interval_from_bar_spec(step: int, aggregation: BarAggregation) -> BybitKlineInterval:
    """``(step, aggregation)`` → kline ``interval``.

    Raises:
        UnsupportedByVenue: a step/aggregation Bybit has no kline for (e.g. 2 minutes, seconds).
    """
    match aggregation:
        case BarAggregation.MINUTE:
            minutes = step
        case BarAggregation.HOUR:
            minutes = step * 60
        case BarAggregation.DAY if step == 1:
            return BybitKlineInterval.DAY_1
        case BarAggregation.WEEK if step == 1:
            return BybitKlineInterval.WEEK_1
        case BarAggregation.MONTH if step == 1:
            return BybitKlineInterval.MONTH_1
        case _:
            minutes = -1
    try:
        return BybitKlineInterval(str(minutes))
    except ValueError:
        raise UnsupportedByVenue(
            "Bybit klines are 1,3,5,15,30 min, 1,2,4,6,12 h, 1 day/week/month; "
            f"{step}-{aggregation.name} is not one of them"
        ) from None
