"""Bybit rate limits: quotas, rolling windows on an injected clock, headers, 10006 and the IP limit."""

from __future__ import annotations

import pytest

from simulator.dialects.bybit import limits
from simulator.dialects.bybit.errors import DialectUsageError
from simulator.dialects.bybit.limits import (
    Decision,
    IpRateLimiter,
    LimitScope,
    QuotaTable,
    RateLimiter,
    endpoint_key,
    ws_op_key,
)

T0 = 1_700_000_000_000
CREATE_LINEAR = "order/create:linear"


def _fill(limiter: RateLimiter, key: str, now: int, n: int, account: str = "alice") -> list[Decision]:
    return [limiter.check(account, key, now) for _ in range(n)]


# -- keys and quotas -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "category", "key"),
    [
        ("/v5/order/create", "linear", "order/create:linear"),
        ("/v5/order/create", "SPOT", "order/create:spot"),
        ("/v5/order/realtime", None, "order/realtime"),
        ("/v5/order/realtime", "", "order/realtime"),
        ("/v5/position/list/", "inverse", "position/list:inverse"),
        ("order/cancel-all", "option", "order/cancel-all:option"),
    ],
)
def test_endpoint_key(path: str, category: str | None, key: str) -> None:
    assert endpoint_key(path, category) == key


def test_ws_op_key_maps_trade_ops_to_their_rest_endpoint() -> None:
    assert ws_op_key("order.create", "linear") == "order/create:linear"
    assert ws_op_key("order.cancel-batch", "spot") == "order/cancel-batch:spot"
    assert ws_op_key("order.teleport", "linear") is None


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("order/create:linear", 10),
        ("order/create:inverse", 10),
        ("order/create:option", 10),
        ("order/create:spot", 20),
        ("order/amend:spot", 10),
        ("order/cancel:linear", 10),
        ("order/cancel:spot", 20),
        ("order/cancel-all:linear", 10),
        ("order/cancel-all:option", 1),
        ("order/cancel-all:spot", 20),
        ("order/create-batch:linear", 10),
        ("order/amend-batch:spot", 20),
        ("order/cancel-batch:option", 10),
        ("order/realtime:linear", 50),
        ("order/history:spot", 50),
        ("execution/list:linear", 50),
        ("position/list:linear", 50),
        ("position/set-leverage:linear", 10),
        ("account/wallet-balance", limits.UNLISTED_ENDPOINT_PER_S),
    ],
)
def test_default_quotas_follow_section_4_1(key: str, limit: int) -> None:
    assert QuotaTable().limit_for(key) == limit


def test_overrides_take_precedence_most_specific_first() -> None:
    table = QuotaTable({"order/create": 3, "order/create:spot": 7, "*": 2})
    assert table.limit_for("order/create:linear") == 3
    assert table.limit_for("order/create:spot") == 7
    assert table.limit_for("order/cancel:linear") == 10  # a default beats the wildcard
    assert table.limit_for("account/wallet-balance") == 2
    assert table.overrides == {"order/create": 3, "order/create:spot": 7, "*": 2}


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True, None])
def test_bad_override_is_a_usage_error(bad: object) -> None:
    with pytest.raises(DialectUsageError, match="must be a whole number"):
        QuotaTable({"order/create": bad})  # type: ignore[dict-item]


def test_bad_window_is_a_usage_error() -> None:
    with pytest.raises(DialectUsageError, match="positive number of ms"):
        RateLimiter(window_ms=0)
    with pytest.raises(DialectUsageError, match="whole number"):
        IpRateLimiter(-1)


# -- rolling windows -----------------------------------------------------------------------------


def test_quota_counts_down_then_refuses_with_10006() -> None:
    limiter = RateLimiter()
    decisions = [limiter.check("alice", CREATE_LINEAR, T0 + i) for i in range(10)]
    assert all(d.allowed for d in decisions)
    assert [d.remaining for d in decisions] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert all(d.limit == 10 for d in decisions)
    assert all(d.reset_ts_ms == d.now_ms for d in decisions)  # "≈ now when not limited"
    refused = limiter.check("alice", CREATE_LINEAR, T0 + 10)
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.reset_ts_ms == T0 + 1000  # the first request leaves the window
    assert refused.retry_after_ms == 990


