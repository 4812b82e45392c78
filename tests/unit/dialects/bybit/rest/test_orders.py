"""Order entry: create, amend, cancel, cancel-all, checked against the exchange's state."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from simulator.core import OrderStatus, OrderType, PositionMode, TimeInForce

D = Decimal
LIMIT_BUY = {
    "category": "linear",
    "symbol": "BTCUSDT",
    "side": "Buy",
    "orderType": "Limit",
    "qty": "0.010",
    "price": "90000.00",
}
SPOT_LIMIT_BUY = {**LIMIT_BUY, "category": "spot", "qty": "0.010000"}


def _open(ex, order_id: str):
    return next(o for o in ex.open_orders("demo") if o.order_id == order_id)


def test_create_rests_a_limit_order_and_answers_its_ids(client, ex):
    result = client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "cli-1"}).ok()
    assert set(result) == {"orderId", "orderLinkId"} and result["orderLinkId"] == "cli-1"
    order = _open(ex, result["orderId"])
    assert (order.price, order.qty, order.client_order_id, order.status) == (
        D("90000.00"),
        D("0.010"),
        "cli-1",
        OrderStatus.NEW,
    )
    assert (order.order_type, order.time_in_force, order.post_only) == (
        OrderType.LIMIT,
        TimeInForce.GTC,
        False,
    )
    no_link = client.post("/v5/order/create", LIMIT_BUY).ok()
    assert no_link["orderLinkId"] == ""


def test_pybit_bodies_with_spaces_and_json_number_quantities_are_accepted(client, ex):
    pybit = json.dumps({**LIMIT_BUY, "orderLinkId": "pb-1"}).encode()  # "key": "value", with spaces
    assert b", " in pybit
    first = client.post("/v5/order/create", pybit).ok()
    assert _open(ex, first["orderId"]).client_order_id == "pb-1"
    numeric = client.post("/v5/order/create", {**LIMIT_BUY, "qty": 0.02, "price": 89000}).ok()
    order = _open(ex, numeric["orderId"])
    assert (order.qty, order.price) == (D("0.020"), D("89000.0"))


def test_a_market_order_fills_and_opens_a_position(client, ex):
    client.post("/v5/order/create", {**LIMIT_BUY, "orderType": "Market", "price": "1"}).ok()  # price ignored
    position = ex.position("demo", "linear:BTCUSDT")
    assert position is not None and position.size == D("0.010")
    assert ex.open_orders("demo") == []


def test_a_spot_market_buy_is_sized_in_the_quote_coin_unless_asked_otherwise(client, ex):
    spot = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market"}
    btc = ex.balance("demo", "BTC").total
    client.post("/v5/order/create", {**spot, "qty": "1000"}).ok()  # 1000 USDT
    bought = ex.balance("demo", "BTC").total - btc
    assert D("0.0098") < bought < D("0.0100")  # ~1000 USDT of BTC, less the fee in BTC
    btc = ex.balance("demo", "BTC").total
    client.post("/v5/order/create", {**spot, "qty": "0.010000", "marketUnit": "baseCoin"}).ok()
    assert ex.balance("demo", "BTC").total - btc == D("0.010000") * (1 - D("0.001"))
    usdt = ex.balance("demo", "USDT").total
    client.post("/v5/order/create", {**spot, "side": "Sell", "qty": "0.010000"}).ok()  # sells: base coin
    assert ex.balance("demo", "USDT").total > usdt + 900


def test_a_post_only_order_that_would_cross_is_accepted_then_cancelled(client, ex):
    best_ask = ex.book("linear:BTCUSDT", 1).asks[0][0]
    body = {**LIMIT_BUY, "price": str(best_ask), "timeInForce": "PostOnly", "orderLinkId": "po-1"}
    answer = client.post("/v5/order/create", body)
    result = answer.ok()  # rule 20: retCode 0 with the id
    assert result["orderId"] and result["orderLinkId"] == "po-1"
    assert ex.open_orders("demo") == []
    closed = client.get("/v5/order/history", "category=linear&orderLinkId=po-1").ok()["list"]
    assert [(o["orderStatus"], o["rejectReason"], o["timeInForce"]) for o in closed] == [
        ("Cancelled", "EC_PostOnlyWillTakeLiquidity", "PostOnly")
    ]


def test_a_conditional_order_waits_untriggered(client, ex):
    body = {**LIMIT_BUY, "orderType": "Market", "triggerPrice": "105000.0", "triggerDirection": 1}
    body["triggerBy"] = "MarkPrice"
    order = _open(ex, client.post("/v5/order/create", body).ok()["orderId"])
    assert (order.status, order.trigger_price) == (OrderStatus.UNTRIGGERED, D("105000.0"))
    listed = client.get("/v5/order/realtime", "category=linear&symbol=BTCUSDT").ok()["list"]
    assert [(o["orderStatus"], o["triggerBy"], o["triggerDirection"]) for o in listed] == [
        ("Untriggered", "MarkPrice", 1)
    ]


LINK_37 = "x" * 37


@pytest.mark.parametrize(
    ("change", "code", "fragment"),
    [
        ({"qty": "1000"}, 110007, "ab not enough for new order"),
        ({"orderLinkId": LINK_37}, 10001, "orderLinkId must be 1-36 characters"),
        ({"orderLinkId": "has space"}, 10001, "orderLinkId"),
        ({"orderLinkId": 12345}, 10001, "orderLinkId must be a string"),
        ({"side": None}, 10001, "side is required"),
        ({"side": "buy"}, 10001, "side must be one of Buy, Sell"),
        ({"orderType": "Stop"}, 10001, "orderType must be one of"),
        ({"qty": None}, 10001, "qty is required"),
        ({"qty": "abc"}, 10001, "qty 'abc' is not a number"),
        ({"qty": True}, 10001, "qty must be a number string"),
        ({"qty": ["0.01"]}, 10001, "qty must be a number string"),
        ({"qty": "NaN"}, 10001, "qty must be a finite number"),
        ({"symbol": "DOGEUSDT"}, 10001, "Not supported symbols"),
        ({"symbol": None}, 10001, "symbol is required"),
        ({"category": None}, 10001, "category is required"),
        ({"category": "futures"}, 10001, "category 'futures' is not supported"),
        ({"price": "90000.05"}, 10001, "price is not a multiple of tickSize"),
        ({"qty": "0.0005"}, 10001, "qty"),
        ({"timeInForce": "GTD"}, 10001, "timeInForce must be one of"),
        ({"takeProfit": "110000"}, 10001, "takeProfit is not supported"),
        ({"positionIdx": 1}, 10001, "position idx not match position mode"),
        ({"positionIdx": "one"}, 10001, "positionIdx must be an integer"),
        ({"reduceOnly": True}, 110017, "Reduce-only"),
        ({"reduceOnly": "maybe"}, 10001, "reduceOnly must be true or false"),
        ({"triggerPrice": "105000.0", "triggerDirection": 5}, 10001, "triggerDirection must be 1"),
        ({"triggerPrice": "95000.0", "triggerDirection": 1}, 10001, "triggerPrice invalid"),
        ({"price": None}, 10001, "price is required for a limit order"),
    ],
)
def test_create_refusals_change_nothing(client, ex, snapshot, change, code, fragment):
    body = {**LIMIT_BUY, **change}
    body = {k: v for k, v in body.items() if v is not None}
    before = snapshot(ex)
    answer = client.post("/v5/order/create", body)
    assert answer.status == 200
    assert (answer.code, answer.result) == (code, {}), answer
    assert fragment in answer.msg
    assert snapshot(ex) == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"qty": "2.000000"}, 170131),  # 180,000 USDT of BTC
        ({"price": "90000.005"}, 170134),
        ({"qty": "0.000010"}, 170136),
        ({"isLeverage": 1}, 10001),
    ],
)
def test_spot_refusals_use_spot_codes(client, ex, snapshot, change, code):
    before = snapshot(ex)
    answer = client.post("/v5/order/create", {**SPOT_LIMIT_BUY, **change})
    assert answer.code == code, answer
    assert snapshot(ex) == before


def test_duplicate_order_link_ids_are_refused(client, ex, snapshot):
    client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "dup"}).ok()
    client.post("/v5/order/create", {**SPOT_LIMIT_BUY, "orderLinkId": "dup-spot"}).ok()
    before = snapshot(ex)
    assert client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "dup"}).code == 110072
    assert client.post("/v5/order/create", {**SPOT_LIMIT_BUY, "orderLinkId": "dup-spot"}).code == 170141
    assert snapshot(ex) == before


def test_options_need_an_order_link_id(client, ex):
    symbol = min(m.instrument.symbol for m in ex.markets.values() if m.instrument.is_option)
    body = {"category": "option", "symbol": symbol, "side": "Buy", "orderType": "Limit", "qty": "0.10"}
    body["price"] = "5"
    answer = client.post("/v5/order/create", body)
    assert answer.code == 10001 and "orderLinkId is required for options" in answer.msg
    client.post("/v5/order/create", {**body, "orderLinkId": "opt-1"}).ok()


def test_hedge_mode_orders_need_their_position_index(client, ex):
    ex.set_position_mode("demo", "linear:BTCUSDT", PositionMode.HEDGE)
    assert client.post("/v5/order/create", LIMIT_BUY).code == 10001
    result = client.post("/v5/order/create", {**LIMIT_BUY, "positionIdx": 1}).ok()
    assert _open(ex, result["orderId"]).position_idx == 1


def test_amend_changes_price_and_quantity(client, ex):
    order_id = client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "am-1"}).ok()["orderId"]
    body = {"category": "linear", "symbol": "BTCUSDT", "orderId": order_id, "price": "89000.00"}
    assert client.post("/v5/order/amend", body).ok() == {"orderId": order_id, "orderLinkId": "am-1"}
    assert _open(ex, order_id).price == D("89000.00")
    by_link = {"category": "linear", "symbol": "BTCUSDT", "orderLinkId": "am-1", "qty": "0.020"}
    client.post("/v5/order/amend", by_link).ok()
    assert _open(ex, order_id).qty == D("0.020")


def test_amend_refusals(client, ex, snapshot):
    order_id = client.post("/v5/order/create", LIMIT_BUY).ok()["orderId"]
    spot_id = client.post("/v5/order/create", SPOT_LIMIT_BUY).ok()["orderId"]
    before = snapshot(ex)
    base = {"category": "linear", "symbol": "BTCUSDT"}
    gone = client.post("/v5/order/amend", {**base, "orderId": "nope", "price": "1.0"})
    assert (gone.code, gone.msg) == (110001, "order not exists or too late to replace")
    assert client.post("/v5/order/amend", {**base, "price": "1.0"}).code == 10001  # no id
    unchanged = client.post("/v5/order/amend", {**base, "orderId": order_id, "price": "90000.00"})
    assert unchanged.code == 10001
    assert client.post("/v5/order/amend", {**base, "orderId": order_id, "price": "x"}).code == 10001
    spot = {"category": "spot", "symbol": "BTCUSDT", "orderId": "nope", "price": "1.00"}
    assert client.post("/v5/order/amend", spot).code == 170213
    too_big = {"category": "spot", "symbol": "BTCUSDT", "orderId": spot_id, "qty": "50.000000"}
    assert client.post("/v5/order/amend", too_big).code == 170131  # 4.5M USDT at 90,000
    assert snapshot(ex) == before


def test_cancel_by_id_by_link_id_and_id_wins(client, ex):
    first = client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "c-1"}).ok()
    second = client.post("/v5/order/create", {**LIMIT_BUY, "orderLinkId": "c-2"}).ok()
    base = {"category": "linear", "symbol": "BTCUSDT"}
    # Both ids given: orderId wins (§6.15).
    answer = client.post("/v5/order/cancel", {**base, "orderId": first["orderId"], "orderLinkId": "c-2"})
    assert answer.ok() == first
    assert {o.order_id for o in ex.open_orders("demo")} == {second["orderId"]}
    assert client.post("/v5/order/cancel", {**base, "orderLinkId": "c-2"}).ok() == second
    assert ex.open_orders("demo") == []
    again = client.post("/v5/order/cancel", {**base, "orderId": first["orderId"]})
    assert (again.code, again.msg) == (110001, "order not exists or too late to cancel")
    spot = client.post("/v5/order/cancel", {"category": "spot", "symbol": "BTCUSDT", "orderId": "nope"})
    assert (spot.code, spot.msg) == (170213, "Order does not exist.")
    assert client.post("/v5/order/cancel", base).code == 10001


def test_cancel_all_by_symbol_settle_coin_and_category(client, ex):
    eth = {**LIMIT_BUY, "symbol": "ETHUSDT", "qty": "0.10", "price": "3000.00"}
    ids = [client.post("/v5/order/create", body).ok()["orderId"] for body in (LIMIT_BUY, LIMIT_BUY, eth)]
    spot_id = client.post("/v5/order/create", SPOT_LIMIT_BUY).ok()["orderId"]
    assert client.post("/v5/order/cancel-all", {"category": "linear"}).code == 10001
    by_symbol = client.post("/v5/order/cancel-all", {"category": "linear", "symbol": "BTCUSDT"}).ok()
    assert by_symbol["success"] == "1"
    assert sorted(i["orderId"] for i in by_symbol["list"]) == sorted(ids[:2])
    by_settle = client.post("/v5/order/cancel-all", {"category": "linear", "settleCoin": "USDT"}).ok()
    assert [i["orderId"] for i in by_settle["list"]] == [ids[2]]
    assert [o.order_id for o in ex.open_orders("demo")] == [spot_id]  # spot untouched
    assert (
        client.post("/v5/order/cancel-all", {"category": "linear", "settleCoin": "USDT"}).ok()["list"] == []
    )
    spot = client.post("/v5/order/cancel-all", {"category": "spot"}).ok()
    assert spot["list"] == [{"orderId": spot_id, "orderLinkId": ""}]
    assert ex.open_orders("demo") == []


def test_cancel_all_can_pick_conditional_orders(client, ex):
    plain = client.post("/v5/order/create", LIMIT_BUY).ok()["orderId"]
    stop = {**LIMIT_BUY, "orderType": "Market", "triggerPrice": "105000.0"}
    conditional = client.post("/v5/order/create", stop).ok()["orderId"]
    body = {"category": "linear", "symbol": "BTCUSDT", "stopOrderType": "Stop"}
    assert [i["orderId"] for i in client.post("/v5/order/cancel-all", body).ok()["list"]] == [conditional]
    assert [o.order_id for o in ex.open_orders("demo")] == [plain]
