"""The control plane under /__venuekit__/: every endpoint, bad input, and the token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import ClientSession

from simulator.core import FundingApplied, InstrumentStatus
from simulator.scenario import Scenario
from simulator.server import Simulator
from simulator.server.journal import FaultPhase


async def _call(
    client: ClientSession, sim: Simulator, method: str, path: str, body: Any = None, **kwargs: Any
) -> tuple[int, Any]:
    async with client.request(method, f"{sim.control_url}{path}", json=body, **kwargs) as response:
        assert response.content_type == "application/json"
        return response.status, await response.json()


async def test_info_lists_the_endpoints(sim: Simulator, client: ClientSession) -> None:
    status, info = await _call(client, sim, "GET", "")
    assert status == 200
    assert info["dialect"] == "fake" and info["rest_url"] == sim.rest_url and info["clock"] == "virtual"
    assert info["api_key"] == "alice-key" and info["account_id"] == "alice"
    assert "POST /__venuekit__/faults" in info["endpoints"]
    assert "GET /__venuekit__/journal" in info["endpoints"]


async def test_journal_reads_with_since_and_limit(sim: Simulator, client: ClientSession) -> None:
    for _ in range(3):
        async with client.get(f"{sim.rest_url}/fake/time") as response:
            await response.read()
    status, page = await _call(client, sim, "GET", "journal?limit=2")
    assert status == 200 and page["version"] == 1
    assert [e["path"] for e in page["entries"]] == ["/fake/time", "/fake/time"]
    status, rest = await _call(client, sim, "GET", f"journal?since={page['next_since']}")
    assert [e["type"] for e in rest["entries"]] == ["http"]
    assert rest["entries"][0]["seq"] == page["entries"][-1]["seq"] + 1
    assert (await _call(client, sim, "GET", "journal?since=-1"))[0] == 400


async def test_faults_are_armed_listed_fired_and_cleared(sim: Simulator, client: ClientSession) -> None:
    rule = {
        "name": "gateway",
        "match": {"channel": "http", "route": "/fake/time", "times": 2},
        "action": {"kind": "http_status", "status": 503},
    }
    status, armed = await _call(client, sim, "POST", "faults", rule)
    assert status == 201 and armed["state"] == "armed" and armed["source"] == "control"
    async with client.get(f"{sim.rest_url}/fake/time") as response:
        assert response.status == 503
    _, listed = await _call(client, sim, "GET", "faults")
    assert [(f["name"], f["fired"]) for f in listed["faults"]] == [("gateway", 1)]
    status, cleared = await _call(client, sim, "DELETE", "faults/gateway")
    assert status == 200 and cleared["state"] == "cleared"
    async with client.get(f"{sim.rest_url}/fake/time") as response:
        assert response.status == 200
    assert [e.phase for e in sim.journal.faults("gateway")] == ["armed", "fired", "cleared"]
    assert (await _call(client, sim, "DELETE", "faults/gateway"))[0] == 400


async def test_clear_all_faults(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm({"kind": "stall"}, route="/a")
    sim.faults.arm({"kind": "stall"}, route="/b")
    status, body = await _call(client, sim, "DELETE", "faults")
    assert status == 200 and len(body["cleared"]) == 2 and len(sim.faults) == 0


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        ({"match": {"channel": "http"}}, "action", "required"),
        ({"match": {"channel": "http"}, "action": {"kind": "explode"}}, "action.kind", "unknown HTTP fault"),
        ({"match": {"channel": "http"}, "action": {"kind": "http_status"}}, "action.status", "needs status"),
        (
            {"match": {"channel": "http"}, "action": {"kind": "http_status", "status": 99}},
            "action.status",
            ">= 200",
        ),
        ({"match": {"channel": "http", "times": 0}, "action": {"kind": "stall"}}, "match.times", ">= 1"),
        (
            {"match": {"channel": "http", "times": 2, "persistent": True}, "action": {"kind": "stall"}},
            "match.persistent",
            "not both",
        ),
        (
            {"match": {"channel": "http", "topic": "x"}, "action": {"kind": "stall"}},
            "match.topic",
            "channel: ws",
        ),
        (
            {"match": {"channel": "http", "rout": "/x"}, "action": {"kind": "stall"}},
            "match.rout",
            "unknown field",
        ),
        (
            {"match": {"channel": "http", "route": "/x"}, "action": {"kind": "clock_skew", "seconds": 2}},
            "match",
            "only channel",
        ),
        ({"match": {}, "action": {"kind": "stall"}, "extra": 1}, "extra", "unknown field"),
    ],
)
async def test_bad_fault_rules_get_a_400_naming_the_field(
    sim: Simulator, client: ClientSession, rule: dict[str, Any], field: str, words: str
) -> None:
    status, body = await _call(client, sim, "POST", "faults", rule)
    assert status == 400
    assert body["field"] == field and words in body["error"]


async def test_bad_json_and_unknown_endpoints(sim: Simulator, client: ClientSession) -> None:
    async with client.post(f"{sim.control_url}faults", data=b"{not json") as response:
        assert response.status == 400 and "not valid JSON" in (await response.json())["error"]
    async with client.post(f"{sim.control_url}faults", data=b"[1, 2]") as response:
        assert response.status == 400 and "JSON object" in (await response.json())["error"]
    status, body = await _call(client, sim, "GET", "nope")
    assert status == 404 and "GET /__venuekit__/ lists them" in body["error"]
    status, body = await _call(client, sim, "PUT", "reset")
    assert status == 405
    assert sim.journal.http() == []  # control calls are not venue traffic


async def test_advance_the_virtual_clock(sim: Simulator, client: ClientSession) -> None:
    events: list[object] = []
    sim.subscribe(events.append)
    start = sim.now_ms()
    status, body = await _call(client, sim, "POST", "clock/advance", {"seconds": 8 * 3600})
    assert status == 200 and body["now_ms"] == start + 8 * 3600 * 1000 and body["events"] > 0
    assert any(isinstance(e, FundingApplied) and e.account_id == "alice" for e in events)
    status, body = await _call(client, sim, "POST", "clock/advance", {"seconds": -1})
    assert status == 400 and body["field"] == "seconds"


async def test_advance_is_refused_on_a_real_clock(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    async with Simulator(make_scenario(clock="real"), dialect=dialect) as sim:  # type: ignore[arg-type]
        status, body = await _call(client, sim, "POST", "clock/advance", {"seconds": 1})
        assert status == 400 and "virtual clock" in body["error"]


async def test_reset_restores_the_scenario(sim: Simulator, client: ClientSession) -> None:
    sim.faults.arm({"kind": "stall"}, route="/x", name="old")
    sim.exchange.deposit("alice", "USDT", 5)
    sim.advance(60)
    first_exchange = sim.exchange
    status, info = await _call(client, sim, "POST", "reset")
    assert status == 200 and info["state"] == "running"
    assert sim.exchange is not first_exchange
    assert sim.exchange.balance("alice", "USDT").total == 10000
    assert sim.now_ms() == 1767571200000  # the scenario's clock.start again
    assert len(sim.faults) == 0
    assert sim.journal.http() == [] and sim.journal.faults() == []  # cleared with the venue


async def test_seed_accounts_balances_and_keys(sim: Simulator, client: ClientSession) -> None:
    status, account = await _call(
        client,
        sim,
        "POST",
        "accounts",
        {"id": "carol", "balances": {"USDT": "250.5", "BTC": 1}, "api_keys": [{"key": "ck", "secret": "cs"}]},
    )
    assert status == 200
    assert {b["coin"]: b["total"] for b in account["balances"]} == {"USDT": "250.5", "BTC": "1"}
    async with client.get(f"{sim.rest_url}/fake/private/balance", headers={"X-Fake-Key": "ck"}) as response:
        assert (await response.json())["balances"]["USDT"] == "250.5"
    status, balance = await _call(
        client, sim, "POST", "balances", {"account": "carol", "coin": "USDT", "amount": -50}
    )
    assert status == 200 and balance["total"] == "200.5"
    status, body = await _call(client, sim, "GET", "accounts/carol")
    assert status == 200 and body["kind"] == "user"
    status, body = await _call(client, sim, "POST", "accounts", {"id": "carol"})
    assert status == 400 and "already exists" in body["error"]


async def test_seed_positions_orders_and_books(sim: Simulator, client: ClientSession) -> None:
    status, position = await _call(
        client,
        sim,
        "POST",
        "positions",
        {"account": "bob", "instrument": "linear:BTCUSDT", "size": "-0.5", "entry_price": "31000"},
    )
    assert status == 200 and position["size"] == "-0.5" and position["instrument"] == "linear:BTCUSDT"
    status, order = await _call(
        client,
        sim,
        "POST",
        "orders",
        {"account": "alice", "instrument": "linear:BTCUSDT", "side": "buy", "qty": "0.01", "price": "29000"},
    )
    assert status == 200 and order["status"] == "new" and order["price"] == "29000.0"
    assert [o.order_id for o in sim.exchange.open_orders("alice")] == [order["order_id"]]
    status, order = await _call(
        client,
        sim,
        "POST",
        "orders",
        {
            "participant": "whale",
            "instrument": "linear:BTCUSDT",
            "side": "sell",
            "qty": "5",
            "price": "30100",
        },
    )
    assert status == 200 and order["account_id"] == "whale"
    status, book = await _call(
        client, sim, "POST", "books", {"instrument": "linear:BTCUSDT", "bids": [["29990", "3"]], "asks": []}
    )
    assert status == 200 and ["29990.0", "3.000"] in book["bids"]
    status, book = await _call(client, sim, "GET", "books/linear:BTCUSDT?depth=1")
    assert status == 200 and book["bids"] == [["29999.9", "1.000"]] and book["asks"] == [["30000.1", "1.000"]]


async def test_script_the_market(sim: Simulator, client: ClientSession) -> None:
    status, body = await _call(
        client, sim, "POST", "market/trade", {"instrument": "linear:BTCUSDT", "price": "30050", "qty": "0.2"}
    )
    assert status == 200 and body["last_price"] == "30050.0" and body["events"] > 0
    status, body = await _call(
        client,
        sim,
        "POST",
        "market/prices",
        {"instrument": "linear:BTCUSDT", "mark": 29000, "index": "29001"},
    )
    assert status == 200 and (body["mark_price"], body["index_price"]) == ("29000", "29001")
    status, body = await _call(
        client, sim, "POST", "market/status", {"instrument": "linear:BTCUSDT", "status": "halted"}
    )
    assert status == 200 and body["status"] == "halted"
    assert sim.exchange.market("linear:BTCUSDT").status is InstrumentStatus.HALTED


@pytest.mark.parametrize(
    ("path", "body", "field", "words"),
    [
        (
            "orders",
            {"account": "alice", "instrument": "linear:ETHUSDT", "side": "buy", "qty": 1},
            "instrument",
            "known",
        ),
        (
            "orders",
            {"account": "zed", "instrument": "linear:BTCUSDT", "side": "buy", "qty": 1},
            "account",
            "no account",
        ),
        (
            "orders",
            {"account": "alice", "instrument": "linear:BTCUSDT", "side": "up", "qty": 1},
            "side",
            "one of",
        ),
        (
            "orders",
            {"account": "alice", "instrument": "linear:BTCUSDT", "side": "buy", "qty": "x"},
            "qty",
            "number",
        ),
        (
            "orders",
            {
                "account": "alice",
                "instrument": "linear:BTCUSDT",
                "side": "buy",
                "qty": "1000",
                "price": "29000",
            },
            None,
            "rejected",
        ),
        ("balances", {"account": "alice", "coin": "USDT"}, "amount", "required"),
        ("books", {"instrument": "linear:BTCUSDT", "bids": [[1]]}, "bids[0]", "pair"),
        (
            "books",
            {"instrument": "linear:BTCUSDT", "bids": [["30001", "1"]], "asks": [["30000", "1"]]},
            None,
            "crossed",
        ),
        ("market/prices", {"instrument": "linear:BTCUSDT"}, "mark", "mark, index"),
        ("market/trade", {"instrument": "linear:BTCUSDT", "price": "0.05", "qty": "1"}, None, "tick"),
        (
            "positions",
            {"account": "alice", "instrument": "linear:BTCUSDT", "size": 1, "entry_price": -1},
            "entry_price",
            "positive",
        ),
        ("accounts", {"id": "dave", "kind": "fees"}, "kind", "user or participant"),
        (
            "accounts",
            {"id": "dave", "api_keys": [{"key": "alice-key", "secret": "s"}]},
            "api_keys",
            "already",
        ),
    ],
)
async def test_bad_state_input_gets_a_400_saying_what_to_fix(
    sim: Simulator, client: ClientSession, path: str, body: dict[str, Any], field: str | None, words: str
) -> None:
    status, answer = await _call(client, sim, "POST", path, body)
    assert status == 400, answer
    assert answer["field"] == field and words in answer["error"]


async def test_the_token_is_required_when_set(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    async with Simulator(make_scenario(), dialect=dialect, control_token="s3cret") as sim:  # type: ignore[arg-type]
        status, body = await _call(client, sim, "GET", "")
        assert status == 401 and "X-Venuekit-Token" in body["error"]
        status, _ = await _call(client, sim, "GET", "", headers={"X-Venuekit-Token": "wrong"})
        assert status == 401
        status, _ = await _call(client, sim, "POST", "reset", headers={"X-Venuekit-Token": "wrong"})
        assert status == 401 and sim.journal.faults() == []
        status, body = await _call(client, sim, "GET", "", headers={"X-Venuekit-Token": "s3cret"})
        assert status == 200 and body["dialect"] == "fake"
        async with client.get(f"{sim.rest_url}/fake/time") as response:  # venue traffic needs no token
            assert response.status == 200


async def test_a_non_loopback_bind_needs_and_enforces_the_token(
    dialect: object, make_scenario: Callable[..., Scenario], client: ClientSession
) -> None:
    async with Simulator(make_scenario(), dialect=dialect, host="0.0.0.0", control_token="t") as sim:  # type: ignore[arg-type]
        assert sim.rest_url == f"http://127.0.0.1:{sim.port}"
        assert (await _call(client, sim, "GET", ""))[0] == 401
        assert (await _call(client, sim, "GET", "", headers={"X-Venuekit-Token": "t"}))[0] == 200


async def test_fault_entries_of_control_arming_say_so(sim: Simulator, client: ClientSession) -> None:
    rule = {"match": {"channel": "http"}, "action": {"kind": "clock_skew", "seconds": "-2s"}}
    status, armed = await _call(client, sim, "POST", "faults", rule)
    assert status == 201 and armed["action"] == {"kind": "clock_skew", "seconds": -2.0}
    (entry,) = sim.journal.faults(armed["name"], phase=FaultPhase.ARMED)
    assert "(by control)" in entry.description
