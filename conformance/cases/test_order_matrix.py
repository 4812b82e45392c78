"""Group 9, the order matrix and local denials: O-04, O-09, O-15, O-22.

O-15 is generated from the adapter's own declaration: every order type x TIF x flag the model can
express is built; what the capabilities claim must reach the venue as one create with the mapped
fields, what they do not claim must be ``OrderDenied`` (naming the feature, before any
``OrderSubmitted``) with zero wire traffic, proven with a barrier (a REST read on the same client
after the denials: anything the denials had sent would be in the journal before it).
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from adapters.contract import Flag, Product
from adapters.model.commands import SubmitOrder
from adapters.model.enums import OrderSide, OrderType, TimeInForce
from adapters.model.errors import ModelValueError
from adapters.model.events import OrderAccepted, OrderDenied, OrderExpired
from adapters.model.orders import Order
from conformance.cases._wire import OrderWire, wire_of
from conformance.cases._world import WORLD, World
from conformance.harness.barrier import assert_nothing
from conformance.harness.context import CaseContext
from conformance.harness.registry import Requirement, case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch
from simulator.server.journal import HttpEntry

LIN = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"

ORDER_TYPES = (
    OrderType.MARKET,
    OrderType.LIMIT,
    OrderType.STOP_MARKET,
    OrderType.STOP_LIMIT,
    OrderType.MARKET_TO_LIMIT,
    OrderType.MARKET_IF_TOUCHED,
    OrderType.LIMIT_IF_TOUCHED,
    OrderType.TRAILING_STOP_MARKET,
    OrderType.TRAILING_STOP_LIMIT,
)
TIFS = (
    TimeInForce.GTC,
    TimeInForce.IOC,
    TimeInForce.FOK,
    TimeInForce.GTD,
    TimeInForce.DAY,
    TimeInForce.AT_THE_OPEN,
    TimeInForce.AT_THE_CLOSE,
)
FLAGS: tuple[tuple[Flag, ...], ...] = ((), (Flag.POST_ONLY,), (Flag.REDUCE_ONLY,), (Flag.DISPLAY_QTY,))
_PRICED = {OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED, OrderType.TRAILING_STOP_LIMIT}
_TRIGGERED = {
    OrderType.STOP_MARKET,
    OrderType.STOP_LIMIT,
    OrderType.MARKET_IF_TOUCHED,
    OrderType.LIMIT_IF_TOUCHED,
    OrderType.TRAILING_STOP_MARKET,
    OrderType.TRAILING_STOP_LIMIT,
}
#: Far from the world's LIN last price (100): nothing in the matrix trades or triggers.
_BUY_LIMIT, _STOP_BUY, _TOUCH_BUY = "90.0", "130.0", "80.0"
_FAR_FUTURE_NS = 4_000_000_000_000_000_000


def _shape(
    world: World, n: int, order_type: OrderType, tif: TimeInForce, flags: tuple[Flag, ...]
) -> Order | None:
    """The matrix order for one combination, or None when the model itself refuses the shape."""
    kwargs: dict[str, Any] = {
        "time_in_force": tif,
        "post_only": Flag.POST_ONLY in flags,
        "reduce_only": Flag.REDUCE_ONLY in flags,
        "cid": f"mx-{n}",
    }
    if Flag.DISPLAY_QTY in flags:
        kwargs["display_qty"] = world.qty(LIN, "0.001")
    if tif is TimeInForce.GTD:
        kwargs["expire_time_ns"] = _FAR_FUTURE_NS
    if order_type in _PRICED or order_type is OrderType.MARKET_TO_LIMIT:
        kwargs["price"] = _BUY_LIMIT if order_type in _PRICED else None
    if order_type in _TRIGGERED:
        stop = order_type in (OrderType.STOP_MARKET, OrderType.STOP_LIMIT) or "TRAILING" in order_type.name
        kwargs["trigger_price"] = _STOP_BUY if stop else _TOUCH_BUY
    try:
        return world.order(LIN, OrderSide.BUY, order_type, "0.01", **kwargs)
    except ModelValueError:
        return None


def _declared(caps: Any, order: Order, flags: tuple[Flag, ...]) -> bool:
    trigger = order.trigger_type if order.order_type in _TRIGGERED else None
    return bool(
        caps.supports(
            product=Product.LINEAR,
            order_type=order.order_type,
            time_in_force=order.time_in_force,
            trigger_type=trigger,
            flags=flags,
        )
    )


def _wire_problems(wire: OrderWire, order: Order, body: dict[str, Any]) -> list[str]:
    """How a create body differs from the order (empty: it carries the mapped fields)."""
    problems = []
    expect = {
        wire.f_side: wire.sides[order.order_side],
        wire.f_type: wire.types.get(order.order_type),
        wire.f_cid: order.client_order_id.value,
        wire.f_tif: wire.post_only_tif if order.post_only else wire.tifs.get(order.time_in_force),
    }
    for name, value in expect.items():
        if body.get(name) != value:
            problems.append(f"{name}={body.get(name)!r} (want {value!r})")
    if wire.number(body, wire.f_qty) != order.quantity.as_decimal():
        problems.append(f"{wire.f_qty}={body.get(wire.f_qty)!r} (want {order.quantity})")
    want_price = order.price.as_decimal() if order.price is not None else None
    if wire.number(body, wire.f_price) != want_price:
        problems.append(f"{wire.f_price}={body.get(wire.f_price)!r} (want {want_price})")
    want_trigger = order.trigger_price.as_decimal() if order.trigger_price is not None else None
    if wire.number(body, wire.f_trigger) != want_trigger:
        problems.append(f"{wire.f_trigger}={body.get(wire.f_trigger)!r} (want {want_trigger})")
    if bool(body.get(wire.f_reduce_only)) != order.reduce_only:
        problems.append(f"{wire.f_reduce_only}={body.get(wire.f_reduce_only)!r} (want {order.reduce_only})")
    return problems


def _names_feature(reason: str, caps: Any, order: Order, flags: tuple[Flag, ...]) -> bool:
    """Whether a denial reason names what is unsupported (the declaration's words, or the name)."""
    found = caps.unsupported(
        product=Product.LINEAR,
        order_type=order.order_type,
        time_in_force=order.time_in_force,
        trigger_type=order.trigger_type if order.order_type in _TRIGGERED else None,
        flags=flags,
    )
    if found is None:
        return bool(reason)
    key, text = found
    return text in reason or key.rpartition(":")[2] in reason or key in reason


async def _barrier(world: World) -> int:
    """A REST read on the execution client; returns its journal seq (the window's upper end)."""
    ctx = world.ctx
    mark = ctx.journal.mark()
    execution = world.built.execution
    assert execution is not None
    await ctx.within(
        execution.generate_order_status_reports(world.instrument(LIN).instrument_id, open_only=True),
        "a sentinel order-status read returns",
    )
    wire = wire_of(ctx.adapter.dialect)
    entry = await ctx.wait_journal(
        HttpMatch("GET", wire.open_orders), "the sentinel read reaches the venue", since=mark
    )
    return int(entry.seq)


def _no_order_traffic(world: World, since: int, until: int, expected: str) -> None:
    wire = wire_of(world.ctx.adapter.dialect)
    routes = set(wire.order_routes())
    assert_nothing(
        world.ctx,
        lambda e: isinstance(e, HttpEntry) and e.path in routes,
        since=since,
        until=until,
        expected=expected,
    )


@case(
    "O-15", group="order_flow", requires=execution() & product(Product.LINEAR), simulator=WORLD, timeout_s=40
)
async def test_o15_order_matrix(ctx: CaseContext) -> None:
    """Every order type x TIF x flag on LIN agrees with the declaration: sent as mapped, or denied."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    caps = ctx.capabilities
    execution = world.built.execution
    assert execution is not None
    combos = []
    for n, (order_type, tif, flags) in enumerate(itertools.product(ORDER_TYPES, TIFS, FLAGS)):
        if Flag.POST_ONLY in flags and tif is not TimeInForce.GTC:
            continue  # post-only rests: with IOC/FOK/auction TIFs it is a contradiction
        order = _shape(world, n, order_type, tif, flags)
        if order is not None:
            combos.append((order, flags, _declared(caps, order, flags)))
    ctx.notes.append(
        f"O-15 matrix: {len(combos)} combinations, {sum(c[2] for c in combos)} declared supported"
    )

    # Unsupported first, then the barrier: zero order traffic in between.
    mark, since = ctx.journal.mark(), world.sink.mark()
    problems: list[str] = []
    for order, flags, supported in combos:
        if supported:
            continue
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
        cid = order.client_order_id
        names = world.names(cid, since)
        label = f"{order.order_type.name}/{order.time_in_force.name}/{'+'.join(f.name for f in flags) or '-'}"
        if names != ["OrderDenied"]:
            problems.append(f"{label}: {names or 'nothing'} (want OrderDenied only)")
            continue
        reason = world.events(OrderDenied, cid, since)[0].reason
        if not _names_feature(reason, caps, order, flags):
            problems.append(f"{label}: reason {reason!r} does not name the feature")
    until = await _barrier(world)
    _no_order_traffic(world, mark, until, "no order request for an unsupported combination")
    ctx.expect(
        not problems, "every unsupported combination denied, naming the feature", "; ".join(problems[:10])
    )

    # Declared combinations go out together (the venue's order quota is raised in the scenario);
    # each is matched to its create by the client order id it carries.
    declared = [(order, flags) for order, flags, supported in combos if supported]
    mark, since = ctx.journal.mark(), world.sink.mark()
    await ctx.within(
        asyncio.gather(*(execution.submit_order(SubmitOrder(order=o, ts_init=1)) for o, _ in declared)),
        "every declared submit returns",
        timeout=20.0,
    )
    by_cid: dict[str, list[dict[str, Any]]] = {}
    for entry in wire.creates(ctx, mark):
        body = entry.json()
        by_cid.setdefault(str(body.get(wire.f_cid)), []).append(body)
    for order, flags in declared:
        label = f"{order.order_type.name}/{order.time_in_force.name}/{'+'.join(f.name for f in flags) or '-'}"
        creates = by_cid.get(order.client_order_id.value, [])
        if len(creates) != 1:
            problems.append(f"{label}: {len(creates)} create requests (want 1)")
            continue
        problems.extend(f"{label}: {p}" for p in _wire_problems(wire, order, creates[0]))
        if world.events(OrderDenied, order.client_order_id, since):
            problems.append(f"{label}: denied although declared supported")
    ctx.expect(
        not problems, "every declared combination sent once with the mapped fields", "; ".join(problems[:10])
    )


def _claims_product(member: Product) -> Requirement:
    return execution() & product(member)


@case("O-04", group="order_flow", requires=_claims_product(Product.LINEAR), simulator=WORLD)
async def test_o04_market_ioc_fok_quote_qty(ctx: CaseContext) -> None:
    """MARKET with IOC and FOK maps the TIF; quote quantity is sent as the quote unit where declared,
    and denied with zero traffic where not."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    caps = ctx.capabilities
    execution = world.built.execution
    assert execution is not None
    world.set_book(LIN, asks=[("100.0", "5")])
    for tif in (TimeInForce.IOC, TimeInForce.FOK):
        if not caps.supports(product=Product.LINEAR, order_type=OrderType.MARKET, time_in_force=tif):
            continue
        mark = ctx.journal.mark()
        order = world.order(LIN, OrderSide.BUY, OrderType.MARKET, "0.1", time_in_force=tif)
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
        creates = wire.creates(ctx, mark)
        ctx.expect(len(creates) == 1, f"one create for MARKET {tif.name}", f"{len(creates)}")
        body = creates[0].json()
        ctx.expect(body.get(wire.f_tif) == wire.tifs[tif], f"timeInForce {wire.tifs[tif]}", f"body {body}")
    for ref, member in ((SPOT, Product.SPOT), (LIN, Product.LINEAR)):
        if member not in caps.products:
            continue
        world.set_book(ref, asks=[("100.0" if ref == LIN else "100.00", "50")])
        mark, since = ctx.journal.mark(), world.sink.mark()
        order = world.order(ref, OrderSide.BUY, OrderType.MARKET, "10", quote_quantity=True)
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
        declared = caps.supports(product=member, order_type=OrderType.MARKET, flags=[Flag.QUOTE_QUANTITY])
        if declared:
            creates = wire.creates(ctx, mark)
            ctx.expect(
                len(creates) == 1, f"{member.name}: one create for a quote-quantity buy", f"{len(creates)}"
            )
            body = creates[0].json()
            ctx.expect(
                body.get(wire.f_market_unit) == wire.quote_unit,
                f"{member.name}: {wire.f_market_unit}={wire.quote_unit}",
                f"body {body}",
            )
        else:
            until = await _barrier(world)
            ctx.expect(
                world.names(order.client_order_id, since) == ["OrderDenied"],
                f"{member.name}: OrderDenied for an undeclared quote quantity",
                world.names(order.client_order_id, since),
            )
            _no_order_traffic(world, mark, until, f"{member.name}: nothing sent for a denied quote quantity")
    # The quote-unit flag is only sent when asked for.
    mark = ctx.journal.mark()
    plain = world.order(SPOT, OrderSide.BUY, OrderType.MARKET, "0.01")
    await ctx.within(execution.submit_order(SubmitOrder(order=plain, ts_init=1)), "submit_order returns")
    body = wire.creates(ctx, mark)[0].json()
    ctx.expect(
        body.get(wire.f_market_unit) != wire.quote_unit, "no quote unit on a base-quantity order", f"{body}"
    )


@case("O-09", group="order_flow", requires=_claims_product(Product.LINEAR), simulator=WORLD)
async def test_o09_gtd_and_day(ctx: CaseContext) -> None:
    """GTD and DAY: expire at their time where declared; denied with zero traffic where not."""
    world = await World.open(ctx)
    caps = ctx.capabilities
    execution = world.built.execution
    assert execution is not None
    now_ns = ctx.sim.clock.now_ns()
    for tif in (TimeInForce.GTD, TimeInForce.DAY):
        mark, since = ctx.journal.mark(), world.sink.mark()
        extra = {"expire_time_ns": now_ns + 2_000_000_000} if tif is TimeInForce.GTD else {}
        order = world.order(
            LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0", time_in_force=tif, **extra
        )
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
        if caps.supports(product=Product.LINEAR, order_type=OrderType.LIMIT, time_in_force=tif):
            await world.event(OrderAccepted, order.client_order_id, since=since)
            if tif is TimeInForce.GTD:
                await world.event(OrderExpired, order.client_order_id, since=since, timeout=6.0)
            continue
        until = await _barrier(world)
        ctx.expect(
            world.names(order.client_order_id, since) == ["OrderDenied"],
            f"{tif.name}: OrderDenied before any OrderSubmitted",
            world.names(order.client_order_id, since),
        )
        _no_order_traffic(world, mark, until, f"no order request for an undeclared {tif.name}")


@case("O-22", group="order_flow", requires=_claims_product(Product.LINEAR), simulator=WORLD)
async def test_o22_client_order_id_rules(ctx: CaseContext) -> None:
    """An over-long or bad-charset client order id is denied locally: no request reaches the venue."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    limit = int(wire.extra.get("cid_max_len", 36))
    for label, cid in (("over-long", "x" * (limit + 1)), ("bad charset", "bad id/!")):
        mark, since = ctx.journal.mark(), world.sink.mark()
        order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0", cid=cid)
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
        until = await _barrier(world)
        names = world.names(order.client_order_id, since)
        ctx.expect(names == ["OrderDenied"], f"{label} client id: OrderDenied only", f"{names}")
        _no_order_traffic(world, mark, until, f"no order request for a {label} client order id")
    # The limit itself is allowed.
    since = world.sink.mark()
    order = world.order(
        LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0", cid="a-" + "9" * (limit - 2)
    )
    await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
    await world.event(
        OrderAccepted, order.client_order_id, since=since, what=f"a {limit}-char client id is accepted"
    )
