"""Amend (queue priority, crossing, locks, triggers) and cancel / cancel-all / batches."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    AmendOrder,
    BookChanged,
    CancelAll,
    CancelOrder,
    CancelReason,
    Exchange,
    NewOrder,
    OrderAmended,
    OrderCancelled,
    OrderFilled,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
)

LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
INVERSE = "inverse:BTCUSD"
FUTURE = "linear:BTC-15NOV23"
CALL = "option:BTC-15NOV23-30000-C"
BUY, SELL = Side.BUY, Side.SELL
LIMIT, MARKET = OrderType.LIMIT, OrderType.MARKET


def place(ex: Exchange, account_id: str, side: Side, qty: str, price: str, **kw: Any) -> str:
    instrument_id = kw.pop("instrument_id", LINEAR)
    if account_id not in ex.accounts:
        ex.participant(account_id)
    result = ex.place_order(NewOrder(account_id, instrument_id, side, LIMIT, qty, price, **kw))
    assert result.ok and result.order is not None, result
    return result.order.order_id


def amend(ex: Exchange, order_id: str, **kw: Any) -> Any:
    return ex.amend_order(AmendOrder("alice", kw.pop("instrument_id", LINEAR), order_id=order_id, **kw))


def who_fills(ex: Exchange, qty: str) -> list[tuple[str, D]]:
    """Bob buys ``qty`` at market; the makers that filled, in order."""
    result = ex.place_order(NewOrder("bob", LINEAR, BUY, MARKET, qty))
    return [
        (e.fill.account_id, e.fill.qty)
        for e in result.events
        if isinstance(e, OrderFilled) and e.fill.liquidity.value == "maker"
    ]


# -- queue priority ----------------------------------------------------------------------------


def test_size_increase_loses_priority(ex: Exchange) -> None:
    mine = place(ex, "alice", SELL, "0.1", "30000")
    place(ex, "mm", SELL, "0.1", "30000")
    result = amend(ex, mine, qty="0.2")
    assert result.ok and result.order.qty == D("0.2")
    assert who_fills(ex, "0.1") == [("mm", D("0.1"))]


def test_size_decrease_keeps_priority(ex: Exchange) -> None:
    mine = place(ex, "alice", SELL, "0.2", "30000")
    place(ex, "mm", SELL, "0.1", "30000")
    result = amend(ex, mine, qty="0.1")
    assert result.ok
    [book] = [e for e in result.events if isinstance(e, BookChanged)]
    assert book.changes == ((SELL, 300000, 200),)  # 0.3 -> 0.2 at the level
    assert who_fills(ex, "0.1") == [("alice", D("0.1"))]


def test_price_change_loses_priority_even_when_it_comes_back(ex: Exchange) -> None:
    mine = place(ex, "alice", SELL, "0.1", "30000")
    place(ex, "mm", SELL, "0.1", "30000")
    assert amend(ex, mine, price="30010").ok
    result = amend(ex, mine, price="30000")
    assert result.ok
    assert ex.book(LINEAR).asks == [(D("30000"), D("0.2"))]
    assert who_fills(ex, "0.1") == [("mm", D("0.1"))]


def test_price_change_moves_the_order_between_levels(ex: Exchange) -> None:
    mine = place(ex, "alice", BUY, "0.1", "29000")
    place(ex, "mm", BUY, "0.2", "29500")
    result = amend(ex, mine, price="29500")
    [book] = [e for e in result.events if isinstance(e, BookChanged)]
    assert book.changes == ((BUY, 290000, 0), (BUY, 295000, 300))
    assert [o.account_id for o in ex.market(LINEAR).book.orders_at(BUY, 295000)] == ["mm", "alice"]


def test_size_decrease_on_a_partly_filled_order_keeps_priority_and_fills(ex: Exchange) -> None:
    mine = place(ex, "alice", SELL, "0.5", "30000")
    place(ex, "mm", SELL, "0.5", "30000")
    assert who_fills(ex, "0.2") == [("alice", D("0.2"))]
    result = amend(ex, mine, qty="0.3")
    assert result.ok
    view = result.order
    assert (view.status, view.qty, view.filled_qty, view.leaves_qty) == (
        OrderStatus.PARTIALLY_FILLED,
        D("0.3"),
        D("0.2"),
        D("0.1"),
    )
    assert who_fills(ex, "0.1") == [("alice", D("0.1"))]
    assert ex.order("alice", mine).status is OrderStatus.FILLED


# -- amend that crosses -------------------------------------------------------------------------


def test_amend_that_crosses_trades_at_once_at_the_maker_price(ex: Exchange) -> None:
    mine = place(ex, "alice", BUY, "0.1", "29000")
    place(ex, "mm", SELL, "0.05", "30000")
    result = amend(ex, mine, price="30100")
    assert result.ok
    names = [type(e).__name__ for e in result.events]
    assert names[:5] == ["OrderAmended", "OrderFilled", "OrderFilled", "TradeOccurred", "BookChanged"]
    amended = result.events[0]
    assert isinstance(amended, OrderAmended) and amended.order.price == D("30100")
    fills = [
        (e.fill.account_id, e.fill.price, e.fill.qty) for e in result.events if isinstance(e, OrderFilled)
    ]
    assert fills == [("mm", D("30000"), D("0.05")), ("alice", D("30000"), D("0.05"))]
    book_event = next(e for e in result.events if isinstance(e, BookChanged))
    # The old level went, the ask was taken, and the rest of alice's order rests at 30100.
    assert set(book_event.changes) == {(BUY, 290000, 0), (SELL, 300000, 0), (BUY, 301000, 50)}
    assert result.order.status is OrderStatus.PARTIALLY_FILLED
    assert ex.book(LINEAR).bids == [(D("30100"), D("0.05"))]
    assert not ex.market(LINEAR).book.is_crossed()


# -- amend and locks ------------------------------------------------------------------------------


def test_amend_relocks_exactly(ex: Exchange) -> None:
    mine = place(ex, "alice", BUY, "0.1", "29000")
    # 0.1 * 29000 = 2900: 290 margin + 1.595 fee.
    assert ex.balance("alice", "USDT").order_margin == D("291.595")
    amend(ex, mine, qty="0.2")
    assert ex.balance("alice", "USDT").order_margin == D("583.19")
    amend(ex, mine, price="28000", qty="0.05")
    # 0.05 * 28000 = 1400: 140 + 0.77.
    assert ex.balance("alice", "USDT").order_margin == D("140.77")


def test_spot_amend_relocks_quote_and_base(ex: Exchange) -> None:
    buy = place(ex, "alice", BUY, "0.1", "29000", instrument_id=SPOT)
    sell = place(ex, "alice", SELL, "0.5", "31000", instrument_id=SPOT)
    assert (ex.balance("alice", "USDT").locked, ex.balance("alice", "BTC").locked) == (D("2900"), D("0.5"))
    amend(ex, buy, price="28000", instrument_id=SPOT)
    amend(ex, sell, qty="0.25", instrument_id=SPOT)
    assert (ex.balance("alice", "USDT").locked, ex.balance("alice", "BTC").locked) == (D("2800"), D("0.25"))


def test_amend_increase_beyond_funds_is_rejected_and_unchanged(
    ex: Exchange, snapshot: Callable[..., Any]
) -> None:
    mine = place(ex, "alice", BUY, "1", "29000", instrument_id=SPOT)
    before = snapshot(ex)
    result = amend(ex, mine, qty="3.5", instrument_id=SPOT)  # 3.5 * 29000 = 101500 > 100000
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_BALANCE)
    assert result.message == "the amend needs 72500.00000000 more USDT but 71000.00000000 is available"
    assert snapshot(ex) == before


def test_amend_by_client_order_id(ex: Exchange) -> None:
    place(ex, "alice", BUY, "0.1", "29000", client_order_id="mine")
    result = ex.amend_order(AmendOrder("alice", LINEAR, client_order_id="mine", price="29100"))
    assert result.ok and result.order.price == D("29100") and result.order.client_order_id == "mine"


# -- amend conditional orders --------------------------------------------------------------------


@pytest.fixture
def stop(ex: Exchange) -> str:
    ex.record_trade(LINEAR, "30000", "0.001")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "30600", trigger_price="30500"))
    assert result.order is not None
    return result.order.order_id


def test_amend_trigger_price_qty_and_price_of_an_untriggered_order(ex: Exchange, stop: str) -> None:
    result = amend(ex, stop, trigger_price="30700", price="30800", qty="0.2")
    assert result.ok
    view = result.order
    assert (view.trigger_price, view.price, view.qty, view.status) == (
        D("30700"),
        D("30800"),
        D("0.2"),
        OrderStatus.UNTRIGGERED,
    )
    assert ex.balance("alice", "USDT").order_margin == 0  # still nothing locked
    # It fires at the new trigger, not the old one.
    ex.record_trade(LINEAR, "30600", "0.001")
    assert ex.order("alice", stop).status is OrderStatus.UNTRIGGERED
    ex.record_trade(LINEAR, "30700", "0.001")
    assert ex.order("alice", stop).status is OrderStatus.NEW


def test_amend_trigger_already_past_is_rejected(
    ex: Exchange, stop: str, snapshot: Callable[..., Any]
) -> None:
    before = snapshot(ex)
    for trigger in ("29000", "30000"):
        result = amend(ex, stop, trigger_price=trigger)
        assert (result.ok, result.reason) == (False, RejectReason.INVALID_TRIGGER)
    assert amend(ex, stop, trigger_price="30500.05").reason is RejectReason.PRICE_OFF_TICK
    assert snapshot(ex) == before


def test_amend_price_of_a_market_order_is_rejected(ex: Exchange) -> None:
    ex.record_trade(LINEAR, "30000", "0.001")
    result = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.1", trigger_price="30500"))
    assert result.order is not None
    rejected = amend(ex, result.order.order_id, price="30600")
    assert (rejected.ok, rejected.reason) == (False, RejectReason.INVALID_ORDER)


# -- cancel ----------------------------------------------------------------------------------------


def test_cancel_by_order_id(ex: Exchange) -> None:
    mine = place(ex, "alice", BUY, "0.1", "29000")
    result = ex.cancel_order(CancelOrder("alice", LINEAR, order_id=mine))
    assert result.ok
    assert [type(e).__name__ for e in result.events] == ["OrderCancelled", "BookChanged", "BalanceChanged"]
    cancelled = result.events[0]
    assert isinstance(cancelled, OrderCancelled)
    assert (cancelled.reason, cancelled.order.status, cancelled.order.cancel_reason) == (
        CancelReason.USER,
        OrderStatus.CANCELLED,
        CancelReason.USER,
    )
    assert ex.open_orders("alice") == []
    assert ex.order_history("alice")[0].order_id == mine


def test_cancel_by_client_order_id(ex: Exchange) -> None:
    mine = place(ex, "alice", BUY, "0.1", "29000", client_order_id="c-1")
    result = ex.cancel_order(CancelOrder("alice", LINEAR, client_order_id="c-1"))
    assert result.ok and result.order.order_id == mine


def test_order_id_wins_when_both_are_given(ex: Exchange) -> None:
    first = place(ex, "alice", BUY, "0.1", "29000", client_order_id="first")
    second = place(ex, "alice", BUY, "0.1", "29100", client_order_id="second")
    result = ex.cancel_order(CancelOrder("alice", LINEAR, order_id=second, client_order_id="first"))
    assert result.ok and result.order.order_id == second
    assert [o.order_id for o in ex.open_orders("alice")] == [first]
    # A wrong order id is not rescued by a right client id.
    wrong = ex.cancel_order(CancelOrder("alice", LINEAR, order_id="999", client_order_id="first"))
    assert (wrong.ok, wrong.reason) == (False, RejectReason.ORDER_NOT_FOUND)


def test_cancel_an_untriggered_order_deactivates_it(ex: Exchange, stop: str) -> None:
    result = ex.cancel_order(CancelOrder("alice", LINEAR, order_id=stop))
    assert result.ok
    assert [type(e).__name__ for e in result.events] == ["OrderCancelled"]
    assert result.order.status is OrderStatus.DEACTIVATED
    assert ex.market(LINEAR).conditionals == []


def test_client_order_ids_stay_used_after_the_order_closes(ex: Exchange) -> None:
    place(ex, "alice", BUY, "0.1", "29000", client_order_id="once")
    ex.cancel_order(CancelOrder("alice", LINEAR, client_order_id="once"))
    again = ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000", client_order_id="once"))
    assert again.reason is RejectReason.DUPLICATE_CLIENT_ORDER_ID
    # Client ids are per account.
    assert ex.place_order(NewOrder("bob", LINEAR, BUY, LIMIT, "0.1", "29000", client_order_id="once")).ok


# -- cancel-all -----------------------------------------------------------------------------------


@pytest.fixture
def spread(ex: Exchange) -> dict[str, str]:
    """alice's open orders across markets, by label."""
    ex.record_trade(LINEAR, "30000", "0.001")
    orders = {
        "lin-buy": place(ex, "alice", BUY, "0.1", "29000"),
        "lin-sell": place(ex, "alice", SELL, "0.1", "31000"),
        "spot-buy": place(ex, "alice", BUY, "0.01", "29000", instrument_id=SPOT),
        "inv-buy": place(ex, "alice", BUY, "100", "29000", instrument_id=INVERSE),
        "fut-buy": place(ex, "alice", BUY, "0.1", "29000", instrument_id=FUTURE),
        "call-buy": place(ex, "alice", BUY, "0.1", "500", instrument_id=CALL),
    }
    stop = ex.place_order(NewOrder("alice", LINEAR, BUY, MARKET, "0.1", trigger_price="30500"))
    assert stop.order is not None
    orders["lin-stop"] = stop.order.order_id
    place(ex, "bob", BUY, "0.1", "29000")  # never touched by alice's cancel-all
    return orders


