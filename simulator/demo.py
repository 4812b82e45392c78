"""``venuekit demo``: a scripted session on the venue core, printed as tables.

It builds a small Bybit-like venue on a virtual clock (spot, linear and inverse perpetuals, a BTC
call), lets seeded synthetic flow make a market, then trades as one demo account through every
kind of thing the core does: spot settlement, linear and inverse positions, an option premium, a
post-only rejection, a stop order fired by a mark move, funding and a GTD expiry. Every figure in
the tables is the core's own computation. The same seed prints the same session.
"""

from __future__ import annotations

import argparse
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from simulator.core import (
    NS_PER_S,
    Exchange,
    FlowConfig,
    NewOrder,
    OptionKind,
    OrderType,
    SeededIds,
    Side,
    SyntheticFlow,
    TimeInForce,
    TriggerBy,
    VirtualClock,
    catalog,
)

__all__ = ["build_venue", "main", "run_session"]

ACCOUNT = "demo"
START_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z
D = Decimal


def build_venue(seed: int) -> tuple[Exchange, SyntheticFlow]:
    """A venue with four instruments, books made by synthetic flow, and a funded demo account."""
    ex = Exchange(VirtualClock(START_NS), SeededIds(seed))
    spot = catalog.btc_spot()
    linear = catalog.btc_linear_perpetual()
    inverse = catalog.btc_inverse_perpetual()
    expiry = START_NS + 85 * 86_400 * NS_PER_S
    call = catalog.btc_option("BTC-27MAR26-100000-C-USDT", 100000, OptionKind.CALL, expiry)
    ex.add_instrument(spot, last_price="90000")
    ex.add_instrument(linear, mark_price="90000", index_price="90000", funding_rate="0.0001")
    ex.add_instrument(inverse, mark_price="90000", index_price="90000", funding_rate="-0.00005")
    ex.add_instrument(call, mark_price="4200", index_price="90000")
    ex.seed_book(call.id, bids=[("4150", "5"), ("4100", "5")], asks=[("4250", "5"), ("4300", "5")])
    ex.add_account(ACCOUNT, balances={"USDT": "100000", "BTC": "1"})
    flow = SyntheticFlow(
        ex, FlowConfig(instrument_ids=(spot.id, linear.id, inverse.id), seed=seed, levels=50)
    )
    flow.start()
    ex.advance(3)
    return ex, flow


