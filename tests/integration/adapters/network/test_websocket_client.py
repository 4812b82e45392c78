"""WebSocketClient against a small venue on a real socket (see conftest.py): login, subscriptions,
ping/pong both ways, heartbeat loss, reconnect-and-restore, quota lanes and a clean close."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from adapters.contract.errors import AuthenticationError, RetryableTransportError
from adapters.network import (
    AuthState,
    ConnectionState,
    HeartbeatConfig,
    Quota,
    RateLimiter,
    Tag,
    TopicStatus,
)

DEADLINE = 5.0


def _first_index(journal: list[Any], predicate: Any) -> int:
    return next(i for i, f in enumerate(journal) if predicate(f))


async def test_login_comes_first_then_subscriptions_and_data_in_order(venue: Any, make_client: Any) -> None:
    client, consumer = await make_client(connect=False)
    client.subscribe("order")  # wanted before connect: sent once the login is acked
    await client.connect()
    assert client.is_active and client.auth.state is AuthState.AUTHENTICATED
    client.subscribe("publicTrade.BTCUSDT")
    await client.wait_subscribed("order", DEADLINE)
    await client.wait_subscribed("publicTrade.BTCUSDT", DEADLINE)
    journal = venue.frames(1)
    ack = _first_index(journal, lambda f: f.op == "ack:auth")
    first_sub = _first_index(journal, lambda f: f.op == "subscribe")
    assert next(f.op for f in journal if f.kind == "text") == "auth" and ack < first_sub
    assert venue.topics_subscribed(1) == ["order", "publicTrade.BTCUSDT"]
    assert client.subscriptions.active == {"order", "publicTrade.BTCUSDT"}
    for n in range(3):
        await venue.send(1, {"topic": "publicTrade.BTCUSDT", "n": n})
    await consumer.wait_until(lambda: len(consumer.messages) == 3)
    # Acks never reach the handler; data arrives in order.
    assert [m["n"] for m in consumer.messages] == [0, 1, 2]


async def test_refused_login_fails_connect_with_the_venue_message(venue: Any, make_client: Any) -> None:
    venue.refuse_login = True
    client, _ = await make_client(connect=False)
    client.subscribe("order")
    with pytest.raises(AuthenticationError, match="Invalid sign") as info:
        await client.connect()
    assert info.value.code == 10004
    assert client.state is ConnectionState.IDLE and client.auth.state is AuthState.FAILED
    await venue.wait_until(lambda: venue.frames(1, kind="closed"))
    assert [f.op for f in venue.frames(1, kind="text")] == ["auth"]  # no subscribe, no second login


async def test_missing_login_ack_times_out(venue: Any, make_client: Any) -> None:
    venue.swallow_login = True
    client, _ = await make_client(connect=False)
    client._auth = type(client._auth)(client._auth.build, client._auth.parse_ack, timeout_s=0.1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(AuthenticationError, match="no login ack"):
        await client.connect()
    assert 0.1 <= loop.time() - started < 2.0
    assert len(venue.frames(op="auth")) == 1 and not client.is_active


async def test_unreachable_endpoint_is_a_transport_error(make_client: Any) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    client, _ = await make_client(connect=False, url=f"ws://127.0.0.1:{port}/x")
    with pytest.raises(RetryableTransportError, match="connect"):
        await client.connect()
    assert not client.is_active
    with pytest.raises(TimeoutError):
        await client.wait_active(0.05)


async def test_server_pings_are_answered_and_never_delivered(venue: Any, make_client: Any) -> None:
    client, consumer = await make_client(auth=False)
    await venue.sockets[1].ping(b"ctl-7f3a")
    await venue.send(1, {"op": "ping"})
    await venue.send(1, "ping")
    await venue.send(1, {"topic": "barrier"})
    await consumer.wait_until(lambda: consumer.messages == [{"topic": "barrier"}])
    await venue.wait_until(lambda: len(venue.frames(1, op="pong")) == 2 and venue.frames(1, kind="pong"))
    assert [f.data for f in venue.frames(1, kind="pong")] == [b"ctl-7f3a"]
    assert client.pings_received == 1 and client.text_pings_answered == 2


async def test_client_heartbeat_pings_both_ways_and_swallows_pongs(venue: Any, make_client: Any) -> None:
    beat = HeartbeatConfig(interval_s=0.02, timeout_s=1.0, text_ping=lambda: {"op": "ping"})
    client, consumer = await make_client(auth=False, heartbeat=beat)
    await venue.wait_until(
        lambda: len(venue.frames(1, kind="ping")) >= 2 and len(venue.frames(1, op="ping")) >= 2
    )
    await client.wait_until(lambda: client.pongs_received >= 2 and client.text_pongs_received >= 2, DEADLINE)
    assert len({bytes(f.data) for f in venue.frames(1, kind="ping")}) == len(
        venue.frames(1, kind="ping")
    )  # unique payloads
    assert consumer.messages == [] and client.connections == 1


async def test_heartbeat_loss_reconnects_and_restores(venue: Any, make_client: Any) -> None:
    beat = HeartbeatConfig(interval_s=0.02, timeout_s=0.3, text_ping=lambda: {"op": "ping"})
    client, consumer = await make_client(heartbeat=beat)
    client.subscribe("position")
    await client.wait_subscribed("position", DEADLINE)
    venue.mute.add(1)  # the venue stops answering anything on connection 1
    await client.wait_until(lambda: client.reconnects == 1 and client.is_active, DEADLINE)
    await client.wait_subscribed("position", DEADLINE)
    assert venue.topics_subscribed(2) == ["position"] and len(venue.frames(2, op="auth")) == 1
    assert consumer.reconnected == [2]


@pytest.mark.parametrize("graceful", [True, False], ids=["close-frame", "tcp-abort"])
async def test_reconnect_logs_in_first_and_restores_exactly_the_wanted_topics(
    venue: Any, make_client: Any, graceful: bool
) -> None:
    subscribes_at_reconnect: list[int] = []
    client, consumer = await make_client(
        on_reconnected=lambda: subscribes_at_reconnect.append(len(venue.frames(2, op="subscribe")))
    )
    venue.refuse_topics = {"bad.topic"}
    for topic in (
        "publicTrade.BTCUSDT",
        "orderbook.50.BTCUSDT",
        "order",
        "position",
        "execution",
        "bad.topic",
    ):
        client.subscribe(topic)
    client.subscribe("order")  # a second consumer of a topic: still one subscribe
    for topic in ("publicTrade.BTCUSDT", "orderbook.50.BTCUSDT", "order", "position", "execution"):
        await client.wait_subscribed(topic, DEADLINE)
    await consumer.wait_until(lambda: len(consumer.refused) == 1)
    assert (
        consumer.refused[0][0] == "bad.topic"
        and client.subscriptions.status("bad.topic") is TopicStatus.PENDING
    )
    client.unsubscribe("position")
    client.unsubscribe("orderbook.50.BTCUSDT")
    client.unsubscribe("order")  # one of two consumers let go: stays
    await client.wait_until(
        lambda: client.subscriptions.unsubscribed == {"position", "orderbook.50.BTCUSDT"}, DEADLINE
    )
    assert venue.topics_subscribed(1).count("order") == 1
    venue.refuse_topics = set()
    venue.login_gate = asyncio.Event()  # hold the next login's ack
    await venue.drop(1, graceful=graceful)
    await venue.wait_until(lambda: venue.frames(2, op="auth"))
    assert client.state is ConnectionState.RECONNECTING and not client.is_active
    # Barrier: the venue pings the held connection; its pong proves the client read past the login.
    await venue.sockets[2].ping(b"barrier")
    await venue.wait_until(lambda: venue.frames(2, kind="pong"))
    assert venue.frames(2, op="subscribe") == []
    venue.login_gate.set()
    await client.wait_until(
        lambda: client.is_active and client.subscriptions.pending == frozenset(), DEADLINE
    )
    journal = venue.frames(2)
    ack = _first_index(journal, lambda f: f.op == "ack:auth")
    assert all(i > ack for i, f in enumerate(journal) if f.op == "subscribe")
    restored = venue.topics_subscribed(2)
    assert sorted(restored) == ["bad.topic", "execution", "order", "publicTrade.BTCUSDT"]
    assert len(restored) == len(set(restored))
    assert consumer.reconnected == [2] and subscribes_at_reconnect == [0]
    assert client.subscriptions.active == {"bad.topic", "execution", "order", "publicTrade.BTCUSDT"}


async def test_three_rapid_drops_each_restore_once(venue: Any, make_client: Any) -> None:
    client, consumer = await make_client()
    for topic in ("a", "b", "c"):
        client.subscribe(topic)
    await client.wait_until(lambda: client.subscriptions.active == {"a", "b", "c"}, DEADLINE)
    for cycle in range(1, 4):
        await venue.drop(cycle, graceful=cycle % 2 == 0)
        await client.wait_until(
            lambda c=cycle: client.reconnects == c and client.subscriptions.active == {"a", "b", "c"},
            DEADLINE,
        )
        assert sorted(venue.topics_subscribed(cycle + 1)) == ["a", "b", "c"]
    assert len(venue.frames(op="auth")) == 4 and client.auth.logins == 4
    assert consumer.reconnected == [2, 3, 4]


async def test_order_traffic_is_not_queued_behind_a_subscription_backlog(
    venue: Any, make_client: Any
) -> None:
    limiter = RateLimiter({"ws:subscribe": Quota(1, 60.0), "ws:order": Quota.per_second(10)})
    client, _ = await make_client(
        limiter=limiter, quota_keys={Tag.SUBSCRIPTION: ["ws:subscribe"], Tag.ORDER: ["ws:order"]}
    )
    for n in range(50):
        client.subscribe(f"kline.1.SYM{n}")
    for op in ("order.create", "order.amend", "order.cancel"):
        await client.send({"op": op, "args": [{"symbol": "BTCUSDT"}]}, Tag.ORDER)
    await venue.wait_until(lambda: len(venue.frames(1, op="order.cancel")) == 1)
    # One subscribe fits the quota; the other 49 wait for theirs, behind which no order queued.
    assert len(venue.frames(1, op="subscribe")) <= 1
    assert client._conn is not None and client._conn.lanes.backlog >= 49
    assert client._conn.lanes.sent[Tag.ORDER] == 3


async def test_send_while_not_active_is_refused(venue: Any, make_client: Any) -> None:
    client, _ = await make_client(connect=False)
    with pytest.raises(RetryableTransportError, match="wait_active"):
        await client.send({"op": "order.create"}, Tag.ORDER)


def _client_tasks() -> set[asyncio.Task[Any]]:
    """Every task but the venue's own (its request handlers end on their own schedule)."""
    return {
        t
        for t in asyncio.all_tasks()
        if not any(n in repr(t.get_coro()) for n in ("RequestHandler", "FakeVenue"))
    }


