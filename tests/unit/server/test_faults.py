"""Fault rules without sockets: reading actions and matches, selection, lifecycle, journal records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from simulator.scenario import FaultRule
from simulator.server.errors import FaultSpecError, SimulatorStateError
from simulator.server.faults import (
    HTTP_ACTIONS,
    ClockSkew,
    Delay,
    DelayClock,
    Faults,
    FaultState,
    HttpStatus,
    Phase,
    RateLimit,
    Stall,
    TruncatedBody,
    WsAction,
    parse_action,
    parse_match,
)
from simulator.server.journal import FaultPhase, Journal


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(clock: Clock) -> Journal:
    return Journal(clock)


@pytest.fixture
def faults(journal: Journal, clock: Clock) -> Faults:
    return Faults(journal, clock, lambda: 1_000_000_000_000)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"kind": "http_status", "status": 503}, HttpStatus(503)),
        ({"kind": "rate_limit"}, RateLimit(1000)),
        ({"kind": "delay", "seconds": "500ms"}, Delay(0.5)),
        ({"kind": "delay", "seconds": Decimal("0.25"), "phase": "response", "clock": "venue"},
         Delay(0.25, Phase.RESPONSE, DelayClock.VENUE)),
        ({"kind": "stall"}, Stall()),
        ({"kind": "truncated_body", "keep": 3}, TruncatedBody(3)),
        ({"kind": "clock_skew", "seconds": "-1m"}, ClockSkew(-60.0)),
        ({"kind": "clock_skew", "seconds": 2.5}, ClockSkew(2.5)),
    ],
)  # fmt: skip
def test_actions_are_read_from_their_mapping(mapping: dict[str, Any], expected: object) -> None:
    action = parse_action(mapping, "http")
    assert action == expected
    assert parse_action(action.params(), "http") == expected  # params() round-trips


@pytest.mark.parametrize(
    ("mapping", "field", "words"),
    [
        ({}, "action.kind", "snake_case"),
        ({"kind": "Boom"}, "action.kind", "snake_case"),
        ({"kind": "boom"}, "action.kind", "use one of"),
        ({"kind": "http_status", "status": "503"}, "action.status", "whole number"),
        ({"kind": "http_status", "status": 503, "colour": "red"}, "action.colour", "it takes status"),
        ({"kind": "delay"}, "action.seconds", "needs seconds"),
        ({"kind": "delay", "seconds": "soon"}, "action.seconds", "duration"),
        ({"kind": "delay", "seconds": 1, "phase": "later"}, "action.phase", "request, response"),
        ({"kind": "stall", "seconds": 1}, "action.seconds", "no parameters"),
        ({"kind": "rate_limit", "reset_ms": 0}, "action.reset_ms", ">= 1"),
        ({"kind": "truncated_body", "keep": -1}, "action.keep", ">= 0"),
        ({"kind": "ret_code", "code": True}, "action.code", "whole number"),
    ],
)
def test_bad_actions_name_the_field(mapping: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_action(mapping, "http")
    assert caught.value.field == field and words in caught.value.problem


def test_python_actions_take_strings_for_enum_fields_and_refuse_bad_ones() -> None:
    assert Delay(1, phase="response", clock="venue") == Delay(1, Phase.RESPONSE, DelayClock.VENUE)  # type: ignore[arg-type]
    with pytest.raises(FaultSpecError, match=r"action\.clock"):
        Delay(1, clock="sundial")  # type: ignore[arg-type]


def test_ws_actions_are_kept_raw_and_http_actions_stay_on_http() -> None:
    # A ws kind no reader is registered for (the registered ones are typed: test_ws_actions.py).
    action = parse_action({"kind": "custom_ws_kind", "code": 1006}, "ws")
    assert isinstance(action, WsAction) and action.kind == "custom_ws_kind"
    assert action.params() == {"kind": "custom_ws_kind", "code": 1006}
    with pytest.raises(FaultSpecError, match="channel='http'"):
        parse_action(HttpStatus(500), "ws")


def test_every_http_action_describes_itself() -> None:
    for kind, cls in HTTP_ACTIONS.items():
        assert kind == cls.KIND and cls().describe().startswith(kind)


def test_match_defaults_and_shape() -> None:
    match = parse_match(
        {"channel": "http", "route": "/v5/order/*", "method": "post", "nth": 3, "after": "1m"}
    )
    assert (match.method, match.nth, match.times, match.after_s) == ("POST", 3, 1, 60.0)
    assert match.params() == {
        "channel": "http", "method": "POST", "route": "/v5/order/*", "nth": 3, "times": 1, "after": 60.0,
    }  # fmt: skip
    assert match.describe() == "http POST /v5/order/* nth=3 times=1 after=60s"
    assert match.matches_http("POST", "/v5/order/create", None, 60)
    assert not match.matches_http("POST", "/v5/order/create", None, 59.9)
    assert not match.matches_http("GET", "/v5/order/create", None, 60)
    assert not match.matches_http("POST", "/v5/position/list", None, 60)
    assert parse_match({"channel": "http", "persistent": True}).persistent


@pytest.mark.parametrize(
    ("mapping", "field"),
    [
        ("http", "match"),
        ({"channel": "smoke"}, "match.channel"),
        ({"channel": "ws", "method": "GET"}, "match.method"),
        ({"channel": "http", "role": "public"}, "match.role"),
        ({"channel": "ws", "role": "admin"}, "match.role"),
        ({"channel": "http", "nth": 0}, "match.nth"),
        ({"channel": "http", "persistent": "yes"}, "match.persistent"),
        ({"channel": "http", "after": "later"}, "match.after"),
    ],
)
def test_bad_matches_name_the_field(mapping: Any, field: str) -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_match(mapping)
    assert caught.value.field == field


def test_selection_counts_occurrences_and_fires_the_oldest_due(faults: Faults, journal: Journal) -> None:
    first = faults.arm(HttpStatus(500), route="/a", nth=2, name="first")
    second = faults.arm(HttpStatus(502), route="/a", name="second")
    # Request 1: both count it; only "second" is due (nth=1).
    assert faults.select_http("GET", "/a", None) is second
    # Request 2: "first" is now due and older; "second" is exhausted.
    assert faults.select_http("GET", "/a", None) is first
    assert faults.select_http("GET", "/a", None) is None
    assert (first.seen, first.fired, second.seen, second.fired) == (2, 1, 1, 1)
    assert first.state is second.state is FaultState.EXHAUSTED
    fired = journal.faults(phase=FaultPhase.FIRED)
    assert [(e.name, e.description) for e in fired] == [
        ("second", "http_status status=502 content_type='text/plain' on GET /a (1 of 1)"),
        ("first", "http_status status=500 content_type='text/plain' on GET /a (1 of 1)"),
    ]


def test_account_and_after_criteria(faults: Faults, clock: Clock) -> None:
    fault = faults.arm(Stall(), account="alice", after=10, persistent=True)
    assert faults.select_http("GET", "/a", "alice") is None  # too early
    clock.now += 10_000_000_000
    assert faults.select_http("GET", "/a", "bob") is None
    assert faults.select_http("GET", "/a", "alice") is fault
    assert faults.select_http("GET", "/a", "alice") is fault  # persistent
    assert fault.fired == 2 and fault.state is FaultState.ARMED


def test_names_are_unique_and_generated(faults: Faults) -> None:
    assert faults.arm(Stall()).name == "stall-1"
    assert faults.arm({"kind": "stall"}).name == "stall-2"
    faults.arm(Stall(), name="mine")
    with pytest.raises(FaultSpecError, match="already armed"):
        faults.arm(Stall(), name="mine")
    faults.clear("mine")
    assert faults.arm(Stall(), name="mine").name == "mine"  # a cleared name is free again


def test_clearing_records_once_and_releases(faults: Faults, journal: Journal) -> None:
    fault = faults.arm(Stall(), name="s")
    assert fault.state is FaultState.ARMED and fault.active
    fault.clear()
    fault.clear()
    assert fault.state is FaultState.CLEARED and "s" not in faults
    assert [e.phase for e in journal.faults("s")] == [FaultPhase.ARMED, FaultPhase.CLEARED]
    with pytest.raises(KeyError, match="no fault named 's'"):
        faults.clear("s")
    with pytest.raises(SimulatorStateError, match="cannot become"):
        fault._become(FaultState.ARMED)


async def test_a_cleared_fault_releases_waiters_made_before_or_after() -> None:
    journal = Journal(lambda: 0)
    faults = Faults(journal, lambda: 0, lambda: 0)
    before = faults.arm(Stall())
    event = before.released()
    assert not event.is_set()
    faults.clear_all()
    assert event.is_set() and before.released().is_set()
    after = faults.arm(Stall())
    faults.stop()
    assert faults.stopping and after.released().is_set()


def test_clock_skew_is_a_state_not_a_hit(faults: Faults, journal: Journal) -> None:
    assert faults.skew_ns == 0
    skew = faults.arm(ClockSkew(2))
    later = faults.arm(ClockSkew(-1.5))
    assert faults.skew_ns == -1_500_000_000  # the newest wins
    assert skew.match.persistent and skew.fired == 1
    assert faults.select_http("GET", "/v5/market/time", None) is None
    later.clear()
    assert faults.skew_ns == 2_000_000_000
    assert journal.faults(skew.name, phase=FaultPhase.FIRED)[0].description == "venue time now +2s off"
    with pytest.raises(FaultSpecError, match="only channel"):
        faults.arm(ClockSkew(1), route="/x")
    with pytest.raises(FaultSpecError, match="only channel"):
        faults.arm(ClockSkew(1), times=2)


def test_scenario_rules_are_armed_in_order_and_errors_name_the_rule(faults: Faults, journal: Journal) -> None:
    rules = (
        FaultRule(
            match={"channel": "http", "route": "/x", "times": 2},
            action={"kind": "http_status", "status": 503},
        ),
        FaultRule(match={"channel": "ws", "topic": "t"}, action={"kind": "stop_pings"}, name="quiet"),
    )
    armed = faults.arm_scenario(rules)
    assert [f.name for f in armed] == ["http_status-1", "quiet"]
    assert all(f.source == "scenario" for f in armed)
    assert "(by scenario)" in journal.faults("quiet")[0].description
    bad = (FaultRule(match={"channel": "http"}, action={"kind": "http_status"}),)
    with pytest.raises(FaultSpecError) as caught:
        faults.arm_scenario(bad)
    assert caught.value.field == "faults[0].action.status"


def test_as_dict_is_the_control_plane_shape(faults: Faults) -> None:
    fault = faults.arm(HttpStatus(503), route="/x", times=2, name="gw")
    assert fault.as_dict() == {
        "name": "gw",
        "match": {"channel": "http", "route": "/x", "times": 2},
        "action": {"kind": "http_status", "status": 503, "body": "", "content_type": "text/plain"},
        "source": "api",
        "state": "armed",
        "seen": 0,
        "fired": 0,
    }


def test_ws_rules_are_selected_for_websocket_events_only(faults: Faults, journal: Journal) -> None:
    drop = faults.arm({"kind": "drop_connection"}, channel="ws", role="public", topic="orderbook.*", nth=2)
    http = faults.arm(HttpStatus(500), route="/v5/*", persistent=True)
    assert faults.select_ws("public", op="subscribe", topic="orderbook.50.BTCUSDT") is None  # nth=2
    assert faults.select_ws("private", op="subscribe", topic="orderbook.50.BTCUSDT") is None  # role
    assert faults.select_ws("public", op="subscribe", topic="tickers.BTCUSDT") is None  # topic
    hit = faults.select_ws("public", op="subscribe", topic="orderbook.1.ETHUSDT", target="ws-1 subscribe")
    assert hit is drop and drop.state is FaultState.EXHAUSTED
    assert journal.faults(drop.name, phase=FaultPhase.FIRED)[0].description == (
        "drop_connection on ws-1 subscribe (1 of 1)"
    )
    assert http.seen == 0  # WebSocket events never count for HTTP rules, nor the reverse
    assert faults.select_http("GET", "/v5/market/time", None) is http and drop.seen == 2
