"""Group 9, order flow (O-01..O-08): market and limit orders, fills, cancels, IOC and FOK.

Post-only and reduce-only (O-10, O-11) live in ``test_order_options``.

Every case runs on the reference world (``scenarios/conformance/world.yaml``) with the books the
case seeds itself. Figures come from the venue: the fill the venue booked (``venue.fills``), the
position it holds and the balance it computed. The adapter's events must agree exactly, at the
instrument's precision. Wire facts (routes, field names, enum spellings) come from ``_wire``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters.contract import Flag, Product
from adapters.model.account import AccountState
from adapters.model.enums import LiquiditySide, OrderSide, OrderType, PositionSide, TimeInForce
from adapters.model.events import (
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderFilled,
    OrderRejected,
)
from adapters.model.identifiers import ClientOrderId
from adapters.model.reports import PositionStatusReport
from conformance.cases._wire import wire_of
from conformance.cases._world import ACCOUNT, WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.registry import Requirement, case
from conformance.harness.requirements import product

LIN = "linear:BTCUSDT"


def _claims(*flags: Flag, tif: TimeInForce | None = None) -> Requirement:
    def test(caps: Any) -> bool:
        return bool(caps.supports(product=Product.LINEAR, flags=flags, time_in_force=tif))

    names = [f.name for f in flags] + ([tif.name] if tif else [])
    return Requirement(f"claims {' and '.join(names) or 'LINEAR'} on LINEAR", test)


_LINEAR = product(Product.LINEAR)


def _submit(world: World, order: Any) -> Any:
    from adapters.model.commands import SubmitOrder

    assert world.built.execution is not None
    return world.built.execution.submit_order(SubmitOrder(order=order, ts_init=1))


async def _fills_then_state(
    world: World, cid: ClientOrderId, count: int, since: int = 0
) -> list[OrderFilled]:
    """Wait for ``count`` fills of ``cid``, then the account state and position that follow them."""
    for n in range(1, count + 1):
        await world.event(
            OrderFilled,
            cid,
            since=since,
            where=lambda e, n=n: len(world.events(OrderFilled, cid, since)) >= n,
        )
    return world.events(OrderFilled, cid, since)


def _check_fills(world: World, ref: str, cid: ClientOrderId, fills: list[OrderFilled]) -> None:
    """The adapter's fills of ``cid`` equal the venue's, one for one (trade id, price, qty, fee, side)."""
    ctx, instrument = world.ctx, world.instrument(ref)
    venue_fills = [
        f for f in world.venue.fills(ACCOUNT, world.core_id(ref)) if f.client_order_id == cid.value
    ]
    ctx.expect(
        len(fills) == len(venue_fills),
        f"one OrderFilled per venue fill ({len(venue_fills)})",
        f"{len(fills)} OrderFilled: {[str(f.trade_id) for f in fills]}",
    )
    by_trade = {f.trade_id: f for f in venue_fills}
    for got in fills:
        want = by_trade.get(str(got.trade_id))
        if want is None:
            raise ctx.fail(
                "every OrderFilled names a venue trade id", f"{got.trade_id} is not one of {sorted(by_trade)}"
            )
        problems = []
        if got.last_px != world.price(ref, want.price) or got.last_px.precision != instrument.price_precision:
            problems.append(
                f"last_px {got.last_px!r} != {want.price} at precision {instrument.price_precision}"
            )
        if got.last_qty != world.qty(ref, want.qty) or got.last_qty.precision != instrument.size_precision:
            problems.append(
                f"last_qty {got.last_qty!r} != {want.qty} at precision {instrument.size_precision}"
            )
        if got.commission.value != want.fee or got.commission.currency.code != want.fee_coin:
            problems.append(f"commission {got.commission} != {want.fee} {want.fee_coin}")
        side = LiquiditySide.MAKER if want.liquidity.name == "MAKER" else LiquiditySide.TAKER
        if got.liquidity_side is not side:
            problems.append(f"liquidity {got.liquidity_side.name} != {side.name}")
        if str(got.venue_order_id) != want.order_id:
            problems.append(f"venue_order_id {got.venue_order_id} != {want.order_id}")
        ctx.expect(not problems, f"fill {want.trade_id} as the venue booked it", "; ".join(problems))


async def _position(world: World, ref: str, since: int) -> PositionStatusReport:
    """The adapter's latest position report for ``ref`` once it matches the venue's position."""
    instrument = world.instrument(ref)
    venue = world.venue.position(ACCOUNT, world.core_id(ref))
    size = venue.size if venue is not None else Decimal(0)

    def matches(report: PositionStatusReport) -> bool:
        return report.instrument_id == instrument.instrument_id and report.signed_decimal_qty == size

    try:
        return await world.event(PositionStatusReport, since=since, where=matches, timeout=5.0)
    except Exception:
        seen = [
            f"{r.position_side.name} {r.quantity}"
            for r in world.events(PositionStatusReport, since=since)
            if r.instrument_id == instrument.instrument_id
        ]
        raise world.ctx.fail(
            f"a position report of {size} on {ref} (the venue's)", f"reports: {seen}"
        ) from None


async def _account(world: World, coin: str, since: int) -> AccountState:
    """The adapter's AccountState whose ``coin`` total equals the venue's wallet balance."""
    total = world.venue.balance(ACCOUNT, coin).total

    def matches(state: AccountState) -> bool:
        balance = state.balance(coin)
        return balance is not None and balance.total.value == total

    try:
        return await world.event(AccountState, since=since, where=matches)
    except Exception:
        seen = [
            str(s.balance(coin).total) for s in world.events(AccountState, since=since) if s.balance(coin)
        ]
        raise world.ctx.fail(
            f"an AccountState with {coin} total {total} (the venue's)", f"totals {seen}"
        ) from None


@case("O-01", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o01_market_buy(ctx: CaseContext) -> None:
    """MARKET BUY 1 against ask 100 x 10: one create, Submitted, Accepted, one Filled."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    world.set_book(LIN, asks=[("100.0", "10")])
    mark, since = ctx.journal.mark(), world.sink.mark()
    order = world.order(LIN, OrderSide.BUY, OrderType.MARKET, "1")
    await ctx.within(_submit(world, order), "submit_order returns")
    cid = order.client_order_id
    (fill,) = await _fills_then_state(world, cid, 1, since)
    creates = wire.creates(ctx, mark)
    ctx.expect(len(creates) == 1, "exactly one create request", f"{len(creates)} create requests")
    body = creates[0].json()
    ctx.expect(
        (body.get(wire.f_side), body.get(wire.f_type), wire.number(body, wire.f_qty), body.get(wire.f_cid))
        == (wire.sides[OrderSide.BUY], wire.types[OrderType.MARKET], Decimal(1), cid.value)
        and body.get(wire.f_price) in (None, ""),
        "side Buy, type Market, qty 1, client id, no price",
        f"body {body}",
    )
    names = world.names(cid, since)
    ctx.expect(
        names[:3] == ["OrderSubmitted", "OrderAccepted", "OrderFilled"],
        "Submitted -> Accepted -> Filled",
        f"{names}",
    )
    accepted = world.events(OrderAccepted, cid, since)[0]
    venue_order = world.venue.order_history(ACCOUNT, world.core_id(LIN))[-1]
    ctx.expect(
        str(accepted.venue_order_id) == venue_order.order_id,
        "Accepted carries the venue's order id",
        f"{accepted.venue_order_id} vs {venue_order.order_id}",
    )
    _check_fills(world, LIN, cid, [fill])
    report = await _position(world, LIN, since)
    venue_position = world.venue.position(ACCOUNT, world.core_id(LIN))
    ctx.expect(
        report.position_side is PositionSide.LONG and report.avg_px_open == venue_position.entry_price,
        f"position LONG {venue_position.size} @ {venue_position.entry_price}",
        f"{report.position_side.name} {report.quantity} @ {report.avg_px_open}",
    )
    state = await _account(world, "USDT", since)
    balance = state.balance("USDT")
    assert balance is not None
    ctx.expect(
        balance.total.value + balance.locked.value * 0 == world.venue.balance(ACCOUNT, "USDT").total,
        "USDT total = venue wallet balance (10 000 - fee)",
        f"{balance.total}",
    )
    # Exactly one fill: the account state above came after the fill on the same stream, and a REST
    # read of fills (the other path a duplicate could come from) adds nothing.
    await ctx.within(world.built.execution.generate_fill_reports(), "generate_fill_reports returns")
    ctx.expect(
        len(world.events(OrderFilled, cid, since)) == 1, "exactly one OrderFilled", world.names(cid, since)
    )


