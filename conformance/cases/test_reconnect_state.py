"""Group 5, reconnection (RC-10, RC-11): the state the clients rebuild after a reconnect. A book
restarts from a snapshot equal to the venue's (no stale level, no delta applied to the old book);
a fill missed while the private stream was down is reported, and no fill twice.
"""

from __future__ import annotations

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
    connected_data,
    connected_execution,
    facts,
    frame_json,
    instrument_of,
    limit_order,
    quiet,
    restored,
    settled,
    sink_wait,
    targets,
    trade,
)
from conformance.harness.context import CaseContext
from conformance.harness.registry import case
from conformance.harness.requirements import data, execution
from simulator.core.commands import NewOrder
from simulator.core.enums import OrderType as VenueOrderType
from simulator.core.enums import Side, TimeInForce
from simulator.server.journal.entries import WsClose, WsFrame

_BOOKS = data(DataKind.ORDER_BOOK_DELTAS)
_QUIET = quiet()


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
    # The best bid level disappears entirely; the delta saying so is the push that drops the
    # connection, so the client is away when the level goes (and never hears of it).
    exchange = ctx.sim.exchange
    exchange.participant(TAKER)
    gone, qty = exchange.book(target.ref, 1).bids[0]
    result = exchange.place_order(
        NewOrder(TAKER, target.ref, Side.SELL, VenueOrderType.LIMIT, qty, gone, time_in_force=TimeInForce.IOC)
    )
    ctx.expect(result.ok, "the best bid is taken (case setup)", result.message)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name,
        "the venue drops the book's connection",
        since=mark,
    )
    # The restore's snapshot is held back and sent after the next delta: a client that kept its
    # pre-drop sequence state would take that delta as the continuation of its old book. (No book
    # change until the restore, so no push to the dropped session can spend this fault.)
    held = ctx.sim.faults.arm({"kind": "reorder_message"}, channel="ws", op="push", topic=topic)
    conn = await restored(ctx, wire.public_paths[Product.LINEAR], [topic], since=mark)
    await settled(ctx)
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
    built, _, _ = await connected_execution(ctx)
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
