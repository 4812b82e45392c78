"""The order book: levels, FIFO queues, lazy deletion and change tracking (ticks and lots)."""

from __future__ import annotations

from decimal import Decimal as D
from itertools import count

from simulator.core import Instrument, InstrumentKind, OrderType, Side, TimeInForce
from simulator.core.book import _COMPACT_AFTER, OrderBook
from simulator.core.orders import Order

INST = Instrument(
    symbol="BTCUSDT",
    kind=InstrumentKind.LINEAR_PERPETUAL,
    base="BTC",
    quote="USDT",
    settle="USDT",
    tick_size=D("0.10"),
    lot_size=D("0.001"),
    min_qty=D("0.001"),
    max_qty=D("100"),
)
_ids = count(1)


def order(side: Side, price_ticks: int, lots: int) -> Order:
    o = Order(
        order_id=str(next(_ids)),
        client_order_id="",
        account_id="a",
        instrument=INST,
        side=side,
        order_type=OrderType.LIMIT,
        time_in_force=TimeInForce.GTC,
        price_ticks=price_ticks,
        qty_lots=lots,
        created_ns=0,
    )
    o.resting = True
    return o


def test_empty_book() -> None:
    book = OrderBook()
    assert book.best_bid() is None
    assert book.best_ask() is None
    assert book.snapshot() == ([], [])
    assert not book.is_crossed()
    assert book.drain() == ()
    assert book.seq == 0


def test_levels_are_sorted_best_first_and_aggregate_lots() -> None:
    book = OrderBook()
    for o in (
        order(Side.BUY, 100, 2),
        order(Side.BUY, 102, 1),
        order(Side.BUY, 100, 3),
        order(Side.SELL, 105, 4),
        order(Side.SELL, 103, 1),
    ):
        book.add(o)
    assert book.best_bid() == 102
    assert book.best_ask() == 103
    assert book.depth(Side.BUY) == [(102, 1), (100, 5)]
    assert book.depth(Side.SELL) == [(103, 1), (105, 4)]
    assert book.snapshot(depth=1) == ([(102, 1)], [(103, 1)])
    assert book.level_lots(Side.BUY, 100) == 5
    assert book.level_lots(Side.SELL, 104) == 0
    assert book.seq == 5
    assert book.side_levels(Side.BUY) is book.bids
    assert book.side_levels(Side.SELL) is book.asks


def test_orders_at_a_level_are_fifo() -> None:
    book = OrderBook()
    first, second, third = order(Side.SELL, 103, 1), order(Side.SELL, 103, 2), order(Side.SELL, 103, 3)
    for o in (first, second, third):
        book.add(o)
    assert book.orders_at(Side.SELL, 103) == [first, second, third]
    assert book.asks[103].front() is first
    assert book.orders_at(Side.SELL, 999) == []


def test_is_crossed() -> None:
    book = OrderBook()
    book.add(order(Side.BUY, 100, 1))
    book.add(order(Side.SELL, 101, 1))
    assert not book.is_crossed()
    book.add(order(Side.SELL, 100, 1))
    assert book.is_crossed()


def test_unlink_is_lazy_and_front_skips_dead_orders() -> None:
    book = OrderBook()
    first, second = order(Side.BUY, 100, 1), order(Side.BUY, 100, 2)
    book.add(first)
    book.add(second)
    first.resting = False
    book.unlink(first)
    level = book.bids[-100]
    assert (level.lots, level.count, level.dead) == (2, 1, 1)
    assert len(level.orders) == 2  # still queued, marked dead
    assert book.orders_at(Side.BUY, 100) == [second]
    assert level.front() is second
    assert (len(level.orders), level.dead) == (1, 0)


def test_unlink_of_the_last_order_deletes_the_level() -> None:
    book = OrderBook()
    only = order(Side.SELL, 103, 2)
    book.add(only)
    only.resting = False
    book.unlink(only)
    assert book.best_ask() is None
    assert book.drain() == ((Side.SELL, 103, 0),)


def test_eager_unlink_removes_the_queue_entry_now() -> None:
    book = OrderBook()
    first, second = order(Side.BUY, 100, 1), order(Side.BUY, 100, 2)
    book.add(first)
    book.add(second)
    first.resting = False
    book.unlink(first, eager=True)
    level = book.bids[-100]
    assert list(level.orders) == [second]
    assert level.dead == 0
    # Re-queued, it goes to the back.
    first.resting = True
    book.add(first)
    assert book.orders_at(Side.BUY, 100) == [second, first]


def test_reduce_keeps_the_queue_place() -> None:
    book = OrderBook()
    first, second = order(Side.SELL, 103, 5), order(Side.SELL, 103, 2)
    book.add(first)
    book.add(second)
    book.reduce(first, 3)
    assert book.level_lots(Side.SELL, 103) == 4
    assert book.orders_at(Side.SELL, 103) == [first, second]


def test_pop_filled_drops_the_front_and_the_empty_level() -> None:
    book = OrderBook()
    first, second = order(Side.SELL, 103, 1), order(Side.SELL, 103, 1)
    book.add(first)
    book.add(second)
    book.reduce(first, 1)
    first.resting = False
    book.pop_filled(first)
    assert book.orders_at(Side.SELL, 103) == [second]
    book.reduce(second, 1)
    second.resting = False
    book.pop_filled(second)
    assert book.best_ask() is None


def test_compaction_after_many_dead_entries() -> None:
    book = OrderBook()
    keep = order(Side.BUY, 100, 1)
    book.add(keep)
    dead = [order(Side.BUY, 100, 1) for _ in range(_COMPACT_AFTER)]
    for o in dead:
        book.add(o)
    for o in dead:
        o.resting = False
        book.unlink(o)
    level = book.bids[-100]
    # 32 dead > 1 live: the queue was rebuilt with only the live order.
    assert list(level.orders) == [keep]
    assert (level.dead, level.count, level.lots) == (0, 1, 1)


def test_drain_keeps_the_latest_size_per_level_once() -> None:
    book = OrderBook()
    a, b = order(Side.BUY, 100, 2), order(Side.BUY, 100, 3)
    c = order(Side.SELL, 103, 1)
    book.add(a)  # (BUY, 100, 2)
    book.add(b)  # (BUY, 100, 5)
    book.add(c)  # (SELL, 103, 1)
    book.reduce(a, 1)  # (BUY, 100, 4)
    c.resting = False
    book.unlink(c)  # (SELL, 103, 0)
    assert book.seq == 5
    assert book.drain() == ((Side.BUY, 100, 4), (Side.SELL, 103, 0))
    assert book.drain() == ()


def test_clear_empties_everything_but_the_sequence() -> None:
    book = OrderBook()
    book.add(order(Side.BUY, 100, 2))
    book.clear()
    assert book.snapshot() == ([], [])
    assert book.drain() == ()
    assert book.seq == 1
