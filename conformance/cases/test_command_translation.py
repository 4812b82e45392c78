"""Group 12, command translation (F-05): submit, modify and cancel of each order type, field by field.

O-15 checks that every declared combination reaches the venue; F-05 checks the translation of the
three commands one field at a time for each order type the adapter claims on LIN: what the
command sets is on the wire with its value, what it leaves unset is absent (a market order sends
no price, a plain order no trigger, a modify only what it changes), and a cancel names the order
by the one id it was given.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from adapters.contract import Product
from adapters.model.commands import CancelOrder, ModifyOrder, SubmitOrder
from adapters.model.enums import OrderSide, OrderType, TimeInForce, TriggerType
from adapters.model.events import OrderAccepted, OrderCanceled, OrderFilled, OrderUpdated
from adapters.model.identifiers import VenueOrderId
from adapters.model.orders import Order
from conformance.cases._wire import OrderWire, wire_of
from conformance.cases._world import WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product

LIN = "linear:BTCUSDT"

#: Each type's BUY order, away from the world's LIN last price (100) so the resting ones neither
#: trade nor trigger: (type, limit price, trigger price, the amended field and its new value).
_SHAPES: Final = (
    (OrderType.MARKET, None, None, None, None),
    (OrderType.LIMIT, "90.0", None, "price", "89.0"),
    (OrderType.STOP_MARKET, None, "130.0", "trigger_price", "131.0"),
    (OrderType.STOP_LIMIT, "131.0", "130.0", "price", "132.0"),
    (OrderType.MARKET_IF_TOUCHED, None, "80.0", "trigger_price", "79.0"),
    (OrderType.LIMIT_IF_TOUCHED, "79.0", "80.0", "price", "78.0"),
)
#: Where a stop BUY triggers (price rising) and a touch BUY (price falling).
_RISING: Final = frozenset({OrderType.STOP_MARKET, OrderType.STOP_LIMIT})


def _claimed(caps: Any, order_type: OrderType) -> bool:
    trigger = None if order_type in (OrderType.MARKET, OrderType.LIMIT) else TriggerType.LAST_PRICE
    return bool(
        caps.supports(
            product=Product.LINEAR,
            order_type=order_type,
            time_in_force=TimeInForce.GTC,
            trigger_type=trigger,
        )
    )


def _field(problems: list[str], what: str, body: dict[str, Any], name: str, want: Any) -> None:
    """``name`` must equal ``want`` (a Decimal compares numerically; None means absent)."""
    have = body.get(name)
    if isinstance(want, Decimal) or want is None:
        have = OrderWire.number(body, name)
    if have != want:
        problems.append(f"{what}: {name}={body.get(name)!r}, want {'absent' if want is None else repr(want)}")


def _create_problems(wire: OrderWire, order: Order, body: dict[str, Any]) -> list[str]:
    what = f"create {order.order_type.name}"
    problems: list[str] = []
    for name, want in (
        (wire.f_side, wire.sides[order.order_side]),
        (wire.f_type, wire.types[order.order_type]),
        (wire.f_cid, order.client_order_id.value),
    ):
        if body.get(name) != want:
            problems.append(f"{what}: {name}={body.get(name)!r}, want {want!r}")
    _field(problems, what, body, wire.f_qty, order.quantity.as_decimal())
    _field(problems, what, body, wire.f_price, order.price.as_decimal() if order.price else None)
    triggered = order.trigger_price is not None
    _field(problems, what, body, wire.f_trigger, order.trigger_price.as_decimal() if triggered else None)
    want_by = wire.trigger_by[order.trigger_type] if triggered else None
    if body.get(wire.f_trigger_by) != want_by:
        problems.append(f"{what}: {wire.f_trigger_by}={body.get(wire.f_trigger_by)!r}, want {want_by!r}")
    direction = wire.extra.get("trigger_direction")
    if triggered and direction:
        want_dir = wire.extra["rise"] if order.order_type in _RISING else wire.extra["fall"]
        if body.get(direction) != want_dir:
            problems.append(f"{what}: {direction}={body.get(direction)!r}, want {want_dir!r}")
    if body.get(wire.f_reduce_only) not in (None, False):
        problems.append(f"{what}: {wire.f_reduce_only}={body.get(wire.f_reduce_only)!r} on a plain order")
    if wire.f_vid in body:
        problems.append(f"{what}: a venue order id ({wire.f_vid}) on a create")
    return problems


def _ids_problems(
    what: str, wire: OrderWire, body: dict[str, Any], cid: str | None, vid: VenueOrderId | None
) -> list[str]:
    """The request must name the order by the id the command gave, and only by it."""
    want = {wire.f_cid: cid, wire.f_vid: vid.value if vid else None}
    return [
        f"{what}: {name}={body.get(name)!r}, want {'absent' if value is None else repr(value)}"
        for name, value in want.items()
        if body.get(name) != value
    ]


@case(
    "F-05",
    group="factories",
    requires=execution() & product(Product.LINEAR),
    simulator=WORLD,
    timeout_s=40,
)
async def test_f05_command_translation(ctx: CaseContext) -> None:
    """Each claimed order type: a submit sends exactly its fields; a modify (when amend is claimed)
    only the changed ones; a cancel the one id it was given (client id, then venue id, in turn)."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    caps = ctx.capabilities
    execution_client = world.built.execution
    assert execution_client is not None
    amend = bool(getattr(caps, "supports_amend", False))
    problems: list[str] = []
    shapes = [s for s in _SHAPES if _claimed(caps, s[0])]
    ctx.notes.append(f"F-05: {[s[0].name for s in shapes]} claimed on LINEAR; amend claimed: {amend}")
    ctx.expect(shapes, "at least one order type claimed on LINEAR", "none")
    for n, (order_type, price, trigger, changed, new_value) in enumerate(shapes):
        trigger_type = TriggerType.NO_TRIGGER if trigger is None else TriggerType.LAST_PRICE
        order = world.order(
            LIN,
            OrderSide.BUY,
            order_type,
            "0.01",
            price=price,
            trigger_price=trigger,
            trigger_type=trigger_type,
            cid=f"tr-{n}",
        )
        mark, since = ctx.journal.mark(), world.sink.mark()
        await ctx.within(
            execution_client.submit_order(SubmitOrder(order=order, ts_init=1)), f"submit {order_type.name}"
        )
        first = await world.event(
            (OrderAccepted, OrderFilled), order.client_order_id, since=since, what=f"{order_type.name} taken"
        )
        creates = wire.creates(ctx, mark)
        if len(creates) != 1:
            problems.append(f"create {order_type.name}: {len(creates)} requests")
            continue
        problems += _create_problems(wire, order, creates[0].json())
        if changed is None:
            continue  # a market order is done at once: nothing to amend or cancel
        venue_id = first.venue_order_id
        if amend:
            mark, since = ctx.journal.mark(), world.sink.mark()
            change = {"quantity": world.qty(LIN, "0.02"), changed: world.price(LIN, new_value)}
            command = ModifyOrder(
                instrument_id=order.instrument_id,
                client_order_id=None,
                venue_order_id=venue_id,
                ts_init=1,
                **change,
            )
            what = f"modify {order_type.name}"
            await ctx.within(execution_client.modify_order(command), f"{what} returns")
            await world.event(OrderUpdated, order.client_order_id, since=since, what=f"{what}: OrderUpdated")
            amends = wire.posts(ctx, wire.amend, mark)
            if len(amends) != 1:
                problems.append(f"{what}: {len(amends)} requests")
            else:
                body = amends[0].json()
                problems += _ids_problems(what, wire, body, None, venue_id)
                _field(problems, what, body, wire.f_qty, Decimal("0.02"))
                for name, field in ((wire.f_price, "price"), (wire.f_trigger, "trigger_price")):
                    _field(problems, what, body, name, Decimal(new_value) if field == changed else None)
        # Cancel by the client id, then the next one by the venue id.
        by_client = n % 2 == 1
        mark, since = ctx.journal.mark(), world.sink.mark()
        cancel = CancelOrder(
            instrument_id=order.instrument_id,
            client_order_id=order.client_order_id if by_client else None,
            venue_order_id=None if by_client else venue_id,
            ts_init=1,
        )
        what = f"cancel {order_type.name} by {'client' if by_client else 'venue'} id"
        await ctx.within(execution_client.cancel_order(cancel), f"{what} returns")
        await world.event(OrderCanceled, order.client_order_id, since=since, what=f"{what}: OrderCanceled")
        cancels = wire.posts(ctx, wire.cancel, mark)
        if len(cancels) != 1:
            problems.append(f"{what}: {len(cancels)} requests")
        else:
            body = cancels[0].json()
            cid = order.client_order_id.value if by_client else None
            problems += _ids_problems(what, wire, body, cid, None if by_client else venue_id)
    ctx.expect(not problems, "each command's fields on the wire, one to one", "; ".join(problems))
