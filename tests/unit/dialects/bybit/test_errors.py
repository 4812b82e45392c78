"""Bybit error vocabulary, the REST envelope, compact encoding and the core-rejection mapping."""

from __future__ import annotations

from decimal import Decimal

import orjson
import pytest

from simulator.core import RejectReason
from simulator.dialects.bybit import errors as e
from simulator.dialects.bybit.errors import BybitError, Operation, VenueError, encode, envelope

T = 1_672_211_918_471


# -- envelope --------------------------------------------------------------------------------


def test_envelope_has_exact_keys_and_json_types() -> None:
    env = envelope(0, "OK", {"timeSecond": "1672211918"}, time_ms=T)
    assert list(env) == ["retCode", "retMsg", "result", "retExtInfo", "time"]
    assert env == {
        "retCode": 0,
        "retMsg": "OK",
        "result": {"timeSecond": "1672211918"},
        "retExtInfo": {},
        "time": T,
    }
    assert type(env["retCode"]) is int
    assert type(env["time"]) is int


def test_error_envelope_result_is_an_empty_object_never_null() -> None:
    env = envelope(10017, "Route not found", time_ms=T)
    assert env["result"] == {}
    assert env["retExtInfo"] == {}
    assert b'"result":{}' in encode(env)
    assert b"null" not in encode(env)


