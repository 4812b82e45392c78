"""Fixtures for the private-feed and trade-ops tests: the default venue on a virtual clock, a
second trader, the REST API for reference answers, and a recorder of private pushes.

The venue is the default Bybit scenario (flow never started: nothing moves unless a test moves
it) with a second user account ``other`` and its own key. Every push a :class:`Recorder` receives
is checked against its JSON Schema as it arrives, and every REST answer used as a reference is
checked against its own. Helpers are handed out as fixtures (``--import-mode=importlib``: test
modules cannot import this conftest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
import pytest

from simulator.core import NS_PER_MS, NS_PER_S, Exchange, VirtualClock
from simulator.core.events import Event
from simulator.dialects.bybit.auth import READ, TRADE, Credentials, rest_auth_headers
from simulator.dialects.bybit.codec.schemas import rest_schema_name, validate, ws_schema_name
from simulator.dialects.bybit.limits import DEFAULT_QUOTAS, WILDCARD, RateLimiter
from simulator.dialects.bybit.rest import BybitRestApi, credentials_from
from simulator.dialects.bybit.ws.private_feed import PrivateFeed
from simulator.dialects.bybit.ws.trade_ops import TradeOps
from simulator.scenario import BuiltVenue, build_exchange, default_scenario_path, load_scenario

#: 2026-01-05T00:00:00Z, a Monday.
T0_NS = 1_767_571_200 * NS_PER_S
DEMO_KEY = "VENUEKITDEMOKEY001"
DEMO_SECRET = "VENUEKITDEMOSECRET000000000000000001"
OTHER_KEY = "OTHERKEY0000000001"
OTHER_SECRET = "OTHERSECRET00000000000000000000001"
READ_ONLY_KEY = "READONLYKEY0000001"
#: Quotas no functional test reaches (the rate-limit tests build their own limiter).
GENEROUS = {key: 10_000 for key in DEFAULT_QUOTAS} | {WILDCARD: 10_000}


class Rest:
    """Signed REST calls to the API (the reference the pushes and answers are compared with)."""

    def __init__(self, api: BybitRestApi, key: str = DEMO_KEY, secret: str = DEMO_SECRET) -> None:
        self.api = api
        self.key = key
        self.secret = secret

    def _send(self, method: str, path: str, query: str, body: bytes) -> dict[str, Any]:
        now = self.api.now_ms()
        payload: str | bytes = query if method == "GET" else body
        headers = list(rest_auth_headers(self.key, self.secret, now, payload).items())
        answer = orjson.loads(self.api.handle(method, path, query, headers, body).body)
        validate(rest_schema_name(method, path, ret_code=answer["retCode"]), answer)
        return answer

    def get(self, path: str, **query: str) -> dict[str, Any]:
        return self._send("GET", path, "&".join(f"{k}={v}" for k, v in query.items()), b"")

    def post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._send("POST", path, "", orjson.dumps(body))

    def result(self, method: str, path: str, body: Mapping[str, Any] | None = None, **query: str) -> Any:
        """The ``result`` of a call that must succeed."""
        answer = self.post(path, body or {}) if method == "POST" else self.get(path, **query)
        assert answer["retCode"] == 0, answer
        return answer["result"]


class Recorder:
    """A private feed subscribed to the exchange: every push it gives, schema-checked."""

    def __init__(self, exchange: Exchange, account_id: str, topics: set[str]) -> None:
        self.feed = PrivateFeed(exchange, account_id, now_ms=lambda: exchange.clock.now_ns() // NS_PER_MS)
        self.topics = topics
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.events: list[Event] = []
        self._unsubscribe = exchange.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        self.events.append(event)
        for topic, message in self.feed.on_event(event, self.topics):
            assert message["topic"] == topic
            validate(ws_schema_name(message, "private"), message)
            # What goes on the wire: JSON-encodable as is.
            assert orjson.loads(orjson.dumps(message)) == message
            self.messages.append((topic, message))

    def on(self, topic: str) -> list[dict[str, Any]]:
        """The messages pushed under ``topic``, in order."""
        return [message for t, message in self.messages if t == topic]

    def items(self, topic: str) -> list[dict[str, Any]]:
        """The data items pushed under ``topic``, in order."""
        return [item for message in self.on(topic) for item in message["data"]]

    def clear(self) -> None:
        self.messages.clear()
        self.events.clear()

    def close(self) -> None:
        self._unsubscribe()


@pytest.fixture
def venue() -> BuiltVenue:
    built = build_exchange(load_scenario(default_scenario_path("bybit")), clock=VirtualClock(T0_NS))
    built.exchange.add_account("other", balances={"USDT": "50000", "BTC": "1"})
    return built


@pytest.fixture
def ex(venue: BuiltVenue) -> Exchange:
    return venue.exchange


@pytest.fixture
def credentials(venue: BuiltVenue) -> Credentials:
    creds = credentials_from(venue.credentials.values())
    creds.add(OTHER_KEY, OTHER_SECRET, "other", {READ, TRADE})
    creds.add(READ_ONLY_KEY, "READONLYSECRET000000000000000001", "demo", {READ})
    return creds


def _now(ex: Exchange) -> Callable[[], int]:
    return lambda: ex.clock.now_ns() // NS_PER_MS


@pytest.fixture
def api(ex: Exchange, credentials: Credentials) -> Iterator[BybitRestApi]:
    api = BybitRestApi(
        ex, credentials, now_ms=_now(ex), limiter=RateLimiter(GENEROUS), validate_responses=True
    )
    yield api
    api.close()
    assert api.errors == [], f"the REST API recorded errors: {api.errors!r}"


@pytest.fixture
def rest(api: BybitRestApi) -> Rest:
    return Rest(api)


@pytest.fixture
def other_rest(api: BybitRestApi) -> Rest:
    """REST calls as the second trader, ``other``."""
    return Rest(api, OTHER_KEY, OTHER_SECRET)


@pytest.fixture
def make_recorder(ex: Exchange) -> Iterator[Callable[..., Recorder]]:
    made: list[Recorder] = []

    def make(topics: set[str] | frozenset[str], account_id: str = "demo") -> Recorder:
        recorder = Recorder(ex, account_id, set(topics))
        made.append(recorder)
        return recorder

    yield make
    for recorder in made:
        recorder.close()


@pytest.fixture
def make_ops(ex: Exchange, credentials: Credentials) -> Callable[..., TradeOps]:
    def make(key: str = DEMO_KEY, *, limiter: RateLimiter | None = None) -> TradeOps:
        return TradeOps(
            ex,
            credentials,
            key,
            now_ms=_now(ex),
            limiter=limiter if limiter is not None else RateLimiter(GENEROUS),
        )

    return make


@pytest.fixture
def now_ms(ex: Exchange) -> Callable[[], int]:
    return _now(ex)
