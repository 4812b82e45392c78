"""Injected per-item refusals (``item_errors``, the ``batch_item_error`` fault): the refused item
is answered in ``retExtInfo.list[i]`` without reaching the core; the other items act."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson

from simulator.core import Exchange
from simulator.dialects.bybit.errors import Operation, venue_message

ACCOUNT = "demo"
ITEM = {"symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.010"}


def _post(client: Any, path: str, payload: dict[str, Any], item_errors: Any) -> dict[str, Any]:
    body = orjson.dumps(payload)
    reply = client.api.handle("POST", path, "", client.signed_headers(body), body, item_errors=item_errors)
    assert reply.status == 200
    answer: dict[str, Any] = orjson.loads(reply.body)
    assert answer["retCode"] == 0, answer
    return answer


def _open(ex: Exchange) -> dict[str, Decimal | None]:
    return {o.client_order_id: o.price for o in ex.open_orders(ACCOUNT, "linear:BTCUSDT")}


def _rest_three(client: Any) -> list[str]:
    request = [
        {**ITEM, "price": price, "orderLinkId": f"r-{n}"}
        for n, price in enumerate(("80000", "79000", "78000"), 1)
    ]
    answer = client.post("/v5/order/create-batch", {"category": "linear", "request": request})
    assert [e["code"] for e in answer.ext["list"]] == [0, 0, 0]
    return [item["orderId"] for item in answer.ok()["list"]]


def test_create_batch_refuses_item_2_and_places_the_others(client: Any, ex: Exchange) -> None:
    before = _open(ex)
    request = [{**ITEM, "price": "80000", "orderLinkId": f"c-{n}"} for n in (1, 2, 3)]
    answer = _post(
        client, "/v5/order/create-batch", {"category": "linear", "request": request}, {1: (10001, None)}
    )
    assert answer["retExtInfo"]["list"] == [
        {"code": 0, "msg": "OK"},
        {"code": 10001, "msg": "params error"},
        {"code": 0, "msg": "OK"},
    ]
    items = answer["result"]["list"]
    assert [(bool(i["orderId"]), i["orderLinkId"], i["createAt"] != "") for i in items] == [
        (True, "c-1", True),
        (False, "c-2", False),
        (True, "c-3", True),
    ]
    assert set(_open(ex)) - set(before) == {"c-1", "c-3"}


def test_cancel_batch_refuses_item_2_without_the_core_and_cancels_the_others(
    client: Any, ex: Exchange
) -> None:
    ids = _rest_three(client)
    request = [{"symbol": "BTCUSDT", "orderId": order_id} for order_id in ids]
    answer = _post(
        client, "/v5/order/cancel-batch", {"category": "linear", "request": request}, {1: (110001, None)}
    )
    assert answer["retExtInfo"]["list"] == [
        {"code": 0, "msg": "OK"},
        {"code": 110001, "msg": "order not exists or too late to cancel"},
        {"code": 0, "msg": "OK"},
    ]
    assert [i["orderId"] for i in answer["result"]["list"]] == [ids[0], "", ids[2]]
    still = _open(ex)
    assert "r-2" in still and "r-1" not in still and "r-3" not in still
    assert ex.order(ACCOUNT, ids[1]).status.value == "new"  # untouched


def test_amend_batch_uses_the_amend_message_and_a_position_past_the_batch_changes_nothing(
    client: Any, ex: Exchange
) -> None:
    ids = _rest_three(client)
    request = [{"symbol": "BTCUSDT", "orderId": order_id, "price": "70000"} for order_id in ids]
    answer = _post(
        client,
        "/v5/order/amend-batch",
        {"category": "linear", "request": request},
        {0: (110001, None), 1: (170213, "refused here"), 7: (10001, "never used")},
    )
    assert answer["retExtInfo"]["list"] == [
        {"code": 110001, "msg": "order not exists or too late to replace"},
        {"code": 170213, "msg": "refused here"},
        {"code": 0, "msg": "OK"},
    ]
    prices = _open(ex)
    assert (prices["r-1"], prices["r-2"], prices["r-3"]) == (Decimal(80000), Decimal(79000), Decimal(70000))


def test_an_unknown_code_gets_a_neutral_message_and_single_routes_ignore_item_errors(
    client: Any, ex: Exchange
) -> None:
    ids = _rest_three(client)
    answer = _post(
        client,
        "/v5/order/cancel-batch",
        {"category": "linear", "request": [{"symbol": "BTCUSDT", "orderId": ids[0]}]},
        {0: (424242, None)},
    )
    assert answer["retExtInfo"]["list"] == [{"code": 424242, "msg": "injected error"}]
    answer = _post(
        client,
        "/v5/order/cancel",
        {"category": "linear", "symbol": "BTCUSDT", "orderId": ids[1]},
        {0: (10001, "not for single orders")},
    )
    assert answer["result"]["orderId"] == ids[1]
    assert set(_open(ex)) >= {"r-1"} and "r-2" not in _open(ex)


def test_venue_message_knows_the_operation_and_the_params_error_stem() -> None:
    assert venue_message(110001, operation=Operation.AMEND) == "order not exists or too late to replace"
    assert venue_message(110001, operation=Operation.CANCEL) == "order not exists or too late to cancel"
    assert venue_message(110001) == "order not exists or too late to cancel"
    assert venue_message(10001) == "params error"
    assert venue_message(170213) == "Order does not exist."
    assert venue_message(424242) is None
