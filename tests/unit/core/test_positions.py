"""Positions: signed size, average entry, realized/unrealized PnL and margin (unit level)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import Instrument, InstrumentKind, OptionKind
from simulator.core.positions import OPTION_SHORT_MARGIN_RATE, Position

COMMON: dict[str, Any] = {"base": "BTC", "min_qty": D("0.001"), "max_qty": D("1000000")}
LINEAR = Instrument(
    symbol="BTCUSDT",
    kind=InstrumentKind.LINEAR_PERPETUAL,
    quote="USDT",
    settle="USDT",
    tick_size=D("0.10"),
    lot_size=D("0.001"),
    **COMMON,
)
INVERSE = Instrument(
    symbol="BTCUSD",
    kind=InstrumentKind.INVERSE_PERPETUAL,
    quote="USD",
    settle="BTC",
    tick_size=D("0.5"),
    lot_size=D("1"),
    **COMMON,
)
CALL = Instrument(
    symbol="BTC-15NOV23-30000-C",
    kind=InstrumentKind.OPTION,
    quote="USDT",
    settle="USDT",
    tick_size=D("5"),
    lot_size=D("0.01"),
    strike=D("30000"),
    option_kind=OptionKind.CALL,
    expiry_ns=1,
    **COMMON,
)


def position(inst: Instrument = LINEAR) -> Position:
    return Position("alice", inst, 0, now_ns=7)


def test_a_new_position_is_flat() -> None:
    p = position()
    assert (p.size, p.entry_price, p.realized_pnl, p.fees_paid, p.funding) == (0, 0, 0, 0, 0)
    assert p.unrealized_pnl(D("30000")) == 0
    assert p.initial_margin(D(10), D("30000"), None) == 0
    assert p.maintenance_margin(D("30000")) == 0


def test_linear_open_add_reduce_close() -> None:
    p = position()
    assert p.apply(D("2"), D("30000")) == (0, 0)
    assert (p.size, p.entry_price) == (D("2"), D("30000"))
    # Add 2 @ 31000: entry (2*30000 + 2*31000) / 4 = 30500.
    assert p.apply(D("2"), D("31000")) == (0, 0)
    assert (p.size, p.entry_price) == (D("4"), D("30500"))
    # Sell 1 @ 32000: realize 1 * (32000 - 30500) = 1500, entry unchanged.
    assert p.apply(D("-1"), D("32000")) == (D("1500"), D("1"))
    assert (p.size, p.entry_price, p.realized_pnl) == (D("3"), D("30500"), D("1500"))
    # Sell 3 @ 30000: realize 3 * (30000 - 30500) = -1500; flat, entry reset.
    assert p.apply(D("-3"), D("30000")) == (D("-1500"), D("3"))
    assert (p.size, p.entry_price, p.realized_pnl) == (0, 0, 0)


def test_linear_flip_realizes_the_closed_part_and_reopens_at_the_fill_price() -> None:
    p = position()
    p.apply(D("2"), D("30000"))
    # Sell 5 @ 31000: closes 2 (realize 2 * 1000 = 2000) and opens a short of 3 @ 31000.
    assert p.apply(D("-5"), D("31000")) == (D("2000"), D("2"))
    assert (p.size, p.entry_price) == (D("-3"), D("31000"))
    # The short gains when the price falls: 3 * (31000 - 30000) = 3000.
    assert p.unrealized_pnl(D("30000")) == D("3000")


def test_short_pnl_signs() -> None:
    p = position()
    p.apply(D("-1"), D("30000"))
    assert p.unrealized_pnl(D("31000")) == D("-1000")
    assert p.apply(D("0.5"), D("29000")) == (D("500"), D("0.5"))  # 0.5 * (30000 - 29000)


def test_inverse_pnl_and_harmonic_entry() -> None:
    p = position(INVERSE)
    p.apply(D("3000"), D("30000"))
    # Long 3000 contracts @ 30000, mark 31000: 3000 * (1/30000 - 1/31000) BTC.
    expected = D(3000) * (D(1) / D(30000) - D(1) / D(31000))
    assert p.unrealized_pnl(D("31000")) == expected
    # Add 1000 @ 40000: entry 4000 / (3000/30000 + 1000/40000) = 4000 / 0.125 = 32000.
    p.apply(D("1000"), D("40000"))
    assert p.entry_price == D("32000")
    # Close all @ 32000: nothing realized.
    realized, closed = p.apply(D("-4000"), D("32000"))
    assert (realized, closed, p.size) == (0, D("4000"), 0)


def test_unrealized_pnl_needs_a_mark() -> None:
    p = position()
    p.apply(D("1"), D("30000"))
    assert p.unrealized_pnl(None) == 0


def test_futures_margin_is_entry_value_over_leverage() -> None:
    p = position()
    p.apply(D("2"), D("30000"))
    # 60000 / 10 = 6000, whatever the mark.
    assert p.initial_margin(D(10), D("35000"), None) == D("6000")
    # Maintenance: value at mark * 0.5% = 70000 * 0.005 = 350; at entry without a mark 300.
    assert p.maintenance_margin(D("35000")) == D("350")
    assert p.maintenance_margin(None) == D("300")


def test_inverse_margin_is_in_the_base_coin() -> None:
    p = position(INVERSE)
    p.apply(D("-3000"), D("30000"))
    assert p.initial_margin(D(10), D("30000"), None) == D("0.01")  # 3000/30000/10


@pytest.mark.parametrize(
    ("size", "mark", "index", "expected"),
    [
        # Long options hold no margin: the premium was paid in full.
        (D("1"), D("500"), D("30000"), D(0)),
        # Short 1 call: mark premium 500 + 10% of index 31000 = 3600.
        (D("-1"), D("500"), D("31000"), D("3600")),
        # Without a mark the entry premium (400), without an index the strike (30000): 400 + 3000.
        (D("-1"), None, None, D("3400")),
    ],
)
def test_option_margin(size: D, mark: D | None, index: D | None, expected: D) -> None:
    p = position(CALL)
    p.apply(size, D("400"))
    assert D("0.1") == OPTION_SHORT_MARGIN_RATE
    assert p.initial_margin(D(10), mark, index) == expected


def test_view_reports_everything() -> None:
    p = position()
    p.apply(D("1"), D("30000"))
    p.take_profit = D("32000")
    view = p.view(D(5), D("30500"), D("30400"))
    assert view.instrument_id == "linear:BTCUSDT"
    assert (view.size, view.entry_price, view.leverage) == (D("1"), D("30000"), D(5))
    assert (view.mark_price, view.unrealized_pnl) == (D("30500"), D("500"))
    assert view.initial_margin == D("6000")  # 30000 / 5
    assert view.maintenance_margin == D("152.5")  # 30500 * 0.005
    assert (view.take_profit, view.stop_loss) == (D("32000"), None)
    assert view.value == D("30000")
    assert (view.created_ns, view.updated_ns) == (7, 7)
    assert position().view(D(10), None, None).value == 0
