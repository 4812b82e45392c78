"""A tiny fake dialect to test the simulator server on its own, and the scenarios the tests serve.

The fake implements the server's dialect protocol (``simulator.server.dialect.Dialect``) with a
REST API object shaped like the Bybit one (``handle`` never raises, ``errors``, ``on_event``), so
the server's own behaviour (faults, journal, control plane, lifecycle) is tested independently
of any venue's wire format.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
import pytest
from aiohttp import ClientSession, web

from simulator.core import NewOrder, OrderType, Side, TimeInForce
from simulator.scenario import BuiltVenue, Scenario, parse_scenario
from simulator.server import Simulator
from simulator.server.dialect import ApiKeySpec, Reply

KEY_HEADER = "X-Fake-Key"

SCENARIO = """
version: 1
dialect: fake
clock: {mode: virtual, start: 2026-01-05T00:00:00Z}
seed: 3
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: 0.1, lot_size: 0.001,
     min_qty: 0.001, max_qty: 100, price: 30000, funding_rate: 0.0001, funding_interval: FUNDING}
accounts:
  - id: alice
    balances: {USDT: 10000}
    api_keys: [{key: alice-key, secret: alice-secret}]
    positions: [{instrument: linear:BTCUSDT, size: 0.1, entry_price: 29500}]
  - id: bob
    balances: {USDT: 5000}
    api_keys: [{key: bob-key, secret: bob-secret, permissions: [read]}]
books:
  - instrument: linear:BTCUSDT
    bids: [[29999.9, 1], [29999.5, 2]]
    asks: [[30000.1, 1], [30000.5, 2]]
