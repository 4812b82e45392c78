"""Seeded synthetic flow, and determinism of the whole exchange."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    MARKET_ACCOUNT,
    NS_PER_MS,
    NS_PER_S,
    TAKER_ACCOUNT,
    AmendOrder,
    CancelOrder,
    CoreUsageError,
    Exchange,
    FlowConfig,
    IndexPriceChanged,
    MarkPriceChanged,
    NewOrder,
    OrderType,
    SeededIds,
    Side,
    SyntheticFlow,
    TradeOccurred,
)

LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
INVERSE = "inverse:BTCUSD"
T0_NS = 1_700_000_000 * NS_PER_S
INSTRUMENTS = (LINEAR, SPOT, INVERSE)

Builder = Callable[..., tuple[Exchange, SyntheticFlow]]


@pytest.fixture
def seeded(make_exchange: Callable[..., Exchange]) -> Builder:
    """``seeded(flow_seed, ids_seed)``: an exchange with reference prices and a flow (not started)."""

    def build(flow_seed: int, ids_seed: int = 1, levels: int = 10) -> tuple[Exchange, SyntheticFlow]:
        ex = make_exchange(ids=SeededIds(ids_seed))
        ex.set_mark_price(LINEAR, "30000")
        ex.set_mark_price(INVERSE, "30000")
        ex.record_trade(SPOT, "30000", "0.001")
        flow = SyntheticFlow(ex, FlowConfig(instrument_ids=INSTRUMENTS, seed=flow_seed, levels=levels))
        return ex, flow

    return build


def run(ex: Exchange, flow: SyntheticFlow, steps: int) -> list[Any]:
    events: list[Any] = []
    ex.subscribe(events.append)
    flow.start()
    ex.advance(steps * flow.config.interval_ms / 1000)
    return events


def script(ex: Exchange) -> None:
    """The same trader commands, in between flow steps."""
    ex.advance(0.35)
    ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.MARKET, "0.05"))
    placed = ex.place_order(
        NewOrder("alice", LINEAR, Side.SELL, OrderType.LIMIT, "0.02", "30010", client_order_id="x")
    )
    ex.advance(0.5)
    if placed.order is not None and placed.order.status.is_open:
        ex.amend_order(AmendOrder("alice", LINEAR, client_order_id="x", price="30020"))
    ex.place_order(NewOrder("bob", SPOT, Side.SELL, OrderType.MARKET, "0.01"))
    ex.advance(1)
    ex.cancel_order(CancelOrder("alice", LINEAR, client_order_id="x"))
    ex.advance(2)


# -- config ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [{"interval_ms": 0}, {"levels": 0}, {"min_value": D(0)}, {"min_value": D(10), "max_value": D(5)}],
)
def test_flow_config_is_checked(kwargs: dict[str, Any]) -> None:
    with pytest.raises(CoreUsageError, match="flow needs"):
        FlowConfig(instrument_ids=(LINEAR,), **kwargs)


def test_flow_names_an_unknown_instrument(ex: Exchange) -> None:
    with pytest.raises(CoreUsageError, match="no instrument 'linear:ETHUSDT'"):
        SyntheticFlow(ex, FlowConfig(instrument_ids=("linear:ETHUSDT",)))


def test_flow_waits_for_a_reference_price(ex: Exchange) -> None:
    flow = SyntheticFlow(ex, FlowConfig(instrument_ids=(LINEAR,)))
    assert flow.run_step() == ()
    assert ex.book(LINEAR).bids == [] and ex.book(LINEAR).asks == []


# -- what the flow does -----------------------------------------------------------------------------


def test_flow_quotes_around_the_reference_and_steps_on_the_clock(seeded: Builder) -> None:
    ex, flow = seeded(5)
    flow.start()
    assert ex.next_due_ns() is not None
    events = ex.advance(0.1)
    assert {e.ts_ns for e in events} == {T0_NS + 100 * NS_PER_MS}
    for instrument_id in INSTRUMENTS:
        snap = ex.book(instrument_id)
        assert 0 < len(snap.bids) <= 10 and 0 < len(snap.asks) <= 10
        # Within levels + drift ticks of 30000.
        tick = ex.instrument(instrument_id).tick_size
        assert all(abs(p - D(30000)) <= 13 * tick for p, _ in snap.bids + snap.asks)
    assert {
        o.account_id
        for i in INSTRUMENTS
        for o in ex.market(i).book.orders_at(Side.BUY, ex.market(i).book.best_bid())
    } == {MARKET_ACCOUNT}


def test_flow_moves_marks_of_derivatives_only(seeded: Builder) -> None:
    ex, flow = seeded(5)
    events = run(ex, flow, 3)
    marked = {e.instrument_id for e in events if isinstance(e, MarkPriceChanged)}
    indexed = {e.instrument_id for e in events if isinstance(e, IndexPriceChanged)}
    assert marked == indexed == {LINEAR, INVERSE}
    last = [e for e in events if isinstance(e, MarkPriceChanged) and e.instrument_id == LINEAR][-1]
    assert ex.market(LINEAR).mark_price == last.price == ex.market(LINEAR).index_price


def test_flow_keeps_about_levels_a_side_and_never_crosses(seeded: Builder) -> None:
    ex, flow = seeded(3)
    depth: list[tuple[int, int]] = []
    crossed: list[str] = []

    def check(event: Any) -> None:
        for instrument_id in INSTRUMENTS:
            book = ex.market(instrument_id).book
            if book.is_crossed():
                crossed.append(instrument_id)

    ex.subscribe(check)
    flow.start()
    for _ in range(300):
        ex.advance(0.1)
        for instrument_id in INSTRUMENTS:
            book = ex.market(instrument_id).book
            depth.append((len(book.bids), len(book.asks)))
    assert crossed == []
    assert max(max(d) for d in depth) <= 10
    # After warming up, every side of every book keeps at least half its levels.
    assert min(min(d) for d in depth[3 * 5 :]) >= 5
    trades = [t for i in INSTRUMENTS for t in ex.market(i).trades]
    assert len(trades) > 100


def test_flow_trades_are_between_participants(seeded: Builder) -> None:
    ex, flow = seeded(11)
    events = run(ex, flow, 50)
    assert any(isinstance(e, TradeOccurred) for e in events)
    traders = {f.account_id for f in ex.fills(TAKER_ACCOUNT)} | {
        f.account_id for f in ex.fills(MARKET_ACCOUNT)
    }
    assert traders == {TAKER_ACCOUNT, MARKET_ACCOUNT}
    assert ex.fills("alice") == []


def test_stopped_flow_does_nothing(seeded: Builder) -> None:
    ex, flow = seeded(5)
    run(ex, flow, 2)
    flow.stop()
    assert ex.advance(1) == []
    assert not flow.running


def test_run_step_is_one_command(seeded: Builder) -> None:
    _, flow = seeded(5)
    events = flow.run_step()
    assert events and len({e.ts_ns for e in events}) == 1
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


# -- determinism --------------------------------------------------------------------------------------


def test_same_seeds_same_events(seeded: Builder) -> None:
    runs = []
    for _ in range(2):
        ex, flow = seeded(42, 7)
        events: list[Any] = []
        ex.subscribe(events.append)
        flow.start()
        script(ex)
        runs.append(events)
    assert len(runs[0]) > 500
    assert runs[0] == runs[1]


def test_different_flow_seeds_differ(seeded: Builder) -> None:
    a, flow_a = seeded(1, 7)
    b, flow_b = seeded(2, 7)
    assert run(a, flow_a, 20) != run(b, flow_b, 20)


def test_different_id_seeds_differ_only_in_ids(seeded: Builder) -> None:
    a, flow_a = seeded(1, 7)
    b, flow_b = seeded(1, 8)
    events_a, events_b = run(a, flow_a, 20), run(b, flow_b, 20)
    assert events_a != events_b
    assert [type(e).__name__ for e in events_a] == [type(e).__name__ for e in events_b]
    assert a.book(LINEAR).bids == b.book(LINEAR).bids


def test_exchange_without_flow_is_deterministic(make_exchange: Callable[..., Exchange]) -> None:
    streams = []
    for _ in range(2):
        ex = make_exchange()
        events: list[Any] = []
        ex.subscribe(events.append)
        ex.seed_book(LINEAR, bids=[("29990", "1")], asks=[("30010", "1")])
        ex.record_trade(LINEAR, "30000", "0.001")
        script(ex)
        ex.advance(8 * 3600)
        streams.append(events)
    assert streams[0] == streams[1]
