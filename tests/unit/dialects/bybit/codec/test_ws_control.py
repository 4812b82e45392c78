"""Subscribe acks, pongs and trade-stream responses: one shape per socket, req_id echoed as sent."""

from __future__ import annotations

import orjson
import pytest

from simulator.core import NS_PER_MS
from simulator.dialects.bybit.codec import ws_control
from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID

NOW = 1_675_418_560_633 * NS_PER_MS


@pytest.mark.parametrize("req_id", [7, "7", "eb1b51d4-3c65-4056-85f7-952516e8d1e7", "", 0, None])
@pytest.mark.parametrize("socket", ["spot", "linear", "inverse", "option", "private"])
def test_req_id_is_echoed_with_its_json_type(socket, req_id) -> None:
    """Rule 28: byte for byte, same JSON type."""
    ack = ws_control.subscribe_ack(socket, conn_id="c", req_id=req_id, topics=["t"])
    assert ack["req_id"] == req_id and type(ack["req_id"]) is type(req_id)
    assert orjson.dumps(req_id) in orjson.dumps(ack)
    pong = ws_control.pong(socket, conn_id="c", now_ns=NOW, req_id=req_id)
    assert pong["req_id"] == req_id and type(pong["req_id"]) is type(req_id)


@pytest.mark.parametrize(
    ("socket", "expected"),
    [
        ("private", {"success": True, "ret_msg": "", "op": "subscribe", "conn_id": "c"}),
        ("spot", {"success": True, "ret_msg": "subscribe", "conn_id": "c", "op": "subscribe"}),
        ("linear", {"success": True, "ret_msg": "", "conn_id": "c", "req_id": "", "op": "subscribe"}),
        ("inverse", {"success": True, "ret_msg": "", "conn_id": "c", "req_id": "", "op": "subscribe"}),
        (
            "option",
            {
                "success": True,
                "conn_id": "c",
                "data": {"failTopics": [], "successTopics": ["orderbook.100.BTC-6JAN23-18000-C"]},
                "type": "COMMAND_RESP",
                "op": "subscribe",
            },
        ),
    ],
)
def test_subscribe_ack_shapes_without_req_id(socket, expected) -> None:
    ack = ws_control.subscribe_ack(socket, conn_id="c", topics=["orderbook.100.BTC-6JAN23-18000-C"])
    assert ack == expected
    assert list(ack) == list(expected)


def test_unsubscribe_and_failure_acks() -> None:
    unsub = ws_control.subscribe_ack("linear", conn_id="c", req_id="3", op="unsubscribe")
    assert unsub == {"success": True, "ret_msg": "", "conn_id": "c", "req_id": "3", "op": "unsubscribe"}
    assert ws_control.subscribe_ack("spot", conn_id="c", op="unsubscribe")["ret_msg"] == ""
    failure = ws_control.subscribe_ack(
        "spot", conn_id="c", success=False, ret_msg="error:handler not found,topic:foo.BTCUSDT"
    )
    assert failure == {
        "success": False,
        "ret_msg": "error:handler not found,topic:foo.BTCUSDT",
        "conn_id": "c",
        "req_id": "",
        "op": "subscribe",
    }
    option_failure = ws_control.subscribe_ack("option", conn_id="c", success=False, ret_msg="error")
    assert option_failure["success"] is False and "type" not in option_failure


def test_subscribe_ack_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="socket kind"):
        ws_control.subscribe_ack("trade", conn_id="c")
    with pytest.raises(ValueError, match="op must be"):
        ws_control.subscribe_ack("linear", conn_id="c", op="auth")


@pytest.mark.parametrize(
    ("socket", "expected"),
    [
        ("spot", {"success": True, "ret_msg": "pong", "conn_id": "c", "op": "ping"}),
        ("linear", {"success": True, "ret_msg": "pong", "conn_id": "c", "req_id": "", "op": "ping"}),
        ("inverse", {"success": True, "ret_msg": "pong", "conn_id": "c", "req_id": "", "op": "ping"}),
        ("option", {"args": ["1675418560633"], "op": "pong"}),
        ("private", {"req_id": "", "op": "pong", "args": ["1675418560633"], "conn_id": "c"}),
        ("trade", {"retCode": 0, "retMsg": "OK", "op": "pong", "data": ["1675418560633"], "connId": "c"}),
    ],
)
def test_pong_shapes(socket, expected) -> None:
    """Rule 29: public pongs say op "ping" and ret_msg "pong"; private and trade say op "pong"."""
    pong = ws_control.pong(socket, conn_id="c", now_ns=NOW)
    assert pong == expected
    assert pong.get("ret_msg") == "pong" or pong.get("op") == "pong"


def test_trade_pong_echoes_req_id_as_req_id() -> None:
    pong = ws_control.pong("trade", conn_id="c", now_ns=NOW, req_id="x")
    assert pong["reqId"] == "x" and "req_id" not in pong


def test_trade_response() -> None:
    header = ws_control.trade_header(
        limit=10, remaining=9, reset_ms=1711001595208, trace_id="t", now_ms=1711001595209
    )
    assert header == {
        "X-Bapi-Limit": "10",
        "X-Bapi-Limit-Status": "9",
        "X-Bapi-Limit-Reset-Timestamp": "1711001595208",
        "Traceid": "t",
        "Timenow": "1711001595209",
    }
    response = ws_control.trade_response(
        "order.create",
        conn_id="cnt5",
        req_id="test-005",
        header=header,
        data={"orderId": "a4c1718e", "orderLinkId": ""},
    )
    assert list(response) == ["reqId", "retCode", "retMsg", "op", "data", "retExtInfo", "header", "connId"]
    assert response["retCode"] == 0 and response["retExtInfo"] == {}
    error = ws_control.trade_response(
        "order.cancel", conn_id="c", header=header, data={}, ret_code=170131, ret_msg="Insufficient balance."
    )
    assert "reqId" not in error and error["retCode"] == 170131
    with pytest.raises(ValueError, match="unknown trade op"):
        ws_control.trade_response("order.replace", conn_id="c", header=header, data={})


def test_no_req_id_is_a_singleton() -> None:
    assert type(NO_REQ_ID)() is NO_REQ_ID
    assert repr(NO_REQ_ID) == "NO_REQ_ID"
