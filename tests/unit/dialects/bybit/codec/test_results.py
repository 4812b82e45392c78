"""REST envelope and shared result shapes (§2, §6.13-§6.17)."""

from __future__ import annotations

import pytest

from simulator.core import OrderStatus
from simulator.dialects.bybit.codec import results


def test_envelope() -> None:
    assert results.rest_envelope({"a": 1}, 1672211918471) == {
        "retCode": 0,
        "retMsg": "OK",
        "result": {"a": 1},
        "retExtInfo": {},
        "time": 1672211918471,
    }
    error = results.rest_envelope({}, 1, ret_code=110001, ret_msg="order not exists or too late to cancel")
    assert error["retCode"] == 110001 and error["result"] == {}


@pytest.mark.parametrize(("result", "code", "time"), [([], 0, 1), (None, 0, 1), ({}, "0", 1), ({}, 0, "1")])
def test_envelope_refuses_wrong_types(result, code, time) -> None:
    """Rules 2-4: result is an object; retCode and time are ints."""
    with pytest.raises(TypeError):
        results.rest_envelope(result, time, ret_code=code)


def test_list_result() -> None:
    assert list(results.list_result("linear", [1])) == ["category", "list", "nextPageCursor"]
    assert results.list_result("linear", [], cursor="abc-_1")["nextPageCursor"] == "abc-_1"
    assert "nextPageCursor" not in results.list_result("spot", [], cursor=None)
    assert "category" not in results.list_result(None, [])


@pytest.mark.parametrize(("category", "has_category"), [("spot", True), ("option", True), ("linear", False)])
def test_fee_rate_result(category, has_category) -> None:
    result = results.fee_rate_result(category, [])
    assert ("category" in result) == has_category
    assert "nextPageCursor" not in result


def test_kline_result() -> None:
    assert results.kline_result("BTCUSDT", "linear", [["1"]]) == {
        "symbol": "BTCUSDT",
        "category": "linear",
        "list": [["1"]],
    }


def test_order_ack_and_cancel_all(order_view) -> None:
    assert results.order_ack("1", "") == {"orderId": "1", "orderLinkId": ""}
    views = [order_view(order_id="1"), order_view(order_id="2", client_order_id="")]
    assert results.cancel_all_result(views) == {
        "list": [{"orderId": "1", "orderLinkId": "cli-1"}, {"orderId": "2", "orderLinkId": ""}],
        "success": "1",
    }


def test_batch_items(order_view) -> None:
    ok = results.batch_item(
        order_view(status=OrderStatus.NEW), category="linear", symbol="BTCUSDT", order_link_id="x"
    )
    assert ok == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderId": "1000",
        "orderLinkId": "cli-1",
        "createAt": "1767225600000",
    }
    failed = results.batch_item(None, category="linear", symbol="BTCUSDT", order_link_id="batch-001")
    assert failed == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "orderId": "",
        "orderLinkId": "batch-001",  # failures echo the client's id (§6.17)
        "createAt": "",
    }
    cancel = results.batch_item(
        None, category="spot", symbol="BTCUSDT", order_link_id="a", with_create_at=False
    )
    assert "createAt" not in cancel
    assert results.batch_result([ok]) == {"list": [ok]}
    ext = results.batch_ext_info([(0, "OK"), (10001, "position idx not match position mode")])
    assert ext == {
        "list": [{"code": 0, "msg": "OK"}, {"code": 10001, "msg": "position idx not match position mode"}]
    }
    assert all(type(item["code"]) is int for item in ext["list"])
