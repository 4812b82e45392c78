"""Accounts with ``borrow``: spot margin loans seeded when the venue is built."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import LedgerKind
from simulator.scenario import ScenarioError, build_exchange, parse_scenario

TEXT = """\
version: 1
dialect: bybit
instruments:
  - {symbol: BTCUSDT, kind: spot, base: BTC, quote: USDT, tick_size: 0.01, lot_size: 0.0001,
     min_qty: 0.0001, max_qty: 100, price: 100}
accounts:
  - id: alice
    balances: {USDT: 1000, BTC: 1}
    borrow: {BTC: "0.5"}
"""


def test_a_borrow_is_credited_and_owed() -> None:
    ex = build_exchange(parse_scenario(TEXT)).exchange
    view = ex.balance("alice", "BTC")
    assert (view.total, view.borrowed) == (D("1.5"), D("0.5"))
    assert ex.accounts["alice"].ledger[("BTC", LedgerKind.BORROW)] == D("0.5")
    assert ex.balance("alice", "USDT").borrowed == 0


@pytest.mark.parametrize("amount", ['"0"', "-1", '"lots"'])
def test_a_borrow_must_be_a_positive_number(amount: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(TEXT.replace('"0.5"', amount), name="x.yaml")
    assert "x.yaml:9:19: accounts[0].borrow.BTC: expected a positive number" in str(info.value)


def test_a_borrow_names_coins_in_capitals() -> None:
    with pytest.raises(ScenarioError, match="capitals"):
        parse_scenario(TEXT.replace("{BTC: ", "{btc: "), name="x.yaml")
