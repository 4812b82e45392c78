"""Fixtures for the Bybit codec tests: the reference's example instruments and core views.

The instruments are those of the reference's §6 examples:

    spot:BTCUSDT                       tick 0.01, basePrecision 0.000001
    linear:BTCUSDT                     tick 0.10, qtyStep 0.001
    inverse:BTCUSD                     tick 0.50, qtyStep 1
    option:BTC-27MAR26-70000-P-USDT    tick 5, qtyStep 0.01

Test modules cannot import this conftest (``--import-mode=importlib``), so helpers are handed
out as fixtures.
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
    OptionKind,
    OrderStatus,
    OrderType,
    OrderView,
    PositionView,
    Side,
    TimeInForce,
    VirtualClock,
    catalog,
)
from simulator.dialects.bybit.codec.fixtures import build_fixtures

D = Decimal
T0_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z
EXPIRY_NS = 1_774_598_400 * NS_PER_S  # 2026-03-27T08:00:00Z


def _instruments() -> dict[str, Instrument]:
    return {
        "spot": catalog.btc_spot(),
        "linear": catalog.btc_linear_perpetual(),
        "future": catalog.btc_linear_future("BTC-27MAR26", EXPIRY_NS),
        "inverse": catalog.btc_inverse_perpetual(),
        "inverse_future": catalog.btc_inverse_future("BTCUSDH26", EXPIRY_NS),
        "option": catalog.btc_option("BTC-27MAR26-70000-P-USDT", 70000, OptionKind.PUT, EXPIRY_NS),
    }


@pytest.fixture
def inst() -> dict[str, Instrument]:
    """The reference's example instruments by short name (spot, linear, future, inverse…)."""
    return _instruments()


def _order_view(instrument: Instrument, **overrides: Any) -> OrderView:
    fields: dict[str, Any] = {
        "order_id": "1000",
        "client_order_id": "cli-1",
        "account_id": "alice",
        "instrument": instrument,
        "side": Side.BUY,
        "order_type": OrderType.LIMIT,
        "time_in_force": TimeInForce.GTC,
        "post_only": False,
        "reduce_only": False,
        "close_on_trigger": False,
        "quote_quantity": False,
        "position_idx": 0,
        "price_ticks": int(D("29000") / instrument.tick_size),
        "qty_lots": int(D("0.01") / instrument.lot_size) or 10,
        "filled_lots": 0,
        "cum_value": D(0),
        "cum_fee": D(0),
        "status": OrderStatus.NEW,
        "trigger_price": None,
        "trigger_by": None,
        "trigger_direction": None,
        "stop_kind": None,
        "expire_ns": None,
        "cancel_reason": None,
        "reject_reason": None,
        "created_ns": T0_NS,
        "updated_ns": T0_NS + 2_000_000,
        "last_price_on_created": D("30000.1"),
    }
    fields.update(overrides)
    return OrderView(**fields)


@pytest.fixture
def order_view(inst: dict[str, Instrument]) -> Callable[..., OrderView]:
    """``order_view(kind="linear", **fields)``: a resting limit buy 0.01 @ 29000, overridable."""

    def make(kind: str = "linear", **overrides: Any) -> OrderView:
        return _order_view(inst[kind], **overrides)

    return make


@pytest.fixture
def position_view(inst: dict[str, Instrument]) -> Callable[..., PositionView]:
    """``position_view(kind="linear", **fields)``: a long 0.010 @ 30000.1 marked at 30000.55."""

    def make(kind: str = "linear", **overrides: Any) -> PositionView:
        fields: dict[str, Any] = {
            "account_id": "alice",
            "instrument": inst[kind],
            "position_idx": 0,
            "size": D("0.010"),
            "entry_price": D("30000.1"),
            "leverage": D("10"),
            "realized_pnl": D("0"),
            "fees_paid": D("0.165"),
            "funding": D("0"),
            "mark_price": D("30000.55"),
            "unrealized_pnl": D("0.0045"),
            "initial_margin": D("30.0001"),
            "maintenance_margin": D("1.50002750"),
            "take_profit": None,
            "stop_loss": None,
            "created_ns": T0_NS,
            "updated_ns": T0_NS + 5_000_000_000,
        }
        fields.update(overrides)
        return PositionView(**fields)

    return make


@pytest.fixture
def venue(inst: dict[str, Instrument]) -> Exchange:
    """An exchange listing the example instruments with books around 30000 and a funded ``alice``."""
    ex = Exchange(VirtualClock(T0_NS))
    prices = {
        "spot": ("30000.00", "29999.99", "30000.01", ("1.500000", "2.000000")),
        "linear": ("30000.1", "30000.0", "30000.1", ("1.500", "2.000")),
        "future": ("30100.0", "30099.5", "30100.5", ("0.500", "0.700")),
        "inverse": ("30000.0", "29999.5", "30000.0", ("1500", "2000")),
        "inverse_future": ("30050.0", "30049.5", "30050.0", ("900", "1100")),
        "option": ("1000", "995", "1005", ("1.50", "2.00")),
    }
    for name, instrument in inst.items():
        last, bid, ask, sizes = prices[name]
        mark = None if instrument.is_spot else last
        ex.add_instrument(instrument, last_price=last, mark_price=mark, index_price="30001.22")
        step = instrument.tick_size
        ex.seed_book(
            instrument.id,
            bids=[(D(bid) - step * n, qty) for n, qty in enumerate(sizes)],
            asks=[(D(ask) + step * n, qty) for n, qty in enumerate(sizes)],
        )
    ex.add_account("alice", balances={"USDT": "100000", "BTC": "10", "USDC": "500"})
    return ex


@pytest.fixture(scope="session")
def fixtures() -> dict[str, tuple[str, Any]]:
    """The generated test_data payloads, ``{file stem: (schema name, payload)}`` (built once)."""
    return build_fixtures()
