"""Group 5, reconnection (RC-xx): the venue drops a connection (a fault on a push the case causes);
judged on the new connection's frames and subscription ledger, and on what the adapter publishes
afterwards (data resumes, books restart from a snapshot, a missed fill is reported once).

The contract has no "reconnected" signal on the sink, so the adapter side is judged by its
effects: data flowing again on the new connection, state reset, missed executions recovered.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from adapters.contract import DataKind, Product
from conformance.cases._streams import (
    both,
    connected_data,
    connected_execution,
    drop_private,
    drop_public,
    facts,
    frames_of,
    instrument_of,
    ledger,
    private_order,
    quiet,
    restored,
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
from simulator.server import SubscriptionMatch
from simulator.server.journal.entries import SubscriptionEntry, WsClose, WsOpen

_TRADES = data(DataKind.TRADE_TICKS)
_BOOKS = data(DataKind.ORDER_BOOK_DELTAS)
_QUIET = quiet()


def _show(entries: list[Any]) -> str:
    return "; ".join(f"#{e.seq} {e.conn_id} {e.op} {e.topic} -> {e.outcome}" for e in entries) or "none"


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
    await restored(ctx, path, [topic], since=mark)
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
    built, _, topics = await connected_execution(ctx)
    ctx.sim.faults.arm({"kind": "delay_auth_ack", "seconds": 0.3}, channel="ws", op="auth", role="private")
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    conn = await restored(ctx, wire.private_path, topics, since=mark)
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
    conn = await restored(ctx, path, topics, since=mark)
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
    conn = await restored(ctx, path, [topic_b], since=mark)
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
    again = ledger(ctx, conn_id=conn, topic=topic_b, until=until)
    ctx.expect(len(again) == 1, f"{topic_b} restored once", _show(again))


@case("RC-06", group="reconnect", requires=execution(), simulator=_QUIET)
async def test_rc06_failed_topics_retried(ctx: CaseContext) -> None:
    """A private topic refused on the first restore only: the others succeed there; the second
    restore subscribes it successfully."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    _, _, topics = await connected_execution(ctx)
    victim = next((t for t in topics if t.startswith("position")), topics[0])
    ctx.sim.faults.arm({"kind": "reject_subscription"}, channel="ws", op="subscribe", topic=victim, times=1)
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    others = [t for t in topics if t != victim]
    first = await restored(ctx, wire.private_path, others, since=mark)
    await ctx.wait_journal(
        SubscriptionMatch(conn_id=first, op="subscribe", topic=victim, outcome="rejected"),
        f"the venue refuses {victim} on the first restore",
        since=mark,
    )
    mark = ctx.journal.mark()
    await drop_private(ctx, target)
    second = await restored(ctx, wire.private_path, topics, since=mark)
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
    built, _, topics = await connected_execution(ctx)
    for cycle in range(3):
        mark = ctx.journal.mark()
        await drop_private(ctx, target)
        conn = await restored(ctx, wire.private_path, topics, since=mark)
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
    built, _, topics = await connected_execution(ctx)
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
    conn = await restored(ctx, wire.private_path, topics, since=mark)
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
    built, _, _ = await connected_execution(ctx)
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
