"""Group 9, conditional orders: O-12 (STOP_MARKET by each trigger type), O-13 (STOP_LIMIT), O-14 (MIT, LIT).

Each combination rests with its trigger far from the market, then the case moves exactly the
reference price the order should trigger on (a printed trade for LAST, the mark for MARK, the
index for INDEX). An order sent with the wrong trigger type therefore never triggers; one sent
with the wrong direction triggers at once. The venue's own fills are the truth for the events.
"""

from __future__ import annotations

from typing import Any

from adapters.contract import Product
from adapters.model.commands import SubmitOrder
from adapters.model.enums import OrderSide, OrderType, TriggerType
from adapters.model.events import OrderAccepted, OrderFilled
from conformance.cases._wire import wire_of
from conformance.cases._world import WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.registry import Requirement, case
from conformance.harness.requirements import execution

LIN = "linear:BTCUSDT"
#: The world's LIN reference prices are 100; triggers sit 10 away, the book 11 away.
_BOOK = {"bids": [("89.0", "10")], "asks": [("111.0", "10")]}


def _claims(order_type: OrderType, trigger: TriggerType | None = None) -> Requirement:
    def test(caps: Any) -> bool:
        return bool(caps.supports(product=Product.LINEAR, order_type=order_type, trigger_type=trigger))

    return execution() & Requirement(f"claims {order_type.name} on LINEAR", test)


def _rises(order_type: OrderType, side: OrderSide) -> bool:
    """Whether the order triggers on a rise: stops buy on a rise, if-touched orders sell on one."""
    stop = order_type in (OrderType.STOP_MARKET, OrderType.STOP_LIMIT)
    return stop == (side is OrderSide.BUY)


def _move(world: World, trigger: TriggerType, price: str) -> None:
    """Move only the reference price ``trigger`` watches (DEFAULT: the venue's default, last)."""
    core = world.core_id(LIN)
    if trigger is TriggerType.MARK_PRICE:
        world.venue.set_mark_price(core, price)
    elif trigger is TriggerType.INDEX_PRICE:
        world.venue.set_index_price(core, price)
    else:
        world.venue.record_trade(core, price, "0.001")


def _venue_signalled_trigger(world: World, cid: str, since: int) -> bool:
    """Whether the venue pushed a 'triggered' state for the order (then OrderTriggered is owed)."""
    for frame in world.ctx.journal.ws_frames(direction="out"):
        if frame.seq > since and cid in frame.text() and "\"Triggered\"" in frame.text():
            return True
    return False


