"""Group 11, state management and reconciliation (RS-01..RS-09).

The venue starts from ``scenarios/conformance/reconciliation.yaml``: positions long and short on
linear and inverse contracts with marks away from entry, and orders and fills made before the
adapter connects. The adapter must report what the venue holds: every figure compared here is
read from the venue (``world.venue``), never written down in the case.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters.contract import Product
from adapters.model.account import AccountState
from adapters.model.commands import SubmitOrder
from adapters.model.enums import OrderSide, OrderStatus, OrderType, PositionSide
from adapters.model.events import OrderAccepted, OrderFilled
from adapters.model.identifiers import ClientOrderId, VenueOrderId
from adapters.model.reports import FillReport, OrderStatusReport, PositionStatusReport
from conformance.cases._wire import wire_of
from conformance.cases._world import ACCOUNT, WORLD, World, scenario
from conformance.harness.context import CaseContext
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch, HttpStatus, ResetConnection
from simulator.server.journal import HttpEntry

RECON = scenario("reconciliation")
_LINEAR = execution() & product(Product.LINEAR)
_BOTH = _LINEAR & product(Product.INVERSE)
SOL = "linear:SOLUSDT"
LIN = "linear:BTCUSDT"

_STATUS = {
    "NEW": OrderStatus.ACCEPTED,
    "PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED,
    "UNTRIGGERED": OrderStatus.ACCEPTED,
}


def _published(world: World, kind: type, until: int) -> list[Any]:
    """Reports of ``kind`` the adapter published while connecting (before ``until``)."""
    return [r.payload for r in world.sink.records[:until] if isinstance(r.payload, kind)]


def _pnl(report: PositionStatusReport, mark: Decimal, inverse: bool, multiplier: Decimal) -> Decimal:
    """Unrealised PnL from a position report at ``mark``: linear in the quote, inverse in the base."""
    qty, entry = report.signed_decimal_qty, report.avg_px_open or Decimal(0)
    if inverse:
        return qty * multiplier * (1 / entry - 1 / mark)
    return qty * multiplier * (mark - entry)


@case("RS-01", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs01_open_orders_on_connect(ctx: CaseContext) -> None:
    """Connect reports the venue's open orders before any new order goes out."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    connected = world.sink.mark()
    reports = {r.venue_order_id.value: r for r in _published(world, OrderStatusReport, connected)}
    problems = []
    for venue_order in world.venue.open_orders(ACCOUNT):
        report = reports.get(venue_order.order_id)
        label = venue_order.client_order_id
        if report is None:
            problems.append(f"{label}: no OrderStatusReport")
            continue
        inst = world.instrument(SOL)
        checks = {
            "status": (report.order_status, _STATUS[venue_order.status.name]),
            "client id": (report.client_order_id, ClientOrderId(venue_order.client_order_id)),
            "side": (report.order_side.name, venue_order.side.name),
            "quantity": (report.quantity.as_decimal(), venue_order.qty),
            "filled": (report.filled_qty.as_decimal(), venue_order.filled_qty),
            "price": (report.price.as_decimal() if report.price else None, venue_order.price),
            "trigger": (
                report.trigger_price.as_decimal() if report.trigger_price else None,
                venue_order.trigger_price,
            ),
            "instrument": (report.instrument_id, inst.instrument_id),
        }
        # The part-filled SELL's limit is 100.0 but it traded at 100.5: avg_px is the fills', not the limit.
        venue_avg = venue_order.cum_value / venue_order.filled_qty if venue_order.filled_qty else None
        if venue_avg is not None and report.avg_px != venue_avg:
            problems.append(f"{label}: avg_px {report.avg_px} != {venue_avg}")
        want_type = OrderType.STOP_MARKET if venue_order.trigger_price is not None else OrderType.LIMIT
        checks["type"] = (report.order_type, want_type)
        problems += [f"{label}: {k} {got!r} != {want!r}" for k, (got, want) in checks.items() if got != want]
    ctx.expect(
        not problems, "one report per open venue order, fields equal to the venue's", "; ".join(problems)
    )

    mark = ctx.journal.mark()
    order = world.order(SOL, OrderSide.BUY, OrderType.LIMIT, "0.1", price="91.0")
    assert world.built.execution is not None
    await ctx.within(
        world.built.execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit returns"
    )
    await world.event(OrderAccepted, order.client_order_id, since=connected)
    create = wire.creates(ctx, mark)[0]
    reads = [
        e
        for e in ctx.journal.entries(HttpEntry, None, HttpMatch("GET"))
        if e.path in (wire.open_orders, wire.fills, wire.positions)
    ]
    paths = {e.path for e in reads}
    ctx.expect(
        paths == {wire.open_orders, wire.fills, wire.positions},
        "open orders, fills and positions were queried",
        f"{sorted(paths)}",
    )
    late = [f"#{e.seq} {e.path}?{e.query}" for e in reads if e.seq > create.seq]
    ctx.expect(not late, "every reconciliation query before the first create", f"after it: {late}")


