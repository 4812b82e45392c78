"""Scrubbing (nothing secret survives) and REST matching (volatile fields ignored, closest named)."""

from __future__ import annotations

import orjson
import pytest

from simulator.cassette import SCRUBBED, NoRecordedMatch, RestIndex, Scrubber, rules_for
from simulator.cassette.sessions import build_sessions

BYBIT = rules_for("bybit")
KEY = "MYAPIKEY00001"
SIGN = "9f3c1a0b6d5e4f"


def http(
    query: str = "", body: str = "", response: str = '{"retCode":0}', **extra: object
) -> dict[str, object]:
    event: dict[str, object] = {
        "type": "http", "ts": 1, "method": "GET", "path": "/v5/order/realtime", "query": query,
        "headers": [["X-BAPI-API-KEY", KEY], ["X-BAPI-SIGN", SIGN], ["X-BAPI-TIMESTAMP", "1700000000000"]],
        "body": body, "status": 200, "response_headers": [["Set-Cookie", "session=abcdef123"]],
        "response_body": response,
    }  # fmt: skip
    event.update(extra)
    return event


def test_headers_query_and_bodies_are_scrubbed_and_learned_secrets_erased_everywhere() -> None:
    scrub = Scrubber(BYBIT)
    event = scrub(
        http(
            query=f"category=linear&signature={SIGN}&listenKey=LK123456789",
            response=f'{{"result":{{"apiKey":"{KEY}","note":"key {KEY} echoed"}}}}',
        )
    )
    text = orjson.dumps(event)
    for secret in (KEY, SIGN, "LK123456789", "abcdef123"):
        assert secret.encode() not in text
    assert dict(event["headers"])["X-BAPI-TIMESTAMP"] == "1700000000000"  # not a secret
    assert event["query"] == f"category=linear&signature={SCRUBBED}&listenKey={SCRUBBED}"


def test_ws_auth_args_are_replaced_and_the_key_is_erased_from_later_frames() -> None:
    scrub = Scrubber(BYBIT)
    auth = {"type": "ws_frame", "ts": 1, "conn": "c", "dir": "in", "kind": "text",
            "data": f'{{"op":"auth","args":["{KEY}",1700000005000,"{SIGN}"]}}'}  # fmt: skip
    assert orjson.loads(scrub(auth)["data"])["args"] == [SCRUBBED, SCRUBBED, SCRUBBED]
    later = dict(auth, dir="out", data=f'{{"topic":"order","note":"{KEY}"}}')
    assert KEY not in scrub(later)["data"]


def test_account_ids_only_when_asked_and_stable() -> None:
    body = '{"result":{"uid":"123456","list":[{"userID":"123456"}]}}'
    kept = Scrubber(BYBIT)(http(response=body))
    assert "123456" in kept["response_body"]
    gone = orjson.loads(Scrubber(BYBIT, account_ids=True)(http(response=body))["response_body"])
    assert gone["result"]["uid"] == gone["result"]["list"][0]["userID"] != "123456"


def test_matching_ignores_volatile_fields_and_replays_in_order() -> None:
    first = http(query="category=linear&timestamp=1", response='{"n":1}')
    second = http(query="category=linear&timestamp=2", response='{"n":2}')
    index = RestIndex([first, second], BYBIT)
    answers = [index.find("GET", "/v5/order/realtime", f"timestamp={t}&category=linear") for t in (7, 8, 9)]
    assert [event["response_body"] for event in answers] == ['{"n":1}', '{"n":2}', '{"n":2}']


def test_a_scrubbed_parameter_matches_any_value() -> None:
    index = RestIndex([Scrubber(BYBIT)(http(query="listenKey=LK123456789"))], BYBIT)
    assert index.find("GET", "/v5/order/realtime", "listenKey=ANOTHERKEY99")["status"] == 200


