"""Derivatives through the exchange: linear and inverse PnL, margin, options, leverage, hedge mode."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    FEES_ACCOUNT,
    MARKET_ACCOUNT,
    Exchange,
    LedgerKind,
    NewOrder,
    OrderFilled,
    OrderType,
    PositionChanged,
    PositionMode,
    RejectReason,
    Side,
)

LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
CALL = "option:BTC-15NOV23-30000-C"
PUT = "option:BTC-15NOV23-30000-P"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def trade(
    ex: Exchange, instrument_id: str, side: Side, qty: str, price: str, account_id: str = "alice"
) -> OrderFilled:
    """``account_id`` takes ``qty`` at ``price`` from a participant's resting order."""
    ex.participant("mm")
    assert ex.place_order(NewOrder("mm", instrument_id, side.opposite, LIMIT, qty, price)).ok
    result = ex.place_order(NewOrder(account_id, instrument_id, side, MARKET, qty))
    [fill] = [e for e in result.events if isinstance(e, OrderFilled) and e.fill.account_id == account_id]
    return fill


# -- linear ---------------------------------------------------------------------------------------


def test_linear_open_partial_close_and_flip(ex: Exchange) -> None:
    opened = trade(ex, LINEAR, BUY, "2", "30000")
    # Taker fee 2 * 30000 * 0.055% = 33.
    assert (opened.fill.fee, opened.fill.realized_pnl, opened.fill.closed_qty) == (D("33"), 0, 0)
    closed = trade(ex, LINEAR, SELL, "1", "31000")
    # Closing 1 of 2 @ 31000 realizes 1 * (31000 - 30000) = 1000; the entry stays 30000.
    assert (closed.fill.realized_pnl, closed.fill.closed_qty, closed.fill.fee) == (
        D("1000"),
        D("1"),
        D("17.05"),
    )
    position = ex.position("alice", LINEAR)
    assert position is not None
    assert (position.size, position.entry_price, position.realized_pnl, position.fees_paid) == (
        D("1"),
        D("30000"),
        D("1000"),
        D("50.05"),
    )
    assert ex.balance("alice", "USDT").total == D("100000") - D("33") + D("1000") - D("17.05")
    # Sell 3 @ 29000: closes the last 1 (1 * (29000 - 30000) = -1000) and opens a 2 short @ 29000.
    flipped = trade(ex, LINEAR, SELL, "3", "29000")
    assert (flipped.fill.realized_pnl, flipped.fill.closed_qty) == (D("-1000"), D("1"))
    position = ex.position("alice", LINEAR)
    assert position is not None
    assert (position.size, position.entry_price, position.realized_pnl) == (D("-2"), D("29000"), 0)
    # 3 * 29000 * 0.055% = 47.85 more fees.
    assert ex.balance("alice", "USDT").total == D("100000") - D("33") - D("17.05") - D("47.85")
    ledger = ex.accounts["alice"].ledger
    assert ledger[("USDT", LedgerKind.REALIZED_PNL)] == 0
    assert ledger[("USDT", LedgerKind.FEE)] == D("-97.90")


def test_linear_average_entry_when_adding(ex: Exchange) -> None:
    trade(ex, LINEAR, BUY, "1", "30000")
    trade(ex, LINEAR, BUY, "3", "31000")
    position = ex.position("alice", LINEAR)
    assert position is not None and (position.size, position.entry_price) == (D("4"), D("30750"))


def test_unrealized_pnl_margin_and_available_follow_the_mark(ex: Exchange) -> None:
    trade(ex, LINEAR, SELL, "2", "29000")
    ex.set_mark_price(LINEAR, "29500")
    position = ex.position("alice", LINEAR)
    assert position is not None
    # Short 2 from 29000, mark 29500: -1000. Margin 2 * 29000 / 10 = 5800.
    assert (position.mark_price, position.unrealized_pnl, position.initial_margin) == (
        D("29500"),
        D("-1000"),
        D("5800"),
    )
    # Maintenance at mark: 59000 * 0.5% = 295.
    assert position.maintenance_margin == D("295")
    fee = D("2") * D("29000") * D("0.00055")  # 31.9
    balance = ex.balance("alice", "USDT")
    assert (balance.total, balance.position_margin, balance.unrealized_pnl) == (
        D("100000") - fee,
        D("5800"),
        D("-1000"),
    )
    assert balance.available == D("100000") - fee - D("5800") - D("1000")
    # Unrealized gains never add to what is available.
    ex.set_mark_price(LINEAR, "28000")
    balance = ex.balance("alice", "USDT")
    assert (balance.unrealized_pnl, balance.available) == (D("2000"), D("100000") - fee - D("5800"))