async def _run(world: World, order_type: OrderType, side: OrderSide, trigger: TriggerType) -> list[str]:
    """One conditional order from submit to fill; returns the problems found."""
    ctx, wire = world.ctx, wire_of(world.ctx.adapter.dialect)
    label = f"{order_type.name} {side.name} by {trigger.name}"
    world.set_book(LIN, **_BOOK)
    rises = _rises(order_type, side)
    trigger_px, through_px = ("110.0", "110.5") if rises else ("90.0", "89.5")
    limit = (
        {"price": "112.0" if side is OrderSide.BUY else "88.0"}
        if order_type.name.endswith("LIMIT") or (order_type is OrderType.LIMIT_IF_TOUCHED)
        else {}
    )
    mark, since = ctx.journal.mark(), world.sink.mark()
    order = world.order(LIN, side, order_type, "0.1", trigger_price=trigger_px, trigger_type=trigger, **limit)
    execution = world.built.execution
    assert execution is not None
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), f"{label}: submit returns")
    await world.event(OrderAccepted, order.client_order_id, since=since, what=f"{label}: OrderAccepted")
    problems: list[str] = []
    creates = wire.creates(ctx, mark)
    body = creates[0].json() if len(creates) == 1 else {}
    if len(creates) != 1:
        problems.append(f"{label}: {len(creates)} creates")
    if wire.number(body, wire.f_trigger) != order.trigger_price.as_decimal():
        problems.append(f"{label}: {wire.f_trigger}={body.get(wire.f_trigger)!r}")
    want_by = wire.trigger_by.get(trigger)
    if want_by is not None and body.get(wire.f_trigger_by) != want_by:
        problems.append(f"{label}: {wire.f_trigger_by}={body.get(wire.f_trigger_by)!r} (want {want_by})")
    direction = wire.extra.get("trigger_direction")
    if direction and body.get(direction) != wire.extra["rise" if rises else "fall"]:
        problems.append(f"{label}: {direction}={body.get(direction)!r} (want {'rise' if rises else 'fall'})")
    if "price" not in limit and wire.number(body, wire.f_price) not in (None,):
        problems.append(f"{label}: a limit price on a market-type conditional: {body.get(wire.f_price)!r}")
    if world.events(OrderFilled, order.client_order_id, since):
        problems.append(f"{label}: filled before the trigger price was reached")
        return problems
    _move(world, trigger, through_px)
    await world.event(
        OrderFilled, order.client_order_id, since=since, what=f"{label}: filled after the trigger"
    )
    names = world.names(order.client_order_id, since)
    if _venue_signalled_trigger(world, order.client_order_id.value, mark):
        if "OrderTriggered" not in names or names.index("OrderTriggered") > names.index("OrderFilled"):
            problems.append(f"{label}: the venue signalled the trigger; events {names}")
    elif "OrderTriggered" in names and names.index("OrderTriggered") > names.index("OrderFilled"):
        problems.append(f"{label}: OrderTriggered after OrderFilled: {names}")
    # Put the references back for the next combination.
    _move(world, trigger, "100.0")
    return problems


def _triggers(caps: Any) -> list[TriggerType]:
    claimed = [
        t
        for t in (TriggerType.LAST_PRICE, TriggerType.MARK_PRICE, TriggerType.INDEX_PRICE)
        if t in caps.trigger_types
    ]
    return [TriggerType.DEFAULT, *claimed]


@case("O-12", group="order_flow", requires=_claims(OrderType.STOP_MARKET), simulator=WORLD, timeout_s=30)
async def test_o12_stop_market(ctx: CaseContext) -> None:
    """STOP_MARKET BUY and SELL by every claimed trigger type: right fields, triggered by that price only."""
    world = await World.open(ctx)
    problems: list[str] = []
    for trigger in _triggers(ctx.capabilities):
        for side in (OrderSide.BUY, OrderSide.SELL):
            problems += await _run(world, OrderType.STOP_MARKET, side, trigger)
    ctx.expect(
        not problems, "each stop sent as declared and filled once its own price moved", "; ".join(problems)
    )


@case("O-13", group="order_flow", requires=_claims(OrderType.STOP_LIMIT), simulator=WORLD)
async def test_o13_stop_limit(ctx: CaseContext) -> None:
    """STOP_LIMIT BUY and SELL: trigger, limit and TIF on the wire; triggered, then filled at the limit."""
    world = await World.open(ctx)
    problems: list[str] = []
    for side in (OrderSide.BUY, OrderSide.SELL):
        problems += await _run(world, OrderType.STOP_LIMIT, side, TriggerType.DEFAULT)
    ctx.expect(
        not problems, "each stop-limit sent as declared and filled after its trigger", "; ".join(problems)
    )


@case(
    "O-14",
    group="order_flow",
    requires=_claims(OrderType.MARKET_IF_TOUCHED) & _claims(OrderType.LIMIT_IF_TOUCHED),
    simulator=WORLD,
)
async def test_o14_if_touched(ctx: CaseContext) -> None:
    """MIT and LIT BUY and SELL: the direction is the stop's opposite (a buy triggers on a fall)."""
    world = await World.open(ctx)
    problems: list[str] = []
    for order_type in (OrderType.MARKET_IF_TOUCHED, OrderType.LIMIT_IF_TOUCHED):
        for side in (OrderSide.BUY, OrderSide.SELL):
            problems += await _run(world, order_type, side, TriggerType.DEFAULT)
    ctx.expect(
        not problems,
        "each if-touched order sent as declared and filled after its trigger",
        "; ".join(problems),
    )
