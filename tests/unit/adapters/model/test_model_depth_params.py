"""OrderBookDepth10 (padding, order, counts) and SubmitOrder.params (checked, copied)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters import model as m

IID = m.InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")


def _level(side: m.OrderSide, price: str) -> m.BookOrder:
    return m.BookOrder(side, m.Price(price, 2), m.Quantity("1.000", 3))


def _depth(bids: list[m.BookOrder], asks: list[m.BookOrder]) -> m.OrderBookDepth10:
    return m.OrderBookDepth10.from_levels(
        IID, bids, asks, price_precision=2, size_precision=3, flags=0, sequence=1, ts_event=1, ts_init=2
    )


def test_from_levels_pads_to_ten_and_cuts_beyond_ten() -> None:
    bids = [_level(m.OrderSide.BUY, f"{100 - n}.00") for n in range(12)]
    depth = _depth(bids, [_level(m.OrderSide.SELL, "101.00")])
    assert depth.bids == tuple(bids[:10])
    assert depth.bid_counts == (1,) * 10
    assert depth.real_asks() == (_level(m.OrderSide.SELL, "101.00"),)
    assert depth.asks[1].side is m.OrderSide.NO_ORDER_SIDE and depth.asks[1].price == m.Price("0.00", 2)
    assert depth.ask_counts == (1,) + (0,) * 9


@pytest.mark.parametrize(
    ("bids", "asks", "match"),
    [
        ([_level(m.OrderSide.SELL, "99.00")], [], "holds a SELL"),
        ([_level(m.OrderSide.BUY, "98.00"), _level(m.OrderSide.BUY, "99.00")], [], "best first"),
        ([], [_level(m.OrderSide.SELL, "102.00"), _level(m.OrderSide.SELL, "101.00")], "best first"),
    ],
)
def test_levels_on_the_wrong_side_or_out_of_order_are_refused(
    bids: list[m.BookOrder], asks: list[m.BookOrder], match: str
) -> None:
    with pytest.raises(m.ModelValueError, match=match):
        _depth(bids, asks)


def test_the_constructor_needs_exactly_ten_levels() -> None:
    full = _depth([], [])
    with pytest.raises(m.ModelValueError, match="exactly 10"):
        m.OrderBookDepth10(IID, full.bids[:9], full.asks, full.bid_counts, full.ask_counts, 0, 1, 1, 2)


def test_submit_order_params_are_checked_and_copied(model_samples: dict[str, object]) -> None:
    sample = model_samples["SubmitOrder"]
    assert isinstance(sample, m.SubmitOrder)
    given = {"order_iv": Decimal("0.5"), "smp_type": "CancelMaker"}
    command = m.SubmitOrder(order=sample.order, ts_init=1, params=given)
    given["smp_type"] = "changed"
    assert command.params == {"order_iv": Decimal("0.5"), "smp_type": "CancelMaker"}
    assert m.SubmitOrder(order=sample.order, ts_init=1).params is None
    with pytest.raises(m.ModelValueError, match="keys must be non-empty strings"):
        m.SubmitOrder(order=sample.order, ts_init=1, params={1: "x"})  # type: ignore[dict-item]
    with pytest.raises(m.ModelValueError, match=r"params\['legs'\]"):
        m.SubmitOrder(order=sample.order, ts_init=1, params={"legs": [1, 2]})
