"""Clocks, the timer queue, id generators, and how the exchange drives time."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from simulator.core import (
    NS_PER_MS,
    NS_PER_S,
    CoreUsageError,
    Exchange,
    NewOrder,
    OrderType,
    RejectReason,
    SeededIds,
    SequentialIds,
    Side,
    SourceClock,
    VirtualClock,
)
from simulator.core.clock import TimerQueue

T0_NS = 1_700_000_000 * NS_PER_S
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


# -- clocks ----------------------------------------------------------------------------------


def test_virtual_clock_starts_at_a_fixed_instant_and_stands_still() -> None:
    clock = VirtualClock()
    assert clock.now_ns() == T0_NS
    assert clock.now_ns() == T0_NS
    assert VirtualClock(start_ns=5).now_ns() == 5


def test_virtual_clock_moves_forward_and_to_the_same_instant() -> None:
    clock = VirtualClock(start_ns=100)
    clock.move_to(100)
    assert clock.now_ns() == 100
    clock.move_to(250)
    assert clock.now_ns() == 250


def test_virtual_clock_refuses_to_go_back() -> None:
    clock = VirtualClock(start_ns=100)
    with pytest.raises(ValueError, match=r"cannot go back in time \(99 < 100\)"):
        clock.move_to(99)
    assert clock.now_ns() == 100


def test_source_clock_reads_its_source_plus_offset() -> None:
    readings = iter([10, 20])
    clock = SourceClock(lambda: next(readings), offset_ns=-3)
    assert clock.now_ns() == 7
    clock.offset_ns = 5
    assert clock.now_ns() == 25


# -- timer queue -----------------------------------------------------------------------------


def test_timer_queue_orders_by_due_time_then_fifo() -> None:
    queue = TimerQueue()
    fired: list[str] = []
    queue.schedule(20, lambda: fired.append("b1"))
    queue.schedule(10, lambda: fired.append("a"))
    queue.schedule(20, lambda: fired.append("b2"))
    queue.schedule(20, lambda: fired.append("b3"))
    queue.schedule(30, lambda: fired.append("c"))
    assert len(queue) == 5
    assert queue.next_due_ns() == 10
    dues = []
    while (item := queue.pop_due(25)) is not None:
        dues.append(item[0])
        item[1]()
    assert dues == [10, 20, 20, 20]
    assert fired == ["a", "b1", "b2", "b3"]
    assert queue.next_due_ns() == 30
    assert queue.pop_due(29) is None
    assert len(queue) == 1


def test_timer_queue_clear_and_empty() -> None:
    queue = TimerQueue()
    assert queue.next_due_ns() is None
    assert queue.pop_due(10**30) is None
    queue.schedule(1, lambda: None)
    queue.clear()
    assert len(queue) == 0
    assert queue.next_due_ns() is None


# -- ids -------------------------------------------------------------------------------------


def test_sequential_ids_count_orders_and_trades_separately() -> None:
    ids = SequentialIds()
    assert [ids.next_order_id(), ids.next_order_id()] == ["1000000001", "1000000002"]
    assert ids.next_trade_id() == "1000000001"
    assert SequentialIds(start=7).next_order_id() == "8"


def test_seeded_ids_are_reproducible_uuid4s() -> None:
    a, b = SeededIds(42), SeededIds(42)
    seq_a = [a.next_order_id(), a.next_trade_id(), a.next_order_id()]
    seq_b = [b.next_order_id(), b.next_trade_id(), b.next_order_id()]
    assert seq_a == seq_b
    assert len(set(seq_a)) == 3
    assert all(UUID4.match(i) for i in seq_a)


def test_seeded_ids_differ_between_seeds() -> None:
    assert SeededIds(1).next_order_id() != SeededIds(2).next_order_id()


def test_exchange_uses_the_injected_id_generator() -> None:
    ex = Exchange(ids=SequentialIds(start=500))
    ex.add_account("alice", balances={"USDT": "1"})
    from simulator.core import Instrument, InstrumentKind

    ex.add_instrument(
        Instrument(
            symbol="BTCUSDT",
            kind=InstrumentKind.SPOT,
            base="BTC",
            quote="USDT",
            settle="USDT",
            tick_size=Decimal("0.01"),
            lot_size=Decimal("0.000001"),
            min_qty=Decimal("0.000001"),
            max_qty=Decimal("100"),
        )
    )
    result = ex.place_order(NewOrder("alice", "spot:BTCUSDT", Side.BUY, OrderType.LIMIT, "0.00001", "100"))
    assert result.ok
    assert result.order is not None and result.order.order_id == "501"


# -- exchange time ---------------------------------------------------------------------------


def test_advance_fires_timers_in_due_order_at_their_own_time() -> None:
    ex = Exchange()
    seen: list[tuple[str, int]] = []
    ex.schedule(T0_NS + 3 * NS_PER_S, lambda e: seen.append(("c", e.clock.now_ns())))
    ex.schedule(T0_NS + 1 * NS_PER_S, lambda e: seen.append(("a", e.clock.now_ns())))
    ex.schedule(T0_NS + 1 * NS_PER_S, lambda e: seen.append(("b", e.clock.now_ns())))
    ex.schedule(T0_NS + 10 * NS_PER_S, lambda e: seen.append(("late", e.clock.now_ns())))
    ex.advance(5)
    assert seen == [("a", T0_NS + NS_PER_S), ("b", T0_NS + NS_PER_S), ("c", T0_NS + 3 * NS_PER_S)]
    assert ex.clock.now_ns() == T0_NS + 5 * NS_PER_S
    assert ex.next_due_ns() == T0_NS + 10 * NS_PER_S


def test_advance_accepts_fractions_of_a_second() -> None:
    ex = Exchange()
    ex.advance(Decimal("0.25"))
    ex.advance(1.5)
    assert ex.clock.now_ns() == T0_NS + 1750 * NS_PER_MS


def test_timers_scheduled_by_timers_fire_within_the_same_advance() -> None:
    ex = Exchange()
    seen: list[int] = []

    def first(e: Exchange) -> None:
        seen.append(e.clock.now_ns())
        e.schedule(e.clock.now_ns() + NS_PER_S, lambda e2: seen.append(e2.clock.now_ns()))

    ex.schedule(T0_NS + NS_PER_S, first)
    ex.advance(2)
    assert seen == [T0_NS + NS_PER_S, T0_NS + 2 * NS_PER_S]


def test_advance_refuses_negative_time() -> None:
    ex = Exchange()
    with pytest.raises(CoreUsageError, match="negative"):
        ex.advance(-1)
    assert ex.clock.now_ns() == T0_NS


def test_advance_needs_a_virtual_clock_and_run_due_serves_real_clocks() -> None:
    now = [T0_NS]
    ex = Exchange(clock=SourceClock(lambda: now[0]))
    with pytest.raises(CoreUsageError, match="VirtualClock"):
        ex.advance(1)
    fired: list[int] = []
    ex.schedule(T0_NS + 5, lambda e: fired.append(e.clock.now_ns()))
    assert ex.run_due() == []
    assert fired == []
    now[0] = T0_NS + 9
    ex.run_due()
    assert fired == [T0_NS + 9]
    assert ex.next_due_ns() is None


def test_event_sequence_numbers_strictly_increase_across_commands() -> None:
    ex = Exchange()
    ex.add_account("alice")
    seqs: list[int] = []
    ex.subscribe(lambda event: seqs.append(event.seq))
    for _ in range(3):
        ex.deposit("alice", "USDT", "1")
    assert seqs == [1, 2, 3]


def test_unsubscribe_stops_delivery() -> None:
    ex = Exchange()
    ex.add_account("alice")
    got: list[object] = []
    unsubscribe = ex.subscribe(got.append)
    ex.deposit("alice", "USDT", "1")
    unsubscribe()
    ex.deposit("alice", "USDT", "1")
    assert len(got) == 1


def test_listeners_run_after_the_command_closes_so_they_may_issue_commands() -> None:
    ex = Exchange()
    ex.add_account("alice")

    def top_up(event: object) -> None:
        balance = getattr(event, "balance", None)
        if balance is not None and balance.total == Decimal(1):
            ex.deposit("alice", "USDT", "10")

    ex.subscribe(top_up)
    ex.deposit("alice", "USDT", "1")
    assert ex.balance("alice", "USDT").total == Decimal(11)


def test_a_command_inside_a_scheduled_action_joins_its_boundary() -> None:
    ex = Exchange()
    ex.add_account("alice")
    results = []
    ex.schedule(ex.clock.now_ns() + NS_PER_S, lambda e: results.append(e.deposit("alice", "USDT", "5")))
    events = ex.advance(1)
    # The deposit's events belong to the timer's command; the nested call returns none of its own.
    assert results == [()]
    assert [type(e).__name__ for e in events] == ["BalanceChanged"]
    assert events[0].balance.total == Decimal(5)


def test_a_nested_rejection_drops_only_its_own_events() -> None:
    ex = Exchange()
    ex.add_account("alice")

    def script() -> object:
        ex.deposit("alice", "USDT", "3")
        return ex.place_order(NewOrder("alice", "nope", Side.BUY, OrderType.MARKET, "1"))

    result, events = ex._run(script)
    assert not result.ok and result.reason is RejectReason.UNKNOWN_INSTRUMENT and result.events == ()
    assert [type(e).__name__ for e in events] == ["OrderRejected", "BalanceChanged"]
    assert ex.balance("alice", "USDT").total == Decimal(3)


def test_an_error_inside_a_command_leaves_the_exchange_usable() -> None:
    ex = Exchange()
    ex.add_account("alice")

    def broken() -> None:
        ex.deposit("alice", "USDT", "1")
        raise RuntimeError("scenario bug")

    with pytest.raises(RuntimeError, match="scenario bug"):
        ex._run(broken)
    # The deposit happened (state is not rolled back on a bug), but the boundary is closed again.
    assert ex.balance("alice", "USDT").total == Decimal(1)
    assert [type(e).__name__ for e in ex.deposit("alice", "USDT", "2")] == ["BalanceChanged"]
    assert ex.balance("alice", "USDT").total == Decimal(3)


def test_listeners_see_events_in_order_even_when_a_listener_trades() -> None:
    ex = Exchange()
    ex.add_account("alice")
    seen: list[int] = []
    first = True

    def react(event: object) -> None:
        nonlocal first
        if first:
            first = False
            ex.deposit("alice", "USDT", "1")  # its events must arrive after the current ones

    ex.subscribe(react)
    ex.subscribe(lambda event: seen.append(event.seq))
    ex.deposit("alice", "BTC", "1")
    assert seen == sorted(seen) and len(seen) == 2
