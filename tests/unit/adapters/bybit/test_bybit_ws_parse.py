"""WebSocket messages, recognisers, book sequencing and push parsing against test_data/bybit."""

from __future__ import annotations

import copy

import pytest

from adapters.bybit.common.enums import BybitKlineInterval, BybitProductType
from adapters.bybit.common.testing import load_instruments, load_payload
from adapters.bybit.websocket.books import BookSequencer, LocalBook, Verdict
from adapters.bybit.websocket.messages import (
    category_from_public_url,
    is_pong,
    parse_auth_ack,
    parse_subscription_ack,
    subscribe_message,
    topic_kline,
    topic_orderbook,
    unsubscribe_message,
)
from adapters.bybit.websocket.parse import (
    interval_ms,
    parse_orderbook_deltas,
    parse_orderbook_quote,
    parse_ws_bars,
    parse_ws_trades,
)
from adapters.model.data import BarSpecification, BarType
from adapters.model.enums import AggressorSide, BarAggregation, BookAction, PriceType, RecordFlag

LINEAR = load_instruments()[("BTCUSDT", BybitProductType.LINEAR)]


@pytest.mark.parametrize(
    "name", ["ws_pong_linear", "ws_pong_option", "ws_pong_private", "ws_pong_spot", "ws_pong_trade"]
)
def test_every_pong_shape_is_recognised(name: str) -> None:
    assert is_pong(load_payload(name))


def test_data_and_acks_are_not_pongs() -> None:
    assert not is_pong(load_payload("ws_orderbook_snapshot"))
    assert not is_pong(load_payload("ws_subscribe_ack_linear"))
    assert is_pong("pong") and not is_pong("ping")


@pytest.mark.parametrize(
    "name", ["ws_subscribe_ack_linear", "ws_subscribe_ack_spot", "ws_subscribe_ack_private"]
)
def test_subscribe_acks(name: str) -> None:
    payload = load_payload(name)
    ack = parse_subscription_ack(payload)
    assert ack is not None and ack.op == "subscribe" and ack.success
    expected = payload.get("req_id") or None
    assert ack.req_id == (str(expected) if expected is not None else None)


def test_option_command_resp_ack_lists_topics() -> None:
    ack = parse_subscription_ack(load_payload("ws_subscribe_ack_option"))
    assert ack is not None and ack.success and ack.topics == ("orderbook.100.BTC-27MAR26-70000-P-USDT",)
    failed = parse_subscription_ack({"success": True, "type": "COMMAND_RESP", "data": {"failTopics": ["x"]}})
    assert failed is not None and not failed.success and failed.failed_topics == ("x",)


def test_unsubscribe_and_failed_acks_and_non_acks() -> None:
    ack = parse_subscription_ack(load_payload("ws_unsubscribe_ack_linear"))
    assert ack is not None and ack.op == "unsubscribe"
    refused = parse_subscription_ack(
        {"success": False, "ret_msg": "error:handler not found", "op": "subscribe"}
    )
    assert refused is not None and not refused.success and "handler" in refused.message
    assert parse_subscription_ack(load_payload("ws_public_trade")) is None
    assert parse_subscription_ack(load_payload("ws_pong_private")) is None


def test_auth_acks_of_both_streams() -> None:
    private = parse_auth_ack(load_payload("ws_auth_ack_private"))
    trade = parse_auth_ack(load_payload("ws_auth_ack_trade"))
    assert private is not None and private.success
    assert trade is not None and trade.success
    refused = parse_auth_ack({"retCode": 10004, "retMsg": "Invalid sign", "op": "auth", "connId": "c"})
    assert refused is not None and not refused.success and refused.code == 10004
    assert parse_auth_ack({"success": False, "ret_msg": "Params Error", "op": "auth"}).success is False  # type: ignore[union-attr]
    assert parse_auth_ack(load_payload("ws_subscribe_ack_private")) is None


def test_topics_and_control_messages() -> None:
    assert topic_orderbook(50, "BTCUSDT") == "orderbook.50.BTCUSDT"
    assert topic_kline(BybitKlineInterval.HOUR_4, "BTCUSDT") == "kline.240.BTCUSDT"
    assert subscribe_message(["a", "b"], "7") == {"op": "subscribe", "req_id": "7", "args": ["a", "b"]}
    assert unsubscribe_message(["a"], "8")["op"] == "unsubscribe"
    assert category_from_public_url("ws://h/v5/public/inverse") is BybitProductType.INVERSE
    assert category_from_public_url("ws://h/v5/private") is None