@case("O-02", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o02_market_sell_closes(ctx: CaseContext) -> None:
    """From LONG 1 @ 100 with bid 110: MARKET SELL 1 fills @ 110, the position goes FLAT, PnL booked."""
    world = await World.open(ctx)
    core = world.core_id(LIN)
    world.venue.seed_position(ACCOUNT, core, "1", "100")
    world.set_book(LIN, bids=[("110.0", "5")])
    since = world.sink.mark()
    order = world.order(LIN, OrderSide.SELL, OrderType.MARKET, "1")
    await ctx.within(_submit(world, order), "submit_order returns")
    fills = await _fills_then_state(world, order.client_order_id, 1, since)
    _check_fills(world, LIN, order.client_order_id, fills)
    report = await _position(world, LIN, since)
    ctx.expect(report.position_side is PositionSide.FLAT, "position FLAT", f"{report.position_side.name}")
    venue_fill = world.venue.fills(ACCOUNT, core)[-1]
    ctx.expect(
        venue_fill.realized_pnl == Decimal(10),
        "the venue realised 10 USDT before fees",
        f"{venue_fill.realized_pnl}",
    )
    await _account(world, "USDT", since)


@case("O-03", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o03_market_sweeps_levels(ctx: CaseContext) -> None:
    """MARKET BUY 1 against asks 100 x 0.4 and 100.6 x 0.6: one create, two fills, commission each."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    world.set_book(LIN, asks=[("100.0", "0.4"), ("101.0", "0.6")])
    mark, since = ctx.journal.mark(), world.sink.mark()
    order = world.order(LIN, OrderSide.BUY, OrderType.MARKET, "1")
    await ctx.within(_submit(world, order), "submit_order returns")
    fills = await _fills_then_state(world, order.client_order_id, 2, since)
    ctx.expect(len(wire.creates(ctx, mark)) == 1, "one create", f"{len(wire.creates(ctx, mark))}")
    _check_fills(world, LIN, order.client_order_id, fills)
    total = sum((f.last_qty.as_decimal() for f in fills), Decimal(0))
    avg = sum((f.last_qty.as_decimal() * f.last_px.as_decimal() for f in fills), Decimal(0)) / total
    ctx.expect(total == 1 and avg == Decimal("100.6"), "cumulative 1, average 100.6", f"{total} @ {avg}")
    report = await _position(world, LIN, since)
    ctx.expect(report.avg_px_open == Decimal("100.6"), "position avg_px_open 100.6", f"{report.avg_px_open}")


@case("O-05", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o05_limit_gtc_acknowledged(ctx: CaseContext) -> None:
    """LIMIT BUY and SELL away from the touch: GTC creates at the tick; Accepted with the venue's ids."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    for side, price in ((OrderSide.BUY, "95.0"), (OrderSide.SELL, "105.0")):
        mark, since = ctx.journal.mark(), world.sink.mark()
        order = world.order(LIN, side, OrderType.LIMIT, "0.5", price=price)
        await ctx.within(_submit(world, order), "submit_order returns")
        accepted = await world.event(OrderAccepted, order.client_order_id, since=since)
        (create,) = wire.creates(ctx, mark) or [None]
        ctx.expect(create is not None, "one create request", "none")
        body = create.json()
        ctx.expect(
            body.get(wire.f_side) == wire.sides[side]
            and wire.number(body, wire.f_price) == Decimal(price)
            and body.get(wire.f_tif) in (wire.tifs[TimeInForce.GTC], None)
            and body.get(wire.f_cid) == order.client_order_id.value,
            f"{side.name} limit {price} GTC with the client id",
            f"body {body}",
        )
        venue_order = world.venue.order(ACCOUNT, str(accepted.venue_order_id))
        ctx.expect(
            venue_order.client_order_id == order.client_order_id.value and venue_order.status.name == "NEW",
            "the venue holds the order under that venue id",
            f"{venue_order}",
        )
        ctx.expect(
            world.names(order.client_order_id, since)[:2] == ["OrderSubmitted", "OrderAccepted"],
            "Submitted -> Accepted",
            world.names(order.client_order_id, since),
        )


@case("O-06", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o06_partial_fills_and_cancel(ctx: CaseContext) -> None:
    """BUY 1 @ 100.5 takes 0.4 @ 100.0, rests, then fills 0.6 @ 100.5 as maker: PARTIALLY_FILLED
    then FILLED with the venue's weighted average; another fills 0.3 and is canceled."""
    from adapters.model.commands import CancelOrder

    world = await World.open(ctx)
    execution = world.built.execution
    assert execution is not None
    inst = world.instrument(LIN).instrument_id
    world.set_book(LIN, asks=[("100.0", "0.4"), ("102.0", "5")])
    since = world.sink.mark()
    first = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "1", price="100.5")
    await ctx.within(_submit(world, first), "submit_order returns")
    await _fills_then_state(world, first.client_order_id, 1, since)
    partial = await ctx.within(
        execution.generate_order_status_report(inst, first.client_order_id), "the order's status report"
    )
    ctx.expect(
        partial is not None
        and partial.order_status.name == "PARTIALLY_FILLED"
        and partial.leaves_qty == Decimal("0.6")
        and partial.avg_px == Decimal("100.0"),
        "PARTIALLY_FILLED, leaves 0.6, avg_px 100.0",
        f"{partial}",
    )
    world.trade_against(LIN, "SELL", "0.6")
    fills = await _fills_then_state(world, first.client_order_id, 2, since)
    _check_fills(world, LIN, first.client_order_id, fills)
    ctx.expect(
        fills[-1].liquidity_side is LiquiditySide.MAKER,
        "the resting part fills as MAKER",
        fills[-1].liquidity_side.name,
    )
    venue_order = world.venue.order(ACCOUNT, str(fills[0].venue_order_id))
    venue_avg = venue_order.cum_value / venue_order.filled_qty
    report = await ctx.within(
        execution.generate_order_status_report(inst, first.client_order_id), "the order's status report"
    )
    ctx.expect(
        report is not None and report.order_status.name == "FILLED" and report.avg_px == venue_avg,
        f"FILLED, avg_px {venue_avg} (the venue's weighted average)",
        f"{report}",
    )

    since = world.sink.mark()
    second = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "1", price="99.5")
    await ctx.within(_submit(world, second), "submit_order returns")
    await world.event(OrderAccepted, second.client_order_id, since=since)
    world.trade_against(LIN, "SELL", "0.3")
    await _fills_then_state(world, second.client_order_id, 1, since)
    await ctx.within(
        world.built.execution.cancel_order(
            CancelOrder(
                instrument_id=second.instrument_id,
                client_order_id=second.client_order_id,
                venue_order_id=None,
                ts_init=1,
            )
        ),
        "cancel_order returns",
    )
    await world.event(OrderCanceled, second.client_order_id, since=since)
    names = world.names(second.client_order_id, since)
    ctx.expect(
        names == ["OrderSubmitted", "OrderAccepted", "OrderFilled", "OrderCanceled"],
        "Submitted, Accepted, Filled(0.3), Canceled",
        names,
    )
    position = await _position(world, LIN, since)
    ctx.expect(
        position.quantity.as_decimal() == Decimal("1.3"), "position 1.3 (1 + 0.3)", f"{position.quantity}"
    )


async def _open_limit(world: World, side: OrderSide, price: str, qty: str = "0.1") -> tuple[Any, Any]:
    since = world.sink.mark()
    order = world.order(LIN, side, OrderType.LIMIT, qty, price=price)
    await world.ctx.within(_submit(world, order), "submit_order returns")
    accepted = await world.event(OrderAccepted, order.client_order_id, since=since)
    return order, accepted


@case("O-07", group="order_flow", requires=_LINEAR, simulator=WORLD)
async def test_o07_cancel_by_either_id(ctx: CaseContext) -> None:
    """Cancel one order by client id only and one by venue id only: each request carries that id alone."""
    from adapters.model.commands import CancelOrder

    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    by_client, _ = await _open_limit(world, OrderSide.BUY, "95.0")
    by_venue, accepted = await _open_limit(world, OrderSide.BUY, "94.0")
    for order, command, field, value in (
        (
            by_client,
            CancelOrder(
                instrument_id=by_client.instrument_id,
                client_order_id=by_client.client_order_id,
                venue_order_id=None,
                ts_init=1,
            ),
            wire.f_cid,
            by_client.client_order_id.value,
        ),
        (
            by_venue,
            CancelOrder(
                instrument_id=by_venue.instrument_id,
                client_order_id=None,
                venue_order_id=accepted.venue_order_id,
                ts_init=1,
            ),
            wire.f_vid,
            str(accepted.venue_order_id),
        ),
    ):
        mark, since = ctx.journal.mark(), world.sink.mark()
        await ctx.within(world.built.execution.cancel_order(command), "cancel_order returns")
        await world.event(OrderCanceled, order.client_order_id, since=since)
        cancels = wire.posts(ctx, wire.cancel, mark)
        ctx.expect(len(cancels) == 1, "one cancel request", f"{len(cancels)}")
        body = cancels[0].json()
        other = wire.f_vid if field == wire.f_cid else wire.f_cid
        ctx.expect(
            body.get(field) == value and body.get(other) in (None, ""),
            f"the cancel names {field}={value} and only it",
            f"body {body}",
        )
    ctx.expect(
        not world.venue.open_orders(ACCOUNT),
        "no open orders left at the venue",
        world.venue.open_orders(ACCOUNT),
    )


@case(
    "O-08",
    group="order_flow",
    requires=_claims(tif=TimeInForce.IOC) & _claims(tif=TimeInForce.FOK),
    simulator=WORLD,
)
async def test_o08_ioc_fok(ctx: CaseContext) -> None:
    """IOC crossing fills and cancels the rest; passive IOC ends with no fill; FOK all or nothing."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    world.set_book(LIN, asks=[("100.0", "0.5"), ("101.0", "2")])
    terminal = (OrderCanceled, OrderExpired)
    for label, tif, price, qty, filled in (
        ("IOC crossing", TimeInForce.IOC, "100.0", "1", Decimal("0.5")),
        ("IOC passive", TimeInForce.IOC, "98.0", "1", Decimal(0)),
        ("FOK short", TimeInForce.FOK, "101.0", "20", Decimal(0)),
        ("FOK full", TimeInForce.FOK, "101.0", "1", Decimal(1)),
    ):
        mark, since = ctx.journal.mark(), world.sink.mark()
        order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, qty, price=price, time_in_force=tif)
        await ctx.within(_submit(world, order), "submit_order returns")
        cid = order.client_order_id
        if filled == Decimal(qty):
            await world.event(
                OrderFilled,
                cid,
                since=since,
                where=lambda e, cid=cid, s=since, q=qty: (
                    sum(f.last_qty.as_decimal() for f in world.events(OrderFilled, cid, s)) == Decimal(q)
                ),
            )
        else:
            await world.event(terminal, cid, since=since, what=f"{label}: the rest canceled or expired")
        got = sum((f.last_qty.as_decimal() for f in world.events(OrderFilled, cid, since)), Decimal(0))
        ctx.expect(
            got == filled, f"{label}: filled {filled}", f"filled {got}; events {world.names(cid, since)}"
        )
        body = wire.creates(ctx, mark)[0].json()
        ctx.expect(
            body.get(wire.f_tif) == wire.tifs[tif], f"{label}: timeInForce {wire.tifs[tif]}", f"body {body}"
        )
        ctx.expect(
            not world.events(OrderRejected, cid, since), f"{label}: not a rejection", world.names(cid, since)
        )
