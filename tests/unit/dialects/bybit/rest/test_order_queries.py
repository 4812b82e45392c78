"""Open orders, order history and executions: filters, time windows and cursor paging."""

from __future__ import annotations

import re

import pytest

from simulator.core import OrderFilled

CURSOR = re.compile(r"[A-Za-z0-9_-]*")
LIMIT_BUY = {
    "category": "linear",
    "symbol": "BTCUSDT",
    "side": "Buy",
    "orderType": "Limit",
    "qty": "0.010",
    "price": "90000.00",
}
MARKET_BUY = {"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market", "qty": "0.010"}
WEEK_S = 7 * 24 * 3600


def _place(client, ex, n: int, prefix: str = "o") -> list[str]:
    ids = []
    for i in range(n):
        body = {**LIMIT_BUY, "orderLinkId": f"{prefix}-{i}"}
        ids.append(client.post("/v5/order/create", body).ok()["orderId"])
        ex.advance(1)
    return ids


def _walk(client, path: str, query: str) -> list[dict]:
    items, cursor = [], ""
    for _ in range(20):
        result = client.get(path, query + (f"&cursor={cursor}" if cursor else "")).ok()
        items += result["list"]
        cursor = result["nextPageCursor"]
        assert CURSOR.fullmatch(cursor)
        if not cursor:
            return items
    raise AssertionError("the cursor never ran out")


def test_realtime_lists_open_orders_newest_first_in_pages(client, ex):
    ids = _place(client, ex, 5)
    first = client.get("/v5/order/realtime", "category=linear&settleCoin=USDT&limit=2").ok()
    assert [o["orderId"] for o in first["list"]] == ids[::-1][:2]
    walked = _walk(client, "/v5/order/realtime", "category=linear&symbol=BTCUSDT&limit=2")
    assert [o["orderId"] for o in walked] == ids[::-1]
    assert {o["orderStatus"] for o in walked} == {"New"}
    # An order placed between two pages neither repeats an item nor hides one.
    page = client.get("/v5/order/realtime", "category=linear&symbol=BTCUSDT&limit=2").ok()
    newer = _place(client, ex, 1, prefix="newer")
    rest = client.get(
        "/v5/order/realtime", f"category=linear&symbol=BTCUSDT&limit=10&cursor={page['nextPageCursor']}"
    ).ok()["list"]
    assert [o["orderId"] for o in rest] == ids[::-1][2:]
    assert newer[0] not in {o["orderId"] for o in rest}


def test_realtime_filters(client, ex):
    ids = _place(client, ex, 2)
    spot = {**LIMIT_BUY, "category": "spot", "qty": "0.010000"}
    spot_id = client.post("/v5/order/create", spot).ok()["orderId"]
    linear = client.get("/v5/order/realtime", "category=linear&baseCoin=BTC").ok()["list"]
    assert sorted(o["orderId"] for o in linear) == sorted(ids)
    # §6.18: clients send settleCoin on spot, which has none: ignored.
    spot_listed = client.get("/v5/order/realtime", "category=spot&settleCoin=USDT").ok()["list"]
    assert [o["orderId"] for o in spot_listed] == [spot_id]
    assert "tpslMode" not in spot_listed[0] and "tpslMode" in linear[0]
    assert client.get("/v5/order/realtime", "category=linear&symbol=ETHUSDT").ok()["list"] == []
    missing = client.get("/v5/order/realtime", "category=linear")
    assert missing.code == 10001 and "symbol, baseCoin or settleCoin is required" in missing.msg


def test_realtime_order_id_overrides_and_open_only_lists_closed_orders(client, ex):
    ids = _place(client, ex, 2)
    client.post("/v5/order/cancel", {"category": "linear", "symbol": "BTCUSDT", "orderId": ids[0]}).ok()
    one = client.get("/v5/order/realtime", f"category=linear&orderId={ids[0]}").ok()["list"]
    assert [(o["orderId"], o["orderStatus"], o["cancelType"]) for o in one] == [
        (ids[0], "Cancelled", "CancelByUser")
    ]
    by_link = client.get("/v5/order/realtime", "category=linear&orderLinkId=o-1&openOnly=1").ok()["list"]
    assert [o["orderId"] for o in by_link] == [ids[1]]
    closed = client.get("/v5/order/realtime", "category=linear&settleCoin=USDT&openOnly=1").ok()["list"]
    assert [o["orderId"] for o in closed] == [ids[0]]
    assert client.get("/v5/order/realtime", "category=linear&orderId=unknown").ok()["list"] == []


