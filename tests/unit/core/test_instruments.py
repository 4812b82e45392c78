"""Instrument definitions: ids, filters, precision and contract math."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import Instrument, InstrumentKind, OptionKind
from simulator.core.instruments import MARKET_OF_KIND

BASE: dict[str, Any] = {
    "symbol": "BTCUSDT",
    "kind": InstrumentKind.LINEAR_PERPETUAL,
    "base": "BTC",
    "quote": "USDT",
    "settle": "USDT",
    "tick_size": D("0.10"),
    "lot_size": D("0.001"),
    "min_qty": D("0.001"),
    "max_qty": D("100"),
}


def make(**overrides: Any) -> Instrument:
    return Instrument(**{**BASE, **overrides})


def inverse(**overrides: Any) -> Instrument:
    return make(
        symbol="BTCUSD",
        kind=InstrumentKind.INVERSE_PERPETUAL,
        quote="USD",
        settle="BTC",
        tick_size=D("0.5"),
        lot_size=D("1"),
        min_qty=D("1"),
        max_qty=D("1000000"),
        **overrides,
    )


def option(kind: OptionKind) -> Instrument:
    return make(
        symbol="BTC-15NOV23-30000-C",
        kind=InstrumentKind.OPTION,
        tick_size=D("5"),
        lot_size=D("0.01"),
        min_qty=D("0.01"),
        strike=D("30000"),
        option_kind=kind,
        expiry_ns=1,
    )


@pytest.mark.parametrize(
    ("kind", "expected_id", "market"),
    [
        (InstrumentKind.SPOT, "spot:X", "spot"),
        (InstrumentKind.LINEAR_PERPETUAL, "linear:X", "linear"),
        (InstrumentKind.LINEAR_FUTURE, "linear:X", "linear"),
        (InstrumentKind.INVERSE_PERPETUAL, "inverse:X", "inverse"),
        (InstrumentKind.INVERSE_FUTURE, "inverse:X", "inverse"),
        (InstrumentKind.OPTION, "option:X", "option"),
    ],
)
def test_default_id_is_market_colon_symbol(kind: InstrumentKind, expected_id: str, market: str) -> None:
    extra: dict[str, Any] = {}
    if kind in (InstrumentKind.LINEAR_FUTURE, InstrumentKind.INVERSE_FUTURE, InstrumentKind.OPTION):
        extra["expiry_ns"] = 1
    if kind is InstrumentKind.OPTION:
        extra.update(strike=D("1"), option_kind=OptionKind.CALL)
    inst = make(symbol="X", kind=kind, **extra)
    assert inst.id == expected_id
    assert inst.market == market == MARKET_OF_KIND[kind]


def test_explicit_id_is_kept() -> None:
    assert make(id="bybit-linear-BTCUSDT").id == "bybit-linear-BTCUSDT"


@pytest.mark.parametrize(
    ("tick", "lot", "price_precision", "size_precision"),
    [
        (D("0.10"), D("0.001"), 2, 3),  # the written form counts: 0.10 is two decimals
        (D("0.5"), D("1"), 1, 0),
        (D("0.01"), D("0.000001"), 2, 6),
        (D("5"), D("0.01"), 0, 2),
    ],
)
def test_precision_follows_the_written_step(
    tick: D, lot: D, price_precision: int, size_precision: int
) -> None:
    inst = make(tick_size=tick, lot_size=lot, min_qty=lot)
    assert (inst.price_precision, inst.size_precision) == (price_precision, size_precision)


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"tick_size": D(0)}, "tick_size must be positive"),
        ({"lot_size": D("-0.001")}, "lot_size must be positive"),
        ({"contract_size": D(0)}, "contract_size must be positive"),
        ({"min_qty": D(0)}, "need 0 < min_qty <= max_qty"),
        ({"max_qty": D("0.0005")}, "need 0 < min_qty <= max_qty"),
        ({"settle": "ETH"}, "settle coin ETH must be the base or the quote coin"),
        ({"kind": InstrumentKind.OPTION, "expiry_ns": 1}, "an option needs a strike and an option_kind"),
        ({"kind": InstrumentKind.LINEAR_FUTURE}, "a dated future or option needs expiry_ns"),
        ({"default_leverage": D(200)}, "need 1 <= default_leverage <= max_leverage"),
        ({"default_leverage": D("0.5")}, "need 1 <= default_leverage <= max_leverage"),
    ],
)
def test_invalid_definitions_are_refused(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        make(**overrides)


def test_kind_predicates() -> None:
    spot = make(kind=InstrumentKind.SPOT)
    assert (spot.is_spot, spot.is_derivative, spot.is_perpetual, spot.is_dated) == (True, False, False, False)
    perp = make()
    assert (perp.is_perpetual, perp.is_inverse, perp.is_dated) == (True, False, False)
    inv = inverse()
    assert (inv.is_inverse, inv.is_perpetual) == (True, True)
    future = make(kind=InstrumentKind.INVERSE_FUTURE, quote="USD", settle="BTC", expiry_ns=1)
    assert (future.is_inverse, future.is_dated, future.is_perpetual) == (True, True, False)
    call = option(OptionKind.CALL)
    assert (call.is_option, call.is_dated, call.is_derivative) == (True, True, True)


# -- contract math ---------------------------------------------------------------------------


def test_linear_value_and_pnl() -> None:
    inst = make()
    # 2 BTC at 30000 are worth 60000 USDT.
    assert inst.value(D("30000"), D("2")) == D("60000")
    # Long 2 from 30000 to 31000: 2 * (31000 - 30000) = 2000.
    assert inst.pnl(1, D("30000"), D("31000"), D("2")) == D("2000")
    # Short 2 over the same move loses 2000.
    assert inst.pnl(-1, D("30000"), D("31000"), D("2")) == D("-2000")


def test_linear_contract_size_scales_value_and_pnl() -> None:
    inst = make(contract_size=D("0.01"))
    assert inst.value(D("30000"), D("3")) == D("900")  # 30000 * 3 * 0.01
    assert inst.pnl(1, D("30000"), D("30100"), D("3")) == D("3")  # 3 * 0.01 * 100


def test_inverse_value_and_pnl() -> None:
    inst = inverse()
    # 3000 contracts of 1 USD at 30000 are worth 3000 / 30000 = 0.1 BTC.
    assert inst.value(D("30000"), D("3000")) == D("0.1")
    # Long 3000 from 30000 to 31000: 3000 * (1/30000 - 1/31000) BTC.
    expected = D(3000) * (D(1) / D(30000) - D(1) / D(31000))
    assert inst.pnl(1, D("30000"), D("31000"), D("3000")) == expected
    assert round(expected, 10) == D("0.0032258065")


def test_linear_average_entry_is_quantity_weighted() -> None:
    inst = make()
    # 1 @ 30000 + 3 @ 31000 -> (30000 + 93000) / 4 = 30750.
    assert inst.average_entry(D(1), D(30000), D(3), D(31000)) == D("30750")


def test_inverse_average_entry_is_harmonic() -> None:
    inst = inverse()
    # 1000 @ 30000 + 1000 @ 40000: value 1000/30000 + 1000/40000 = 7/120 BTC,
    # entry = 2000 / (7/120) = 240000/7 = 34285.714..., not the arithmetic 35000.
    entry = inst.average_entry(D(1000), D(30000), D(1000), D(40000))
    assert entry == D(2000) / (D(1000) / D(30000) + D(1000) / D(40000))
    assert round(entry, 6) == D("34285.714286")
    # The position value at the average entry equals the sum of the parts' values.
    assert round(inst.value(entry, D(2000)), 20) == round(D(1000) / D(30000) + D(1000) / D(40000), 20)


@pytest.mark.parametrize(
    ("kind", "underlying", "payoff"),
    [
        (OptionKind.CALL, D("31000"), D("1000")),
        (OptionKind.CALL, D("30000"), D("0")),
        (OptionKind.CALL, D("29000"), D("0")),
        (OptionKind.PUT, D("29000"), D("1000")),
        (OptionKind.PUT, D("30000"), D("0")),
        (OptionKind.PUT, D("31000"), D("0")),
    ],
)
def test_option_intrinsic_value(kind: OptionKind, underlying: D, payoff: D) -> None:
    assert option(kind).intrinsic_value(underlying) == payoff


def test_non_options_have_no_intrinsic_value() -> None:
    assert make().intrinsic_value(D("31000")) == D(0)


def test_price_and_qty_of_ticks_and_lots() -> None:
    inst = make()
    assert inst.price_of(300_005) == D("30000.5")
    assert inst.qty_of(1_500) == D("1.5")


def test_instruments_are_immutable() -> None:
    inst = make()
    with pytest.raises(AttributeError):
        inst.tick_size = D("1")  # type: ignore[misc]
