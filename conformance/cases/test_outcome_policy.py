"""Group 10, outcome policy for failed commands (OP-01..OP-04).

When the venue's answer is lost (a reset after the venue acted, a gateway 503, a rate limit), the
outcome is unknown: the adapter must not report a rejection, and must never leave two live
orders for one submit. The venue side is judged from its own state (``venue.open_orders``) and
the journal; "no rejection" is proven with a barrier (a REST read on the same client).
"""

from __future__ import annotations

from typing import Any

from adapters.contract import Product
from adapters.model.commands import BatchCancelOrders, CancelOrder, ModifyOrder, SubmitOrder
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderModifyRejected,
)
from adapters.model.identifiers import ClientOrderId, InstrumentId, Symbol
from adapters.model.objects import Price, Quantity
from adapters.model.orders import Order
from conformance.cases._wire import wire_of
from conformance.cases._world import ACCOUNT, WORLD, World
from conformance.harness.barrier import assert_nothing
from conformance.harness.context import CaseContext
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import BatchItemError, HttpMatch, HttpStatus, RateLimit, ResetConnection
from simulator.server.journal import HttpEntry

LIN = "linear:BTCUSDT"
_LINEAR = execution() & product(Product.LINEAR)


async def _attempt(world: World, command: Any, what: str) -> str | None:
    """Run a command whose answer may be lost; returns what it raised (None: it returned)."""
    try:
        await world.ctx.within(command, what, timeout=15.0)
    except Exception as exc:  # a transport error escaping a command is noted, judged by its events
        return f"{type(exc).__name__}: {exc}"
    return None


async def _sentinel(world: World) -> int:
    ctx = world.ctx
    wire = wire_of(ctx.adapter.dialect)
    mark = ctx.journal.mark()
    assert world.built.execution is not None
    await ctx.within(
        world.built.execution.generate_order_status_reports(
            world.instrument(LIN).instrument_id, open_only=True
        ),
        "a sentinel order-status read returns",
    )
    entry = await ctx.wait_journal(HttpMatch("GET", wire.open_orders), "the sentinel read", since=mark)
    return int(entry.seq)


