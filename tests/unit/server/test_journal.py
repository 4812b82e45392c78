"""The journal: numbering, bounds, queries, wake-on-record waits, near-miss diagnostics, JSON, text."""

from __future__ import annotations

import asyncio
import re

import orjson
import pytest

from simulator.server.journal import (
    ANY,
    AuthVerdict,
    ClosedBy,
    Direction,
    Entry,
    EntryKind,
    FaultEntry,
    FaultPhase,
    FrameKind,
    HttpEntry,
    HttpMatch,
    Journal,
    JournalAssertionError,
    JournalTimeout,
    SubscriptionMatch,
    SubscriptionOp,
    SubscriptionOutcome,
    WsFrame,
    WsFrameMatch,
    WsOpen,
    WsRole,
    decode_bytes,
)

T0_NS = 1_700_000_000_000_000_000
MS = 1_000_000


class FakeClock:
    """A clock the test moves by hand, so entry times are exact."""

    def __init__(self) -> None:
        self.now = T0_NS

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(clock: FakeClock) -> Journal:
    return Journal(clock)


def order_create(journal: Journal, qty: str = "0.1", **overrides: object) -> HttpEntry:
    fields: dict[str, object] = {
        "status": 200,
        "query": "",
        "headers": (("Content-Type", "application/json"), ("X-BAPI-API-KEY", "demo-key")),
        "body": orjson.dumps({"category": "linear", "symbol": "BTCUSDT", "qty": qty}),
        "auth": AuthVerdict.OK,
        "account_id": "alice",
        "quota_keys": ("alice:/v5/order/create",),
        "response_headers": (("X-Bapi-Limit-Status", "9"),),
        "response_body": b'{"retCode":0,"retMsg":"OK","result":{"orderId":"1"}}',
        "duration_ns": 250_000,
    }
    fields.update(overrides)
    return journal.record_http("POST", "/v5/order/create", **fields)  # type: ignore[arg-type]


def server_time(journal: Journal) -> HttpEntry:
    return journal.record_http("GET", "/v5/market/time", status=200, response_body=b'{"retCode":0}')


# -- numbering, time, immutability ----------------------------------------------------------------


def test_every_entry_gets_the_next_sequence_number_and_the_injected_clock_time(
    journal: Journal, clock: FakeClock
) -> None:
    clock.now = T0_NS + 1 * MS
    first = server_time(journal)
    clock.now = T0_NS + 2 * MS
    opened = journal.record_ws_open("ws-1", "/v5/public/linear", WsRole.PUBLIC, "127.0.0.1:50000")
    frame = journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, '{"op":"ping"}')
    sub = journal.record_subscription(
        "ws-1", SubscriptionOp.SUBSCRIBE, "orderbook.50.BTCUSDT", SubscriptionOutcome.OK
    )
    closed = journal.record_ws_close("ws-1", 1000, "bye", ClosedBy.CLIENT)
    fault = journal.record_fault("drop-next", FaultPhase.ARMED, "drop the next connection")

    entries = [first, opened, frame, sub, closed, fault]
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5, 6]
    assert journal.entries() == entries
    assert (first.ts_ns, opened.ts_ns, fault.ts_ns) == (T0_NS + MS, T0_NS + 2 * MS, T0_NS + 2 * MS)
    assert journal.last_seq == journal.mark() == 6
    assert [type(entry).KIND for entry in entries] == [
        EntryKind.HTTP,
        EntryKind.WS_OPEN,
        EntryKind.WS_FRAME,
        EntryKind.SUBSCRIPTION,
        EntryKind.WS_CLOSE,
        EntryKind.FAULT,
    ]
    with pytest.raises(AttributeError):
        first.status = 500  # type: ignore[misc]


def test_sequence_numbers_keep_increasing_across_clear(journal: Journal) -> None:
    server_time(journal)
    server_time(journal)
    journal.clear()
    assert len(journal) == 0
    assert journal.first_seq is None
    assert server_time(journal).seq == 3
    assert journal.first_seq == 3


def test_max_entries_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_entries must be at least 1, got 0"):
        Journal(max_entries=0)


# -- bounded memory -----------------------------------------------------------------------------------