def test_json_bodies_are_matched_on_their_fields() -> None:
    recorded = http(body='{"symbol":"BTCUSDT","qty":"0.1"}', method="POST", path="/v5/order/create")
    index = RestIndex([recorded], BYBIT)
    assert index.find("POST", "/v5/order/create", body=b'{"qty":"0.1","symbol":"BTCUSDT"}') is recorded
    with pytest.raises(NoRecordedMatch) as caught:
        index.find("POST", "/v5/order/create", body=b'{"qty":"0.2","symbol":"BTCUSDT","side":"Buy"}')
    assert caught.value.differences == [
        "qty: got '0.2', recorded '0.1'",
        "side: got 'Buy', not in the recording",
    ]
    assert caught.value.closest == "POST /v5/order/create (qty=0.1&symbol=BTCUSDT)"


def test_sessions_pair_replies_and_gate_the_stream() -> None:
    def frame(ts: int, direction: str, data: str) -> dict[str, object]:
        return {"type": "ws_frame", "ts": ts, "conn": "c1", "dir": direction, "kind": "text", "data": data}

    events = [
        {"type": "ws_open", "ts": 0, "conn": "c1", "path": "/p", "query": ""},
        frame(1, "out", '{"topic":"hello"}'),
        frame(2, "in", '{"op":"subscribe","req_id":"a","args":["t"]}'),
        frame(3, "out", '{"op":"subscribe","req_id":"a","success":true}'),
        frame(4, "out", '{"topic":"t","seq":1}'),
        frame(5, "in", '{"op":"ping","req_id":"p"}'),
        frame(6, "out", '{"op":"pong","req_id":"p"}'),
        frame(7, "out", '{"topic":"t","seq":2}'),
        {"type": "ws_close", "ts": 8, "conn": "c1", "code": 4000, "reason": "", "closed_by": "server"},
    ]
    (session,) = build_sessions(events, BYBIT)
    assert [(r.key[0], len(r.replies), r.gating) for r in session.requests] == [
        ("subscribe", 1, True),
        ("ping", 1, False),
    ]
    assert [(push.payload, push.gate) for push in session.stream] == [
        (b'{"topic":"hello"}', 0),
        (b'{"topic":"t","seq":1}', 1),
        (b'{"topic":"t","seq":2}', 1),  # a heartbeat never gates
    ]
    assert session.end is not None and (session.end.code, session.end.closed_by) == (4000, "server")


def test_pushes_are_gated_on_the_rest_requests_that_came_before_them() -> None:
    def frame(ts: int, direction: str, data: str) -> dict[str, object]:
        return {"type": "ws_frame", "ts": ts, "conn": "c1", "dir": direction, "kind": "text", "data": data}

    # The order/create came in at ts 20 and was written after its answer (ts order is not file
    # order): the order update received at ts 25 waits for it on replay, the snapshot does not.
    events = [
        {"type": "ws_open", "ts": 0, "conn": "c1", "path": "/p", "query": ""},
        http(ts=5),
        frame(10, "out", '{"topic":"book","type":"snapshot"}'),
        frame(25, "out", '{"topic":"order","seq":1}'),
        http(ts=20, method="POST", path="/v5/order/create"),
        http(ts=30),
        {"type": "ws_close", "ts": 40, "conn": "c1", "code": 1011, "reason": "", "closed_by": "server"},
    ]
    (session,) = build_sessions(events, BYBIT)
    assert [(push.payload, push.rest_gate) for push in session.stream] == [
        (b'{"topic":"book","type":"snapshot"}', 1),
        (b'{"topic":"order","seq":1}', 2),
    ]
    assert session.end is not None and session.end.rest_gate == 3


def test_time_windows_are_matched_only_when_nothing_matches_exactly() -> None:
    week = http(query="category=linear&startTime=1000&endTime=2000", response='{"n":"week"}')
    day = http(query="category=linear&startTime=1500&endTime=2000", response='{"n":"day"}')
    index = RestIndex([week, day], BYBIT)
    assert index.find("GET", "/v5/order/realtime", "category=linear&startTime=1500&endTime=2000") is day
    # The same "last N days" asked a minute later: the recorded answers, in recorded order.
    later = "category=linear&startTime=61000&endTime=62000"
    assert index.find("GET", "/v5/order/realtime", later) is week
    with pytest.raises(NoRecordedMatch):  # another category is still another request
        index.find("GET", "/v5/order/realtime", "category=spot&startTime=61000&endTime=62000")
    with pytest.raises(NoRecordedMatch):  # and a request without a window is not matched by one
        index.find("GET", "/v5/order/realtime", "category=linear")