def test_history_by_status_and_time_window(client, ex):
    ids = _place(client, ex, 2)
    client.post("/v5/order/cancel", {"category": "linear", "symbol": "BTCUSDT", "orderId": ids[0]}).ok()
    client.post("/v5/order/create", MARKET_BUY).ok()
    every = client.get("/v5/order/history", "category=linear&openOnly=0&limit=50").ok()["list"]
    assert [o["orderStatus"] for o in every] == ["Filled", "New", "Cancelled"]
    filled = client.get("/v5/order/history", "category=linear&orderStatus=Filled").ok()["list"]
    assert [o["orderStatus"] for o in filled] == ["Filled"]
    cancelled = client.get("/v5/order/history", "category=linear&symbol=BTCUSDT&orderStatus=Cancelled").ok()
    assert [o["orderId"] for o in cancelled["list"]] == [ids[0]]
    assert client.get("/v5/order/history", "category=linear&orderStatus=Done").code == 10001
    created = int(every[-1]["createdTime"])
    window = client.get("/v5/order/history", f"category=linear&startTime={created}&endtime={created}").ok()
    assert [o["orderId"] for o in window["list"]] == [ids[0]]  # the misspelled endtime is honoured
    too_long = client.get("/v5/order/history", f"category=linear&startTime=0&endTime={8 * WEEK_S * 1000}")
    assert too_long.code == 10001 and "7 days" in too_long.msg
    backwards = client.get("/v5/order/history", "category=linear&startTime=5000&endTime=4000")
    assert backwards.code == 10001
    ex.advance(WEEK_S + 60)
    assert client.get("/v5/order/history", "category=linear").ok()["list"] == []  # default: last 7 days


def test_history_pages(client, ex):
    ids = _place(client, ex, 5)
    client.post("/v5/order/cancel-all", {"category": "linear", "symbol": "BTCUSDT"}).ok()
    walked = _walk(client, "/v5/order/history", "category=linear&limit=2")
    assert [o["orderId"] for o in walked] == ids[::-1]


def test_executions_carry_their_fill_seq(client, ex):
    events: list = []
    ex.subscribe(events.append)
    order_id = client.post("/v5/order/create", {**MARKET_BUY, "qty": "3.000"}).ok()["orderId"]
    fills = [e for e in events if isinstance(e, OrderFilled) and e.order.account_id == "demo"]
    assert len(fills) > 1  # the order walked several levels
    listed = client.get("/v5/execution/list", "category=linear&limit=100").ok()["list"]
    assert sorted((i["execId"], i["seq"]) for i in listed) == sorted((e.fill.trade_id, e.seq) for e in fills)
    assert {i["orderId"] for i in listed} == {order_id}
    assert all(i["execType"] == "Trade" and i["createType"] == "CreateByUser" for i in listed)
    assert client.get("/v5/execution/list", "category=linear&execType=Funding").ok()["list"] == []
    assert client.get("/v5/execution/list", "category=linear&orderId=other").ok()["list"] == []
    assert client.get("/v5/execution/list", "category=spot").ok()["list"] == []
    walked = _walk(client, "/v5/execution/list", "execType=Trade&symbol=BTCUSDT&category=linear&limit=1")
    assert [i["execId"] for i in walked] == [i["execId"] for i in listed]


def test_spot_executions_have_no_create_type(client):
    spot = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market", "qty": "100"}
    client.post("/v5/order/create", spot).ok()
    listed = client.get("/v5/execution/list", "category=spot").ok()["list"]
    assert listed and all("createType" not in i for i in listed)


@pytest.mark.parametrize("path", ["/v5/order/realtime", "/v5/order/history", "/v5/execution/list"])
def test_queries_refuse_foreign_cursors(client, path):
    answer = client.get(path, "category=linear&settleCoin=USDT&cursor=WyJ4Il0")
    assert answer.code in (0, 10001)  # an empty list ends at any well-formed cursor
    answer = client.get(path, "category=linear&settleCoin=USDT&cursor=not%20a%20cursor")
    assert answer.code == 10001 and "cursor" in answer.msg
