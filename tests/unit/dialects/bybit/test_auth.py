"""Bybit REST and WebSocket authentication: signatures over raw bytes, recv window, verdicts, acks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from simulator.dialects.bybit import auth
from simulator.dialects.bybit.auth import (
    NO_REQ_ID,
    READ,
    TRADE,
    AuthVerdict,
    Credentials,
    private_auth_ack,
    rest_auth_headers,
    sign_rest,
    sign_ws,
    trade_auth_ack,
    verify_rest,
    verify_ws_auth,
    ws_auth_args,
)
from simulator.dialects.bybit.errors import WS_REPEATED_AUTH, DialectUsageError, encode

KEY, SECRET, ACCOUNT = "XXXXXXXXXX", "YYYYYYYYYY", "alice"
NOW = 1_658_384_314_791
QUERY = "category=option&symbol=BTC-29JUL22-25000-C"

# Derived by hand from §3.2 with openssl, independently of Python's hmac:
#   printf '%s' "1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C" \
#     | openssl dgst -sha256 -hmac YYYYYYYYYY
DOCS_EXAMPLE_SIGN = "37813c67fafb3017e92354eb88f218e7e52a98f9f5eb74cfcf0b21f17edb143b"
#   printf '%s' '1658384314791XXXXXXXXXX{"category": "linear", "symbol": "BTCUSDT"}' | openssl ...
PYBIT_BODY = b'{"category": "linear", "symbol": "BTCUSDT"}'
PYBIT_BODY_SIGN_NO_WINDOW = "f3959e6f368d73b801b8a36f69d5e4a9ee66c841925b85294bdd759b8d1a9723"
#   printf '%s' "GET/realtime1662350400000" | openssl dgst -sha256 -hmac YYYYYYYYYY
WS_EXPIRES = 1_662_350_400_000
WS_SIGN = "9c4c0629fddfee26ca0da50a7fed51968fce6935d34b02e772d3bd0c34327bd1"


@pytest.fixture
def creds() -> Credentials:
    c = Credentials()
    c.add(KEY, SECRET, ACCOUNT)
    c.add("bob-key", "bob-secret", "bob")
    c.add("ro-key", "ro-secret", "carol", permissions={READ})
    return c


def _spec_sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


# -- signing helpers ---------------------------------------------------------------------------


def test_sign_rest_matches_the_hand_derived_docs_vector() -> None:
    assert sign_rest(SECRET, KEY, NOW, QUERY) == DOCS_EXAMPLE_SIGN
    assert sign_rest(SECRET, KEY, str(NOW), QUERY, "5000") == DOCS_EXAMPLE_SIGN


def test_sign_rest_is_hmac_of_the_spec_string() -> None:
    text = f"{NOW}{KEY}8000{QUERY}"
    assert sign_rest(SECRET, KEY, NOW, QUERY, 8000) == _spec_sign(SECRET, text)
    assert sign_rest(SECRET, KEY, NOW, QUERY, None) == _spec_sign(SECRET, f"{NOW}{KEY}{QUERY}")


def test_rest_auth_headers_builds_the_four_headers() -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    assert headers == {
        "X-BAPI-API-KEY": KEY,
        "X-BAPI-TIMESTAMP": str(NOW),
        "X-BAPI-SIGN": DOCS_EXAMPLE_SIGN,
        "X-BAPI-RECV-WINDOW": "5000",
    }
    assert "X-BAPI-RECV-WINDOW" not in rest_auth_headers(KEY, SECRET, NOW, QUERY, None)


# -- verify_rest: accepted ---------------------------------------------------------------------


def test_docs_example_request_verifies(creds: Credentials) -> None:
    headers = {
        "X-BAPI-API-KEY": KEY,
        "X-BAPI-TIMESTAMP": str(NOW),
        "X-BAPI-SIGN": DOCS_EXAMPLE_SIGN,
        "X-BAPI-RECV-WINDOW": "5000",
    }
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.OK
    assert result.ok
    assert result.error is None
    assert result.account_id == ACCOUNT
    assert result.origin_string == f"{NOW}{KEY}5000{QUERY}"
    assert (result.timestamp_ms, result.recv_window_ms) == (NOW, 5000)


def test_pybit_spaced_body_without_recv_window_header_verifies(creds: Credentials) -> None:
    headers = {"X-BAPI-API-KEY": KEY, "X-BAPI-TIMESTAMP": str(NOW), "X-BAPI-SIGN": PYBIT_BODY_SIGN_NO_WINDOW}
    result = verify_rest(creds, headers, PYBIT_BODY, NOW)
    assert result.ok
    assert result.recv_window_ms == 5000  # the default window when the header is absent


def test_header_names_match_case_insensitively(creds: Credentials) -> None:
    headers = {k.lower(): v for k, v in rest_auth_headers(KEY, SECRET, NOW, QUERY).items()}
    assert verify_rest(creds, headers, QUERY, NOW).ok


def test_unrelated_headers_are_ignored(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    headers |= {"X-BAPI-SIGN-TYPE": "2", "Referer": "broker", "User-Agent": "pybit"}
    assert verify_rest(creds, headers, QUERY, NOW).ok


# -- raw-bytes sensitivity (§0.2 rule 7, §3.3) -----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "category=linear&cursor=abc%3D1&symbol=BTCUSDT",  # pybit: sorted, no escaping added
        "symbol=BTCUSDT&limit=5&interval=1&category=linear",  # insertion order
        "&category=linear",  # empty segment, tolerated as the venue does
        "",
    ],
)
def test_any_query_verifies_when_signed_as_sent(creds: Credentials, query: str) -> None:
    assert verify_rest(creds, rest_auth_headers(KEY, SECRET, NOW, query), query, NOW).ok


def test_re_sorted_query_fails(creds: Credentials) -> None:
    sent = "symbol=BTCUSDT&category=linear"
    headers = rest_auth_headers(KEY, SECRET, NOW, "category=linear&symbol=BTCUSDT")
    assert verify_rest(creds, headers, sent, NOW).verdict is AuthVerdict.BAD_SIGNATURE


def test_re_encoded_query_fails(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, "cursor=abc%3D1")
    assert verify_rest(creds, headers, "cursor=abc%3D1", NOW).ok
    assert verify_rest(creds, headers, "cursor=abc=1", NOW).verdict is AuthVerdict.BAD_SIGNATURE


@pytest.mark.parametrize(
    "body",
    [b'{"symbol":"BTCUSDT","side":"Buy","category":"linear","qty":"0.01"}', PYBIT_BODY, b"", "{}"],
)
def test_any_body_verifies_when_signed_as_sent(creds: Credentials, body: bytes | str) -> None:
    assert verify_rest(creds, rest_auth_headers(KEY, SECRET, NOW, body), body, NOW).ok


def test_re_serialised_body_fails(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, PYBIT_BODY)
    compact = b'{"category":"linear","symbol":"BTCUSDT"}'
    assert verify_rest(creds, headers, compact, NOW).verdict is AuthVerdict.BAD_SIGNATURE


def test_non_utf8_body_never_verifies_and_does_not_raise(creds: Credentials) -> None:
    body = b"\xff\xfe"
    headers = rest_auth_headers(KEY, SECRET, NOW, body)
    assert verify_rest(creds, headers, body, NOW).ok  # signed over the same raw bytes
    assert verify_rest(creds, headers, b"\xff\xfd", NOW).verdict is AuthVerdict.BAD_SIGNATURE


def test_uppercase_hex_signature_is_refused(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    headers["X-BAPI-SIGN"] = headers["X-BAPI-SIGN"].upper()
    assert verify_rest(creds, headers, QUERY, NOW).verdict is AuthVerdict.BAD_SIGNATURE


def test_rsa_style_base64_signature_is_a_mismatch(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    headers["X-BAPI-SIGN"] = "c2lnbmF0dXJlIGluIGJhc2U2NA=="
    assert verify_rest(creds, headers, QUERY, NOW).verdict is AuthVerdict.BAD_SIGNATURE


def test_recv_window_header_absent_signs_with_empty_string(creds: Credentials) -> None:
    # A client that signs "5000" but sends no header has signed something else (§3.2).
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    del headers["X-BAPI-RECV-WINDOW"]
    assert verify_rest(creds, headers, QUERY, NOW).verdict is AuthVerdict.BAD_SIGNATURE


# -- recv window (§3.4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "window", "ok"),
    [
        (-5000, 5000, True),  # exactly server - recv_window
        (-5001, 5000, False),
        (999, 5000, True),  # server + 1000 is excluded
        (1000, 5000, False),
        (0, 5000, True),
        (-10000, 10000, True),
        (-10001, 10000, False),
        (-1, 1, True),
        (-2, 1, False),
    ],
)
def test_recv_window_edges(creds: Credentials, offset: int, window: int, ok: bool) -> None:
    ts = NOW + offset
    headers = rest_auth_headers(KEY, SECRET, ts, QUERY, window)
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.ok is ok
    if not ok:
        assert result.verdict is AuthVerdict.STALE_TIMESTAMP


@pytest.mark.parametrize(("offset", "ok"), [(-5000, True), (-5001, False)])
def test_default_recv_window_is_5000(creds: Credentials, offset: int, ok: bool) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW + offset, QUERY, None)
    assert verify_rest(creds, headers, QUERY, NOW).ok is ok


def test_stale_timestamp_answers_10002_with_the_exact_message(creds: Credentials) -> None:
    ts, now = 1706972576658, 1706972587026
    result = verify_rest(creds, rest_auth_headers(KEY, SECRET, ts, QUERY), QUERY, now)
    assert result.verdict is AuthVerdict.STALE_TIMESTAMP
    assert result.error is not None
    assert result.error.code == 10002
    assert result.error.http_status == 200
    assert result.error.message == (
        "invalid request, please check your server timestamp or recv_window param. "
        "req_timestamp[1706972576658],server_timestamp[1706972587026],recv_window[5000]"
    )
    assert result.error.body(time_ms=now).startswith(b'{"retCode":10002,"retMsg":"invalid request')


def test_non_numeric_timestamp_is_answered_10002(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, "soon", QUERY)
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.STALE_TIMESTAMP
    assert result.error is not None
    assert "req_timestamp[soon]" in result.error.message


def test_absurdly_long_timestamp_does_not_raise(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, "9" * 5000, QUERY)
    assert verify_rest(creds, headers, QUERY, NOW).verdict is AuthVerdict.STALE_TIMESTAMP


@pytest.mark.parametrize("window", ["abc", "0", "-5", "5e3", " 5000"])
def test_bad_recv_window_is_a_parameter_error(creds: Credentials, window: str) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY, window)
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.MISSING_PARAMS
    assert result.error is not None
    assert result.error.code == 10001


# -- every other verdict ----------------------------------------------------------------------


def test_missing_key_is_10003(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    del headers["X-BAPI-API-KEY"]
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.MISSING_KEY
    assert result.error is not None
    assert (result.error.code, result.error.message) == (10003, "API key is invalid.")
    assert result.key is None


@pytest.mark.parametrize("drop", ["X-BAPI-TIMESTAMP", "X-BAPI-SIGN"])
def test_missing_timestamp_or_sign_is_the_openapi_sign_params_error(creds: Credentials, drop: str) -> None:
    headers = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    del headers[drop]
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.MISSING_PARAMS
    assert result.error is not None
    assert result.error.code == 10001
    assert result.error.message.startswith("empty value: apiTimestamp[")
    assert result.error.message.endswith("openapi sign params error!")
    assert f"apiKey[{KEY}]" in result.error.message


def test_unknown_key_is_10003(creds: Credentials) -> None:
    headers = rest_auth_headers("nobody", SECRET, NOW, QUERY)
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.UNKNOWN_KEY
    assert result.error is not None
    assert (result.error.code, result.error.message) == (10003, "API key is invalid.")


def test_bad_signature_is_10004_quoting_the_origin_string(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, "wrong-secret", NOW, QUERY)
    result = verify_rest(creds, headers, QUERY, NOW)
    assert result.verdict is AuthVerdict.BAD_SIGNATURE
    assert result.error is not None
    assert result.error.code == 10004
    assert result.error.message == f"error sign! origin_string[{NOW}{KEY}5000{QUERY}]"
    assert result.error.http_status == 200
    assert result.origin_string == f"{NOW}{KEY}5000{QUERY}"


def test_401_switch_applies_to_key_and_sign_errors_only(creds: Credentials) -> None:
    bad_sign = rest_auth_headers(KEY, "wrong", NOW, QUERY)
    unknown = rest_auth_headers("nobody", SECRET, NOW, QUERY)
    stale = rest_auth_headers(KEY, SECRET, NOW - 60_000, QUERY)
    statuses = [
        verify_rest(creds, h, QUERY, NOW, auth_error_status=401).error.http_status  # type: ignore[union-attr]
        for h in (bad_sign, unknown, stale)
    ]
    assert statuses == [401, 401, 200]


def test_another_accounts_secret_does_not_verify(creds: Credentials) -> None:
    headers = rest_auth_headers(KEY, "bob-secret", NOW, QUERY)
    assert verify_rest(creds, headers, QUERY, NOW).verdict is AuthVerdict.BAD_SIGNATURE
    bob = verify_rest(creds, rest_auth_headers("bob-key", "bob-secret", NOW, QUERY), QUERY, NOW)
    assert bob.account_id == "bob"


def test_permission_denied_is_10005(creds: Credentials) -> None:
    headers = rest_auth_headers("ro-key", "ro-secret", NOW, QUERY)
    assert verify_rest(creds, headers, QUERY, NOW, permission=READ).ok
    result = verify_rest(creds, headers, QUERY, NOW, permission=TRADE)
    assert result.verdict is AuthVerdict.PERMISSION_DENIED
    assert result.error is not None
    assert result.error.code == 10005
    assert result.error.message == "Permission denied, please check your API key permissions."
    assert verify_rest(creds, rest_auth_headers(KEY, SECRET, NOW, QUERY), QUERY, NOW, permission=TRADE).ok


def test_every_rest_verdict_is_reachable(creds: Credentials) -> None:
    seen = set()
    good = rest_auth_headers(KEY, SECRET, NOW, QUERY)
    cases = [
        good,
        {k: v for k, v in good.items() if k != "X-BAPI-API-KEY"},
        {k: v for k, v in good.items() if k != "X-BAPI-SIGN"},
        rest_auth_headers("nobody", SECRET, NOW, QUERY),
        rest_auth_headers(KEY, "x", NOW, QUERY),
        rest_auth_headers(KEY, SECRET, 0, QUERY),
        rest_auth_headers("ro-key", "ro-secret", NOW, QUERY),
    ]
    for headers in cases:
        seen.add(verify_rest(creds, headers, QUERY, NOW, permission=TRADE).verdict)
    assert seen == set(AuthVerdict)


# -- Credentials --------------------------------------------------------------------------------


def test_credentials_registry(creds: Credentials) -> None:
    assert len(creds) == 3
    assert KEY in creds
    key = creds.get(KEY)
    assert key is not None
    assert (key.secret, key.account_id, key.permissions) == (SECRET, ACCOUNT, frozenset({READ, TRADE}))
    assert [k.api_key for k in creds.for_account("bob")] == ["bob-key"]
    creds.remove("bob-key")
    assert creds.get("bob-key") is None
    assert [k.api_key for k in creds] == [KEY, "ro-key"]
    assert SECRET not in repr(key)


def test_credentials_from_keys_round_trip(creds: Credentials) -> None:
    copy = Credentials(creds)
    assert [k.api_key for k in copy] == [k.api_key for k in creds]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((KEY, "s", "a"), "already registered"),
        (("k2", "", "a"), "non-empty secret"),
        (("", "s", "a"), "non-empty api key"),
        (("k3", "s", ""), "non-empty account id"),
    ],
)
def test_credentials_refuse_bad_keys(creds: Credentials, args: tuple[str, str, str], match: str) -> None:
    with pytest.raises(DialectUsageError, match=match):
        creds.add(*args)


def test_credentials_refuse_unknown_permissions(creds: Credentials) -> None:
    with pytest.raises(DialectUsageError, match="unknown API-key permission"):
        creds.add("k4", "s", "a", permissions={"read", "withdraw"})


# -- WebSocket auth (§7.2) --------------------------------------------------------------------


def test_sign_ws_matches_the_hand_derived_vector() -> None:
    assert sign_ws(SECRET, WS_EXPIRES) == WS_SIGN
    assert sign_ws(SECRET, str(WS_EXPIRES)) == WS_SIGN
    assert ws_auth_args(KEY, SECRET, WS_EXPIRES) == [KEY, WS_EXPIRES, WS_SIGN]


@pytest.mark.parametrize("expires", [WS_EXPIRES, str(WS_EXPIRES)])
def test_ws_auth_accepts_int_and_string_expires(creds: Credentials, expires: int | str) -> None:
    result = verify_ws_auth(creds, [KEY, expires, WS_SIGN], WS_EXPIRES - 1000)
    assert result.ok
    assert result.account_id == ACCOUNT
    assert result.expires_ms == WS_EXPIRES


@pytest.mark.parametrize(("now_offset", "ok"), [(1000, True), (1001, False), (0, True), (-5000, True)])
def test_ws_auth_expiry_edges_with_one_second_slack(creds: Credentials, now_offset: int, ok: bool) -> None:
    result = verify_ws_auth(creds, [KEY, WS_EXPIRES, WS_SIGN], WS_EXPIRES + now_offset)
    assert result.ok is ok
    if not ok:
        assert result.verdict is AuthVerdict.STALE_TIMESTAMP


def test_ws_auth_slack_is_configurable(creds: Credentials) -> None:
    args = [KEY, WS_EXPIRES, WS_SIGN]
    assert verify_ws_auth(creds, args, WS_EXPIRES, slack_ms=0).ok
    assert not verify_ws_auth(creds, args, WS_EXPIRES + 1, slack_ms=0).ok


def test_ws_string_expires_is_signed_over_the_digits_sent(creds: Credentials) -> None:
    padded = "0" + str(WS_EXPIRES)
    args = [KEY, padded, sign_ws(SECRET, padded)]
    assert verify_ws_auth(creds, args, WS_EXPIRES).ok
    assert verify_ws_auth(creds, [KEY, padded, WS_SIGN], WS_EXPIRES).verdict is AuthVerdict.BAD_SIGNATURE


@pytest.mark.parametrize(
    ("args", "verdict"),
    [
        ([KEY, WS_EXPIRES, "0" * 64], AuthVerdict.BAD_SIGNATURE),
        (["nobody", WS_EXPIRES, WS_SIGN], AuthVerdict.UNKNOWN_KEY),
        (["", WS_EXPIRES, WS_SIGN], AuthVerdict.MISSING_KEY),
        ([None, WS_EXPIRES, WS_SIGN], AuthVerdict.MISSING_KEY),
        ([KEY, WS_EXPIRES], AuthVerdict.MISSING_PARAMS),
        ([KEY, WS_EXPIRES, WS_SIGN, "extra"], AuthVerdict.MISSING_PARAMS),
        ("not a list", AuthVerdict.MISSING_PARAMS),
        ({"api_key": KEY}, AuthVerdict.MISSING_PARAMS),
        (None, AuthVerdict.MISSING_PARAMS),
        ([KEY, float(WS_EXPIRES), WS_SIGN], AuthVerdict.MISSING_PARAMS),
        ([KEY, True, WS_SIGN], AuthVerdict.MISSING_PARAMS),
        ([KEY, "1662350400000ms", WS_SIGN], AuthVerdict.MISSING_PARAMS),
        ([KEY, "-1", WS_SIGN], AuthVerdict.MISSING_PARAMS),
        ([KEY, WS_EXPIRES, 12345], AuthVerdict.MISSING_PARAMS),
        ([KEY, WS_EXPIRES, ""], AuthVerdict.MISSING_PARAMS),
    ],
)
def test_ws_auth_failures(creds: Credentials, args: object, verdict: AuthVerdict) -> None:
    assert verify_ws_auth(creds, args, WS_EXPIRES).verdict is verdict


def test_ws_trade_stream_permission(creds: Credentials) -> None:
    expires = WS_EXPIRES
    ro = ws_auth_args("ro-key", "ro-secret", expires)
    assert verify_ws_auth(creds, ro, expires).ok
    result = verify_ws_auth(creds, ro, expires, permission=TRADE)
    assert result.verdict is AuthVerdict.PERMISSION_DENIED
    assert result.trade_ack("c").get("retCode") == 10005


# -- acks ------------------------------------------------------------------------------------


def test_private_success_ack_matches_the_reference_bytes(creds: Credentials) -> None:
    result = verify_ws_auth(creds, [KEY, WS_EXPIRES, WS_SIGN], WS_EXPIRES)
    ack = result.private_ack("cejreaspqfh3sjdnldmg-p")
    assert encode(ack) == b'{"success":true,"ret_msg":"","op":"auth","conn_id":"cejreaspqfh3sjdnldmg-p"}'


def test_trade_success_ack_matches_the_reference_bytes(creds: Credentials) -> None:
    result = verify_ws_auth(creds, [KEY, WS_EXPIRES, WS_SIGN], WS_EXPIRES)
    ack = result.trade_ack("cnt5leec0hvan15eukcg-2t")
    assert encode(ack) == b'{"retCode":0,"retMsg":"OK","op":"auth","connId":"cnt5leec0hvan15eukcg-2t"}'


def test_expired_auth_acks(creds: Credentials) -> None:
    result = verify_ws_auth(creds, [KEY, WS_EXPIRES, WS_SIGN], WS_EXPIRES + 60_000)
    assert result.private_ack("c1") == {
        "success": False,
        "ret_msg": "Params Error",
        "op": "auth",
        "conn_id": "c1",
    }
    assert result.trade_ack("c2") == {
        "retCode": 10001,
        "retMsg": "Params Error",
        "op": "auth",
        "connId": "c2",
    }


def test_bad_sign_acks(creds: Credentials) -> None:
    result = verify_ws_auth(creds, [KEY, WS_EXPIRES, "0" * 64], WS_EXPIRES)
    assert result.trade_ack("c2") == {
        "retCode": 10004,
        "retMsg": "Invalid sign",
        "op": "auth",
        "connId": "c2",
    }
    ack = result.private_ack("c1")
    assert ack["success"] is False
    assert ack["conn_id"] == "c1"


@pytest.mark.parametrize("req_id", [7, "7", "6a1c2f0e-3b1d-4c2e-9f7a-1b2c3d4e5f60", None])
def test_acks_echo_req_id_with_its_json_type(req_id: object) -> None:
    private = private_auth_ack("c", req_id=req_id)
    trade = trade_auth_ack("c", req_id=req_id)
    assert "req_id" in private
    assert private["req_id"] == req_id
    assert type(private["req_id"]) is type(req_id)
    assert "reqId" in trade
    assert trade["reqId"] == req_id
    assert type(trade["reqId"]) is type(req_id)


def test_acks_omit_req_id_when_none_was_sent() -> None:
    assert "req_id" not in private_auth_ack("c")
    assert "reqId" not in trade_auth_ack("c", req_id=NO_REQ_ID)
    assert repr(NO_REQ_ID) == "NO_REQ_ID"


def test_repeated_auth_trade_ack() -> None:
    assert trade_auth_ack("c", error=WS_REPEATED_AUTH)["retCode"] == 20001


def test_every_verdict_has_private_and_trade_answers() -> None:
    for verdict in AuthVerdict:
        result = auth.WsAuthResult(verdict)
        assert isinstance(result.private_reason, str)
        assert (result.trade_error.code == 0) is (verdict is AuthVerdict.OK)
        assert (result.private_reason == "") is (verdict is AuthVerdict.OK)