def test_window_rolls_exactly_one_second_after_each_request() -> None:
    limiter = RateLimiter()
    _fill(limiter, CREATE_LINEAR, T0, 10)
    assert not limiter.check("alice", CREATE_LINEAR, T0 + 999).allowed
    after = limiter.check("alice", CREATE_LINEAR, T0 + 1000)
    assert after.allowed
    assert after.remaining == 9  # the 10 from T0 all left; this one is counted


def test_window_is_rolling_not_fixed() -> None:
    limiter = RateLimiter()
    _fill(limiter, CREATE_LINEAR, T0, 5)
    _fill(limiter, CREATE_LINEAR, T0 + 500, 5)
    # At T0 + 1000 only the first five have left: five more fit, not ten.
    later = _fill(limiter, CREATE_LINEAR, T0 + 1000, 6)
    assert [d.allowed for d in later] == [True] * 5 + [False]
    assert later[-1].reset_ts_ms == T0 + 1500


def test_refused_requests_do_not_count() -> None:
    limiter = RateLimiter({"order/create": 2})
    _fill(limiter, CREATE_LINEAR, T0, 2)
    for i in range(100):
        assert not limiter.check("alice", CREATE_LINEAR, T0 + i).allowed
    assert limiter.check("alice", CREATE_LINEAR, T0 + 1000).allowed


@pytest.mark.parametrize("now", [T0 + 1, T0 + 500, T0 + 999, T0 - 5000])
def test_reset_is_strictly_in_the_future_whenever_limited(now: int) -> None:
    limiter = RateLimiter({"order/create": 3})
    limiter.check("alice", CREATE_LINEAR, T0 - 5000)
    _fill(limiter, CREATE_LINEAR, T0, 2)
    decision = limiter.check("alice", CREATE_LINEAR, now)
    if not decision.allowed:
        assert decision.reset_ts_ms > now
        assert decision.retry_after_ms > 0


def test_reset_stays_in_the_future_when_the_clock_steps_back() -> None:
    limiter = RateLimiter({"order/create": 1})
    limiter.check("alice", CREATE_LINEAR, T0)
    refused = limiter.check("alice", CREATE_LINEAR, T0 - 300)  # clock-skew fault moved time back
    assert not refused.allowed
    assert refused.reset_ts_ms == T0 + 1000
    assert refused.reset_ts_ms > T0 - 300


def test_zero_quota_refuses_everything_with_a_future_reset() -> None:
    limiter = RateLimiter({"order/create": 0})
    decision = limiter.check("alice", CREATE_LINEAR, T0)
    assert not decision.allowed
    assert decision.reset_ts_ms == T0 + 1000
    assert decision.limit == 0


def test_accounts_are_isolated() -> None:
    limiter = RateLimiter({"order/create": 1})
    assert limiter.check("alice", CREATE_LINEAR, T0).allowed
    assert not limiter.check("alice", CREATE_LINEAR, T0).allowed
    assert limiter.check("bob", CREATE_LINEAR, T0).allowed


def test_endpoints_and_categories_are_isolated() -> None:
    limiter = RateLimiter({"order/create": 1})
    assert limiter.check("alice", CREATE_LINEAR, T0).allowed
    assert limiter.check("alice", "order/create:spot", T0).allowed  # spot's own window (20)
    assert limiter.check("alice", "order/cancel:linear", T0).allowed
    assert not limiter.check("alice", CREATE_LINEAR, T0).allowed


def test_peek_does_not_count() -> None:
    limiter = RateLimiter({"order/create": 1})
    peeked = limiter.peek("alice", CREATE_LINEAR, T0)
    assert peeked.allowed
    assert peeked.remaining == 1
    assert limiter.check("alice", CREATE_LINEAR, T0).allowed
    assert not limiter.peek("alice", CREATE_LINEAR, T0).allowed