def test_mark_move_emits_position_and_balance_updates_for_holders(ex: Exchange) -> None:
    trade(ex, LINEAR, BUY, "1", "30000")
    events = ex.set_mark_price(LINEAR, "30100")
    names = [type(e).__name__ for e in events]
    assert names[0] == "MarkPriceChanged"
    assert ("BalanceChanged" in names) and all(n != "OrderFilled" for n in names)
    balance = next(
        e.balance for e in events if type(e).__name__ == "BalanceChanged" and e.balance.account_id == "alice"
    )
    assert balance.unrealized_pnl == D("100")


# -- inverse ---------------------------------------------------------------------------------------


def test_inverse_long_closed_higher(ex: Exchange) -> None:
    opened = trade(ex, INVERSE, BUY, "3000", "30000")
    # 3000 USD of contracts at 30000 are worth 0.1 BTC; fee 0.1 * 0.055% = 0.000055 BTC.
    assert (opened.fill.value, opened.fill.fee, opened.fill.fee_coin) == (D("0.1"), D("0.000055"), "BTC")
    position = ex.position("alice", INVERSE)
    assert position is not None and position.initial_margin == D("0.01")  # 0.1 BTC / 10
    closed = trade(ex, INVERSE, SELL, "3000", "31000")
    expected = D(3000) * (D(1) / D(30000) - D(1) / D(31000))  # 0.00322580645... BTC
    assert closed.fill.realized_pnl == expected
    assert round(expected, 12) == D("0.003225806452")
    close_fee = D(3000) / D(31000) * D("0.00055")
    assert closed.fill.fee == close_fee
    # Inverse values are not finite decimals: compare to 18 places (Decimal keeps 28 digits).
    total = ex.balance("alice", "BTC").total
    assert round(total, 18) == round(D("10") - D("0.000055") + expected - close_fee, 18)
    assert round(total, 12) == D("10.003117580645")
    position = ex.position("alice", INVERSE)
    assert position is not None and (position.size, position.entry_price) == (0, 0)


def test_inverse_harmonic_average_entry(ex: Exchange) -> None:
    trade(ex, INVERSE, BUY, "1000", "30000")
    trade(ex, INVERSE, BUY, "1000", "40000")
    position = ex.position("alice", INVERSE)
    assert position is not None
    # 2000 / (1000/30000 + 1000/40000) = 240000 / 7 = 34285.714..., not 35000.
    assert position.entry_price == D(2000) / (D(1000) / D(30000) + D(1000) / D(40000))
    assert round(position.entry_price, 3) == D("34285.714")
    # The position is worth what its parts cost: 1000/30000 + 1000/40000 = 7/120 BTC.
    assert round(position.value, 20) == round(D(7) / D(120), 20)


def test_inverse_short_pnl(ex: Exchange) -> None:
    trade(ex, INVERSE, SELL, "6000", "30000")
    ex.set_mark_price(INVERSE, "25000")
    position = ex.position("alice", INVERSE)
    assert position is not None
    # Short 6000 contracts from 30000 to 25000: 6000 * (1/25000 - 1/30000) = 0.04 BTC.
    assert position.unrealized_pnl == D(-1) * D(6000) * (D(1) / D(30000) - D(1) / D(25000))
    assert round(position.unrealized_pnl, 18) == D("0.04")


# -- options ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("premium", "index", "fee"),
    [
        # 1 call at 500, index 31000: 0.03% * 31000 = 9.3 < 7% * 500 = 35 -> 9.3.
        ("500", "31000", D("9.3")),
        # 1 call at 100: 9.3 > 7% * 100 = 7 -> capped at 7.
        ("100", "31000", D("7")),
        # 1 call at 130, index 30000: 9 < 9.1 -> 9.
        ("130", "30000", D("9")),
    ],
)
def test_option_fee_is_capped_at_seven_percent_of_the_premium(
    ex: Exchange, premium: str, index: str, fee: D
) -> None:
    ex.set_index_price(CALL, index)
    fill = trade(ex, CALL, BUY, "1", premium)
    assert (fill.fill.value, fill.fill.fee, fill.fill.fee_coin) == (D(premium), fee, "USDT")


