"""Group 9, the life of an order after submit: amend (O-16, O-17), cancel refusals (O-18), cancel-all
(O-19), batch cancel (O-20), order lists (O-21), venue rejection (O-23), fill dedup (O-24) and stale
lifecycle frames (O-25).

Venue refusals that the matching engine would never produce on its own (an amend refused, an
"already finished" cancel refusal) are armed as faults on the route; everything else is the
venue's real behaviour. "No rejection" is proven with a barrier: a REST read on the same client
after the command; an event the command caused would have been published before it returns.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from adapters.contract import Product
from adapters.model.commands import (
    BatchCancelOrders,
    CancelAllOrders,
    CancelOrder,
    ModifyOrder,
    SubmitOrder,
    SubmitOrderList,
)
from adapters.model.enums import OrderSide, OrderType, TimeInForce
from adapters.model.events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
    OrderUpdated,
)
from adapters.model.identifiers import OrderListId, VenueOrderId
from adapters.model.orders import Order, OrderList
from adapters.model.reports import FillReport
from conformance.cases._wire import wire_of
from conformance.cases._world import ACCOUNT, WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.registry import Requirement, case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch, RetCode, Stall, SubscriptionMatch
from simulator.server.journal.entries import FaultEntry, WsClose, WsFrame

LIN = "linear:BTCUSDT"
_LINEAR = execution() & product(Product.LINEAR)
_AMEND = _LINEAR & Requirement("claims amend", lambda caps: bool(getattr(caps, "supports_amend", False)))


async def _rest(world: World, order: Order) -> Any:
    """Submit ``order`` and wait until the venue acknowledged it; returns OrderAccepted."""
    since = world.sink.mark()
    execution = world.built.execution
    assert execution is not None
    await world.ctx.within(
        execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns"
    )
    return await world.event(OrderAccepted, order.client_order_id, since=since)


async def _sentinel(world: World) -> None:
    """A REST read on the execution client: what a command published is recorded before it."""
    execution = world.built.execution
    assert execution is not None
    await world.ctx.within(
        execution.generate_order_status_reports(world.instrument(LIN).instrument_id, open_only=True),
        "a sentinel order-status read returns",
    )


def _cancel(order: Order, venue_order_id: VenueOrderId | None = None) -> CancelOrder:
    return CancelOrder(
        instrument_id=order.instrument_id,
        client_order_id=None if venue_order_id else order.client_order_id,
        venue_order_id=venue_order_id,
        ts_init=1,
    )


@case("O-16", group="order_flow", requires=_AMEND, simulator=WORLD)
async def test_o16_modify(ctx: CaseContext) -> None:
    """Amend a LIMIT's price, then its quantity, and a STOP's trigger: one amend each, OrderUpdated each."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    limit = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.5", price="90.0")
    accepted = await _rest(world, limit)
    stop = world.order(LIN, OrderSide.BUY, OrderType.STOP_MARKET, "0.5", trigger_price="130.0")
    stop_accepted = await _rest(world, stop)
    for order, venue_id, change, field, value in (
        (limit, accepted.venue_order_id, {"price": world.price(LIN, "91.0")}, wire.f_price, Decimal("91.0")),
        (limit, accepted.venue_order_id, {"quantity": world.qty(LIN, "0.7")}, wire.f_qty, Decimal("0.7")),
        (
            stop,
            stop_accepted.venue_order_id,
            {"trigger_price": world.price(LIN, "131.0")},
            wire.f_trigger,
            Decimal("131.0"),
        ),
    ):
        mark, since = ctx.journal.mark(), world.sink.mark()
        command = ModifyOrder(
            instrument_id=order.instrument_id,
            client_order_id=order.client_order_id,
            venue_order_id=venue_id,
            ts_init=1,
            **change,
        )
        await ctx.within(execution.modify_order(command), "modify_order returns")
        updated = await world.event(
            OrderUpdated, order.client_order_id, since=since, what=f"OrderUpdated for {field}"
        )
        amends = wire.posts(ctx, wire.amend, mark)
        ctx.expect(len(amends) == 1, f"one amend request for {field}", f"{len(amends)}")
        body = amends[0].json()
        ids_ok = body.get(wire.f_vid) == str(venue_id) or body.get(wire.f_cid) == order.client_order_id.value
        ctx.expect(
            ids_ok and wire.number(body, field) == value,
            f"the amend names the order and {field}={value}",
            f"{body}",
        )
        venue_order = world.venue.order(ACCOUNT, str(venue_id))
        got = {
            wire.f_price: (updated.price.as_decimal() if updated.price else None, venue_order.price),
            wire.f_qty: (updated.quantity.as_decimal(), venue_order.qty),
            wire.f_trigger: (
                updated.trigger_price.as_decimal() if updated.trigger_price else None,
                venue_order.trigger_price,
            ),
        }[field]
        ctx.expect(
            got[0] == value == got[1],
            f"OrderUpdated and the venue agree on {field}={value}",
            f"event {got[0]}, venue {got[1]}",
        )
        ctx.expect(
            updated.venue_order_id in (None, venue_id),
            "the same venue order id (Bybit amends in place)",
            f"{updated.venue_order_id} != {venue_id}",
        )


