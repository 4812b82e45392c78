"""pybit's private stream (order, execution, position, wallet) and its trade stream (place, amend,
cancel) against a running simulator, with the messages pybit hands its callbacks checked against
the simulator's own state."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from simulator.core import NewOrder, OrderStatus, OrderType, Side
from simulator.server import Simulator

LINEAR = "linear:BTCUSDT"
HEADER_KEYS = {"X-Bapi-Limit", "X-Bapi-Limit-Status", "X-Bapi-Limit-Reset-Timestamp", "Traceid", "Timenow"}


def resting_price(sim: Simulator) -> Decimal:
    book = sim.exchange.book(LINEAR, 1)
    return book.bids[0][0] - 20 * book.instrument.tick_size


def of_order(order_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: any(item["orderId"] == order_id for item in message["data"])


def item_of(message: dict[str, Any], order_id: str) -> dict[str, Any]:
    return next(item for item in message["data"] if item["orderId"] == order_id)


def check_ack(ack: dict[str, Any], op: str) -> None:
    assert (ack["retCode"], ack["retMsg"], ack["op"]) == (0, "OK", op), ack
    assert ack["connId"], "the session fills connId"
    assert set(ack["header"]) == HEADER_KEYS


async def test_place_amend_cancel_over_the_trade_stream_with_order_pushes(
    sim: Simulator, private_stream: Any, trade_stream: Any, make_inbox: Any
) -> None:
    orders, acks, errors = make_inbox(), make_inbox(), make_inbox()
    await private_stream("trader", {"order": orders})
    trade = await trade_stream()
    price = resting_price(sim)

    trade.place_order(
        acks.callback,
        error_callback=errors.callback,
        category="linear",
        symbol="BTCUSDT",
        side="Buy",
        orderType="Limit",
        qty="0.010",
        price=str(price),
        orderLinkId="pybit-ws-1",
    )
    ack = await acks.next()
    check_ack(ack, "order.create")
    order_id = ack["data"]["orderId"]
    assert ack["data"]["orderLinkId"] == "pybit-ws-1"
    item = item_of(await orders.until(of_order(order_id)), order_id)
    view = sim.exchange.order("trader", order_id)
    assert (item["orderStatus"], view.status) == ("New", OrderStatus.NEW)
    assert (
        (Decimal(item["price"]), Decimal(item["qty"])) == (view.price, view.qty) == (price, Decimal("0.010"))
    )
    assert item["orderLinkId"] == view.client_order_id == "pybit-ws-1"
    assert item["category"] == "linear" and item["side"] == "Buy"

    new_price = price - 1
    trade.amend_order(
        acks.callback,
        error_callback=errors.callback,
        category="linear",
        symbol="BTCUSDT",
        orderId=order_id,
        price=str(new_price),
        qty="0.020",
    )
    check_ack(await acks.next(), "order.amend")
    item = item_of(await orders.until(of_order(order_id)), order_id)
    view = sim.exchange.order("trader", order_id)
    assert (
        (Decimal(item["price"]), Decimal(item["qty"]))
        == (view.price, view.qty)
        == (new_price, Decimal("0.020"))
    )
    assert (item["orderStatus"], Decimal(item["leavesQty"])) == ("New", view.leaves_qty)

    trade.cancel_order(
        acks.callback,
        error_callback=errors.callback,
        category="linear",
        symbol="BTCUSDT",
        orderLinkId="pybit-ws-1",
    )
    ack = await acks.next()
    check_ack(ack, "order.cancel")
    assert ack["data"]["orderId"] == order_id
    item = item_of(await orders.until(of_order(order_id)), order_id)
    assert (item["orderStatus"], item["cancelType"]) == ("Cancelled", "CancelByUser")
    assert sim.exchange.order("trader", order_id).status is OrderStatus.CANCELLED
    assert errors.pending() == []


async def test_a_fill_reaches_execution_position_and_wallet_as_the_simulator_holds_them(
    sim: Simulator, private_stream: Any, trade_stream: Any, make_inbox: Any
) -> None:
    executions, positions, wallets, acks = make_inbox(), make_inbox(), make_inbox(), make_inbox()
    await private_stream("trader", {"execution": executions, "position": positions, "wallet": wallets})
    trade = await trade_stream()
    trade.place_order(
        acks.callback, category="linear", symbol="BTCUSDT", side="Buy", orderType="Market", qty="0.020"
    )
    ack = await acks.next()
    check_ack(ack, "order.create")
    order_id = ack["data"]["orderId"]

    fills = {f.trade_id: f for f in sim.exchange.fills("trader", LINEAR) if f.order_id == order_id}
    assert sum(f.qty for f in fills.values()) == Decimal("0.020")
    pushed: dict[str, dict[str, Any]] = {}
    while len(pushed) < len(fills):
        message = await executions.next()
        assert message["topic"] == "execution" and isinstance(message["id"], str)
        pushed.update((item["execId"], item) for item in message["data"])
    assert set(pushed) == set(fills)
    for exec_id, item in pushed.items():
        fill = fills[exec_id]
        assert (Decimal(item["execPrice"]), Decimal(item["execQty"])) == (fill.price, fill.qty)
        assert Decimal(item["execFee"]) == fill.fee and item["isMaker"] is False
        assert (item["orderId"], item["side"], item["category"]) == (order_id, "Buy", "linear")

    position = await positions.until(lambda m: Decimal(m["data"][0]["size"]) == Decimal("0.020"))
    (item,) = position["data"]
    held = sim.exchange.position("trader", LINEAR)
    assert held is not None and held.size == Decimal("0.020")
    assert (item["side"], item["symbol"], Decimal(item["entryPrice"])) == ("Buy", "BTCUSDT", held.entry_price)
    assert Decimal(item["positionIM"]) == held.initial_margin

    usdt = sim.exchange.balance("trader", "USDT")
    wallet = await wallets.next()
    rows = {row["coin"]: row for row in wallet["data"][0]["coin"]}
    assert Decimal(rows["USDT"]["walletBalance"]) == usdt.total
    assert Decimal(rows["USDT"]["totalPositionIM"]) == usdt.position_margin
    assert Decimal(rows["BTC"]["walletBalance"]) == sim.exchange.balance("trader", "BTC").total
    assert wallet["data"][0]["accountType"] == "UNIFIED"


async def test_another_accounts_socket_gets_nothing_of_the_traders(
    sim: Simulator, private_stream: Any, trade_stream: Any, make_inbox: Any
) -> None:
    mine = {topic: make_inbox() for topic in ("order", "execution", "position", "wallet")}
    theirs = {topic: make_inbox() for topic in ("order", "execution", "position", "wallet")}
    await private_stream("trader", mine)
    await private_stream("bystander", theirs)
    acks = make_inbox()
    trade = await trade_stream()
    trade.place_order(
        acks.callback, category="linear", symbol="BTCUSDT", side="Sell", orderType="Market", qty="0.010"
    )
    check_ack(await acks.next(), "order.create")
    await mine["wallet"].next()  # the trader's last push of that order: its effects are all out
    # The barrier: the bystander's own order, pushed after anything the trader's order caused.
    result = sim.exchange.place_order(
        NewOrder("bystander", LINEAR, Side.BUY, OrderType.LIMIT, "0.001", price=resting_price(sim))
    )
    assert result.ok and result.order is not None
    first = await theirs["order"].next()
    assert [item["orderId"] for item in first["data"]] == [result.order.order_id]
    for topic in ("order", "execution", "position"):
        assert theirs[topic].pending() == [], topic
    # The bystander's own order locks margin, so its wallet may follow: only ever its own.
    for wallet in theirs["wallet"].pending():
        rows = {row["coin"]: row for row in wallet["data"][0]["coin"]}
        assert Decimal(rows["USDT"]["walletBalance"]) == sim.exchange.balance("bystander", "USDT").total


async def test_a_refused_order_reaches_pybits_error_callback(
    sim: Simulator, private_stream: Any, trade_stream: Any, make_inbox: Any
) -> None:
    acks, errors = make_inbox(), make_inbox()
    trade = await trade_stream()
    trade.place_order(
        acks.callback,
        error_callback=errors.callback,
        category="linear",
        symbol="BTCUSDT",
        side="Buy",
        orderType="Limit",
        qty="1000",
        price=str(resting_price(sim)),
    )
    refused = await errors.next()
    assert (refused["retCode"], refused["op"]) == (110007, "order.create")
    assert refused["data"] == {} and set(refused["header"]) == HEADER_KEYS
    assert sim.exchange.open_orders("trader") == []
    assert acks.pending() == []
