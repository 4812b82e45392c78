"""Group 2, WebSocket connection and login (W-xx): judged on the journal's connections, frames and
subscription ledger (venue side) and on what the adapter's connect/disconnect return, raise and
publish (adapter side).

The contract exposes streams through the data and execution clients, so "the socket" of the
catalogue is the public socket a data subscription opens and the private socket
``ExecutionClient.connect()`` logs in on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

from adapters.contract import AdapterError, AuthenticationError, MissingCredentials, Product, RecordingSink
from adapters.contract.capabilities import DataKind
from conformance.cases._support import adapter_instrument, timing_config, unused_port
from conformance.harness.adapter import BuiltAdapter, endpoints_of
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import data, execution
from simulator.server import WsFrameMatch
from simulator.server.faults.ws_actions import DelayAuthAck, NeverAckAuth, RejectAuth
from simulator.server.journal import (
    ClosedBy,
    Direction,
    FrameKind,
    SubscriptionEntry,
    SubscriptionOp,
    WsClose,
    WsFrame,
    WsOpen,
    WsRole,
)

_TRADES = data(DataKind.TRADE_TICKS)
_BOOKS = data(DataKind.ORDER_BOOK_DELTAS)


def _logins(ctx: CaseContext, since: int | None = None, until: int | None = None) -> list[WsFrame]:
    facts = facts_of(ctx.adapter.dialect)
    match = WsFrameMatch(direction=Direction.IN, kind=FrameKind.TEXT, json=facts.ws_login)
    return ctx.journal.entries(WsFrame, since, match, until_seq=until)


def _private_requests(ctx: CaseContext, conn_id: str) -> list[WsFrame]:
    """Client text frames on ``conn_id`` that are neither the login nor a ping."""
    facts = facts_of(ctx.adapter.dialect)
    login, ping = WsFrameMatch(json=facts.ws_login), WsFrameMatch(json=facts.ws_text_ping)
    conns: dict[str, Any] = {}  # only the frame's own fields are compared
    frames = ctx.journal.entries(
        WsFrame, None, WsFrameMatch(conn_id=conn_id, direction=Direction.IN, kind=FrameKind.TEXT)
    )
    return [f for f in frames if not login.matches(f, conns) and not ping.matches(f, conns)]


def _private_subscribes(ctx: CaseContext) -> list[SubscriptionEntry]:
    private = {c.conn_id for c in ctx.journal.connections(WsRole.PRIVATE)}
    return [
        e
        for e in ctx.journal.entries(SubscriptionEntry)
        if e.conn_id in private and e.op == SubscriptionOp.SUBSCRIBE
    ]


@case("W-01", group="ws_login", requires=_TRADES)
async def test_w01_connect_close_lifecycle(ctx: CaseContext) -> None:
    """One upgrade, then a client Close; connected false -> true -> false; no reconnect after close."""
    built = ctx.build(keys=False)
    client = built.data
    ctx.expect(not client.is_connected, "is_connected is false before connect()", "it is true")
    await ctx.within(client.connect(), "connect() returns")
    ctx.expect(client.is_connected, "is_connected is true after connect()", "it is false")
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    await ctx.within(
        client.subscribe_trade_ticks(instrument.instrument_id), "subscribe_trade_ticks() returns"
    )
    opened = ctx.journal.connections(WsRole.PUBLIC)
    ctx.expect(len(opened) == 1, "one public upgrade", f"{len(opened)} public connections")
    conn = opened[0].conn_id
    await ctx.within(client.disconnect(), "disconnect() returns")
    ctx.expect(not client.is_connected, "is_connected is false after disconnect()", "it is true")
    closed = await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.conn_id == conn, "the connection's close is journalled"
    )
    ctx.expect(
        closed.closed_by == ClosedBy.CLIENT and closed.code is not None,
        "a client Close frame (not a dropped transport)",
        f"closed by {closed.closed_by.value} with code {closed.code}",
    )
    still_open = ctx.journal.connections(WsRole.PUBLIC, open_only=True)
    ctx.expect(not still_open, "open connections back to 0", f"{[c.conn_id for c in still_open]} still open")
    # Barrier on the accept counter: a second client opens the same socket; any reconnect of the
    # closed client would have to be accepted before (or be caught when it comes in the window).
    sentinel = ctx.build(keys=False)
    await ctx.within(sentinel.provider.load_all_async(), "the sentinel client loads instruments")
    other = await adapter_instrument(ctx, sentinel, Product.LINEAR)
    mark = closed.seq
    await ctx.within(sentinel.data.subscribe_trade_ticks(other.instrument_id), "the sentinel subscribes")
    opens = ctx.journal.entries(WsOpen, mark)
    ctx.expect(
        len(opens) == 1,
        "no connection after the close but the sentinel's",
        lambda: f"{len(opens)} connections opened after the close: {[(o.seq, o.path) for o in opens]}",
    )


@case("W-02", group="ws_login", requires=_TRADES)
async def test_w02_unreachable_endpoint(ctx: CaseContext) -> None:
    """A stream endpoint with no listener: a typed error within a deadline, nothing reaches any socket."""
    with unused_port() as port:
        endpoints = endpoints_of(ctx.sim)  # the simulator's REST, streams rerouted to the dead port
        dead = {product: f"ws://127.0.0.1:{port}/v5/public/x" for product in endpoints.ws_public}
        sink = RecordingSink()
        clients = ctx.adapter.factory.create(dataclasses.replace(endpoints, ws_public=dead), None, sink, None)
        built = BuiltAdapter(clients, sink, None, endpoints)
        try:
            await ctx.within(built.provider.load_all_async(), "instruments load over REST")
            instrument = await adapter_instrument(ctx, built, Product.LINEAR)
            started = time.monotonic()
            error = await ctx.raises(
                built.data.subscribe_trade_ticks(instrument.instrument_id),
                (AdapterError, TimeoutError),
                "a typed error for a stream endpoint nobody listens on",
                timeout=15.0,
            )
            took = time.monotonic() - started
            ctx.notes.append(f"subscribe raised {type(error).__qualname__}: {error} after {took:.2f} s")
            ctx.expect(
                not isinstance(error, AuthenticationError | MissingCredentials),
                "a transport/timeout error, not an auth error",
                f"{type(error).__qualname__}: {error}",
            )
        finally:
            await built.close()
    opens = ctx.journal.entries(WsOpen)
    ctx.expect(not opens, "no connection reached the venue", f"{len(opens)} connections")


@case("W-03", group="ws_login", requires=execution())
async def test_w03_login_then_default_channels(ctx: CaseContext) -> None:
    """One signed login before anything private; connect() returns only after the ack; each default
    private topic subscribed exactly once, after the ack."""
    facts = facts_of(ctx.adapter.dialect)
    # A late ack makes the order observable: nothing may be subscribed, and connect() may not
    # return, while the venue has not answered the login yet.
    ctx.sim.faults.arm(DelayAuthAck(seconds=0.3), channel="ws", op="auth", name="late-ack")
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    assert client is not None
    task = asyncio.ensure_future(client.connect())
    try:
        login = await ctx.wait_journal(
            WsFrameMatch(direction=Direction.IN, role=WsRole.PRIVATE, json=facts.ws_login),
            "a login frame on the private socket",
        )
        ctx.expect(not task.done(), "connect() still waiting while the login is unanswered", "it returned")
        ack = await ctx.wait_journal(
            WsFrameMatch(direction=Direction.OUT, conn_id=login.conn_id, json=facts.ws_login_ok),
            "the venue's successful login ack",
            since=login.seq,
        )
        await ctx.within(task, "connect() returns after the ack")
    finally:
        if not task.done():
            task.cancel()
    ctx.expect(client.is_connected, "is_connected after connect()", "false")
    logins = _logins(ctx)
    ctx.expect(len(logins) == 1, "exactly one login", f"{len(logins)} logins at {[e.seq for e in logins]}")
    early = [f for f in _private_requests(ctx, login.conn_id) if f.seq < ack.seq]
    ctx.expect(
        not early,
        "no request on the private socket before the login ack",
        lambda: "; ".join(f"#{f.seq} {f.text()[:80]}" for f in early),
    )
    subscribes = _private_subscribes(ctx)
    ctx.expect(subscribes, "default private topics subscribed", "no private subscription")
    counts: dict[str, int] = {}
    for entry in subscribes:
        counts[entry.topic] = counts.get(entry.topic, 0) + 1
    twice = {topic: n for topic, n in counts.items() if n != 1}
    ctx.expect(not twice, "each default topic subscribed exactly once", f"{twice}")
    refused = [e.topic for e in subscribes if e.outcome != "ok"]
    ctx.expect(not refused, "every default topic accepted", f"refused: {refused}")


@case("W-04", group="ws_login", requires=execution())
async def test_w04_login_failure(ctx: CaseContext) -> None:
    """A refused login: connect() raises an auth error with the venue's message; one attempt, no
    private subscribe, no private data, no re-login loop."""
    message = "conformance: login refused"
    ctx.sim.faults.arm(RejectAuth(message=message), channel="ws", op="auth", name="refuse-login")
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    assert client is not None
    error = await ctx.raises(client.connect(), AuthenticationError, "an AuthenticationError from connect()")
    ctx.expect(message in str(error), f"the error carries the venue's message {message!r}", f"{error}")
    ctx.expect(not client.is_connected, "not connected after a refused login", "is_connected is true")
    refused_at = ctx.journal.mark()
    logins = _logins(ctx)
    ctx.expect(len(logins) == 1, "one login attempt", f"{len(logins)} logins")
    ctx.expect(
        not _private_subscribes(ctx), "no private subscribe after a refusal", "private topics subscribed"
    )
    events = built.sink.payloads("event")
    ctx.expect(not events, "no private data or account events", f"{len(events)} events, first {events[:1]!r}")
    # Barrier: the caller connects again (the refusal was one-shot); that login is the sentinel.
    # A client re-logging in on its own would show a login between the refusal and it.
    await ctx.within(client.connect(), "a second connect() succeeds once the venue accepts")
    sentinel = _logins(ctx, refused_at)
    ctx.expect(
        len(sentinel) == 1,
        "no login between the refusal and the caller's next connect()",
        f"{len(sentinel)} logins after the refusal",
    )


@case("W-05", group="ws_login", requires=execution())
async def test_w05_login_ack_never_arrives(ctx: CaseContext) -> None:
    """The venue swallows the login: exactly one login, an auth-timeout error at about the timeout."""
    timeout_s = 0.5
    config = timing_config(ctx, auth_timeout_s=timeout_s)
    ctx.notes.append(f"adapter timing config: {config!r}")
    ctx.sim.faults.arm(NeverAckAuth(), channel="ws", op="auth", name="swallow-login")
    built = ctx.build(keys=True, config=config)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    assert client is not None
    started = time.monotonic()
    error = await ctx.raises(
        client.connect(), (AdapterError, TimeoutError), "a timeout error from connect()", timeout=12.0
    )
    took = time.monotonic() - started
    ctx.notes.append(f"connect() raised {type(error).__qualname__}: {error} after {took:.2f} s")
    ctx.expect(not client.is_connected, "not connected without an ack", "is_connected is true")
    logins = _logins(ctx)
    ctx.expect(len(logins) == 1, "exactly one login", f"{len(logins)} logins")
    if config is not None:
        ctx.expect(
            timeout_s * 0.8 <= took <= timeout_s + 2.0,
            f"the error at about the configured {timeout_s} s",
            f"after {took:.2f} s",
        )


@case("W-06", group="ws_login", requires=_BOOKS)
async def test_w06_public_sessions_never_log_in(ctx: CaseContext) -> None:
    """A keyless data session subscribes and receives data without any login."""
    built = ctx.build(keys=False)
    await ctx.within(built.data.connect(), "connect() returns")
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    mark = built.sink.mark()
    await ctx.within(
        built.data.subscribe_order_book_deltas(instrument.instrument_id),
        "subscribe_order_book_deltas() returns",
    )
    await ctx.within(
        built.sink.wait_for(lambda r: type(r.payload).__name__ == "OrderBookDeltas", 5.0, since=mark),
        "book data flows",
    )
    logins = _logins(ctx)
    ctx.expect(not logins, "no login op", f"{len(logins)} logins")
    private = ctx.journal.connections(WsRole.PRIVATE)
    ctx.expect(not private, "no private socket", f"{len(private)} private connections")


@case("W-07", group="ws_login", requires=execution())
async def test_w07_private_without_keys(ctx: CaseContext) -> None:
    """Keyless: no private stream is opened or subscribed, and the missing keys surface as an error."""
    built = ctx.build(keys=False)
    client: Any = built.execution
    if client is not None:
        # An adapter that builds an execution client without keys must refuse to connect it.
        error = await ctx.raises(
            client.connect(), (MissingCredentials, AuthenticationError), "a credentials error from connect()"
        )
        ctx.notes.append(f"keyless connect() raised {type(error).__qualname__}: {error}")
    else:
        ctx.notes.append("the factory built no execution client without keys (the contract's guard)")
    await ctx.within(built.data.connect(), "the keyless data client still connects")
    private = ctx.journal.connections(WsRole.PRIVATE)
    ctx.expect(not private, "no private socket opened without keys", f"{len(private)} private connections")
    subscribes = _private_subscribes(ctx)
    ctx.expect(not subscribes, "no private topic confirmed", f"{[e.topic for e in subscribes]}")
    events = built.sink.payloads("event")
    ctx.expect(not events, "no private data", f"{len(events)} events")
