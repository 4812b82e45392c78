"""Fixtures for the Bybit REST tests: the default scenario on a virtual clock, the API, a client.

The venue is ``scenarios/bybit/default.yaml`` built on a :class:`VirtualClock` (synthetic flow is
created but never started, so nothing moves unless a test moves it). The API is built with
``validate_responses=True``, and every test ends by asserting that ``api.errors`` is empty: a
dialect bug answered 10016, or an answer that does not match its JSON Schema, fails the test that
caused it. The :class:`Client` also validates each JSON answer it receives against its schema.

Test modules cannot import this conftest (``--import-mode=importlib``), so helpers are handed
out as fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import orjson
import pytest

from simulator.core import NS_PER_MS, NS_PER_S, AccountKind, Exchange, VirtualClock
from simulator.dialects.bybit.auth import rest_auth_headers
from simulator.dialects.bybit.codec.schemas import rest_schema_name, validate
from simulator.dialects.bybit.limits import DEFAULT_QUOTAS, WILDCARD, IpRateLimiter, RateLimiter
from simulator.dialects.bybit.rest import BybitRestApi, RestResponse, credentials_from
from simulator.scenario import BuiltVenue, Scenario, build_exchange, default_scenario_path, load_scenario

#: 2026-01-05T00:00:00Z, a Monday.
T0_NS = 1_767_571_200 * NS_PER_S
DEMO_KEY = "VENUEKITDEMOKEY001"
DEMO_SECRET = "VENUEKITDEMOSECRET000000000000000001"
#: Quotas no functional test reaches (the rate-limit tests use the venue's own).
GENEROUS = {key: 10_000 for key in DEFAULT_QUOTAS} | {WILDCARD: 10_000}


class Answer:
    """A response with its JSON decoded (when it is JSON)."""

    def __init__(self, response: RestResponse) -> None:
        self.response = response
        self.status = response.status
        self.json: Any = None
        if (response.header("Content-Type") or "").startswith("application/json"):
            self.json = orjson.loads(response.body)

    @property
    def code(self) -> int:
        return self.json["retCode"]

    @property
    def msg(self) -> str:
        return self.json["retMsg"]

    @property
    def result(self) -> Any:
        return self.json["result"]

    @property
    def ext(self) -> Any:
        return self.json["retExtInfo"]

    def header(self, name: str) -> str | None:
        return self.response.header(name)

    def ok(self) -> Any:
        """The result, after asserting retCode 0."""
        assert self.status == 200, self.response
        assert self.code == 0, self.json
        return self.result

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.response.body[:300]!r})"


class Client:
    """Signs and sends requests to the API as a client would; validates every JSON answer."""

    def __init__(self, api: BybitRestApi, key: str = DEMO_KEY, secret: str = DEMO_SECRET) -> None:
        self.api = api
        self.key = key
        self.secret = secret
        self.remote = "127.0.0.1"

    def now_ms(self) -> int:
        return self.api.now_ms()

    def signed_headers(self, payload: str | bytes, *, timestamp: int | None = None) -> list[tuple[str, str]]:
        ts = self.now_ms() if timestamp is None else timestamp
        return list(rest_auth_headers(self.key, self.secret, ts, payload).items())

    def send(self, method: str, path: str, query: str = "", headers: Any = (), body: bytes = b"") -> Answer:
        answer = Answer(self.api.handle(method, path, query, list(headers), body, self.remote))
        if answer.json is not None:
            code = answer.json.get("retCode", 1)
            try:
                name = rest_schema_name(method, path, ret_code=code)
            except KeyError:
                name = "http_error"
            validate(name, answer.json)
        return answer

    def get(self, path: str, query: str | Mapping[str, Any] = "", *, signed: bool = True) -> Answer:
        raw = query if isinstance(query, str) else "&".join(f"{k}={v}" for k, v in query.items())
        headers = self.signed_headers(raw) if signed else []
        return self.send("GET", path, raw, headers)

    def post(self, path: str, body: Mapping[str, Any] | bytes) -> Answer:
        raw = body if isinstance(body, bytes) else orjson.dumps(body)
        return self.send("POST", path, "", self.signed_headers(raw), raw)

    def public(self, path: str, query: str | Mapping[str, Any] = "") -> Answer:
        return self.get(path, query, signed=False)


def state_of(ex: Exchange) -> tuple[Any, ...]:
    """Everything a rejected request must leave as it was: orders, balances, positions, books,
    account settings."""
    accounts = []
    for account_id, account in sorted(ex.accounts.items()):
        orders = sorted(
            (o.order_id, o.status, o.qty_lots, o.filled_lots, o.price_ticks, o.trigger_price)
            for o in ex.open_orders(account_id)
        )
        balances = sorted((c, b.total, b.locked, b.order_margin) for c, b in account.balances.items())
        positions = sorted(
            (k, p.size, p.entry_price, p.take_profit, p.stop_loss) for k, p in account.positions.items()
        )
        modes = sorted((k, m.value) for k, m in account.position_modes.items())
        settings = (sorted(account.leverage.items()), modes, account.margin_mode)
        accounts.append((account_id, orders, balances, positions, len(account.closed_orders), settings))
    books = {i: (ex.book(i, 20).bids, ex.book(i, 20).asks) for i in sorted(ex.markets)}
    return tuple(accounts), books


def check_invariants(ex: Exchange) -> None:
    """No crossed book; no trader's available balance below zero."""
    for instrument_id in ex.markets:
        book = ex.book(instrument_id, 1)
        if book.bids and book.asks:
            assert book.bids[0][0] < book.asks[0][0], f"{instrument_id} is crossed: {book}"
    for account_id, account in ex.accounts.items():
        if account.kind is AccountKind.USER:
            for coin in list(account.balances):
                assert ex.available(account_id, coin) >= 0, (account_id, coin, ex.balance(account_id, coin))


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return load_scenario(default_scenario_path("bybit"))


@pytest.fixture
def venue(default_scenario: Scenario) -> BuiltVenue:
    return build_exchange(default_scenario, clock=VirtualClock(T0_NS))


@pytest.fixture
def ex(venue: BuiltVenue) -> Exchange:
    return venue.exchange


@pytest.fixture
def make_api(venue: BuiltVenue) -> Iterator[Callable[..., BybitRestApi]]:
    """Build APIs over the venue (keyword arguments go to BybitRestApi); each must end error-free."""
    built: list[BybitRestApi] = []

    def make(**kwargs: Any) -> BybitRestApi:
        exchange = venue.exchange
        kwargs.setdefault("now_ms", lambda: exchange.clock.now_ns() // NS_PER_MS)
        kwargs.setdefault("validate_responses", True)
        kwargs.setdefault("limiter", RateLimiter(GENEROUS))
        api = BybitRestApi(exchange, credentials_from(venue.credentials.values()), **kwargs)
        built.append(api)
        return api

    yield make
    for api in built:
        api.close()
        assert api.errors == [], f"the API recorded errors: {api.errors!r}"


@pytest.fixture
def api(make_api: Callable[..., BybitRestApi]) -> BybitRestApi:
    """The API with generous quotas (rate limits have their own tests)."""
    return make_api()


@pytest.fixture
def client(api: BybitRestApi) -> Client:
    return Client(api)


@pytest.fixture
def make_client() -> Callable[..., Client]:
    return Client


@pytest.fixture
def snapshot() -> Callable[[Exchange], tuple[Any, ...]]:
    return state_of


@pytest.fixture
def invariants() -> Callable[[Exchange], None]:
    return check_invariants


@pytest.fixture
def ip_limiter() -> Callable[..., IpRateLimiter]:
    return IpRateLimiter


D = Decimal
