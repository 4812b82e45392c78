"""The venue's text ping and every pong shape of §7.3; the factory's conformance timing hook and the
timing settings it maps to; the socket-created seam."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bybit.common.consts import DEFAULT_WS_AUTH_TIMEOUT_S
from adapters.bybit.common.credential import Credential
from adapters.bybit.config import BybitDataClientConfig, BybitExecClientConfig
from adapters.bybit.factories import BybitAdapterFactory
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.bybit.websocket.messages import is_pong, text_ping_reply
from adapters.contract.capabilities import Product
from adapters.contract.errors import FatalAdapterError
from adapters.contract.factory import Credentials, Endpoints
from adapters.contract.sink import RecordingSink

#: §7.3, one per socket kind, verbatim.
PONGS: list[Any] = [
    {"success": True, "ret_msg": "pong", "conn_id": "0970e817-426e-429a-a679-ff7f55e0b16a", "op": "ping"},
    {"success": True, "ret_msg": "pong", "conn_id": "465772b1", "req_id": "", "op": "ping"},
    {"success": True, "ret_msg": "pong", "conn_id": "465772b1", "req_id": "7", "op": "ping"},
    {"args": ["1672916271846"], "op": "pong"},
    {"req_id": "test", "op": "pong", "args": ["1675418560633"], "conn_id": "cfcb4ocsvfriu23r3er0-1b"},
    {
        "retCode": 0,
        "retMsg": "OK",
        "op": "pong",
        "data": ["1711002002529"],
        "connId": "cnt5leec0hvan15eukcg-2v",
    },
]


@pytest.mark.parametrize("pong", PONGS)
def test_a_venue_pong_is_never_answered(pong: Any) -> None:
    assert text_ping_reply(pong) is None
    assert is_pong(pong)


@pytest.mark.parametrize(
    ("ping", "reply"),
    [
        ({"op": "ping"}, {"op": "pong"}),
        ({"op": "ping", "req_id": "42"}, {"op": "pong", "req_id": "42"}),
        ({"op": "ping", "req_id": 9}, {"op": "pong", "req_id": 9}),
        ({"op": "ping", "req_id": ""}, {"op": "pong"}),
    ],
)
def test_the_venue_text_ping_gets_the_text_pong(ping: Any, reply: Any) -> None:
    assert text_ping_reply(ping) == reply
    assert not is_pong(ping)


@pytest.mark.parametrize(
    "other",
    ["ping", {"op": "subscribe", "success": True}, {"topic": "ping", "op": "ping"}, {"op": "auth"}, [1]],
)
def test_nothing_else_is_answered(other: Any) -> None:
    assert text_ping_reply(other) is None


def test_the_socket_client_wires_the_reply_and_the_timeouts() -> None:
    ws = BybitWebSocketClient(
        "ws://127.0.0.1:1/v5/private",
        lambda _: None,
        credential=Credential("k", "s"),
        ping_interval_s=0.2,
        heartbeat_timeout_s=0.6,
        auth_timeout_s=0.5,
    )
    config = ws.inner.config
    assert config.text_ping_reply is text_ping_reply
    assert config.heartbeat is not None
    assert (config.heartbeat.interval_s, config.heartbeat.timeout_s) == (0.2, 0.6)
    assert ws.inner._auth is not None and ws.inner._auth.timeout_s == 0.5
    assert ws.is_private
    public = BybitWebSocketClient("ws://127.0.0.1:1/v5/public/linear", lambda _: None, ping_interval_s=2.0)
    assert public.inner.config.heartbeat is not None and public.inner.config.heartbeat.timeout_s == 3.0
    assert not public.is_private


def test_conformance_config_maps_the_asked_knobs_only() -> None:
    factory = BybitAdapterFactory()
    assert factory.conformance_config() == {}
    assert factory.conformance_config(auth_timeout_s=0.5) == {"ws_auth_timeout_s": 0.5}
    assert factory.conformance_config(heartbeat_interval_s=0.2) == {
        "ws_ping_interval_s": 0.2,
        "ws_heartbeat_timeout_s": pytest.approx(0.6),
    }


def _endpoints() -> Endpoints:
    return Endpoints(
        rest_base_url="http://127.0.0.1:1",
        ws_public={Product.LINEAR: "ws://127.0.0.1:1/v5/public/linear"},
        ws_private="ws://127.0.0.1:1/v5/private",
    )


async def test_create_accepts_the_conformance_config() -> None:
    factory = BybitAdapterFactory()
    config = {
        **factory.conformance_config(heartbeat_interval_s=0.2, auth_timeout_s=0.5),
        "product_types": ("linear",),
    }
    clients = factory.create(_endpoints(), Credentials("k", "s"), RecordingSink(), config)
    try:
        assert clients.execution is not None
        exec_config = clients.execution._config  # type: ignore[attr-defined]
        assert (exec_config.ws_auth_timeout_s, exec_config.ws_heartbeat_timeout_s) == (
            0.5,
            pytest.approx(0.6),
        )
        assert clients.data._config.ws_ping_interval_s == 0.2  # type: ignore[attr-defined]
    finally:
        await clients.data.disconnect()
        await clients.execution.disconnect()


@pytest.mark.parametrize("bad", [{"ws_auth_timeout_s": 0}, {"ws_heartbeat_timeout_s": -1.0}])
async def test_bad_timing_values_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(FatalAdapterError, match="must be positive"):
        BybitAdapterFactory().create(_endpoints(), Credentials("k", "s"), RecordingSink(), bad)


def test_defaults() -> None:
    assert BybitExecClientConfig().ws_auth_timeout_s == DEFAULT_WS_AUTH_TIMEOUT_S == 5.0
    assert BybitDataClientConfig().ws_heartbeat_timeout_s is None
