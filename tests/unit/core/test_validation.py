"""Every way a new order, an amend, a cancel or a setting can be rejected.

Each rejection must name its exact :class:`RejectReason`, change nothing (balances, open orders,
books, positions, triggers, fees), and for a new order emit exactly one ``OrderRejected``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    NS_PER_S,
    AmendOrder,
    CancelOrder,
    Exchange,
    InstrumentStatus,
    MarginMode,
    NewOrder,
    OrderRejected,
    OrderType,
    PositionMode,
    RejectReason,
    Side,
    TimeInForce,
    TriggerDirection,
)
from simulator.core.errors import Rejected
from simulator.core.validation import parse_number, price_to_ticks, qty_to_lots

SPOT = "spot:BTCUSDT"
LINEAR = "linear:BTCUSDT"
INVERSE = "inverse:BTCUSD"
T0_NS = 1_700_000_000 * NS_PER_S

R = RejectReason


def nothing(ex: Exchange) -> None:
    pass


def halt(ex: Exchange) -> None:
    ex.set_instrument_status(LINEAR, InstrumentStatus.HALTED)


def hedge(ex: Exchange) -> None:
    assert ex.set_position_mode("alice", LINEAR, PositionMode.HEDGE).ok


def used_client_id(ex: Exchange) -> None:
    assert ex.place_order(
        NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "20000", client_order_id="c1")
    ).ok


def last_trade_30000(ex: Exchange) -> None:
    ex.record_trade(LINEAR, "30000", "0.001")


def asks_at_4000(ex: Exchange) -> None:
    ex.seed_book(LINEAR, asks=[("4000", "1")])


def spot_ask(ex: Exchange) -> None:
    ex.seed_book(SPOT, asks=[("30000", "1")])


def spot_last_and_ask(ex: Exchange) -> None:
    ex.record_trade(SPOT, "30000", "0.001")
    ex.seed_book(SPOT, asks=[("30000", "1")])


# (instrument, fields to change in the base order, set-up, expected reason)
CASES = [
    # -- who and what
    pytest.param(LINEAR, {"account_id": "mallory"}, nothing, R.UNKNOWN_ACCOUNT, id="unknown-account"),
    pytest.param("linear:ETHUSDT", {}, nothing, R.UNKNOWN_INSTRUMENT, id="unknown-instrument"),
    pytest.param(LINEAR, {}, halt, R.INSTRUMENT_NOT_TRADING, id="halted"),
    pytest.param(LINEAR, {"side": "buy"}, nothing, R.INVALID_ORDER, id="side-not-enum"),
    pytest.param(LINEAR, {"order_type": "limit"}, nothing, R.INVALID_ORDER, id="type-not-enum"),
    pytest.param(LINEAR, {"time_in_force": "gtc"}, nothing, R.INVALID_ORDER, id="tif-not-enum"),
    # -- quantity
    pytest.param(LINEAR, {"qty": "NaN"}, nothing, R.INVALID_QUANTITY, id="qty-nan"),
    pytest.param(LINEAR, {"qty": "sNaN"}, nothing, R.INVALID_QUANTITY, id="qty-snan"),
    pytest.param(LINEAR, {"qty": D("NaN")}, nothing, R.INVALID_QUANTITY, id="qty-decimal-nan"),
    pytest.param(LINEAR, {"qty": float("nan")}, nothing, R.INVALID_QUANTITY, id="qty-float-nan"),
    pytest.param(LINEAR, {"qty": "inf"}, nothing, R.INVALID_QUANTITY, id="qty-inf"),
    pytest.param(LINEAR, {"qty": "-Infinity"}, nothing, R.INVALID_QUANTITY, id="qty-minus-inf"),
    pytest.param(LINEAR, {"qty": float("inf")}, nothing, R.INVALID_QUANTITY, id="qty-float-inf"),
    pytest.param(LINEAR, {"qty": "-0.01"}, nothing, R.INVALID_QUANTITY, id="qty-negative"),
    pytest.param(LINEAR, {"qty": -1}, nothing, R.INVALID_QUANTITY, id="qty-negative-int"),
    pytest.param(LINEAR, {"qty": "0"}, nothing, R.INVALID_QUANTITY, id="qty-zero"),
    pytest.param(LINEAR, {"qty": "-0"}, nothing, R.INVALID_QUANTITY, id="qty-minus-zero"),
    pytest.param(LINEAR, {"qty": "abc"}, nothing, R.INVALID_QUANTITY, id="qty-garbage"),
    pytest.param(LINEAR, {"qty": ""}, nothing, R.INVALID_QUANTITY, id="qty-empty"),
    pytest.param(LINEAR, {"qty": "0x10"}, nothing, R.INVALID_QUANTITY, id="qty-hex"),
    pytest.param(LINEAR, {"qty": "1,5"}, nothing, R.INVALID_QUANTITY, id="qty-comma"),
    pytest.param(LINEAR, {"qty": None}, nothing, R.INVALID_QUANTITY, id="qty-none"),
    pytest.param(LINEAR, {"qty": True}, nothing, R.INVALID_QUANTITY, id="qty-bool"),
    pytest.param(LINEAR, {"qty": [1]}, nothing, R.INVALID_QUANTITY, id="qty-list"),
    pytest.param(LINEAR, {"qty": "0.0105"}, nothing, R.QUANTITY_OFF_LOT, id="qty-off-lot"),
    pytest.param(SPOT, {"qty": "0.0000001"}, nothing, R.QUANTITY_OFF_LOT, id="spot-qty-off-lot"),
    pytest.param(SPOT, {"qty": "0.000047"}, nothing, R.QUANTITY_BELOW_MIN, id="spot-qty-below-min"),
    pytest.param(SPOT, {"qty": "71.739563"}, nothing, R.QUANTITY_ABOVE_MAX, id="spot-qty-above-max"),
    pytest.param(LINEAR, {"qty": "100.001"}, nothing, R.QUANTITY_ABOVE_MAX, id="qty-above-max"),
    pytest.param(LINEAR, {"qty": "1e30"}, nothing, R.QUANTITY_ABOVE_MAX, id="qty-astronomic"),
    pytest.param(LINEAR, {"qty": "1e999999"}, nothing, R.QUANTITY_ABOVE_MAX, id="qty-huge-exponent"),
    pytest.param(INVERSE, {"qty": "1.5"}, nothing, R.QUANTITY_OFF_LOT, id="inverse-fractional-contract"),
    # -- price
    pytest.param(LINEAR, {"price": None}, nothing, R.PRICE_REQUIRED, id="limit-without-price"),
    pytest.param(LINEAR, {"price": "NaN"}, nothing, R.INVALID_PRICE, id="price-nan"),
    pytest.param(LINEAR, {"price": "Infinity"}, nothing, R.INVALID_PRICE, id="price-inf"),
    pytest.param(LINEAR, {"price": "-30000"}, nothing, R.INVALID_PRICE, id="price-negative"),
    pytest.param(LINEAR, {"price": "0"}, nothing, R.INVALID_PRICE, id="price-zero"),
    pytest.param(LINEAR, {"price": "thirty"}, nothing, R.INVALID_PRICE, id="price-garbage"),
    pytest.param(LINEAR, {"price": object()}, nothing, R.INVALID_PRICE, id="price-object"),
    pytest.param(LINEAR, {"price": "30000.05"}, nothing, R.PRICE_OFF_TICK, id="price-off-tick"),
    pytest.param(SPOT, {"price": "30000.001"}, nothing, R.PRICE_OFF_TICK, id="spot-price-off-tick"),
    pytest.param(
        INVERSE, {"price": "30000.2", "qty": "100"}, nothing, R.PRICE_OFF_TICK, id="inverse-off-tick"
    ),
    pytest.param(LINEAR, {"price": "1e50"}, nothing, R.INVALID_PRICE, id="price-astronomic"),
    # -- notional
    pytest.param(LINEAR, {"qty": "0.001", "price": "4000"}, nothing, R.NOTIONAL_BELOW_MIN, id="notional"),
    pytest.param(
        SPOT, {"qty": "0.00005", "price": "10000"}, nothing, R.NOTIONAL_BELOW_MIN, id="spot-notional"
    ),
    pytest.param(
        LINEAR,
        {"order_type": OrderType.MARKET, "price": None, "qty": "0.001"},
        asks_at_4000,
        R.NOTIONAL_BELOW_MIN,
        id="market-notional-at-best-ask",
    ),
    # -- flag combinations
    pytest.param(
        LINEAR,
        {"order_type": OrderType.MARKET, "post_only": True},
        nothing,
        R.INVALID_ORDER,
        id="post-only-market",
    ),
    pytest.param(
        LINEAR,
        {"post_only": True, "time_in_force": TimeInForce.IOC},
        nothing,
        R.INVALID_ORDER,
        id="post-only-ioc",
    ),
    pytest.param(
        LINEAR,
        {"post_only": True, "time_in_force": TimeInForce.FOK},
        nothing,
        R.INVALID_ORDER,
        id="post-only-fok",
    ),
    pytest.param(
        LINEAR, {"time_in_force": TimeInForce.GTD}, nothing, R.INVALID_EXPIRE_TIME, id="gtd-no-expiry"
    ),
    pytest.param(
        LINEAR,
        {"time_in_force": TimeInForce.GTD, "expire_ns": T0_NS},
        nothing,
        R.INVALID_EXPIRE_TIME,
        id="gtd-expiry-now",
    ),
    pytest.param(
        LINEAR,
        {"time_in_force": TimeInForce.GTD, "expire_ns": "tomorrow"},
        nothing,
        R.INVALID_EXPIRE_TIME,
        id="gtd-expiry-not-int",
    ),
    pytest.param(SPOT, {"reduce_only": True}, nothing, R.REDUCE_ONLY_NOT_SUPPORTED, id="reduce-only-spot"),
    pytest.param(SPOT, {"quote_quantity": True}, nothing, R.INVALID_ORDER, id="quote-qty-limit"),
    pytest.param(
        SPOT,
        {"quote_quantity": True, "order_type": OrderType.MARKET, "side": Side.SELL},
        nothing,
        R.INVALID_ORDER,
        id="quote-qty-sell",
    ),
    pytest.param(
        LINEAR,
        {"quote_quantity": True, "order_type": OrderType.MARKET},
        nothing,
        R.INVALID_ORDER,
        id="quote-qty-linear",
    ),
    pytest.param(
        SPOT,
        {"quote_quantity": True, "order_type": OrderType.MARKET, "qty": "0.5"},
        spot_ask,
        R.NOTIONAL_BELOW_MIN,
        id="quote-qty-below-min-notional",
    ),
    pytest.param(
        SPOT,
        {"quote_quantity": True, "order_type": OrderType.MARKET, "qty": "-5"},
        spot_ask,
        R.INVALID_QUANTITY,
        id="quote-qty-negative",
    ),
    pytest.param(
        SPOT,
        {"quote_quantity": True, "order_type": OrderType.MARKET, "qty": "100", "trigger_price": "31000"},
        spot_last_and_ask,
        R.INVALID_ORDER,
        id="quote-qty-conditional",
    ),
    pytest.param(
        LINEAR, {"close_on_trigger": True}, nothing, R.INVALID_ORDER, id="close-on-trigger-no-trigger"
    ),
    pytest.param(LINEAR, {"client_order_id": 17}, nothing, R.INVALID_ORDER, id="client-id-not-str"),
    pytest.param(
        LINEAR, {"client_order_id": "c1"}, used_client_id, R.DUPLICATE_CLIENT_ORDER_ID, id="dup-client-id"
    ),
    # -- positions
    pytest.param(LINEAR, {"reduce_only": True}, nothing, R.REDUCE_ONLY_WOULD_INCREASE, id="reduce-only-flat"),
    pytest.param(LINEAR, {"position_idx": 1}, nothing, R.POSITION_IDX_MISMATCH, id="one-way-idx-1"),
    pytest.param(LINEAR, {"position_idx": True}, nothing, R.POSITION_IDX_MISMATCH, id="idx-bool"),
    pytest.param(SPOT, {"position_idx": 2}, nothing, R.POSITION_IDX_MISMATCH, id="spot-idx-2"),
    pytest.param(LINEAR, {"position_idx": 0}, hedge, R.POSITION_IDX_MISMATCH, id="hedge-idx-0"),
    pytest.param(
        LINEAR,
        {"position_idx": 2, "side": Side.BUY},
        hedge,
        R.REDUCE_ONLY_WOULD_INCREASE,
        id="hedge-close-missing",
    ),
    # -- funds
    pytest.param(
        SPOT, {"qty": "3.4", "price": "30000"}, nothing, R.INSUFFICIENT_BALANCE, id="spot-buy-funds"
    ),
    pytest.param(
        SPOT, {"qty": "10.000001", "side": Side.SELL}, nothing, R.INSUFFICIENT_BALANCE, id="spot-sell-funds"
    ),
    pytest.param(LINEAR, {"qty": "34", "price": "30000"}, nothing, R.INSUFFICIENT_MARGIN, id="linear-margin"),
    pytest.param(
        INVERSE, {"qty": "1000000", "price": "5000"}, nothing, R.INSUFFICIENT_MARGIN, id="inverse-margin"
    ),
    # -- triggers
    pytest.param(
        LINEAR, {"trigger_price": "31000"}, nothing, R.INVALID_TRIGGER, id="trigger-no-reference-no-direction"
    ),
    pytest.param(
        LINEAR,
        {"trigger_price": "31000", "trigger_direction": TriggerDirection.FALL},
        last_trade_30000,
        R.INVALID_TRIGGER,
        id="trigger-already-past-fall",
    ),
    pytest.param(
        LINEAR,
        {"trigger_price": "29000", "trigger_direction": TriggerDirection.RISE},
        last_trade_30000,
        R.INVALID_TRIGGER,
        id="trigger-already-past-rise",
    ),
    pytest.param(
        LINEAR, {"trigger_price": "30000"}, last_trade_30000, R.INVALID_TRIGGER, id="trigger-equal-to-last"
    ),
    pytest.param(
        LINEAR,
        {"trigger_price": "31000", "trigger_by": "mark"},
        last_trade_30000,
        R.INVALID_TRIGGER,
        id="trigger-by",
    ),
    pytest.param(
        LINEAR,
        {"trigger_price": "31000", "trigger_direction": 3},
        last_trade_30000,
        R.INVALID_TRIGGER,
        id="trigger-direction",
    ),
    pytest.param(
        LINEAR, {"trigger_price": "31000.05"}, last_trade_30000, R.PRICE_OFF_TICK, id="trigger-off-tick"
    ),
    pytest.param(LINEAR, {"trigger_price": "nan"}, last_trade_30000, R.INVALID_PRICE, id="trigger-nan"),
]


@pytest.mark.parametrize(("instrument_id", "changes", "prepare", "reason"), CASES)
def test_rejected_orders_change_nothing(
    ex: Exchange,
    snapshot: Callable[..., Any],
    instrument_id: str,
    changes: dict[str, Any],
    prepare: Callable[[Exchange], None],
    reason: RejectReason,
) -> None:
    prepare(ex)
    base = NewOrder("alice", instrument_id, Side.BUY, OrderType.LIMIT, "0.01", "30000")
    cmd = base._replace(**changes)
    before = snapshot(ex)
    seq = ex.seq
    result = ex.place_order(cmd)
    assert (result.ok, result.reason, result.order) == (False, reason, None)
    assert result.message
    assert len(result.events) == 1
    event = result.events[0]
    assert isinstance(event, OrderRejected)
    assert (event.reason, event.message, event.order, event.seq) == (reason, result.message, None, seq + 1)
    account_id = cmd.account_id if isinstance(cmd.account_id, str) else ""
    client_id = cmd.client_order_id if isinstance(cmd.client_order_id, str) else ""
    assert (event.account_id, event.instrument_id, event.client_order_id) == (
        account_id,
        instrument_id,
        client_id,
    )
    assert snapshot(ex) == before
    # The exchange still works after the rejection.
    assert ex.place_order(NewOrder("alice", SPOT, Side.BUY, OrderType.LIMIT, "0.01", "20000")).ok


def test_rejection_messages_read_like_sentences(ex: Exchange) -> None:
    result = ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.0105", "30000"))
    assert result.message == "qty 0.0105 is not a multiple of the lot size 0.001"
    result = ex.place_order(NewOrder("alice", "nope", Side.BUY, OrderType.LIMIT, "1", "1"))
    assert result.message == "no instrument 'nope'"
    result = ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "34", "30000"))
    # 34 * 30000 / 10 = 102000 margin + 34 * 30000 * 0.00055 = 561 fee.
    assert result.message == "the order needs 102561.0000000000 USDT but 100000 is available"


def test_too_many_open_orders(make_exchange: Callable[..., Exchange], snapshot: Callable[..., Any]) -> None:
    ex = make_exchange(max_open_orders=2)
    for price in ("29000", "29100"):
        assert ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", price)).ok
    before = snapshot(ex)
    result = ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "29200"))
    assert (result.ok, result.reason) == (False, R.TOO_MANY_OPEN_ORDERS)
    assert snapshot(ex) == before
    # Conditional orders count too; other accounts have their own limit.
    ex.record_trade(LINEAR, "30000", "0.001")
    cond = NewOrder("alice", LINEAR, Side.BUY, OrderType.MARKET, "0.01", trigger_price="31000")
    assert ex.place_order(cond).reason is R.TOO_MANY_OPEN_ORDERS
    assert ex.place_order(cond._replace(account_id="bob")).ok
    # Participants (scripted liquidity) are never limited.
    ex.seed_book(LINEAR, asks=[("31000", "1"), ("31100", "1"), ("31200", "1")])


def test_instrument_before_launch_rejects_then_trades_after_activation(
    make_exchange: Callable[..., Exchange],
) -> None:
    ex = make_exchange()
    from simulator.core import Instrument, InstrumentKind

    late = Instrument(
        symbol="ETHUSDT",
        kind=InstrumentKind.LINEAR_PERPETUAL,
        base="ETH",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.01"),
        lot_size=D("0.01"),
        min_qty=D("0.01"),
        max_qty=D("1000"),
        activation_ns=T0_NS + 60 * NS_PER_S,
    )
    ex.add_instrument(late)
    assert ex.market(late.id).status is InstrumentStatus.PRE_LAUNCH
    order = NewOrder("alice", late.id, Side.BUY, OrderType.LIMIT, "1", "2000")
    assert ex.place_order(order).reason is R.INSTRUMENT_NOT_TRADING
    events = ex.advance(59)
    assert events == []
    assert ex.place_order(order).reason is R.INSTRUMENT_NOT_TRADING
    events = ex.advance(1)
    assert [(type(e).__name__, e.instrument_id, e.status, e.ts_ns) for e in events] == [
        ("InstrumentStatusChanged", late.id, InstrumentStatus.TRADING, T0_NS + 60 * NS_PER_S)
    ]
    assert ex.place_order(order).ok


def test_halt_keeps_open_orders_and_resume_accepts_again(ex: Exchange) -> None:
    resting = ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "29000"))
    events = ex.set_instrument_status(LINEAR, InstrumentStatus.HALTED)
    assert [(type(e).__name__, e.status) for e in events] == [
        ("InstrumentStatusChanged", InstrumentStatus.HALTED)
    ]
    assert [o.order_id for o in ex.open_orders("alice")] == [resting.order.order_id]  # type: ignore[union-attr]
    assert ex.set_instrument_status(LINEAR, InstrumentStatus.HALTED) == ()  # no change, no event
    ex.set_instrument_status(LINEAR, InstrumentStatus.TRADING)
    assert ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "29000")).ok


def test_post_only_that_would_take_is_rejected_with_an_order_id(
    ex: Exchange, snapshot: Callable[..., Any]
) -> None:
    ex.seed_book(LINEAR, asks=[("30000", "1")])
    before = snapshot(ex)
    cmd = NewOrder(
        "alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "30000", post_only=True, client_order_id="po"
    )
    result = ex.place_order(cmd)
    assert (result.ok, result.reason) == (False, R.POST_ONLY_WOULD_TAKE)
    assert result.order is not None
    assert result.order.status.value == "rejected"
    assert result.order.reject_reason is R.POST_ONLY_WOULD_TAKE
    [event] = result.events
    assert isinstance(event, OrderRejected)
    assert event.order == result.order
    assert event.client_order_id == "po"
    balances, orders, positions, books, conditionals, fees, closed = snapshot(ex)
    assert (balances, orders, positions, books, conditionals, fees) == before[:6]
    assert closed == before[6] + 1  # the rejected order is in the history
    assert ex.order_history("alice")[0].order_id == result.order.order_id
    # A post-only order that does not cross rests.
    ok = ex.place_order(cmd._replace(price="29999.9", client_order_id="po2"))
    assert ok.ok and ok.order is not None and ok.order.status.value == "new"


# -- amend and cancel rejections ---------------------------------------------------------------


@pytest.fixture
def resting(ex: Exchange) -> str:
    result = ex.place_order(
        NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.10", "29000", client_order_id="r1")
    )
    assert result.order is not None
    return result.order.order_id


AMEND_CASES = [
    pytest.param({"order_id": "", "client_order_id": ""}, R.INVALID_ORDER, id="no-ids"),
    pytest.param({"order_id": 5}, R.INVALID_ORDER, id="id-not-str"),
    pytest.param({"order_id": "999"}, R.ORDER_NOT_FOUND, id="unknown-id"),
    pytest.param({"client_order_id": "nope", "order_id": ""}, R.ORDER_NOT_FOUND, id="unknown-client-id"),
    pytest.param({"instrument_id": INVERSE}, R.ORDER_NOT_FOUND, id="other-instrument"),
    pytest.param({"instrument_id": "nope"}, R.UNKNOWN_INSTRUMENT, id="unknown-instrument"),
    pytest.param({"account_id": "bob"}, R.ORDER_NOT_FOUND, id="other-account"),
    pytest.param({"account_id": "mallory"}, R.UNKNOWN_ACCOUNT, id="unknown-account"),
    pytest.param({}, R.NOTHING_TO_AMEND, id="nothing"),
    pytest.param({"qty": "0.1", "price": "29000.0"}, R.NOTHING_TO_AMEND, id="same-values"),
    pytest.param({"qty": "0"}, R.INVALID_QUANTITY, id="qty-zero"),
    pytest.param({"qty": "NaN"}, R.INVALID_QUANTITY, id="qty-nan"),
    pytest.param({"qty": "0.1005"}, R.QUANTITY_OFF_LOT, id="qty-off-lot"),
    pytest.param({"qty": "1e40"}, R.QUANTITY_ABOVE_MAX, id="qty-astronomic"),
    pytest.param({"price": "-1"}, R.INVALID_PRICE, id="price-negative"),
    pytest.param({"price": "29000.01"}, R.PRICE_OFF_TICK, id="price-off-tick"),
    pytest.param({"trigger_price": "31000"}, R.INVALID_TRIGGER, id="trigger-on-plain-order"),
    pytest.param({"qty": "40"}, R.INSUFFICIENT_MARGIN, id="margin"),
]


@pytest.mark.parametrize(("changes", "reason"), AMEND_CASES)
def test_rejected_amends_change_nothing(
    ex: Exchange, snapshot: Callable[..., Any], resting: str, changes: dict[str, Any], reason: RejectReason
) -> None:
    cmd = AmendOrder("alice", LINEAR, order_id=resting)._replace(**changes)
    before = snapshot(ex)
    seq = ex.seq
    result = ex.amend_order(cmd)
    assert (result.ok, result.reason, result.order, result.events) == (False, reason, None, ())
    assert snapshot(ex) == before
    assert ex.seq == seq


def test_amend_and_cancel_of_a_closed_order(ex: Exchange, resting: str, snapshot: Callable[..., Any]) -> None:
    assert ex.cancel_order(CancelOrder("alice", LINEAR, order_id=resting)).ok
    before = snapshot(ex)
    for cmd in (
        AmendOrder("alice", LINEAR, order_id=resting, qty="0.2"),
        AmendOrder("alice", LINEAR, client_order_id="r1", qty="0.2"),
    ):
        result = ex.amend_order(cmd)
        assert (result.ok, result.reason) == (False, R.ORDER_CLOSED)
        assert result.message == f"order {resting!r} is already cancelled"
    for cancel in (
        CancelOrder("alice", LINEAR, order_id=resting),
        CancelOrder("alice", LINEAR, client_order_id="r1"),
    ):
        assert ex.cancel_order(cancel).reason is R.ORDER_CLOSED
    assert ex.cancel_order(CancelOrder("alice", LINEAR, order_id="12345")).reason is R.ORDER_NOT_FOUND
    assert snapshot(ex) == before


def test_amend_post_only_that_would_cross_is_rejected_and_unchanged(
    ex: Exchange, snapshot: Callable[..., Any]
) -> None:
    ex.seed_book(LINEAR, asks=[("30000", "1")])
    placed = ex.place_order(
        NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.1", "29000", post_only=True)
    )
    assert placed.order is not None
    before = snapshot(ex)
    result = ex.amend_order(AmendOrder("alice", LINEAR, order_id=placed.order.order_id, price="30000"))
    assert (result.ok, result.reason) == (False, R.POST_ONLY_WOULD_TAKE)
    assert snapshot(ex) == before
    view = ex.order("alice", placed.order.order_id)
    assert (view.price, view.qty, view.status.value) == (D("29000"), D("0.1"), "new")


def test_amend_to_qty_at_or_below_filled_is_rejected(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    placed = ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.3", "29000"))
    assert placed.order is not None
    # A participant sells 0.1 into it: 0.1 filled, 0.2 left.
    ex.participant("mm")
    ex.place_order(NewOrder("mm", LINEAR, Side.SELL, OrderType.MARKET, "0.1"))
    before = snapshot(ex)
    for qty, shown in (("0.1", "0.100"), ("0.05", "0.050")):
        result = ex.amend_order(AmendOrder("alice", LINEAR, order_id=placed.order.order_id, qty=qty))
        assert (result.ok, result.reason) == (False, R.INVALID_QUANTITY)
        assert result.message == f"qty {shown} must exceed the filled 0.100"
    assert snapshot(ex) == before


# -- settings rejections --------------------------------------------------------------------


def test_leverage_rejections(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    before = snapshot(ex)
    cases = [
        (SPOT, "5", R.INVALID_LEVERAGE),
        (LINEAR, "0", R.INVALID_LEVERAGE),
        (LINEAR, "0.5", R.INVALID_LEVERAGE),
        (LINEAR, "101", R.INVALID_LEVERAGE),
        (LINEAR, "NaN", R.INVALID_LEVERAGE),
        (LINEAR, "ten", R.INVALID_LEVERAGE),
        (LINEAR, "10", R.LEVERAGE_NOT_MODIFIED),
        ("nope", "5", R.UNKNOWN_INSTRUMENT),
    ]
    for instrument_id, leverage, reason in cases:
        result = ex.set_leverage("alice", instrument_id, leverage)
        assert (result.ok, result.reason, result.events) == (False, reason, ()), (instrument_id, leverage)
    assert ex.set_leverage("mallory", LINEAR, "5").reason is R.UNKNOWN_ACCOUNT
    assert snapshot(ex) == before


def test_leverage_decrease_that_would_leave_too_little_margin_is_rejected(
    ex: Exchange, snapshot: Callable[..., Any]
) -> None:
    # 30 BTC @ 30000 at 10x holds 90000 USDT of margin; at 1x it would need 900000.
    ex.seed_position("alice", LINEAR, "30", "30000")
    before = snapshot(ex)
    result = ex.set_leverage("alice", LINEAR, "1")
    assert (result.ok, result.reason) == (False, R.INSUFFICIENT_MARGIN)
    assert snapshot(ex) == before
    assert ex.position("alice", LINEAR).leverage == D(10)  # type: ignore[union-attr]


def test_position_and_margin_mode_rejections(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    before = snapshot(ex)
    assert ex.set_position_mode("alice", LINEAR, PositionMode.ONE_WAY).reason is R.POSITION_MODE_NOT_MODIFIED
    assert ex.set_position_mode("alice", SPOT, PositionMode.HEDGE).reason is R.INVALID_ORDER
    assert ex.set_position_mode("alice", LINEAR, "hedge").reason is R.INVALID_ORDER  # type: ignore[arg-type]
    assert ex.set_margin_mode("alice", MarginMode.CROSS).reason is R.MARGIN_MODE_NOT_MODIFIED
    assert ex.set_margin_mode("alice", "isolated").reason is R.INVALID_ORDER  # type: ignore[arg-type]
    assert snapshot(ex) == before
    ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "29000"))
    assert ex.set_position_mode("alice", LINEAR, PositionMode.HEDGE).reason is R.POSITION_OR_ORDERS_EXIST
    assert ex.set_margin_mode("alice", MarginMode.ISOLATED).ok
    assert ex.accounts["alice"].margin_mode is MarginMode.ISOLATED


def test_position_mode_switch_needs_a_flat_position(ex: Exchange) -> None:
    ex.seed_position("alice", LINEAR, "1", "30000")
    assert ex.set_position_mode("alice", LINEAR, PositionMode.HEDGE).reason is R.POSITION_OR_ORDERS_EXIST
    assert ex.set_position_mode("alice", INVERSE, PositionMode.HEDGE).ok


def test_trading_stop_rejections(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    assert ex.set_trading_stop("alice", LINEAR, take_profit="31000").reason is R.INVALID_ORDER  # no position
    ex.seed_position("alice", LINEAR, "1", "30000")
    ex.record_trade(LINEAR, "30000", "0.001")
    before = snapshot(ex)
    cases: list[tuple[dict[str, Any], RejectReason]] = [
        ({"take_profit": "29000"}, R.INVALID_TRIGGER),  # a long's take-profit must be above the last
        ({"stop_loss": "31000"}, R.INVALID_TRIGGER),  # and its stop-loss below
        ({"take_profit": "31000", "stop_loss": "30000"}, R.INVALID_TRIGGER),  # one bad leg rejects both
        ({"take_profit": "abc"}, R.INVALID_TRIGGER),
        ({"take_profit": "31000.05"}, R.PRICE_OFF_TICK),
        ({"take_profit": "31000", "position_idx": 1}, R.INVALID_ORDER),
    ]
    for kwargs, reason in cases:
        result = ex.set_trading_stop("alice", LINEAR, **kwargs)
        assert (result.ok, result.reason, result.events) == (False, reason, ()), kwargs
    assert snapshot(ex) == before


# -- number parsing, direct --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1.50"), D("1.50")),
        (3, D(3)),
        ("  2.5 ", D("2.5")),
        ("1e3", D("1000")),
        (0.1, D("0.1")),  # floats go through repr, not their binary expansion
    ],
)
def test_parse_number_accepts(value: object, expected: D) -> None:
    assert parse_number(value, "qty", R.INVALID_QUANTITY) == expected


@pytest.mark.parametrize("value", ["NaN", "-inf", "x", "", None, False, b"1", 1j, float("nan")])
def test_parse_number_rejects(value: object) -> None:
    with pytest.raises(Rejected) as info:
        parse_number(value, "qty", R.INVALID_QUANTITY)
    assert info.value.reason is R.INVALID_QUANTITY


def test_ticks_and_lots_conversion() -> None:
    from simulator.core import Instrument, InstrumentKind

    inst = Instrument(
        symbol="X",
        kind=InstrumentKind.SPOT,
        base="BTC",
        quote="USDT",
        settle="USDT",
        tick_size=D("0.01"),
        lot_size=D("0.000001"),
        min_qty=D("0.000048"),
        max_qty=D("100"),
    )
    assert price_to_ticks(inst, "30000.01") == 3_000_001
    assert qty_to_lots(inst, "0.5") == 500_000
    assert qty_to_lots(inst, "0.000048") == 48
    assert qty_to_lots(inst, "100") == 100_000_000
    with pytest.raises(Rejected) as info:
        price_to_ticks(inst, "0.001", "trigger price")
    assert info.value.message == "trigger price 0.001 is not a multiple of the tick size 0.01"


# -- ids of the wrong type ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [["alice"], {"id": 1}, {"alice"}, None, 7])
def test_ids_of_the_wrong_type_are_rejected_not_raised(
    ex: Exchange, snapshot: Callable[..., Any], bad: Any
) -> None:
    from simulator.core import CancelAll

    before = snapshot(ex)
    results = [
        ex.place_order(NewOrder(bad, LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "30000")),
        ex.amend_order(AmendOrder(bad, LINEAR, order_id="1", qty="1")),
        ex.cancel_order(CancelOrder(bad, LINEAR, order_id="1")),
        ex.set_leverage(bad, LINEAR, "5"),
    ]
    assert [r.reason for r in results] == [R.UNKNOWN_ACCOUNT] * 4
    results = [
        ex.place_order(NewOrder("alice", bad, Side.BUY, OrderType.LIMIT, "0.01", "30000")),
        ex.amend_order(AmendOrder("alice", bad, order_id="1", qty="1")),
        ex.cancel_order(CancelOrder("alice", bad, order_id="1")),
        ex.set_leverage("alice", bad, "5"),
    ]
    assert [r.reason for r in results] == [R.UNKNOWN_INSTRUMENT] * 4
    assert ex.cancel_all(CancelAll(bad)).cancelled == ()
    assert ex.cancel_all(CancelAll("alice", instrument_id=bad)).cancelled == ()
    assert snapshot(ex) == before
    # And the exchange is still usable.
    assert ex.place_order(NewOrder("alice", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", "29000")).ok


def test_inverse_min_notional_is_counted_in_the_quote_coin() -> None:
    from simulator.core import Instrument, InstrumentKind

    ex = Exchange()
    ex.add_instrument(
        Instrument(
            symbol="BTCUSD",
            kind=InstrumentKind.INVERSE_PERPETUAL,
            base="BTC",
            quote="USD",
            settle="BTC",
            tick_size=D("0.5"),
            lot_size=D("1"),
            min_qty=D("1"),
            max_qty=D("1000000"),
            min_notional=D("10"),
        )
    )
    ex.add_account("alice", balances={"BTC": "1"})
    # 5 contracts of 1 USD are worth 5 USD, whatever the price: below the 10 USD minimum.
    small = ex.place_order(NewOrder("alice", INVERSE, Side.BUY, OrderType.LIMIT, "5", "30000"))
    assert (small.ok, small.reason) == (False, R.NOTIONAL_BELOW_MIN)
    assert small.message == "order value 5 is below the minimum 10"
    assert ex.place_order(NewOrder("alice", INVERSE, Side.BUY, OrderType.LIMIT, "10", "30000")).ok