def test_option_premium_flows_from_buyer_to_seller(ex: Exchange) -> None:
    ex.set_index_price(CALL, "31000")
    ex.place_order(NewOrder("bob", CALL, SELL, LIMIT, "2", "500"))
    result = ex.place_order(NewOrder("alice", CALL, BUY, MARKET, "2"))
    fills = {e.fill.account_id: e.fill for e in result.events if isinstance(e, OrderFilled)}
    # Premium 2 * 500 = 1000; each side pays min(0.03% * 31000 * 2, 7% * 1000) = 18.6.
    assert fills["alice"].fee == fills["bob"].fee == D("18.6")
    assert ex.balance("alice", "USDT").total == D("100000") - D("1000") - D("18.6")
    assert ex.balance("bob", "USDT").total == D("100000") + D("1000") - D("18.6")
    alice, bob = ex.accounts["alice"].ledger, ex.accounts["bob"].ledger
    assert (alice[("USDT", LedgerKind.PREMIUM)], bob[("USDT", LedgerKind.PREMIUM)]) == (D("-1000"), D("1000"))
    assert ex.accounts[FEES_ACCOUNT].balances["USDT"].total == D("37.2")
    long, short = ex.position("alice", CALL), ex.position("bob", CALL)
    assert long is not None and short is not None
    assert (long.size, long.entry_price, long.initial_margin) == (D("2"), D("500"), 0)
    # The short holds the mark premium (no mark: last 500) + 10% of the index: 2 * (500 + 3100).
    assert (short.size, short.initial_margin) == (D("-2"), D("7200"))


@pytest.mark.parametrize(
    ("qty", "cost"),
    [
        ("1", D("509.3")),  # 500 premium + min(0.03% * 31000, 7% * 500) = 9.3
        ("2", D("1018.6")),  # 1000 premium + 18.6
    ],
)
def test_option_buyer_needs_the_premium_and_the_fee(ex: Exchange, qty: str, cost: D) -> None:
    ex.add_account("carol", balances={"USDT": cost - D("0.01")})
    ex.set_index_price(CALL, "31000")
    ex.place_order(NewOrder("bob", CALL, SELL, LIMIT, qty, "500"))
    result = ex.place_order(NewOrder("carol", CALL, BUY, MARKET, qty))
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_MARGIN)
    ex.deposit("carol", "USDT", "0.01")
    assert ex.place_order(NewOrder("carol", CALL, BUY, MARKET, qty)).ok
    balance = ex.balance("carol", "USDT")
    assert (balance.total, balance.available) == (0, 0)
    position = ex.position("carol", CALL)
    assert position is not None and position.size == D(qty)


def test_option_seller_locks_premium_plus_a_tenth_of_the_underlying(ex: Exchange) -> None:
    ex.set_index_price(PUT, "30000")
    ex.place_order(NewOrder("alice", PUT, SELL, LIMIT, "1", "800"))
    # 800 premium + 10% * 30000 = 3800, plus the worst-case fee min(9, 56) = 9.
    assert ex.balance("alice", "USDT").order_margin == D("3809")


# -- leverage ----------------------------------------------------------------------------------------


def test_leverage_changes_position_margin_and_is_reported(ex: Exchange) -> None:
    trade(ex, LINEAR, BUY, "1", "30000")
    result = ex.set_leverage("alice", LINEAR, "20")
    assert result.ok
    [event] = [e for e in result.events if isinstance(e, PositionChanged)]
    assert (event.position.leverage, event.position.initial_margin) == (D("20"), D("1500"))
    assert ex.balance("alice", "USDT").position_margin == D("1500")
    # Orders are costed at the account's leverage: 1 BTC @ 30000 / 20 + fee 16.5.
    ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "1", "29000"))
    assert ex.balance("alice", "USDT").order_margin == D("1450") + D("15.95")


def test_leverage_change_recosts_open_orders(ex: Exchange) -> None:
    placed = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "1", "30000"))
    assert placed.order is not None
    # At 10x: 3000 + 16.5 fee. At 20x: 1500 + 16.5.
    assert ex.balance("alice", "USDT").order_margin == D("3016.5")
    assert ex.set_leverage("alice", LINEAR, "20").ok
    assert ex.balance("alice", "USDT").order_margin == D("1516.5")
    assert ex.set_leverage("alice", LINEAR, "2").ok
    assert ex.balance("alice", "USDT").order_margin == D("15016.5")
    assert ex.accounts["alice"].open_orders[placed.order.order_id].locked == D("15016.5")


def test_leverage_decrease_that_open_orders_cannot_afford_is_rejected(
    ex: Exchange, snapshot: Callable[..., Any]
) -> None:
    ex.add_account("carol", balances={"USDT": "5000"})
    assert ex.place_order(NewOrder("carol", LINEAR, BUY, LIMIT, "1", "30000")).ok
    before = snapshot(ex, "carol")
    # At 1x the resting order would need 30016.5: more than carol has.
    result = ex.set_leverage("carol", LINEAR, "1")
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_MARGIN)
    assert snapshot(ex, "carol") == before
    # Had it been accepted, the fill would have liquidated her at once.
    ex.participant("mm")
    events = ex.place_order(NewOrder("mm", LINEAR, SELL, MARKET, "1")).events
    assert [type(e).__name__ for e in events].count("PositionLiquidated") == 0
    position = ex.position("carol", LINEAR)
    assert position is not None and position.size == D("1")


