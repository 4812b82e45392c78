"""Fixed-decimal formatting: tick and lot decimals, money trimmed, never an exponent (rule 13)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.dialects.bybit.codec import numbers

D = Decimal


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (D("30000.1"), 2, "30000.10"),
        (D("30000"), 2, "30000.00"),
        (D("0"), 2, "0.00"),
        (D("-0.001"), 2, "0.00"),  # rounds to zero: no "-0.00"
        (D("-1.5"), 1, "-1.5"),
        (D("0.125"), 2, "0.12"),  # half-even
        (D("0.135"), 2, "0.14"),
        (D("1E+3"), 0, "1000"),
        (D("0E-24"), 3, "0.000"),
        (D("12345678901234567890.123456789"), 8, "12345678901234567890.12345679"),
    ],
)
def test_fixed(value: Decimal, decimals: int, expected: str) -> None:
    assert numbers.fixed(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("290.000"), "290"),
        (D("0.0058"), "0.0058"),
        (D("-0.1650000"), "-0.165"),
        (D("0E-24"), "0"),
        (D("-0E-8"), "0"),
        (D("1E+3"), "1000"),
        (D("0.000000004"), "0"),  # below 8 decimals
        (D("-0.000000004"), "0"),
        (D("0.000000005"), "0"),  # half-even: ...0 stays
        (D("0.000000015"), "0.00000002"),
        (D("10000"), "10000"),
        (D("1234567890123456789012.5"), "1234567890123456789012.5"),
    ],
)
def test_money_is_trimmed_and_never_scientific(value: Decimal, expected: str) -> None:
    text = numbers.money(value)
    assert text == expected
    assert "E" not in text and "e" not in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("0.00055"), "0.00055"), (D("-0.000212"), "-0.000212"), (D("0.0001000"), "0.0001"), (D("0"), "0")],
)
def test_rate(value: Decimal, expected: str) -> None:
    assert numbers.rate(value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("linear", D("30000.1"), "30000.10"),  # tick "0.10": two decimals (rule 13)
        ("linear", D("29000"), "29000.00"),
        ("spot", D("30000"), "30000.00"),
        ("inverse", D("30000.5"), "30000.50"),  # tick "0.50"
        ("option", D("1190"), "1190"),  # tick "5"
    ],
)
def test_price_uses_the_written_tick_decimals(inst, kind: str, value: Decimal, expected: str) -> None:
    assert numbers.price(inst[kind], value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("linear", D("1.5"), "1.500"),
        ("linear", D("2"), "2.000"),
        ("spot", D("1.5"), "1.500000"),
        ("inverse", D("3000"), "3000"),
        ("option", D("0.1"), "0.10"),
        ("linear", D("0"), "0.000"),
    ],
)
def test_size_uses_lot_decimals(inst, kind: str, value: Decimal, expected: str) -> None:
    assert numbers.size(inst[kind], value) == expected


def test_bid_and_ask_sizes_share_decimals(inst) -> None:
    """Rule 13: a quote from bid1Size "1.5" and ask1Size "2" breaks strict clients."""
    bid, ask = numbers.size(inst["linear"], D("1.5")), numbers.size(inst["linear"], D("2"))
    assert len(bid.split(".")[1]) == len(ask.split(".")[1]) == 3


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("linear", D("30000.1"), "30000.10"),  # exact at tick decimals
        ("linear", D("87168.33529411764705882352941"), "87168.335294"),  # 2 + 4 decimals
        ("linear", D("30000.12500"), "30000.125"),
        ("linear", D("30000.100001"), "30000.100001"),
        ("linear", D("30000.1000001"), "30000.10"),  # rounds back onto the tick: two decimals kept
        ("inverse", D("30123.45678912"), "30123.456789"),
        ("option", D("1187.5"), "1187.5"),
    ],
)
def test_avg_price(inst, kind: str, value: Decimal, expected: str) -> None:
    assert numbers.avg_price(inst[kind], value) == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("linear", D("30000.55"), "30000.55"),
        ("linear", D("30000.555"), "30000.56"),
        ("option", D("7.869767243"), "7.86976724"),  # §7.5 option example: marked finely
        ("option", D("16823.73"), "16823.73"),
    ],
)
def test_reference_price(inst, kind: str, value: Decimal, expected: str) -> None:
    assert numbers.reference_price(inst[kind], value) == expected


def test_optional_prices(inst) -> None:
    assert numbers.price_or(inst["linear"], None) == ""
    assert numbers.price_or(inst["linear"], None, "0") == "0"
    assert numbers.price_or(inst["linear"], D("1")) == "1.00"
    assert numbers.reference_price_or(inst["option"], None, "0") == "0"


@pytest.mark.parametrize(
    ("step", "expected"), [(D("0.10"), "0.10"), (D("0.000001"), "0.000001"), (D("1"), "1"), (D("5"), "5")]
)
def test_step_keeps_the_written_form(step: Decimal, expected: str) -> None:
    assert numbers.step(step) == expected


def test_milliseconds() -> None:
    assert numbers.ms(1_672_211_918_471_999_999) == 1_672_211_918_471
    assert numbers.ms_str(1_672_211_918_471_000_000) == "1672211918471"
    assert isinstance(numbers.ms(0), int)