CANCEL_ALL_CASES = [
    pytest.param({"instrument_id": LINEAR}, {"lin-buy", "lin-sell", "lin-stop"}, id="instrument"),
    pytest.param({"instrument_id": LINEAR, "side": BUY}, {"lin-buy", "lin-stop"}, id="instrument-side"),
    pytest.param({"instrument_id": LINEAR, "conditional": True}, {"lin-stop"}, id="only-conditional"),
    pytest.param({"instrument_id": LINEAR, "conditional": False}, {"lin-buy", "lin-sell"}, id="only-plain"),
    pytest.param({"side": SELL}, {"lin-sell"}, id="side"),
    pytest.param({"market": "linear"}, {"lin-buy", "lin-sell", "lin-stop", "fut-buy"}, id="market-linear"),
    pytest.param({"market": "spot"}, {"spot-buy"}, id="market-spot"),
    pytest.param({"market": "option"}, {"call-buy"}, id="market-option"),
    pytest.param({"settle": "BTC"}, {"inv-buy"}, id="settle-btc"),
    pytest.param(
        {"settle": "USDT"},
        {"lin-buy", "lin-sell", "lin-stop", "spot-buy", "fut-buy", "call-buy"},
        id="settle-usdt",
    ),
    pytest.param({"market": "linear", "settle": "BTC"}, set(), id="market-and-settle"),
    pytest.param({"base": "ETH"}, set(), id="base-eth"),
    pytest.param(
        {}, {"lin-buy", "lin-sell", "lin-stop", "spot-buy", "inv-buy", "fut-buy", "call-buy"}, id="everything"
    ),
    pytest.param({"instrument_id": "linear:NOPE"}, set(), id="unknown-instrument"),
]