@case("OP-01", group="outcome", requires=_LINEAR, simulator=WORLD, timeout_s=40)
async def test_op01_unknown_submit_outcome(ctx: CaseContext) -> None:
    """Create answered by a reset after the venue acted, a 503, a rate limit: no OrderRejected, at most
    one live order per submit, and an order the venue holds is accepted through the stream."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    problems: list[str] = []
    for label, action in (
        ("reset after the venue acted", ResetConnection(phase="response")),
        ("503 once", HttpStatus(503, body="gateway down")),
        ("rate-limited once", RateLimit(reset_ms=100)),
    ):
        ctx.sim.faults.arm(action, route=wire.create, times=1, name=f"op01-{label.split()[0]}")
        since = world.sink.mark()
        order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0")
        raised = await _attempt(
            world, execution.submit_order(SubmitOrder(order=order, ts_init=1)), f"{label}: submit"
        )
        if raised:
            ctx.notes.append(f"OP-01 {label}: submit_order raised {raised}")
        live = [
            o for o in world.venue.open_orders(ACCOUNT) if o.client_order_id == order.client_order_id.value
        ]
        if live:
            await world.event(
                OrderAccepted, order.client_order_id, since=since, what=f"{label}: Accepted from the stream"
            )
        await _sentinel(world)
        names = world.names(order.client_order_id, since)
        if "OrderRejected" in names or "OrderDenied" in names:
            problems.append(f"{label}: {names}")
        if names[:1] != ["OrderSubmitted"]:
            problems.append(f"{label}: no OrderSubmitted first ({names})")
        if len(live) > 1:
            problems.append(f"{label}: {len(live)} live orders at the venue")
    ctx.expect(
        not problems, "no rejection for an unknown outcome, never two live orders", "; ".join(problems)
    )


@case("OP-02", group="outcome", requires=_LINEAR, simulator=WORLD, timeout_s=40)
async def test_op02_unknown_cancel_modify_outcome(ctx: CaseContext) -> None:
    """Cancel and amend answered by a reset after the venue acted or a 503: no Cancel/ModifyRejected."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    problems: list[str] = []
    for label, action in (
        ("reset after the venue acted", ResetConnection(phase="response")),
        ("503", HttpStatus(503)),
    ):
        since = world.sink.mark()
        order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0")
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit returns")
        accepted = await world.event(OrderAccepted, order.client_order_id, since=since)
        ctx.sim.faults.arm(action, route=wire.amend, times=1)
        modify = ModifyOrder(
            instrument_id=order.instrument_id,
            client_order_id=order.client_order_id,
            venue_order_id=accepted.venue_order_id,
            price=world.price(LIN, "91.0"),
            ts_init=1,
        )
        raised = await _attempt(world, execution.modify_order(modify), f"{label}: modify")
        ctx.sim.faults.arm(action, route=wire.cancel, times=1)
        cancel = CancelOrder(
            instrument_id=order.instrument_id,
            client_order_id=order.client_order_id,
            venue_order_id=None,
            ts_init=1,
        )
        raised = raised or await _attempt(world, execution.cancel_order(cancel), f"{label}: cancel")
        if raised:
            ctx.notes.append(f"OP-02 {label}: a command raised {raised}")
        if not world.venue.open_orders(ACCOUNT):
            await world.event(
                OrderCanceled, order.client_order_id, since=since, what=f"{label}: Canceled from the stream"
            )
        await _sentinel(world)
        bad = world.events((OrderCancelRejected, OrderModifyRejected), order.client_order_id, since)
        if bad:
            problems.append(f"{label}: {[type(e).__name__ + ': ' + e.reason for e in bad]}")
        # Leave nothing open for the next round.
        for venue_order in world.venue.open_orders(ACCOUNT):
            await ctx.within(
                execution.cancel_order(
                    CancelOrder(
                        instrument_id=order.instrument_id,
                        client_order_id=ClientOrderId(venue_order.client_order_id),
                        venue_order_id=None,
                        ts_init=1,
                    )
                ),
                "cleanup cancel",
            )
    ctx.expect(not problems, "no cancel or modify rejection for an unknown outcome", "; ".join(problems))


async def _rest_three(world: World, prices: tuple[str, str, str]) -> list[Order]:
    """Three resting linear buys, each accepted through the stream."""
    execution = world.built.execution
    assert execution is not None
    orders = [world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price=p) for p in prices]
    since = world.sink.mark()
    for order in orders:
        await world.ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit returns")
        await world.event(OrderAccepted, order.client_order_id, since=since)
    return orders


def _batch_cancel(orders: list[Order]) -> BatchCancelOrders:
    return BatchCancelOrders(
        instrument_id=orders[0].instrument_id,
        cancels=tuple(
            CancelOrder(
                instrument_id=o.instrument_id,
                client_order_id=o.client_order_id,
                venue_order_id=None,
                ts_init=1,
            )
            for o in orders
        ),
        ts_init=1,
    )