def test_a_full_journal_drops_the_oldest_entries_and_counts_them(clock: FakeClock) -> None:
    journal = Journal(clock, max_entries=3)
    for _ in range(5):
        server_time(journal)

    assert len(journal) == 3
    assert journal.dropped == 2
    assert journal.first_seq == 3
    assert [entry.seq for entry in journal.entries()] == [3, 4, 5]
    assert [entry.seq for entry in journal.since(1)] == [3, 4, 5]
    assert [entry.seq for entry in journal.since(4)] == [5]
    assert "2 older entries in this range were dropped: max_entries=3" in journal.format_excerpt(0)
    assert "dropped" not in journal.format_excerpt(2)
    document = journal.to_json()
    assert (document["first_seq"], document["last_seq"], document["dropped"]) == (3, 5, 2)

    journal.clear()
    assert journal.dropped == 0


def test_a_connection_is_forgotten_only_when_its_close_is_dropped(clock: FakeClock) -> None:
    journal = Journal(clock, max_entries=2)
    journal.record_ws_open("ws-1", "/v5/private", WsRole.PRIVATE)
    journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, "a")
    journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, "b")
    # The open entry is gone, the connection is live: frames still resolve its role.
    assert [conn.conn_id for conn in journal.connections(WsRole.PRIVATE)] == ["ws-1"]
    journal.assert_ws_frame(role="private", payload="b")

    journal.record_ws_close("ws-1", 1000, "", ClosedBy.SERVER)
    assert journal.close_of("ws-1") is not None
    assert journal.connections(open_only=True) == []
    server_time(journal)
    server_time(journal)
    assert journal.connections() == []
    assert journal.close_of("ws-1") is None


# -- queries --------------------------------------------------------------------------------------------


def test_headers_keep_their_case_and_are_looked_up_in_any_case(journal: Journal) -> None:
    entry = order_create(journal)

    assert entry.headers[1] == ("X-BAPI-API-KEY", "demo-key")
    assert entry.header("x-bapi-api-key") == entry.header("X-Bapi-Api-Key") == "demo-key"
    assert entry.header("X-BAPI-SIGN") is None
    assert entry.header("X-BAPI-SIGN", "absent") == "absent"
    assert entry.response_header("x-bapi-limit-status") == "9"
    journal.assert_http(headers={"x-bapi-api-key": "demo-key", "CONTENT-TYPE": "application/json"})
    with pytest.raises(
        JournalAssertionError, match=re.escape("header.x-bapi-api-key: expected 'other', got 'demo-key'")
    ):
        journal.assert_http(headers={"x-bapi-api-key": "other"})


def test_query_and_body_helpers_parse_what_was_received(journal: Journal) -> None:
    entry = journal.record_http(
        "GET", "/v5/order/realtime", status=200, query="category=linear&symbol=BTCUSDT&symbol=ETHUSDT"
    )
    assert entry.query_params() == {"category": "linear", "symbol": "BTCUSDT"}
    assert order_create(journal, qty="0.3").json()["qty"] == "0.3"
    assert journal.last(HttpEntry) is not None
    assert journal.last(HttpEntry).response_json()["retMsg"] == "OK"  # type: ignore[union-attr]


def test_queries_filter_by_kind_path_method_connection_and_sequence(journal: Journal) -> None:
    server_time(journal)
    order_create(journal)
    journal.record_ws_open("ws-1", "/v5/public/linear", WsRole.PUBLIC)
    journal.record_ws_open("ws-2", "/v5/private", WsRole.PRIVATE)
    ping = journal.record_ws_frame("ws-2", Direction.IN, FrameKind.TEXT, '{"op":"ping"}')
    journal.record_ws_frame("ws-1", Direction.OUT, FrameKind.TEXT, '{"topic":"x"}')
    rejected = journal.record_subscription(
        "ws-1", SubscriptionOp.SUBSCRIBE, "bogus", SubscriptionOutcome.UNKNOWN_TOPIC, "topic not found"
    )
    armed = journal.record_fault("f", FaultPhase.ARMED, "x")

    assert [e.path for e in journal.http()] == ["/v5/market/time", "/v5/order/create"]
    assert [e.seq for e in journal.http("/v5/order/create", "post")] == [2]
    assert journal.http(method="DELETE") == []
    assert journal.http(account_id=None)[0].path == "/v5/market/time"
    assert journal.ws_frames("ws-2") == [ping]
    assert journal.ws_frames(direction="in", kind=FrameKind.TEXT) == [ping]
    assert [c.conn_id for c in journal.connections()] == ["ws-1", "ws-2"]
    assert [c.conn_id for c in journal.connections("private")] == ["ws-2"]
    assert journal.subscriptions(outcome="unknown_topic") == [rejected]
    assert journal.subscriptions("ws-2") == []
    assert journal.faults("f", phase=FaultPhase.ARMED) == [armed]
    assert journal.entries("ws_open", since_seq=3) == [journal.connections()[1]]
    assert journal.entries(WsFrame, predicate=lambda e: e.conn_id == "ws-1")[0].seq == 6
    assert journal.entries(predicate=WsFrameMatch(role="private")) == [ping]
    assert journal.entries(until_seq=2) == journal.http()
    assert journal.last() == armed
    assert journal.last(EntryKind.WS_FRAME, lambda e: e.direction == "in") == ping
    assert journal.last(FaultEntry, lambda e: e.name == "other") is None