def test_leverage_accepts_ints_and_decimals(ex: Exchange) -> None:
    assert ex.set_leverage("alice", LINEAR, 25).ok
    assert ex.set_leverage("alice", LINEAR, D("12.5")).ok
    assert ex.accounts["alice"].leverage[LINEAR] == D("12.5")
    assert ex.set_leverage("alice", LINEAR, "100").ok


# -- hedge mode ---------------------------------------------------------------------------------------


def test_hedge_mode_holds_a_long_and_a_short(ex: Exchange) -> None:
    assert ex.set_position_mode("alice", LINEAR, PositionMode.HEDGE).ok
    ex.participant("mm")
    ex.place_order(NewOrder("mm", LINEAR, SELL, LIMIT, "1", "30000"))
    ex.place_order(NewOrder("mm", LINEAR, BUY, LIMIT, "2", "29900"))
    assert ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "1", position_idx=1)).ok
    assert ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "0.5", position_idx=2)).ok
    long, short = ex.position("alice", LINEAR, 1), ex.position("alice", LINEAR, 2)
    assert long is not None and short is not None
    assert (long.size, long.entry_price, short.size, short.entry_price) == (
        D("1"),
        D("30000"),
        D("-0.5"),
        D("29900"),
    )
    # A sell on index 1 closes the long (it is reduce-only by nature): capped at the long's size.
    closing = ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "5", position_idx=1))
    assert closing.order is not None and closing.order.reduce_only and closing.order.qty == D("1")
    long = ex.position("alice", LINEAR, 1)
    assert long is not None and (long.size, long.realized_pnl) == (0, D("-100"))
    short = ex.position("alice", LINEAR, 2)
    assert short is not None and short.size == D("-0.5")


# -- seeded positions ------------------------------------------------------------------------------


def test_seed_position_gives_the_counterparty_the_other_side(ex: Exchange) -> None:
    events = ex.seed_position("alice", LINEAR, "1.5", "30000")
    assert sorted(
        (e.position.account_id, e.position.size) for e in events if isinstance(e, PositionChanged)
    ) == [
        (MARKET_ACCOUNT, D("-1.5")),
        ("alice", D("1.5")),
    ]
    assert ex.balance("alice", "USDT").total == D("100000")  # no cash changes hands
    assert ex.market(LINEAR).holders.keys() == {("alice", 0), (MARKET_ACCOUNT, 0)}


def test_inverse_order_average_price_is_harmonic(ex: Exchange) -> None:
    ex.participant("mm")
    ex.place_order(NewOrder("mm", INVERSE, SELL, LIMIT, "1000", "30000"))
    ex.place_order(NewOrder("mm", INVERSE, SELL, LIMIT, "1000", "40000"))
    result = ex.place_order(NewOrder("alice", INVERSE, BUY, MARKET, "2000"))
    assert result.order is not None
    view = ex.order("alice", result.order.order_id)
    # Value 1000/30000 + 1000/40000 = 7/120 BTC; 2000 / (7/120) = 34285.71..., not 35000.
    assert view.cum_value == D(1000) / D(30000) + D(1000) / D(40000)
    assert view.avg_price == D(2000) / view.cum_value
    assert round(view.avg_price, 2) == D("34285.71")


def test_hedge_mode_trading_stop_protects_one_side(ex: Exchange) -> None:
    assert ex.set_position_mode("alice", LINEAR, PositionMode.HEDGE).ok
    ex.seed_position("alice", LINEAR, "1", "30000", position_idx=1)
    ex.seed_position("alice", LINEAR, "-2", "30000", position_idx=2)
    ex.record_trade(LINEAR, "30000", "0.001")
    assert ex.set_trading_stop("alice", LINEAR, position_idx=1, stop_loss="29000").ok
    assert (
        ex.set_trading_stop("alice", LINEAR, position_idx=0, stop_loss="29000").reason
        is RejectReason.INVALID_ORDER
    )
    ex.participant("mm")
    ex.place_order(NewOrder("mm", LINEAR, BUY, LIMIT, "5", "28900"))
    ex.record_trade(LINEAR, "29000", "0.001")
    long, short = ex.position("alice", LINEAR, 1), ex.position("alice", LINEAR, 2)
    assert long is not None and short is not None
    # Only the long was closed (sold at 28900: -1100); the short is untouched.
    assert (long.size, long.realized_pnl, short.size) == (0, D("-1100"), D("-2"))