def test_snapshot_is_clear_plus_adds_flagged_snapshot_and_last() -> None:
    message = load_payload("ws_orderbook_snapshot")
    deltas = parse_orderbook_deltas(message, LINEAR, 9)
    data = message["data"]
    assert deltas.deltas[0].action is BookAction.CLEAR
    assert [d.action for d in deltas.deltas[1:]] == [BookAction.ADD] * (len(data["b"]) + len(data["a"]))
    assert all(d.flags & RecordFlag.F_SNAPSHOT for d in deltas.deltas)
    assert [d.is_last for d in deltas.deltas].count(True) == 1 and deltas.deltas[-1].is_last
    assert {d.sequence for d in deltas.deltas} == {data["u"]}
    assert deltas.ts_event == message["ts"] * 10**6 and deltas.ts_init == 9


def test_delta_zero_size_deletes_and_others_update() -> None:
    message = load_payload("ws_orderbook_delta")
    deltas = parse_orderbook_deltas(message, LINEAR, 1)
    levels = message["data"]["b"] + message["data"]["a"]
    expected = [BookAction.DELETE if float(size) == 0 else BookAction.UPDATE for _, size in levels]
    assert [d.action for d in deltas.deltas] == expected
    assert not any(d.flags & RecordFlag.F_SNAPSHOT for d in deltas.deltas)
    assert deltas.deltas[-1].is_last


def test_empty_delta_is_refused() -> None:
    message = copy.deepcopy(load_payload("ws_orderbook_delta"))
    message["data"]["b"], message["data"]["a"] = [], []
    with pytest.raises(ValueError, match="empty"):
        parse_orderbook_deltas(message, LINEAR, 1)


def test_depth1_quote() -> None:
    message = load_payload("ws_orderbook_depth1")
    quote = parse_orderbook_quote(message, LINEAR, 1)
    assert quote is not None
    assert (
        str(quote.bid_price) == message["data"]["b"][0][0]
        and str(quote.ask_size) == message["data"]["a"][0][1]
    )
    one_sided = copy.deepcopy(message)
    one_sided["data"]["a"] = []
    assert parse_orderbook_quote(one_sided, LINEAR, 1) is None


def test_public_trades() -> None:
    message = load_payload("ws_public_trade")
    ticks = parse_ws_trades(message, LINEAR, 1)
    assert [t.trade_id.value for t in ticks] == [item["i"] for item in message["data"]]
    assert all(
        t.aggressor_side is AggressorSide.BUYER
        for t, item in zip(ticks, message["data"], strict=True)
        if item["S"] == "Buy"
    )
    assert ticks[0].ts_event == message["data"][0]["T"] * 10**6


def test_klines_become_bars_only_when_confirmed() -> None:
    message = load_payload("ws_kline")
    bar_type = BarType(LINEAR.instrument_id, BarSpecification(5, BarAggregation.MINUTE, PriceType.LAST))
    bars = parse_ws_bars(message, bar_type, LINEAR, 1)
    assert len(bars) == sum(1 for item in message["data"] if item["confirm"])
    assert bars[0].ts_event == (message["data"][0]["end"] + 1) * 10**6
    open_candle = copy.deepcopy(message)
    for item in open_candle["data"]:
        item["confirm"] = False
    assert parse_ws_bars(open_candle, bar_type, LINEAR, 1) == []
    assert interval_ms("5") == 300_000 and interval_ms("D") == 86_400_000


def _book(kind: str, u: int) -> dict:
    return {"type": kind, "data": {"u": u, "b": [["1.00", "1"]], "a": []}}


def test_sequencer_applies_in_order_skips_before_snapshot_and_flags_gaps() -> None:
    seq = BookSequencer()
    assert seq.check("t", _book("delta", 5)) is Verdict.SKIP
    assert seq.check("t", _book("snapshot", 10)) is Verdict.APPLY
    assert seq.check("t", _book("delta", 11)) is Verdict.APPLY
    assert seq.check("t", _book("delta", 13)) is Verdict.GAP
    assert seq.gaps == 1
    assert seq.check("t", _book("delta", 14)) is Verdict.SKIP  # waits for the resync snapshot
    assert seq.check("t", _book("snapshot", 1)) is Verdict.APPLY  # u=1: the service restarted
    assert seq.check("t", _book("delta", 2)) is Verdict.APPLY
    seq.reset()
    assert seq.check("t", _book("delta", 3)) is Verdict.SKIP


def test_local_book_keeps_levels_for_full_snapshots() -> None:
    book = LocalBook()
    book.apply({"type": "snapshot", "data": {"u": 1, "b": [["1.0", "1"], ["2.0", "1"]], "a": [["3.0", "1"]]}})
    book.apply({"type": "delta", "data": {"u": 2, "b": [["1.0", "0"], ["1.5", "2"]], "a": []}})
    snap = book.as_snapshot({"type": "delta", "ts": 1, "data": {"s": "X", "u": 2, "b": [], "a": []}})
    assert snap["type"] == "snapshot"
    assert snap["data"]["b"] == [["2.0", "1"], ["1.5", "2"]] and snap["data"]["a"] == [["3.0", "1"]]
