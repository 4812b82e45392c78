"""TradeOps: order entry over /v5/trade answers as REST does, in the trade stream's shape (§7.7):
reqId echo, header rate-limit fields, the venue's error codes, batches with per-item outcomes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from simulator.core import Exchange, OrderStatus
from simulator.dialects.bybit.auth import Credentials
from simulator.dialects.bybit.codec.schemas import validate
from simulator.dialects.bybit.limits import RateLimiter
from simulator.dialects.bybit.ws.trade_ops import CONN_ID_PLACEHOLDER, TradeOps

HEADER_KEYS = ["X-Bapi-Limit", "X-Bapi-Limit-Status", "X-Bapi-Limit-Reset-Timestamp", "Traceid", "Timenow"]


def send(ops: TradeOps, op: str, body: Any, now: int, **extra: Any) -> dict[str, Any]:
    """One request as pybit builds it (int timestamp, no recv window), answer schema-checked."""
    request: dict[str, Any] = {"header": {"X-BAPI-TIMESTAMP": now}, "op": op, "args": [body], **extra}
    answer = ops.handle(request)
    validate("ws_trade_response", answer)
    assert answer["connId"] == CONN_ID_PLACEHOLDER
    assert list(answer["header"]) == HEADER_KEYS
    assert answer["header"]["Timenow"] == str(ops.now_ms())
    return answer


def state(ex: Exchange) -> tuple[Any, ...]:
    """What a refused request must leave as it was: every account's orders and balances."""
    return tuple(
        (account_id, sorted(o.order_id for o in ex.open_orders(account_id)), ex.balances(account_id))
        for account_id in sorted(ex.accounts)
    )


def resting(ex: Exchange, symbol: str = "BTCUSDT", category: str = "linear", **extra: Any) -> dict[str, Any]:
    below = (
        ex.book(f"{category}:{symbol}", 1).bids[0][0] - 50 * ex.instrument(f"{category}:{symbol}").tick_size
    )
    qty = "0.01" if category in ("linear", "spot") else "100"
    return {
        "category": category,
        "symbol": symbol,
        "side": "Buy",
        "orderType": "Limit",
        "qty": qty,
        "price": str(below),
        **extra,
    }


# -- success ---------------------------------------------------------------------------------------


def test_create_amend_cancel_change_the_venue_and_answer_the_ids(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    ops = make_ops()
    created = send(ops, "order.create", resting(ex, orderLinkId="ws-1"), now_ms(), reqId="c-1")
    assert (created["reqId"], created["retCode"], created["retMsg"], created["op"]) == (
        "c-1",
        0,
        "OK",
        "order.create",
    )
    order_id = created["data"]["orderId"]
    assert created["data"] == {"orderId": order_id, "orderLinkId": "ws-1"}
    assert created["retExtInfo"] == {}
    view = ex.order("demo", order_id)
    assert (view.status, view.client_order_id, view.qty) == (OrderStatus.NEW, "ws-1", Decimal("0.01"))

    new_price = str(view.price - 1)
    amend = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderLinkId": "ws-1",
        "price": new_price,
        "qty": "0.02",
    }
    amended = send(ops, "order.amend", amend, now_ms(), reqId="a-1")
    assert (amended["retCode"], amended["data"]) == (0, {"orderId": order_id, "orderLinkId": "ws-1"})
    view = ex.order("demo", order_id)
    assert (view.price, view.qty) == (Decimal(new_price), Decimal("0.02"))

    cancel = {"category": "linear", "symbol": "BTCUSDT", "orderId": order_id}
    cancelled = send(ops, "order.cancel", cancel, now_ms(), reqId="x-1")
    assert (cancelled["retCode"], cancelled["data"]["orderId"]) == (0, order_id)
    assert ex.order("demo", order_id).status is OrderStatus.CANCELLED