def test_envelope_keeps_batch_ret_ext_info() -> None:
    info = {
        "list": [{"code": 0, "msg": "OK"}, {"code": 110001, "msg": "order not exists or too late to cancel"}]
    }
    env = envelope(0, "OK", {"list": []}, info, time_ms=T)
    assert env["retExtInfo"] == info


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ret_code": "0", "ret_msg": "OK"}, "retCode must be an int"),
        ({"ret_code": True, "ret_msg": "OK"}, "retCode must be an int"),
        ({"ret_code": 0, "ret_msg": "OK", "result": []}, "result must be an object"),
        ({"ret_code": 0, "ret_msg": "OK", "ret_ext_info": []}, "retExtInfo must be an object"),
        ({"ret_code": 0, "ret_msg": 0}, "retMsg must be a string"),
    ],
)
def test_envelope_refuses_wrong_types(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        envelope(time_ms=T, **kwargs)  # type: ignore[arg-type]


def test_envelope_refuses_a_non_int_time() -> None:
    with pytest.raises(TypeError, match="time must be an int"):
        envelope(0, "OK", time_ms=1.5)  # type: ignore[arg-type]


def test_encode_is_compact_bytes_with_no_spaces() -> None:
    body = encode(envelope(0, "OK", {"list": [{"a": "1", "b": "2"}], "nextPageCursor": ""}, time_ms=T))
    assert isinstance(body, bytes)
    assert body == (
        b'{"retCode":0,"retMsg":"OK","result":{"list":[{"a":"1","b":"2"}],"nextPageCursor":""},'
        b'"retExtInfo":{},"time":1672211918471}'
    )
    assert b" " not in body
    assert orjson.loads(body)["retCode"] == 0


def test_encode_refuses_decimals_the_codec_should_have_formatted() -> None:
    with pytest.raises(TypeError, match="cannot encode"):
        encode({"price": Decimal("1.5")})


# -- BybitError and VenueError ----------------------------------------------------------------


def test_bybit_error_carries_its_fields_and_answers_with_the_envelope() -> None:
    err = BybitError(10006, "Too many visits!", headers={"X-Bapi-Limit": "10"}, retry_after_ms=250)
    assert (err.code, err.message, err.http_status) == (10006, "Too many visits!", 200)
    assert err.headers == {"X-Bapi-Limit": "10"}
    assert err.retry_after_ms == 250
    assert err.venue_error == e.RATE_LIMITED
    assert err.body(time_ms=T) == (
        b'{"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":1672211918471}'
    )
    assert str(err) == "10006: Too many visits!"


def test_plain_text_bybit_error_body_is_the_message() -> None:
    err = e.IP_RATE_LIMITED.error(http_status=403, plain_text=True)
    assert (err.code, err.http_status, err.plain_text) == (10018, 403, True)
    assert err.body(time_ms=T) == b"access too frequent"
    assert not BybitError(10018, "access too frequent", 403).plain_text


def test_bybit_error_refuses_a_string_code() -> None:
    with pytest.raises(TypeError, match="retCode is an int"):
        BybitError("10001", "x")  # type: ignore[arg-type]


def test_venue_error_format_fills_the_stale_timestamp_message() -> None:
    err = e.INVALID_TIMESTAMP.format(
        req_timestamp=1706972576658, server_timestamp=1706972587026, recv_window=5000
    )
    assert err == VenueError(
        10002,
        "invalid request, please check your server timestamp or recv_window param. "
        "req_timestamp[1706972576658],server_timestamp[1706972587026],recv_window[5000]",
    )


@pytest.mark.parametrize(
    ("const", "code", "message"),
    [
        (e.OK, 0, "OK"),
        (e.ROUTE_NOT_FOUND, 10017, "Route not found"),
        (e.API_KEY_INVALID, 10003, "API key is invalid."),
        (e.PERMISSION_DENIED, 10005, "Permission denied, please check your API key permissions."),
        (e.RATE_LIMITED, 10006, "Too many visits!"),
        (e.POSITION_IDX_NOT_MATCH, 10001, "position idx not match position mode"),
        (e.ORDER_NOT_EXISTS_CANCEL, 110001, "order not exists or too late to cancel"),
        (e.ORDER_NOT_EXISTS_AMEND, 110001, "order not exists or too late to replace"),
        (e.AVAILABLE_BALANCE_INSUFFICIENT, 110007, "ab not enough for new order"),
        (e.LEVERAGE_NOT_MODIFIED, 110043, "Set leverage not modified"),
        (e.SPOT_INSUFFICIENT_BALANCE, 170131, "Insufficient balance."),
        (e.SPOT_ORDER_NOT_EXISTS, 170213, "Order does not exist."),
        (e.WS_SIGN_ERROR, 10004, "Invalid sign"),
        (e.WS_PARAMS_ERROR, 10001, "Params Error"),
    ],
)
def test_real_strings_from_the_reference(const: VenueError, code: int, message: str) -> None:
    assert const.code == code
    assert const.message == message


def test_empty_sign_params_message_is_the_one_clients_match() -> None:
    msg = e.EMPTY_SIGN_PARAMS.format(timestamp="", api_key="k", signature="").message
    assert msg == "empty value: apiTimestamp[] apiKey[k] apiSignature[]: openapi sign params error!"


# -- RejectReason → Bybit ----------------------------------------------------------------------


@pytest.mark.parametrize("operation", list(Operation))
@pytest.mark.parametrize("spot", [True, False])
@pytest.mark.parametrize("reason", list(RejectReason))
def test_every_reject_reason_maps_to_a_bybit_error(
    reason: RejectReason, spot: bool, operation: Operation
) -> None:
    venue = e.reject_venue_error(reason, spot=spot, operation=operation)
    assert isinstance(venue, VenueError)
    assert type(venue.code) is int
    assert venue.code != 0
    assert venue.message
    assert "{" not in venue.message  # no unfilled template field
    err = e.reject_error(reason, spot=spot, operation=operation)
    assert (err.code, err.message, err.http_status) == (venue.code, venue.message, 200)


C, A, X = Operation.CREATE, Operation.AMEND, Operation.CANCEL


@pytest.mark.parametrize(
    ("reason", "spot", "operation", "code", "message"),
    [
        (RejectReason.INSUFFICIENT_BALANCE, True, C, 170131, "Insufficient balance."),
        (RejectReason.INSUFFICIENT_BALANCE, False, C, 110007, "ab not enough for new order"),
        (RejectReason.INSUFFICIENT_MARGIN, False, C, 110007, "ab not enough for new order"),
        (RejectReason.INSUFFICIENT_MARGIN, False, Operation.SET_LEVERAGE, 110044, None),
        (RejectReason.DUPLICATE_CLIENT_ORDER_ID, True, C, 170141, None),
        (RejectReason.DUPLICATE_CLIENT_ORDER_ID, False, C, 110072, None),
        (RejectReason.ORDER_NOT_FOUND, False, X, 110001, "order not exists or too late to cancel"),
        (RejectReason.ORDER_CLOSED, False, X, 110001, "order not exists or too late to cancel"),
        (RejectReason.ORDER_NOT_FOUND, False, A, 110001, "order not exists or too late to replace"),
        (RejectReason.ORDER_CLOSED, False, A, 110001, "order not exists or too late to replace"),
        (RejectReason.ORDER_NOT_FOUND, True, X, 170213, "Order does not exist."),
        (RejectReason.ORDER_CLOSED, True, A, 170213, "Order does not exist."),
        (RejectReason.REDUCE_ONLY_WOULD_INCREASE, False, C, 110017, None),
        (RejectReason.QUANTITY_BELOW_MIN, False, C, 110094, None),
        (RejectReason.NOTIONAL_BELOW_MIN, False, C, 110094, None),
        (RejectReason.QUANTITY_BELOW_MIN, True, C, 170136, None),
        (RejectReason.NOTIONAL_BELOW_MIN, True, C, 170140, None),
        (RejectReason.PRICE_OFF_TICK, True, C, 170134, None),
        (RejectReason.PRICE_OFF_TICK, False, C, 10001, None),
        (RejectReason.POSITION_IDX_MISMATCH, False, C, 10001, "position idx not match position mode"),
        (
            RejectReason.LEVERAGE_NOT_MODIFIED,
            False,
            Operation.SET_LEVERAGE,
            110043,
            "Set leverage not modified",
        ),
        (RejectReason.POSITION_MODE_NOT_MODIFIED, False, Operation.SWITCH_MODE, 110025, None),
        (RejectReason.MARGIN_MODE_NOT_MODIFIED, False, Operation.SET_MARGIN_MODE, 110026, None),
        (RejectReason.POSITION_OR_ORDERS_EXIST, False, Operation.SWITCH_MODE, 110024, None),
        (RejectReason.TOO_MANY_OPEN_ORDERS, False, C, 110020, None),
        (RejectReason.UNKNOWN_INSTRUMENT, True, C, 10001, "Not supported symbols"),
        (RejectReason.UNKNOWN_INSTRUMENT, False, C, 10001, "Not supported symbols"),
        (RejectReason.INVALID_QUANTITY, False, C, 10001, None),
        (RejectReason.PRICE_REQUIRED, True, C, 10001, None),
    ],
)
def test_reject_reason_worked_values(
    reason: RejectReason, spot: bool, operation: Operation, code: int, message: str | None
) -> None:
    venue = e.reject_venue_error(reason, spot=spot, operation=operation)
    assert venue.code == code
    if message is not None:
        assert venue.message == message


def test_post_only_amend_rejection_carries_the_substring_clients_match() -> None:
    venue = e.reject_venue_error(RejectReason.POST_ONLY_WOULD_TAKE, spot=False, operation=A)
    assert e.POST_ONLY_REJECT_REASON == "EC_PostOnlyWillTakeLiquidity"
    assert "EC_PostOnlyWillTakeLiquidity" in venue.message


def test_parameter_errors_say_which_parameter() -> None:
    venue = e.reject_venue_error(RejectReason.INVALID_LEVERAGE, spot=False, operation=Operation.SET_LEVERAGE)
    assert venue == VenueError(10001, "params error: leverage invalid")
