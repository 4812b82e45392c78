"""Price, Quantity, Money and Currency: precision refusal, inference, arithmetic, ordering."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.model import Currency, CurrencyType, ModelValueError, Money, PrecisionError, Price, Quantity

USDT = Currency.from_str("USDT")
SEEDED = settings(derandomize=True, max_examples=300, deadline=None)


def decimals_at(
    places: int, *, min_units: int = -(10**12), max_units: int = 10**12
) -> st.SearchStrategy[Decimal]:
    """Decimals written with exactly ``places`` decimal places."""
    return st.integers(min_units, max_units).map(lambda n: Decimal(n).scaleb(-places))


def test_from_str_infers_precision_and_keeps_trailing_zeros() -> None:
    price = Price.from_str("100.50")
    assert price.precision == 2
    assert str(price) == "100.50"
    assert price.as_decimal() == Decimal("100.50")
    assert Quantity.from_str("0.010").precision == 3
    assert Price.from_int(7) == Price("7", 0)


def test_value_off_precision_is_refused_with_an_actionable_message() -> None:
    with pytest.raises(PrecisionError, match=r"3 decimal places but precision is 2.*make_price"):
        Price("100.505", 2)
    with pytest.raises(PrecisionError):
        Quantity("0.0015", 3)
    with pytest.raises(PrecisionError, match="USDT"):
        Money("0.000000001", USDT)


def test_trailing_zeros_beyond_precision_are_not_extra_places() -> None:
    assert Price("1.500", 1) == Price("1.5", 1)
    assert str(Price("1.500", 1)) == "1.5"


@pytest.mark.parametrize("bad", [1.5, True, None, "abc", "NaN", "Infinity", [1]])
def test_non_numbers_and_floats_are_refused(bad: object) -> None:
    with pytest.raises(ModelValueError):
        Price(bad)  # type: ignore[arg-type]


def test_float_refusal_suggests_from_str() -> None:
    with pytest.raises(ModelValueError, match=r"Price.from_str\('0.1'\)"):
        Price(0.1)  # type: ignore[arg-type]


def test_precision_range_is_checked() -> None:
    with pytest.raises(ModelValueError, match=r"0\.\.16"):
        Price("1", 17)
    with pytest.raises(ModelValueError):
        Price("1", -1)
    with pytest.raises(PrecisionError, match="maximum"):
        Price.from_str("0." + "1" * 17)


def test_quantity_refuses_negative_values_and_negative_differences() -> None:
    with pytest.raises(ModelValueError, match="negative"):
        Quantity("-1")
    with pytest.raises(ModelValueError, match="negative"):
        Quantity("1", 0) - Quantity("2", 0)
    assert str(Quantity("-0", 0)) == "0"


def test_arithmetic_types_and_precision() -> None:
    total = Price("100.5", 1) + Price("0.25", 2)
    assert isinstance(total, Price)
    assert (total.precision, str(total)) == (2, "100.75")
    assert isinstance(Price("2", 0) * 3, Decimal)
    assert Price("2", 0) * Quantity("1.5", 1) == Decimal("3.0")
    assert Price("3", 0) / 2 == Decimal("1.5")
    assert Price("1", 0) + 1 == Decimal(2)
    assert 1 + Price("1", 0) == Decimal(2)
    assert 5 - Quantity("2", 0) == Decimal(3)
    assert -Price("1.5", 1) == Decimal("-1.5")
    with pytest.raises(TypeError):
        Price("1", 0) + 1.0  # type: ignore[operator]
    with pytest.raises(TypeError):
        Price("1", 0) + "1"  # type: ignore[operator]


def test_equality_and_ordering_use_the_value() -> None:
    assert Price.from_str("1.0") == Price.from_str("1.00")
    assert hash(Price.from_str("1.0")) == hash(Price.from_str("1.00"))
    assert Price("1", 0) == Decimal(1) == Price("1.0", 1)
    assert Price("1.1", 1) > Price("1.05", 2) > 1
    assert Quantity("0", 2) < Quantity("0.01", 2) <= Quantity("0.01", 2)
    assert Price("1", 0) != "1"
    assert not Quantity.zero(3)
    assert sorted([Price("2", 0), Price("1.5", 1)]) == [Price("1.5", 1), Price("2", 0)]


@SEEDED
@given(st.integers(0, 12).flatmap(lambda p: st.tuples(st.just(p), decimals_at(p))))
def test_any_value_at_its_precision_round_trips(case: tuple[int, Decimal]) -> None:
    precision, value = case
    price = Price(value, precision)
    assert price.value == value and price.precision == precision
    assert Price.from_str(str(price)) == price
    assert Price.from_str(str(price)).precision == precision
    assert eval(repr(price)) == price


@SEEDED
@given(st.integers(0, 11).flatmap(lambda p: st.tuples(st.just(p), decimals_at(p + 1))))
def test_a_value_needing_one_more_place_is_refused(case: tuple[int, Decimal]) -> None:
    precision, value = case
    needed = -value.normalize().as_tuple().exponent  # type: ignore[operator]
    if needed <= precision:
        Price(value, precision)  # fits once trailing zeros are dropped
    else:
        with pytest.raises(PrecisionError):
            Price(value, precision)


@SEEDED
@given(
    st.integers(0, 9).flatmap(lambda p: st.tuples(st.just(p), decimals_at(p, min_units=0))),
    st.integers(0, 9).flatmap(lambda p: st.tuples(st.just(p), decimals_at(p, min_units=0))),
)
def test_quantity_sum_is_exact_at_the_larger_precision(
    a: tuple[int, Decimal], b: tuple[int, Decimal]
) -> None:
    qa, qb = Quantity(a[1], a[0]), Quantity(b[1], b[0])
    total = qa + qb
    assert isinstance(total, Quantity)
    assert total.precision == max(a[0], b[0])
    assert total.value == a[1] + b[1]
    if qa >= qb:
        assert (qa - qb).value == a[1] - b[1]
    else:
        with pytest.raises(ModelValueError):
            qa - qb


def test_money_arithmetic_and_currency_rules() -> None:
    fee = Money.from_str("1.5 USDT")
    assert str(fee) == "1.50000000 USDT"
    assert fee + Money("0.5", USDT) == Money("2", USDT)
    assert -fee == Money("-1.5", USDT)
    assert fee != Money("1.5", Currency.from_str("BTC"))
    with pytest.raises(ModelValueError, match="convert first"):
        fee + Money("1", Currency.from_str("BTC"))
    with pytest.raises(ModelValueError, match="'<amount> <CURRENCY>'"):
        Money.from_str("1.5")
    with pytest.raises(ModelValueError, match=r"Currency\.from_str"):
        Money("1", "USDT")  # type: ignore[arg-type]
    assert Money("1.25", Currency.from_str("USD")).precision == 2


def test_currency_registry_and_strict_lookup() -> None:
    assert Currency.from_str("USD").currency_type is CurrencyType.FIAT
    unknown = Currency.from_str("ZZZQ")
    assert (unknown.precision, unknown.currency_type) == (8, CurrencyType.CRYPTO)
    with pytest.raises(ModelValueError, match="register"):
        Currency.from_str("ZZZQ", strict=True)
    with pytest.raises(ModelValueError):
        Currency("", 2, 0, "x", CurrencyType.FIAT)
