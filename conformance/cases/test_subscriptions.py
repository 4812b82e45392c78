"""Group 4, subscription lifecycle (S-xx): judged on the venue's subscription ledger and frames,
and on what the data and execution clients return, raise and publish.

Every case runs in a quiet world (no synthetic flow): each push is one the case caused, so
"nothing else was published" is exact. Negative checks end with a barrier on the same connection.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from adapters.contract import AdapterError, DataKind, Product, UnsupportedFeature
from adapters.model.data import TradeTick
from conformance.cases._streams import (
    both,
    connected_data,
    drop_public,
    facts,
    frames_of,
    instrument_of,
    ledger,
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
from conformance.harness.requirements import data, execution, product
from simulator.server import SubscriptionMatch
from simulator.server.journal.entries import FaultEntry, SubscriptionEntry, WsClose, WsFrame, WsOpen

_TRADES = data(DataKind.TRADE_TICKS)
_QUIET = quiet()


def _show(entries: list[Any]) -> str:
    return "; ".join(f"#{e.seq} {e.conn_id} {e.op} {e.topic} -> {e.outcome}" for e in entries) or "none"


@case("S-01", group="subscription", requires=_TRADES, simulator=_QUIET)
async def test_s01_public_subscribe_and_ack(ctx: CaseContext) -> None:
    """One subscribe with the venue's exact topic; the call returns after the ack; data follows;
    nothing is published for the ack itself."""
    wire = facts(ctx)
    target = targets(ctx, Product.LINEAR)[0]
    built = await connected_data(ctx)
    iid = instrument_of(built, target)
    topic = wire.trade_topic(target.symbol)
    mark, since = ctx.journal.mark(), built.sink.mark()
    await ctx.within(built.data.subscribe_trade_ticks(iid), "subscribe_trade_ticks() returns")
    entries = ledger(ctx, since=mark)
    ctx.expect(
        [(e.topic, e.outcome) for e in entries] == [(topic, "ok")],
        f"when subscribe_trade_ticks() returns, the venue has acked exactly one subscribe of {topic}",
        _show(entries),
    )
    sent = frames_of(ctx, entries[0].conn_id, direction="in", op=wire.subscribe_op, since=mark)
    ctx.expect(len(sent) == 1, "one subscribe frame", f"{len(sent)}: {[f.payload for f in sent]}")
    trade_ids = trade(ctx, target)
    tick = await sink_wait(
        ctx, built, tick_of(trade_ids[0]), f"a TradeTick for venue trade {trade_ids[0]}", since=since
    )
    before = [r for r in built.sink.records[since : tick.index]]
    ctx.expect(
        not before,
        "nothing published between the subscribe and the first trade (an ack is not data)",
        "; ".join(f"{r.kind}: {r.payload!r}"[:160] for r in before),
    )


@case("S-02", group="subscription", requires=execution(), simulator=_QUIET)
async def test_s02_private_subscribe_after_login_ack(ctx: CaseContext) -> None:
    """The execution client logs in once, subscribes every private topic only after the login ack,
    and connect() returns with all of them confirmed."""
    wire = facts(ctx)
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    # A late login ack: a client that does not wait for it subscribes inside the delay.
    ctx.sim.faults.arm({"kind": "delay_auth_ack", "seconds": 0.2}, channel="ws", op="auth", role="private")
    mark = ctx.journal.mark()
    await ctx.within(client.connect(), "the execution client connects")
    opens = ctx.journal.entries(WsOpen, mark, lambda e: e.path == wire.private_path)
    ctx.expect(len(opens) == 1, "one private connection", f"{len(opens)}")
    conn = opens[0].conn_id
    logins = frames_of(ctx, conn, direction="in", op=wire.login_op)
    ctx.expect(len(logins) == 1, "exactly one login", f"{len(logins)} login frames")
    acks = frames_of(ctx, conn, direction="out", op=wire.login_op)
    ctx.expect(acks, "the venue acked the login", "no login ack was sent")
    ack = acks[0]
    subscribes = frames_of(ctx, conn, direction="in", op=wire.subscribe_op)
    early = [f for f in subscribes if f.seq < ack.seq]
    ctx.expect(
        not early,
        f"no subscribe before the login ack (#{ack.seq})",
        "; ".join(f"#{f.seq} {f.text()}" for f in early),
    )
    entries = ledger(ctx, conn_id=conn)
    bad = [e for e in entries if e.outcome != "ok"]
    ctx.expect(not bad, "every private subscribe confirmed when connect() returns", _show(bad))
    twice = [t for t, n in Counter(e.topic for e in entries).items() if n > 1]
    ctx.expect(not twice, "each private topic subscribed once", f"twice: {twice}")
    topics = {e.topic for e in entries}
    missing = [
        family
        for family in wire.private_families
        if not any(t == family or t.startswith(family + ".") for t in topics)
    ]
    ctx.expect(not missing, f"private topics for {wire.private_families}", f"missing {missing}: {topics}")


@case(
    "S-03", group="subscription", requires=both(_TRADES, data(DataKind.ORDER_BOOK_DELTAS)), simulator=_QUIET
)
async def test_s03_many_symbols_and_channels(ctx: CaseContext) -> None:
    """Trades of A and B and the book of A: three distinct topics, each subscribed once, all acked."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    mark = ctx.journal.mark()
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol} subscribed")
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol} subscribed")
    await ctx.within(built.data.subscribe_order_book_deltas(ia, depth=50), f"book of {a.symbol} subscribed")
    want = {wire.trade_topic(a.symbol), wire.trade_topic(b.symbol), wire.book_topic(50, a.symbol)}
    entries = ledger(ctx, since=mark)
    got = Counter(e.topic for e in entries if e.outcome == "ok")
    ctx.expect(
        got == Counter(want) and len(entries) == 3,
        f"exactly one acked subscribe of each of {sorted(want)}",
        _show(entries),
    )
    # The same raw symbol on another product is another instrument on another stream (Bybit's
    # spot and linear BTCUSDT share topic names, on different sockets).
    twins = [t for t in targets(ctx, Product.SPOT) if t.symbol == a.symbol]
    if twins and ctx.capabilities.supports(product=Product.SPOT):
        twin = instrument_of(built, twins[0])
        mark = ctx.journal.mark()
        await ctx.within(built.data.subscribe_trade_ticks(twin), f"trades of {twin} subscribed")
        spot_path = wire.public_paths[Product.SPOT]
        on_spot = [
            e
            for e in ledger(ctx, topic=wire.trade_topic(a.symbol), since=mark)
            if any(c.conn_id == e.conn_id and c.path == spot_path for c in ctx.journal.connections())
        ]
        ctx.expect(
            [e.outcome for e in on_spot] == ["ok"],
            f"one acked subscribe of {wire.trade_topic(a.symbol)} on the {spot_path} stream for {twin}",
            _show(ledger(ctx, since=mark)),
        )