@case("O-17", group="order_flow", requires=_AMEND, simulator=WORLD)
async def test_o17_modify_rejected(ctx: CaseContext) -> None:
    """An amend the venue refuses becomes OrderModifyRejected (venue reason); order unchanged."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.5", price="90.0")
    accepted = await _rest(world, order)
    ctx.sim.faults.arm(
        RetCode(code=wire.amend_refused_code, message=wire.amend_refused_message), route=wire.amend
    )
    since = world.sink.mark()
    command = ModifyOrder(
        instrument_id=order.instrument_id,
        client_order_id=order.client_order_id,
        venue_order_id=accepted.venue_order_id,
        price=world.price(LIN, "91.0"),
        ts_init=1,
    )
    await ctx.within(execution.modify_order(command), "modify_order returns")
    rejected = await world.event(OrderModifyRejected, order.client_order_id, since=since)
    ctx.expect(wire.amend_refused_message in rejected.reason, "the venue's reason", rejected.reason)
    await _sentinel(world)
    ctx.expect(
        not world.events(OrderUpdated, order.client_order_id, since),
        "no OrderUpdated",
        world.names(order.client_order_id, since),
    )


@case("O-18", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o18_cancel_rejected(ctx: CaseContext) -> None:
    """(a) "already finished": OrderCancelRejected; (b) ambiguous "not found": none."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.5", price="90.0")
    await _rest(world, order)
    ctx.sim.faults.arm(RetCode(code=wire.finished_code, message=wire.finished_message), route=wire.cancel)
    since = world.sink.mark()
    await ctx.within(execution.cancel_order(_cancel(order)), "cancel_order returns")
    rejected = await world.event(
        OrderCancelRejected, order.client_order_id, since=since, what="(a) OrderCancelRejected"
    )
    ctx.expect(wire.finished_message in rejected.reason, "(a) the venue's reason", rejected.reason)

    # (b) an order the venue does not know: its "not found" may mean filled or canceled a moment ago.
    ghost = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.5", price="90.0", cid="ghost-1")
    mark, since = ctx.journal.mark(), world.sink.mark()
    await ctx.within(execution.cancel_order(_cancel(ghost)), "cancel_order returns")
    refused = [
        e
        for e in wire.posts(ctx, wire.cancel, mark)
        if e.response_json().get("retCode") == wire.not_found_code
    ]
    ctx.expect(refused, f"the venue answered {wire.not_found_code} (not found)", "it did not")
    await _sentinel(world)
    ctx.expect(
        not world.events(OrderCancelRejected, since=since),
        "(b) no OrderCancelRejected for an ambiguous not-found",
        f"{[e.reason for e in world.events(OrderCancelRejected, since=since)]}",
    )


