"""Accounts and spot settlement: balances, locks, fees, rebates, ledger and conservation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest

from simulator.core import (
    FEES_ACCOUNT,
    AccountKind,
    BalanceChanged,
    CoreUsageError,
    Exchange,
    Instrument,
    InstrumentKind,
    LedgerKind,
    NewOrder,
    OrderFilled,
    OrderType,
    RejectReason,
    Side,
)

SPOT = "spot:BTCUSDT"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def fills_of(events: tuple[object, ...]) -> dict[str, object]:
    return {e.fill.account_id: e.fill for e in events if isinstance(e, OrderFilled)}


def test_spot_taker_buy_settlement(ex: Exchange) -> None:
    ex.place_order(NewOrder("bob", SPOT, SELL, LIMIT, "0.5", "30000"))
    assert ex.balance("bob", "BTC").locked == D("0.5")
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "0.5"))
    fills = fills_of(result.events)
    buyer, seller = fills["alice"], fills["bob"]
    # The buyer pays 0.5 * 30000 = 15000 USDT and 0.1% of the 0.5 BTC it receives as fee.
    assert (buyer.value, buyer.fee, buyer.fee_coin, buyer.liquidity.value) == (
        D("15000"),
        D("0.0005"),
        "BTC",
        "taker",
    )
    # The seller pays 0.1% of the 15000 USDT it receives.
    assert (seller.value, seller.fee, seller.fee_coin, seller.liquidity.value) == (
        D("15000"),
        D("15"),
        "USDT",
        "maker",
    )
    assert ex.balance("alice", "USDT").total == D("85000")
    assert ex.balance("alice", "BTC").total == D("10.4995")
    assert ex.balance("bob", "BTC").total == D("9.5")
    assert ex.balance("bob", "USDT").total == D("114985")
    # The seller's 0.5 BTC lock is gone, and nothing else is locked.
    for account_id in ("alice", "bob"):
        for coin in ("USDT", "BTC"):
            assert ex.balance(account_id, coin).locked == 0
    fees = ex.accounts[FEES_ACCOUNT]
    assert (fees.balances["BTC"].total, fees.balances["USDT"].total) == (D("0.0005"), D("15"))
    assert fees.kind is AccountKind.FEES


def test_spot_maker_buy_releases_its_quote_lock(ex: Exchange) -> None:
    ex.place_order(NewOrder("alice", SPOT, BUY, LIMIT, "0.5", "30000"))
    assert ex.balance("alice", "USDT").locked == D("15000")
    assert ex.available("alice", "USDT") == D("85000")
    ex.place_order(NewOrder("bob", SPOT, SELL, MARKET, "0.2"))
    usdt = ex.balance("alice", "USDT")
    # 0.2 filled: 6000 paid out of the lock, 9000 still locked for the 0.3 left.
    assert (usdt.total, usdt.locked, usdt.available) == (D("94000"), D("9000"), D("85000"))
    assert ex.balance("alice", "BTC").total == D("10") + D("0.2") - D("0.0002")


def test_spot_balance_events_one_per_account_and_coin(ex: Exchange) -> None:
    ex.place_order(NewOrder("bob", SPOT, SELL, LIMIT, "0.1", "30000"))
    ex.place_order(NewOrder("bob", SPOT, SELL, LIMIT, "0.1", "30001"))
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "0.2"))
    balances = [
        (e.balance.account_id, e.balance.coin) for e in result.events if isinstance(e, BalanceChanged)
    ]
    assert sorted(balances) == [("alice", "BTC"), ("alice", "USDT"), ("bob", "BTC"), ("bob", "USDT")]
    final = {
        (e.balance.account_id, e.balance.coin): e.balance
        for e in result.events
        if isinstance(e, BalanceChanged)
    }
    # 0.1 @ 30000 + 0.1 @ 30001 = 6000.1 USDT.
    assert final[("alice", "USDT")].total == D("100000") - D("6000.1")
    assert final[("alice", "USDT")].available == D("100000") - D("6000.1")


def test_negative_maker_fee_is_a_rebate_paid_by_the_fee_account() -> None:
    ex = Exchange()
    ex.add_instrument(
        Instrument(
            symbol="BTCUSDT",
            kind=InstrumentKind.SPOT,
            base="BTC",
            quote="USDT",
            settle="USDT",
            tick_size=D("0.01"),
            lot_size=D("0.000001"),
            min_qty=D("0.000048"),
            max_qty=D("100"),
            maker_fee=D("-0.0001"),
            taker_fee=D("0.001"),
        )
    )
    ex.add_account("maker", balances={"USDT": "30000"})
    ex.add_account("taker", balances={"BTC": "1"})
    ex.place_order(NewOrder("maker", SPOT, BUY, LIMIT, "1", "30000"))
    result = ex.place_order(NewOrder("taker", SPOT, SELL, MARKET, "1"))
    fills = fills_of(result.events)
    # Maker buys 1 BTC: fee -0.0001 BTC (a rebate of 0.0001 BTC). Taker: 0.1% of 30000 = 30 USDT.
    assert (fills["maker"].fee, fills["maker"].fee_coin) == (D("-0.0001"), "BTC")
    assert (fills["taker"].fee, fills["taker"].fee_coin) == (D("30"), "USDT")
    assert ex.balance("maker", "BTC").total == D("1.0001")
    assert ex.balance("maker", "USDT").total == 0
    assert ex.balance("taker", "USDT").total == D("29970")
    fees = ex.accounts[FEES_ACCOUNT].balances
    assert (fees["BTC"].total, fees["USDT"].total) == (D("-0.0001"), D("30"))


def test_ledger_explains_every_balance(ex: Exchange) -> None:
    ex.place_order(NewOrder("bob", SPOT, SELL, LIMIT, "0.5", "30000"))
    ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "0.5"))
    alice = ex.accounts["alice"]
    assert alice.ledger[("USDT", LedgerKind.DEPOSIT)] == D("100000")
    assert alice.ledger[("USDT", LedgerKind.SPOT_TRADE)] == D("-15000")
    assert alice.ledger[("BTC", LedgerKind.SPOT_TRADE)] == D("0.5")
    assert alice.ledger[("BTC", LedgerKind.FEE)] == D("-0.0005")
    assert ("USDT", LedgerKind.FEE) not in alice.ledger
    for account in ex.accounts.values():
        for coin, balance in account.balances.items():
            assert balance.total == account.ledger_total(coin), (account.account_id, coin)


def test_money_is_conserved_across_accounts(ex: Exchange) -> None:
    ex.seed_book(SPOT, bids=[("29990", "1")], asks=[("30010", "1")])
    ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "0.3"))
    ex.place_order(NewOrder("bob", SPOT, SELL, MARKET, "0.7"))
    ex.place_order(NewOrder("alice", SPOT, BUY, LIMIT, "0.25", "30010"))
    for coin, deposited in (("USDT", D("200000")), ("BTC", D("20"))):
        held = sum((a.balances[coin].total for a in ex.accounts.values() if coin in a.balances), D(0))
        assert held == deposited, coin


def test_spot_sell_cannot_spend_locked_base(ex: Exchange) -> None:
    assert ex.place_order(NewOrder("alice", SPOT, SELL, LIMIT, "9", "31000")).ok
    result = ex.place_order(NewOrder("alice", SPOT, SELL, LIMIT, "1.000001", "31000"))
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_BALANCE)
    assert result.message == "the order needs 1.000001 BTC but 1.000000 is available"
    assert ex.place_order(NewOrder("alice", SPOT, SELL, LIMIT, "1", "31000")).ok
    assert ex.available("alice", "BTC") == 0


def test_spot_market_buy_locks_what_it_would_take(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "600"})
    ex.seed_book(SPOT, asks=[("30000", "0.01"), ("30100", "0.01")])
    # 0.02 at market would cost 300 + 301 = 601 > 600.
    result = ex.place_order(NewOrder("carol", SPOT, BUY, MARKET, "0.02"))
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_BALANCE)
    assert ex.place_order(NewOrder("carol", SPOT, BUY, MARKET, "0.019")).ok  # 300 + 0.009 * 30100 = 570.9
    usdt = ex.balance("carol", "USDT")
    assert (usdt.total, usdt.locked) == (D("29.1"), 0)


def test_balance_views(ex: Exchange) -> None:
    ex.place_order(NewOrder("alice", SPOT, BUY, LIMIT, "0.1", "29000"))
    view = ex.balance("alice", "USDT")
    assert view == (
        "alice",
        "USDT",
        D("100000"),
        D("2900"),
        D(0),
        D(0),
        D(0),
        D("97100"),
        D(0),  # borrowed
    )
    assert [b.coin for b in ex.balances("alice")] == ["BTC", "USDT"]
    empty = ex.balance("alice", "ETH")
    assert (empty.total, empty.available) == (0, 0)


def test_deposit_and_withdraw(ex: Exchange) -> None:
    events = ex.deposit("alice", "ETH", "2.5")
    assert [(type(e).__name__, e.balance.coin, e.balance.total) for e in events] == [
        ("BalanceChanged", "ETH", D("2.5"))
    ]
    ex.deposit("alice", "ETH", D("-1"))
    assert ex.balance("alice", "ETH").total == D("1.5")
    assert ex.accounts["alice"].ledger[("ETH", LedgerKind.DEPOSIT)] == D("1.5")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ex: ex.deposit("mallory", "USDT", "1"), "no account 'mallory'"),
        (lambda ex: ex.deposit("alice", "USDT", "NaN"), "must be finite"),
        (lambda ex: ex.deposit("alice", "USDT", "lots"), "must be a number"),
        (lambda ex: ex.add_account("alice"), "already exists"),
        (lambda ex: ex.add_account(""), "non-empty string id"),
        (lambda ex: ex.balance("mallory", "USDT"), "no account 'mallory'"),
        (lambda ex: ex.open_orders("mallory"), "no account 'mallory'"),
        (lambda ex: ex.order("alice", "404"), "has no order '404'"),
        (lambda ex: ex.book("spot:NOPE"), "no instrument 'spot:NOPE'"),
        (lambda ex: ex.set_mark_price("inverse:BTCUSD", "0"), "mark price must be positive"),
        (lambda ex: ex.set_index_price("linear:BTCUSDT", "-1"), "index price must be positive"),
        (lambda ex: ex.schedule_mark_price("linear:BTCUSDT", 0, "0"), "mark price must be positive"),
        (lambda ex: ex.set_settlement_price("linear:BTC-15NOV23", "0"), "settlement price must be positive"),
        (lambda ex: ex.record_trade("linear:BTCUSDT", "1e40", "0.001"), "a scripted trade needs a price"),
        (lambda ex: ex.record_trade("linear:BTCUSDT", "30000", "1e40"), "a scripted trade needs a price"),
    ],
)
def test_setup_and_query_mistakes_raise_core_usage_errors(
    ex: Exchange, call: Callable[[Exchange], object], message: str
) -> None:
    with pytest.raises(CoreUsageError, match=message):
        call(ex)
    # Nothing was half done: the exchange still answers, and no reference price moved.
    assert ex.place_order(NewOrder("alice", SPOT, BUY, LIMIT, "0.01", "20000")).ok
    assert all(m.mark_price is None and m.index_price is None for m in ex.markets.values())