@case("S-04", group="subscription", requires=_TRADES, simulator=_QUIET)
async def test_s04_unsubscribe_removes_the_topic(ctx: CaseContext) -> None:
    """One unsubscribe with the exact topic; a push of A the venue still sends afterwards is not
    published (checked up to a barrier trade on B); the connection stays up."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol} subscribed")
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol} subscribed")
    topic_a = wire.trade_topic(a.symbol)
    conn = ledger(ctx, topic=topic_a)[0].conn_id
    # The venue holds the next push of A and releases it after its next push: a late A push
    # that reaches the client after the unsubscribe ack.
    held = ctx.sim.faults.arm({"kind": "reorder_message"}, channel="ws", op="push", topic=topic_a)
    mark = ctx.journal.mark()
    trade(ctx, a)
    await ctx.wait_journal(
        lambda e: isinstance(e, FaultEntry) and e.name == held.name and e.phase == "fired",
        f"the venue holds a push of {topic_a}",
        since=mark,
    )
    since = built.sink.mark()
    mark = ctx.journal.mark()
    await ctx.within(built.data.unsubscribe_trade_ticks(ia), "unsubscribe_trade_ticks() returns")
    await ctx.wait_journal(
        SubscriptionMatch(op="unsubscribe", topic=topic_a, outcome="ok"),
        f"the venue acks an unsubscribe of {topic_a}",
        since=mark,
    )
    trade(ctx, b)  # its push releases the held push of A
    await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.fault == held.name and e.direction == "out",
        f"the venue sends the held push of {topic_a} after the unsubscribe ack",
        since=mark,
    )
    sentinel = trade(ctx, b)
    await sink_wait(
        ctx, built, tick_of(sentinel[0]), f"the barrier trade on {b.symbol} is published", since=since
    )
    leaked = [
        r.payload
        for r in built.sink.records[since:]
        if isinstance(r.payload, TradeTick) and r.payload.instrument_id == ia
    ]
    ctx.expect(
        not leaked, f"no TradeTick of {a.symbol} after unsubscribe_trade_ticks() returned", f"{leaked}"
    )
    unsubs = ledger(ctx, op="unsubscribe", since=mark)
    ctx.expect(
        [(e.topic, e.outcome) for e in unsubs] == [(topic_a, "ok")],
        f"exactly one unsubscribe, of {topic_a}",
        _show(unsubs),
    )
    closed = ctx.journal.entries(WsClose, mark, lambda e: e.conn_id == conn)
    ctx.expect(not closed, "the connection stays open", f"{closed}")


async def _first_failure(ctx: CaseContext, task: asyncio.Task[None], built: Any, since: int) -> str:
    """Wait until the rejected subscription is surfaced: the call raises, or an error is published."""
    error_seen = asyncio.ensure_future(built.sink.wait_for(lambda r: r.kind == "error", 5.0, since=since))
    try:
        done, _ = await asyncio.wait({task, error_seen}, timeout=5.0, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not error_seen.done():
            error_seen.cancel()
    if task in done:
        exc = task.exception()
        if exc is None:
            raise ctx.fail(
                "a rejected subscribe is not reported as confirmed", "the subscribe call returned normally"
            )
        if not isinstance(exc, AdapterError | TimeoutError):
            raise ctx.fail("a typed error for a rejected subscribe", f"{type(exc).__qualname__}: {exc}")
        return f"the call raised {type(exc).__qualname__}: {exc}"
    if error_seen in done and error_seen.exception() is None:
        return f"an error was published: {error_seen.result().payload!r}"
    raise ctx.fail("the rejection surfaced within 5 s (an error raised or published)", "nothing")


@case("S-05", group="subscription", requires=_TRADES, simulator=_QUIET)
async def test_s05_subscription_rejected(ctx: CaseContext) -> None:
    """A refused topic is not confirmed, the refusal surfaces, the client lives on and retries the
    topic on the next connection."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol} subscribed")
    topic_a = wire.trade_topic(a.symbol)
    ctx.sim.faults.arm({"kind": "reject_subscription"}, channel="ws", op="subscribe", topic=topic_a)
    since, mark = built.sink.mark(), ctx.journal.mark()
    task = asyncio.create_task(built.data.subscribe_trade_ticks(ia))
    try:
        how = await _first_failure(ctx, task, built, since)
        ctx.notes.append(f"S-05: the rejection surfaced: {how}")
        refused = ledger(ctx, topic=topic_a, since=mark)
        ctx.expect(
            [e.outcome for e in refused] == ["rejected"], f"the venue refused {topic_a} once", _show(refused)
        )
        # Still alive: B's data flows on.
        sentinel = trade(ctx, b)
        await sink_wait(
            ctx, built, tick_of(sentinel[0]), f"trades of {b.symbol} still published", since=since
        )
        # Kept pending: the next connection asks for it again.
        mark = ctx.journal.mark()
        await drop_public(ctx, b, code=1000)
        opened = await wait_open(ctx, wire.public_paths[Product.LINEAR], since=mark, what="a new connection")
        await ctx.wait_journal(
            SubscriptionMatch(conn_id=opened.conn_id, op="subscribe", topic=topic_a, outcome="ok"),
            f"the refused {topic_a} is subscribed again on the next connection",
            since=mark,
        )
    finally:
        if not task.done():
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@case(
    "S-06",
    group="subscription",
    requires=both(_TRADES, product(Product.OPTION), data(DataKind.ORDER_BOOK_DELTAS)),
    simulator=_QUIET,
)
async def test_s06_shared_topics_are_ref_counted(ctx: CaseContext) -> None:
    """Two options share their base coin's trade topic: one subscribe; the unsubscribe only after
    the second user lets go; afterwards a fresh subscribe."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.OPTION)[:2]
    ctx.expect(a.base == b.base, "two options of one base coin (case setup)", f"{a.base} and {b.base}")
    topic = wire.option_trade_topic(a.base)
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    mark = ctx.journal.mark()
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol} subscribed")
    await ctx.within(built.data.subscribe_trade_ticks(ib), f"trades of {b.symbol} subscribed")
    await ctx.within(built.data.unsubscribe_trade_ticks(ia), f"trades of {a.symbol} unsubscribed")
    conn = ledger(ctx, topic=topic, since=mark)[0].conn_id
    until = await barrier(
        ctx,
        lambda: built.data.subscribe_order_book_deltas(ia),
        SubscriptionMatch(conn_id=conn, op="subscribe", where=lambda e: e.topic != topic),
        "a sentinel book subscribe on the same connection",
    )
    assert_nothing(
        ctx,
        lambda e: isinstance(e, SubscriptionEntry) and e.topic == topic and e.op == "unsubscribe",
        since=mark,
        until=until,
        expected=f"no unsubscribe of {topic} while {b.symbol} still uses it",
    )
    subs = ledger(ctx, topic=topic, since=mark, until=until)
    ctx.expect(len(subs) == 1, f"one subscribe of {topic} for two instruments", _show(subs))
    await ctx.within(built.data.unsubscribe_trade_ticks(ib), f"trades of {b.symbol} unsubscribed")
    await ctx.wait_journal(
        SubscriptionMatch(op="unsubscribe", topic=topic, outcome="ok"),
        f"one unsubscribe of {topic} after its last user let go",
        since=until,
    )
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol} subscribed again")
    subs = ledger(ctx, topic=topic, since=mark)
    unsubs = ledger(ctx, op="unsubscribe", topic=topic, since=mark)
    ctx.expect(
        len(subs) == 2 and len(unsubs) == 1 and unsubs[0].seq < subs[1].seq,
        f"subscribe, unsubscribe, then a fresh subscribe of {topic}",
        _show(sorted([*subs, *unsubs], key=lambda e: e.seq)),
    )


@case("S-07", group="subscription", requires=data(DataKind.ORDER_BOOK_DELTAS), simulator=_QUIET)
async def test_s07_specific_topics_and_unsupported(ctx: CaseContext) -> None:
    """Each depth picks its own channel; unsupported requests raise UnsupportedFeature and send
    nothing (checked up to a sentinel subscribe on the same connection)."""
    wire = facts(ctx)
    a = targets(ctx, Product.LINEAR)[0]
    built = await connected_data(ctx)
    ia = instrument_of(built, a)
    depths = sorted(d for d in (1, 50) if d in ctx.capabilities.book_depths)
    mark = ctx.journal.mark()
    for depth in depths:
        await ctx.within(
            built.data.subscribe_order_book_deltas(ia, depth=depth), f"book depth {depth} subscribed"
        )
    entries = ledger(ctx, since=mark)
    want = [wire.book_topic(d, a.symbol) for d in depths]
    ctx.expect(
        [e.topic for e in entries] == want and all(e.outcome == "ok" for e in entries),
        f"one acked subscribe per depth: {want}",
        _show(entries),
    )
    conn = entries[0].conn_id
    mark = ctx.journal.mark()
    bogus = next(d for d in (7, 3, 13) if d not in ctx.capabilities.book_depths)
    await ctx.raises(
        built.data.subscribe_order_book_deltas(ia, depth=bogus),
        UnsupportedFeature,
        f"UnsupportedFeature for a book of depth {bogus} (not in the declared depths)",
    )
    if not ctx.capabilities.supports(data=DataKind.INSTRUMENT_STATUS):
        await ctx.raises(
            built.data.subscribe_instrument_status(ia),
            UnsupportedFeature,
            "UnsupportedFeature for instrument status, which the adapter does not claim",
        )
    sentinel = wire.trade_topic(a.symbol)
    until = await barrier(
        ctx,
        lambda: built.data.subscribe_trade_ticks(ia),
        SubscriptionMatch(conn_id=conn, op="subscribe", topic=sentinel),
        "a sentinel trades subscribe on the same connection",
    )
    assert_nothing(
        ctx,
        lambda e: isinstance(e, SubscriptionEntry) and e.topic != sentinel,
        since=mark,
        until=until,
        expected="no subscription frame for an unsupported request",
    )


@case("S-08", group="subscription", requires=_TRADES, simulator=_QUIET)
async def test_s08_subscribe_while_the_stream_is_consumed(ctx: CaseContext) -> None:
    """With the stream live and consumed (a consumer task awaiting data on the sink), a new
    subscribe from that consumer still goes out on the same connection and its data follows."""
    wire = facts(ctx)
    a, b = targets(ctx, Product.LINEAR)[:2]
    built = await connected_data(ctx)
    ia, ib = instrument_of(built, a), instrument_of(built, b)
    await ctx.within(built.data.subscribe_trade_ticks(ia), f"trades of {a.symbol} subscribed")
    conn = ledger(ctx, topic=wire.trade_topic(a.symbol))[0].conn_id
    since = built.sink.mark()

    async def consumer() -> None:
        await built.sink.wait_for(lambda r: isinstance(r.payload, TradeTick), 5.0, since=since)
        trade(ctx, a)  # data keeps flowing while the consumer subscribes
        await built.data.subscribe_trade_ticks(ib)

    task = asyncio.create_task(consumer())
    trade(ctx, a)
    await ctx.within(task, "the consumer's subscribe returns")
    entries = ledger(ctx, topic=wire.trade_topic(b.symbol))
    ctx.expect(
        [(e.conn_id, e.outcome) for e in entries] == [(conn, "ok")],
        f"one acked subscribe of {wire.trade_topic(b.symbol)} on the stream's connection {conn}",
        _show(entries),
    )
    trade_ids = trade(ctx, b)
    await sink_wait(ctx, built, tick_of(trade_ids[0]), f"a TradeTick of {b.symbol}", since=since)
