"""Batch order entry (§6.17): index-aligned lists, retCode 0 however many items fail, size limits."""

from __future__ import annotations

from decimal import Decimal

import pytest

D = Decimal
ITEM = {"symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.010", "price": "90000.00"}


def _codes(answer) -> list[int]:
    return [entry["code"] for entry in answer.ext["list"]]


def test_create_batch_runs_each_item_on_its_own(client, ex):
    best_ask = str(ex.book("linear:BTCUSDT", 1).asks[0][0])
    request = [
        {**ITEM, "orderLinkId": "b-0"},
        {**ITEM, "orderLinkId": "b-0"},  # duplicate of the first
        "not an object",
        {**ITEM, "symbol": "NOPEUSDT", "orderLinkId": "b-3"},
        {**ITEM, "price": best_ask, "timeInForce": "PostOnly", "orderLinkId": "b-4"},  # accepted, cancelled
        {**ITEM, "qty": "1000", "orderLinkId": "b-5"},  # unaffordable
        {**ITEM, "price": "89000.00", "orderLinkId": "b-6"},
    ]
    answer = client.post("/v5/order/create-batch", {"category": "linear", "request": request})
    items = answer.ok()["list"]
    assert _codes(answer) == [0, 110072, 10001, 10001, 0, 110007, 0]
    assert "Not supported symbols" in answer.ext["list"][3]["msg"]
    assert [i["orderLinkId"] for i in items] == ["b-0", "b-0", "", "b-3", "b-4", "b-5", "b-6"]
    assert [bool(i["orderId"]) for i in items] == [True, False, False, False, True, False, True]
    assert [i["symbol"] for i in items] == [
        "BTCUSDT",
        "BTCUSDT",
        "",
        "NOPEUSDT",
        "BTCUSDT",
        "BTCUSDT",
        "BTCUSDT",
    ]
    assert all(i["category"] == "linear" for i in items)
    assert items[0]["createAt"] and items[1]["createAt"] == ""
    open_links = sorted(o.client_order_id for o in ex.open_orders("demo"))
    assert open_links == ["b-0", "b-6"]


@pytest.mark.parametrize(
    ("category", "count", "symbol"),
    [("linear", 21, "BTCUSDT"), ("spot", 11, "BTCUSDT")],
)
def test_a_batch_over_the_limit_is_refused_whole(client, ex, snapshot, category, count, symbol):
    before = snapshot(ex)
    request = [{**ITEM, "symbol": symbol, "qty": "0.010000" if category == "spot" else "0.010"}] * count
    answer = client.post("/v5/order/create-batch", {"category": category, "request": request})
    assert answer.code == 10001 and f"at most {count - 1} items" in answer.msg
    assert snapshot(ex) == before
    fits = client.post("/v5/order/create-batch", {"category": category, "request": request[: count - 1]})
    assert _codes(fits) == [0] * (count - 1)


@pytest.mark.parametrize("request_value", [None, [], {"symbol": "BTCUSDT"}, "orders"])
def test_a_batch_needs_a_list_of_requests(client, ex, snapshot, request_value):
    before = snapshot(ex)
    body = (
        {"category": "linear"} if request_value is None else {"category": "linear", "request": request_value}
    )
    answer = client.post("/v5/order/create-batch", body)
    assert answer.code == 10001 and "request must be a non-empty list" in answer.msg
    assert snapshot(ex) == before


def test_amend_batch(client, ex):
    created = client.post(
        "/v5/order/create-batch",
        {"category": "linear", "request": [{**ITEM, "orderLinkId": "a-0"}, {**ITEM, "orderLinkId": "a-1"}]},
    ).ok()["list"]
    request = [
        {"symbol": "BTCUSDT", "orderId": created[0]["orderId"], "price": "88000.00"},
        {"symbol": "BTCUSDT", "orderLinkId": "a-1", "qty": "0.030"},
        {"symbol": "BTCUSDT", "orderLinkId": "a-9", "qty": "0.030"},
    ]
    answer = client.post("/v5/order/amend-batch", {"category": "linear", "request": request})
    items = answer.ok()["list"]
    assert _codes(answer) == [0, 0, 110001]
    assert [i["orderLinkId"] for i in items] == ["a-0", "a-1", "a-9"]
    assert [i["orderId"] for i in items] == [created[0]["orderId"], created[1]["orderId"], ""]
    orders = {o.client_order_id: o for o in ex.open_orders("demo")}
    assert (orders["a-0"].price, orders["a-1"].qty) == (D("88000.00"), D("0.030"))


def test_cancel_batch_reports_unknown_orders_per_category(client, ex):
    order_id = client.post("/v5/order/create", {"category": "linear", **ITEM}).ok()["orderId"]
    request = [{"symbol": "BTCUSDT", "orderId": order_id}, {"symbol": "BTCUSDT", "orderLinkId": "gone"}]
    answer = client.post("/v5/order/cancel-batch", {"category": "linear", "request": request})
    items = answer.ok()["list"]
    assert _codes(answer) == [0, 110001]
    assert all("createAt" not in i for i in items)
    assert ex.open_orders("demo") == []
    spot = client.post(
        "/v5/order/cancel-batch",
        {"category": "spot", "request": [{"symbol": "BTCUSDT", "orderLinkId": "spot-btc-04"}]},
    )
    assert spot.ext["list"] == [{"code": 170213, "msg": "Order does not exist."}]
    assert spot.ok()["list"] == [
        {"category": "spot", "symbol": "BTCUSDT", "orderId": "", "orderLinkId": "spot-btc-04"}
    ]
