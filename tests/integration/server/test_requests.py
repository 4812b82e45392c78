"""The REST request path over real sockets: what the client gets and what the journal records."""

from __future__ import annotations

import io

import orjson
import pytest
from aiohttp import ClientSession

from simulator.server import HttpMatch, Simulator
from simulator.server.journal import AuthVerdict, ErrorEntry

ALICE = {"X-Fake-Key": "alice-key"}


async def test_every_request_is_journalled_with_its_auth_verdict(
    sim: Simulator, client: ClientSession
) -> None:
    mark = sim.journal.mark()
    async with client.get(f"{sim.rest_url}/fake/time?a=1&&b=%20x") as response:
        public = await response.json()
    async with client.post(
        f"{sim.rest_url}/fake/private/balance", data=b'{"x": 1}', headers=ALICE
    ) as response:
        assert (await response.json())["balances"] == {"USDT": "10000"}
    async with client.get(
        f"{sim.rest_url}/fake/private/balance", headers={"X-Fake-Key": "nobody"}
    ) as response:
        assert response.status == 200
    async with client.get(f"{sim.rest_url}/nowhere") as response:
        assert response.status == 404

    time_entry, private, unknown, missing = sim.journal.http(since_seq=mark)
    assert (time_entry.method, time_entry.path, time_entry.query) == ("GET", "/fake/time", "a=1&&b=%20x")
    assert time_entry.auth is AuthVerdict.NONE and time_entry.account_id is None
    assert time_entry.status == 200 and orjson.loads(time_entry.response_body) == public
    assert time_entry.quota_keys == ("fake:/fake/time",)
    assert time_entry.remote is not None and time_entry.remote.startswith("127.0.0.1:")
    assert time_entry.response_header("Content-Type") == "application/json"
    assert time_entry.fault is None and time_entry.duration_ns > 0
    assert (private.method, private.body, private.auth, private.account_id) == (
        "POST",
        b'{"x": 1}',
        AuthVerdict.OK,
        "alice",
    )
    assert private.header("x-fake-key") == "alice-key"
    assert (unknown.auth, unknown.account_id) == (AuthVerdict.UNKNOWN_KEY, None)
    assert (missing.path, missing.status) == ("/nowhere", 404)
    assert sim.requests_served == 4


async def test_a_request_places_an_order_in_the_venue(sim: Simulator, client: ClientSession) -> None:
    order = {"side": "buy", "qty": "0.01", "price": "29000"}
    async with client.post(f"{sim.rest_url}/fake/private/order", json=order, headers=ALICE) as response:
        order_id = (await response.json())["order_id"]
    (view,) = sim.exchange.open_orders("alice")
    assert view.order_id == order_id
    sim.journal.assert_http("POST", "/fake/private/order", status=200, account_id="alice", count=1)


async def test_the_journal_entry_exists_when_the_client_has_the_answer(
    sim: Simulator, client: ClientSession
) -> None:
    for _ in range(20):
        mark = sim.journal.mark()
        async with client.get(f"{sim.rest_url}/fake/time") as response:
            await response.read()
        assert sim.journal.http("/fake/time", since_seq=mark)


async def test_an_oversized_body_reaches_the_dialect_cut_at_the_limit_plus_one(
    sim: Simulator, client: ClientSession
) -> None:
    limit = 1 << 20
    async with client.post(f"{sim.rest_url}/fake/echo", data=io.BytesIO(b"x" * (limit + 5000))) as response:
        answer = await response.json()
    assert answer["code"] == 413
    entry = await sim.journal.wait_for(HttpMatch("POST", "/fake/echo"), timeout=5)
    assert len(entry.body) == limit + 1
    async with client.get(f"{sim.rest_url}/fake/time") as response:  # the server keeps serving
        assert response.status == 200


async def test_a_dialect_exception_is_answered_recorded_and_reraised(
    dialect: object, make_scenario: object, client: ClientSession
) -> None:
    sim = Simulator(make_scenario(), dialect=dialect)  # type: ignore[arg-type, operator]
    with pytest.raises(ValueError, match="broke on purpose"):
        async with sim:
            async with client.get(f"{sim.rest_url}/fake/boom") as response:
                assert response.status == 500
            (error,) = sim.journal.errors()
            assert isinstance(error, ErrorEntry)
            assert (error.source, error.error_type) == ("dialect", "ValueError")
            assert "broke on purpose" in error.traceback
            assert len(sim.errors) == 1
    assert sim.errors == []  # raised once, then forgotten


async def test_check_raises_server_errors_during_the_test(sim: Simulator, client: ClientSession) -> None:
    for _ in range(2):
        async with client.get(f"{sim.rest_url}/fake/boom") as response:
            await response.read()
    with pytest.raises(BaseExceptionGroup) as caught:
        sim.check()
    assert [type(e) for e in caught.value.exceptions] == [ValueError, ValueError]
    sim.check()  # nothing left


async def test_a_failing_test_gets_the_server_errors_as_notes(
    dialect: object, make_scenario: object, client: ClientSession
) -> None:
    with pytest.raises(AssertionError) as caught:
        async with Simulator(make_scenario(), dialect=dialect) as sim:  # type: ignore[arg-type, operator]
            async with client.get(f"{sim.rest_url}/fake/boom") as response:
                await response.read()
            raise AssertionError("the test's own failure")
    assert any("broke on purpose" in note for note in caught.value.__notes__)
    sim.check()  # reported once, as notes: nothing left to raise


async def test_a_listener_that_raises_in_a_timer_is_recorded(
    dialect: object, make_scenario: object, client: ClientSession
) -> None:
    sim = Simulator(make_scenario(funding="1", clock="real"), dialect=dialect)  # type: ignore[arg-type, operator]
    with pytest.raises(RuntimeError, match="listener broke"):
        async with sim:

            def explode(event: object) -> None:
                raise RuntimeError("listener broke")

            unsubscribe = sim.subscribe(explode)
            await sim.journal.wait_for(lambda entry: isinstance(entry, ErrorEntry), timeout=5)
            unsubscribe()
            assert sim.journal.errors()[0].source == "driver"
