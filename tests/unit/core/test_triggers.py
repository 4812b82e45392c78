"""Conditional orders: trigger by last/mark/index, direction, scheduled marks, take-profit/stop-loss."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    NS_PER_S,
    AmendOrder,
    CancelAll,
    CancelReason,
    Exchange,
    InstrumentStatus,
    NewOrder,
    OrderAccepted,
    OrderCancelled,
    OrderFilled,
    OrderRejected,
    OrderStatus,
    OrderTriggered,
    OrderType,
    RejectReason,
    Side,
    StopKind,
    TriggerBy,
    TriggerDirection,
)

LINEAR = "linear:BTCUSDT"
T0_NS = 1_700_000_000 * NS_PER_S
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


@pytest.fixture
def market(ex: Exchange) -> Exchange:
    """Last 30000; a participant quotes 29000 bid / 31000 ask, 5 BTC each."""
    ex.record_trade(LINEAR, "30000", "0.001")
    ex.seed_book(LINEAR, bids=[("29000", "5")], asks=[("31000", "5")])
    return ex


def stop(ex: Exchange, side: Side, trigger: str, **kw: Any) -> str:
    order_type = LIMIT if "price" in kw else MARKET
    result = ex.place_order(
        NewOrder("alice", LINEAR, side, order_type, kw.pop("qty", "0.1"), trigger_price=trigger, **kw)
    )
    assert result.ok and result.order is not None, result
    assert result.order.status is OrderStatus.UNTRIGGERED
    return result.order.order_id


def status(ex: Exchange, order_id: str) -> OrderStatus:
    return ex.order("alice", order_id).status


# -- references ------------------------------------------------------------------------------------------


def test_last_price_trigger_fires_on_a_scripted_trade(market: Exchange) -> None:
    order_id = stop(market, BUY, "30500")
    market.record_trade(LINEAR, "30400", "0.001")
    assert status(market, order_id) is OrderStatus.UNTRIGGERED
    events = market.record_trade(LINEAR, "30500", "0.001")
    names = [type(e).__name__ for e in events]
    assert names[:4] == ["TradeOccurred", "OrderTriggered", "OrderAccepted", "OrderFilled"]
    triggered = next(e for e in events if isinstance(e, OrderTriggered))
    assert triggered.order.status is OrderStatus.TRIGGERED
    fill = next(e.fill for e in events if isinstance(e, OrderFilled) and e.fill.account_id == "alice")
    assert (fill.price, fill.qty) == (D("31000"), D("0.1"))  # a stop-market takes the book
    assert status(market, order_id) is OrderStatus.FILLED
    assert market.market(LINEAR).conditionals == []


def test_last_price_trigger_fires_on_a_book_trade(market: Exchange) -> None:
    order_id = stop(market, SELL, "29000")
    assert market.order("alice", order_id).trigger_direction is TriggerDirection.FALL
    market.place_order(NewOrder("bob", LINEAR, SELL, MARKET, "0.5"))  # trades at 29000
    assert status(market, order_id) is OrderStatus.FILLED
    fills = market.fills("alice")
    assert [(f.price, f.qty, f.side) for f in fills] == [(D("29000"), D("0.1"), SELL)]


def test_mark_price_trigger(market: Exchange) -> None:
    market.set_mark_price(LINEAR, "30000")
    order_id = stop(market, SELL, "29500", trigger_by=TriggerBy.MARK)
    market.record_trade(LINEAR, "29000", "0.001")  # last moves, mark does not
    assert status(market, order_id) is OrderStatus.UNTRIGGERED
    events = market.set_mark_price(LINEAR, "29500")
    assert [type(e).__name__ for e in events][:3] == ["MarkPriceChanged", "OrderTriggered", "OrderAccepted"]
    assert status(market, order_id) is OrderStatus.FILLED


def test_index_price_trigger(market: Exchange) -> None:
    market.set_index_price(LINEAR, "30000")
    order_id = stop(market, BUY, "30200", trigger_by=TriggerBy.INDEX)
    market.set_mark_price(LINEAR, "30300")
    assert status(market, order_id) is OrderStatus.UNTRIGGERED
    market.set_index_price(LINEAR, "30199.9")
    assert status(market, order_id) is OrderStatus.UNTRIGGERED
    market.set_index_price(LINEAR, "30250")
    assert status(market, order_id) is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("trigger", "direction"),
    [("30000.1", TriggerDirection.RISE), ("29999.9", TriggerDirection.FALL)],
)
def test_direction_is_inferred_from_the_reference(
    market: Exchange, trigger: str, direction: TriggerDirection
) -> None:
    order_id = stop(market, BUY, trigger)
    assert market.order("alice", order_id).trigger_direction is direction


def test_explicit_direction_without_a_reference(ex: Exchange) -> None:
    order_id = stop(ex, BUY, "30500", trigger_direction=TriggerDirection.RISE)
    ex.seed_book(LINEAR, asks=[("31000", "1")])
    ex.record_trade(LINEAR, "30499.9", "0.001")
    assert status(ex, order_id) is OrderStatus.UNTRIGGERED
    ex.record_trade(LINEAR, "30600", "0.001")
    assert status(ex, order_id) is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("by", "trigger", "direction"),
    [
        (TriggerBy.MARK, "30100", TriggerDirection.FALL),
        (TriggerBy.MARK, "29900", TriggerDirection.RISE),
        (TriggerBy.INDEX, "30000", TriggerDirection.RISE),
        (TriggerBy.LAST, "30000", TriggerDirection.FALL),
    ],
)
def test_trigger_already_past_at_placement(
    market: Exchange, snapshot: Callable[..., Any], by: TriggerBy, trigger: str, direction: TriggerDirection
) -> None:
    market.set_mark_price(LINEAR, "30000")
    market.set_index_price(LINEAR, "30000")
    before = snapshot(market)
    result = market.place_order(
        NewOrder(
            "alice",
            LINEAR,
            BUY,
            MARKET,
            "0.1",
            trigger_price=trigger,
            trigger_by=by,
            trigger_direction=direction,
        )
    )
    assert (result.ok, result.reason) == (False, RejectReason.INVALID_TRIGGER)
    assert snapshot(market) == before


def test_mark_falls_back_to_last_and_index_to_mark(ex: Exchange) -> None:
    ex.record_trade(LINEAR, "30000", "0.001")
    by_mark = stop(ex, BUY, "30500", trigger_by=TriggerBy.MARK)
    ex.set_mark_price(LINEAR, "30100")
    by_index = stop(ex, BUY, "30200", trigger_by=TriggerBy.INDEX)  # index falls back to the mark 30100
    assert ex.order("alice", by_index).trigger_direction is TriggerDirection.RISE
    assert ex.order("alice", by_mark).trigger_direction is TriggerDirection.RISE


# -- scheduled marks --------------------------------------------------------------------------------------


def test_a_scheduled_mark_move_fires_a_stop_during_advance(market: Exchange) -> None:
    order_id = stop(market, SELL, "29500", trigger_by=TriggerBy.MARK)
    market.schedule_mark_price(LINEAR, T0_NS + 10 * NS_PER_S, "29400")
    assert market.advance(9) == []
    events = market.advance(5)
    triggered = [e for e in events if isinstance(e, OrderTriggered)]
    assert [(e.order.order_id, e.ts_ns) for e in triggered] == [(order_id, T0_NS + 10 * NS_PER_S)]
    assert status(market, order_id) is OrderStatus.FILLED
    assert market.market(LINEAR).mark_price == D("29400")
    assert market.clock.now_ns() == T0_NS + 14 * NS_PER_S


def test_a_scheduled_index_move_fires_a_stop(market: Exchange) -> None:
    market.set_index_price(LINEAR, "30000")
    order_id = stop(market, BUY, "30100", trigger_by=TriggerBy.INDEX)
    market.schedule_index_price(LINEAR, T0_NS + NS_PER_S, "30100")
    market.advance(1)
    assert status(market, order_id) is OrderStatus.FILLED


# -- stop-limit --------------------------------------------------------------------------------------------


def test_stop_limit_rests_at_its_price_when_it_triggers(market: Exchange) -> None:
    order_id = stop(market, BUY, "30500", price="30600")
    assert market.balance("alice", "USDT").order_margin == 0
    market.record_trade(LINEAR, "30500", "0.001")
    view = market.order("alice", order_id)
    assert (view.status, view.price) == (OrderStatus.NEW, D("30600"))
    # Locked at trigger time: 0.1 * 30600 / 10 + 0.1 * 30600 * 0.055% = 306 + 1.683.
    assert market.balance("alice", "USDT").order_margin == D("307.683")
    assert market.book(LINEAR).bids[0] == (D("30600"), D("0.1"))


def test_a_trigger_that_cannot_be_funded_is_rejected(market: Exchange) -> None:
    market.add_account("carol", balances={"USDT": "100"})
    result = market.place_order(NewOrder("carol", LINEAR, BUY, LIMIT, "1", "30600", trigger_price="30500"))
    assert result.ok and result.order is not None  # conditional orders are funded when they fire
    events = market.record_trade(LINEAR, "30500", "0.001")
    [rejected] = [e for e in events if isinstance(e, OrderRejected)]
    assert (rejected.reason, rejected.account_id, rejected.order.status) == (
        RejectReason.INSUFFICIENT_MARGIN,
        "carol",
        OrderStatus.REJECTED,
    )
    assert market.open_orders("carol") == []


def test_triggers_cascade(market: Exchange) -> None:
    # The first stop's fill prints 31000, which is the second stop's trigger.
    first = stop(market, BUY, "30500")
    second = stop(market, BUY, "31000")
    market.record_trade(LINEAR, "30500", "0.001")
    assert (status(market, first), status(market, second)) == (OrderStatus.FILLED, OrderStatus.FILLED)


def test_no_trigger_fires_while_halted(market: Exchange) -> None:
    order_id = stop(market, SELL, "29500", trigger_by=TriggerBy.MARK)
    market.set_instrument_status(LINEAR, InstrumentStatus.HALTED)
    market.set_mark_price(LINEAR, "29000")
    assert status(market, order_id) is OrderStatus.UNTRIGGERED
    market.set_instrument_status(LINEAR, InstrumentStatus.TRADING)
    market.set_mark_price(LINEAR, "28900")
    assert status(market, order_id) is OrderStatus.FILLED


def test_reduce_only_stop_without_a_position_is_rejected_when_it_fires(market: Exchange) -> None:
    order_id = stop(market, BUY, "30500", reduce_only=True)
    events = market.record_trade(LINEAR, "30500", "0.001")
    [rejected] = [e for e in events if isinstance(e, OrderRejected)]
    assert rejected.reason is RejectReason.REDUCE_ONLY_WOULD_INCREASE
    assert status(market, order_id) is OrderStatus.REJECTED


# -- take-profit / stop-loss ------------------------------------------------------------------------------


@pytest.fixture
def long_one(market: Exchange) -> Exchange:
    market.seed_position("alice", LINEAR, "1", "30000")
    return market


def protections(ex: Exchange) -> dict[StopKind, Any]:
    return {o.stop_kind: o for o in ex.open_orders("alice") if o.close_on_trigger}


def test_trading_stop_places_close_on_trigger_orders(long_one: Exchange) -> None:
    result = long_one.set_trading_stop("alice", LINEAR, take_profit="32000", stop_loss="29500")
    assert result.ok
    accepted = [e.order for e in result.events if isinstance(e, OrderAccepted)]
    assert [
        (o.stop_kind, o.side, o.trigger_price, o.trigger_direction, o.qty, o.reduce_only) for o in accepted
    ] == [
        (StopKind.TAKE_PROFIT, SELL, D("32000.0"), TriggerDirection.RISE, D("1"), True),
        (StopKind.STOP_LOSS, SELL, D("29500.0"), TriggerDirection.FALL, D("1"), True),
    ]
    position = long_one.position("alice", LINEAR)
    assert position is not None and (position.take_profit, position.stop_loss) == (D("32000"), D("29500"))


def test_take_profit_closes_the_whole_position_and_deactivates_the_stop_loss(long_one: Exchange) -> None:
    ex = long_one
    ex.set_trading_stop("alice", LINEAR, take_profit="31500", stop_loss="29500")
    # The position grows after the take-profit was set (0.5 bought at 31000): it closes all of it.
    ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.5"))
    sl = protections(ex)[StopKind.STOP_LOSS].order_id
    events = ex.record_trade(LINEAR, "31500", "0.001")
    fills = [e.fill for e in events if isinstance(e, OrderFilled) and e.fill.account_id == "alice"]
    assert [(f.side, f.price, f.qty) for f in fills] == [(SELL, D("29000"), D("1.5"))]
    position = ex.position("alice", LINEAR)
    assert position is not None and (position.size, position.take_profit, position.stop_loss) == (
        0,
        None,
        None,
    )
    cancelled = [e for e in events if isinstance(e, OrderCancelled)]
    assert [(e.order.order_id, e.order.status, e.reason) for e in cancelled] == [
        (sl, OrderStatus.DEACTIVATED, CancelReason.REDUCE_ONLY)
    ]
    assert ex.open_orders("alice") == []


def test_stop_loss_by_mark(long_one: Exchange) -> None:
    ex = long_one
    ex.set_mark_price(LINEAR, "30000")
    assert ex.set_trading_stop("alice", LINEAR, stop_loss="29600", trigger_by=TriggerBy.MARK).ok
    ex.set_mark_price(LINEAR, "29600")
    position = ex.position("alice", LINEAR)
    assert position is not None and position.size == 0
    # 1 BTC sold into the 29000 bid: 1 * (29000 - 30000) = -1000.
    assert position.realized_pnl == D("-1000")


def test_protections_are_deactivated_when_the_position_is_closed_by_hand(long_one: Exchange) -> None:
    ex = long_one
    # The stop-loss sits below the 29000 bid the position is sold into, so it does not fire.
    ex.set_trading_stop("alice", LINEAR, take_profit="32000", stop_loss="28500")
    ids = {o.order_id for o in ex.open_orders("alice")}
    result = ex.place_order(NewOrder("alice", LINEAR, SELL, MARKET, "1"))
    cancelled = {e.order.order_id: e.reason for e in result.events if isinstance(e, OrderCancelled)}
    assert cancelled == dict.fromkeys(ids, CancelReason.REDUCE_ONLY)
    assert ex.market(LINEAR).conditionals == []


def test_replacing_and_removing_a_take_profit(long_one: Exchange) -> None:
    ex = long_one
    ex.set_trading_stop("alice", LINEAR, take_profit="32000")
    old = protections(ex)[StopKind.TAKE_PROFIT].order_id
    result = ex.set_trading_stop("alice", LINEAR, take_profit="33000")
    [cancelled] = [e for e in result.events if isinstance(e, OrderCancelled)]
    assert (cancelled.order.order_id, cancelled.reason) == (old, CancelReason.USER)
    assert protections(ex)[StopKind.TAKE_PROFIT].trigger_price == D("33000")
    ex.set_trading_stop("alice", LINEAR, take_profit="0")
    assert protections(ex) == {}
    position = ex.position("alice", LINEAR)
    assert position is not None and position.take_profit is None


def test_short_position_protections_point_the_other_way(market: Exchange) -> None:
    market.seed_position("alice", LINEAR, "-2", "30000")
    assert market.set_trading_stop("alice", LINEAR, take_profit="29500", stop_loss="30500").ok
    found = protections(market)
    assert (found[StopKind.TAKE_PROFIT].side, found[StopKind.TAKE_PROFIT].trigger_direction) == (
        BUY,
        TriggerDirection.FALL,
    )
    assert (found[StopKind.STOP_LOSS].side, found[StopKind.STOP_LOSS].trigger_direction) == (
        BUY,
        TriggerDirection.RISE,
    )
    market.record_trade(LINEAR, "30500", "0.001")
    position = market.position("alice", LINEAR)
    assert position is not None and position.size == 0
    # Bought back 2 at the 31000 ask: 2 * (30000 - 31000) = -2000.
    assert position.realized_pnl == D("-2000")


def test_a_rejected_trading_stop_changes_nothing(
    make_exchange: Callable[..., Exchange], snapshot: Callable[..., Any]
) -> None:
    ex = make_exchange(max_open_orders=2)
    ex.seed_position("alice", LINEAR, "1", "30000")
    ex.record_trade(LINEAR, "30000", "0.001")
    assert ex.set_trading_stop("alice", LINEAR, take_profit="31000").ok
    assert ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000")).ok
    before = snapshot(ex)
    # Replacing the take-profit frees a slot, but adding a stop-loss needs a third one.
    result = ex.set_trading_stop("alice", LINEAR, take_profit="32000", stop_loss="29500")
    assert (result.ok, result.reason, result.events) == (False, RejectReason.TOO_MANY_OPEN_ORDERS, ())
    assert snapshot(ex) == before
    position = ex.position("alice", LINEAR)
    assert position is not None and (position.take_profit, position.stop_loss) == (D("31000"), None)
    # Replacing the take-profit alone fits, and so does a stop-loss that replaces it.
    assert ex.set_trading_stop("alice", LINEAR, take_profit="32000").ok
    assert ex.set_trading_stop("alice", LINEAR, take_profit="0", stop_loss="29500").ok
    assert {o.stop_kind for o in ex.open_orders("alice")} == {None, StopKind.STOP_LOSS}


def test_a_trading_stop_on_a_halted_instrument_changes_nothing(
    long_one: Exchange, snapshot: Callable[..., Any]
) -> None:
    ex = long_one
    assert ex.set_trading_stop("alice", LINEAR, take_profit="31500").ok
    ex.set_instrument_status(LINEAR, InstrumentStatus.HALTED)
    before = snapshot(ex)
    result = ex.set_trading_stop("alice", LINEAR, take_profit="32000")
    assert (result.ok, result.reason) == (False, RejectReason.INSTRUMENT_NOT_TRADING)
    assert snapshot(ex) == before


# -- post-only conditional orders ---------------------------------------------------------------------


def test_a_post_only_stop_limit_that_would_take_when_it_fires_is_rejected(market: Exchange) -> None:
    order_id = stop(market, BUY, "30500", price="31000", post_only=True)
    events = market.record_trade(LINEAR, "30500", "0.001")
    assert [type(e).__name__ for e in events][:3] == ["TradeOccurred", "OrderTriggered", "OrderRejected"]
    [rejected] = [e for e in events if isinstance(e, OrderRejected)]
    assert (rejected.reason, rejected.order.status) == (
        RejectReason.POST_ONLY_WOULD_TAKE,
        OrderStatus.REJECTED,
    )
    assert market.fills("alice") == []
    assert market.balance("alice", "USDT").order_margin == 0
    assert status(market, order_id) is OrderStatus.REJECTED


def test_a_post_only_stop_limit_that_does_not_cross_rests_when_it_fires(market: Exchange) -> None:
    order_id = stop(market, BUY, "30500", price="30900", post_only=True)
    market.record_trade(LINEAR, "30500", "0.001")
    assert status(market, order_id) is OrderStatus.NEW
    assert market.book(LINEAR).bids[0] == (D("30900"), D("0.1"))


def test_an_untriggered_post_only_order_may_be_amended_through_the_book(market: Exchange) -> None:
    # Whether it would take is decided when it fires, as when it was placed.
    order_id = stop(market, BUY, "30800", price="30000", post_only=True)
    result = market.amend_order(AmendOrder("alice", LINEAR, order_id=order_id, price="31500"))
    assert (result.ok, result.order.price, result.order.status) == (True, D("31500"), OrderStatus.UNTRIGGERED)


def test_a_triggered_stop_limit_is_an_ordinary_order_to_cancel_all(market: Exchange) -> None:
    """Once it fires, a stop-limit rests like any order: cancel-all of ordinary orders takes it,
    cancel-all of conditional orders (the untriggered ones) does not."""
    order_id = stop(market, BUY, "30500", price="30600")
    market.record_trade(LINEAR, "30500", "0.001")
    assert status(market, order_id) is OrderStatus.NEW  # fired, resting at 30600
    assert market.cancel_all(CancelAll("alice", LINEAR, conditional=True)).cancelled == ()
    [cancelled] = market.cancel_all(CancelAll("alice", LINEAR, conditional=False)).cancelled
    assert cancelled.order_id == order_id
    assert status(market, order_id) is OrderStatus.CANCELLED