@pytest.mark.parametrize(("filters", "expected"), CANCEL_ALL_CASES)
def test_cancel_all_filters(
    ex: Exchange, spread: dict[str, str], filters: dict[str, Any], expected: set[str]
) -> None:
    result = ex.cancel_all(CancelAll("alice", **filters))
    label = {order_id: name for name, order_id in spread.items()}
    assert {label[v.order_id] for v in result.cancelled} == expected
    assert {label[e.order.order_id] for e in result.events if isinstance(e, OrderCancelled)} == expected
    remaining = {label[o.order_id] for o in ex.open_orders("alice")}
    assert remaining == set(spread) - expected
    assert len(ex.open_orders("bob")) == 1
    if "lin-stop" in expected:
        assert ex.order("alice", spread["lin-stop"]).status is OrderStatus.DEACTIVATED


def test_cancel_all_releases_every_lock(ex: Exchange, spread: dict[str, str]) -> None:
    ex.cancel_all(CancelAll("alice"))
    for coin in ("USDT", "BTC"):
        balance = ex.balance("alice", coin)
        assert (balance.locked, balance.order_margin) == (0, 0)
    assert ex.available("alice", "USDT") == D("100000")


def test_cancel_all_of_an_unknown_account_cancels_nothing(ex: Exchange, spread: dict[str, str]) -> None:
    result = ex.cancel_all(CancelAll("mallory"))
    assert result.cancelled == () and result.events == ()
    assert len(ex.open_orders("alice")) == len(spread)


