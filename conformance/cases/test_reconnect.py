"""Group 5, reconnection (RC-xx): the venue drops a connection (a fault on a push the case causes);
judged on the new connection's frames and subscription ledger, and on what the adapter publishes
afterwards (data resumes, books restart from a snapshot, a missed fill is reported once).

The contract has no "reconnected" signal on the sink, so the adapter side is judged by its
effects: data flowing again on the new connection, state reset, missed executions recovered.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal
from typing import Any

from adapters.contract import DataKind, Product
from adapters.model.commands import SubmitOrder
from adapters.model.data import OrderBookDeltas
from adapters.model.enums import BookAction, OrderSide
from adapters.model.events import OrderAccepted, OrderFilled
from adapters.model.reports import FillReport
from conformance.cases._streams import (
    TAKER,
    Target,
    both,
    connected_data,
    drop_private,
    drop_public,
    facts,
    frame_json,
    frames_of,
    instrument_of,
    ledger,
    limit_order,
    private_order,
    quiet,
    sink_wait,
    targets,
    tick_of,
    trade,
    wait_open,
)
from conformance.harness.barrier import assert_nothing, barrier
from conformance.harness.context import CaseContext
from conformance.harness.registry import case
from conformance.harness.requirements import data, execution
from simulator.core.commands import NewOrder
from simulator.core.enums import OrderType as VenueOrderType
from simulator.core.enums import Side, TimeInForce
from simulator.server import SubscriptionMatch
from simulator.server.journal.entries import SubscriptionEntry, WsClose, WsFrame, WsOpen

_TRADES = data(DataKind.TRADE_TICKS)
_BOOKS = data(DataKind.ORDER_BOOK_DELTAS)
_QUIET = quiet()


def _show(entries: list[Any]) -> str:
    return "; ".join(f"#{e.seq} {e.conn_id} {e.op} {e.topic} -> {e.outcome}" for e in entries) or "none"


async def _restored(ctx: CaseContext, path: str, topics: list[str], *, since: int) -> str:
    """Wait for the next connection on ``path`` and an acked subscribe of every topic on it."""
    opened = await wait_open(ctx, path, since=since, what=f"a new connection on {path}")
    for topic in topics:
        await ctx.wait_journal(
            SubscriptionMatch(conn_id=opened.conn_id, op="subscribe", topic=topic, outcome="ok"),
            f"{topic} restored on the new connection {opened.conn_id}",
            since=since,
        )
    return str(opened.conn_id)


async def _drop_restores_and_resumes(ctx: CaseContext, code: int | None) -> None:
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    path = wire.public_paths[Product.LINEAR]
    built = await connected_data(ctx)
    iid = instrument_of(built, target)
    await ctx.within(built.data.subscribe_trade_ticks(iid), "trades subscribed")
    topic = wire.trade_topic(target.symbol)
    mark = ctx.journal.mark()
    await drop_public(ctx, target, code=code)
    await _restored(ctx, path, [topic], since=mark)
    conns = ctx.journal.connections()
    on_path = [c for c in conns if c.path == path]
    live = [c for c in ctx.journal.connections(open_only=True) if c.path == path]
    ctx.expect(
        len(on_path) == 2 and len(live) == 1,
        "a second connection: 2 in total, 1 open",
        f"{len(on_path)} in total, {len(live)} open",
    )
    ctx.expect(built.data.is_connected, "the data client still reports connected", "is_connected is False")
    since = built.sink.mark()
    trade_ids = trade(ctx, target)
    await sink_wait(ctx, built, tick_of(trade_ids[0]), "data resumes after the reconnect", since=since)


@case("RC-01", group="reconnect", requires=_TRADES, simulator=_QUIET)
async def test_rc01_graceful_server_close(ctx: CaseContext) -> None:
    """The venue closes with a Close frame: a new connection, the topic restored, data resumes."""
    await _drop_restores_and_resumes(ctx, 1000)


@case("RC-02", group="reconnect", requires=_TRADES, simulator=_QUIET)
async def test_rc02_abrupt_drop(ctx: CaseContext) -> None:
    """The venue aborts the TCP connection (no Close frame): as RC-01."""
    await _drop_restores_and_resumes(ctx, None)


async def _private_topics(ctx: CaseContext, conn_id: str) -> list[str]:
    return sorted({e.topic for e in ledger(ctx, conn_id=conn_id) if e.outcome == "ok"})


async def _connected_execution(ctx: CaseContext) -> tuple[Any, str, list[str]]:
    """An execution client, connected; its private connection id and topics."""
    wire = facts(ctx)
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    mark = ctx.journal.mark()
    await ctx.within(client.connect(), "the execution client connects")
    opens = ctx.journal.entries(WsOpen, mark, lambda e: e.path == wire.private_path)
    ctx.expect(opens, "a private connection", "none was opened")
    conn = str(opens[-1].conn_id)
    return built, conn, await _private_topics(ctx, conn)


def _check_login_first(ctx: CaseContext, conn: str, topics: list[str]) -> None:
    """On ``conn``: one login, no subscribe before its ack, every topic acked exactly once after."""
    wire = facts(ctx)
    logins = frames_of(ctx, conn, direction="in", op=wire.login_op)
    acks = frames_of(ctx, conn, direction="out", op=wire.login_op)
    ctx.expect(
        len(logins) == 1 and acks, f"one login on {conn}, acked", f"{len(logins)} logins, {len(acks)} acks"
    )
    early = [f for f in frames_of(ctx, conn, direction="in", op=wire.subscribe_op) if f.seq < acks[0].seq]
    ctx.expect(
        not early,
        f"no subscribe on {conn} before the login ack (#{acks[0].seq})",
        "; ".join(f"#{f.seq} {f.text()}" for f in early),
    )
    entries = ledger(ctx, conn_id=conn)
    counts = Counter(e.topic for e in entries)
    wrong = {t: n for t, n in counts.items() if n != 1} | {t: 0 for t in topics if t not in counts}
    ctx.expect(not wrong, f"each private topic subscribed exactly once on {conn}", f"{wrong}")


@case("RC-03", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc03_reauthenticate_before_private_restore(ctx: CaseContext) -> None:
    """After a drop the client logs in again first; while the ack is delayed nothing is subscribed;
    every private topic is restored after it; private pushes reach the client again."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built, _, topics = await _connected_execution(ctx)
    ctx.sim.faults.arm({"kind": "delay_auth_ack", "seconds": 0.3}, channel="ws", op="auth", role="private")
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    conn = await _restored(ctx, wire.private_path, topics, since=mark)
    _check_login_first(ctx, conn, topics)
    since = built.sink.mark()
    private_order(ctx, target)
    await sink_wait(
        ctx,
        built,
        lambda p: p is not None,
        "a private push reaches the client after the restore",
        since=since,
    )


