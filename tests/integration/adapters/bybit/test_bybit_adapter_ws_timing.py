"""The Bybit adapter's sockets against the running simulator: the venue's text ping answered (and
the venue's pongs never), the login ack timeout and the heartbeat deadline as configured through
the factory's ``conformance_config``, and the ``on_websocket_created`` seam.

Waits are on the journal or on the client's own state, each with a deadline; "not answered" is
proven after a barrier (a later frame on the same connection).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.contract.errors import AuthenticationError
from adapters.contract.factory import AdapterClients, Credentials
from adapters.contract.sink import RecordingSink
from adapters.model.identifiers import InstrumentId
from simulator.scenario import parse_scenario
from simulator.server import Simulator, WsFrameMatch
from simulator.server.faults.ws_actions import IgnorePing, NeverAckAuth, ServerPing
from simulator.server.journal import Direction, FrameKind, WsClose, WsFrame, WsOpen, WsRole
from simulator.testing import SimulatorFactory

from .conftest import SCENARIO, WAIT_S, endpoints

LINEAR = InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT")


@asynccontextmanager
async def _adapter(
    sim: Simulator,
    config: Mapping[str, Any],
    on_websocket_created: Callable[[BybitWebSocketClient], None] | None = None,
) -> AsyncIterator[AdapterClients]:
    creds = sim.credentials
    assert creds is not None
    factory = BybitAdapterFactory(on_websocket_created=on_websocket_created)
    clients = factory.create(
        endpoints(sim),
        Credentials(creds.api_key, creds.api_secret),
        RecordingSink(),
        {"settle_coins": ("USDT",), "product_types": ("linear",), **config},
    )
    try:
        yield clients
    finally:
        await clients.data.disconnect()
        if clients.execution is not None:
            await clients.execution.disconnect()


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter.yaml")) as running:
        yield running


def _pongs(sim: Simulator, conn: str, since: int) -> list[WsFrame]:
    return [
        e
        for e in sim.journal.entries(WsFrame, since)
        if e.conn_id == conn
        and e.direction == Direction.IN
        and e.kind == FrameKind.TEXT
        and '"pong"' in e.text()
    ]


async def test_the_venue_text_ping_gets_one_pong_and_the_venue_pongs_none(sim: Simulator) -> None:
    # A short heartbeat: the client's own text pings draw the venue's public pongs
    # (op "ping", ret_msg "pong"), which must never be answered.
    config = BybitAdapterFactory().conformance_config(heartbeat_interval_s=0.05)
    created: list[BybitWebSocketClient] = []
    async with _adapter(sim, config, created.append) as clients:
        await clients.data.connect()
        await clients.data.subscribe_trade_ticks(LINEAR)
        (socket,) = created
        inner = socket.inner
        await inner.wait_until(lambda: inner.text_pongs_received >= 3, WAIT_S)
        assert inner.text_pings_answered == 0
        conn = sim.journal.connections(WsRole.PUBLIC)[0].conn_id
        assert _pongs(sim, conn, 0) == []

        mark = sim.journal.mark()
        sim.faults.arm(ServerPing(text=True), channel="ws", op="subscribe", role="public", name="text-ping")
        await clients.data.subscribe_quote_ticks(LINEAR)
        ping = await sim.journal.wait_for(
            WsFrameMatch(
                direction=Direction.OUT, kind=FrameKind.TEXT, json={"op": "ping"}, fault="text-ping"
            ),
            WAIT_S,
            since=mark,
        )
        pong = await sim.journal.wait_for(
            WsFrameMatch(
                conn_id=ping.conn_id, direction=Direction.IN, kind=FrameKind.TEXT, json={"op": "pong"}
            ),
            WAIT_S,
            since=ping.seq,
        )
        # Barrier: more venue pongs after ours, and still only the one reply.
        seen = inner.text_pongs_received
        await inner.wait_until(lambda: inner.text_pongs_received >= seen + 2, WAIT_S)
        assert [e.seq for e in _pongs(sim, conn, mark)] == [pong.seq]
        assert inner.text_pings_answered == 1


async def test_a_login_without_ack_fails_at_the_configured_timeout(sim: Simulator) -> None:
    config = BybitAdapterFactory().conformance_config(auth_timeout_s=0.3)
    sim.faults.arm(NeverAckAuth(), channel="ws", op="auth", name="swallow-login")
    async with _adapter(sim, config) as clients:
        execution = clients.execution
        assert execution is not None
        started = time.monotonic()
        with pytest.raises(AuthenticationError, match=r"within 0\.3s"):
            await execution.connect()
        took = time.monotonic() - started
    # The default is 5 s: anything near it means the setting was not applied.
    assert 0.3 <= took < 2.0
    assert not execution.is_connected


async def test_a_deaf_venue_is_left_and_the_private_stream_comes_back(sim: Simulator) -> None:
    config = BybitAdapterFactory().conformance_config(heartbeat_interval_s=0.1)
    created: list[BybitWebSocketClient] = []
    async with _adapter(sim, config, created.append) as clients:
        execution = clients.execution
        assert execution is not None
        await execution.connect()
        (private,) = [ws for ws in created if ws.is_private]
        assert private.inner.config.heartbeat is not None
        assert private.inner.config.heartbeat.timeout_s == pytest.approx(0.3)
        first = sim.journal.connections(WsRole.PRIVATE)[0].conn_id
        deaf = [
            sim.faults.arm(
                IgnorePing(), channel="ws", op=op, role="private", persistent=True, name=f"deaf-{op}"
            )
            for op in ("ping", "control_ping")
        ]
        closed = await sim.journal.wait_for(lambda e: isinstance(e, WsClose) and e.conn_id == first, WAIT_S)
        for fault in deaf:
            fault.clear()
        await sim.journal.wait_for(
            lambda e: isinstance(e, WsOpen) and e.role == WsRole.PRIVATE, WAIT_S, since=closed.seq
        )
        await private.inner.wait_until(lambda: private.inner.reconnects == 1 and private.is_active, WAIT_S)
        assert execution.is_connected