# -- batches ------------------------------------------------------------------------------------


def test_batches_run_each_command_on_its_own(ex: Exchange) -> None:
    placed = ex.place_orders(
        [
            NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000", client_order_id="b1"),
            NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000.05", client_order_id="b2"),  # off tick
            NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29100", client_order_id="b3"),
        ]
    )
    assert [(r.ok, r.reason) for r in placed] == [
        (True, None),
        (False, RejectReason.PRICE_OFF_TICK),
        (True, None),
    ]
    ids = [r.order.order_id for r in placed if r.order is not None]
    amended = ex.amend_orders(
        [
            AmendOrder("alice", LINEAR, order_id=ids[0], qty="0.2"),
            AmendOrder("alice", LINEAR, order_id="x", qty="1"),
        ]
    )
    assert [(r.ok, r.reason) for r in amended] == [(True, None), (False, RejectReason.ORDER_NOT_FOUND)]
    cancelled = ex.cancel_orders(
        [
            CancelOrder("alice", LINEAR, client_order_id="b3"),
            CancelOrder("alice", LINEAR, client_order_id="b2"),
        ]
    )
    assert [(r.ok, r.reason) for r in cancelled] == [(True, None), (False, RejectReason.ORDER_NOT_FOUND)]
    assert [(o.client_order_id, o.qty) for o in ex.open_orders("alice")] == [("b1", D("0.2"))]