async def test_close_stops_every_task_even_mid_reconnect(venue: Any, make_client: Any) -> None:
    baseline = _client_tasks()
    beat = HeartbeatConfig(interval_s=0.01, timeout_s=1.0)
    limiter = RateLimiter({"ws:subscribe": Quota(1, 60.0)})
    client, _ = await make_client(
        heartbeat=beat, limiter=limiter, quota_keys={Tag.SUBSCRIPTION: ["ws:subscribe"]}
    )
    client.subscribe("a")
    client.subscribe("b")  # waits 60 s in the pacer
    venue.login_gate = asyncio.Event()
    await venue.drop(1, graceful=False)
    await venue.wait_until(lambda: venue.frames(2, op="auth"))
    await client.close()
    assert client.is_closed and _client_tasks() == baseline
    await venue.wait_until(lambda: venue.frames(2, kind="closed"))
    assert venue.connections == 2
    await client.close()  # idempotent


async def test_refused_login_on_reconnect_backs_off_and_recovers(venue: Any, make_client: Any) -> None:
    sleeps: list[float] = []
    client, consumer = await make_client()
    client.subscribe("order")
    await client.wait_subscribed("order", DEADLINE)
    real_sleeper = client._sleeper

    async def recording_sleeper(seconds: float) -> None:
        sleeps.append(seconds)
        await real_sleeper(seconds)

    client._sleeper = recording_sleeper
    venue.refuse_login = True
    await venue.drop(1, graceful=True)
    await venue.wait_until(lambda: len(venue.frames(op="ack:auth")) >= 4)
    venue.refuse_login = False
    await client.wait_until(lambda: client.is_active and client.subscriptions.active == {"order"}, DEADLINE)
    # One login per connection, a backoff wait before every attempt, growing (capped at 10 ms).
    logins = len(venue.frames(op="auth"))
    assert logins == venue.connections and len(sleeps) == logins - 1
    assert sleeps[1] >= sleeps[0] and max(sleeps) <= 0.01
    assert client.reconnects == 1 and consumer.reconnected == [venue.connections]