def run_session(ex: Exchange, flow: SyntheticFlow) -> list[tuple[str, str, str]]:
    """Trade as the demo account; returns ``(time, action, outcome)`` rows."""
    rows: list[tuple[str, str, str]] = []

    def clock() -> str:
        return f"+{(ex.clock.now_ns() - START_NS) / NS_PER_S:,.0f}s"

    def place(label: str, cmd: NewOrder) -> str:
        result = ex.place_order(cmd)
        if result.ok and result.order is not None:
            order = result.order
            avg = f" avg {order.avg_price:.2f}" if order.avg_price is not None else ""
            outcome = f"{order.status.value} {order.filled_qty}/{order.qty}{avg}"
        else:
            outcome = f"rejected: {result.reason.value if result.reason else '?'} ({result.message})"
        rows.append((clock(), label, outcome))
        return result.order.order_id if result.order is not None else ""

    spot, linear, inverse = "spot:BTCUSDT", "linear:BTCUSDT", "inverse:BTCUSD"
    call = "option:BTC-27MAR26-100000-C-USDT"
    place("spot market buy 0.05 BTC", NewOrder(ACCOUNT, spot, Side.BUY, OrderType.MARKET, "0.05"))
    place("linear market buy 0.5 BTC", NewOrder(ACCOUNT, linear, Side.BUY, OrderType.MARKET, "0.5"))
    place("inverse market sell 20,000 USD", NewOrder(ACCOUNT, inverse, Side.SELL, OrderType.MARKET, "20000"))
    place(
        "buy 1 call @ 4250 (takes the ask)", NewOrder(ACCOUNT, call, Side.BUY, OrderType.LIMIT, "1", "4250")
    )
    best_ask = ex.book(linear, 1).asks[0][0]
    place(
        f"post-only buy @ best ask {best_ask}",
        NewOrder(ACCOUNT, linear, Side.BUY, OrderType.LIMIT, "0.1", best_ask, post_only=True),
    )
    mark = ex.market(linear).mark_price or D(0)
    stop = (mark * D("0.98") / D("0.10")).to_integral_value() * D("0.10")
    place(
        f"stop-loss sell 0.2 if mark <= {stop}",
        NewOrder(
            ACCOUNT,
            linear,
            Side.SELL,
            OrderType.MARKET,
            "0.2",
            reduce_only=True,
            trigger_price=stop,
            trigger_by=TriggerBy.MARK,
        ),
    )
    expire = ex.clock.now_ns() + 60 * NS_PER_S
    gtd = place(
        "GTD bid 0.01 far below, expires in 60 s",
        NewOrder(
            ACCOUNT,
            spot,
            Side.BUY,
            OrderType.LIMIT,
            "0.01",
            "50000",
            time_in_force=TimeInForce.GTD,
            expire_ns=expire,
        ),
    )
    ex.advance(61)
    rows.append((clock(), "61 s of market later", f"the GTD bid is {ex.order(ACCOUNT, gtd).status.value}"))
    ex.set_mark_price(linear, stop - D("50"))
    position = ex.position(ACCOUNT, linear)
    rows.append(
        (clock(), f"mark drops to {stop - D('50')}", f"stop fired: linear position now {position.size}")
    )
    flow.stop()  # 8 h of flow every 100 ms would take a while to simulate; funding needs none
    ex.advance(8 * 3600)
    funding = ex.position(ACCOUNT, linear)
    rows.append((clock(), "8 h later (funding)", f"linear funding {funding.funding:.4f} USDT"))
    return rows


def _tables(ex: Exchange, rows: list[tuple[str, str, str]]) -> list[Table]:
    timeline = Table(title="Session", title_justify="left")
    for column in ("time", "action", "outcome"):
        timeline.add_column(column)
    for row in rows:
        timeline.add_row(*row)
    balances = Table(title=f"Balances of '{ACCOUNT}'", title_justify="left")
    for column in ("coin", "wallet", "locked", "order margin", "position margin", "upnl", "available"):
        balances.add_column(column, justify="right")
    for b in ex.balances(ACCOUNT):
        balances.add_row(
            b.coin,
            f"{b.total:.8f}",
            f"{b.locked:.8f}",
            f"{b.order_margin:.8f}",
            f"{b.position_margin:.8f}",
            f"{b.unrealized_pnl:.8f}",
            f"{b.available:.8f}",
        )
    positions = Table(title=f"Positions of '{ACCOUNT}'", title_justify="left")
    for column in ("instrument", "size", "entry", "mark", "upnl", "realized", "fees", "funding"):
        positions.add_column(column, justify="right")
    for p in ex.positions(ACCOUNT):
        positions.add_row(
            p.instrument_id,
            str(p.size),
            f"{p.entry_price:.2f}",
            str(p.mark_price),
            f"{p.unrealized_pnl:.8f}",
            f"{p.realized_pnl:.8f}",
            f"{p.fees_paid:.8f}",
            f"{p.funding:.8f}",
        )
    book = ex.book("linear:BTCUSDT", 5)
    top = Table(title=f"linear:BTCUSDT book (seq {book.seq})", title_justify="left")
    for column in ("bid qty", "bid", "ask", "ask qty"):
        top.add_column(column, justify="right")
    for (bid, bid_qty), (ask, ask_qty) in zip(book.bids, book.asks, strict=False):
        top.add_row(str(bid_qty), str(bid), str(ask), str(ask_qty))
    return [timeline, balances, positions, top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="venuekit demo", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42, help="seed of the synthetic market (default 42)")
    args = parser.parse_args(argv)
    ex, flow = build_venue(args.seed)
    rows = run_session(ex, flow)
    console = Console() if Console().is_terminal else Console(width=120)
    for table in _tables(ex, rows):
        console.print(table)
    return 0
