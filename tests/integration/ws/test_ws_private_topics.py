"""Private topic requests: the all-in-one and categorised forms may not be mixed in one request (§7.6)."""

from __future__ import annotations

import aiohttp

from simulator.core import NewOrder, OrderType, Side
from simulator.dialects.bybit.ws.session import MIXED_FORMS
from simulator.server import Simulator, SubscriptionMatch
from tests.integration.ws.conftest import Client, connect
from tests.integration.ws.test_ws_input import auth_message

LINEAR = "linear:BTCUSDT"


async def authenticated(sim: Simulator, http: aiohttp.ClientSession) -> Client:
    client = await connect(http, sim, "/v5/private")
    assert (await client.request(auth_message(sim)))["success"] is True
    return client


async def test_a_request_mixing_all_in_one_and_categorised_topics_is_refused_whole(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await authenticated(sim, http)
    refused = await client.request(
        {"op": "subscribe", "req_id": "mix", "args": ["wallet", "order", "order.linear"]}
    )
    assert refused == {
        "success": False,
        "ret_msg": f"error:{MIXED_FORMS},topic:order.linear",
        "conn_id": refused["conn_id"],
        "req_id": "mix",
        "op": "subscribe",
    }
    for topic in ("wallet", "order", "order.linear"):
        entry = await sim.journal.wait_for(SubscriptionMatch(topic=topic), 2)
        assert entry.outcome == "rejected" and entry.detail == refused["ret_msg"]
    # Nothing of the request was subscribed: an order pushes nothing (the pong comes first).
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    assert sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", best)).ok
    assert (await client.request({"op": "ping"}))["op"] == "pong"


async def test_each_form_alone_and_in_separate_requests_is_accepted(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    client = await authenticated(sim, http)
    # wallet has no categorised form: it mixes with either.
    assert (await client.request({"op": "subscribe", "args": ["order", "execution", "wallet"]}))["success"]
    # A categorised topic in a later request is another request: accepted.
    assert (await client.request({"op": "subscribe", "args": ["position.linear"]}))["success"]
    other = await authenticated(sim, http)
    ack = await other.request({"op": "subscribe", "args": ["order.linear", "execution.spot", "wallet"]})
    assert ack["success"] is True
    best = sim.exchange.book(LINEAR, 1).bids[0][0]
    result = sim.exchange.place_order(NewOrder("trader", LINEAR, Side.BUY, OrderType.LIMIT, "0.01", best))
    assert result.ok and result.order is not None
    first = await client.until(lambda m: m.get("topic") == "order")
    second = await other.until(lambda m: m.get("topic") == "order.linear")
    assert first["data"][0]["orderId"] == second["data"][0]["orderId"] == result.order.order_id
