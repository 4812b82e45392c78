"""Funding on perpetuals, and expiry / settlement of dated futures and options, on the virtual clock."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import (
    MARKET_ACCOUNT,
    NS_PER_S,
    CancelReason,
    CoreUsageError,
    Exchange,
    FundingApplied,
    InstrumentSettled,
    InstrumentStatus,
    LedgerKind,
    NewOrder,
    OrderCancelled,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
)

LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
FUTURE = "linear:BTC-15NOV23"
CALL = "option:BTC-15NOV23-30000-C"
PUT = "option:BTC-15NOV23-30000-P"
T0_NS = 1_700_000_000 * NS_PER_S
# 1_700_000_000 s is 59027.78 funding intervals of 8 h after the epoch: the next one starts at
# 59028 * 28800 = 1_700_006_400 s, 6400 s after the clock starts.
FUNDING_NS = 1_700_006_400 * NS_PER_S
EXPIRY_NS = T0_NS + 86_400 * NS_PER_S
BUY, SELL = Side.BUY, Side.SELL


def funding_events(events: list[object]) -> list[tuple[str, D, D, D]]:
    return sorted((e.account_id, e.rate, e.size, e.amount) for e in events if isinstance(e, FundingApplied))


# -- funding -------------------------------------------------------------------------------------------


def test_funding_time_is_aligned_to_the_interval_from_the_epoch(ex: Exchange) -> None:
    assert ex.market(LINEAR).next_funding_ns == FUNDING_NS
    assert ex.market(INVERSE).next_funding_ns == FUNDING_NS
    assert ex.market(FUTURE).next_funding_ns is None  # dated futures do not fund


def test_positive_funding_longs_pay_shorts(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "1", "30000", counterparty="bob")
    ex.set_mark_price(LINEAR, "30000")
    assert ex.advance(6399) == []
    events = ex.advance(1)
    # 1 BTC at mark 30000 * 0.01% = 3 USDT from the long to the short.
    assert funding_events(events) == [
        ("alice", D("0.0001"), D("1"), D("-3")),
        ("bob", D("0.0001"), D("-1"), D("3")),
    ]
    assert all(
        e.ts_ns == FUNDING_NS and e.mark_price == D("30000") for e in events if isinstance(e, FundingApplied)
    )
    assert ex.balance("alice", "USDT").total == D("99997")
    assert ex.balance("bob", "USDT").total == D("100003")
    assert ex.accounts["alice"].ledger[("USDT", LedgerKind.FUNDING)] == D("-3")
    alice = ex.position("alice", LINEAR)
    assert alice is not None and alice.funding == D("-3")
    assert ex.market(LINEAR).funding_history[-1] == (FUNDING_NS, D("0.0001"))
    names = {type(e).__name__ for e in events}
    assert {"FundingApplied", "PositionChanged", "BalanceChanged"} <= names


def test_negative_funding_shorts_pay_longs(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "2", "30000", counterparty="bob")
    ex.set_mark_price(LINEAR, "31000")
    ex.set_funding_rate(LINEAR, "-0.0002")
    events = ex.advance(6400)
    # 2 BTC at 31000 = 62000 * 0.02% = 12.4 from the short to the long.
    assert funding_events(events) == [
        ("alice", D("-0.0002"), D("2"), D("12.4")),
        ("bob", D("-0.0002"), D("-2"), D("-12.4")),
    ]


def test_funding_repeats_every_interval(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "1", "30000", counterparty="bob")
    ex.set_mark_price(LINEAR, "30000")
    events = ex.advance(6400 + 2 * 28800)
    times = sorted({e.ts_ns for e in events if isinstance(e, FundingApplied)})
    assert times == [FUNDING_NS, FUNDING_NS + 28800 * NS_PER_S, FUNDING_NS + 2 * 28800 * NS_PER_S]
    assert ex.balance("alice", "USDT").total == D("99991")
    assert ex.market(LINEAR).next_funding_ns == FUNDING_NS + 3 * 28800 * NS_PER_S
    assert len(ex.market(LINEAR).funding_history) == 3


def test_inverse_funding_is_paid_in_the_base_coin(ex: Exchange) -> None:
    ex.seed_position("alice", INVERSE, "3000", "30000", counterparty="bob")
    ex.set_mark_price(INVERSE, "30000")
    events = ex.advance(6400)
    # 3000 USD of contracts at 30000 = 0.1 BTC * 0.01% = 0.00001 BTC.
    assert funding_events(events) == [
        ("alice", D("0.0001"), D("3000"), D("-0.00001")),
        ("bob", D("0.0001"), D("-3000"), D("0.00001")),
    ]
    assert ex.balance("alice", "BTC").total == D("9.99999")


def test_funding_without_any_price_is_recorded_but_moves_nothing(ex: Exchange) -> None:
    events = ex.advance(6400)
    assert [e for e in events if isinstance(e, FundingApplied)] == []
    assert ex.market(LINEAR).funding_history == [(FUNDING_NS, D("0.0001"))]


def test_funding_uses_the_last_price_without_a_mark(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "1", "30000", counterparty="bob")
    ex.record_trade(LINEAR, "32000", "0.001")
    events = ex.advance(6400)
    amounts = {e.account_id: e.amount for e in events if isinstance(e, FundingApplied)}
    assert amounts["alice"] == D("-3.2")


def test_funding_that_leaves_a_trader_short_of_funds_is_remedied(ex: Exchange) -> None:
    # carol: 3002 USDT, 1 BTC long at 10x holding 3000 of margin -> 2 available.
    ex.add_account("carol", balances={"USDT": "3002"})
    ex.seed_position("carol", LINEAR, "1", "30000", counterparty="bob")
    ex.set_mark_price(LINEAR, "30000")
    # 0.001 @ 10000 locks 1 + 0.0055 fee, leaving 0.9945.
    placed = ex.place_order(NewOrder("carol", LINEAR, BUY, OrderType.LIMIT, "0.001", "10000"))
    assert placed.order is not None and ex.available("carol", "USDT") == D("0.9945")
    events = ex.advance(6400)
    # Funding takes 3: 2999 - 1.0055 - 3000 < 0. Cancelling the order is not enough (-1), so the
    # position passes to the insurance account at the mark.
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert [(e.order.order_id, e.reason) for e in cancelled] == [
        (placed.order.order_id, CancelReason.LIQUIDATION)
    ]
    assert [(e.account_id, e.size, e.price) for e in events if type(e).__name__ == "PositionLiquidated"] == [
        ("carol", D("1"), D("30000"))
    ]
    assert ex.available("carol", "USDT") == D("2999")


# -- dated futures ---------------------------------------------------------------------------------------


@pytest.fixture
def future_book(ex: Exchange) -> dict[str, str]:
    ex.seed_position("alice", FUTURE, "1", "30000")
    ex.record_trade(FUTURE, "30000", "0.001")
    resting = ex.place_order(NewOrder("alice", FUTURE, BUY, OrderType.LIMIT, "0.1", "29000"))
    stop = ex.place_order(NewOrder("alice", FUTURE, SELL, OrderType.MARKET, "0.1", trigger_price="29500"))
    assert resting.order is not None and stop.order is not None
    return {"resting": resting.order.order_id, "stop": stop.order.order_id}


def test_dated_future_settles_at_expiry(ex: Exchange, future_book: dict[str, str]) -> None:
    ex.set_settlement_price(FUTURE, "31000")
    assert [
        e for e in ex.advance(86_399) if type(e).__name__ in ("InstrumentSettled", "OrderCancelled")
    ] == []
    assert ex.market(FUTURE).status is InstrumentStatus.TRADING
    events = ex.advance(1)
    names = [type(e).__name__ for e in events]
    assert names[:4] == ["OrderCancelled", "OrderCancelled", "InstrumentStatusChanged", "InstrumentSettled"]
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert {(e.order.order_id, e.order.status, e.reason) for e in cancelled} == {
        (future_book["resting"], OrderStatus.CANCELLED, CancelReason.SETTLEMENT),
        (future_book["stop"], OrderStatus.DEACTIVATED, CancelReason.SETTLEMENT),
    }
    [settled] = [e for e in events if isinstance(e, InstrumentSettled)]
    assert (settled.price, settled.ts_ns) == (D("31000"), EXPIRY_NS)
    assert ex.market(FUTURE).status is InstrumentStatus.SETTLED
    # Long 1 from 30000 settles at 31000: +1000, and the counterparty's short -1000.
    alice = ex.position("alice", FUTURE)
    assert alice is not None and (alice.size, alice.realized_pnl) == (0, D("1000"))
    assert ex.accounts["alice"].ledger[("USDT", LedgerKind.SETTLEMENT)] == D("1000")
    # The market participant is short 1 (alice's counterparty) + 0.001 (the scripted trade).
    assert ex.accounts[MARKET_ACCOUNT].ledger[("USDT", LedgerKind.SETTLEMENT)] == D("-1001")
    assert ex.balance("alice", "USDT").total == D("101000")
    assert ex.balance("alice", "USDT").order_margin == 0
    assert ex.market(FUTURE).holders == {}
    assert ex.book(FUTURE).bids == []


def test_dated_future_settles_at_the_index_without_a_settlement_price(
    ex: Exchange, future_book: dict[str, str]
) -> None:
    ex.set_index_price(FUTURE, "29500")
    ex.set_mark_price(FUTURE, "29600")
    events = ex.advance(86_400)
    [settled] = [e for e in events if isinstance(e, InstrumentSettled)]
    assert settled.price == D("29500")
    assert ex.balance("alice", "USDT").total == D("99500")


def test_orders_are_rejected_after_expiry(ex: Exchange, future_book: dict[str, str]) -> None:
    ex.advance(86_400)
    result = ex.place_order(NewOrder("alice", FUTURE, BUY, OrderType.LIMIT, "0.1", "29000"))
    assert (result.ok, result.reason) == (False, RejectReason.INSTRUMENT_NOT_TRADING)
    assert result.message == "BTC-15NOV23 is not trading (settled)"


def test_settling_by_hand_happens_once(ex: Exchange, future_book: dict[str, str]) -> None:
    ex.set_settlement_price(FUTURE, "30500")
    events = ex.set_instrument_status(FUTURE, InstrumentStatus.SETTLED)
    assert [e.price for e in events if isinstance(e, InstrumentSettled)] == [D("30500")]
    assert ex.balance("alice", "USDT").total == D("100500")
    later = ex.advance(86_400)
    assert [e for e in later if isinstance(e, InstrumentSettled)] == []
    assert ex.balance("alice", "USDT").total == D("100500")


# -- options ---------------------------------------------------------------------------------------------


def test_options_pay_their_intrinsic_value_at_expiry(ex: Exchange) -> None:
    ex.set_index_price(CALL, "30000")
    ex.set_index_price(PUT, "30000")
    for instrument_id in (CALL, PUT):
        ex.place_order(NewOrder("bob", instrument_id, SELL, OrderType.LIMIT, "2", "500"))
        assert ex.place_order(NewOrder("alice", instrument_id, BUY, OrderType.MARKET, "2")).ok
    alice_before = ex.balance("alice", "USDT").total
    bob_before = ex.balance("bob", "USDT").total
    ex.set_index_price(CALL, "31500")
    ex.set_index_price(PUT, "31500")
    events = ex.advance(86_400)
    assert sorted((e.instrument_id, e.price) for e in events if isinstance(e, InstrumentSettled)) == [
        (CALL, D("31500")),
        (PUT, D("31500")),
    ]
    # The call is 1500 in the money: 2 * 1500 = 3000 from bob to alice; the put expires worthless.
    assert ex.balance("alice", "USDT").total == alice_before + D("3000")
    assert ex.balance("bob", "USDT").total == bob_before - D("3000")
    assert ex.accounts["alice"].ledger[("USDT", LedgerKind.SETTLEMENT)] == D("3000")
    for instrument_id in (CALL, PUT):
        position = ex.position("alice", instrument_id)
        assert position is not None and position.size == 0
    # Realized on the position: the call paid 1500 per unit for a 500 premium, the put lost its 500.
    call, put = ex.position("alice", CALL), ex.position("alice", PUT)
    assert call is not None and put is not None
    assert (call.realized_pnl, put.realized_pnl) == (D("2000"), D("-1000"))
    assert ex.position("bob", CALL).realized_pnl == D("-2000")  # type: ignore[union-attr]


def test_expiry_with_positions_and_no_price_is_a_usage_error_that_changes_nothing(ex: Exchange) -> None:
    ex.seed_position("alice", FUTURE, "1", "30000")
    resting = ex.place_order(NewOrder("alice", FUTURE, BUY, OrderType.LIMIT, "0.1", "29000"))
    assert resting.order is not None
    with pytest.raises(CoreUsageError, match="set_settlement_price"):
        ex.advance(86_400)
    assert ex.market(FUTURE).status is InstrumentStatus.TRADING
    assert ex.order("alice", resting.order.order_id).status is OrderStatus.NEW
    position = ex.position("alice", FUTURE)
    assert position is not None and position.size == D("1")