def test_an_unknown_kind_is_refused_with_the_valid_kinds(journal: Journal) -> None:
    with pytest.raises(ValueError, match="unknown journal entry kind 'frame': use one of 'http', 'ws_open'"):
        journal.entries("frame")


def test_mark_is_a_barrier_for_what_happened_after_it(journal: Journal) -> None:
    order_create(journal)
    mark = journal.mark()
    assert journal.since(mark) == []
    server_time(journal)
    barrier = server_time(journal).seq
    late = order_create(journal)

    assert [e.seq for e in journal.since(mark)] == [2, 3, 4]
    # Negative check without a sleep: no order between the mark and the barrier the client reached.
    assert journal.assert_http(path="/v5/order/create", count=0, since_seq=mark, until_seq=barrier) == []
    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_http(path="/v5/order/create", count=0, since_seq=mark)
    assert f"Expected no match after #{mark} for: http entry with path='/v5/order/create'; found 1." in str(
        failure.value
    )
    assert f"#{late.seq}" in str(failure.value)
    assert failure.value.matched == (late,)

    journal.clear()
    assert journal.since(mark) == []  # a mark from before clear() stays a valid barrier
    assert journal.since(mark + 99) == []
    assert server_time(journal) in journal.since(mark)


# -- wait_for -------------------------------------------------------------------------------------------


async def test_wait_for_returns_an_entry_already_recorded_without_waiting(journal: Journal) -> None:
    server_time(journal)
    order = order_create(journal)
    server_time(journal)

    # A zero timeout proves the held entries are searched before any waiting.
    found = await journal.wait_for(HttpMatch("POST", "/v5/order/create"), timeout=0)
    assert found is order
    assert await journal.wait_for(lambda e: e.seq == 3, timeout=0) is journal.last()
    assert journal.pending_waits == 0


async def test_wait_for_wakes_on_a_matching_entry_recorded_later(journal: Journal) -> None:
    server_time(journal)
    scanned = asyncio.Event()

    def is_order(entry: Entry) -> bool:
        scanned.set()  # first called while scanning held entries, just before waiting starts
        return isinstance(entry, HttpEntry) and entry.path == "/v5/order/create"

    waiting = asyncio.create_task(journal.wait_for(is_order, timeout=5))
    await scanned.wait()
    assert not waiting.done()
    assert journal.pending_waits == 1

    async def client() -> HttpEntry:
        server_time(journal)  # not a match: the waiter stays
        return order_create(journal)

    recorded = await asyncio.create_task(client())
    assert await asyncio.wait_for(waiting, timeout=5) is recorded
    assert journal.pending_waits == 0


async def test_wait_for_since_ignores_matches_recorded_before_the_mark(journal: Journal) -> None:
    order_create(journal)
    mark = journal.mark()
    with pytest.raises(JournalTimeout):
        await journal.wait_for(HttpMatch(path="/v5/order/create"), timeout=0.01, since=mark)

    waiting = asyncio.create_task(journal.wait_for(HttpMatch(path="/v5/order/create"), 5, since=mark))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)  # runs after the waiter's first step
    await started.wait()
    later = order_create(journal)
    assert await asyncio.wait_for(waiting, timeout=5) is later

    # A barrier ahead of the journal: entries up to it do not count, even when they arrive later.
    ahead = journal.mark() + 1
    waiting = asyncio.create_task(journal.wait_for(HttpMatch(path="/v5/order/create"), 5, since=ahead))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)
    await started.wait()
    order_create(journal)
    assert not waiting.done()
    beyond = order_create(journal)
    assert await asyncio.wait_for(waiting, timeout=5) is beyond


