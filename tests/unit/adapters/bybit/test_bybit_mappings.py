"""Every branch of the wire <-> model enum mappings."""

from __future__ import annotations

import pytest

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
from adapters.bybit.common.mappings import (
    UnsupportedByVenue,
    aggressor_from_bybit,
    bar_spec_from_interval,
    interval_from_bar_spec,
    liquidity_from_is_maker,
    make_instrument_id,
    option_kind_from_bybit,
    order_side_from_bybit,
    order_side_to_bybit,
    order_status_from_bybit,
    order_type_from_bybit,
    order_type_to_bybit,
    position_side_from_bybit,
    split_instrument_id,
    time_in_force_from_bybit,
    time_in_force_to_bybit,
    trigger_type_from_bybit,
    trigger_type_to_bybit,
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
from adapters.model.identifiers import InstrumentId


@pytest.mark.parametrize("product", list(BybitProductType))
def test_instrument_ids_round_trip(product: BybitProductType) -> None:
    iid = make_instrument_id("BTC-27MAR26-70000-P-USDT", product)
    assert str(iid) == f"BTC-27MAR26-70000-P-USDT-{product.value.upper()}.BYBIT"
    assert split_instrument_id(iid) == ("BTC-27MAR26-70000-P-USDT", product)


@pytest.mark.parametrize("bad", ["BTCUSDT.BYBIT", "BTCUSDT-PERP.BYBIT", "BTCUSDT-LINEAR.BINANCE"])
def test_foreign_instrument_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"SYMBOL-PRODUCT\.BYBIT"):
        split_instrument_id(InstrumentId.from_str(bad))


def test_sides_both_ways() -> None:
    assert [order_side_from_bybit(s) for s in BybitOrderSide] == [
        OrderSide.NO_ORDER_SIDE,
        OrderSide.BUY,
        OrderSide.SELL,
    ]
    assert order_side_to_bybit(OrderSide.BUY) is BybitOrderSide.BUY
    assert order_side_to_bybit(OrderSide.SELL) is BybitOrderSide.SELL
    with pytest.raises(UnsupportedByVenue):
        order_side_to_bybit(OrderSide.NO_ORDER_SIDE)
    assert [aggressor_from_bybit(s) for s in BybitOrderSide] == [
        AggressorSide.NO_AGGRESSOR,
        AggressorSide.BUYER,
        AggressorSide.SELLER,
    ]
    assert [position_side_from_bybit(s) for s in BybitPositionSide] == [
        PositionSide.FLAT,
        PositionSide.LONG,
        PositionSide.SHORT,
    ]
    assert liquidity_from_is_maker(True) is LiquiditySide.MAKER
    assert liquidity_from_is_maker(False) is LiquiditySide.TAKER
    assert option_kind_from_bybit(BybitOptionType.CALL) is OptionKind.CALL
    assert option_kind_from_bybit("Put") is OptionKind.PUT


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (BybitTimeInForce.GTC, (TimeInForce.GTC, False)),
        (BybitTimeInForce.IOC, (TimeInForce.IOC, False)),
        (BybitTimeInForce.FOK, (TimeInForce.FOK, False)),
        (BybitTimeInForce.POST_ONLY, (TimeInForce.GTC, True)),
    ],
)
def test_time_in_force_round_trips(wire: BybitTimeInForce, expected: tuple[TimeInForce, bool]) -> None:
    assert time_in_force_from_bybit(wire) == expected
    assert time_in_force_to_bybit(*expected) is wire


@pytest.mark.parametrize(
    ("tif", "post_only"),
    [
        (TimeInForce.GTD, False),
        (TimeInForce.DAY, False),
        (TimeInForce.AT_THE_OPEN, False),
        (TimeInForce.IOC, True),
    ],
)
def test_unsupported_time_in_force_is_refused(tif: TimeInForce, post_only: bool) -> None:
    with pytest.raises(UnsupportedByVenue):
        time_in_force_to_bybit(tif, post_only)


def test_trigger_types_both_ways() -> None:
    assert [trigger_type_from_bybit(t) for t in BybitTriggerType] == [
        TriggerType.NO_TRIGGER,
        TriggerType.LAST_PRICE,
        TriggerType.INDEX_PRICE,
        TriggerType.MARK_PRICE,
    ]
    assert trigger_type_to_bybit(TriggerType.DEFAULT) is BybitTriggerType.LAST_PRICE
    assert trigger_type_to_bybit(TriggerType.LAST_PRICE) is BybitTriggerType.LAST_PRICE
    assert trigger_type_to_bybit(TriggerType.MARK_PRICE) is BybitTriggerType.MARK_PRICE
    assert trigger_type_to_bybit(TriggerType.INDEX_PRICE) is BybitTriggerType.INDEX_PRICE
    with pytest.raises(UnsupportedByVenue, match="BID_ASK"):
        trigger_type_to_bybit(TriggerType.BID_ASK)