@case("RS-02", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs02_prior_fills(ctx: CaseContext) -> None:
    """Fills from before the session are reported with the venue's price, quantity and commission."""
    world = await World.open(ctx)
    connected = world.sink.mark()
    reports = {str(r.trade_id): r for r in _published(world, FillReport, connected)}
    problems = []
    venue_fills = world.venue.fills(ACCOUNT)
    for fill in venue_fills:
        got = reports.get(fill.trade_id)
        if got is None:
            problems.append(f"{fill.trade_id} ({fill.client_order_id}): no FillReport")
            continue
        if (got.last_px.as_decimal(), got.last_qty.as_decimal()) != (fill.price, fill.qty):
            problems.append(f"{fill.trade_id}: {got.last_qty} @ {got.last_px} != {fill.qty} @ {fill.price}")
        if got.commission.value != fill.fee or got.commission.currency.code != fill.fee_coin:
            problems.append(f"{fill.trade_id}: commission {got.commission} != {fill.fee} {fill.fee_coin}")
        if str(got.venue_order_id) != fill.order_id:
            problems.append(f"{fill.trade_id}: venue order {got.venue_order_id} != {fill.order_id}")
    ctx.expect(venue_fills, "the scenario has prior fills", "none")
    ctx.expect(not problems, "a FillReport per venue fill, equal to it", "; ".join(problems))
    assert world.built.execution is not None
    filled = next(f for f in venue_fills if f.client_order_id == "pre-filled")
    report = await ctx.within(
        world.built.execution.generate_order_status_report(
            world.instrument(SOL).instrument_id, venue_order_id=VenueOrderId(filled.order_id)
        ),
        "generate_order_status_report returns",
    )
    ctx.expect(
        report is not None
        and report.order_status is OrderStatus.FILLED
        and report.filled_qty.as_decimal() == filled.qty,
        "the filled order reports FILLED with its quantity",
        f"{report}",
    )


async def _positions(ctx: CaseContext, refs: tuple[str, ...], side: PositionSide) -> None:
    world = await World.open(ctx)
    connected = world.sink.mark()
    reports = _published(world, PositionStatusReport, connected)
    problems = []
    for ref in refs:
        inst = world.instrument(ref)
        venue = world.venue.position(ACCOUNT, world.core_id(ref))
        mine = [r for r in reports if r.instrument_id == inst.instrument_id]
        if not mine:
            problems.append(f"{ref}: no PositionStatusReport")
            continue
        report = mine[-1]
        if report.position_side is not side or report.signed_decimal_qty != venue.size:
            problems.append(
                f"{ref}: {report.position_side.name} {report.signed_decimal_qty} != {side.name} {venue.size}"
            )
        if report.avg_px_open != venue.entry_price:
            problems.append(f"{ref}: avg_px_open {report.avg_px_open} != {venue.entry_price}")
        # PnL at the venue's mark from what the adapter reported, vs the venue's own: within one tick.
        inverse = bool(getattr(inst, "is_inverse", False))
        mult = inst.multiplier.as_decimal()
        pnl = _pnl(report, venue.mark_price, inverse, mult)
        tick = inst.price_increment.as_decimal()
        one_tick = abs(_pnl(report, venue.mark_price + tick, inverse, mult) - pnl)
        if abs(pnl - venue.unrealized_pnl) > one_tick:
            problems.append(
                f"{ref}: PnL {pnl} from the report != venue {venue.unrealized_pnl} (tick {one_tick})"
            )
        if inverse and inst.settlement_currency.code != venue.instrument.settle:
            problems.append(f"{ref}: settles in {inst.settlement_currency} != {venue.instrument.settle}")
    ctx.expect(
        not problems, f"{side.name} positions as the venue holds them, PnL within a tick", "; ".join(problems)
    )


@case("RS-03", group="reconciliation", requires=_BOTH, simulator=RECON)
async def test_rs03_preloaded_long(ctx: CaseContext) -> None:
    """LIN long 2 @ 100 at mark 110 and INV long 1000 @ 50 000 at mark 55 000: side, qty, entry, PnL."""
    await _positions(ctx, ("linear:BTCUSDT", "inverse:BTCUSD"), PositionSide.LONG)


@case("RS-04", group="reconciliation", requires=_BOTH, simulator=RECON)
async def test_rs04_preloaded_short(ctx: CaseContext) -> None:
    """LIN short 1 @ 100 at mark 90 and INV short 1000 @ 2 000 at mark 1 800: negative qty, PnL positive."""
    await _positions(ctx, ("linear:ETHUSDT", "inverse:ETHUSD"), PositionSide.SHORT)


@case("RS-05", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs05_account_state(ctx: CaseContext) -> None:
    """Connect publishes AccountState(reported=True) with each coin's wallet balance as the venue has it."""
    world = await World.open(ctx)
    states = _published(world, AccountState, world.sink.mark())
    ctx.expect(states, "an AccountState on connect", "none")
    state = states[-1]
    ctx.expect(state.reported, "reported=True", f"{state.reported}")
    assert world.built.execution is not None
    ctx.expect(
        state.account_id == world.built.execution.account_id, "the client's account id", f"{state.account_id}"
    )
    problems = []
    for balance in world.venue.balances(ACCOUNT):
        got = state.balance(balance.coin)
        if balance.total and (got is None or got.total.value != balance.total):
            problems.append(f"{balance.coin}: {got.total if got else None} != {balance.total}")
    ctx.expect(not problems, "each coin's total equal to the venue's wallet balance", "; ".join(problems))


@case("RS-06", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs06_mass_status_lookback(ctx: CaseContext) -> None:
    """generate_mass_status(lookback_mins=L): history from now - L; holds orders, fills and positions."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    assert world.built.execution is not None
    mark = ctx.journal.mark()
    now_ms = ctx.sim.clock.now_ns() // 1_000_000
    status = await ctx.within(
        world.built.execution.generate_mass_status(lookback_mins=30), "generate_mass_status"
    )
    ctx.expect(status is not None, "an ExecutionMassStatus", "None")
    ctx.expect(
        status.order_reports and status.fill_reports and status.position_reports,
        "order, fill and position reports",
        f"{len(status.order_reports)}/{len(status.fill_reports)}/{len(status.position_reports)}",
    )
    fills = ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", wire.fills))
    starts = [int(e.query_params().get("startTime", 0)) for e in fills]
    ctx.expect(
        fills and all(abs(s - (now_ms - 30 * 60_000)) < 10_000 for s in starts),
        "fill history queried from now - 30 min",
        f"startTime offsets (s): {[(s - now_ms) / 1000 for s in starts]}",
    )
    opens = ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", wire.open_orders))
    ctx.expect(
        opens and not any("startTime" in e.query_params() for e in opens),
        "open orders queried with no lower time bound",
        f"{[e.query for e in opens]}",
    )


@case("RS-07", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs07_query_one_order(ctx: CaseContext) -> None:
    """A known order gives one report; an unknown id gives None without raising."""
    world = await World.open(ctx)
    assert world.built.execution is not None
    inst = world.instrument(SOL).instrument_id
    report = await ctx.within(
        world.built.execution.generate_order_status_report(inst, client_order_id=ClientOrderId("pre-buy")),
        "generate_order_status_report(known) returns",
    )
    venue = next(o for o in world.venue.open_orders(ACCOUNT) if o.client_order_id == "pre-buy")
    ctx.expect(
        report is not None and report.venue_order_id.value == venue.order_id, "the known order", f"{report}"
    )
    unknown = await ctx.within(
        world.built.execution.generate_order_status_report(
            inst, client_order_id=ClientOrderId("no-such-order")
        ),
        "generate_order_status_report(unknown) returns without raising",
    )
    ctx.expect(unknown is None, "None for an unknown order", f"{unknown}")


@case("RS-08", group="reconciliation", requires=_LINEAR, simulator=RECON)
async def test_rs08_report_failures_contained(ctx: CaseContext) -> None:
    """A 500 on the positions or orders route: generate_* returns [] (logged), the client keeps working."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    for route, method in (
        (wire.positions, "generate_position_status_reports"),
        (wire.open_orders, "generate_order_status_reports"),
    ):
        fault = ctx.sim.faults.arm(HttpStatus(500, body="internal error"), route=route, persistent=True)
        result = await ctx.within(getattr(execution, method)(), f"{method}() returns during a 500")
        ctx.sim.faults.clear(fault.name)
        ctx.expect(result == [], f"{method}() returns [] when the venue fails", f"{result!r}"[:200])
    reports = await ctx.within(execution.generate_position_status_reports(), "it works again after the fault")
    ctx.expect(reports, "positions reported once the venue answers", "[]")


@case("RS-09", group="reconciliation", requires=_LINEAR, simulator=WORLD)
async def test_rs09_in_flight_order_resolved(ctx: CaseContext) -> None:
    """A create whose answer is lost (OP-01) fills at once while the private stream runs late: the
    in-flight check (order status and fill reports) shows it FILLED with the venue's one fill, and the
    late stream then gives exactly one OrderFilled for it (the same trade), never a second."""
    world = await World.open(ctx)
    wire = wire_of(ctx.adapter.dialect)
    execution = world.built.execution
    assert execution is not None
    world.set_book(LIN, asks=[("100.0", "0.5")])
    # The order's pushes are held back (the adapter cannot learn the fill from the stream yet).
    held = [
        ctx.sim.faults.arm(
            {"kind": "delay_message", "seconds": 1.0}, channel="ws", op="push", topic=topic, persistent=True
        )
        for topic in (wire.extra["order_topic"], wire.extra["fill_topic"])
    ]
    ctx.sim.faults.arm(ResetConnection(phase="response"), route=wire.create, times=1)
    since = world.sink.mark()
    # A limit above the ask: it fills at the ask (100.0), not at its limit.
    order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.2", price="101.0")
    try:
        await ctx.within(execution.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order returns")
    except Exception as exc:  # a lost answer may surface; the case judges the outcome below
        ctx.notes.append(f"RS-09: submit_order raised {type(exc).__name__}: {exc}")
    for fault in held:
        fault.clear()
    venue = next(
        o for o in world.venue.order_history(ACCOUNT) if o.client_order_id == order.client_order_id.value
    )
    (venue_fill,) = [f for f in world.venue.fills(ACCOUNT) if f.order_id == venue.order_id]
    ctx.expect(venue.filled_qty == venue.qty, "the venue filled the order (case setup)", f"{venue}")

    mark = ctx.journal.mark()
    report = await ctx.within(
        execution.generate_order_status_report(order.instrument_id, client_order_id=order.client_order_id),
        "the in-flight check: generate_order_status_report(client id) returns",
    )
    ctx.expect(
        bool(ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", None))),
        "the check queries the venue for the order",
        "no request",
    )
    ctx.expect(
        report is not None
        and report.order_status is OrderStatus.FILLED
        and report.venue_order_id.value == venue.order_id
        and report.filled_qty.as_decimal() == venue.filled_qty
        and report.avg_px == venue.avg_price,
        f"a FILLED report of {venue.order_id}, {venue.filled_qty} filled at avg {venue.avg_price}",
        f"{report}",
    )
    fills = await ctx.within(
        execution.generate_fill_reports(order.instrument_id, venue_order_id=VenueOrderId(venue.order_id)),
        "generate_fill_reports(venue order id) returns",
    )
    seen = [(str(f.trade_id), f.last_qty.as_decimal(), f.last_px.as_decimal()) for f in fills]
    ctx.expect(
        seen == [(venue_fill.trade_id, venue_fill.qty, venue_fill.price)],
        f"exactly the venue's one fill {venue_fill.trade_id}: {venue_fill.qty} @ {venue_fill.price}",
        f"{seen}",
    )
    # The held pushes arrive now: one OrderFilled for that trade, and no second one up to a barrier.
    filled = await world.event(OrderFilled, order.client_order_id, since=since, timeout=5.0)
    await ctx.within(
        execution.generate_order_status_reports(order.instrument_id, open_only=True), "a barrier read returns"
    )
    events = world.events(OrderFilled, order.client_order_id, since)
    ctx.expect(
        len(events) == 1 and str(filled.trade_id) == venue_fill.trade_id,
        f"one OrderFilled, trade {venue_fill.trade_id}",
        f"{[(str(e.trade_id), str(e.last_qty)) for e in events]}",
    )