@case("RC-04", group="reconnect", requires=both(_TRADES, _BOOKS), simulator=_QUIET)
async def test_rc04_restore_public_channels(ctx: CaseContext) -> None:
    """Three public topics confirmed, then a drop: each is subscribed exactly once on the new
    connection (counted up to a sentinel subscribe), and data resumes."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    path = wire.public_paths[Product.LINEAR]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol}")
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol}")
    await ctx.within(built.data.subscribe_order_book_deltas(ia, depth=50), f"book of {a.symbol}")
    topics = [wire.trade_topic(a.symbol), wire.trade_topic(b.symbol), wire.book_topic(50, a.symbol)]
    mark = ctx.journal.mark()
    await drop_public(ctx, a, code=1000)
    conn = await _restored(ctx, path, topics, since=mark)
    sentinel = wire.book_topic(50, b.symbol)
    until = await barrier(
        ctx,
        lambda: built.data.subscribe_order_book_deltas(ib, depth=50),
        SubscriptionMatch(conn_id=conn, op="subscribe", topic=sentinel),
        "a sentinel book subscribe on the new connection",
    )
    entries = [e for e in ledger(ctx, conn_id=conn, until=until) if e.topic != sentinel]
    ctx.expect(
        Counter(e.topic for e in entries) == Counter(topics),
        f"each of {topics} re-subscribed exactly once on {conn}",
        _show(entries),
    )
    since = built.sink.mark()
    trade_ids = trade(ctx, b)
    await sink_wait(ctx, built, tick_of(trade_ids[0]), f"trades of {b.symbol} resume", since=since)


@case("RC-05", group="reconnect", requires=both(_TRADES, _BOOKS), simulator=_QUIET)
async def test_rc05_skip_unsubscribed_channels(ctx: CaseContext) -> None:
    """Trades of A and B, then A unsubscribed, then a drop: the new connection carries B, never A.

    The contract has no per-topic private subscriptions, so the case uses public topics; the
    restore logic under test is the same (the client must forget what it let go of).
    """
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    path = wire.public_paths[Product.LINEAR]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol}")
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol}")
    topic_a, topic_b = wire.trade_topic(a.symbol), wire.trade_topic(b.symbol)
    mark = ctx.journal.mark()
    await ctx.within(built.data.unsubscribe_trade_ticks(ia), f"trades of {a.symbol} unsubscribed")
    await ctx.wait_journal(
        SubscriptionMatch(op="unsubscribe", topic=topic_a, outcome="ok"),
        f"{topic_a} unsubscribed",
        since=mark,
    )
    mark = ctx.journal.mark()
    await drop_public(ctx, b, code=1000)
    conn = await _restored(ctx, path, [topic_b], since=mark)
    sentinel = wire.book_topic(50, b.symbol)
    until = await barrier(
        ctx,
        lambda: built.data.subscribe_order_book_deltas(ib, depth=50),
        SubscriptionMatch(conn_id=conn, op="subscribe", topic=sentinel),
        "a sentinel book subscribe on the new connection",
    )
    assert_nothing(
        ctx,
        lambda e: isinstance(e, SubscriptionEntry) and e.topic == topic_a,
        since=mark,
        until=until,
        expected=f"no subscribe of {topic_a} (unsubscribed before the drop) on the new connection",
    )
    restored = ledger(ctx, conn_id=conn, topic=topic_b, until=until)
    ctx.expect(len(restored) == 1, f"{topic_b} restored once", _show(restored))


@case("RC-06", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc06_failed_topics_retried(ctx: CaseContext) -> None:
    """A private topic refused on the first restore only: the others succeed there; the second
    restore subscribes it successfully."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    _, _, topics = await _connected_execution(ctx)
    victim = next((t for t in topics if t.startswith("position")), topics[0])
    ctx.sim.faults.arm({"kind": "reject_subscription"}, channel="ws", op="subscribe", topic=victim, times=1)
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    others = [t for t in topics if t != victim]
    first = await _restored(ctx, wire.private_path, others, since=mark)
    await ctx.wait_journal(
        SubscriptionMatch(conn_id=first, op="subscribe", topic=victim, outcome="rejected"),
        f"the venue refuses {victim} on the first restore",
        since=mark,
    )
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    second = await _restored(ctx, wire.private_path, topics, since=mark)
    entries = ledger(ctx, conn_id=second)
    ctx.expect(
        Counter(e.topic for e in entries) == Counter(topics),
        f"every private topic, {victim} included, subscribed once on the second restore",
        _show(entries),
    )