@pytest.mark.parametrize(
    ("order_type", "side", "wire", "direction"),
    [
        (OrderType.MARKET, OrderSide.BUY, BybitOrderType.MARKET, BybitTriggerDirection.NONE),
        (OrderType.LIMIT, OrderSide.SELL, BybitOrderType.LIMIT, BybitTriggerDirection.NONE),
        (OrderType.STOP_MARKET, OrderSide.BUY, BybitOrderType.MARKET, BybitTriggerDirection.RISES_TO),
        (OrderType.STOP_MARKET, OrderSide.SELL, BybitOrderType.MARKET, BybitTriggerDirection.FALLS_TO),
        (OrderType.STOP_LIMIT, OrderSide.BUY, BybitOrderType.LIMIT, BybitTriggerDirection.RISES_TO),
        (OrderType.MARKET_IF_TOUCHED, OrderSide.BUY, BybitOrderType.MARKET, BybitTriggerDirection.FALLS_TO),
        (OrderType.LIMIT_IF_TOUCHED, OrderSide.SELL, BybitOrderType.LIMIT, BybitTriggerDirection.RISES_TO),
    ],
)
def test_order_types_round_trip(
    order_type: OrderType, side: OrderSide, wire: BybitOrderType, direction: BybitTriggerDirection
) -> None:
    assert order_type_to_bybit(order_type, side) == (wire, direction)
    assert order_type_from_bybit(wire, BybitStopOrderType.NONE, direction, side) is order_type


def test_trailing_and_unknown_order_types() -> None:
    assert (
        order_type_from_bybit("Market", "TrailingStop", 0, OrderSide.SELL) is OrderType.TRAILING_STOP_MARKET
    )
    assert order_type_from_bybit("UNKNOWN", "", 0, OrderSide.BUY) is OrderType.MARKET
    for unsupported in (
        OrderType.TRAILING_STOP_MARKET,
        OrderType.TRAILING_STOP_LIMIT,
        OrderType.MARKET_TO_LIMIT,
    ):
        with pytest.raises(UnsupportedByVenue):
            order_type_to_bybit(unsupported, OrderSide.BUY)


@pytest.mark.parametrize(
    ("wire", "status"),
    [
        (BybitOrderStatus.CREATED, OrderStatus.SUBMITTED),
        (BybitOrderStatus.NEW, OrderStatus.ACCEPTED),
        (BybitOrderStatus.UNTRIGGERED, OrderStatus.ACCEPTED),
        (BybitOrderStatus.REJECTED, OrderStatus.REJECTED),
        (BybitOrderStatus.PARTIALLY_FILLED, OrderStatus.PARTIALLY_FILLED),
        (BybitOrderStatus.PARTIALLY_FILLED_CANCELED, OrderStatus.CANCELED),
        (BybitOrderStatus.FILLED, OrderStatus.FILLED),
        (BybitOrderStatus.CANCELED, OrderStatus.CANCELED),
        (BybitOrderStatus.DEACTIVATED, OrderStatus.CANCELED),
        (BybitOrderStatus.TRIGGERED, OrderStatus.TRIGGERED),
    ],
)
def test_every_order_status(wire: BybitOrderStatus, status: OrderStatus) -> None:
    assert order_status_from_bybit(wire.value) is status


@pytest.mark.parametrize("interval", list(BybitKlineInterval))
def test_every_kline_interval_round_trips(interval: BybitKlineInterval) -> None:
    step, aggregation = bar_spec_from_interval(interval)
    assert interval_from_bar_spec(step, aggregation) is interval


def test_bar_specs_without_a_kline_are_refused() -> None:
    assert bar_spec_from_interval("240") == (4, BarAggregation.HOUR)
    for step, aggregation in (
        (2, BarAggregation.MINUTE),
        (1, BarAggregation.SECOND),
        (2, BarAggregation.DAY),
    ):
        with pytest.raises(UnsupportedByVenue):
            interval_from_bar_spec(step, aggregation)


def test_unknown_wire_values_fail_loudly() -> None:
    with pytest.raises(ValueError):
        order_status_from_bybit("Expired")
    with pytest.raises(ValueError):
        order_side_from_bybit("None")
