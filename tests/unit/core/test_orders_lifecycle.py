"""Order types, time in force and flags: what each combination does on a known book.

The linear book for every case (alice is the taker, the market participant the maker)::

    asks  30010.0 x 0.5
          30000.0 x 0.5
    bids  29990.0 x 0.5
          29980.0 x 0.5

Last trade 30000 (for conditional orders).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from simulator.core import (
    NS_PER_S,
    CancelReason,
    Exchange,
    NewOrder,
    OrderAccepted,
    OrderCancelled,
    OrderExpired,
    OrderFilled,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)

LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
T0_NS = 1_700_000_000 * NS_PER_S
EXPIRE = T0_NS + 60 * NS_PER_S

S = OrderStatus
C = CancelReason
MARKET, LIMIT = OrderType.MARKET, OrderType.LIMIT
BUY, SELL = Side.BUY, Side.SELL
GTC, IOC, FOK, GTD = TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.GTD


@pytest.fixture
def book(ex: Exchange) -> Exchange:
    ex.record_trade(LINEAR, "30000", "0.001")
    ex.seed_book(LINEAR, bids=[("29990", "0.5"), ("29980", "0.5")], asks=[("30000", "0.5"), ("30010", "0.5")])
    return ex


def order(side: Side, order_type: OrderType, qty: str, price: str | None = None, **kw: Any) -> NewOrder:
    return NewOrder("alice", LINEAR, side, order_type, qty, price, **kw)


# (order, short position alice holds first, status, cancel reason, fills [(price, qty)], rests)
COMBINATIONS = [
    # -- market orders: IOC by nature, or FOK
    pytest.param(order(BUY, MARKET, "0.3"), None, S.FILLED, None, [("30000", "0.3")], False, id="market"),
    pytest.param(
        order(BUY, MARKET, "0.8"),
        None,
        S.FILLED,
        None,
        [("30000", "0.5"), ("30010", "0.3")],
        False,
        id="market-sweep",
    ),
    pytest.param(
        order(BUY, MARKET, "1.5"),
        None,
        S.CANCELLED,
        C.MARKET_NO_LIQUIDITY,
        [("30000", "0.5"), ("30010", "0.5")],
        False,
        id="market-runs-out",
    ),
    pytest.param(
        order(BUY, MARKET, "0.3", time_in_force=GTC),
        None,
        S.FILLED,
        None,
        [("30000", "0.3")],
        False,
        id="market-gtc",
    ),
    pytest.param(
        order(BUY, MARKET, "0.3", time_in_force=GTD, expire_ns=EXPIRE),
        None,
        S.FILLED,
        None,
        [("30000", "0.3")],
        False,
        id="market-gtd-is-ioc",
    ),
    pytest.param(
        order(BUY, MARKET, "1.5", time_in_force=FOK),
        None,
        S.CANCELLED,
        C.FOK_NOT_FILLABLE,
        [],
        False,
        id="market-fok",
    ),
    pytest.param(
        order(BUY, MARKET, "1.0", time_in_force=FOK),
        None,
        S.FILLED,
        None,
        [("30000", "0.5"), ("30010", "0.5")],
        False,
        id="market-fok-exact",
    ),
    pytest.param(
        order(SELL, MARKET, "0.3"), None, S.FILLED, None, [("29990", "0.3")], False, id="market-sell"
    ),
    # -- limit GTC
    pytest.param(order(BUY, LIMIT, "0.3", "29995"), None, S.NEW, None, [], True, id="limit-rests"),
    pytest.param(
        order(BUY, LIMIT, "0.8", "30000"),
        None,
        S.PARTIALLY_FILLED,
        None,
        [("30000", "0.5")],
        True,
        id="limit-partial",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.8", "31000"),
        None,
        S.FILLED,
        None,
        [("30000", "0.5"), ("30010", "0.3")],
        False,
        id="limit-through-levels-at-maker-prices",
    ),
    pytest.param(order(SELL, LIMIT, "0.3", "30005"), None, S.NEW, None, [], True, id="limit-sell-rests"),
    # -- limit IOC
    pytest.param(
        order(BUY, LIMIT, "0.8", "30000", time_in_force=IOC),
        None,
        S.CANCELLED,
        C.IOC_REMAINDER,
        [("30000", "0.5")],
        False,
        id="ioc-partial",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "29995", time_in_force=IOC),
        None,
        S.CANCELLED,
        C.IOC_REMAINDER,
        [],
        False,
        id="ioc",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "30000", time_in_force=IOC),
        None,
        S.FILLED,
        None,
        [("30000", "0.3")],
        False,
        id="ioc-full",
    ),
    # -- limit FOK
    pytest.param(
        order(BUY, LIMIT, "0.8", "30000", time_in_force=FOK),
        None,
        S.CANCELLED,
        C.FOK_NOT_FILLABLE,
        [],
        False,
        id="fok-not-enough-within-limit",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.8", "30010", time_in_force=FOK),
        None,
        S.FILLED,
        None,
        [("30000", "0.5"), ("30010", "0.3")],
        False,
        id="fok",
    ),
    # -- limit GTD
    pytest.param(
        order(BUY, LIMIT, "0.3", "29995", time_in_force=GTD, expire_ns=EXPIRE),
        None,
        S.NEW,
        None,
        [],
        True,
        id="gtd",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.8", "30000", time_in_force=GTD, expire_ns=EXPIRE),
        None,
        S.PARTIALLY_FILLED,
        None,
        [("30000", "0.5")],
        True,
        id="gtd-partial",
    ),
    # -- post-only
    pytest.param(
        order(BUY, LIMIT, "0.3", "29995", post_only=True), None, S.NEW, None, [], True, id="post-only"
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "29995", post_only=True, time_in_force=GTD, expire_ns=EXPIRE),
        None,
        S.NEW,
        None,
        [],
        True,
        id="post-only-gtd",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "30000", post_only=True),
        None,
        S.REJECTED,
        None,
        [],
        False,
        id="post-only-would-take",
    ),
    pytest.param(
        order(SELL, LIMIT, "0.3", "29990", post_only=True),
        None,
        S.REJECTED,
        None,
        [],
        False,
        id="post-only-sell-would-take",
    ),
    # -- reduce-only (alice short 0.4 first)
    pytest.param(
        order(BUY, MARKET, "1.0", reduce_only=True),
        "0.4",
        S.FILLED,
        None,
        [("30000", "0.4")],
        False,
        id="reduce-only-market-capped",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.2", "29995", reduce_only=True),
        "0.4",
        S.NEW,
        None,
        [],
        True,
        id="reduce-only-limit",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "30000", reduce_only=True, time_in_force=IOC),
        "0.4",
        S.FILLED,
        None,
        [("30000", "0.3")],
        False,
        id="reduce-only-ioc",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.2", "29995", reduce_only=True, post_only=True),
        "0.4",
        S.NEW,
        None,
        [],
        True,
        id="reduce-only-post-only",
    ),
    # -- conditional: they wait for their trigger
    pytest.param(
        order(BUY, MARKET, "0.3", trigger_price="30500"),
        None,
        S.UNTRIGGERED,
        None,
        [],
        False,
        id="stop-market",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "30600", trigger_price="30500"),
        None,
        S.UNTRIGGERED,
        None,
        [],
        False,
        id="stop-limit",
    ),
    pytest.param(
        order(SELL, LIMIT, "0.3", "29400", trigger_price="29500", time_in_force=GTD, expire_ns=EXPIRE),
        None,
        S.UNTRIGGERED,
        None,
        [],
        False,
        id="stop-limit-gtd",
    ),
    pytest.param(
        order(BUY, MARKET, "0.3", trigger_price="30500", reduce_only=True),
        "0.4",
        S.UNTRIGGERED,
        None,
        [],
        False,
        id="stop-market-reduce-only",
    ),
    pytest.param(
        order(BUY, LIMIT, "0.3", "30500", trigger_price="30500", post_only=True),
        None,
        S.UNTRIGGERED,
        None,
        [],
        False,
        id="stop-limit-post-only",
    ),
]


@pytest.mark.parametrize(("cmd", "short", "status", "reason", "fills", "rests"), COMBINATIONS)
def test_order_combinations(
    book: Exchange,
    cmd: NewOrder,
    short: str | None,
    status: OrderStatus,
    reason: CancelReason | None,
    fills: list[tuple[str, str]],
    rests: bool,
) -> None:
    ex = book
    if short is not None:
        ex.seed_position("alice", LINEAR, f"-{short}", "30000")
    result = ex.place_order(cmd)
    assert result.order is not None
    view = ex.order("alice", result.order.order_id)
    assert view.status is status
    assert result.ok is (status is not S.REJECTED)
    assert view.cancel_reason is reason
    got = [
        (e.fill.price, e.fill.qty)
        for e in result.events
        if isinstance(e, OrderFilled) and e.fill.account_id == "alice"
    ]
    assert got == [(D(p), D(q)) for p, q in fills]
    assert view.filled_qty == sum((D(q) for _, q in fills), D(0))
    market = ex.market(LINEAR)
    resting = [o.order_id for o in market.book.orders_at(cmd.side, view.price_ticks or 0)]
    assert (view.order_id in resting) is rests
    assert view.is_conditional is (cmd.trigger_price is not None)
    assert (view.order_id in [o.order_id for o in market.conditionals]) is (status is S.UNTRIGGERED)
    assert not market.book.is_crossed()
    # Market orders are immediate whatever TIF they were sent with, except FOK.
    if cmd.order_type is MARKET:
        assert view.time_in_force is (FOK if cmd.time_in_force is FOK else IOC)
    # Every fill was at the maker's price and the taker paid the taker fee on it.
    for event in result.events:
        if isinstance(event, OrderFilled) and event.fill.account_id == "alice":
            assert event.fill.liquidity.value == "taker"
            assert event.fill.fee == event.fill.price * event.fill.qty * D("0.00055")


def test_market_order_event_sequence(book: Exchange) -> None:
    result = book.place_order(order(BUY, MARKET, "0.8", client_order_id="m1"))
    assert [type(e).__name__ for e in result.events] == [
        "OrderAccepted",
        "OrderFilled",  # maker: the participant's 0.5 @ 30000
        "OrderFilled",  # taker
        "TradeOccurred",
        "OrderFilled",  # maker: 0.3 of the 0.5 @ 30010
        "OrderFilled",
        "TradeOccurred",
        "BookChanged",
        "PositionChanged",  # the participant's
        "PositionChanged",  # alice's
        "BalanceChanged",
        "BalanceChanged",
    ]
    accepted = result.events[0]
    assert isinstance(accepted, OrderAccepted)
    assert (accepted.order.status, accepted.order.filled_lots, accepted.order.client_order_id) == (
        S.NEW,
        0,
        "m1",
    )
    taker_fills = [e for e in result.events if isinstance(e, OrderFilled) and e.order.account_id == "alice"]
    assert [e.order.status for e in taker_fills] == [S.PARTIALLY_FILLED, S.FILLED]
    assert [e.order.filled_qty for e in taker_fills] == [D("0.5"), D("0.8")]
    # Average fill price: (0.5 * 30000 + 0.3 * 30010) / 0.8 = 30003.75.
    assert taker_fills[-1].order.avg_price == D("30003.75")
    trades = [(e.price, e.qty, e.aggressor) for e in result.events if type(e).__name__ == "TradeOccurred"]
    assert trades == [(D("30000.0"), D("0.500"), BUY), (D("30010.0"), D("0.300"), BUY)]
    seqs = [e.seq for e in result.events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_market_no_liquidity_at_all_is_accepted_then_cancelled(ex: Exchange) -> None:
    result = ex.place_order(order(BUY, MARKET, "0.1"))
    assert result.ok
    assert [type(e).__name__ for e in result.events] == ["OrderAccepted", "OrderCancelled"]
    cancelled = result.events[1]
    assert isinstance(cancelled, OrderCancelled)
    assert (cancelled.reason, cancelled.order.status) == (C.MARKET_NO_LIQUIDITY, S.CANCELLED)


def test_fok_not_fillable_leaves_the_book_untouched(book: Exchange) -> None:
    before = book.book(LINEAR)
    result = book.place_order(order(BUY, LIMIT, "0.8", "30000", time_in_force=FOK))
    # The order locked its margin on acceptance and released it on cancel: one balance update.
    assert [type(e).__name__ for e in result.events] == ["OrderAccepted", "OrderCancelled", "BalanceChanged"]
    assert result.events[1].reason is C.FOK_NOT_FILLABLE
    assert result.events[2].balance.order_margin == 0
    after = book.book(LINEAR)
    assert (after.bids, after.asks, after.seq) == (before.bids, before.asks, before.seq)
    assert book.balance("alice", "USDT").order_margin == 0


def test_resting_limit_locks_margin_and_cancel_releases_it(book: Exchange) -> None:
    result = book.place_order(order(BUY, LIMIT, "0.3", "29995"))
    # 0.3 * 29995 / 10 = 899.85 margin + 0.3 * 29995 * 0.00055 = 4.949175 worst-case fee.
    assert book.balance("alice", "USDT").order_margin == D("904.799175")
    assert book.available("alice", "USDT") == D("100000") - D("904.799175")
    assert result.order is not None
    from simulator.core import CancelOrder

    book.cancel_order(CancelOrder("alice", LINEAR, order_id=result.order.order_id))
    assert book.balance("alice", "USDT").order_margin == 0
    assert book.available("alice", "USDT") == D("100000")


def test_spot_quote_quantity_market_buy(ex: Exchange) -> None:
    ex.seed_book(SPOT, asks=[("30000", "0.01"), ("30100", "0.01")])
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "450", quote_quantity=True))
    assert result.ok and result.order is not None
    # 0.01 @ 30000 costs 300; the other 150 buys floor(150 / 0.0301) = 4983 lots of 0.000001
    # at 30100 (149.9883 USDT). Total 0.014983 BTC for 449.9883 USDT.
    fills = [
        (e.fill.price, e.fill.qty)
        for e in result.events
        if isinstance(e, OrderFilled) and e.fill.account_id == "alice"
    ]
    assert fills == [(D("30000"), D("0.01")), (D("30100"), D("0.004983"))]
    view = ex.order("alice", result.order.order_id)
    assert (view.status, view.qty, view.quote_quantity) == (S.FILLED, D("0.014983"), True)
    assert view.cum_value == D("449.9883")
    usdt, btc = ex.balance("alice", "USDT"), ex.balance("alice", "BTC")
    assert (usdt.total, usdt.locked) == (D("100000") - D("449.9883"), 0)
    # The buyer pays the 0.1% fee in BTC: 0.014983 * 0.001 = 0.000014983.
    assert btc.total == D("10") + D("0.014983") - D("0.000014983")


def test_spot_quote_quantity_more_than_the_book_is_cancelled_for_the_rest(ex: Exchange) -> None:
    ex.seed_book(SPOT, asks=[("30000", "0.01")])
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "1000", quote_quantity=True))
    assert result.order is not None
    view = ex.order("alice", result.order.order_id)
    # The budget buys everything (0.01 for 300); the order is sized to what it could take.
    assert (view.status, view.filled_qty, view.cum_value) == (S.FILLED, D("0.01"), D("300"))
    assert ex.balance("alice", "USDT").locked == 0
    assert ex.balance("alice", "USDT").total == D("99700")


def test_spot_quote_quantity_needs_the_budget_available(ex: Exchange, snapshot: Callable[..., Any]) -> None:
    ex.seed_book(SPOT, asks=[("30000", "10")])
    before = snapshot(ex)
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, "100000.01", quote_quantity=True))
    assert (result.ok, result.reason) == (False, RejectReason.INSUFFICIENT_BALANCE)
    assert snapshot(ex) == before


@pytest.mark.parametrize(
    ("asks", "budget"),
    [
        # min qty 0.000048 BTC is 1.44 USDT at 30000: 1.2 USDT (above the 1 USDT min notional) buys 0.00004.
        pytest.param([], "100", id="empty-book"),
        pytest.param([("30000", "10")], "1.2", id="budget-buys-less-than-the-minimum"),
    ],
)
def test_spot_quote_quantity_that_buys_less_than_the_minimum_is_rejected_without_a_trace(
    ex: Exchange, snapshot: Callable[..., Any], asks: list[tuple[str, str]], budget: str
) -> None:
    ex.seed_book(SPOT, asks=asks)
    before = snapshot(ex)
    result = ex.place_order(NewOrder("alice", SPOT, BUY, MARKET, budget, quote_quantity=True))
    assert (result.ok, result.reason, result.order) == (False, RejectReason.QUANTITY_BELOW_MIN, None)
    assert "minimum order quantity" in result.message
    assert snapshot(ex) == before


# -- GTD expiry ----------------------------------------------------------------------------------


def test_gtd_order_expires_on_the_venue_clock_and_releases_its_lock(book: Exchange) -> None:
    ex = book
    result = ex.place_order(order(BUY, LIMIT, "0.3", "29995", time_in_force=GTD, expire_ns=EXPIRE))
    assert result.order is not None
    assert ex.balance("alice", "USDT").order_margin == D("904.799175")
    assert ex.advance(59) == []
    assert ex.order("alice", result.order.order_id).status is S.NEW
    events = ex.advance(1)
    assert [type(e).__name__ for e in events] == ["OrderExpired", "BookChanged", "BalanceChanged"]
    expired = events[0]
    assert isinstance(expired, OrderExpired)
    assert (expired.ts_ns, expired.order.status, expired.order.cancel_reason) == (
        EXPIRE,
        S.EXPIRED,
        C.GTD_EXPIRED,
    )
    assert events[1].changes == ((BUY, 299950, 0),)
    assert events[2].balance.order_margin == 0
    assert ex.open_orders("alice") == []
    assert ex.book(LINEAR).bids == [(D("29990.0"), D("0.500")), (D("29980.0"), D("0.500"))]


def test_partially_filled_gtd_order_expires_keeping_its_fills(book: Exchange) -> None:
    ex = book
    result = ex.place_order(order(BUY, LIMIT, "0.8", "30000", time_in_force=GTD, expire_ns=EXPIRE))
    assert result.order is not None
    ex.advance(60)
    view = ex.order("alice", result.order.order_id)
    assert (view.status, view.filled_qty, view.leaves_qty) == (S.EXPIRED, D("0.5"), 0)
    assert ex.balance("alice", "USDT").order_margin == 0
    assert ex.position("alice", LINEAR).size == D("0.5")  # type: ignore[union-attr]


def test_filled_gtd_order_is_not_touched_at_expiry(book: Exchange) -> None:
    result = book.place_order(order(BUY, LIMIT, "0.3", "30000", time_in_force=GTD, expire_ns=EXPIRE))
    assert result.order is not None and result.order.status is S.FILLED
    assert book.advance(60) == []
    assert book.order("alice", result.order.order_id).status is S.FILLED


def test_untriggered_gtd_conditional_expires(book: Exchange) -> None:
    cmd = order(SELL, LIMIT, "0.3", "29400", trigger_price="29500", time_in_force=GTD, expire_ns=EXPIRE)
    result = book.place_order(cmd)
    assert result.order is not None
    events = book.advance(60)
    assert [type(e).__name__ for e in events] == ["OrderExpired"]
    assert events[0].order.status is S.EXPIRED
    assert book.market(LINEAR).conditionals == []


def test_conditional_order_view(book: Exchange) -> None:
    result = book.place_order(
        order(
            BUY,
            LIMIT,
            "0.3",
            "30600",
            trigger_price="30500",
            trigger_by=TriggerBy.MARK,
            stop_kind=StopKind.STOP,
        )
    )
    assert result.order is not None
    view = result.order
    # Mark falls back to the last price (30000) while none is set, so the trigger rises.
    assert (view.trigger_price, view.trigger_by, view.trigger_direction) == (
        D("30500.0"),
        TriggerBy.MARK,
        TriggerDirection.RISE,
    )
    assert (view.stop_kind, view.last_price_on_created, view.status) == (
        StopKind.STOP,
        D("30000.0"),
        S.UNTRIGGERED,
    )
    # Conditional orders lock nothing until they trigger.
    assert book.balance("alice", "USDT").order_margin == 0


def test_order_view_conversions(book: Exchange) -> None:
    result = book.place_order(order(BUY, LIMIT, "0.8", "30000"))
    assert result.order is not None
    view = result.order
    assert (view.price, view.qty, view.filled_qty, view.leaves_qty) == (
        D("30000.0"),
        D("0.800"),
        D("0.500"),
        D("0.300"),
    )
    assert (view.price_ticks, view.qty_lots, view.filled_lots) == (300000, 800, 500)
    assert view.instrument_id == LINEAR
    assert view.cum_value == D("15000")
    assert view.cum_fee == D("15000") * D("0.00055")


# -- spot combinations -----------------------------------------------------------------------------

# Spot book: asks 30000 x 0.01, 30100 x 0.01; bids 29900 x 0.01.
# (order, status, cancel reason, fills, USDT locked after, BTC locked after)
SPOT_COMBINATIONS = [
    pytest.param(
        NewOrder("alice", SPOT, BUY, MARKET, "0.015"),
        S.FILLED,
        None,
        [("30000", "0.01"), ("30100", "0.005")],
        "0",
        "0",
        id="market-buy",
    ),
    pytest.param(
        NewOrder("alice", SPOT, SELL, MARKET, "0.005"),
        S.FILLED,
        None,
        [("29900", "0.005")],
        "0",
        "0",
        id="market-sell",
    ),
    pytest.param(
        NewOrder("alice", SPOT, BUY, LIMIT, "0.015", "30000", time_in_force=IOC),
        S.CANCELLED,
        C.IOC_REMAINDER,
        [("30000", "0.01")],
        "0",
        "0",
        id="ioc-buy",
    ),
    pytest.param(
        NewOrder("alice", SPOT, BUY, LIMIT, "0.015", "30000", time_in_force=FOK),
        S.CANCELLED,
        C.FOK_NOT_FILLABLE,
        [],
        "0",
        "0",
        id="fok-buy",
    ),
    pytest.param(
        NewOrder("alice", SPOT, BUY, LIMIT, "0.015", "30050"),
        S.PARTIALLY_FILLED,
        None,
        [("30000", "0.01")],
        "150.25",  # 0.005 resting at 30050
        "0",
        id="gtc-buy-partial",
    ),
    pytest.param(
        NewOrder("alice", SPOT, BUY, LIMIT, "0.01", "29950", post_only=True),
        S.NEW,
        None,
        [],
        "299.5",
        "0",
        id="post-only-buy",
    ),
    pytest.param(
        NewOrder("alice", SPOT, SELL, LIMIT, "0.02", "30050", time_in_force=GTD, expire_ns=EXPIRE),
        S.NEW,
        None,
        [],
        "0",
        "0.02",
        id="gtd-sell",
    ),
    pytest.param(
        NewOrder("alice", SPOT, SELL, LIMIT, "0.02", "29900"),
        S.PARTIALLY_FILLED,
        None,
        [("29900", "0.01")],
        "0",
        "0.01",
        id="gtc-sell-partial",
    ),
]


@pytest.mark.parametrize(("cmd", "status", "reason", "fills", "usdt_locked", "btc_locked"), SPOT_COMBINATIONS)
def test_spot_order_combinations(
    ex: Exchange,
    cmd: NewOrder,
    status: OrderStatus,
    reason: CancelReason | None,
    fills: list[tuple[str, str]],
    usdt_locked: str,
    btc_locked: str,
) -> None:
    ex.seed_book(SPOT, bids=[("29900", "0.01")], asks=[("30000", "0.01"), ("30100", "0.01")])
    result = ex.place_order(cmd)
    assert result.ok and result.order is not None
    view = ex.order("alice", result.order.order_id)
    assert (view.status, view.cancel_reason) == (status, reason)
    got = [
        (e.fill.price, e.fill.qty)
        for e in result.events
        if isinstance(e, OrderFilled) and e.fill.account_id == "alice"
    ]
    assert got == [(D(p), D(q)) for p, q in fills]
    assert ex.balance("alice", "USDT").locked == D(usdt_locked)
    assert ex.balance("alice", "BTC").locked == D(btc_locked)
    # Spot fees: the buyer pays 0.1% of the BTC it receives, the seller 0.1% of the USDT.
    bought = sum((D(q) for _, q in fills), D(0)) if cmd.side is BUY else D(0)
    sold_value = sum((D(p) * D(q) for p, q in fills), D(0)) if cmd.side is SELL else D(0)
    assert view.cum_fee == (bought * D("0.001") if cmd.side is BUY else sold_value * D("0.001"))
    assert not ex.market(SPOT).book.is_crossed()
