"""Validation rules of identifiers, instruments, market data, orders, commands, reports and account state."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest

from adapters import model as m

IID = m.InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
USDT = m.Currency.from_str("USDT")


@pytest.fixture
def inst(model_samples: dict[str, Any]) -> dict[str, Any]:
    """The sample instruments by class name."""
    return {k: v for k, v in model_samples.items() if isinstance(v, m.Instrument)}


def order(**overrides: Any) -> m.Order:
    """A valid LIMIT buy, with ``overrides`` applied."""
    fields: dict[str, Any] = dict(
        instrument_id=IID,
        client_order_id=m.ClientOrderId("O-1"),
        order_side=m.OrderSide.BUY,
        order_type=m.OrderType.LIMIT,
        quantity=m.Quantity("0.010", 3),
        price=m.Price("100.10", 2),
        ts_init=5,
    )
    fields.update(overrides)
    return m.Order(**fields)


def test_instrument_id_parses_on_the_last_dot() -> None:
    iid = m.InstrumentId.from_str("BTC-27JUN25.X.BYBIT")
    assert (iid.symbol, iid.venue) == (m.Symbol("BTC-27JUN25.X"), m.Venue("BYBIT"))
    assert str(iid) == "BTC-27JUN25.X.BYBIT"
    for bad in ("BTCUSDT", ".BYBIT", "BTCUSDT."):
        with pytest.raises(m.ModelValueError, match=r"SYMBOL\.VENUE"):
            m.InstrumentId.from_str(bad)
    with pytest.raises(m.ModelValueError, match="from_str"):
        m.InstrumentId("BTCUSDT", "BYBIT")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", " X", "X ", 5])
def test_identifiers_refuse_empty_padded_or_non_strings(bad: Any) -> None:
    with pytest.raises(m.ModelValueError):
        m.VenueOrderId(bad)


def test_identifier_types_are_distinct_and_structured_ones_are_checked() -> None:
    assert m.ClientOrderId("1") != m.VenueOrderId("1")
    with pytest.raises(m.ModelValueError, match="'-'"):
        m.AccountId("BYBIT")
    with pytest.raises(m.ModelValueError, match="'-'"):
        m.TraderId("TRADER")


def test_instrument_classes_and_derived_properties(inst: dict[str, Any]) -> None:
    assert inst["CurrencyPair"].instrument_class is m.InstrumentClass.SPOT
    assert inst["CryptoPerpetual"].instrument_class is m.InstrumentClass.SWAP
    assert inst["CryptoOption"].instrument_class is m.InstrumentClass.OPTION
    assert inst["CurrencyPair"].is_inverse is False
    assert inst["CurrencyPair"].settlement_currency == USDT
    assert inst["CryptoPerpetual"].id == IID


def test_make_price_and_make_qty_round_onto_the_increments(inst: dict[str, Any]) -> None:
    perp = inst["CryptoPerpetual"]
    assert perp.make_price("100.04") == m.Price("100.00", 2)
    assert perp.make_price(100.06) == m.Price("100.10", 2)
    assert perp.make_qty("0.0106") == m.Quantity("0.011", 3)
    assert perp.make_qty("0.0106", round_down=True) == m.Quantity("0.010", 3)
    with pytest.raises(m.ModelValueError, match="negative"):
        perp.make_qty("-1")


def test_notional_linear_and_inverse(inst: dict[str, Any]) -> None:
    perp = inst["CryptoPerpetual"]
    assert perp.notional_value(m.Quantity("2", 0), m.Price("100.00", 2)) == m.Money("200", USDT)
    btc = m.Currency.from_str("BTC")
    inverse = m.CryptoPerpetual(
        instrument_id=m.InstrumentId.from_str("BTCUSD-INVERSE.BYBIT"),
        raw_symbol=m.Symbol("BTCUSD"),
        quote_currency=m.Currency.from_str("USD"),
        base_currency=btc,
        settlement_currency=btc,
        is_inverse=True,
        price_precision=1,
        size_precision=0,
        price_increment=m.Price("0.5", 1),
        size_increment=m.Quantity("1", 0),
        ts_event=0,
        ts_init=0,
    )
    assert inverse.notional_value(m.Quantity("100", 0), m.Price("50000.0", 1)) == m.Money("0.002", btc)


def _perp(base: m.CryptoPerpetual, **changes: Any) -> m.CryptoPerpetual:
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price_increment": m.Price("0.1", 1)}, "price_precision is 2"),
        ({"size_increment": m.Quantity("0.01", 2)}, "size_precision is 3"),
        ({"price_increment": m.Price("0.00", 2)}, "positive"),
        ({"min_quantity": m.Quantity("200", 0)}, "min_quantity"),
        ({"ts_init": -1}, "nanoseconds"),
        ({"maker_fee": 0.1}, "maker_fee"),
        ({"quote_currency": "USDT"}, "quote_currency"),
    ],
)
def test_instrument_validation(changes: dict[str, Any], message: str, inst: dict[str, Any]) -> None:
    _perp(inst["CryptoPerpetual"])  # the unchanged fields are valid
    with pytest.raises(m.ModelValueError, match=re.escape(message)):
        _perp(inst["CryptoPerpetual"], **changes)


def test_dated_instruments_need_expiry_after_activation(inst: dict[str, Any]) -> None:
    future = inst["CryptoFuture"]
    with pytest.raises(m.ModelValueError, match="after"):
        dataclasses.replace(future, expiration_ns=10)
    option = inst["CryptoOption"]
    with pytest.raises(m.ModelValueError, match="strike_price must be positive"):
        dataclasses.replace(option, strike_price=m.Price("0", 0))


def _delta(action: m.BookAction, flags: int, order_: m.BookOrder | None = None) -> m.OrderBookDelta:
    if order_ is None and action is not m.BookAction.CLEAR:
        order_ = m.BookOrder(m.OrderSide.BUY, m.Price("1", 0), m.Quantity("1", 0))
    return m.OrderBookDelta(IID, action, order_, flags, 1, 0, 0)


def test_book_deltas_flags_and_rules() -> None:
    snap = m.OrderBookDeltas(
        IID,
        [
            _delta(m.BookAction.CLEAR, m.RecordFlag.F_SNAPSHOT),
            _delta(m.BookAction.ADD, m.RecordFlag.F_SNAPSHOT | m.RecordFlag.F_LAST),
        ],
    )
    assert snap.is_snapshot and snap.deltas[-1].is_last and isinstance(snap.deltas, tuple)
    update = m.OrderBookDeltas(IID, [_delta(m.BookAction.UPDATE, m.RecordFlag.F_LAST)])
    assert not update.is_snapshot and update.flags == m.RecordFlag.F_LAST
    with pytest.raises(m.ModelValueError, match="F_LAST"):
        m.OrderBookDeltas(IID, [_delta(m.BookAction.ADD, 0)])
    with pytest.raises(m.ModelValueError, match="at least one"):
        m.OrderBookDeltas(IID, [])
    with pytest.raises(m.ModelValueError, match="clear"):
        m.OrderBookDelta(IID, m.BookAction.ADD, None, 0, 1, 0, 0)
    other = m.InstrumentId.from_str("ETHUSDT-LINEAR.BYBIT")
    with pytest.raises(m.ModelValueError, match="ETHUSDT"):
        m.OrderBookDeltas(other, [_delta(m.BookAction.UPDATE, m.RecordFlag.F_LAST)])


def test_bar_type_strings_and_ohlc_invariant() -> None:
    text = "BTCUSDT-LINEAR.BYBIT-15-MINUTE-MARK-EXTERNAL"
    bar_type = m.BarType.from_str(text)
    assert str(bar_type) == text
    assert bar_type.bar_spec == m.BarSpecification(15, m.BarAggregation.MINUTE, m.PriceType.MARK)
    for bad in (
        "BTCUSDT.BYBIT-1-MINUTE-LAST",
        "BTCUSDT.BYBIT-1-FORTNIGHT-LAST-EXTERNAL",
        "X.Y-0-MINUTE-LAST-EXTERNAL",
    ):
        with pytest.raises(m.ModelValueError):
            m.BarType.from_str(bad)
    p = m.Price
    with pytest.raises(m.ModelValueError, match="bound"):
        m.Bar(bar_type, p("10", 0), p("9", 0), p("8", 0), p("9", 0), m.Quantity("1", 0), 0, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": None}, "needs a price"),
        ({"order_type": m.OrderType.MARKET}, "takes no price"),
        ({"order_type": m.OrderType.STOP_LIMIT}, "needs a trigger_price"),
        ({"trigger_price": m.Price("1", 0)}, "takes no trigger_price"),
        ({"trigger_type": m.TriggerType.MARK_PRICE}, "takes no trigger_type"),
        ({"time_in_force": m.TimeInForce.GTD}, "expire_time_ns is required"),
        ({"expire_time_ns": 10}, "expire_time_ns is required"),
        ({"order_type": m.OrderType.MARKET, "price": None, "post_only": True}, "post_only"),
        ({"quantity": m.Quantity("0", 3)}, "positive"),
        ({"order_side": m.OrderSide.NO_ORDER_SIDE}, "BUY or SELL"),
    ],
)
def test_order_cross_field_rules(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(m.ModelValueError, match=re.escape(message)):
        order(**changes)


def test_valid_order_shapes() -> None:
    stop = order(order_type=m.OrderType.STOP_MARKET, price=None, trigger_price=m.Price("90", 0))
    assert stop.trigger_type is m.TriggerType.DEFAULT  # venue default when unspecified
    mit = order(
        order_type=m.OrderType.MARKET_IF_TOUCHED,
        price=None,
        trigger_price=m.Price("90", 0),
        trigger_type=m.TriggerType.MARK_PRICE,
    )
    assert mit.trigger_type is m.TriggerType.MARK_PRICE and not mit.has_price
    gtd = order(time_in_force=m.TimeInForce.GTD, expire_time_ns=10**18, post_only=True)
    assert gtd.expire_time_ns == 10**18
    assert order(linked_order_ids=[m.ClientOrderId("X")]).linked_order_ids == (m.ClientOrderId("X"),)


def test_commands_rules() -> None:
    with pytest.raises(m.ModelValueError, match="client_order_id or a venue_order_id"):
        m.CancelOrder(instrument_id=IID, client_order_id=None, venue_order_id=None, ts_init=0)
    with pytest.raises(m.ModelValueError, match="changes nothing"):
        m.ModifyOrder(instrument_id=IID, client_order_id=m.ClientOrderId("A"), venue_order_id=None, ts_init=0)
    other = m.InstrumentId.from_str("ETHUSDT-LINEAR.BYBIT")
    cancel = m.CancelOrder(
        instrument_id=other, client_order_id=m.ClientOrderId("A"), venue_order_id=None, ts_init=0
    )
    with pytest.raises(m.ModelValueError, match="ETHUSDT"):
        m.BatchCancelOrders(instrument_id=IID, cancels=[cancel], ts_init=0)
    with pytest.raises(m.ModelValueError, match="repeats"):
        m.OrderList(order_list_id=m.OrderListId("L"), instrument_id=IID, orders=[order(), order()], ts_init=0)
    submit = m.SubmitOrder(order=order(), ts_init=0)
    assert submit.instrument_id == IID and submit.strategy_id == m.StrategyId("EXTERNAL")
    assert m.SubmitOrder(order=order(), ts_init=0).command_id != submit.command_id


def test_reports_and_account_rules(model_samples: dict[str, Any]) -> None:
    osr = model_samples["OrderStatusReport"]
    assert osr.leaves_qty == Decimal("0.006") and osr.is_open
    with pytest.raises(m.ModelValueError, match="exceeds"):
        dataclasses.replace(osr, filled_qty=m.Quantity("1", 0))
    pos = model_samples["PositionStatusReport"]
    short = dataclasses.replace(pos, position_side=m.PositionSide.SHORT)
    assert short.signed_decimal_qty == Decimal("-0.004")
    with pytest.raises(m.ModelValueError, match="FLAT"):
        dataclasses.replace(pos, position_side=m.PositionSide.FLAT)
    mass = model_samples["ExecutionMassStatus"]
    assert mass.order_report(osr.venue_order_id) == osr
    assert mass.fills_for(osr.venue_order_id) == (model_samples["FillReport"],)
    with pytest.raises(m.ModelValueError, match="locked"):
        m.AccountBalance(m.Money("3", USDT), m.Money("1", USDT), m.Money("1", USDT))
    state = model_samples["AccountState"]
    assert state.balance("USDT") == state.balances[0] and state.balance("BTC") is None
    with pytest.raises(m.ModelValueError, match="two balances"):
        dataclasses.replace(state, balances=state.balances * 2)


def test_events_check_types(model_samples: dict[str, Any]) -> None:
    filled = model_samples["OrderFilled"]
    assert filled.is_buy
    with pytest.raises(m.ModelValueError, match="last_qty must be positive"):
        dataclasses.replace(filled, last_qty=m.Quantity("0", 0))
    with pytest.raises(m.ModelValueError, match="venue_order_id"):
        dataclasses.replace(filled, venue_order_id="1f0e")
    with pytest.raises(m.ModelValueError, match="reason"):
        m.OrderDenied(
            instrument_id=IID, client_order_id=m.ClientOrderId("A"), ts_event=0, ts_init=0, reason=None
        )  # type: ignore[arg-type]