async def test_concurrent_waiters_each_get_their_own_entry(journal: Journal) -> None:
    mark = journal.mark()
    paths = ["/v5/order/create", "/v5/order/amend", "/v5/order/cancel"]
    waits = [asyncio.create_task(journal.wait_for(HttpMatch(path=p), 5, since=mark)) for p in paths]
    twin = asyncio.create_task(journal.wait_for(HttpMatch(path=paths[1]), 5, since=mark))
    frames = asyncio.create_task(journal.wait_for(WsFrameMatch(direction="out"), 5, since=mark))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)
    await started.wait()
    assert journal.pending_waits == 5

    recorded = {p: journal.record_http("POST", p, status=200) for p in reversed(paths)}
    frame = journal.record_ws_frame("ws-1", Direction.OUT, FrameKind.TEXT, "{}")

    results = await asyncio.wait_for(asyncio.gather(*waits, twin, frames), timeout=5)
    assert results == [recorded[p] for p in paths] + [recorded[paths[1]], frame]
    assert journal.pending_waits == 0


async def test_clear_wakes_no_waiter_and_later_matches_still_do(journal: Journal) -> None:
    waiting = asyncio.create_task(journal.wait_for(HttpMatch(path="/v5/order/create"), 5))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)
    await started.wait()

    server_time(journal)
    journal.clear()
    blocker = asyncio.Event()
    asyncio.get_running_loop().call_soon(blocker.set)
    await blocker.wait()  # give a wrongly woken waiter a turn to finish
    assert not waiting.done()

    order = order_create(journal)
    assert await asyncio.wait_for(waiting, timeout=5) is order


async def test_wait_for_timeout_lists_near_misses_with_the_fields_that_differed(
    journal: Journal, clock: FakeClock
) -> None:
    clock.now = T0_NS + 12 * MS
    order_create(journal, qty="0.2")
    server_time(journal)
    journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, "{}")

    with pytest.raises(JournalTimeout) as failure:
        await journal.wait_for(HttpMatch("POST", "/v5/order/create", json={"qty": "0.1"}), timeout=0.01)

    error = failure.value
    message = str(error)
    assert isinstance(error, AssertionError)
    assert isinstance(error, TimeoutError)
    assert error.timeout == 0.01
    assert message.startswith(
        "Timed out after 0.01s waiting for http entry with method='POST', path='/v5/order/create',"
        " json={'qty': '0.1'} in the journal."
    )
    assert "Closest http entries (2 of 2, best first):" in message
    # Best first: the order with the wrong quantity, at its time since the journal started.
    assert re.search(r"1\. \+\s+12\.000ms  #1 .*POST /v5/order/create", message)
    assert "json.qty: expected '0.1', got '0.2'" in message
    assert "path: expected '/v5/order/create', got '/v5/market/time'" in message
    assert [miss.entry.seq for miss in error.near_misses] == [1, 2]
    assert [str(diff) for diff in error.near_misses[0].diffs] == ["json.qty: expected '0.1', got '0.2'"]
    assert journal.pending_waits == 0


async def test_a_plain_predicate_timeout_shows_the_latest_candidates(journal: Journal) -> None:
    server_time(journal)
    journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, "{}")

    def never(entry: Entry) -> bool:
        return False

    with pytest.raises(JournalTimeout) as failure:
        await journal.wait_for(never, timeout=0.01, kind=HttpEntry)
    message = str(failure.value)
    assert "waiting for an entry of kind http satisfying" in message
    assert "no field diffs can be shown" in message
    assert "GET /v5/market/time -> 200" in message
    assert "ws_frame" not in message


async def test_a_predicate_that_raises_reaches_the_waiting_test(journal: Journal) -> None:
    def broken(entry: Entry) -> bool:
        raise KeyError("boom")

    waiting = asyncio.create_task(journal.wait_for(broken, timeout=5))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)
    await started.wait()
    server_time(journal)  # recording itself does not raise: the waiter does
    with pytest.raises(KeyError, match="boom"):
        await asyncio.wait_for(waiting, timeout=5)
    assert journal.pending_waits == 0


async def test_a_cancelled_wait_leaves_no_waiter_behind(journal: Journal) -> None:
    waiting = asyncio.create_task(journal.wait_for(HttpMatch(path="/never"), timeout=5))
    started = asyncio.Event()
    asyncio.get_running_loop().call_soon(started.set)
    await started.wait()
    assert journal.pending_waits == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert journal.pending_waits == 0
    server_time(journal)


# -- assertion helpers ---------------------------------------------------------------------------------