@case("OP-03", group="outcome", requires=_LINEAR, simulator=WORLD, timeout_s=60)
async def test_op03_whole_batch_failure_and_item_refusal(ctx: CaseContext) -> None:
    """A batch cancel of 3: (a) answered 500 as a whole, no per-order rejection (the outcome is
    unknown); (b) answered 200 with item 2 refused, exactly one OrderCancelRejected, for item 2, and
    items 1 and 3 canceled. (b) runs twice: with a definite refusal, and with the venue's ambiguous
    not-found while item 2 is in fact still open (settled from the venue's state, still a rejection)."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    # (a) the whole batch fails.
    orders = await _rest_three(world, ("90.0", "89.0", "88.0"))
    whole = ctx.sim.faults.arm(
        HttpStatus(500, body="internal error"), route=wire.batch_cancel, persistent=True
    )
    since = world.sink.mark()
    raised = await _attempt(
        world, execution.batch_cancel_orders(_batch_cancel(orders)), "batch_cancel_orders"
    )
    if raised:
        ctx.notes.append(f"OP-03 (a): batch_cancel_orders raised {raised}")
    await _sentinel(world)
    rejected = world.events(OrderCancelRejected, since=since)
    ctx.expect(
        not rejected,
        "(a) no OrderCancelRejected when the whole batch failed",
        f"{[e.reason for e in rejected]}",
    )
    ctx.expect(
        len(world.venue.open_orders(ACCOUNT)) == 3,
        "(a) the venue still holds the 3 orders (case setup)",
        "it does not",
    )
    whole.clear()
    # (b) item 2 refused, the others cancelled.
    for n, (label, code, message) in enumerate(
        (
            ("a definite refusal", wire.finished_code, wire.finished_message),
            ("a not-found while the order is open", wire.not_found_code, None),
        ),
        1,
    ):
        orders = await _rest_three(world, ("87.0", "86.0", "85.0"))
        ctx.sim.faults.arm(BatchItemError(2, code, message), route=wire.batch_cancel, name=f"op03-item2-{n}")
        since = world.sink.mark()
        raised = await _attempt(
            world, execution.batch_cancel_orders(_batch_cancel(orders)), f"(b) {label}: batch_cancel_orders"
        )
        if raised:
            ctx.notes.append(f"OP-03 (b) {label}: batch_cancel_orders raised {raised}")
        for order in (orders[0], orders[2]):
            await world.event(
                OrderCanceled,
                order.client_order_id,
                since=since,
                what=f"(b) {label}: {order.client_order_id} canceled",
            )
        await _sentinel(world)
        open_ids = {o.client_order_id for o in world.venue.open_orders(ACCOUNT)}
        ctx.expect(
            orders[1].client_order_id.value in open_ids,
            f"(b) {label}: the venue still holds item 2 (case setup)",
            "it does not",
        )
        rejected = world.events(OrderCancelRejected, since=since)
        ctx.expect(
            [e.client_order_id for e in rejected] == [orders[1].client_order_id],
            f"(b) {label}: exactly one OrderCancelRejected, for item 2 ({orders[1].client_order_id})",
            f"{[(str(e.client_order_id), e.reason) for e in rejected]}",
        )
        ctx.expect(
            not world.events(OrderCanceled, orders[1].client_order_id, since),
            f"(b) {label}: no OrderCanceled for item 2",
            f"{world.names(orders[1].client_order_id, since)}",
        )


@case("OP-04", group="outcome", requires=_LINEAR, simulator=WORLD)
async def test_op04_local_validation(ctx: CaseContext) -> None:
    """A submit for an instrument the adapter does not know: OrderDenied before Submitted; a modify that
    cannot be prepared: OrderModifyRejected; neither sends anything."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    known = world.instrument(LIN).instrument_id
    unknown = InstrumentId(Symbol("NOPEUSDT-LINEAR"), known.venue)
    mark, since = ctx.journal.mark(), world.sink.mark()
    order = Order(
        instrument_id=unknown,
        client_order_id=ClientOrderId("op04-1"),
        order_side=OrderSide.BUY,
        order_type=OrderType.LIMIT,
        quantity=Quantity("0.1", 1),
        price=Price("90.0", 1),
        ts_init=1,
    )
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit returns")
    modify = ModifyOrder(
        instrument_id=unknown,
        client_order_id=ClientOrderId("op04-1"),
        venue_order_id=None,
        price=Price("91.0", 1),
        ts_init=1,
    )
    raised = await _attempt(world, execution.modify_order(modify), "modify_order returns")
    until = await _sentinel(world)
    names = world.names(order.client_order_id, since)
    ctx.expect(
        names[:1] == ["OrderDenied"] and "OrderSubmitted" not in names,
        "OrderDenied, never Submitted",
        f"{names}",
    )
    ctx.expect(
        world.events(OrderModifyRejected, order.client_order_id, since) or raised is not None,
        "a modify that cannot be prepared is OrderModifyRejected",
        f"{names}",
    )
    routes = set(wire.order_routes())
    assert_nothing(
        ctx,
        lambda e: isinstance(e, HttpEntry) and e.path in routes,
        since=mark,
        until=until,
        expected="no order request for an instrument the adapter does not know",
    )
