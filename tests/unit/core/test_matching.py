"""Matching: price-time priority, maker prices, partial fills, book events and order locks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import (
    AccountKind,
    AmendOrder,
    BookChanged,
    CancelOrder,
    CancelReason,
    Exchange,
    NewOrder,
    OrderCancelled,
    OrderFilled,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
)

LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def rest(ex: Exchange, account_id: str, side: Side, qty: str, price: str, instrument_id: str = LINEAR) -> str:
    """Place a resting limit order for ``account_id`` (a participant if it does not exist)."""
    if account_id not in ex.accounts:
        ex.participant(account_id)
    result = ex.place_order(NewOrder(account_id, instrument_id, side, LIMIT, qty, price))
    assert result.ok and result.order is not None and result.order.status is OrderStatus.NEW
    return result.order.order_id


def maker_fills(events: tuple[object, ...]) -> list[tuple[str, D, D]]:
    return [
        (e.fill.account_id, e.fill.price, e.fill.qty)
        for e in events
        if isinstance(e, OrderFilled) and e.fill.liquidity.value == "maker"
    ]


# -- priority ------------------------------------------------------------------------------------


def test_oldest_order_at_a_level_fills_first(ex: Exchange) -> None:
    first = rest(ex, "mm1", SELL, "0.2", "30000")
    second = rest(ex, "mm2", SELL, "0.3", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.25"))
    assert maker_fills(result.events) == [("mm1", D("30000"), D("0.2")), ("mm2", D("30000"), D("0.05"))]
    assert ex.order("mm1", first).status is OrderStatus.FILLED
    view = ex.order("mm2", second)
    assert (view.status, view.filled_qty, view.leaves_qty) == (
        OrderStatus.PARTIALLY_FILLED,
        D("0.05"),
        D("0.25"),
    )
    assert ex.book(LINEAR).asks == [(D("30000"), D("0.25"))]


def test_better_price_fills_before_older_orders(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.1", "30010")  # older but worse
    rest(ex, "mm2", SELL, "0.1", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.15"))
    assert maker_fills(result.events) == [("mm2", D("30000"), D("0.1")), ("mm1", D("30010"), D("0.05"))]


def test_sell_side_priority(ex: Exchange) -> None:
    rest(ex, "mm1", BUY, "0.2", "29990")
    rest(ex, "mm2", BUY, "0.2", "29990")
    rest(ex, "mm3", BUY, "0.2", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "0.5"))
    assert maker_fills(result.events) == [
        ("mm3", D("30000"), D("0.2")),
        ("mm1", D("29990"), D("0.2")),
        ("mm2", D("29990"), D("0.1")),
    ]
    assert ex.book(LINEAR).bids == [(D("29990"), D("0.1"))]


def test_fills_happen_at_the_maker_price(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.1", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "31000"))
    taker = [e.fill for e in result.events if isinstance(e, OrderFilled) and e.fill.account_id == "alice"]
    assert [(f.price, f.qty, f.liquidity.value) for f in taker] == [(D("30000"), D("0.1"), "taker")]
    position = ex.position("alice", LINEAR)
    assert position is not None and position.entry_price == D("30000")


def test_a_cancelled_order_loses_its_place_to_the_next(ex: Exchange) -> None:
    first = rest(ex, "mm1", SELL, "0.1", "30000")
    rest(ex, "mm2", SELL, "0.1", "30000")
    assert ex.cancel_order(CancelOrder("mm1", LINEAR, order_id=first)).ok
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.1"))
    assert maker_fills(result.events) == [("mm2", D("30000"), D("0.1"))]


def test_a_resting_taker_remainder_joins_the_back_of_its_level(ex: Exchange) -> None:
    rest(ex, "mm1", BUY, "0.1", "29990")
    rest(ex, "mm2", SELL, "0.1", "29990.1")
    # alice buys 0.3 @ 29990.1: takes mm2's 0.1, rests 0.2 at 29990.1 (a new best bid).
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.3", "29990.1"))
    assert result.order is not None and result.order.status is OrderStatus.PARTIALLY_FILLED
    snap = ex.book(LINEAR)
    assert snap.bids == [(D("29990.1"), D("0.2")), (D("29990"), D("0.1"))]
    assert snap.asks == []
    # A later bid at the same price queues behind alice.
    rest(ex, "mm3", BUY, "0.1", "29990.1")
    sold = ex.place_order(NewOrder("bob", LINEAR, SELL, MARKET, "0.25"))
    assert maker_fills(sold.events) == [("alice", D("29990.1"), D("0.2")), ("mm3", D("29990.1"), D("0.05"))]


# -- book events ---------------------------------------------------------------------------------


def test_book_changed_is_one_event_per_command_with_the_latest_size_per_level(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.2", "30000")
    rest(ex, "mm2", SELL, "0.3", "30000")
    rest(ex, "mm3", SELL, "0.5", "30010")
    seq_before = ex.market(LINEAR).book.seq
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.6"))
    books = [e for e in result.events if isinstance(e, BookChanged)]
    assert len(books) == 1
    event = books[0]
    # 30000 was touched twice (0.2 then 0.3 filled) and went; 30010 lost 0.1 (5000 -> 4000 lots).
    assert event.changes == ((SELL, 300000, 0), (SELL, 300100, 400))
    assert event.instrument.id == LINEAR
    assert event.book_seq == ex.market(LINEAR).book.seq == seq_before + 3


def test_book_changed_on_rest_and_cancel(ex: Exchange) -> None:
    placed = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000"))
    [added] = [e for e in placed.events if isinstance(e, BookChanged)]
    assert added.changes == ((BUY, 290000, 100),)
    assert placed.order is not None
    cancelled = ex.cancel_order(CancelOrder("alice", LINEAR, order_id=placed.order.order_id))
    [removed] = [e for e in cancelled.events if isinstance(e, BookChanged)]
    assert removed.changes == ((BUY, 290000, 0),)
    assert removed.book_seq == added.book_seq + 1


def test_place_and_cancel_in_one_level_keeps_the_other_orders(ex: Exchange) -> None:
    rest(ex, "mm1", BUY, "0.1", "29000")
    placed = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.2", "29000"))
    assert [e.changes for e in placed.events if isinstance(e, BookChanged)] == [((BUY, 290000, 300),)]
    assert placed.order is not None
    cancelled = ex.cancel_order(CancelOrder("alice", LINEAR, order_id=placed.order.order_id))
    assert [e.changes for e in cancelled.events if isinstance(e, BookChanged)] == [((BUY, 290000, 100),)]


def test_book_is_never_crossed_after_matching(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.1", "30000")
    rest(ex, "mm1", SELL, "0.1", "30010")
    ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.5", "30020"))
    book = ex.market(LINEAR).book
    assert not book.is_crossed()
    assert ex.book(LINEAR).bids == [(D("30020"), D("0.3"))]
    assert ex.book(LINEAR).asks == []


def test_book_snapshot_depth_and_decimals(ex: Exchange) -> None:
    ex.seed_book(LINEAR, bids=[("29990", "1"), ("29980", "2"), ("29970", "3")], asks=[("30000", "0.5")])
    snap = ex.book(LINEAR, depth=2)
    assert snap.bids == [(D("29990.0"), D("1.000")), (D("29980.0"), D("2.000"))]
    assert snap.asks == [(D("30000.0"), D("0.500"))]
    assert snap.instrument.id == LINEAR
    assert snap.seq == 4
    assert "BookSnapshot(linear:BTCUSDT, seq=4" in repr(snap)


# -- trades and last price -------------------------------------------------------------------------


def test_trades_move_the_last_price_and_are_remembered(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.1", "30000")
    rest(ex, "mm1", SELL, "0.1", "30010")
    ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.2"))
    market = ex.market(LINEAR)
    assert market.last_price == D("30010")
    assert [(t.price, t.qty, t.aggressor) for t in market.trades] == [
        (D("30000"), D("0.1"), BUY),
        (D("30010"), D("0.1"), BUY),
    ]


def test_fills_are_recorded_newest_first(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "0.1", "30000")
    rest(ex, "mm1", SELL, "0.1", "30010")
    ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.2"))
    fills = ex.fills("alice")
    assert [(f.price, f.qty) for f in fills] == [(D("30010"), D("0.1")), (D("30000"), D("0.1"))]
    assert ex.fills("alice", SPOT) == []
    assert fills[0].trade_id != fills[1].trade_id


# -- reduce-only in the book -----------------------------------------------------------------------


def test_reduce_only_orders_beyond_a_shrunk_position_are_cancelled(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "0.5", "30000")
    older = ex.place_order(NewOrder("alice", LINEAR, SELL, LIMIT, "0.3", "30100", reduce_only=True))
    newer = ex.place_order(NewOrder("alice", LINEAR, SELL, LIMIT, "0.2", "30200", reduce_only=True))
    assert older.order is not None and newer.order is not None
    rest(ex, "mm1", BUY, "1", "29990")
    # alice sells 0.3 at market: the position is 0.2 long, too small for both resting orders.
    result = ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "0.3"))
    cancelled = [e for e in result.events if isinstance(e, OrderCancelled)]
    assert [(e.order.order_id, e.reason) for e in cancelled] == [
        (older.order.order_id, CancelReason.REDUCE_ONLY)
    ]
    assert [o.order_id for o in ex.open_orders("alice")] == [newer.order.order_id]


def test_reduce_only_orders_are_cancelled_when_the_position_closes(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "0.5", "30000")
    resting = ex.place_order(NewOrder("alice", LINEAR, SELL, LIMIT, "0.5", "30100", reduce_only=True))
    assert resting.order is not None
    rest(ex, "mm1", BUY, "1", "29990")
    ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "0.5"))
    view = ex.order("alice", resting.order.order_id)
    assert (view.status, view.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.REDUCE_ONLY)


def test_a_reduce_only_order_cannot_be_amended_above_its_position(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "0.5", "30000")
    placed = ex.place_order(NewOrder("alice", LINEAR, SELL, LIMIT, "0.3", "30100", reduce_only=True))
    assert placed.order is not None
    refused = ex.amend_order(AmendOrder("alice", LINEAR, placed.order.order_id, qty="0.6"))
    assert (refused.ok, refused.reason) == (False, RejectReason.REDUCE_ONLY_WOULD_INCREASE)
    assert refused.events == ()
    assert ex.order("alice", placed.order.order_id).qty == D("0.3")
    # Up to the position is fine.
    assert ex.amend_order(AmendOrder("alice", LINEAR, placed.order.order_id, qty="0.5")).ok
    assert ex.order("alice", placed.order.order_id).qty == D("0.5")


def test_reduce_only_market_never_flips_the_position(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "-0.3", "30000")
    rest(ex, "mm1", SELL, "1", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "1", reduce_only=True))
    assert result.order is not None and result.order.qty == D("0.3")
    position = ex.position("alice", LINEAR)
    assert position is not None and position.size == 0


# -- locks follow fills ------------------------------------------------------------------------------


def test_spot_buy_lock_after_a_partial_fill_covers_exactly_the_resting_rest(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "610"})
    rest(ex, "mm1", SELL, "0.01", "30000", SPOT)
    # Buy 0.02 @ 31000: 0.01 fills at 30000 (300 USDT), 0.01 rests at 31000 and must lock 310.
    result = ex.place_order(NewOrder("carol", SPOT, BUY, LIMIT, "0.02", "31000"))
    assert result.order is not None and result.order.status is OrderStatus.PARTIALLY_FILLED
    usdt = ex.balance("carol", "USDT")
    assert (usdt.total, usdt.locked, usdt.available) == (D("310"), D("310"), D("0"))
    # Nothing is left to spend: a further order is refused, never accepted and liquidated later.
    more = ex.place_order(NewOrder("carol", SPOT, BUY, LIMIT, "0.0002", "25000"))
    assert (more.ok, more.reason) == (False, RejectReason.INSUFFICIENT_BALANCE)
    # The resting 0.01 fills at 31000: everything balances to zero.
    ex.participant("mm2")
    ex.place_order(NewOrder("mm2", SPOT, SELL, MARKET, "0.01"))
    usdt = ex.balance("carol", "USDT")
    assert (usdt.total, usdt.locked, usdt.available) == (0, 0, 0)
    # 0.02 BTC bought, 0.1% fee in BTC on each fill: 0.00001 + 0.00001.
    assert ex.balance("carol", "BTC").total == D("0.01998")


def test_spot_sell_lock_shrinks_with_each_fill(ex: Exchange) -> None:
    placed = ex.place_order(NewOrder("alice", SPOT, SELL, LIMIT, "0.5", "30000"))
    assert placed.order is not None
    assert ex.balance("alice", "BTC").locked == D("0.5")
    ex.participant("mm1")
    ex.place_order(NewOrder("mm1", SPOT, BUY, MARKET, "0.2"))
    btc = ex.balance("alice", "BTC")
    assert (btc.total, btc.locked, btc.available) == (D("9.8"), D("0.3"), D("9.5"))


def test_linear_lock_after_a_partial_fill_covers_the_resting_rest(ex: Exchange) -> None:
    rest(ex, "mm1", SELL, "1", "30000")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "2", "31000"))
    assert result.order is not None and result.order.status is OrderStatus.PARTIALLY_FILLED
    # The resting 1 BTC @ 31000 needs 31000 / 10 = 3100 margin + 31000 * 0.00055 = 17.05 fee.
    assert ex.balance("alice", "USDT").order_margin == D("3117.05")


def test_closing_part_of_an_order_locks_nothing_and_its_fill_releases_nothing(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "-1", "30000")
    placed = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "3", "29000"))
    assert placed.order is not None
    # 1 of the 3 BTC closes the short: only 2/3 of (3 * 2900 + 3 * 29000 * 0.00055) = 5831.9 locks.
    assert ex.balance("alice", "USDT").order_margin == D("5831.9")
    ex.participant("mm1")
    ex.place_order(NewOrder("mm1", LINEAR, SELL, MARKET, "1"))
    # The short is closed (1000 realized); the 2 BTC left all open a long: 2 * 2900 + 2 * 15.95.
    position = ex.position("alice", LINEAR)
    assert position is not None and (position.size, position.realized_pnl) == (0, D("1000"))
    assert ex.balance("alice", "USDT").order_margin == D("5831.9")
    ex.place_order(NewOrder("mm1", LINEAR, SELL, MARKET, "1"))
    assert ex.balance("alice", "USDT").order_margin == D("2915.95")  # 1 BTC: 2900 + 15.95
    ex.place_order(NewOrder("mm1", LINEAR, SELL, MARKET, "1"))
    assert ex.balance("alice", "USDT").order_margin == 0


def test_no_user_order_is_liquidated_by_its_own_lock_release(ex: Exchange) -> None:
    # The symptom of an under-locked remainder: available looks positive, a second order is
    # accepted, and when the first fills the venue cancels the second for LIQUIDATION.
    ex.add_account("dave", balances={"USDT": "6133.55"})
    rest(ex, "mm1", SELL, "1", "30000")
    ex.place_order(NewOrder("dave", LINEAR, BUY, LIMIT, "2", "31000"))
    assert ex.available("dave", "USDT") == 0
    second = ex.place_order(NewOrder("dave", LINEAR, BUY, LIMIT, "0.01", "20000"))
    assert second.reason is RejectReason.INSUFFICIENT_MARGIN


def test_participants_are_never_checked(ex: Exchange) -> None:
    account = ex.participant("mm1")
    assert account.kind is AccountKind.PARTICIPANT
    result = ex.place_order(NewOrder("mm1", LINEAR, SELL, LIMIT, "100", "30000"))
    assert result.ok
    ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "1"))
    # The participant is short 1 BTC with no money at all, and that is allowed.
    assert ex.balance("mm1", "USDT").total == D("-6")  # its maker fee: 30000 * 0.0002
    assert ex.participant("mm1") is account


@pytest.mark.parametrize(
    ("maker_fee", "expected_fee"),
    [
        (D("0.0002"), D("6")),  # 1 BTC @ 30000 * 0.02%
        (D("-0.00025"), D("-7.5")),  # a rebate: the maker receives 7.5, paid by the fee account
        (D("0"), D("0")),
    ],
)
def test_derivative_maker_fee_rates(maker_fee: D, expected_fee: D) -> None:
    from simulator.core import FEES_ACCOUNT, Instrument, InstrumentKind

    ex = Exchange()
    ex.add_instrument(
        Instrument(
            symbol="BTCUSDT",
            kind=InstrumentKind.LINEAR_PERPETUAL,
            base="BTC",
            quote="USDT",
            settle="USDT",
            tick_size=D("0.10"),
            lot_size=D("0.001"),
            min_qty=D("0.001"),
            max_qty=D("100"),
            maker_fee=maker_fee,
            taker_fee=D("0.00055"),
        )
    )
    ex.add_account("maker", balances={"USDT": "10000"})
    ex.add_account("taker", balances={"USDT": "10000"})
    ex.place_order(NewOrder("maker", LINEAR, SELL, LIMIT, "1", "30000"))
    result = ex.place_order(NewOrder("taker", LINEAR, BUY, MARKET, "1"))
    fills = {e.fill.account_id: e.fill for e in result.events if isinstance(e, OrderFilled)}
    assert (fills["maker"].fee, fills["maker"].fee_rate) == (expected_fee, maker_fee)
    assert fills["taker"].fee == D("16.5")  # 30000 * 0.055%
    assert ex.balance("maker", "USDT").total == D("10000") - expected_fee
    assert ex.balance("taker", "USDT").total == D("10000") - D("16.5")
    assert ex.accounts[FEES_ACCOUNT].balances["USDT"].total == D("16.5") + expected_fee
    maker_position = ex.position("maker", LINEAR)
    assert maker_position is not None and maker_position.fees_paid == expected_fee