def test_assert_http_returns_matches_and_checks_the_count(journal: Journal) -> None:
    first = order_create(journal, query="x=1")
    second = order_create(journal, qty="0.5")

    assert journal.assert_http("post", "/v5/order/create") == [first, second]
    assert journal.assert_http(json={"qty": "0.5", "symbol": ANY}, auth="ok", account_id="alice") == [second]
    assert journal.assert_http(path=re.compile(r"/v5/order/\w+"), query={"x": "1"}, fault=None) == [first]
    assert journal.assert_http(body=first.body, status=200, where=lambda e: e.duration_ns > 0) == [first]
    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_http(path="/v5/order/create", count=3)
    message = str(failure.value)
    assert (
        "Expected exactly 3 matches in the journal for: http entry with path='/v5/order/create'; found 2."
        in message
    )
    assert "Matching entries:" in message
    assert "No other http entries were recorded in the journal (held: 2 http)." in message


def test_assert_http_near_misses_rank_closest_first_and_cap_at_five(journal: Journal) -> None:
    for _ in range(6):
        server_time(journal)
    close = order_create(journal, qty="0.2", account_id="bob")

    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_http("POST", "/v5/order/create", json={"qty": "0.1"}, query={"category": "linear"})
    error = failure.value
    assert error.near_misses[0].entry is close
    assert len(error.near_misses) == 5
    assert [str(d) for d in error.near_misses[0].diffs] == [
        "query.category: expected 'linear', got absent",
        "json.qty: expected '0.1', got '0.2'",
    ]
    # Equally distant entries: the newest first.
    assert [miss.entry.seq for miss in error.near_misses[1:]] == [6, 5, 4, 3]
    assert "Closest http entries (5 of 7, best first):" in str(error)
    assert "json: expected JSON containing {'qty': '0.1'}, got an empty body" in str(error)


def test_assert_ws_frame_matches_role_payload_and_json(journal: Journal) -> None:
    journal.record_ws_open("pub", "/v5/public/linear", WsRole.PUBLIC)
    journal.record_ws_open("priv", "/v5/private", WsRole.PRIVATE)
    auth = journal.record_ws_frame(
        "priv", Direction.IN, FrameKind.TEXT, '{"op":"auth","args":["key",1700000000000,"sig"]}'
    )
    pong = journal.record_ws_frame("pub", Direction.OUT, FrameKind.PONG, b"hi", fault="late-pong")

    assert journal.assert_ws_frame(role="private", json={"op": "auth", "args": [ANY, ANY, "sig"]}) == [auth]
    assert journal.assert_ws_frame("pub", "out", "pong", payload="hi", fault="late-pong") == [pong]
    assert journal.assert_ws_frame(path=re.compile(r"/v5/public/.*"), contains="hi") == [pong]

    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_ws_frame(role="trade", direction="in", json={"op": "order.create"})
    message = str(failure.value)
    assert (
        "Expected at least one match in the journal for: ws_frame entry with direction='in', role='trade'"
        in message
    )
    assert "role: expected 'trade', got 'private'" in message
    assert "json.op: expected 'order.create', got 'auth'" in message
    assert "json: expected JSON containing {'op': 'order.create'}, got non-JSON b'hi'" in message


def test_assert_match_on_subscriptions_and_an_empty_window(journal: Journal) -> None:
    journal.record_ws_open("ws-1", "/v5/public/spot", WsRole.PUBLIC)
    journal.record_subscription(
        "ws-1", SubscriptionOp.SUBSCRIBE, "tickers.BTCUSDT", SubscriptionOutcome.REJECTED, fault="reject-sub"
    )
    match = SubscriptionMatch(topic=re.compile(r"tickers\..*"), outcome="ok")

    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_match(match)
    assert "outcome: expected 'ok', got 'rejected'" in str(failure.value)
    assert journal.assert_match(SubscriptionMatch(role="public", fault="reject-sub"), count=1)

    with pytest.raises(JournalAssertionError) as failure:
        journal.assert_http(since_seq=journal.mark())
    assert "No other http entries were recorded after #2 (held: nothing)." in str(failure.value)


# -- JSON and text ----------------------------------------------------------------------------------