@case("RC-07", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc07_rapid_repeated_drops(ctx: CaseContext) -> None:
    """Three drop cycles: each new connection logs in once and restores every topic once; four
    logins in all; private pushes reach the client at the end."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built, _, topics = await _connected_execution(ctx)
    for cycle in range(3):
        mark = ctx.journal.mark()
        await drop_private(ctx, target)
        conn = await _restored(ctx, wire.private_path, topics, since=mark)
        _check_login_first(ctx, conn, topics)
        ctx.notes.append(f"RC-07: cycle {cycle + 1} restored on {conn}")
    conns = [c.conn_id for c in ctx.journal.connections() if c.path == wire.private_path]
    logins = sum(len(frames_of(ctx, c, direction="in", op=wire.login_op)) for c in conns)
    ctx.expect(logins == 4, "4 logins in all (1 + 3 reconnects)", f"{logins} over {len(conns)} connections")
    since = built.sink.mark()
    private_order(ctx, target)
    await sink_wait(ctx, built, lambda p: p is not None, "private pushes reach the client", since=since)


@case("RC-08", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc08_drop_during_reconnect(ctx: CaseContext) -> None:
    """The first reconnect is dropped in the middle of its login: the client ends with one healthy
    connection, logged in once, every topic restored once."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built, _, topics = await _connected_execution(ctx)
    second_drop = ctx.sim.faults.arm(
        {"kind": "drop_connection", "code": None}, channel="ws", op="auth", role="private", times=1
    )
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == second_drop.name,
        "the reconnect is dropped during its login",
        since=mark,
    )
    mark = ctx.journal.mark()
    conn = await _restored(ctx, wire.private_path, topics, since=mark)
    _check_login_first(ctx, conn, topics)
    live = [c for c in ctx.journal.connections(open_only=True) if c.path == wire.private_path]
    ctx.expect([c.conn_id for c in live] == [conn], f"one open private connection ({conn})", f"{live}")
    since = built.sink.mark()
    private_order(ctx, target)
    await sink_wait(ctx, built, lambda p: p is not None, "private pushes reach the client", since=since)