@pytest.mark.parametrize("req_id", ["uuid-like-0f3c", "7", 7, 0, ""])
def test_req_id_is_echoed_with_its_json_type(
    req_id: object, ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    answer = send(make_ops(), "order.create", resting(ex), now_ms(), reqId=req_id)
    assert answer["retCode"] == 0
    assert type(answer["reqId"]) is type(req_id) and answer["reqId"] == req_id
    assert next(iter(answer)) == "reqId"


def test_no_req_id_no_echo(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    answer = send(make_ops(), "order.create", resting(ex), now_ms())
    assert answer["retCode"] == 0
    assert "reqId" not in answer


def test_string_timestamps_and_a_recv_window_are_accepted(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    now = now_ms()
    request = {
        "reqId": "s-1",
        "header": {"X-BAPI-TIMESTAMP": str(now - 7000), "X-BAPI-RECV-WINDOW": "8000", "Referer": "bot-001"},
        "op": "order.create",
        "args": [resting(ex)],
    }
    answer = make_ops().handle(request)
    validate("ws_trade_response", answer)
    assert answer["retCode"] == 0, answer


# -- batches --------------------------------------------------------------------------------------


def test_a_batch_with_failures_answers_each_item_and_keeps_the_good_ones(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int], rest: Any
) -> None:
    good = resting(ex, orderLinkId="b-good")
    items = [
        {k: v for k, v in good.items() if k != "category"},
        {**good, "symbol": "NOPEUSDT", "orderLinkId": "b-bad-symbol"},
        {**good, "orderLinkId": "b-good"},  # the same orderLinkId again: 110072
        {k: v for k, v in good.items() if k not in ("category", "side")} | {"orderLinkId": "b-no-side"},
    ]
    answer = send(
        make_ops(), "order.create-batch", {"category": "linear", "request": items}, now_ms(), reqId="b-1"
    )
    assert answer["retCode"] == 0
    listed, outcomes = answer["data"]["list"], answer["retExtInfo"]["list"]
    assert [o["code"] for o in outcomes] == [0, 10001, 110072, 10001]
    assert [i["orderLinkId"] for i in listed] == ["b-good", "b-bad-symbol", "b-good", "b-no-side"]
    order_id = listed[0]["orderId"]
    assert order_id and all(i["orderId"] == "" for i in listed[1:])
    assert ex.order("demo", order_id).client_order_id == "b-good"
    assert [o.order_id for o in ex.open_orders("demo")] == [order_id]
    # The same batch on REST (after the WS one) gets the same per-item codes but the first, now a duplicate.
    again = rest.post("/v5/order/create-batch", {"category": "linear", "request": items})
    assert [o["code"] for o in again["retExtInfo"]["list"]] == [110072, 10001, 110072, 10001]
    assert [o["msg"] for o in again["retExtInfo"]["list"]][1:] == [o["msg"] for o in outcomes][1:]


def test_amend_and_cancel_batches(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    ops = make_ops()
    ids = [
        send(ops, "order.create", resting(ex, orderLinkId=f"k-{n}"), now_ms())["data"]["orderId"]
        for n in range(2)
    ]
    price = str(ex.order("demo", ids[0]).price - 2)
    amends = [
        {"symbol": "BTCUSDT", "orderId": ids[0], "price": price},
        {"symbol": "BTCUSDT", "orderId": "missing"},
    ]
    amended = send(ops, "order.amend-batch", {"category": "linear", "request": amends}, now_ms())
    assert [o["code"] for o in amended["retExtInfo"]["list"]] == [0, 110001]
    assert ex.order("demo", ids[0]).price == Decimal(price)
    cancels = [{"symbol": "BTCUSDT", "orderId": i} for i in (*ids, "missing")]
    cancelled = send(ops, "order.cancel-batch", {"category": "linear", "request": cancels}, now_ms())
    assert [o["code"] for o in cancelled["retExtInfo"]["list"]] == [0, 0, 110001]
    assert [i["orderId"] for i in cancelled["data"]["list"]] == [*ids, ""]
    assert ex.open_orders("demo") == []


def test_a_batch_refused_as_a_whole_keeps_the_batch_shape(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    too_many = [resting(ex, orderLinkId=f"m-{n}") for n in range(21)]
    answer = send(make_ops(), "order.create-batch", {"category": "linear", "request": too_many}, now_ms())
    assert answer["retCode"] == 10001 and "at most 20" in answer["retMsg"]
    assert answer["data"] == {"list": []} and answer["retExtInfo"] == {"list": []}
    assert ex.open_orders("demo") == []


# -- venue errors ---------------------------------------------------------------------------------


def _bad_bodies(ex: Exchange) -> list[tuple[str, dict[str, Any], int]]:
    spot_bid = ex.book("spot:BTCUSDT", 1).bids[0][0]
    return [
        ("order.create", {**resting(ex), "side": None}, 10001),
        ("order.create", {**resting(ex), "symbol": "NOPEUSDT"}, 10001),
        ("order.create", {**resting(ex), "category": "futures"}, 10001),
        ("order.create", {**resting(ex), "orderLinkId": "bad id!"}, 10001),
        ("order.create", {**resting(ex), "qty": "1000"}, 110007),
        (
            "order.create",
            {**resting(ex, "BTCUSDT", "spot"), "qty": "50", "price": str(spot_bid)},
            170131,
        ),
        ("order.amend", {"category": "linear", "symbol": "BTCUSDT", "orderId": "nope", "price": "1"}, 110001),
        ("order.cancel", {"category": "linear", "symbol": "BTCUSDT", "orderId": "nope"}, 110001),
        ("order.cancel", {"category": "spot", "symbol": "BTCUSDT", "orderId": "nope"}, 170213),
        ("order.cancel", {"category": "linear", "symbol": "BTCUSDT"}, 10001),
    ]


def test_each_venue_error_is_the_rest_answer_in_the_trade_shape(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int], rest: Any
) -> None:
    ops = make_ops()
    before = state(ex)
    for n, (op, body, code) in enumerate(_bad_bodies(ex)):
        answer = send(ops, op, body, now_ms(), reqId=n)
        path = "/v5/" + op.replace(".", "/")
        reference = rest.post(path, body)
        assert (answer["retCode"], answer["retMsg"]) == (reference["retCode"], reference["retMsg"]), op
        assert answer["retCode"] == code, (op, body, answer)
        assert (answer["reqId"], answer["op"], answer["data"], answer["retExtInfo"]) == (n, op, {}, {})
    assert state(ex) == before


def test_a_duplicate_req_id_is_refused(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    ops = make_ops()
    assert send(ops, "order.create", resting(ex), now_ms(), reqId="dup")["retCode"] == 0
    again = send(ops, "order.create", resting(ex), now_ms(), reqId="dup")
    assert (again["retCode"], again["reqId"]) == (20006, "dup")
    # The same id with another JSON type, and the same id on another connection, are new.
    assert send(ops, "order.create", resting(ex), now_ms(), reqId=7)["retCode"] == 0
    assert send(ops, "order.create", resting(ex), now_ms(), reqId="7")["retCode"] == 0
    assert send(make_ops(), "order.create", resting(ex), now_ms(), reqId="dup")["retCode"] == 0
    assert len(ex.open_orders("demo")) == 4


@pytest.mark.parametrize("req_id", ["x" * 37, ["a"], {"a": 1}, True, None])
def test_a_malformed_req_id_is_a_params_error_echoed_as_sent(
    req_id: object, ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    answer = send(make_ops(), "order.create", resting(ex), now_ms(), reqId=req_id)
    assert answer["retCode"] == 10001 and "reqId" in answer["retMsg"]
    assert answer["reqId"] == req_id
    assert ex.open_orders("demo") == []


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, 10001),
        ({}, 10001),
        ({"X-BAPI-TIMESTAMP": "soon"}, 10002),
        ({"X-BAPI-TIMESTAMP": -6000}, 10002),  # relative to now: too old for the default 5000 window
        ({"X-BAPI-TIMESTAMP": 1000}, 10002),  # relative to now: ahead by the 1000 ms tolerance
        ({"X-BAPI-TIMESTAMP": 0, "X-BAPI-RECV-WINDOW": "0"}, 10001),
    ],
)
def test_the_timestamp_rule_is_the_rest_one(
    header: dict[str, Any] | None,
    code: int,
    ex: Exchange,
    make_ops: Callable[..., TradeOps],
    now_ms: Callable[[], int],
) -> None:
    now = now_ms()
    request: dict[str, Any] = {"op": "order.create", "args": [resting(ex)], "reqId": "t"}
    if header is not None:
        stamp = header.get("X-BAPI-TIMESTAMP")
        request["header"] = {**header} | ({"X-BAPI-TIMESTAMP": now + stamp} if type(stamp) is int else {})
    answer = make_ops().handle(request)
    validate("ws_trade_response", answer)
    assert answer["retCode"] == code, answer
    if code == 10002:
        assert f"server_timestamp[{now}]" in answer["retMsg"]
    assert ex.open_orders("demo") == []


@pytest.mark.parametrize("args", [None, [], [1], ["x"], [{}, {}], {"category": "linear"}])
def test_args_must_hold_one_object(
    args: object, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    answer = make_ops().handle({"op": "order.create", "args": args, "header": {"X-BAPI-TIMESTAMP": now_ms()}})
    validate("ws_trade_response", answer)
    assert answer["retCode"] == 10001 and "args" in answer["retMsg"]


def test_key_problems(
    ex: Exchange, credentials: Credentials, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    read_only = send(make_ops("READONLYKEY0000001"), "order.create", resting(ex), now_ms())
    assert read_only["retCode"] == 10005
    ops = make_ops("OTHERKEY0000000001")
    assert send(ops, "order.create", resting(ex), now_ms())["retCode"] == 0
    credentials.remove("OTHERKEY0000000001")
    assert send(ops, "order.create", resting(ex), now_ms())["retCode"] == 10003
    assert len(ex.open_orders("other")) == 1 and ex.open_orders("demo") == []
    credentials.add("GHOSTKEY0000000001", "GHOSTSECRET0000000000000000000001", "ghost")
    assert send(make_ops("GHOSTKEY0000000001"), "order.create", resting(ex), now_ms())["retCode"] == 10007


def test_an_unknown_op_is_10404(make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]) -> None:
    ops = make_ops()
    answer = ops.handle(
        {"reqId": 3, "op": "order.replace", "args": [{}], "header": {"X-BAPI-TIMESTAMP": now_ms()}}
    )
    assert answer == {
        "reqId": 3,
        "retCode": 10404,
        "retMsg": "op not found",
        "op": "order.replace",
        "data": {},
        "retExtInfo": {},
        "connId": "",
    }
    assert ops.handle({"op": 5})["op"] == ""
    expected = {"order.create", "order.amend", "order.cancel"}
    assert set(ops.OPS) == expected | {f"{op}-batch" for op in expected}


# -- rate limits ------------------------------------------------------------------------------------


def test_the_header_counts_the_op_quota_down_and_refuses_when_spent(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    ops = make_ops(limiter=RateLimiter())  # the venue's quotas: linear order/create 10 a second
    now = now_ms()
    statuses = []
    for n in range(10):
        answer = send(ops, "order.create", resting(ex, orderLinkId=f"r-{n}"), now, reqId=n)
        assert answer["retCode"] == 0, answer
        header = answer["header"]
        assert (header["X-Bapi-Limit"], header["X-Bapi-Limit-Reset-Timestamp"]) == ("10", str(now))
        statuses.append(int(header["X-Bapi-Limit-Status"]))
        assert len(header["Traceid"]) == 32
    assert statuses == list(range(9, -1, -1))
    refused = send(ops, "order.create", resting(ex, orderLinkId="r-x"), now, reqId="over")
    assert (refused["retCode"], refused["retMsg"]) == (10006, "Too many visits!")
    assert refused["header"]["X-Bapi-Limit-Status"] == "0"
    assert int(refused["header"]["X-Bapi-Limit-Reset-Timestamp"]) > now
    assert len(ex.open_orders("demo")) == 10
    # Spot has its own window (20), and amend its own quota.
    spot = send(ops, "order.create", resting(ex, "BTCUSDT", "spot"), now)
    assert (spot["retCode"], spot["header"]["X-Bapi-Limit"], spot["header"]["X-Bapi-Limit-Status"]) == (
        0,
        "20",
        "19",
    )
    # A second later the window has rolled.
    ex.advance(1)
    later = send(ops, "order.create", resting(ex, orderLinkId="r-later"), now_ms())
    assert (later["retCode"], later["header"]["X-Bapi-Limit-Status"]) == (0, "9")


def test_refused_requests_still_carry_the_quota_header(
    ex: Exchange, make_ops: Callable[..., TradeOps], now_ms: Callable[[], int]
) -> None:
    ops = make_ops(limiter=RateLimiter())
    now = now_ms()
    stale = send(ops, "order.create", resting(ex), now - 60_000)
    assert stale["retCode"] == 10002
    assert (stale["header"]["X-Bapi-Limit"], stale["header"]["X-Bapi-Limit-Status"]) == ("10", "10")
