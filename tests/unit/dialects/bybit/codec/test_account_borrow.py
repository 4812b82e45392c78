"""Wallet rows of a spot margin borrow: ``borrowAmount``/``spotBorrow`` owed, equity net of it."""

from __future__ import annotations

from decimal import Decimal as D

from simulator.core import BalanceView
from simulator.dialects.bybit.codec import account, schemas


def _view(coin: str, total: str, borrowed: str) -> BalanceView:
    return BalanceView("alice", coin, D(total), D(0), D(0), D(0), D(0), D(total), D(borrowed))


def _wallet_after_selling_a_loan() -> dict:
    # 0.5 BTC borrowed and sold for 50 USDT: the wallet holds no BTC, the loan is still owed.
    balances = [_view("USDT", "10050", "0"), _view("BTC", "0", "0.5")]
    return account.wallet_account(balances, [], {"USDT": D(1), "BTC": D(100)})


def test_a_sold_loan_is_owed_and_counts_against_equity() -> None:
    payload = _wallet_after_selling_a_loan()
    usdt, btc = payload["coin"]
    assert (btc["walletBalance"], btc["borrowAmount"], btc["spotBorrow"]) == ("0", "0.5", "0.5")
    assert (btc["equity"], btc["usdValue"]) == ("-0.5", "-50")
    assert (usdt["borrowAmount"], usdt["spotBorrow"], usdt["equity"]) == ("0", "0", "10050")
    assert payload["totalEquity"] == payload["totalMarginBalance"] == "10000"
    assert payload["accountLTV"] == "0.005"  # 50 / (10000 + 50)


def test_a_held_loan_is_in_the_wallet_and_nets_out_of_equity() -> None:
    payload = account.wallet_account([_view("BTC", "1.5", "0.5")], [], {"BTC": D(100)})
    (btc,) = payload["coin"]
    assert (btc["walletBalance"], btc["spotBorrow"], btc["equity"]) == ("1.5", "0.5", "1")
    assert payload["totalWalletBalance"] == "150"
    assert payload["totalEquity"] == "100"


def test_borrow_payloads_match_the_schemas() -> None:
    wallet = _wallet_after_selling_a_loan()
    rest = {"retCode": 0, "retMsg": "OK", "result": {"list": [wallet]}, "retExtInfo": {}, "time": 1}
    schemas.validate("http_get_account_wallet_balance", rest)
    ws = {"id": "1-wallet", "topic": "wallet", "creationTime": 1, "data": [wallet]}
    schemas.validate("ws_wallet", ws)