def _venue_task(task: asyncio.Task[Any]) -> bool:
    """Whether a task belongs to the venue (the simulator or aiohttp's server side)."""
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None) or getattr(getattr(coro, "gi_code", None), "co_filename", None)
    filename = getattr(code, "co_filename", "") if code is not None else ""
    name = task.get_name()
    return "/simulator/" in filename or "aiohttp/web_" in filename or name.startswith("venuekit")


@case("RC-09", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc09_close_during_reconnect(ctx: CaseContext) -> None:
    """disconnect() while a reconnect waits for its login ack: it returns, the held connection is
    closed, no task of the adapter is left (so nothing can connect again), and nothing did."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    before = asyncio.all_tasks()
    built, _, _ = await _connected_execution(ctx)
    ctx.sim.faults.arm({"kind": "never_ack_auth"}, channel="ws", op="auth", role="private", persistent=True)
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    held = await wait_open(ctx, wire.private_path, since=mark, what="the reconnect opens a connection")
    await ctx.wait_journal(
        lambda e: e.seq > held.seq and e in frames_of(ctx, held.conn_id, direction="in", op=wire.login_op),
        "the reconnect sends its login (its ack never comes)",
        since=mark,
    )
    await ctx.within(built.execution.disconnect(), "disconnect() returns during the reconnect")
    await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.conn_id == held.conn_id,
        "the held connection is closed",
        since=mark,
    )
    current = asyncio.current_task()
    left = [
        t for t in asyncio.all_tasks() - before if t is not current and not t.done() and not _venue_task(t)
    ]
    ctx.expect(
        not left, "no task of the adapter left after disconnect()", ", ".join(t.get_name() for t in left)
    )
    later = ctx.journal.entries(WsOpen, held.seq, lambda e: e.path == wire.private_path)
    ctx.expect(not later, "no connection after the close", f"{later}")


def _levels(deltas: OrderBookDeltas) -> dict[tuple[str, Decimal], Decimal]:
    return {
        ("bid" if d.order.side is OrderSide.BUY else "ask", d.order.price.value): d.order.size.value
        for d in deltas.deltas
        if d.order is not None and d.action is not BookAction.CLEAR
    }


@case("RC-10", group="reconnect", requires=_BOOKS, simulator=_QUIET)
async def test_rc10_books_reset_after_reconnect(ctx: CaseContext) -> None:
    """The book changes while the client is away (a level disappears): after the reconnect the
    first book event is a full snapshot (CLEAR first, F_SNAPSHOT on all, F_LAST last) equal to the
    venue's book, without the stale level."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built = await connected_data(ctx)
    iid = instrument_of(built, target)
    await ctx.within(built.data.subscribe_order_book_deltas(iid, depth=50), "book subscribed")
    await sink_wait(ctx, built, lambda p: isinstance(p, OrderBookDeltas), "the first book snapshot")
    topic = wire.book_topic(50, target.symbol)
    fault = ctx.sim.faults.arm(
        {"kind": "drop_connection", "code": 1000}, channel="ws", op="push", topic=topic
    )
    mark, since = ctx.journal.mark(), built.sink.mark()
    trade(ctx, target)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name,
        "the venue drops the book's connection",
        since=mark,
    )
    # While the client is away, the best bid level disappears entirely.
    exchange = ctx.sim.exchange
    exchange.participant(TAKER)
    gone, qty = exchange.book(target.ref, 1).bids[0]
    result = exchange.place_order(
        NewOrder(TAKER, target.ref, Side.SELL, VenueOrderType.LIMIT, qty, gone, time_in_force=TimeInForce.IOC)
    )
    ctx.expect(result.ok, "the best bid is taken while the client is away (case setup)", result.message)
    # The restore's snapshot is held back and sent after the next delta: a client that kept its
    # pre-drop sequence state would take that delta as the continuation of its old book.
    held = ctx.sim.faults.arm({"kind": "reorder_message"}, channel="ws", op="push", topic=topic)
    conn = await _restored(ctx, wire.public_paths[Product.LINEAR], [topic], since=mark)
    trade(ctx, target)
    released = await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.conn_id == conn and e.fault == held.name,
        "the venue sends the held snapshot after a delta",
        since=mark,
    )
    record = await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderBookDeltas) and p.instrument_id == iid,
        "a book event after the reconnect",
        since=since,
    )
    first: OrderBookDeltas = record.payload
    deltas = first.deltas
    ctx.expect(
        deltas[0].action is BookAction.CLEAR and all(d.is_snapshot for d in deltas) and deltas[-1].is_last,
        "the first book event after the reconnect is a snapshot: CLEAR first, F_SNAPSHOT on all, F_LAST last",
        f"{len(deltas)} deltas, first {deltas[0].action}, F_SNAPSHOT {[d.is_snapshot for d in deltas][:5]}",
    )
    sent = frame_json(released)["data"]
    want = {("bid", Decimal(p)): Decimal(q) for p, q in sent["b"]} | {
        ("ask", Decimal(p)): Decimal(q) for p, q in sent["a"]
    }
    got = _levels(first)
    ctx.expect(("bid", gone) not in got, f"no stale level at {gone}", f"{gone} is still in the snapshot")
    ctx.expect(
        got == want,
        f"the snapshot equals the venue's snapshot #{released.seq}",
        f"{len(got)} levels vs the venue's {len(want)}",
    )