"""


def scenario_text(*, funding: str = "8h", clock: str = "virtual", extra: str = "") -> str:
    text = SCENARIO.replace("FUNDING", funding)
    if clock == "real":
        text = text.replace("clock: {mode: virtual, start: 2026-01-05T00:00:00Z}", "clock: {mode: real}")
    return text + extra


def fake_scenario(**kwargs: Any) -> Scenario:
    return parse_scenario(scenario_text(**kwargs), name="fake.yaml")


@dataclass
class FakeReply:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    auth: str = "none"
    account_id: str | None = None
    quota_keys: tuple[str, ...] = ()


def _json(data: Any, status: int = 200, **kwargs: Any) -> FakeReply:
    return FakeReply(status, (("Content-Type", "application/json"),), orjson.dumps(data), **kwargs)


@dataclass
class FakeRestApi:
    """Answers a few routes; ``/fake/order`` places an order on the core exchange."""

    venue: BuiltVenue
    keys: dict[str, ApiKeySpec]
    now_ms: Callable[[], int]
    max_body_bytes: int
    errors: list[BaseException] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        self._unsubscribe = self.venue.exchange.subscribe(self.on_event)

    def on_event(self, event: Any) -> None:
        self.events.append(event)

    def close(self) -> None:
        self._unsubscribe()
        self.closed = True

    def handle(
        self,
        method: str,
        path: str,
        raw_query: str,
        headers: Mapping[str, str],
        body: bytes,
        remote: str = "127.0.0.1",
    ) -> FakeReply:
        try:
            return self._handle(method, path, raw_query, headers, body)
        except Exception as exc:  # never raise: hand it to the server
            self.errors.append(exc)
            return _json({"code": 500, "msg": "server error"}, 500)

    def _handle(
        self, method: str, path: str, raw_query: str, headers: Mapping[str, str], body: bytes
    ) -> FakeReply:
        quota = (f"fake:{path}",)
        if len(body) > self.max_body_bytes:
            return _json({"code": 413, "msg": f"body over {self.max_body_bytes} bytes"}, quota_keys=quota)
        if path == "/fake/time":
            return _json({"code": 0, "time": self.now_ms()}, quota_keys=quota)
        if path == "/fake/echo":
            return _json({"code": 0, "query": raw_query, "body": body.decode()}, quota_keys=quota)
        if path == "/fake/boom":
            raise ValueError("the fake dialect broke on purpose")
        if path.startswith("/fake/private"):
            key = self.keys.get(headers.get(KEY_HEADER, ""))
            if key is None:
                return _json({"code": 401, "msg": "unknown key"}, auth="unknown_key", quota_keys=quota)
            return self._private(method, path, body, key.account_id, quota)
        return _json({"code": 404, "msg": "route not found"}, 404, quota_keys=quota)

    def _private(
        self, method: str, path: str, body: bytes, account: str, quota: tuple[str, ...]
    ) -> FakeReply:
        ok: dict[str, Any] = {"auth": "ok", "account_id": account, "quota_keys": quota}
        ex = self.venue.exchange
        if path == "/fake/private/order" and method == "POST":
            data = orjson.loads(body)
            expire = data.get("expire_ns")
            result = ex.place_order(
                NewOrder(
                    account,
                    "linear:BTCUSDT",
                    Side.BUY if data["side"] == "buy" else Side.SELL,
                    OrderType.LIMIT,
                    Decimal(data["qty"]),
                    Decimal(data["price"]),
                    time_in_force=TimeInForce.GTD if expire else TimeInForce.GTC,
                    expire_ns=expire,
                )
            )
            if not result.ok:
                return _json({"code": 1, "msg": result.message}, **ok)
            assert result.order is not None
            return _json({"code": 0, "order_id": result.order.order_id}, **ok)
        balances = {view.coin: str(view.total) for view in ex.balances(account)}
        return _json({"code": 0, "balances": balances}, **ok)


class FakeDialect:
    """The server's dialect protocol, minimally (with one WebSocket route to prove the hook)."""

    name = "fake"
    ws_paths: Mapping[str, str] = {"echo": "/ws/echo"}

    def __init__(self) -> None:
        self.apis: list[FakeRestApi] = []

    def credentials(self, keys: Sequence[ApiKeySpec]) -> dict[str, ApiKeySpec]:
        return {key.key: key for key in keys}

    def add_api_key(self, credentials: dict[str, ApiKeySpec], key: ApiKeySpec) -> None:
        credentials[key.key] = key

    def account_of(self, credentials: dict[str, ApiKeySpec], headers: Mapping[str, str]) -> str | None:
        key = credentials.get(headers.get(KEY_HEADER, ""))
        return key.account_id if key is not None else None

    def build_rest_api(
        self, venue: BuiltVenue, credentials: Any, *, now_ms: Callable[[], int], max_body_bytes: int
    ) -> FakeRestApi:
        api = FakeRestApi(venue, credentials, now_ms, max_body_bytes)
        self.apis.append(api)
        return api

    def error_reply(self, code: int, message: str | None, *, now_ms: int, http_status: int = 200) -> Reply:
        body = orjson.dumps({"code": code, "msg": message or "known message", "time": now_ms})
        return Reply(http_status, (("Content-Type", "application/json"),), body)

    def rate_limit_reply(self, path: str, account_id: str | None, *, now_ms: int, reset_ms: int) -> Reply:
        body = orjson.dumps({"code": 429, "msg": "slow down", "time": now_ms})
        headers = (("Content-Type", "application/json"), ("X-Reset", str(now_ms + reset_ms)))
        return Reply(200, headers, body)

    def server_error_reply(self, *, now_ms: int) -> Reply:
        return Reply(500, (("Content-Type", "application/json"),), orjson.dumps({"code": 500}))

    def add_ws_routes(self, app: web.Application, sim: Simulator) -> None:
        async def echo(request: web.Request) -> web.WebSocketResponse:
            ws = web.WebSocketResponse()
            await ws.prepare(request)
            async for message in ws:
                await ws.send_str(message.data)
            return ws

        app.router.add_get("/ws/echo", echo)


@pytest.fixture
def dialect() -> FakeDialect:
    return FakeDialect()


@pytest.fixture
async def sim(dialect: FakeDialect) -> AsyncIterator[Simulator]:
    async with Simulator(fake_scenario(), dialect=dialect) as simulator:
        yield simulator


@pytest.fixture
async def client() -> AsyncIterator[ClientSession]:
    async with ClientSession() as session:
        yield session


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    """``make_scenario(funding="1", clock="real", extra="...")``: the fake scenario, varied."""
    return fake_scenario
