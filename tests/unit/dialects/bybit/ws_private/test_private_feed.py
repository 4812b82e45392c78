"""PrivateFeed: which core events become which private pushes, for whom, and that every pushed
field has the value and JSON type of its REST twin for the same order, fill, position or wallet."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest

from simulator.core import Exchange
from simulator.core.events import OrderFilled, PositionChanged
from simulator.dialects.bybit.codec.orders import EXECUTION_FAST_KEYS
from simulator.dialects.bybit.ws.private_feed import PRIVATE_TOPICS, PrivateFeed

ALL = frozenset({"order", "execution", "execution.fast", "position", "wallet"})
SYMBOLS = {
    "spot": "BTCUSDT",
    "linear": "BTCUSDT",
    "inverse": "BTCUSD",
    "option": "BTC-16JAN26-95000-C-USDT",
}
_LINK_IDS = itertools.count(1)
QTY = {"spot": "0.01", "linear": "0.01", "inverse": "100", "option": "0.1"}


def agree(pushed: dict[str, Any], rest: dict[str, Any], *, skip: tuple[str, ...] = ()) -> None:
    """Every key both objects have holds the same value with the same JSON type."""
    shared = (set(pushed) & set(rest)) - set(skip)
    assert len(shared) >= 10, sorted(shared)
    for key in sorted(shared):
        assert type(pushed[key]) is type(rest[key]), (key, pushed[key], rest[key])
        assert pushed[key] == rest[key], (key, pushed[key], rest[key])


def far_price(ex: Exchange, category: str, side: str) -> str:
    """A limit price that rests: well below the best bid for a buy, above the best ask for a sell."""
    book = ex.book(f"{category}:{SYMBOLS[category]}", 1)
    tick = book.instrument.tick_size
    if side == "Buy":
        return str(book.bids[0][0] - 20 * tick)
    return str(book.asks[0][0] + 20 * tick)


def create(rest: Any, category: str, **fields: Any) -> str:
    body = {"category": category, "symbol": SYMBOLS[category], "qty": QTY[category], **fields}
    if category == "option":
        body.setdefault("orderLinkId", f"opt-{next(_LINK_IDS)}")  # options need an orderLinkId
    if category == "spot" and fields.get("orderType") == "Market":
        body.setdefault("marketUnit", "baseCoin")  # a spot market buy is sized in USDT by default
    answer = rest.post("/v5/order/create", body)
    assert answer["retCode"] == 0, answer
    return answer["result"]["orderId"]


def rest_order(rest: Any, category: str, order_id: str, *, open_: bool = True) -> dict[str, Any]:
    path = "/v5/order/realtime" if open_ else "/v5/order/history"
    (item,) = rest.result("GET", path, category=category, orderId=order_id)["list"]
    return item


# -- topics -------------------------------------------------------------------------------------


def test_topics_are_the_private_topics_of_the_reference() -> None:
    for topic in ("order", "execution", "execution.fast", "position", "wallet", "greeks"):
        assert PrivateFeed.is_topic(topic)
    for cat in ("spot", "linear", "inverse", "option"):
        assert PrivateFeed.is_topic(f"order.{cat}")
        assert PrivateFeed.is_topic(f"execution.{cat}")
        assert PrivateFeed.is_topic(f"execution.fast.{cat}")
    for cat in ("linear", "inverse", "option"):
        assert PrivateFeed.is_topic(f"position.{cat}")
    for bad in (
        "orders",
        "position.spot",
        "wallet.linear",
        "order.futures",
        "orderbook.1.BTCUSDT",
        "",
        "ORDER",
    ):
        assert not PrivateFeed.is_topic(bad), bad
    assert len(PRIVATE_TOPICS) == 6 + 4 + 4 + 4 + 3


# -- order ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["spot", "linear", "inverse", "option"])
def test_a_resting_order_is_pushed_under_both_topic_forms_as_rest_shows_it(
    category: str, ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder({"order", f"order.{category}"})
    order_id = create(rest, category, side="Buy", orderType="Limit", price=far_price(ex, category, "Buy"))
    for topic in ("order", f"order.{category}"):
        (message,) = recorder.on(topic)
        (item,) = message["data"]
        assert item["orderId"] == order_id
        assert item["category"] == category
        assert item["orderStatus"] == "New"
        assert isinstance(message["id"], str) and message["id"]
        assert message["creationTime"] == ex.clock.now_ns() // 1_000_000
        agree(item, rest_order(rest, category, order_id))
    # Spot and contract orders differ in the keys clients tell them apart by (rule 18).
    assert ("tpslMode" in item) is (category != "spot")


def test_categorised_topics_carry_only_their_category(ex: Exchange, rest: Any, make_recorder: Any) -> None:
    recorder = make_recorder({"order.spot", "order.inverse"})
    create(rest, "linear", side="Buy", orderType="Limit", price=far_price(ex, "linear", "Buy"))
    assert recorder.messages == []
    spot_id = create(rest, "spot", side="Buy", orderType="Limit", price=far_price(ex, "spot", "Buy"))
    inverse_id = create(
        rest, "inverse", side="Sell", orderType="Limit", price=far_price(ex, "inverse", "Sell")
    )
    assert [item["orderId"] for item in recorder.items("order.spot")] == [spot_id]
    assert [item["orderId"] for item in recorder.items("order.inverse")] == [inverse_id]


def test_amend_and_cancel_push_the_new_state(ex: Exchange, rest: Any, make_recorder: Any) -> None:
    recorder = make_recorder({"order"})
    price = far_price(ex, "linear", "Buy")
    order_id = create(rest, "linear", side="Buy", orderType="Limit", price=price)
    ex.advance(1)
    new_price = str(Decimal(price) - 1)
    amended = rest.post(
        "/v5/order/amend",
        {"category": "linear", "symbol": "BTCUSDT", "orderId": order_id, "price": new_price},
    )
    assert amended["retCode"] == 0, amended
    after_amend = recorder.items("order")[-1]
    assert after_amend["orderStatus"] == "New"
    assert Decimal(after_amend["price"]) == Decimal(new_price)
    assert int(after_amend["updatedTime"]) > int(after_amend["createdTime"])
    agree(after_amend, rest_order(rest, "linear", order_id))
    cancelled = rest.post(
        "/v5/order/cancel", {"category": "linear", "symbol": "BTCUSDT", "orderId": order_id}
    )
    assert cancelled["retCode"] == 0, cancelled
    last = recorder.items("order")[-1]
    assert (last["orderStatus"], last["cancelType"]) == ("Cancelled", "CancelByUser")
    agree(last, rest_order(rest, "linear", order_id, open_=False))
    assert [i["orderStatus"] for i in recorder.items("order")] == ["New", "New", "Cancelled"]


def test_a_post_only_order_that_would_take_is_pushed_cancelled(
    ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder({"order"})
    crossing = str(ex.book("linear:BTCUSDT", 1).asks[0][0])
    order_id = create(rest, "linear", side="Buy", orderType="Limit", price=crossing, timeInForce="PostOnly")
    (item,) = recorder.items("order")
    assert item["orderId"] == order_id
    assert (item["orderStatus"], item["rejectReason"]) == ("Cancelled", "EC_PostOnlyWillTakeLiquidity")
    agree(item, rest_order(rest, "linear", order_id, open_=False))


def test_a_conditional_order_goes_untriggered_triggered(ex: Exchange, rest: Any, make_recorder: Any) -> None:
    recorder = make_recorder({"order.linear"})
    mark = ex.market("linear:BTCUSDT").mark_price
    assert mark is not None
    trigger = str((mark + 100).quantize(Decimal("0.1")))
    order_id = create(
        rest, "linear", side="Buy", orderType="Market", triggerPrice=trigger, triggerBy="MarkPrice"
    )
    assert [i["orderStatus"] for i in recorder.items("order.linear")] == ["Untriggered"]
    ex.set_mark_price("linear:BTCUSDT", mark + 200)
    statuses = [i["orderStatus"] for i in recorder.items("order.linear") if i["orderId"] == order_id]
    assert statuses[:2] == ["Untriggered", "Triggered"]
    assert statuses[-1] == "Filled"


# -- execution --------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["spot", "linear", "inverse", "option"])
def test_a_fill_pushes_executions_as_the_execution_list_shows_them(
    category: str, ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder(ALL | {f"execution.{category}", f"execution.fast.{category}"})
    order_id = create(rest, category, side="Buy", orderType="Market")
    executions = recorder.items("execution")
    assert executions, "a market order against a seeded book must fill"
    assert recorder.items(f"execution.{category}") == executions
    listed = rest.result("GET", "/v5/execution/list", category=category, orderId=order_id)["list"]
    by_id = {item["execId"]: item for item in listed}
    assert sorted(by_id) == sorted(e["execId"] for e in executions)
    for pushed in executions:
        assert pushed["orderId"] == order_id
        # extraFees: a string on REST (§6.19), an array on WS (§7.6).
        agree(pushed, by_id[pushed["execId"]], skip=("extraFees",))
        assert pushed["extraFees"] == []
    fast = recorder.items("execution.fast")
    assert fast == recorder.items(f"execution.fast.{category}")
    assert [tuple(f) for f in fast] == [EXECUTION_FAST_KEYS] * len(executions)
    for quick, full in zip(fast, executions, strict=True):
        assert quick == {key: full[key] for key in EXECUTION_FAST_KEYS}
    assert all("id" not in message for message in recorder.on("execution.fast"))
    assert all(message["id"] for message in recorder.on("execution"))
    # Fills of the order are pushed as order updates too, ending Filled.
    assert recorder.items("order")[-1]["orderStatus"] == "Filled"
    assert (
        recorder.items("order")[-1]["cumExecQty"]
        == rest_order(rest, category, order_id, open_=False)["cumExecQty"]
    )


def test_the_maker_side_of_a_fill_is_not_pushed_to_the_taker(
    ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    demo = make_recorder(ALL)
    other = make_recorder(ALL | {"order.linear"}, account_id="other")
    create(rest, "linear", side="Sell", orderType="Market")
    fills = [e for e in demo.events if isinstance(e, OrderFilled)]
    accounts = {e.fill.account_id for e in fills}
    assert "demo" in accounts and len(accounts) > 1, "the fill must have a maker from another account"
    demo_orders = {e.order.order_id for e in fills if e.fill.account_id == "demo"}
    assert {item["orderId"] for item in demo.items("execution")} == demo_orders
    assert {item["orderId"] for item in demo.items("order")} == demo_orders
    assert other.messages == []


def test_events_of_another_account_push_nothing(ex: Exchange, other_rest: Any, make_recorder: Any) -> None:
    demo = make_recorder(ALL | {f"{kind}.{cat}" for kind in ("order", "execution") for cat in SYMBOLS})
    other = make_recorder(ALL, account_id="other")
    create(other_rest, "linear", side="Buy", orderType="Limit", price=far_price(ex, "linear", "Buy"))
    create(other_rest, "linear", side="Buy", orderType="Market")
    create(other_rest, "spot", side="Sell", orderType="Market")
    # The barrier: the same events reached a feed of the other account, which pushed every kind.
    assert {topic for topic, _ in other.messages} == ALL
    assert demo.events == other.events
    assert demo.messages == []


def test_only_subscribed_topics_are_pushed(ex: Exchange, rest: Any, make_recorder: Any) -> None:
    nothing = make_recorder(set())
    only_wallet = make_recorder({"wallet"})
    only_fast = make_recorder({"execution.fast"})
    greeks = make_recorder({"greeks"})
    everything = make_recorder(ALL)
    create(rest, "linear", side="Buy", orderType="Market")
    assert {topic for topic, _ in everything.messages} == ALL
    assert nothing.messages == [] and greeks.messages == []
    assert {topic for topic, _ in only_wallet.messages} == {"wallet"}
    assert {topic for topic, _ in only_fast.messages} == {"execution.fast"}
    assert only_fast.items("execution.fast") == everything.items("execution.fast")


# -- position -------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["linear", "inverse", "option"])
def test_a_position_push_agrees_with_the_position_list(
    category: str, ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder({"position", f"position.{category}"})
    create(rest, category, side="Buy", orderType="Market")
    pushed = recorder.items("position")
    assert pushed and recorder.items(f"position.{category}") == pushed
    last = pushed[-1]
    (listed,) = rest.result("GET", "/v5/position/list", category=category, symbol=SYMBOLS[category])["list"]
    assert last["category"] == category
    assert last["side"] == "Buy"
    # WS names the entry price entryPrice where REST says avgPrice (§7.6).
    assert last["entryPrice"] == listed["avgPrice"]
    agree(last, listed, skip=("sessionAvgPrice",))
    seqs = [
        e.seq for e in recorder.events if isinstance(e, PositionChanged) and e.position.account_id == "demo"
    ]
    assert last["seq"] == seqs[-1]


def test_closing_a_position_pushes_it_flat_and_the_order_carries_its_closed_pnl(
    ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder({"position", "order", "execution"})
    create(rest, "linear", side="Buy", orderType="Market")
    ex.set_mark_price("linear:BTCUSDT", ex.market("linear:BTCUSDT").mark_price + 500)
    recorder.clear()
    closing_id = create(rest, "linear", side="Sell", orderType="Market", reduceOnly=True)
    flat = recorder.items("position")[-1]
    assert (flat["side"], Decimal(flat["size"]), flat["entryPrice"]) == ("", 0, "0")
    (listed,) = rest.result("GET", "/v5/position/list", category="linear", symbol="BTCUSDT")["list"]
    agree(flat, listed, skip=("sessionAvgPrice",))
    realized = sum(Decimal(e["execPnl"]) for e in recorder.items("execution") if e["orderId"] == closing_id)
    assert realized != 0
    final = recorder.items("order")[-1]
    assert (final["orderId"], final["orderStatus"]) == (closing_id, "Filled")
    assert Decimal(final["closedPnl"]) == realized


# -- wallet ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "side"), [("linear", "Buy"), ("spot", "Buy"), ("spot", "Sell"), ("option", "Buy")]
)
def test_the_wallet_push_is_the_wallet_balance_answer(
    category: str, side: str, ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    recorder = make_recorder({"wallet"})
    create(rest, category, side=side, orderType="Market")
    messages = recorder.on("wallet")
    # One command moved one or two coins: one push, the account as it stands after the command.
    assert len(messages) == 1
    (pushed,) = messages[0]["data"]
    (answered,) = rest.result("GET", "/v5/account/wallet-balance", accountType="UNIFIED")["list"]
    assert pushed == answered
    assert all(type(pushed[k]) is type(answered[k]) for k in answered)


def test_a_coin_that_falls_to_zero_is_still_listed(ex: Exchange, rest: Any, make_recorder: Any) -> None:
    recorder = make_recorder({"wallet"})
    btc = ex.balance("demo", "BTC").total
    answer = rest.post(
        "/v5/order/create",
        {"category": "spot", "symbol": "BTCUSDT", "side": "Sell", "orderType": "Market", "qty": str(btc)},
    )
    assert answer["retCode"] == 0, answer
    assert ex.balance("demo", "BTC").total == 0
    coins = {row["coin"]: row for message in recorder.on("wallet") for row in message["data"][0]["coin"]}
    assert coins["BTC"]["walletBalance"] == "0"


def test_a_wallet_push_follows_a_mark_move_of_a_held_position(
    ex: Exchange, rest: Any, make_recorder: Any
) -> None:
    create(rest, "linear", side="Buy", orderType="Market")
    recorder = make_recorder({"wallet", "position"})
    mark = ex.market("linear:BTCUSDT").mark_price
    ex.set_mark_price("linear:BTCUSDT", mark - 1000)
    (pushed,) = recorder.items("wallet")
    (answered,) = rest.result("GET", "/v5/account/wallet-balance", accountType="UNIFIED")["list"]
    assert pushed == answered
    assert Decimal(pushed["totalPerpUPL"]) < 0