async def _fill_own(ctx: CaseContext, built: Any, target: Target, cid: str, *, drop: bool) -> str:
    """Rest a sell of the client at the best ask and have the venue fill it; its trade id.

    With ``drop``, the fill's first private push drops the private connection (a missed fill).
    """
    client, exchange = built.execution, ctx.sim.exchange
    instrument = built.provider.find(instrument_of(built, target))
    price, level_qty = exchange.book(target.ref, 1).asks[0]
    since = built.sink.mark()
    order = limit_order(instrument, cid, OrderSide.SELL, price, target.min_qty)
    await ctx.within(client.submit_order(SubmitOrder(order=order, ts_init=1)), f"submit_order({cid}) returns")
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderAccepted) and p.client_order_id == order.client_order_id,
        f"{cid} is accepted",
        since=since,
    )
    fault = None
    if drop:
        action = {"kind": "drop_connection", "code": None}
        fault = ctx.sim.faults.arm(action, channel="ws", op="push", role="private")
    mark = ctx.journal.mark()
    exchange.participant(TAKER)
    taker = NewOrder(
        TAKER,
        target.ref,
        Side.BUY,
        VenueOrderType.LIMIT,
        level_qty + target.min_qty,
        price,
        time_in_force=TimeInForce.IOC,
    )
    result = exchange.place_order(taker)
    account = ctx.sim.credentials.account_id if ctx.sim.credentials else ""
    ours = [
        e.fill.trade_id
        for e in result.events
        if type(e).__name__ == "OrderFilled" and e.fill.account_id == account
    ]
    ctx.expect(len(ours) == 1, f"the venue fills {cid} once (case setup)", f"{ours}")
    if fault is not None:
        await ctx.wait_journal(
            lambda e: isinstance(e, WsClose) and e.fault == fault.name,
            "the fill's push drops the private stream",
            since=mark,
        )
    return str(ours[0])


def _fill_of(trade_id: str) -> Any:
    return lambda p: isinstance(p, OrderFilled | FillReport) and str(p.trade_id) == trade_id


@case("RC-11", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc11_execution_resyncs_after_reconnect(ctx: CaseContext) -> None:
    """One order fills while the stream is up (reported from the stream), another while it is down
    (its push is the one that drops it): after the reconnect the missed fill is reported, and each
    fill exactly once (the resync does not repeat the one already seen)."""
    target = targets(ctx, Product.LINEAR)[0]
    built, _, _ = await _connected_execution(ctx)
    since = built.sink.mark()
    seen = await _fill_own(ctx, built, target, "rc11-live", drop=False)
    await sink_wait(ctx, built, _fill_of(seen), f"the live fill {seen} is reported", since=since)
    missed = await _fill_own(ctx, built, target, "rc11-missed", drop=True)
    await sink_wait(
        ctx, built, _fill_of(missed), f"the missed fill {missed} is reported after the reconnect", since=since
    )
    # Barrier: one more order, accepted, so a late duplicate of either fill would be in the sink by now.
    exchange = ctx.sim.exchange
    tick = exchange.markets[target.ref].instrument.tick_size
    low = (exchange.book(target.ref, 1).bids[0][0] * 8 / 10 // tick) * tick
    probe = limit_order(
        built.provider.find(instrument_of(built, target)), "rc11-probe", OrderSide.BUY, low, target.min_qty
    )
    await ctx.within(
        built.execution.submit_order(SubmitOrder(order=probe, ts_init=1)), "a barrier order is sent"
    )
    await sink_wait(
        ctx,
        built,
        lambda p: isinstance(p, OrderAccepted) and p.client_order_id == probe.client_order_id,
        "the barrier order is accepted",
        since=since,
    )
    counts = {t: len([p for p in built.sink.payloads() if _fill_of(t)(p)]) for t in (seen, missed)}
    ctx.expect(counts == {seen: 1, missed: 1}, "each fill reported exactly once", f"{counts}")
