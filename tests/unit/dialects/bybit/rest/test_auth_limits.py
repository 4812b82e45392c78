"""Signatures over the raw bytes, auth verdicts and codes, rate-limit headers, 10006 and the IP 403."""

from __future__ import annotations

import json

import orjson
import pytest

from simulator.dialects.bybit.auth import READ, sign_rest
from simulator.dialects.bybit.limits import HEADER_LIMIT, HEADER_LIMIT_RESET, HEADER_LIMIT_STATUS

ORDER = {"category": "linear", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Limit", "qty": "0.010"}
ORDER["price"] = "90000.00"
LIMIT_HEADERS = (HEADER_LIMIT, HEADER_LIMIT_STATUS, HEADER_LIMIT_RESET)


def _headers(key: str, secret: str, ts: int, payload: str | bytes, window: str | None = "5000") -> list:
    headers = [("X-BAPI-API-KEY", key), ("X-BAPI-TIMESTAMP", str(ts))]
    headers.append(("X-BAPI-SIGN", sign_rest(secret, key, ts, payload, window)))
    if window is not None:
        headers.append(("X-BAPI-RECV-WINDOW", window))
    return headers


@pytest.mark.parametrize(
    "query",
    [
        "category=linear&settleCoin=USDT&limit=50",  # field order, encoded
        "settleCoin=USDT&limit=50&category=linear",  # insertion order
        "&category=linear&settleCoin=USDT",  # an empty segment
    ],
)
def test_get_signatures_are_checked_over_the_raw_query(client, query):
    headers = client.signed_headers(query)
    answer = client.send("GET", "/v5/order/realtime", query, headers)
    answer.ok()
    assert (answer.response.auth, answer.response.account_id) == ("ok", "demo")
    reordered = "&".join(reversed(query.split("&")))
    assert client.send("GET", "/v5/order/realtime", reordered, headers).code == 10004


def test_post_signatures_are_checked_over_the_raw_body(client, ex):
    bodies = [orjson.dumps(ORDER), json.dumps(ORDER).encode()]  # compact, and pybit's spaced JSON
    for body in bodies:
        client.send("POST", "/v5/order/create", "", client.signed_headers(body), body).ok()
    assert len(ex.open_orders("demo")) == 2
    signed_compact = client.signed_headers(orjson.dumps(ORDER))
    spaced = json.dumps(ORDER).encode()
    assert client.send("POST", "/v5/order/create", "", signed_compact, spaced).code == 10004


def test_a_missing_recv_window_header_signs_an_empty_window(client):
    query = "category=linear&settleCoin=USDT"
    headers = _headers(client.key, client.secret, client.now_ms(), query, window=None)
    client.send("GET", "/v5/order/realtime", query, headers).ok()


def test_auth_failures_answer_with_their_codes_and_change_nothing(client, api, ex, snapshot):
    body = orjson.dumps(ORDER)
    now = client.now_ms()
    before = snapshot(ex)
    cases = [
        ([], 10003, "missing_key", "API key is invalid."),
        (_headers("nobody", "secret", now, body), 10003, "unknown_key", "API key is invalid."),
        (
            _headers(client.key, "wrong-secret", now, body),
            10004,
            "bad_signature",
            "error sign! origin_string[",
        ),
        (_headers(client.key, client.secret, now - 6000, body), 10002, "stale_timestamp", "req_timestamp["),
        (
            _headers(client.key, client.secret, now + 1000, body),
            10002,
            "stale_timestamp",
            "recv_window[5000]",
        ),
        ([("X-BAPI-API-KEY", client.key)], 10001, "missing_key", "openapi sign params error!"),
    ]
    for headers, code, verdict, fragment in cases:
        answer = client.send("POST", "/v5/order/create", "", headers, body)
        assert (answer.status, answer.code, answer.response.auth) == (200, code, verdict), answer
        assert fragment in answer.msg
        assert answer.result == {}
    api.credentials.add("reader", "reader-secret", "demo", {READ})
    denied = client.send("POST", "/v5/order/create", "", _headers("reader", "reader-secret", now, body), body)
    assert (denied.code, denied.response.auth) == (10005, "permission_denied")
    assert snapshot(ex) == before


def test_the_origin_string_of_a_bad_signature_is_quoted(client):
    query = "category=linear&settleCoin=USDT"
    now = client.now_ms()
    answer = client.send("GET", "/v5/order/realtime", query, _headers(client.key, "nope", now, query))
    assert answer.msg == f"error sign! origin_string[{now}{client.key}5000{query}]"


def test_auth_errors_can_answer_401(make_api, make_client):
    client = make_client(make_api(auth_error_status=401))
    unknown = client.send("GET", "/v5/account/info", "", _headers("who", "what", client.now_ms(), ""))
    assert (unknown.status, unknown.code) == (401, 10003)
    forged = client.send("GET", "/v5/account/info", "", _headers(client.key, "what", client.now_ms(), ""))
    assert (forged.status, forged.code) == (401, 10004)


def test_a_key_without_an_account_is_refused(client, api):
    api.credentials.add("orphan", "orphan-secret", "no-such-account")
    answer = client.send(
        "GET", "/v5/account/info", "", _headers("orphan", "orphan-secret", client.now_ms(), "")
    )
    assert answer.code == 10007


def test_every_answer_carries_the_limit_headers(client):
    answers = [
        client.public("/v5/market/time"),
        client.get("/v5/account/info"),
        client.send("GET", "/v5/account/info", "", []),
        client.public("/v5/no/such/route"),
        client.post("/v5/order/create", {"category": "linear"}),
    ]
    for answer in answers:
        assert answer.header("Content-Type") == "application/json; charset=utf-8"
        for name in LIMIT_HEADERS:
            assert (answer.header(name) or "").isdigit(), (name, answer)


def test_quotas_count_per_account_and_endpoint_and_answer_10006_with_a_future_reset(
    make_api, make_client, ex
):
    client = make_client(make_api(limiter=None))  # the venue's own quotas (§4.1)
    statuses = []
    for i in range(10):
        answer = client.post("/v5/order/create", {**ORDER, "orderLinkId": f"q-{i}"})
        answer.ok()
        statuses.append(int(answer.header(HEADER_LIMIT_STATUS) or -1))
        assert answer.header(HEADER_LIMIT) == "10"
        assert answer.response.quota_keys == ("order/create:linear",)
    assert statuses == list(range(9, -1, -1))
    now = client.now_ms()
    limited = client.post("/v5/order/create", {**ORDER, "orderLinkId": "q-10"})
    assert (limited.status, limited.code, limited.msg) == (200, 10006, "Too many visits!")
    assert int(limited.header(HEADER_LIMIT_RESET) or 0) > now  # rule 27: in the future
    assert len(ex.open_orders("demo")) == 10
    # Spot has its own window (20 a second) and other endpoints theirs.
    client.post("/v5/order/create", {**ORDER, "category": "spot", "qty": "0.010000"}).ok()
    client.get("/v5/order/realtime", "category=linear&settleCoin=USDT").ok()
    ex.advance(1)
    client.post("/v5/order/create", {**ORDER, "orderLinkId": "q-11"}).ok()


def test_the_ip_limit_answers_403_in_plain_text(make_api, make_client, ip_limiter):
    api = make_api(ip_limiter=ip_limiter(3))
    client = make_client(api)
    for _ in range(3):
        client.public("/v5/market/time").ok()
    refused = client.public("/v5/market/time")
    assert refused.status == 403
    assert refused.response.body == b"access too frequent"
    assert refused.header("Content-Type") == "text/plain; charset=utf-8"
    assert (refused.response.auth, refused.response.quota_keys) == ("none", ("ip",))
    assert (refused.header(HEADER_LIMIT), refused.header(HEADER_LIMIT_STATUS)) == ("3", "0")
    assert int(refused.header(HEADER_LIMIT_RESET) or 0) > client.now_ms()
    client.remote = "10.0.0.2"  # another address has its own window
    client.public("/v5/market/time").ok()