def test_no_amend_while_halted_but_cancel_works(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    from simulator.core import InstrumentStatus

    mine = place(ex, "alice", BUY, "0.1", "29000")
    place(ex, "mm", SELL, "1", "30000")
    ex.set_instrument_status(LINEAR, InstrumentStatus.HALTED)
    before = snapshot(ex)
    # An amend through the ask would trade on a halted instrument.
    result = amend(ex, mine, price="30000")
    assert (result.ok, result.reason) == (False, RejectReason.INSTRUMENT_NOT_TRADING)
    assert amend(ex, mine, qty="0.05").reason is RejectReason.INSTRUMENT_NOT_TRADING
    assert snapshot(ex) == before
    assert list(ex.market(LINEAR).trades) == []
    assert ex.cancel_order(CancelOrder("alice", LINEAR, order_id=mine)).ok


def test_an_unexpected_error_in_cancel_all_does_not_wedge_the_exchange(
    ex: Exchange, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.core import trading

    def boom(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(trading, "cancel_all", boom)
    with pytest.raises(RuntimeError, match="boom"):
        ex.cancel_all(CancelAll("alice"))
    monkeypatch.undo()
    assert ex.place_order(NewOrder("alice", LINEAR, BUY, LIMIT, "0.1", "29000")).ok
    assert len(ex.cancel_all(CancelAll("alice")).cancelled) == 1
