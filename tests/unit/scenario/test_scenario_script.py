"""The market script fires on the exchange clock, each event at its own time and not before."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import (
    NS_PER_S,
    IndexPriceChanged,
    InstrumentStatus,
    InstrumentStatusChanged,
    MarkPriceChanged,
    NewOrder,
    OrderType,
    RejectReason,
    Side,
    TradeOccurred,
)
from simulator.scenario import BuiltVenue, build_exchange, parse_scenario

START_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z

TEXT = """\
version: 1
dialect: bybit
clock: {mode: virtual, start: 2026-01-01T00:00:00Z}
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: 0.1, lot_size: 0.001,
     min_qty: 0.001, max_qty: 100, price: 30000, funding_rate: 0.0001}
  - {symbol: "BTCUSDT-{expiry_padded}", ref: fut, kind: linear_future, base: BTC, quote: USDT,
     tick_size: 0.5, lot_size: 0.001, min_qty: 0.001, max_qty: 100, price: 30100, expiry: +1d}
accounts:
  - {id: a, balances: {USDT: 100000}, positions: [{instrument: fut, size: 1, entry_price: 30000}]}
books:
  - {instrument: linear:BTCUSDT, bids: [[29999.9, 5]], asks: [[30000.1, 5]]}
script:
  - {at: 10, instrument: linear:BTCUSDT, mark_price: 29000.5, index_price: 29001}
  - {at: 20s, instrument: linear:BTCUSDT, trade: {price: 29500, qty: 0.25, side: sell}}
  - {at: 30, instrument: linear:BTCUSDT, status: halted, funding_rate: -0.0005}
  - {at: 1m, instrument: linear:BTCUSDT, status: trading}
  - {at: 2h, instrument: fut, settlement_price: 31000, status: settled}
"""


@pytest.fixture
def venue() -> BuiltVenue:
    return build_exchange(parse_scenario(TEXT))


def test_a_mark_move_fires_at_its_time_and_not_a_nanosecond_before(venue: BuiltVenue) -> None:
    ex = venue.exchange
    market = ex.market("linear:BTCUSDT")
    assert ex.clock.now_ns() == START_NS
    assert ex.advance(D("9.999999999")) == []
    assert market.mark_price == D(30000)
    events = ex.advance(D("0.000000001"))
    assert [type(e) for e in events if not type(e).__name__.startswith("Balance")] == [
        IndexPriceChanged,
        MarkPriceChanged,
    ]
    assert all(e.ts_ns == START_NS + 10 * NS_PER_S for e in events)
    assert market.mark_price == D("29000.5") and market.index_price == D(29001)


def test_a_scripted_trade_prints_at_its_time(venue: BuiltVenue) -> None:
    ex = venue.exchange
    ex.advance(19)
    assert ex.market("linear:BTCUSDT").last_price == D(30000)
    events = ex.advance(1)
    (trade,) = [e for e in events if isinstance(e, TradeOccurred)]
    assert (trade.price, trade.qty, trade.aggressor) == (D(29500), D("0.25"), Side.SELL)
    assert trade.ts_ns == START_NS + 20 * NS_PER_S
    assert ex.market("linear:BTCUSDT").last_price == D(29500)
    # The trade joined the timer's command boundary; later commands get their own again.
    assert ex.place_order(NewOrder("a", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.001", "29000")).events


def test_a_halt_and_a_resume_and_a_funding_rate_change(venue: BuiltVenue) -> None:
    ex = venue.exchange
    events = ex.advance(30)
    assert [e.status for e in events if isinstance(e, InstrumentStatusChanged)] == [InstrumentStatus.HALTED]
    assert ex.market("linear:BTCUSDT").funding_rate == D("-0.0005")
    halted = ex.place_order(NewOrder("a", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.001", "29000"))
    assert halted.reason is RejectReason.INSTRUMENT_NOT_TRADING
    ex.advance(30)
    assert ex.market("linear:BTCUSDT").status is InstrumentStatus.TRADING
    assert ex.place_order(NewOrder("a", "linear:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.001", "29000")).ok


def test_a_scripted_settlement_settles_at_the_scripted_price(venue: BuiltVenue) -> None:
    ex = venue.exchange
    future = venue.instrument_id("fut")
    assert future == "linear:BTCUSDT-02JAN26"
    ex.advance(2 * 3600 - 1)
    assert ex.market(future).status is InstrumentStatus.TRADING
    ex.advance(1)
    assert ex.market(future).status is InstrumentStatus.SETTLED
    assert ex.market(future).settlement_price == D(31000)
    assert ex.position("a", future).size == 0
    assert ex.position("a", future).realized_pnl == D(1000)  # long 1 from 30000, settled at 31000
