"""One topic name on two categories' sockets: spot and linear ``BTCUSDT`` are separate streams.

Bybit's spot and linear sockets use the same topic names (``publicTrade.BTCUSDT``,
``orderbook.50.BTCUSDT``) for different instruments. Each socket must carry its own category's
instrument, whichever socket subscribed first, and letting go on one leaves the other streaming.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.core.enums import TimeInForce
from simulator.server import Simulator
from tests.integration.ws.conftest import Client, connect
from tests.integration.ws.test_ws_public import apply, venue_book

D = Decimal
LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
TRADES = "publicTrade.BTCUSDT"
BOOK = "orderbook.50.BTCUSDT"


def take_best_ask(sim: Simulator, iid: str) -> tuple[str, D]:
    """An IOC buy of 0.001 at the best ask of ``iid``; the venue's trade id and price."""
    price = sim.exchange.book(iid, 1).asks[0][0]
    result = sim.exchange.place_order(
        NewOrder("trader", iid, Side.BUY, OrderType.LIMIT, "0.001", price, time_in_force=TimeInForce.IOC)
    )
    (trade,) = [e for e in result.events if type(e).__name__ == "TradeOccurred"]
    return str(trade.trade_id), price


def trades_of(message: dict[str, Any]) -> list[tuple[str, D]]:
    return [(item["i"], D(item["p"])) for item in message["data"]]


async def ask(client: Client, op: str, *topics: str) -> None:
    """Send a (un)subscribe and wait for its ack (pushes arriving before it are skipped)."""
    await client.send({"op": op, "req_id": op, "args": list(topics)})
    ack = await client.until(lambda m: m.get("req_id") == op)
    assert ack["success"] is True, ack


async def test_spot_joins_a_topic_name_linear_streams_and_gets_its_own_instrument(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    linear = await connect(http, sim, "/v5/public/linear")
    spot = await connect(http, sim, "/v5/public/spot")
    await ask(linear, "subscribe", TRADES, BOOK)  # linear first: spot subscribes a name already streaming
    linear_book: dict[str, dict[D, D]] = {}
    apply(linear_book, await linear.until(lambda m: m.get("topic") == BOOK))
    await ask(spot, "subscribe", TRADES, BOOK)
    spot_book: dict[str, dict[D, D]] = {}
    apply(spot_book, await spot.until(lambda m: m.get("topic") == BOOK))
    assert spot_book == venue_book(sim, SPOT, 50) and linear_book == venue_book(sim, LINEAR, 50)
    assert spot_book != linear_book

    spot_trade, linear_trade = take_best_ask(sim, SPOT), take_best_ask(sim, LINEAR)
    assert trades_of(await spot.until(lambda m: m.get("topic") == TRADES)) == [spot_trade]
    assert trades_of(await linear.until(lambda m: m.get("topic") == TRADES)) == [linear_trade]

    # Spot lets go of the trades; linear keeps them.
    await ask(spot, "unsubscribe", TRADES)
    take_best_ask(sim, SPOT)
    linear_trade = take_best_ask(sim, LINEAR)
    assert trades_of(await linear.until(lambda m: m.get("topic") == TRADES)) == [linear_trade]
    # Barrier: every spot push of that loop turn went out before the pong.
    await spot.send({"op": "ping", "req_id": "barrier"})
    seen = []
    while (message := await spot.json()).get("req_id") != "barrier":
        seen.append(message.get("topic"))
    assert TRADES not in seen, seen
