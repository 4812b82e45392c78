"""The model's fast construction paths give exactly what the checked paths give.

Price/Quantity (constructor and ``from_wire``) from canonical text skip normalizing and
quantizing (proven taken by disabling the full check); everything else still goes through it,
so off-precision values stay refused.
The ``unchecked`` constructors of the hot data types build values equal, hash-equal and
repr-equal to the checked constructors, still frozen and slotted.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters import model as m
from adapters.model import objects
from adapters.model._unchecked import with_unchecked
from adapters.model.objects import MAX_PRECISION, _fixed

SEEDED = settings(derandomize=True, max_examples=400, deadline=None)
IID = m.InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")


@st.composite
def canonical(draw: st.DrawFn, *, signed: bool) -> tuple[str, int]:
    """Plain decimal text with exactly ``precision`` places, as venues send it."""
    precision = draw(st.integers(0, MAX_PRECISION))
    digits = draw(st.integers(1, 28 - precision))
    units = draw(st.integers(0, 10**digits - 1))
    if signed and draw(st.booleans()):
        units = -units
    return f"{Decimal(units).scaleb(-precision):f}", precision


def same_fixed(fast: Any, checked: Any) -> None:
    """Same type, Decimal (digits, exponent and sign), precision, equality, hash, str and repr."""
    assert type(fast) is type(checked)
    assert fast.value.as_tuple() == checked.value.as_tuple()
    assert fast.precision == checked.precision
    assert fast == checked
    assert hash(fast) == hash(checked)
    assert str(fast) == str(checked)
    assert repr(fast) == repr(checked)
    assert eval(repr(fast), vars(m)) == fast


def reference(cls: type, text: str, precision: int | None) -> Any:
    """The checked construction: from the Decimal, which the fast path never takes."""
    value = Decimal(text)
    return cls(value, precision)


@SEEDED
@given(canonical(signed=True))
def test_price_from_canonical_text_equals_the_checked_price(case: tuple[str, int]) -> None:
    text, precision = case
    expected = reference(m.Price, text, precision)
    same_fixed(m.Price(text, precision), expected)
    same_fixed(m.Price.from_wire(text, precision), expected)


@SEEDED
@given(canonical(signed=False))
def test_quantity_from_canonical_text_equals_the_checked_quantity(case: tuple[str, int]) -> None:
    text, precision = case
    expected = reference(m.Quantity, text, precision)
    same_fixed(m.Quantity(text, precision), expected)
    same_fixed(m.Quantity.from_wire(text, precision), expected)


@pytest.mark.parametrize(
    ("cls", "text", "precision"),
    [
        (m.Price, "87480.10", 2),
        (m.Price, "-0.50", 2),
        (m.Price, "-0.00", 2),
        (m.Price, "7", 0),
        (m.Quantity, "0.030", 3),
        (m.Quantity, "0.000", 3),
        (m.Quantity, "1.0000000000000000", 16),
    ],
)
def test_canonical_text_takes_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, cls: type, text: str, precision: int
) -> None:
    # With the full check disabled, only the fast path can build the value.
    expected = reference(cls, text, precision)

    def full_check(*args: object) -> None:
        raise AssertionError(f"full check taken for {args}")

    monkeypatch.setattr(objects, "_fixed", full_check)
    same_fixed(cls(text, precision), expected)
    same_fixed(cls.from_wire(text, precision), expected)


@pytest.mark.parametrize(
    ("cls", "text", "precision"),
    [
        (m.Price, "1.5", 2),  # fewer places: quantized by the full check
        (m.Price, "1.500", 1),  # trailing zeros beyond the precision
        (m.Price, " 1.50", 2),  # whitespace
        (m.Price, "1.50\n", 2),
        (m.Price, "1_000.50", 2),  # underscores
        (m.Price, "+1.50", 2),
        (m.Price, "1.5E+1", 0),
        (m.Price, "٣.50", 2),  # non-ASCII digits
        (m.Price, "0" * 27 + "1.00", 2),  # longer than the fast path takes
        (m.Price, "1.50", None),  # precision inferred
        (m.Quantity, "-0.00", 2),  # signed zero becomes 0
        (m.Quantity, "0", 3),
    ],
)
def test_other_text_takes_the_full_check_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch, cls: type, text: str, precision: int | None
) -> None:
    calls: list[object] = []

    def counting(value: object, precision: int | None, type_name: str) -> tuple[Decimal, int]:
        calls.append(value)
        return _fixed(value, precision, type_name)

    monkeypatch.setattr(objects, "_fixed", counting)
    built = cls(text, precision)
    assert calls == [text]
    dec, places = _fixed(text, precision, cls.__name__)
    assert built.value.as_tuple() == (dec + 0 if cls is m.Quantity else dec).as_tuple()
    assert built.precision == places
    if precision is not None:
        same_fixed(cls.from_wire(text, precision), built)
        assert calls == [text, text]


@pytest.mark.parametrize(
    ("cls", "text", "precision", "error"),
    [
        (m.Price, "87480.105", 2, m.PrecisionError),
        (m.Price, "87480.15", 1, m.PrecisionError),
        (m.Quantity, "0.0305", 3, m.PrecisionError),
        (m.Quantity, "-0.030", 3, m.ModelValueError),
        (m.Price, "1.50", 17, m.ModelValueError),
        (m.Price, "1", -1, m.ModelValueError),
        (m.Price, "1.0", True, m.ModelValueError),
        (m.Price, "NaN", 0, m.ModelValueError),
        (m.Price, "Infinity", 0, m.ModelValueError),
        (m.Price, "", 0, m.ModelValueError),
    ],
)
def test_off_precision_and_bad_text_still_refused(
    cls: type, text: str, precision: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        cls(text, precision)
    with pytest.raises(error):
        cls.from_wire(text, precision)


def test_from_wire_values_are_frozen_and_slotted() -> None:
    for value in (m.Price.from_wire("87480.10", 2), m.Quantity.from_wire("0.030", 3)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.value = Decimal(1)  # type: ignore[misc]
        assert not hasattr(value, "__dict__")
        assert value + value == value.value * 2


def checked_and_unchecked(draw: st.DrawFn) -> dict[str, tuple[type, tuple[Any, ...]]]:
    """Valid constructor arguments for every type with an ``unchecked`` constructor."""
    px = m.Price(*draw(canonical(signed=False)))
    qty = m.Quantity(*draw(canonical(signed=False)))
    ts = draw(st.integers(0, 2**63 - 1))
    trade_id = draw(st.text(min_size=1, max_size=20).filter(lambda s: s == s.strip() and s))
    side = draw(st.sampled_from(list(m.OrderSide)))
    order = m.BookOrder(side, px, qty, draw(st.integers(0, 10**9)))
    flags = int(m.RecordFlag.F_LAST) | draw(st.sampled_from([0, int(m.RecordFlag.F_SNAPSHOT)]))
    delta = m.OrderBookDelta(IID, m.BookAction.UPDATE, order, flags, ts, ts, ts)
    clear = m.OrderBookDelta.clear(IID, ts, ts, ts)
    return {
        "TradeId": (m.TradeId, (trade_id,)),
        "QuoteTick": (m.QuoteTick, (IID, px, px, qty, qty, ts, ts)),
        "TradeTick": (
            m.TradeTick,
            (IID, px, qty, draw(st.sampled_from(list(m.AggressorSide))), m.TradeId(trade_id), ts, 0),
        ),
        "BookOrder": (m.BookOrder, (side, px, qty, order.order_id)),
        "OrderBookDelta": (m.OrderBookDelta, (IID, delta.action, order, flags, ts, ts, 1)),
        "OrderBookDeltas": (m.OrderBookDeltas, (IID, (clear, delta))),
    }


UNCHECKED = ["TradeId", "QuoteTick", "TradeTick", "BookOrder", "OrderBookDelta", "OrderBookDeltas"]


@pytest.mark.parametrize("name", UNCHECKED)
@SEEDED
@given(data=st.data())
def test_unchecked_equals_checked(name: str, data: st.DataObject) -> None:
    cls, args = data.draw(st.composite(checked_and_unchecked)())[name]
    fast, checked = cls.unchecked(*args), cls(*args)
    assert type(fast) is cls
    assert fast == checked
    assert hash(fast) == hash(checked)
    assert repr(fast) == repr(checked)
    assert eval(repr(fast), vars(m)) == fast
    assert dataclasses.astuple(fast) == dataclasses.astuple(checked)


@pytest.mark.parametrize("name", UNCHECKED)
def test_unchecked_values_stay_frozen_and_slotted(name: str, model_samples: dict[str, Any]) -> None:
    sample = model_samples[name]
    cls = type(sample)
    fields = dataclasses.fields(sample)
    fast = cls.unchecked(*(getattr(sample, f.name) for f in fields))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, fields[0].name, getattr(fast, fields[0].name))
    assert not hasattr(fast, "__dict__")
    assert fast == sample


def test_unchecked_keeps_defaults_and_skips_checks() -> None:
    px, qty = m.Price("1.00", 2), m.Quantity("1", 0)
    assert m.BookOrder.unchecked(m.OrderSide.BUY, px, qty) == m.BookOrder(m.OrderSide.BUY, px, qty, 0)
    # The documented contract: no checks, so validation is the caller's job.
    with pytest.raises(m.ModelValueError):
        m.TradeTick(IID, px, qty, m.AggressorSide.BUYER, m.TradeId("t"), -1, 0)
    tick = m.TradeTick.unchecked(IID, px, qty, m.AggressorSide.BUYER, m.TradeId("t"), -1, 0)
    assert tick.ts_event == -1


def test_with_unchecked_refuses_classes_it_cannot_lay_out() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Base:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Extended(Base):
        b: int

    for cls in (NoSlots, Extended, int):
        with pytest.raises(TypeError, match="with_unchecked needs"):
            with_unchecked(cls)
    assert with_unchecked(Base).unchecked(3) == Base(3)  # type: ignore[attr-defined]
