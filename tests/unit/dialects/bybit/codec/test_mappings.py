"""Core enums in Bybit's spelling: every branch, and loud failures for what Bybit cannot say."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.core import (
    CancelReason,
    InstrumentKind,
    InstrumentStatus,
    MarginMode,
    OptionKind,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.mappings import UnmappedValue

# Appendix A value sets, typed from the reference: a mapping may only produce these.
ORDER_STATUSES = {
    "Created",
    "New",
    "Rejected",
    "PartiallyFilled",
    "PartiallyFilledCanceled",
    "Filled",
    "Cancelled",
    "Untriggered",
    "Triggered",
    "Deactivated",
}
STOP_ORDER_TYPES = {
    "",
    "UNKNOWN",
    "TakeProfit",
    "StopLoss",
    "TrailingStop",
    "Stop",
    "PartialTakeProfit",
    "PartialStopLoss",
    "tpslOrder",
    "OcoOrder",
    "MmRateClose",
    "BidirectionalTpslOrder",
}


@pytest.mark.parametrize(
    ("kind", "category", "contract_type"),
    [
        (InstrumentKind.SPOT, "spot", None),
        (InstrumentKind.LINEAR_PERPETUAL, "linear", "LinearPerpetual"),
        (InstrumentKind.LINEAR_FUTURE, "linear", "LinearFutures"),
        (InstrumentKind.INVERSE_PERPETUAL, "inverse", "InversePerpetual"),
        (InstrumentKind.INVERSE_FUTURE, "inverse", "InverseFutures"),
        (InstrumentKind.OPTION, "option", None),
    ],
)
def test_category_and_contract_type(inst, kind, category, contract_type) -> None:
    instrument = next(i for i in inst.values() if i.kind is kind)
    assert mappings.category(instrument) == category
    if contract_type is None:
        with pytest.raises(UnmappedValue, match="contractType"):
            mappings.contract_type(instrument)
    else:
        assert mappings.contract_type(instrument) == contract_type


def test_every_instrument_kind_has_a_category() -> None:
    assert set(mappings.CATEGORY) == set(InstrumentKind)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (InstrumentStatus.PRE_LAUNCH, "PreLaunch"),
        (InstrumentStatus.TRADING, "Trading"),
        (InstrumentStatus.HALTED, "Closed"),
        (InstrumentStatus.SETTLED, "Closed"),
    ],
)
def test_instrument_status(status, expected) -> None:
    assert mappings.instrument_status(status) == expected


@pytest.mark.parametrize(("kind", "expected"), [(OptionKind.CALL, "Call"), (OptionKind.PUT, "Put")])
def test_options_type(kind, expected) -> None:
    assert mappings.options_type(kind) == expected


def test_options_type_of_a_non_option_fails_loudly() -> None:
    with pytest.raises(UnmappedValue, match="optionsType"):
        mappings.options_type(None)


@pytest.mark.parametrize(("side", "expected"), [(Side.BUY, "Buy"), (Side.SELL, "Sell")])
def test_side(side, expected) -> None:
    assert mappings.side(side) == expected


@pytest.mark.parametrize(
    ("size", "expected"),
    [(Decimal("0.010"), "Buy"), (Decimal("-3"), "Sell"), (Decimal("0"), ""), (Decimal("-0.000"), "")],
)
def test_position_side_flat_is_empty_never_none(size, expected) -> None:
    assert mappings.position_side(size) == expected


@pytest.mark.parametrize(
    ("order_type", "expected"), [(OrderType.MARKET, "Market"), (OrderType.LIMIT, "Limit")]
)
def test_order_type(order_type, expected) -> None:
    assert mappings.order_type(order_type) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"time_in_force": TimeInForce.GTC}, "GTC"),
        ({"time_in_force": TimeInForce.IOC}, "IOC"),
        ({"time_in_force": TimeInForce.FOK}, "FOK"),
        ({"time_in_force": TimeInForce.GTC, "post_only": True}, "PostOnly"),
        ({"order_type": OrderType.MARKET, "time_in_force": TimeInForce.GTC, "price_ticks": None}, "IOC"),
        ({"order_type": OrderType.MARKET, "time_in_force": TimeInForce.FOK, "price_ticks": None}, "IOC"),
    ],
)
def test_time_in_force(order_view, fields, expected) -> None:
    assert mappings.order_time_in_force(order_view(**fields)) == expected


def test_gtd_has_no_bybit_spelling(order_view) -> None:
    with pytest.raises(UnmappedValue, match="timeInForce"):
        mappings.order_time_in_force(order_view(time_in_force=TimeInForce.GTD))


@pytest.mark.parametrize(
    ("trigger_by", "expected"),
    [
        (None, ""),
        (TriggerBy.LAST, "LastPrice"),
        (TriggerBy.MARK, "MarkPrice"),
        (TriggerBy.INDEX, "IndexPrice"),
    ],
)
def test_trigger_by(trigger_by, expected) -> None:
    assert mappings.trigger_by(trigger_by) == expected


@pytest.mark.parametrize(
    ("direction", "expected"), [(None, 0), (TriggerDirection.RISE, 1), (TriggerDirection.FALL, 2)]
)
def test_trigger_direction_is_an_int(direction, expected) -> None:
    value = mappings.trigger_direction(direction)
    assert value == expected and type(value) is int


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (None, ""),
        (StopKind.STOP, "Stop"),
        (StopKind.TAKE_PROFIT, "TakeProfit"),
        (StopKind.STOP_LOSS, "StopLoss"),
    ],
)
def test_stop_order_type(kind, expected) -> None:
    assert mappings.stop_order_type(kind) == expected
    assert expected in STOP_ORDER_TYPES


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (MarginMode.CROSS, "REGULAR_MARGIN"),
        (MarginMode.ISOLATED, "ISOLATED_MARGIN"),
        (MarginMode.PORTFOLIO, "PORTFOLIO_MARGIN"),
    ],
)
def test_margin_mode(mode, expected) -> None:
    assert mappings.margin_mode(mode) == expected


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("linear", {"status": OrderStatus.UNTRIGGERED}, "Untriggered"),
        ("linear", {"status": OrderStatus.TRIGGERED}, "Triggered"),
        ("linear", {"status": OrderStatus.NEW}, "New"),
        ("linear", {"status": OrderStatus.PARTIALLY_FILLED, "filled_lots": 5}, "PartiallyFilled"),
        ("linear", {"status": OrderStatus.FILLED, "filled_lots": 10}, "Filled"),
        ("linear", {"status": OrderStatus.DEACTIVATED, "cancel_reason": CancelReason.USER}, "Deactivated"),
        ("linear", {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.USER}, "Cancelled"),
        # A contract order partly filled then cancelled is plain "Cancelled"…
        ("linear", {"status": OrderStatus.CANCELLED, "filled_lots": 5}, "Cancelled"),
        # …a spot one is "PartiallyFilledCanceled" (note the spelling), unless nothing filled.
        ("spot", {"status": OrderStatus.CANCELLED, "filled_lots": 5}, "PartiallyFilledCanceled"),
        ("spot", {"status": OrderStatus.CANCELLED, "filled_lots": 0}, "Cancelled"),
        # Rule 20: a post-only order that would take is accepted, then cancelled.
        (
            "linear",
            {"status": OrderStatus.REJECTED, "reject_reason": RejectReason.POST_ONLY_WOULD_TAKE},
            "Cancelled",
        ),
        (
            "spot",
            {"status": OrderStatus.REJECTED, "reject_reason": RejectReason.POST_ONLY_WOULD_TAKE},
            "Cancelled",
        ),
        (
            "linear",
            {"status": OrderStatus.REJECTED, "reject_reason": RejectReason.INSUFFICIENT_MARGIN},
            "Rejected",
        ),
    ],
)
def test_order_status(order_view, kind, fields, expected) -> None:
    value = mappings.order_status(order_view(kind, **fields))
    assert value == expected
    assert value in ORDER_STATUSES


def test_expired_has_no_bybit_status(order_view) -> None:
    view = order_view(status=OrderStatus.EXPIRED, cancel_reason=CancelReason.GTD_EXPIRED)
    with pytest.raises(UnmappedValue, match="orderStatus"):
        mappings.order_status(view)


def test_every_order_status_is_handled(order_view) -> None:
    """Each core status either maps or is the documented unmapped EXPIRED."""
    for status in OrderStatus:
        view = order_view(status=status, reject_reason=RejectReason.INSUFFICIENT_MARGIN)
        if status is OrderStatus.EXPIRED:
            continue
        assert mappings.order_status(view) in ORDER_STATUSES


@pytest.mark.parametrize(
    ("fields", "cancel_type", "reject_reason"),
    [
        ({}, "UNKNOWN", "EC_NoError"),
        ({"status": OrderStatus.FILLED, "filled_lots": 10}, "UNKNOWN", "EC_NoError"),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.USER},
            "CancelByUser",
            "EC_PerCancelRequest",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.IOC_REMAINDER},
            "UNKNOWN",
            "EC_NoImmediateQtyToFill",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.FOK_NOT_FILLABLE},
            "UNKNOWN",
            "EC_NoImmediateQtyToFill",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.MARKET_NO_LIQUIDITY},
            "UNKNOWN",
            "EC_NoImmediateQtyToFill",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.REDUCE_ONLY},
            "CancelByReduceOnly",
            "EC_NoError",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.SETTLEMENT},
            "CancelBySettle",
            "EC_NoError",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.LIQUIDATION},
            "CancelAllBeforeLiq",
            "EC_NoError",
        ),
        (
            {"status": OrderStatus.CANCELLED, "cancel_reason": CancelReason.INSTRUMENT_CLOSED},
            "CancelByAdmin",
            "EC_InvalidSymbolStatus",
        ),
        # A take-profit/stop-loss deactivated because its position closed.
        (
            {
                "status": OrderStatus.DEACTIVATED,
                "cancel_reason": CancelReason.REDUCE_ONLY,
                "close_on_trigger": True,
                "stop_kind": StopKind.TAKE_PROFIT,
            },
            "CancelByTpSlTsClear",
            "EC_NoError",
        ),
        # A reduce-only order cut by a shrinking position is not a TP/SL clear.
        (
            {"status": OrderStatus.DEACTIVATED, "cancel_reason": CancelReason.REDUCE_ONLY},
            "CancelByReduceOnly",
            "EC_NoError",
        ),
        (
            {"status": OrderStatus.REJECTED, "reject_reason": RejectReason.POST_ONLY_WOULD_TAKE},
            "UNKNOWN",
            "EC_PostOnlyWillTakeLiquidity",
        ),
        (
            {"status": OrderStatus.REJECTED, "reject_reason": RejectReason.INSUFFICIENT_BALANCE},
            "UNKNOWN",
            "EC_Others",
        ),
    ],
)
def test_cancel_type_and_reject_reason(order_view, fields, cancel_type, reject_reason) -> None:
    view = order_view(**fields)
    assert mappings.cancel_type(view) == cancel_type
    assert mappings.reject_reason(view) == reject_reason


def test_gtd_expiry_has_no_cancel_type(order_view) -> None:
    view = order_view(status=OrderStatus.EXPIRED, cancel_reason=CancelReason.GTD_EXPIRED)
    with pytest.raises(UnmappedValue, match="cancelType"):
        mappings.cancel_type(view)
    with pytest.raises(UnmappedValue, match="rejectReason"):
        mappings.reject_reason(view)


def test_cancel_tables_cover_every_reason_but_gtd() -> None:
    assert set(mappings.CANCEL_TYPE) == set(CancelReason) - {CancelReason.GTD_EXPIRED}


def test_reject_reason_table_is_total_and_well_formed() -> None:
    assert set(mappings.REJECT_REASON) == set(RejectReason)
    assert all(value.startswith("EC_") for value in mappings.REJECT_REASON.values())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "CreateByUser"),
        ({"stop_kind": StopKind.STOP, "trigger_price": Decimal("31000")}, "CreateByUser"),
        ({"stop_kind": StopKind.TAKE_PROFIT, "close_on_trigger": True}, "CreateByTakeProfit"),
        ({"stop_kind": StopKind.STOP_LOSS, "close_on_trigger": True}, "CreateByStopLoss"),
        ({"stop_kind": StopKind.TAKE_PROFIT}, "CreateByUser"),  # a user's own conditional order
    ],
)
def test_create_type(order_view, fields, expected) -> None:
    assert mappings.create_type(order_view(**fields)) == expected


@pytest.mark.parametrize(
    ("kind", "side", "expected"),
    [
        ("spot", Side.BUY, "BTC"),
        ("spot", Side.SELL, "USDT"),
        ("linear", Side.BUY, "USDT"),
        ("inverse", Side.SELL, "BTC"),
    ],
)
def test_fee_coin(order_view, kind, side, expected) -> None:
    assert mappings.fee_coin(order_view(kind, side=side)) == expected


def test_lookup_names_what_is_missing() -> None:
    with pytest.raises(UnmappedValue, match=r"no Bybit thing for 'x' \(mapped: a, b\)"):
        mappings.lookup({"a": 1, "b": 2}, "x", "thing")