@case("O-19", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o19_cancel_all(ctx: CaseContext) -> None:
    """Cancel-all by side cancels that side only; cancel-all cancels the rest; one OrderCanceled each."""
    world = await World.open(ctx)
    execution = world.built.execution
    assert execution is not None
    buys = [world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price=p) for p in ("90.0", "91.0")]
    sells = [world.order(LIN, OrderSide.SELL, OrderType.LIMIT, "0.1", price=p) for p in ("110.0", "111.0")]
    for order in (*buys, *sells):
        await _rest(world, order)
    since = world.sink.mark()
    instrument_id = buys[0].instrument_id
    await ctx.within(
        execution.cancel_all_orders(
            CancelAllOrders(instrument_id=instrument_id, order_side=OrderSide.BUY, ts_init=1)
        ),
        "cancel_all_orders(BUY) returns",
    )
    for order in buys:
        await world.event(OrderCanceled, order.client_order_id, since=since)
    await _sentinel(world)
    ctx.expect(
        not any(world.events(OrderCanceled, o.client_order_id, since) for o in sells),
        "the SELL orders stay open",
        "a SELL was canceled",
    )
    open_sides = sorted(o.side.name for o in world.venue.open_orders(ACCOUNT))
    ctx.expect(open_sides == ["SELL", "SELL"], "the venue keeps the two SELLs", f"{open_sides}")
    since = world.sink.mark()
    await ctx.within(
        execution.cancel_all_orders(CancelAllOrders(instrument_id=instrument_id, ts_init=1)),
        "cancel_all_orders returns",
    )
    for order in sells:
        await world.event(OrderCanceled, order.client_order_id, since=since)
    await _sentinel(world)
    counts = {o.client_order_id: len(world.events(OrderCanceled, o.client_order_id)) for o in (*buys, *sells)}
    ctx.expect(set(counts.values()) == {1}, "exactly one OrderCanceled per order", f"{counts}")
    ctx.expect(not world.venue.open_orders(ACCOUNT), "nothing open at the venue", "orders remain")
    for side in (OrderSide.BUY, OrderSide.NO_ORDER_SIDE):
        await _o19_close_race(world, side)


async def _o19_close_race(world: World, side: OrderSide) -> None:
    """O-19's close-race row: 3 open BUYs; the cancel-all (``side``) is held at the venue while the
    best one fills, so the venue's answer mixes canceled orders with one it could no longer cancel.
    The two canceled ones get one OrderCanceled each; the filled one its OrderFilled and neither
    OrderCanceled nor OrderCancelRejected."""
    ctx = world.ctx
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    world.set_book(LIN)  # only the case's orders: the taker below fills the best of them
    orders = [
        world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price=p) for p in ("92.0", "91.0", "90.0")
    ]
    for order in orders:
        await _rest(world, order)
    filled, rest = orders[0], orders[1:]
    # Whichever cancel route the adapter uses first is held until the fill has happened.
    holds = [
        ctx.sim.faults.arm(Stall(), method="POST", route=route, times=1)
        for route in (wire.cancel_all, wire.batch_cancel, wire.cancel)
    ]
    names = {h.name for h in holds}
    mark, since = ctx.journal.mark(), world.sink.mark()
    label = f"cancel_all_orders({side.name})"
    command = CancelAllOrders(instrument_id=filled.instrument_id, order_side=side, ts_init=1)
    task = asyncio.get_running_loop().create_task(execution.cancel_all_orders(command))
    try:
        await ctx.wait_journal(
            lambda e: isinstance(e, FaultEntry) and e.name in names and e.phase == "fired",
            f"{label}: a cancel request reaches the venue (held there)",
            since=mark,
        )
        world.trade_against(LIN, "SELL", "0.1")  # fills the 92.0 BUY while the cancel is held
    finally:
        for hold in holds:
            hold.clear()
    await ctx.within(task, f"{label} returns")
    for order in rest:
        await world.event(OrderCanceled, order.client_order_id, since=since, what=f"{label}: OrderCanceled")
    await world.event(
        OrderFilled, filled.client_order_id, since=since, what=f"{label}: the raced order's fill"
    )
    await _sentinel(world)
    counts = [len(world.events(OrderCanceled, o.client_order_id, since)) for o in rest]
    ctx.expect(counts == [1, 1], f"{label}: one OrderCanceled per canceled order", f"{counts}")
    raced = [
        type(e).__name__
        for e in world.events((OrderCanceled, OrderCancelRejected), filled.client_order_id, since)
    ]
    ctx.expect(
        not raced,
        f"{label}: the order that filled during the cancel-all gets no OrderCanceled/OrderCancelRejected",
        f"{raced}",
    )
    ctx.expect(not world.venue.open_orders(ACCOUNT), f"{label}: nothing open at the venue", "orders remain")