def test_reset_forgets_everything() -> None:
    limiter = RateLimiter({"order/create": 1})
    limiter.check("alice", CREATE_LINEAR, T0)
    limiter.reset()
    assert limiter.check("alice", CREATE_LINEAR, T0).allowed


def test_many_requests_keep_memory_bounded_by_the_quota() -> None:
    limiter = RateLimiter()
    for i in range(20_000):
        limiter.check("alice", CREATE_LINEAR, T0 + i)
    window = limiter._windows._windows[("alice", CREATE_LINEAR)]
    assert len(window) <= 10


# -- headers and errors -----------------------------------------------------------------------


def test_headers_are_the_three_x_bapi_values_as_strings() -> None:
    limiter = RateLimiter()
    ok = limiter.check("alice", CREATE_LINEAR, T0)
    assert ok.headers() == {
        "X-Bapi-Limit": "10",
        "X-Bapi-Limit-Status": "9",
        "X-Bapi-Limit-Reset-Timestamp": str(T0),
    }


def test_refusal_error_is_http_200_10006_with_future_reset_header() -> None:
    limiter = RateLimiter({"order/create": 1})
    limiter.check("alice", CREATE_LINEAR, T0)
    refused = limiter.check("alice", CREATE_LINEAR, T0 + 250)
    err = refused.error()
    assert (err.code, err.message, err.http_status) == (10006, "Too many visits!", 200)
    assert err.headers == {
        "X-Bapi-Limit": "1",
        "X-Bapi-Limit-Status": "0",
        "X-Bapi-Limit-Reset-Timestamp": str(T0 + 1000),
    }
    assert int(err.headers["X-Bapi-Limit-Reset-Timestamp"]) > T0 + 250
    assert err.retry_after_ms == 750
    assert err.body(time_ms=T0 + 250) == (
        b'{"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":1700000000250}'
    )


def test_an_allowed_decision_has_no_error() -> None:
    decision = RateLimiter().check("alice", CREATE_LINEAR, T0)
    with pytest.raises(ValueError, match="within its rate limit"):
        decision.error()


def test_ws_trade_header_object() -> None:
    limiter = RateLimiter()
    decision = limiter.check("alice", ws_op_key("order.create", "linear") or "", T0)
    assert decision.ws_header("38b7977b430f9bd228f4b19724794dfd") == {
        "X-Bapi-Limit": "10",
        "X-Bapi-Limit-Status": "9",
        "X-Bapi-Limit-Reset-Timestamp": str(T0),
        "Traceid": "38b7977b430f9bd228f4b19724794dfd",
        "Timenow": str(T0),
    }


# -- per-IP limit ------------------------------------------------------------------------------


def test_ip_limit_is_600_per_5_seconds_then_403() -> None:
    ip = IpRateLimiter()
    assert (ip.limit, ip.window_ms) == (600, 5000)
    decisions = [ip.check("127.0.0.1", T0 + i) for i in range(600)]
    assert all(d.allowed for d in decisions)
    refused = ip.check("127.0.0.1", T0 + 600)
    assert not refused.allowed
    assert refused.scope is LimitScope.IP
    assert refused.reset_ts_ms == T0 + 5000
    err = refused.error()
    assert err.http_status == 403
    assert err.plain_text
    assert err.body(time_ms=T0) == b"access too frequent"
    assert err.retry_after_ms == 4400
    assert ip.check("10.0.0.2", T0 + 600).allowed  # another IP
    assert not ip.check("127.0.0.1", T0 + 4999).allowed
    assert ip.check("127.0.0.1", T0 + 5000).allowed


def test_ip_limiter_reset() -> None:
    ip = IpRateLimiter(1, window_ms=100)
    ip.check("a", T0)
    assert not ip.check("a", T0).allowed
    ip.reset()
    assert ip.check("a", T0).allowed
