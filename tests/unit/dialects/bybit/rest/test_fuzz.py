"""Thousands of generated requests at ``BybitRestApi.handle``: no exception, no 5xx, the envelope's
shape and types, every answer valid against its schema, and the core's invariants intact.

Requests are drawn from the route table and from garbage: routes and near-miss paths, right and
wrong methods, plausible and absurd parameters (the venue's own symbols and order ids, numbers as
strings and as JSON numbers, wrong types, huge and empty values), query strings in the styles
real clients use, JSON bodies compact and spaced, random bytes, and headers that are validly
signed, forged, stale, partial or missing. One venue (the default scenario) takes every request
of a run, so state builds up as a real session's would; the virtual clock moves between
requests, so rate-limit windows roll and funding falls.

Profiles: with ``CI=true`` 2,000 derandomized examples (reproducible); locally 300 random ones.
``VENUEKIT_REST_FUZZ_EXAMPLES=N`` overrides the count.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.core import NS_PER_MS, VirtualClock
from simulator.dialects.bybit.auth import sign_rest
from simulator.dialects.bybit.limits import IpRateLimiter
from simulator.dialects.bybit.rest import ROUTES, BybitRestApi, credentials_from
from simulator.dialects.bybit.rest.paging import encode_cursor
from simulator.scenario import build_exchange

_IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
EXAMPLES = int(os.environ.get("VENUEKIT_REST_FUZZ_EXAMPLES") or (2000 if _IN_CI else 300))
T0_NS = 1_767_571_200_000_000_000
KEY = "VENUEKITDEMOKEY001"
SECRET = "VENUEKITDEMOSECRET000000000000000001"
KNOWN = "__known_order__"  # a marker replaced by an order id the venue handed out

# -- parameter values -------------------------------------------------------------------------------

garbage_text = st.text(max_size=12)
odd_json = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    garbage_text,
)


class Fields:
    """Parameter values of one flavour: ``sane`` (only plausible values) or wild (sometimes anything)."""

    def __init__(self, *, sane: bool) -> None:
        self.sane = sane

    def __call__(self, *plausible: Any) -> st.SearchStrategy[Any]:
        choice = st.sampled_from(plausible)
        return choice if self.sane else st.one_of(choice, choice, choice, odd_json)


SYMBOLS = ["BTCUSDT", "BTCUSDT", "ETHUSDT", "BTCUSD", "btcusdt", "DOGEUSDT"]
QTYS = [
    "0.001",
    "0.010",
    "0.01",
    "0.1",
    "1",
    "3",
    "1000",
    "0.000011",
    "0.010000",
    "100",
    "-1",
    "0",
    "1e-3",
    0.02,
    5,
]
PRICES = [
    "100000.00",
    "99990.00",
    "100010.50",
    "90000",
    "110000",
    "3500.00",
    "3400.10",
    "5000",
    "0.01",
    "1",
    1e6,
]
order_id = st.one_of(st.integers(0, 40).map(lambda i: (KNOWN, i)), garbage_text)
link_id = st.one_of(st.sampled_from(["cli-1", "cli-2", "x" * 37, "bad id", "ok_id-9"]), garbage_text)
cursor = st.one_of(
    st.tuples(st.integers(0, 2**62), garbage_text).map(encode_cursor),
    st.tuples(garbage_text).map(encode_cursor),
    st.text(alphabet="AZaz09_-", max_size=16),
    garbage_text,
)


def field_strategies(
    v: Fields,
) -> tuple[dict[str, st.SearchStrategy[Any]], dict[str, st.SearchStrategy[Any]]]:
    """``(always, optional)`` parameter strategies: a sane request always carries what most
    routes need; a wild one may carry anything or nothing."""
    core = {
        "category": v("linear", "linear", "spot", "inverse", "option") if v.sane else v("linear", "spot", ""),
        "symbol": v(*SYMBOLS),
        "side": v("Buy", "Sell") if v.sane else v("Buy", "Sell", "buy"),
        "orderType": v("Limit", "Market") if v.sane else v("Limit", "Market", "limit"),
        "qty": v(*QTYS),
        "price": v(*PRICES),
        "accountType": v("UNIFIED") if v.sane else v("UNIFIED", "CONTRACT"),
        "interval": v("1", "5", "60", "D", "W", "M") if v.sane else v("1", "2"),
    }
    optional = {
        "limit": v("1", "2", "20", "50", "500", "1000", "0", "-5", 3),
        "cursor": cursor,
        "baseCoin": v("BTC", "ETH", "btc"),
        "settleCoin": v("USDT", "BTC", "USDC"),
        "orderId": order_id,
        "orderLinkId": link_id,
        "timeInForce": v("GTC", "IOC", "FOK", "PostOnly", "RPI", "GTD"),
        "triggerPrice": v("105000.0", "95000.0", "0", ""),
        "triggerDirection": v(1, 2, 0, 3),
        "triggerBy": v("LastPrice", "MarkPrice", "IndexPrice", "Mark"),
        "reduceOnly": v(True, False, "true"),
        "closeOnTrigger": v(True, False),
        "positionIdx": v(0, 1, 2, "0", 7),
        "marketUnit": v("baseCoin", "quoteCoin", "usd"),
        "isLeverage": v(0, 1),
        "start": v("0", "1767571200000", "1767571260000", "99999999999999999"),
        "end": v("1767571200000", "1767657600000", "-1"),
        "startTime": v("1767571200000", "1767000000000", "0"),
        "endTime": v("1767657600000", "1768000000000"),
        "endtime": v("1767657600000"),
        "openOnly": v("0", "1", "2"),
        "orderStatus": v("Filled", "Cancelled", "New", "PartiallyFilled", "Done"),
        "execType": v("Trade", "Funding", "Nope"),
        "coin": v("USDT", "USDT,BTC", "XRP", ",,"),
        "status": v("Trading", "PreLaunch", "Closed", "Halted"),
        "optionType": v("Call", "Put"),
        "expDate": v("30JAN26", "9JAN26"),
        "orderFilter": v("Order", "StopOrder", "tpslOrder"),
        "buyLeverage": v("5", "10", "20", "1000", "0"),
        "sellLeverage": v("5", "10", "20"),
        "mode": v(0, 3, "3", 1),
        "setMarginMode": v("REGULAR_MARGIN", "ISOLATED_MARGIN", "PORTFOLIO_MARGIN", "CROSS"),
        "takeProfit": v("120000", "0", "90000"),
        "stopLoss": v("80000", "0", "105000"),
        "tpTriggerBy": v("MarkPrice", "LastPrice"),
        "slTriggerBy": v("MarkPrice", "IndexPrice"),
        "trailingStop": v("0", "10"),
        "tpslMode": v("Full", "Partial"),
        "stopOrderType": v("Stop", "TakeProfit"),
    }
    return core, optional


def param_strategy(*, sane: bool) -> st.SearchStrategy[dict[str, Any]]:
    core, optional = field_strategies(Fields(sane=sane))
    item_keys = ("symbol", "side", "orderType", "qty", "price", "orderId", "orderLinkId", "timeInForce")
    item_optional = {k: optional[k] for k in item_keys if k in optional}
    item = st.fixed_dictionaries({k: core[k] for k in item_keys if k in core}, optional=item_optional)
    if sane:
        batch = st.lists(item, min_size=1, max_size=5)
        return st.fixed_dictionaries({**core, "request": batch}, optional=optional)
    batch = st.one_of(st.lists(st.one_of(item, odd_json), max_size=22), odd_json)
    return st.fixed_dictionaries({}, optional={**core, **optional, "request": batch})


params = st.one_of(param_strategy(sane=True), param_strategy(sane=True), param_strategy(sane=False))


# -- requests ---------------------------------------------------------------------------------------

ROUTE_LIST = sorted(ROUTES.values(), key=lambda r: (r.path, r.method))
near_miss_paths = st.sampled_from(
    [
        "/",
        "",
        "/v5",
        "/v5/",
        "/v5/market/time/",
        "/V5/market/time",
        "/v5/order",
        "/v5/order/create/x",
        "/v5/../v5",
    ]
)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 19)) == 0:
        method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "get", ""]))
        path = draw(st.one_of(near_miss_paths, garbage_text.map(lambda t: "/v5/" + t)))
    else:
        route = draw(st.sampled_from(ROUTE_LIST))
        method, path = route.method, route.path
        if draw(st.integers(0, 29)) == 0:
            method = "POST" if method == "GET" else "GET"
    style = draw(st.sampled_from(["encoded", "encoded", "sorted", "sorted", "spaced", "leading_amp", "raw"]))
    return {
        "method": method,
        "path": path,
        "params": draw(params),
        "style": style,
        "raw_text": draw(st.text(max_size=40)),
        "raw_bytes": draw(st.binary(max_size=60)),
        "auth": draw(
            st.sampled_from(["valid"] * 7 + ["none", "forged", "stale", "unknown", "partial", "junk"])
        ),
        "remote": draw(st.sampled_from(["127.0.0.1"] * 9 + ["10.9.9.9"])),
        "advance_ms": draw(st.sampled_from([0, 0, 0, 1, 20, 250, 1000, 1500])),
    }


def _resolve(value: Any, known: list[str]) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == KNOWN:
        return known[value[1] % len(known)] if known else "no-order-yet"
    if isinstance(value, dict):
        return {k: _resolve(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, known) for v in value]
    return value


def _encode(req: dict[str, Any], known: list[str]) -> tuple[str, bytes]:
    values_ = _resolve(req["params"], known)
    style = req["style"]
    if style == "raw":
        return req["raw_text"], req["raw_bytes"]
    pairs = [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in values_.items()]
    # pybit sorts and does not escape; others urlencode in field order.
    query = "&".join(f"{k}={v}" for k, v in sorted(pairs)) if style == "sorted" else urlencode(pairs)
    if style == "leading_amp":
        query = "&" + query
    separators = (", ", ": ") if style == "spaced" else (",", ":")  # pybit's spaced JSON, or compact
    body = json.dumps(values_, separators=separators).encode()
    return query, body


def _headers(req: dict[str, Any], payload: str | bytes, now_ms: int) -> list[tuple[str, str]]:
    auth = req["auth"]
    if auth == "none":
        return [("Content-Type", "application/json")]
    if auth == "junk":
        return [
            ("X-BAPI-API-KEY", "\x00"),
            ("X-BAPI-TIMESTAMP", "-1"),
            ("X-BAPI-SIGN", "zz"),
            ("X-BAPI-RECV-WINDOW", "x"),
        ]
    key, secret, ts = KEY, SECRET, now_ms
    if auth == "forged":
        secret = "not-the-secret"
    elif auth == "stale":
        ts = now_ms - 60_000
    elif auth == "unknown":
        key = "UNKNOWNKEY"
    headers = [
        ("X-BAPI-API-KEY", key),
        ("X-BAPI-TIMESTAMP", str(ts)),
        ("X-BAPI-SIGN", sign_rest(secret, key, ts, payload)),
        ("X-BAPI-RECV-WINDOW", "5000"),
        ("X-BAPI-SIGN-TYPE", "2"),
    ]
    return headers[:1] if auth == "partial" else headers


def _check_envelope(body: bytes) -> dict[str, Any]:
    payload = orjson.loads(body)
    assert isinstance(payload, dict)
    assert set(payload) == {"retCode", "retMsg", "result", "retExtInfo", "time"}, payload
    assert type(payload["retCode"]) is int and type(payload["time"]) is int
    assert isinstance(payload["retMsg"], str)
    assert isinstance(payload["result"], dict) and isinstance(payload["retExtInfo"], dict)
    assert payload["retCode"] != 10016, payload  # 10016 means a dialect bug
    if payload["retCode"] != 0:
        assert payload["result"] == {}
    return payload


@pytest.mark.timeout(900)
def test_generated_requests_never_break_the_api(default_scenario, invariants):
    venue = build_exchange(default_scenario, clock=VirtualClock(T0_NS))
    ex = venue.exchange
    clock = ex.clock
    assert isinstance(clock, VirtualClock)
    api = BybitRestApi(
        ex,
        credentials_from(venue.credentials.values()),
        now_ms=lambda: clock.now_ns() // NS_PER_MS,
        ip_limiter=IpRateLimiter(60),
        max_body_bytes=4096,
        validate_responses=True,
    )
    known: list[str] = []
    seen: dict[int, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=_IN_CI,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(req=requests())
    def run(req: dict[str, Any]) -> None:
        if req["advance_ms"]:
            ex.advance(Decimal(req["advance_ms"]) / 1000)
        query, body = _encode(req, known)
        now = clock.now_ns() // NS_PER_MS
        payload: str | bytes = query if req["method"] == "GET" else body
        response = api.handle(
            req["method"], req["path"], query, _headers(req, payload, now), body, req["remote"]
        )
        assert api.errors == [], api.errors
        assert response.status in (200, 403), response
        if response.status == 403:
            assert response.body == b"access too frequent"
            seen[403] = seen.get(403, 0) + 1
        else:
            answer = _check_envelope(response.body)
            seen[answer["retCode"]] = seen.get(answer["retCode"], 0) + 1
            result = answer["result"]
            if answer["retCode"] == 0 and isinstance(result.get("orderId"), str) and result["orderId"]:
                known.append(result["orderId"])
        invariants(ex)

    try:
        run()
    finally:
        api.close()
    # The run reached the venue, not just its front door.
    assert seen.get(0, 0) > EXAMPLES // 8, seen
    assert sum(seen.values()) >= EXAMPLES, seen
