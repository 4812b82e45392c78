"""Order objects and executions: the reference examples reproduced, key sets, JSON types."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from simulator.core import (
    NS_PER_MS,
    CancelOrder,
    Fill,
    LiquiditySide,
    NewOrder,
    OrderFilled,
    OrderStatus,
    OrderType,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.dialects.bybit.codec import orders

D = Decimal

# The reference's examples, verbatim (§6.18, §7.6, §6.19).
LINEAR_OPEN_ORDER = json.loads(
    '{"orderId":"fd4300ae-7847-404e-b947-b46980a4d140","orderLinkId":"test-000005","blockTradeId":"",'
    '"symbol":"BTCUSDT","price":"29000.00","qty":"0.010","side":"Buy","isLeverage":"","positionIdx":0,'
    '"orderStatus":"New","createType":"CreateByUser","cancelType":"UNKNOWN","rejectReason":"EC_NoError",'
    '"avgPrice":"","leavesQty":"0.010","leavesValue":"290","cumExecQty":"0.000","cumExecValue":"0",'
    '"cumExecFee":"0","timeInForce":"GTC","orderType":"Limit","stopOrderType":"","orderIv":"",'
    '"triggerPrice":"","takeProfit":"","stopLoss":"","tpTriggerBy":"","slTriggerBy":"","triggerDirection":0,'
    '"triggerBy":"","lastPriceOnCreated":"30000.10","reduceOnly":false,"closeOnTrigger":false,'
    '"smpType":"None","smpGroup":0,"smpOrderId":"","tpslMode":"","tpLimitPrice":"","slLimitPrice":"",'
    '"placeType":"","createdTime":"1684738540559","updatedTime":"1684738540561","cumFeeDetail":{}}'
)
SPOT_FILLED_ORDER = json.loads(
    '{"orderId":"1001","orderLinkId":"","blockTradeId":"","symbol":"BTCUSDT","price":"29000.00",'
    '"qty":"0.001000","side":"Buy","isLeverage":"0","positionIdx":0,"orderStatus":"Filled",'
    '"cancelType":"UNKNOWN","rejectReason":"EC_NoError","avgPrice":"29000.00","leavesQty":"0.000000",'
    '"leavesValue":"0","cumExecQty":"0.001000","cumExecValue":"29","cumExecFee":"0.000001",'
    '"timeInForce":"GTC","orderType":"Limit","stopOrderType":"","orderIv":"","triggerPrice":"0.00",'
    '"takeProfit":"0.00","stopLoss":"0.00","tpTriggerBy":"","slTriggerBy":"","triggerDirection":0,'
    '"triggerBy":"","lastPriceOnCreated":"","reduceOnly":false,"closeOnTrigger":false,"smpType":"None",'
    '"smpGroup":0,"smpOrderId":"","tpLimitPrice":"0.00","slLimitPrice":"0.00","placeType":"",'
    '"basePrice":"30000.00","createdTime":"1684476068369","updatedTime":"1684476068372","marketUnit":"",'
    '"cumFeeDetail":{"BTC":"0.000001"}}'
)
WS_LINEAR_ORDER = json.loads(
    '{"category":"linear","symbol":"BTCUSDT","orderId":"1000","orderLinkId":"cli-1","blockTradeId":"",'
    '"side":"Buy","positionIdx":0,"orderStatus":"New","cancelType":"UNKNOWN","rejectReason":"EC_NoError",'
    '"timeInForce":"GTC","isLeverage":"","price":"29000.00","qty":"0.010","avgPrice":"","leavesQty":"0.010",'
    '"leavesValue":"290","cumExecQty":"0.000","cumExecValue":"0","cumExecFee":"0","closedPnl":"0",'
    '"orderType":"Limit","stopOrderType":"","orderIv":"","triggerPrice":"","takeProfit":"","stopLoss":"",'
    '"tpTriggerBy":"","slTriggerBy":"","tpLimitPrice":"","slLimitPrice":"","triggerDirection":0,"triggerBy":"",'
    '"lastPriceOnCreated":"30000.10","reduceOnly":false,"closeOnTrigger":false,"placeType":"","smpType":"None",'
    '"smpGroup":0,"smpOrderId":"","tpslMode":"","createType":"CreateByUser","feeCurrency":"",'
    '"createdTime":"1672364262444","updatedTime":"1672364262457","cumFeeDetail":{}}'
)
REST_LINEAR_EXECUTION = json.loads(
    '{"symbol":"BTCUSDT","orderType":"Limit","underlyingPrice":"","orderLinkId":"cli-1","side":"Buy",'
    '"indexPrice":"","orderId":"1000","stopOrderType":"","leavesQty":"0","execTime":"1672282722429",'
    '"feeCurrency":"","isMaker":true,"execFee":"0.0058","feeRate":"0.0002",'
    '"execId":"e0cbe81d-0f18-5866-9415-cf319b5dab3b","tradeIv":"","blockTradeId":"","markPrice":"29000.55",'
    '"execPrice":"29000.00","markIv":"","orderQty":"0.010","orderPrice":"29000.00","execValue":"290",'
    '"execType":"Trade","execQty":"0.010","closedSize":"0","extraFees":"","createType":"CreateByUser",'
    '"seq":4688002127}'
)
WS_LINEAR_EXECUTION = json.loads(
    '{"category":"linear","symbol":"BTCUSDT","closedSize":"0","execFee":"0.165",'
    '"execId":"0ab1bdf7-4219-438b-b30a-32ec863018f7","execPrice":"30000.10","execQty":"0.010",'
    '"execType":"Trade","execValue":"300.001","feeRate":"0.00055","tradeIv":"","markIv":"","blockTradeId":"",'
    '"markPrice":"30000.55","indexPrice":"","underlyingPrice":"","leavesQty":"0","orderId":"1000",'
    '"orderLinkId":"cli-1","orderPrice":"30100.00","orderQty":"0.010","orderType":"Limit","stopOrderType":"",'
    '"side":"Buy","execTime":"1746270400353","isLeverage":"0","isMaker":false,"seq":140612148849382,'
    '"marketUnit":"","execPnl":"0","createType":"CreateByUser","extraFees":[],"feeCurrency":"USDT"}'
)
FAST_EXECUTION = json.loads(
    '{"category":"linear","symbol":"BTCUSDT","execId":"3510f361-0add-5c7b-a2e7-9679810944fc",'
    '"execPrice":"30000.10","execQty":"0.010","orderId":"1000","isMaker":false,"orderLinkId":"cli-1",'
    '"side":"Buy","execTime":"1716800399334","seq":34771365464}'
)

#: Appendix A: the order/execution fields that are JSON ints and bools; everything else is a string.
INTS = {"positionIdx", "smpGroup", "triggerDirection", "seq"}
BOOLS = {"reduceOnly", "closeOnTrigger", "isMaker"}


def assert_json_types(payload: dict[str, Any]) -> None:
    for key, value in payload.items():
        if key in INTS:
            assert type(value) is int, key
        elif key in BOOLS:
            assert type(value) is bool, key
        elif key == "cumFeeDetail":
            assert isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        elif key == "extraFees":
            assert value in ("", [])
        else:
            assert type(value) is str, key


def ns(ms: str) -> int:
    return int(ms) * NS_PER_MS


# -- the reference examples, reproduced ----------------------------------------------------------


def test_linear_open_order_reproduces_the_reference_example(order_view) -> None:
    view = order_view(
        order_id="fd4300ae-7847-404e-b947-b46980a4d140",
        client_order_id="test-000005",
        created_ns=ns("1684738540559"),
        updated_ns=ns("1684738540561"),
    )
    payload = orders.order_rest(view)
    assert payload == LINEAR_OPEN_ORDER
    assert list(payload) == list(LINEAR_OPEN_ORDER)  # same order too (nice to diff against)
    assert_json_types(payload)


def test_spot_filled_order_reproduces_the_reference_example(order_view) -> None:
    view = order_view(
        "spot",
        order_id="1001",
        client_order_id="",
        qty_lots=1000,
        filled_lots=1000,
        cum_value=D("29.000000"),
        cum_fee=D("0.000001"),
        status=OrderStatus.FILLED,
        last_price_on_created=None,
        created_ns=ns("1684476068369"),
        updated_ns=ns("1684476068372"),
    )
    payload = orders.order_rest(view)
    expected = dict(SPOT_FILLED_ORDER)
    # basePrice is the price when the order was placed; the core keeps it as lastPriceOnCreated,
    # which this example leaves empty, so the two cannot both be reproduced.
    assert payload.pop("basePrice") == ""
    expected.pop("basePrice")
    assert payload == expected
    assert "tpslMode" not in payload and "createType" not in payload


def test_ws_linear_order_reproduces_the_reference_example(order_view) -> None:
    view = order_view(created_ns=ns("1672364262444"), updated_ns=ns("1672364262457"))
    payload = orders.order_ws(view)
    assert payload == WS_LINEAR_ORDER
    assert_json_types(payload)


def _fill(**overrides: Any) -> Fill:
    fields: dict[str, Any] = {
        "trade_id": "e0cbe81d-0f18-5866-9415-cf319b5dab3b",
        "order_id": "1000",
        "client_order_id": "cli-1",
        "account_id": "alice",
        "instrument_id": "linear:BTCUSDT",
        "side": Side.BUY,
        "price": D("29000.0"),
        "qty": D("0.010"),
        "value": D("290.0000"),
        "fee": D("0.0580000") / 10,
        "fee_coin": "USDT",
        "fee_rate": D("0.0002"),
        "liquidity": LiquiditySide.MAKER,
        "realized_pnl": D("0"),
        "closed_qty": D("0"),
        "mark_price": D("29000.55"),
        "index_price": None,
        "ts_ns": ns("1672282722429"),
    }
    fields.update(overrides)
    return Fill(**fields)


def test_rest_execution_reproduces_the_reference_example(order_view) -> None:
    view = order_view(status=OrderStatus.FILLED, filled_lots=10, cum_value=D("290"), cum_fee=D("0.0058"))
    payload = orders.execution_rest(_fill(), view, seq=4688002127)
    # The core's sizes always carry lot decimals ("0.000", not "0"), and it knows the fee coin.
    differences = {"leavesQty": "0.000", "closedSize": "0.000", "feeCurrency": "USDT"}
    expected = {**REST_LINEAR_EXECUTION, **differences, "execPnl": "0"}
    assert payload == expected
    assert_json_types(payload)


def test_ws_execution_reproduces_the_reference_example(order_view) -> None:
    view = order_view(
        price_ticks=301000,
        status=OrderStatus.FILLED,
        filled_lots=10,
        cum_value=D("300.001"),
        cum_fee=D("0.165"),
    )
    fill = _fill(
        trade_id="0ab1bdf7-4219-438b-b30a-32ec863018f7",
        price=D("30000.1"),
        value=D("300.001"),
        fee=D("0.165"),
        fee_rate=D("0.00055"),
        liquidity=LiquiditySide.TAKER,
        mark_price=D("30000.55"),
        ts_ns=ns("1746270400353"),
    )
    payload = orders.execution_ws(fill, view, seq=140612148849382)
    assert payload == {**WS_LINEAR_EXECUTION, "leavesQty": "0.000", "closedSize": "0.000"}
    assert_json_types(payload)


def test_fast_execution_key_set(order_view) -> None:
    payload = orders.execution_fast(_fill(), order_view(), seq=1)
    assert list(payload) == list(FAST_EXECUTION)
    assert_json_types(payload)


# -- key sets: spot vs contract (rule 18) ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["linear", "future", "inverse", "inverse_future", "option"])
def test_contract_orders_carry_tpsl_mode_and_create_type(order_view, kind) -> None:
    view = order_view(kind)
    for payload in (orders.order_rest(view), orders.order_ws(view)):
        assert payload["tpslMode"] == ""
        assert "createType" in payload
        assert "basePrice" not in payload
    assert set(orders.order_rest(view)) == set(LINEAR_OPEN_ORDER)
    assert set(orders.order_ws(view)) == set(WS_LINEAR_ORDER)


def test_spot_orders_carry_neither(order_view) -> None:
    view = order_view("spot")
    rest, pushed = orders.order_rest(view), orders.order_ws(view)
    assert set(rest) == set(SPOT_FILLED_ORDER)
    assert set(pushed) == set(WS_LINEAR_ORDER) - {"tpslMode", "createType"} | {"marketUnit"}
    assert pushed["category"] == "spot"


@pytest.mark.parametrize(
    ("kind", "rest_keys", "ws_keys"),
    [
        ("linear", set(REST_LINEAR_EXECUTION) | {"execPnl"}, set(WS_LINEAR_EXECUTION)),
        ("option", set(REST_LINEAR_EXECUTION) | {"execPnl"}, set(WS_LINEAR_EXECUTION)),
        (
            "spot",
            set(REST_LINEAR_EXECUTION) - {"createType"} | {"execPnl"},
            set(WS_LINEAR_EXECUTION) - {"createType"},
        ),
    ],
)
def test_execution_key_sets(order_view, kind, rest_keys, ws_keys) -> None:
    view = order_view(kind)
    fill = _fill(instrument_id=view.instrument.id)
    assert set(orders.execution_rest(fill, view, seq=1)) == rest_keys
    assert set(orders.execution_ws(fill, view, seq=1)) == ws_keys
    assert set(orders.execution_fast(fill, view, seq=1)) == set(FAST_EXECUTION)


def test_key_constants_match_the_builders(order_view) -> None:
    assert tuple(orders.order_rest(order_view())) == orders.ORDER_REST_KEYS_CONTRACT
    assert tuple(orders.order_rest(order_view("spot"))) == orders.ORDER_REST_KEYS_SPOT
    assert tuple(orders.order_ws(order_view())) == orders.ORDER_WS_KEYS_CONTRACT
    assert tuple(orders.order_ws(order_view("spot"))) == orders.ORDER_WS_KEYS_SPOT


# -- field rules -----------------------------------------------------------------------------------


def test_market_order_price_is_zero_and_tif_ioc(order_view) -> None:
    payload = orders.order_rest(order_view(order_type=OrderType.MARKET, price_ticks=None))
    assert payload["price"] == "0"
    assert payload["timeInForce"] == "IOC"
    assert payload["leavesValue"] == "0"


def test_conditional_order_fields(order_view) -> None:
    view = order_view(
        order_type=OrderType.MARKET,
        price_ticks=None,
        status=OrderStatus.UNTRIGGERED,
        trigger_price=D("31000"),
        trigger_by=TriggerBy.MARK,
        trigger_direction=TriggerDirection.RISE,
        stop_kind=StopKind.STOP,
    )
    payload = orders.order_rest(view)
    assert payload["orderStatus"] == "Untriggered"
    assert payload["triggerPrice"] == "31000.00"
    assert payload["triggerBy"] == "MarkPrice"
    assert payload["triggerDirection"] == 1
    assert payload["stopOrderType"] == "Stop"


def test_plain_order_never_says_unknown_for_stop_or_trigger(order_view) -> None:
    """Rule 17: a plain order is stopOrderType "", triggerBy "", triggerDirection 0."""
    # Even if a plain order somehow kept a trigger reference, the wire shows none.
    payload = orders.order_rest(order_view(trigger_by=TriggerBy.LAST))
    assert (payload["stopOrderType"], payload["triggerBy"], payload["triggerDirection"]) == ("", "", 0)


def test_spot_market_unit(order_view) -> None:
    assert orders.order_rest(order_view("spot"))["marketUnit"] == ""
    market = order_view("spot", order_type=OrderType.MARKET, price_ticks=None)
    assert orders.order_rest(market)["marketUnit"] == "baseCoin"
    quote = market._replace(quote_quantity=True)
    assert orders.order_ws(quote)["marketUnit"] == "quoteCoin"


def test_inverse_leaves_value_is_in_the_settle_coin(order_view) -> None:
    view = order_view("inverse", price_ticks=60000, qty_lots=3000)  # 3000 contracts at 30000
    assert orders.order_rest(view)["leavesValue"] == "0.1"


def test_closed_pnl_on_ws_order(order_view) -> None:
    assert orders.order_ws(order_view(), closed_pnl=D("-1.5000"))["closedPnl"] == "-1.5"


def test_execution_of_another_order_is_refused(order_view) -> None:
    with pytest.raises(ValueError, match="belongs to order"):
        orders.execution_rest(_fill(order_id="999"), order_view(), seq=1)


# -- from a real exchange ---------------------------------------------------------------------------


def test_post_only_that_would_take_is_cancelled_on_the_wire(venue) -> None:
    """Rule 20: accepted, then pushed as Cancelled with EC_PostOnlyWillTakeLiquidity."""
    result = venue.place_order(
        NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.010", "30000.1", post_only=True)
    )
    assert not result.ok and result.order is not None
    payload = orders.order_ws(result.order)
    assert payload["orderStatus"] == "Cancelled"
    assert payload["rejectReason"] == "EC_PostOnlyWillTakeLiquidity"
    assert payload["timeInForce"] == "PostOnly"


def test_spot_ioc_partly_filled_then_cancelled(venue) -> None:
    result = venue.place_order(
        NewOrder(
            "alice",
            "spot:BTCUSDT",
            Side.BUY,
            OrderType.LIMIT,
            "2.000000",
            "30000.01",
            time_in_force=TimeInForce.IOC,
        )
    )
    assert result.order is not None
    payload = orders.order_rest(result.order)
    assert payload["orderStatus"] == "PartiallyFilledCanceled"
    assert payload["rejectReason"] == "EC_NoImmediateQtyToFill"
    assert payload["cumExecQty"] == "1.500000"
    assert payload["leavesQty"] == "0.000000"
    assert payload["cumFeeDetail"] == {"BTC": "0.0015"}


def test_maker_and_taker_executions_from_real_fills(venue) -> None:
    placed = venue.place_order(
        NewOrder("alice", "linear:BTCUSDT", Side.SELL, OrderType.LIMIT, "0.500", "30000.1")
    )
    assert placed.order is not None
    taker = venue.participant("__taker__")
    hit = venue.place_order(NewOrder(taker.account_id, "linear:BTCUSDT", Side.BUY, OrderType.MARKET, "2.000"))
    maker_fill = next(e for e in hit.events if isinstance(e, OrderFilled) and e.order.account_id == "alice")
    payload = orders.execution_ws(maker_fill.fill, maker_fill.order, seq=maker_fill.seq)
    assert payload["isMaker"] is True
    assert payload["feeRate"] == "0.0002"
    assert payload["execPrice"] == "30000.10"
    assert payload["createType"] == "CreateByUser"
    assert_json_types(payload)
    taker_fill = next(
        e for e in hit.events if isinstance(e, OrderFilled) and e.order.account_id == taker.account_id
    )
    assert orders.execution_rest(taker_fill.fill, taker_fill.order, seq=taker_fill.seq)["isMaker"] is False


def test_cancelled_by_user(venue) -> None:
    placed = venue.place_order(
        NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.010", "29000")
    )
    assert placed.order is not None
    result = venue.cancel_order(CancelOrder("alice", "linear:BTCUSDT", placed.order.order_id))
    assert result.order is not None
    payload = orders.order_ws(result.order)
    assert (payload["orderStatus"], payload["cancelType"]) == ("Cancelled", "CancelByUser")


def test_take_profit_from_trading_stop(venue) -> None:
    venue.place_order(NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.MARKET, "0.100"))
    assert venue.set_trading_stop("alice", "linear:BTCUSDT", take_profit="35000", stop_loss="25000").ok
    by_kind = {v.stop_kind: orders.order_rest(v) for v in venue.open_orders("alice")}
    tp, sl = by_kind[StopKind.TAKE_PROFIT], by_kind[StopKind.STOP_LOSS]
    assert (tp["stopOrderType"], tp["createType"], tp["triggerDirection"]) == (
        "TakeProfit",
        "CreateByTakeProfit",
        1,
    )
    assert (sl["stopOrderType"], sl["createType"], sl["triggerDirection"]) == (
        "StopLoss",
        "CreateByStopLoss",
        2,
    )
    assert tp["closeOnTrigger"] is True and tp["reduceOnly"] is True
