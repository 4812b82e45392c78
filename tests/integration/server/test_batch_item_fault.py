"""The ``batch_item_error`` fault over real sockets with the Bybit dialect: armed from Python, the
control plane and scenario YAML, one batch item is refused and the venue acts on the others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession

from simulator.dialects.bybit.auth import rest_auth_headers
from simulator.scenario import parse_scenario
from simulator.server import BatchItemError, FaultState, Simulator
from simulator.server.journal import FaultPhase

MINIMAL = Path(__file__).resolve().parents[3] / "scenarios" / "examples" / "minimal.yaml"
ACCOUNT = "alice"
LIN = "linear:BTCUSDT"
ITEM = {"symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.01"}


@pytest.fixture
async def bybit() -> AsyncIterator[Simulator]:
    async with Simulator(MINIMAL, validate_responses=True) as simulator:
        yield simulator


async def _post(client: ClientSession, sim: Simulator, path: str, payload: dict[str, Any]) -> dict[str, Any]:
    creds = sim.credentials
    assert creds is not None
    body = orjson.dumps(payload)
    headers = rest_auth_headers(creds.api_key, creds.api_secret, sim.now_ms(), body)
    async with client.post(f"{sim.rest_url}{path}", data=body, headers=headers) as response:
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
    assert answer["retCode"] == 0, answer
    return answer


async def _rest_three(client: ClientSession, sim: Simulator) -> list[str]:
    request = [
        {**ITEM, "price": p, "orderLinkId": f"r-{n}"} for n, p in enumerate(("28000", "27900", "27800"), 1)
    ]
    answer = await _post(client, sim, "/v5/order/create-batch", {"category": "linear", "request": request})
    assert [e["code"] for e in answer["retExtInfo"]["list"]] == [0, 0, 0]
    return [item["orderId"] for item in answer["result"]["list"]]


def _open(sim: Simulator) -> dict[str, Any]:
    return {o.client_order_id: o for o in sim.exchange.open_orders(ACCOUNT, LIN)}


def _codes(answer: dict[str, Any]) -> list[int]:
    return [entry["code"] for entry in answer["retExtInfo"]["list"]]


async def test_cancel_batch_item_2_refused_the_others_cancelled(
    bybit: Simulator, client: ClientSession
) -> None:
    ids = await _rest_three(client, bybit)
    fault = bybit.faults.arm(BatchItemError(2, 10001), route="/v5/order/cancel-batch", name="item2")
    request = [{"symbol": "BTCUSDT", "orderId": order_id} for order_id in ids]
    answer = await _post(client, bybit, "/v5/order/cancel-batch", {"category": "linear", "request": request})
    assert answer["retExtInfo"]["list"][1] == {"code": 10001, "msg": "params error"}
    assert _codes(answer) == [0, 10001, 0]
    assert [item["orderId"] for item in answer["result"]["list"]] == [ids[0], "", ids[2]]
    still = _open(bybit)
    assert {"r-1", "r-3"}.isdisjoint(still)
    assert still["r-2"].order_id == ids[1] and still["r-2"].price == 27900  # untouched
    assert [e.phase for e in bybit.journal.faults("item2")] == [FaultPhase.ARMED, FaultPhase.FIRED]
    bybit.journal.assert_http("POST", "/v5/order/cancel-batch", fault="item2", auth="ok", count=1)
    assert (fault.fired, fault.state) == (1, FaultState.EXHAUSTED)
    # One-shot: the next batch cancels item 2 as usual.
    again = await _post(
        client, bybit, "/v5/order/cancel-batch", {"category": "linear", "request": [request[1]]}
    )
    assert _codes(again) == [0] and "r-2" not in _open(bybit)


async def test_amend_batch_armed_from_the_control_plane(bybit: Simulator, client: ClientSession) -> None:
    ids = await _rest_three(client, bybit)
    rule = {
        "name": "amend2",
        "match": {"channel": "http", "route": "/v5/order/amend-batch"},
        "action": {"kind": "batch_item_error", "index": 2, "code": 110001},
    }
    async with client.post(f"{bybit.control_url}faults", json=rule) as response:
        assert response.status == 201, await response.text()
    request = [{"symbol": "BTCUSDT", "orderId": order_id, "price": "27000"} for order_id in ids]
    answer = await _post(client, bybit, "/v5/order/amend-batch", {"category": "linear", "request": request})
    assert answer["retExtInfo"]["list"][1] == {
        "code": 110001,
        "msg": "order not exists or too late to replace",
    }
    assert _codes(answer) == [0, 110001, 0]
    prices = {link: view.price for link, view in _open(bybit).items() if link.startswith("r-")}
    assert prices == {"r-1": 27000, "r-2": 27900, "r-3": 27000}
    bybit.journal.assert_http("POST", "/v5/order/amend-batch", fault="amend2", count=1)


async def test_create_batch_armed_from_scenario_yaml(client: ClientSession) -> None:
    text = MINIMAL.read_text() + (
        "\nfaults:\n"
        "  - name: create2\n"
        "    match: {channel: http, route: /v5/order/create-batch}\n"
        "    action: {kind: batch_item_error, index: 2, code: 110007, message: no money for this one}\n"
    )
    async with Simulator(parse_scenario(text), validate_responses=True) as sim:
        before = set(_open(sim))
        request = [{**ITEM, "price": "28000", "orderLinkId": f"c-{n}"} for n in (1, 2, 3)]
        answer = await _post(
            client, sim, "/v5/order/create-batch", {"category": "linear", "request": request}
        )
        assert answer["retExtInfo"]["list"][1] == {"code": 110007, "msg": "no money for this one"}
        assert _codes(answer) == [0, 110007, 0]
        items = answer["result"]["list"]
        assert (items[1]["orderId"], items[1]["orderLinkId"], items[1]["createAt"]) == ("", "c-2", "")
        assert set(_open(sim)) - before == {"c-1", "c-3"}
        assert [e.phase for e in sim.journal.faults("create2")] == [FaultPhase.ARMED, FaultPhase.FIRED]
        sim.journal.assert_http("POST", "/v5/order/create-batch", fault="create2", count=1)
