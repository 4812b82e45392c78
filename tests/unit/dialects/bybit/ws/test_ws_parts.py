"""The pure parts of the Bybit WS dialect: request parsing, topic names, book streams."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.core import BookSnapshot, Exchange, Instrument, InstrumentKind
from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID
from simulator.dialects.bybit.ws.books import BookStream
from simulator.dialects.bybit.ws.requests import BadRequest, WsRequest, parse_request
from simulator.dialects.bybit.ws.service import parse_max_active_time
from simulator.dialects.bybit.ws.session import SessionState
from simulator.dialects.bybit.ws.topics import TopicKind, parse_public_topic

D = Decimal
INST = Instrument(
    symbol="BTCUSDT", kind=InstrumentKind.LINEAR_PERPETUAL, base="BTC", quote="USDT", settle="USDT",
    tick_size=D("0.1"), lot_size=D("0.001"), min_qty=D("0.001"), max_qty=D("100"),
)  # fmt: skip


def book(bids: list[tuple[str, str]], asks: list[tuple[str, str]], seq: int) -> BookSnapshot:
    return BookSnapshot(INST, seq, 0, [(D(p), D(q)) for p, q in bids], [(D(p), D(q)) for p, q in asks])


def test_requests_keep_req_id_types_and_refuse_garbage() -> None:
    request = parse_request('{"op":"subscribe","req_id":7,"args":["a"],"extra":1}')
    assert isinstance(request, WsRequest) and request.req_id == 7 and request.args == ["a"]
    assert parse_request('{"op":"ping"}').req_id is NO_REQ_ID  # type: ignore[union-attr]
    trade = parse_request('{"op":"order.create","reqId":"r"}', trade=True)
    assert isinstance(trade, WsRequest) and trade.req_id == "r"
    for text in ("{", "[1]", '{"op":5}', '"x"'):
        assert isinstance(parse_request(text), BadRequest)


def test_public_topics_per_category() -> None:
    ex = Exchange()
    ex.add_instrument(INST)
    assert parse_public_topic("orderbook.50.BTCUSDT", "linear", ex).kind is TopicKind.BOOK  # type: ignore[union-attr]
    assert parse_public_topic("orderbook.500.BTCUSDT", "linear", ex) is not None
    assert parse_public_topic("orderbook.25.BTCUSDT", "linear", ex) is None  # option depth
    assert parse_public_topic("orderbook.50.BTCUSDT", "spot", ex) is None  # no spot market
    assert parse_public_topic("kline.7.BTCUSDT", "linear", ex) is None
    assert parse_public_topic("kline.D.BTCUSDT", "linear", ex).param == "D"  # type: ignore[union-attr]
    assert parse_public_topic("allLiquidation.BTCUSDT", "linear", ex) is not None
    assert parse_public_topic(5, "linear", ex) is None


def test_book_stream_deltas_delete_only_held_levels_and_faults_bend_u() -> None:
    stream = BookStream(INST, 50)
    first = stream.snapshot_for_new_subscriber(book([("10", "1"), ("9", "2")], [("11", "1")], 5), 0)
    assert first["type"] == "snapshot" and first["data"]["u"] == 1
    (delta,) = stream.push(book([("10", "3")], [("11", "1"), ("12", "4")], 6), 0)
    assert delta["type"] == "delta" and delta["data"]["u"] == 2 and delta["data"]["seq"] == 6
    assert delta["data"]["b"] == [["10.0", "3.000"], ["9.0", "0"]] and delta["data"]["a"] == [
        ["12.0", "4.000"]
    ]
    assert stream.push(book([("10", "3")], [("11", "1"), ("12", "4")], 6), 0) == []  # unchanged
    (skipped,) = stream.push(book([("10", "2")], [("11", "1")], 7), 0, "skip_sequence")
    assert skipped["data"]["u"] == 4
    stale, after = stream.push(book([("10", "1")], [("11", "1")], 8), 0, "stale_snapshot")
    assert stale["type"] == "snapshot" and stale["data"]["u"] == 2 and after["data"]["u"] == 5
    (restart,) = stream.push(book([("10", "1")], [("11", "1")], 8), 0, "restart_book")
    assert restart["type"] == "snapshot" and restart["data"]["u"] == 1


def test_depth_1_pushes_snapshots() -> None:
    stream = BookStream(INST, 1)
    stream.snapshot_for_new_subscriber(book([("10", "1")], [("11", "1")], 1), 0)
    (message,) = stream.push(book([("10", "2")], [("11", "1")], 2), 0)
    assert message["type"] == "snapshot" and message["data"]["b"] == [["10.0", "2.000"]]


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("10m", 600), ("29s", None), ("11m", None), ("x", None)]
)
def test_max_active_time(text: str, seconds: int | None) -> None:
    assert parse_max_active_time(text) == seconds


def test_session_states_are_checked() -> None:
    assert SessionState.OPEN.can_become(SessionState.AUTHENTICATED)
    assert not SessionState.AUTHENTICATED.can_become(SessionState.OPEN)
    assert not SessionState.CLOSED.can_become(SessionState.OPEN)
