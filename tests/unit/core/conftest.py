"""Shared fixtures for the unit tests of :mod:`simulator.core`.

The exchange is built with realistic instruments (Bybit-like filters) on a virtual clock that
starts at ``T0_NS`` (2023-11-14 22:13:20 UTC). Test modules cannot import this conftest (the
suite runs with ``--import-mode=importlib``), so constants are repeated where tests need them and
helpers are handed out as fixtures.

Instrument ids used throughout::

    spot:BTCUSDT                 tick 0.01, lot 0.000001, min qty 0.000048, min notional 1
    linear:BTCUSDT               tick 0.10, lot 0.001, min notional 5
    inverse:BTCUSD               tick 0.5, lot 1 contract of 1 USD, settled in BTC
    linear:BTC-15NOV23           linear dated future, expires at T0 + 1 day
    option:BTC-15NOV23-30000-C   call, strike 30000, settled in USDT, expires at T0 + 1 day
    option:BTC-15NOV23-30000-P   put, same strike and expiry
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from simulator.core import (
    NS_PER_S,
    Exchange,
    Instrument,
    InstrumentKind,
    OptionKind,
)

D = Decimal

T0_NS = 1_700_000_000 * NS_PER_S
DAY_NS = 86_400 * NS_PER_S
EXPIRY_NS = T0_NS + DAY_NS

SPOT = "spot:BTCUSDT"
LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
FUTURE = "linear:BTC-15NOV23"
CALL = "option:BTC-15NOV23-30000-C"
PUT = "option:BTC-15NOV23-30000-P"


def spot_instrument(**overrides: Any) -> Instrument:
    fields: dict[str, Any] = {
        "symbol": "BTCUSDT",
        "kind": InstrumentKind.SPOT,
        "base": "BTC",
        "quote": "USDT",
        "settle": "USDT",
        "tick_size": D("0.01"),
        "lot_size": D("0.000001"),
        "min_qty": D("0.000048"),
        "max_qty": D("71.73956243"),
        "min_notional": D("1"),
        "maker_fee": D("0.001"),
        "taker_fee": D("0.001"),
    }
    fields.update(overrides)
    return Instrument(**fields)


def linear_instrument(**overrides: Any) -> Instrument:
    fields: dict[str, Any] = {
        "symbol": "BTCUSDT",
        "kind": InstrumentKind.LINEAR_PERPETUAL,
        "base": "BTC",
        "quote": "USDT",
        "settle": "USDT",
        "tick_size": D("0.10"),
        "lot_size": D("0.001"),
        "min_qty": D("0.001"),
        "max_qty": D("100"),
        "min_notional": D("5"),
        "maker_fee": D("0.0002"),
        "taker_fee": D("0.00055"),
    }
    fields.update(overrides)
    return Instrument(**fields)


def inverse_instrument(**overrides: Any) -> Instrument:
    fields: dict[str, Any] = {
        "symbol": "BTCUSD",
        "kind": InstrumentKind.INVERSE_PERPETUAL,
        "base": "BTC",
        "quote": "USD",
        "settle": "BTC",
        "tick_size": D("0.5"),
        "lot_size": D("1"),
        "min_qty": D("1"),
        "max_qty": D("1000000"),
        "contract_size": D("1"),
        "maker_fee": D("0.0002"),
        "taker_fee": D("0.00055"),
    }
    fields.update(overrides)
    return Instrument(**fields)


def future_instrument(**overrides: Any) -> Instrument:
    fields: dict[str, Any] = {
        "symbol": "BTC-15NOV23",
        "kind": InstrumentKind.LINEAR_FUTURE,
        "base": "BTC",
        "quote": "USDT",
        "settle": "USDT",
        "tick_size": D("0.5"),
        "lot_size": D("0.001"),
        "min_qty": D("0.001"),
        "max_qty": D("100"),
        "min_notional": D("5"),
        "maker_fee": D("0.0002"),
        "taker_fee": D("0.00055"),
        "expiry_ns": EXPIRY_NS,
    }
    fields.update(overrides)
    return Instrument(**fields)


def option_instrument(option_kind: OptionKind, **overrides: Any) -> Instrument:
    letter = "C" if option_kind is OptionKind.CALL else "P"
    fields: dict[str, Any] = {
        "symbol": f"BTC-15NOV23-30000-{letter}",
        "kind": InstrumentKind.OPTION,
        "base": "BTC",
        "quote": "USDT",
        "settle": "USDT",
        "tick_size": D("5"),
        "lot_size": D("0.01"),
        "min_qty": D("0.01"),
        "max_qty": D("500"),
        "maker_fee": D("0.0003"),
        "taker_fee": D("0.0003"),
        "strike": D("30000"),
        "option_kind": option_kind,
        "expiry_ns": EXPIRY_NS,
    }
    fields.update(overrides)
    return Instrument(**fields)


def build_exchange(**kwargs: Any) -> Exchange:
    """An exchange listing every test instrument, with two funded traders ``alice`` and ``bob``."""
    ex = Exchange(**kwargs)
    ex.add_instrument(spot_instrument())
    ex.add_instrument(linear_instrument())
    ex.add_instrument(inverse_instrument())
    ex.add_instrument(future_instrument())
    ex.add_instrument(option_instrument(OptionKind.CALL))
    ex.add_instrument(option_instrument(OptionKind.PUT))
    for account_id in ("alice", "bob"):
        ex.add_account(account_id, balances={"USDT": "100000", "BTC": "10"})
    return ex


@pytest.fixture
def ex() -> Exchange:
    return build_exchange()


@pytest.fixture
def make_exchange() -> Callable[..., Exchange]:
    """``make_exchange(**Exchange kwargs)``: a fresh exchange like the ``ex`` fixture."""
    return build_exchange


def state_of(ex: Exchange, account_id: str = "alice") -> tuple[Any, ...]:
    """Everything a rejected command must leave unchanged, as comparable values."""
    account = ex.accounts[account_id]
    balances = tuple(
        (coin, b.total, b.locked, b.order_margin) for coin, b in sorted(account.balances.items())
    )
    orders = tuple(sorted(ex.open_orders(account_id), key=lambda o: o.order_id))
    positions = tuple(
        (p.instrument_id, p.position_idx, p.size, p.entry_price, p.realized_pnl, p.take_profit, p.stop_loss)
        for p in ex.positions(account_id)
    )
    books = tuple(
        (instrument_id, market.book.seq, tuple(map(tuple, market.book.snapshot())))
        for instrument_id, market in sorted(ex.markets.items())
    )
    conditionals = tuple(
        (instrument_id, tuple(o.order_id for o in market.conditionals))
        for instrument_id, market in sorted(ex.markets.items())
    )
    fees = tuple(sorted((coin, b.total) for coin, b in ex.fees.balances.items()))
    return balances, orders, positions, books, conditionals, fees, len(account.closed_orders)


@pytest.fixture
def snapshot() -> Callable[..., tuple[Any, ...]]:
    """``snapshot(ex, account_id="alice")``: balances, orders, positions, books, triggers, fees."""
    return state_of


def kinds(events: Any) -> list[str]:
    """The class names of ``events``, in order."""
    return [type(e).__name__ for e in events]


@pytest.fixture
def names() -> Callable[[Any], list[str]]:
    """``names(events)``: the event class names in order."""
    return kinds
