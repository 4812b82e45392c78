"""Group 3, ping/pong and heartbeat (PP-xx): judged on the journal's ping and pong frames, closes and
reconnects (venue side), and on what the adapter publishes and whether its streams keep working
(adapter side).

Heartbeat cases need short intervals: the adapter offers them through its factory's optional
``conformance_config(heartbeat_interval_s=...)`` (see :func:`conformance.cases._support.timing_config`);
without it, a 20 s heartbeat cannot be observed within a case's deadline, and the case says so.
"""

from __future__ import annotations

import random
from typing import Any

from adapters.contract import Product
from adapters.contract.capabilities import DataKind
from adapters.model.commands import SubmitOrder
from adapters.model.events import OrderAccepted
from conformance.cases._support import adapter_instrument, passive_limit, timing_config
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import data, execution, product
from simulator.server import WsFrameMatch
from simulator.server.faults.ws_actions import IgnorePing, ServerPing
from simulator.server.journal import (
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
#: Seconds between a server ping and the client's pong that still count as prompt.
PONG_SLA_S = 1.0
#: The heartbeat interval the timing cases ask for.
HEARTBEAT_S = 0.2


def _payload(tag: str) -> str:
    # Seeded per tag: unique within a case, the same on every run.
    return f"{tag}-{random.Random(tag).getrandbits(48):012x}"


async def _public_conn(ctx: CaseContext, since: int) -> WsOpen:
    return await ctx.wait_journal(
        lambda e: isinstance(e, WsOpen) and e.role == WsRole.PUBLIC, "a public socket opens", since=since
    )


async def _pong_for(ctx: CaseContext, conn: str, payload: str, name: str) -> None:
    ping = await ctx.wait_journal(
        WsFrameMatch(conn_id=conn, direction=Direction.OUT, kind=FrameKind.PING, fault=name),
        f"the venue's ping {payload!r} ({name})",
    )
    pong = await ctx.wait_journal(
        WsFrameMatch(conn_id=conn, direction=Direction.IN, kind=FrameKind.PONG, payload=payload.encode()),
        f"a Pong carrying the ping's payload {payload!r}",
        since=ping.seq,
        timeout=PONG_SLA_S * 3,
    )
    latency = (pong.ts_ns - ping.ts_ns) / 1e9
    ctx.expect(latency <= PONG_SLA_S, f"the pong within {PONG_SLA_S} s", f"after {latency:.3f} s")


def _still_open(ctx: CaseContext, conn: str) -> None:
    closed = ctx.journal.close_of(conn)
    ctx.expect(
        closed is None,
        "the connection stays open",
        lambda: f"closed: {closed.code} {closed.reason!r} by {closed.closed_by}",
    )


@case("PP-01", group="heartbeat", requires=_TRADES & product(Product.LINEAR))
async def test_pp01_control_ping(ctx: CaseContext) -> None:
    """Control-frame pings right after connect and after a subscribe get Pongs with the same payload."""
    first, second = _payload("pp01-open"), _payload("pp01-subscribe")
    ctx.sim.faults.arm(ServerPing(payload=first), channel="ws", op="open", role="public", name="ping-on-open")
    built = ctx.build(keys=False)
    await ctx.within(built.data.connect(), "connect() returns")
    a = await adapter_instrument(ctx, built, Product.LINEAR, 0)
    b = await adapter_instrument(ctx, built, Product.LINEAR, 1)
    mark = ctx.journal.mark()
    await ctx.within(built.data.subscribe_trade_ticks(a.instrument_id), "subscribe_trade_ticks(A) returns")
    conn = (await _public_conn(ctx, mark)).conn_id
    await _pong_for(ctx, conn, first, "ping-on-open")
    ctx.sim.faults.arm(
        ServerPing(payload=second), channel="ws", op="subscribe", role="public", name="ping-on-subscribe"
    )
    # The second subscribe is both the trigger of the second ping and proof the socket still works.
    await ctx.within(built.data.subscribe_trade_ticks(b.instrument_id), "subscribe_trade_ticks(B) returns")
    await _pong_for(ctx, conn, second, "ping-on-subscribe")
    _still_open(ctx, conn)
    ctx.expect(built.data.is_connected, "the data client stays connected", "is_connected is false")


@case("PP-02", group="heartbeat", requires=_TRADES & product(Product.LINEAR))
async def test_pp02_text_ping(ctx: CaseContext) -> None:
    """The venue's text ping gets the venue's text pong; nothing is published for it."""
    facts = facts_of(ctx.adapter.dialect)
    built = ctx.build(keys=False)
    await ctx.within(built.data.connect(), "connect() returns")
    a = await adapter_instrument(ctx, built, Product.LINEAR, 0)
    b = await adapter_instrument(ctx, built, Product.LINEAR, 1)
    ctx.sim.faults.arm(ServerPing(text=True), channel="ws", op="subscribe", role="public", name="text-ping")
    mark, sink_mark = ctx.journal.mark(), built.sink.mark()
    await ctx.within(built.data.subscribe_trade_ticks(a.instrument_id), "subscribe_trade_ticks(A) returns")
    ping = await ctx.wait_journal(
        WsFrameMatch(
            direction=Direction.OUT, kind=FrameKind.TEXT, json=facts.ws_text_ping, fault="text-ping"
        ),
        "the venue's text ping",
        since=mark,
    )
    await ctx.wait_journal(
        WsFrameMatch(
            conn_id=ping.conn_id, direction=Direction.IN, kind=FrameKind.TEXT, json=facts.ws_text_pong
        ),
        f"the client's text pong {facts.ws_text_pong}",
        since=ping.seq,
        timeout=PONG_SLA_S * 3,
    )
    # Barrier: a sentinel subscribe on the same socket; whatever the ping caused downstream is
    # published before its ack is handled.
    await ctx.within(built.data.subscribe_trade_ticks(b.instrument_id), "the sentinel subscribe returns")
    stray = [
        r
        for r in built.sink.records[sink_mark:]
        if r.kind == "error" or type(r.payload).__name__ != "TradeTick"
    ]
    ctx.expect(
        not stray,
        "nothing but trades published downstream",
        lambda: f"{[(r.kind, r.payload) for r in stray][:3]}",
    )
    _still_open(ctx, ping.conn_id)


def _client_pings(conn: str, since_seq: int) -> Any:
    """A predicate that is true on the second client ping (control or text) seen on ``conn``."""
    counts = {"control": 0, "text": 0}

    def second(entry: Any) -> bool:
        if not isinstance(entry, WsFrame) or entry.conn_id != conn or entry.direction != Direction.IN:
            return False
        if entry.kind == FrameKind.PING:
            counts["control"] += 1
        elif entry.kind == FrameKind.TEXT and '"ping"' in entry.text():
            counts["text"] += 1
        return max(counts.values()) >= 2

    return second


@case("PP-03", group="heartbeat", requires=_TRADES & product(Product.LINEAR))
async def test_pp03_client_heartbeat(ctx: CaseContext) -> None:
    """With heartbeat interval h, an idle client pings at least twice within 3h and stays active."""
    config = timing_config(ctx, heartbeat_interval_s=HEARTBEAT_S)
    ctx.expect(
        config is not None,
        f"the adapter lets the suite set a {HEARTBEAT_S} s heartbeat (factory.conformance_config)",
        "its factory has no conformance_config(heartbeat_interval_s=...)",
    )
    built = ctx.build(keys=False, config=config)
    await ctx.within(built.data.connect(), "connect() returns")
    a = await adapter_instrument(ctx, built, Product.LINEAR, 0)
    b = await adapter_instrument(ctx, built, Product.LINEAR, 1)
    mark = ctx.journal.mark()
    await ctx.within(built.data.subscribe_trade_ticks(a.instrument_id), "subscribe_trade_ticks(A) returns")
    conn = (await _public_conn(ctx, mark)).conn_id
    idle_from = ctx.journal.mark()
    await ctx.wait_journal(
        _client_pings(conn, idle_from),
        f"two client pings within 3h = {3 * HEARTBEAT_S:.1f} s",
        since=idle_from,
        timeout=3 * HEARTBEAT_S + 0.5,
    )
    await ctx.within(built.data.subscribe_trade_ticks(b.instrument_id), "the socket still serves a subscribe")
    _still_open(ctx, conn)


@case("PP-04", group="heartbeat", requires=execution() & product(Product.LINEAR))
async def test_pp04_heartbeat_loss_reconnects(ctx: CaseContext) -> None:
    """The venue stops answering pings on the idle private socket: the client drops it, reconnects,
    logs in, restores its topics, and order updates flow again."""
    facts = facts_of(ctx.adapter.dialect)
    config = timing_config(ctx, heartbeat_interval_s=HEARTBEAT_S)
    ctx.expect(
        config is not None,
        f"the adapter lets the suite set a {HEARTBEAT_S} s heartbeat (factory.conformance_config)",
        "its factory has no conformance_config(heartbeat_interval_s=...)",
    )
    built = ctx.build(keys=True, config=config)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    assert client is not None
    await ctx.within(client.connect(), "connect() returns")
    first = ctx.journal.connections(WsRole.PRIVATE)
    ctx.expect(len(first) == 1, "one private socket", f"{len(first)}")
    conn = first[0].conn_id
    topics = sorted(
        {e.topic for e in ctx.journal.entries(SubscriptionEntry) if e.conn_id == conn and e.outcome == "ok"}
    )
    deaf = [
        ctx.sim.faults.arm(
            IgnorePing(), channel="ws", op=op, role="private", persistent=True, name=f"deaf-{op}"
        )
        for op in ("ping", "control_ping")
    ]
    closed = await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.conn_id == conn,
        "the client gives up the silent socket",
        timeout=10 * HEARTBEAT_S + 2.0,
    )
    for fault in deaf:  # the new connection must find a venue that answers again
        fault.clear()
    reopened = await ctx.wait_journal(
        lambda e: isinstance(e, WsOpen) and e.role == WsRole.PRIVATE,
        "a new private connection",
        since=closed.seq,
        timeout=5.0,
    )
    login = await ctx.wait_journal(
        WsFrameMatch(conn_id=reopened.conn_id, direction=Direction.IN, json=facts.ws_login),
        "a login on the new connection",
        since=reopened.seq,
    )
    for topic in topics:
        await ctx.wait_journal(
            lambda e, t=topic: (
                isinstance(e, SubscriptionEntry)
                and e.conn_id == reopened.conn_id
                and e.topic == t
                and e.op == SubscriptionOp.SUBSCRIBE
                and e.outcome == "ok"
            ),
            f"{topic} restored on the new connection after the login",
            since=login.seq,
        )
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    order = passive_limit(ctx, instrument, Product.LINEAR, "pp04-after-reconnect")
    mark = built.sink.mark()
    await ctx.within(client.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order() returns")
    await ctx.within(
        built.sink.wait_for(
            lambda r: (
                isinstance(r.payload, OrderAccepted) and r.payload.client_order_id == order.client_order_id
            ),
            5.0,
            since=mark,
        ),
        "the order's update arrives over the restored stream",
    )
    ctx.expect(client.is_connected, "the execution client stays connected", "is_connected is false")
