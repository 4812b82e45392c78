"""Risk: order costs, available balance, and what the venue does when a trader runs short.

The rule (simulator.core.risk): when a trader's available balance in a coin goes negative, the
venue cancels its open orders in that coin (reason LIQUIDATION); if that is not enough, its
positions in the coin pass to the insurance account at the mark, and a negative wallet is made
whole from the insurance fund (BAD_DEBT).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from simulator.core import (
    INSURANCE_ACCOUNT,
    CancelReason,
    Exchange,
    LedgerKind,
    NewOrder,
    OrderCancelled,
    OrderType,
    PositionLiquidated,
    Side,
)
from simulator.core.risk import OPTION_FEE_CAP, fee_for, order_cost, reducible_lots, walk

LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
SPOT = "spot:BTCUSDT"
CALL = "option:BTC-15NOV23-30000-C"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def open_long(ex: Exchange, account_id: str, qty: str, price: str, instrument_id: str = LINEAR) -> None:
    ex.participant("mm")
    assert ex.place_order(NewOrder("mm", instrument_id, SELL, LIMIT, qty, price)).ok
    assert ex.place_order(NewOrder(account_id, instrument_id, BUY, MARKET, qty)).ok


def test_orders_are_cancelled_first_then_the_position_is_taken_over(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "3500"})
    open_long(ex, "carol", "1", "30000")
    # Fee 16.5: 3483.5 in the wallet, 3000 margin. A resting bid locks 0.01 * 20000 / 10 + 0.11.
    resting = ex.place_order(NewOrder("carol", LINEAR, BUY, LIMIT, "0.01", "20000"))
    assert resting.order is not None
    assert ex.available("carol", "USDT") == D("463.39")
    # Mark 29500: -500 unrealized -> 463.39 - 500 < 0. Cancelling the bid gives back 20.11, not
    # enough (-16.5): the position goes to the insurance account at 29500, realizing -500.
    events = ex.set_mark_price(LINEAR, "29500")
    names = [type(e).__name__ for e in events]
    assert names[:3] == ["MarkPriceChanged", "OrderCancelled", "PositionLiquidated"]
    cancelled = events[1]
    assert isinstance(cancelled, OrderCancelled)
    assert (cancelled.order.order_id, cancelled.reason) == (resting.order.order_id, CancelReason.LIQUIDATION)
    liquidated = events[2]
    assert isinstance(liquidated, PositionLiquidated)
    assert (liquidated.account_id, liquidated.instrument_id, liquidated.size, liquidated.price) == (
        "carol",
        LINEAR,
        D("1"),
        D("29500"),
    )
    carol = ex.position("carol", LINEAR)
    assert carol is not None and (carol.size, carol.realized_pnl) == (0, D("-500"))
    balance = ex.balance("carol", "USDT")
    assert (balance.total, balance.order_margin, balance.position_margin, balance.available) == (
        D("2983.5"),
        0,
        0,
        D("2983.5"),
    )
    insurance = ex.position(INSURANCE_ACCOUNT, LINEAR)
    assert insurance is not None and (insurance.size, insurance.entry_price) == (D("1"), D("29500"))
    assert ("USDT", LedgerKind.BAD_DEBT) not in ex.accounts["carol"].ledger


def test_cancelling_orders_can_be_enough(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "3500"})
    open_long(ex, "carol", "1", "30000")
    resting = ex.place_order(NewOrder("carol", LINEAR, BUY, LIMIT, "0.1", "29000"))
    assert resting.order is not None
    # The bid locks 290 + 1.595: available 483.5 - 291.595 = 191.905. Mark 29700: -300.
    events = ex.set_mark_price(LINEAR, "29700")
    assert [type(e).__name__ for e in events if isinstance(e, (OrderCancelled, PositionLiquidated))] == [
        "OrderCancelled"
    ]
    position = ex.position("carol", LINEAR)
    assert position is not None and position.size == D("1")
    assert ex.available("carol", "USDT") == D("183.5")  # 3483.5 - 3000 - 300


def test_bad_debt_is_covered_by_the_insurance_fund(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "3100"})
    open_long(ex, "carol", "1", "30000")
    events = ex.set_mark_price(LINEAR, "26000")
    assert [type(e).__name__ for e in events].count("PositionLiquidated") == 1
    # 3100 - 16.5 fee - 4000 realized = -916.5, made whole by the insurance fund.
    carol = ex.accounts["carol"]
    assert carol.ledger[("USDT", LedgerKind.REALIZED_PNL)] == D("-4000")
    assert carol.ledger[("USDT", LedgerKind.BAD_DEBT)] == D("916.5")
    assert ex.balance("carol", "USDT").total == 0
    insurance = ex.accounts[INSURANCE_ACCOUNT]
    assert insurance.ledger[("USDT", LedgerKind.BAD_DEBT)] == D("-916.5")
    # Wallets plus open PnL still add up to what was deposited.
    deposited = D("100000") * 2 + D("3100")
    wallets = sum((a.balances["USDT"].total for a in ex.accounts.values() if "USDT" in a.balances), D(0))
    open_pnl = sum((p.unrealized_pnl for a in ex.accounts for p in ex.positions(a)), D(0))
    assert wallets + open_pnl == deposited


@pytest.mark.parametrize("mark", ["29900", "29000", "25000", "20000", "1000"])
def test_available_is_never_negative_after_a_mark_move(ex: Exchange, mark: str) -> None:
    for account_id, cash in (("carol", "3100"), ("dave", "5000"), ("erin", "40000")):
        ex.add_account(account_id, balances={"USDT": cash})
        open_long(ex, account_id, "1", "30000")
        ex.place_order(NewOrder(account_id, LINEAR, BUY, LIMIT, "0.01", "20000"))
    ex.set_mark_price(LINEAR, mark)
    for account_id in ("carol", "dave", "erin", "alice", "bob"):
        assert ex.available(account_id, "USDT") >= 0, account_id
        assert ex.balance(account_id, "USDT").total >= 0, account_id


def test_a_mark_move_only_touches_holders(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "3100"})
    open_long(ex, "carol", "1", "30000")
    alice_order = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "20000"))
    ex.set_mark_price(LINEAR, "20000")
    assert alice_order.order is not None
    assert ex.order("alice", alice_order.order.order_id).status.is_open


def test_liquidation_takes_every_position_in_the_coin(ex: Exchange) -> None:
    ex.add_account("carol", balances={"USDT": "6200"})
    open_long(ex, "carol", "1", "30000")
    ex.participant("mm")
    ex.place_order(NewOrder("mm", "linear:BTC-15NOV23", SELL, LIMIT, "1", "30000"))
    ex.place_order(NewOrder("carol", "linear:BTC-15NOV23", BUY, MARKET, "1"))
    # Two positions of 3000 margin each; 6200 - 33 fees = 6167: 167 available.
    assert ex.available("carol", "USDT") == D("167")
    events = ex.set_mark_price(LINEAR, "29800")
    assert sorted(e.instrument_id for e in events if isinstance(e, PositionLiquidated)) == [
        "linear:BTC-15NOV23",
        LINEAR,
    ]
    assert ex.positions("carol")[0].size == 0 and ex.positions("carol")[1].size == 0


def test_inverse_liquidation_in_the_base_coin(ex: Exchange) -> None:
    ex.add_account("carol", balances={"BTC": "0.0102"})
    open_long(ex, "carol", "3000", "30000", INVERSE)
    # 0.1 BTC of contracts at 10x hold 0.01; fee 0.000055 -> 0.000145 available.
    assert ex.available("carol", "BTC") == D("0.000145")
    events = ex.set_mark_price(INVERSE, "29500")
    [liquidated] = [e for e in events if isinstance(e, PositionLiquidated)]
    assert (liquidated.size, liquidated.price) == (D("3000"), D("29500"))
    expected = D(3000) * (D(1) / D(30000) - D(1) / D(29500))
    assert round(ex.balance("carol", "BTC").total, 20) == round(D("0.0102") - D("0.000055") + expected, 20)
    assert ex.available("carol", "BTC") >= 0


def test_spot_accounts_are_never_liquidated(ex: Exchange) -> None:
    placed = ex.place_order(NewOrder("alice", SPOT, BUY, LIMIT, "3", "30000"))
    assert placed.ok
    ex.set_mark_price(SPOT, "1")
    assert placed.order is not None and ex.order("alice", placed.order.order_id).status.is_open


# -- the building blocks ---------------------------------------------------------------------------


def test_walk_takes_levels_up_to_the_limit(ex: Exchange) -> None:
    ex.seed_book(LINEAR, asks=[("30000", "0.5"), ("30010", "0.5"), ("30020", "1")])
    book = ex.market(LINEAR).book
    assert walk(book, BUY, 800, None) == [(300000, 500), (300100, 300)]
    assert walk(book, BUY, 5000, 300100) == [(300000, 500), (300100, 500)]
    assert walk(book, SELL, 100, None) == []


def test_order_cost_prices_the_crossing_part_at_the_book(ex: Exchange) -> None:
    ex.seed_book(LINEAR, asks=[("30000", "0.5")])
    account = ex.accounts["alice"]
    market = ex.market(LINEAR)
    # 1 BTC buy limit 31000: 0.5 at 30000 (1500 + 8.25) and 0.5 resting at 31000 (1550 + 8.525).
    assert order_cost(account, market, BUY, 1000, 310000, 0, False) == ("USDT", D("3066.775"))
    # Reduce-only orders cost nothing.
    assert order_cost(account, market, BUY, 1000, 310000, 0, True) == ("USDT", 0)
    spot_market = ex.market(SPOT)
    assert order_cost(account, spot_market, SELL, 250_000, None, 0, False) == ("BTC", D("0.25"))


def test_reducible_lots(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "-0.4", "30000")
    account = ex.accounts["alice"]
    inst = ex.instrument(LINEAR)
    assert reducible_lots(account, inst, BUY, 0) == 400
    assert reducible_lots(account, inst, SELL, 0) == 0
    assert reducible_lots(account, ex.instrument(SPOT), SELL, 0) == 0
    assert reducible_lots(account, ex.instrument(INVERSE), BUY, 0) == 0


@pytest.mark.parametrize(
    ("rate", "value", "qty", "underlying", "expected"),
    [
        (D("0.0003"), D("500"), D("1"), D("31000"), D("9.3")),
        (D("0.0003"), D("100"), D("1"), D("31000"), D("7")),
        (D("0.0003"), D("100"), D("1"), None, D("7")),  # no index: the strike (30000) -> 9 > 7
        (D("0.0003"), D("500"), D("1"), None, D("9")),
    ],
)
def test_option_fee_rule(ex: Exchange, rate: D, value: D, qty: D, underlying: D | None, expected: D) -> None:
    assert D("0.07") == OPTION_FEE_CAP  # Bybit: option fees are capped at 7% of the premium
    assert fee_for(ex.instrument(CALL), rate, value, qty, underlying) == expected
    # Everything else pays the rate on the value.
    assert fee_for(ex.instrument(LINEAR), rate, value, qty, underlying) == value * rate
