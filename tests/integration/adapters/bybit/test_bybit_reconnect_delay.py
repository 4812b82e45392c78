"""The Bybit adapter's reconnect backoff as configured (``ws_reconnect_delay_s``, also through the
factory's ``conformance_config(reconnect_delay_s=)``): a dropped socket is reopened no sooner than
the configured wait, on public and private sockets alike."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.contract.errors import FatalAdapterError
from adapters.contract.factory import Credentials
from adapters.contract.sink import RecordingSink
from adapters.model.identifiers import InstrumentId
from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.server.journal import WsClose, WsOpen, WsRole
from simulator.testing import SimulatorFactory

from .conftest import SCENARIO, WAIT_S, endpoints

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")
DELAY_S = 0.3


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter.yaml")) as running:
        yield running


async def test_a_dropped_socket_comes_back_after_the_configured_delay(sim: Simulator) -> None:
    created: list[BybitWebSocketClient] = []
    factory = BybitAdapterFactory(on_websocket_created=created.append)
    creds = sim.credentials
    assert creds is not None
    config = {
        "product_types": ("linear",),
        "settle_coins": ("USDT",),
        **factory.conformance_config(reconnect_delay_s=DELAY_S),
    }
    clients = factory.create(
        endpoints(sim), Credentials(creds.api_key, creds.api_secret), RecordingSink(), config
    )
    try:
        assert clients.execution is not None
        await clients.execution.connect()
        await clients.data.subscribe_trade_ticks(LINEAR)
        assert {ws.is_private for ws in created} == {True, False}
        for ws in created:
            assert ws.inner.config.reconnect_policy.initial_delay_s == DELAY_S
        mark = sim.journal.mark()
        sim.faults.arm({"kind": "drop_connection", "code": None}, channel="ws", op="subscribe", role="public")
        await clients.data.subscribe_quote_ticks(LINEAR)
        closed = await sim.journal.wait_for(
            lambda e: isinstance(e, WsClose) and e.fault is not None, WAIT_S, since=mark
        )
        reopened = await sim.journal.wait_for(
            lambda e: isinstance(e, WsOpen) and e.role == WsRole.PUBLIC, WAIT_S, since=closed.seq
        )
        assert (reopened.ts_ns - closed.ts_ns) / 1e9 >= DELAY_S
    finally:
        await clients.data.disconnect()
        if clients.execution is not None:
            await clients.execution.disconnect()


@pytest.mark.parametrize("bad", [-1, 31, True])
def test_a_bad_reconnect_delay_is_refused_naming_it(sim: Simulator, bad: object) -> None:
    with pytest.raises(FatalAdapterError, match="ws_reconnect_delay_s"):
        BybitAdapterFactory().create(endpoints(sim), None, RecordingSink(), {"ws_reconnect_delay_s": bad})


def test_the_documented_default_is_listed() -> None:
    assert BybitAdapterFactory().config_defaults()["ws_reconnect_delay_s"] == 0.25