def test_as_dict_round_trips_through_json_for_text_and_binary_payloads(journal: Journal) -> None:
    text = journal.record_ws_frame("ws-1", Direction.IN, FrameKind.TEXT, '{"op":"ping"}')
    binary = journal.record_ws_frame("ws-1", Direction.OUT, FrameKind.BINARY, b"\xff\x00\x01")
    utf8_bytes = journal.record_ws_frame("ws-1", Direction.OUT, FrameKind.PING, "héllo".encode())
    http = order_create(journal, response_body=b"\x89PNG")

    for entry in (text, binary, utf8_bytes, http):
        document = entry.as_dict()
        assert orjson.loads(orjson.dumps(document)) == document

    assert text.as_dict() == {
        "type": "ws_frame",
        "seq": 1,
        "ts_ns": T0_NS,
        "conn_id": "ws-1",
        "direction": "in",
        "kind": "text",
        "payload": '{"op":"ping"}',
        "fault": None,
    }
    assert binary.as_dict()["payload"] == {"base64": "/wAB"}
    assert decode_bytes(binary.as_dict()["payload"]) == b"\xff\x00\x01"
    assert utf8_bytes.as_dict()["payload"] == "héllo"
    http_document = http.as_dict()
    assert http_document["headers"][1] == ["X-BAPI-API-KEY", "demo-key"]
    assert http_document["auth"] == "ok"
    assert orjson.loads(http_document["body"])["qty"] == "0.1"
    assert decode_bytes(http_document["response_body"]) == b"\x89PNG"
    with pytest.raises(
        ValueError, match=re.escape("expected text or a {'base64': ...} marker, got {'hex': '00'}")
    ):
        decode_bytes({"hex": "00"})  # type: ignore[dict-item]


def test_to_json_pages_with_next_since(journal: Journal) -> None:
    for _ in range(5):
        server_time(journal)

    page = journal.to_json(since_seq=1, limit=2)
    assert orjson.loads(orjson.dumps(page)) == page
    assert page["version"] == 1
    assert [e["seq"] for e in page["entries"]] == [2, 3]
    assert page["next_since"] == 3
    rest = journal.to_json(since_seq=page["next_since"])
    assert [e["seq"] for e in rest["entries"]] == [4, 5]
    assert journal.to_json(since_seq=rest["next_since"])["next_since"] == 5
    assert journal.to_json(since_seq=5)["entries"] == []


def test_format_excerpt_is_one_line_per_entry_with_relative_times(journal: Journal, clock: FakeClock) -> None:
    clock.now = T0_NS + 1 * MS
    server_time(journal)
    clock.now = T0_NS + 1_500_000
    order_create(journal, query="category=linear")
    journal.record_ws_open("ws-7", "/v5/private", WsRole.PRIVATE, "127.0.0.1:5000")
    clock.now = T0_NS + 42 * MS
    journal.record_ws_frame("ws-7", Direction.OUT, FrameKind.TEXT, "x" * 300)
    journal.record_ws_close("ws-7", None, "", ClosedBy.TRANSPORT_ABORT, fault="silent-drop")

    lines = journal.format_excerpt(1).splitlines()
    assert lines[0] == "journal excerpt after #1: 4 entries"
    assert lines[1].startswith(
        "+     1.500ms  #2      http          POST /v5/order/create?category=linear -> 200"
    )
    assert "auth=ok account=alice body={" in lines[1]
    assert ' => {"retCode":0' in lines[1]
    assert lines[2].endswith("ws_open       ws-7 open /v5/private (private) from 127.0.0.1:5000")
    assert lines[3] == f"+    42.000ms  #4      ws_frame      ws-7 out text {'x' * 120}…(+180 chars)"
    assert lines[4].endswith("ws-7 (private) closed by transport-abort code=None reason='' fault=silent-drop")
    assert journal.format_excerpt(0, until_seq=1).splitlines()[1:] == [
        '+     1.000ms  #1      http          GET /v5/market/time -> 200 => {"retCode":0}'
    ]


def test_format_excerpt_keeps_both_ends_past_the_limit(journal: Journal) -> None:
    for _ in range(10):
        server_time(journal)
    lines = journal.format_excerpt(limit=4).splitlines()
    assert lines[0] == "journal excerpt (every held entry): 10 entries"
    seqs = [re.search(r"#\d+", line).group() for line in lines[1:]]  # type: ignore[union-attr]
    assert seqs == ["#1", "#2", "#3", "#9", "#10"]
    assert lines[3] == "… 6 entries omitted (#3..#8) …"
    assert journal.format_excerpt(10).splitlines() == ["journal excerpt after #10: 0 entries"]


def test_entries_from_the_journal_are_the_declared_types(journal: Journal) -> None:
    opened = journal.record_ws_open("ws-1", "/v5/trade", WsRole.TRADE, query="max_active_time=1m")
    assert isinstance(opened, WsOpen)
    assert opened.role == "trade"
    assert opened.as_dict()["query"] == "max_active_time=1m"