@case(
    "O-20",
    group="order_flow",
    requires=_LINEAR & Requirement("a batch cancel", lambda c: c.max_batch_cancel > 0),
    simulator=WORLD,
    timeout_s=30,
)
async def test_o20_batch_cancel(ctx: CaseContext) -> None:
    """max+5 cancels go out as ceil(n/max) batch requests of at most max items; one OrderCanceled each."""
    from simulator.core import NewOrder, Side
    from simulator.core import OrderType as CoreOrderType

    # The orders rest at the venue before the adapter connects (its reconciliation adopts them):
    # placing max+5 orders through the adapter would only measure its order pacing.
    size = ctx.capabilities.max_batch_cancel
    core = ctx.sim.instrument_id(LIN)
    cids = [f"bc-{n}" for n in range(size + 5)]
    for cid in cids:
        result = ctx.sim.exchange.place_order(
            NewOrder(ACCOUNT, core, Side.BUY, CoreOrderType.LIMIT, "0.01", "90.0", client_order_id=cid)
        )
        ctx.expect(result.ok, "the venue rests the case's orders", f"{result.message}")
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    orders = [world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.01", price="90.0", cid=cid) for cid in cids]
    mark, since = ctx.journal.mark(), world.sink.mark()
    command = BatchCancelOrders(
        instrument_id=orders[0].instrument_id, cancels=tuple(_cancel(o) for o in orders), ts_init=1
    )
    await ctx.within(execution.batch_cancel_orders(command), "batch_cancel_orders returns")
    for order in orders:
        await world.event(OrderCanceled, order.client_order_id, since=since)
    batches = wire.posts(ctx, wire.batch_cancel, mark)
    sizes = [len(e.json().get(wire.batch_items, [])) for e in batches]
    ctx.expect(sizes == [size, 5], f"batches of {size} and 5", f"{sizes}")
    ctx.expect(not world.events(OrderCancelRejected, since=since), "no rejections", "some")


@case(
    "O-21",
    group="order_flow",
    requires=_LINEAR & Requirement("order lists", lambda c: bool(c.supports_order_lists)),
    simulator=WORLD,
)
async def test_o21_order_lists(ctx: CaseContext) -> None:
    """Valid list: events for every leg. One invalid leg: every leg denied, nothing sent."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    legs = tuple(world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price=p) for p in ("90.0", "91.0"))
    since = world.sink.mark()
    command = SubmitOrderList(
        order_list=OrderList(
            order_list_id=OrderListId("OL-1"), instrument_id=legs[0].instrument_id, orders=legs, ts_init=1
        ),
        ts_init=1,
    )
    await ctx.within(execution.submit_order_list(command), "submit_order_list returns")
    for leg in legs:
        await world.event(OrderAccepted, leg.client_order_id, since=since)

    bad = world.order(
        LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="92.0", time_in_force=TimeInForce.AT_THE_OPEN
    )
    good = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="93.0")
    mark, since = ctx.journal.mark(), world.sink.mark()
    command = SubmitOrderList(
        order_list=OrderList(
            order_list_id=OrderListId("OL-2"), instrument_id=good.instrument_id, orders=(good, bad), ts_init=1
        ),
        ts_init=1,
    )
    await ctx.within(execution.submit_order_list(command), "submit_order_list returns")
    await _sentinel(world)
    names = {leg.client_order_id.value: world.names(leg.client_order_id, since) for leg in (good, bad)}
    ctx.expect(
        all(n == ["OrderDenied"] for n in names.values()),
        "every leg of a list with an invalid leg is OrderDenied",
        f"{names}",
    )
    sent = wire.posts(ctx, wire.batch_create, mark) + wire.creates(ctx, mark)
    ctx.expect(not sent, "nothing sent for a list with an invalid leg", f"{len(sent)} requests")


@case("O-23", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o23_venue_rejection(ctx: CaseContext) -> None:
    """An order the venue refuses (far beyond the account's margin) is OrderRejected with the venue's text."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    mark, since = ctx.journal.mark(), world.sink.mark()
    # A SELL of 1000 @ 200 needs about 20 000 USDT of margin; the account has 10 000.
    order = world.order(LIN, OrderSide.SELL, OrderType.LIMIT, "1000", price="200.0")
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
    rejected = await world.event(OrderRejected, order.client_order_id, since=since)
    answer = wire.creates(ctx, mark)[0].response_json()
    ctx.expect(
        str(answer.get("retMsg", "")) in rejected.reason and rejected.reason,
        "the venue's text in the reason",
        f"reason {rejected.reason!r}, venue {answer}",
    )
    await _sentinel(world)
    names = world.names(order.client_order_id, since)
    ctx.expect(
        names == ["OrderSubmitted", "OrderRejected"], "Submitted then Rejected, nothing after", f"{names}"
    )


@case("O-24", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o24_fill_dedup(ctx: CaseContext) -> None:
    """A fill pushed twice, then read again over REST when the private stream reconnects: one OrderFilled."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    world.set_book(LIN, asks=[("100.0", "5")])
    ctx.sim.faults.arm(
        {"kind": "duplicate_message"}, channel="ws", op="push", topic=wire.extra["fill_topic"], role="private"
    )
    since = world.sink.mark()
    order = world.order(LIN, OrderSide.BUY, OrderType.MARKET, "0.5")
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
    await world.event(OrderFilled, order.client_order_id, since=since)
    # The next private push drops the stream: a reconnecting client re-reads fills over REST.
    fault = ctx.sim.faults.arm(
        {"kind": "drop_connection", "code": None}, channel="ws", op="push", role="private"
    )
    mark = ctx.journal.mark()
    trigger = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0")
    await ctx.within(execution.submit_order(SubmitOrder(order=trigger, ts_init=1)), "submit_order returns")
    await ctx.wait_journal(
        lambda e: isinstance(e, WsClose) and e.fault == fault.name, "the push drops the stream", since=mark
    )
    await ctx.wait_journal(
        HttpMatch("GET", wire.fills), "fills are read over REST after the reconnect", since=mark, timeout=10.0
    )
    await ctx.wait_journal(
        SubscriptionMatch(op="subscribe", topic=wire.extra["fill_topic"], role="private"),
        "the execution stream is subscribed again",
        since=mark,
        timeout=10.0,
    )
    # Barrier: one more order accepted over the new stream; a duplicate fill would be in the sink by now.
    await _rest(world, world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="89.0"))
    fills = world.events(OrderFilled, order.client_order_id, since)
    ctx.expect(
        len(fills) == 1, "exactly one OrderFilled", f"{len(fills)}: {[str(f.trade_id) for f in fills]}"
    )
    reports = [r for r in world.sink.of_type(FillReport, since) if str(r.trade_id) == str(fills[0].trade_id)]
    ctx.expect(not reports, "no FillReport republished for a fill already published", f"{len(reports)}")


@case("O-25", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o25_stale_frames(ctx: CaseContext) -> None:
    """The order's 'New' push arrives after its fill: no OrderAccepted after the terminal state."""
    world = await World.open(ctx)
    execution = world.built.execution
    assert execution is not None
    world.set_book(LIN, asks=[("100.0", "5")])
    # The order's first push ('New') goes out late, after the fill's order, execution, position
    # and wallet pushes: a client that has closed the order must not reopen it.
    topic = wire_of(ctx.adapter.dialect).extra["order_topic"]
    fault = ctx.sim.faults.arm(
        {"kind": "delay_message", "seconds": 0.3}, channel="ws", op="push", topic=topic, role="private"
    )
    mark, since = ctx.journal.mark(), world.sink.mark()
    order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.5", price="100.0")
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
    await world.event(OrderFilled, order.client_order_id, since=since)
    await ctx.wait_journal(
        lambda e: isinstance(e, WsFrame) and e.fault == fault.name, "the held-back push goes out", since=mark
    )
    await _sentinel(world)
    names = world.names(order.client_order_id, since)
    filled_at = names.index("OrderFilled")
    late = [n for n in names[filled_at + 1 :] if n in ("OrderAccepted", "OrderTriggered")]
    ctx.expect(not late, "no Accepted or Triggered after the order filled", f"{names}")
    ctx.expect(names.count("OrderFilled") == 1, "one OrderFilled", f"{names}")
