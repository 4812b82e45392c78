"""Spot margin borrowing: ``Exchange.seed_borrow`` credits the coins and records the liability."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import BalanceChanged, CoreUsageError, Exchange, LedgerKind, NewOrder, OrderType, Side

SPOT = "spot:BTCUSDT"


def test_borrow_credits_wallet_and_records_liability(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "1000"})
    events = ex.seed_borrow("carol", "BTC", "0.5")
    view = ex.balance("carol", "BTC")
    assert (view.total, view.borrowed, view.available) == (D("0.5"), D("0.5"), D("0.5"))
    assert ex.accounts["carol"].borrowed == {"BTC": D("0.5")}
    assert ex.accounts["carol"].ledger[("BTC", LedgerKind.BORROW)] == D("0.5")
    assert view.total == ex.accounts["carol"].ledger_total("BTC")
    changed = [e.balance for e in events if isinstance(e, BalanceChanged)]
    assert [(b.account_id, b.coin, b.borrowed) for b in changed] == [("carol", "BTC", D("0.5"))]
    # A coin never borrowed reports no liability.
    assert ex.balance("carol", "USDT").borrowed == 0


def test_borrows_accumulate_and_survive_spending(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "1000"})
    ex.seed_borrow("carol", "BTC", "0.25")
    ex.seed_borrow("carol", "BTC", D("0.25"))
    ex.place_order(NewOrder("bob", SPOT, Side.BUY, OrderType.LIMIT, "0.5", "30000"))
    # Selling the borrowed coins is what makes the account short: the liability stays.
    result = ex.place_order(NewOrder("carol", SPOT, Side.SELL, OrderType.MARKET, "0.5"))
    assert result.ok, result.message
    view = ex.balance("carol", "BTC")
    assert (view.total, view.borrowed) == (D("0"), D("0.5"))
    assert ex.balance("carol", "USDT").total > D("1000")


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "NaN"])
def test_bad_borrow_amount_raises(ex: Exchange, amount: str) -> None:
    with pytest.raises(CoreUsageError, match="borrow"):
        ex.seed_borrow("alice", "BTC", amount)
    assert ex.accounts["alice"].borrowed == {}


def test_borrow_for_unknown_account_raises(ex: Exchange) -> None:
    with pytest.raises(CoreUsageError, match="add_account"):
        ex.seed_borrow("nobody", "BTC", "1")
