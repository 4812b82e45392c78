"""Server parts without sockets: lifecycle, venue helpers, control-plane inputs, the error sink."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from simulator.core import Side, SourceClock, VirtualClock
from simulator.scenario import build_exchange, load_scenario, parse_scenario
from simulator.server.control.inputs import Body, parse_body, plain
from simulator.server.errors import ControlInputError, SimulatorStateError, SimulatorUsageError
from simulator.server.failures import ServerErrors
from simulator.server.journal import ErrorEntry, Journal
from simulator.server.lifecycle import ServerState
from simulator.server.simulator import is_loopback
from simulator.server.venue import api_key_specs, load, make_clock

ROOT = Path(__file__).resolve().parents[3]
MINIMAL = ROOT / "scenarios" / "examples" / "minimal.yaml"


def test_lifecycle_transitions_are_checked() -> None:
    state = ServerState.CREATED.to(ServerState.STARTING).to(ServerState.RUNNING)
    assert state.to(ServerState.STOPPING).to(ServerState.STOPPED) is ServerState.STOPPED
    assert ServerState.STARTING.can_become(ServerState.STOPPING)
    with pytest.raises(SimulatorStateError, match="already running"):
        ServerState.RUNNING.to(ServerState.STARTING)
    with pytest.raises(SimulatorStateError, match="create a new one"):
        ServerState.STOPPED.to(ServerState.STARTING)
    with pytest.raises(SimulatorStateError, match="cannot become running"):
        ServerState.CREATED.to(ServerState.RUNNING)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("10.0.0.1", False), ("example.com", False), ("", False)],
)  # fmt: skip
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_load_picks_the_default_and_checks_the_dialect() -> None:
    assert load(None, "bybit").name == "bybit-default"
    assert load(MINIMAL, "bybit").dialect == "bybit"
    with pytest.raises(SimulatorUsageError, match="for dialect 'bybit'"):
        load(MINIMAL, "okx")
    with pytest.raises(FileNotFoundError, match="--scenario"):
        load(None, "okx")


def test_make_clock() -> None:
    scenario = load_scenario(MINIMAL)
    virtual = make_clock(None, scenario)  # the file says virtual, from 2026-01-05
    assert isinstance(virtual, VirtualClock) and virtual.now_ns() == 1767571200 * 10**9
    assert isinstance(make_clock("real", scenario), SourceClock)
    unstarted = parse_scenario("version: 1\ndialect: bybit\n")
    before = time.time_ns()
    clock = make_clock("virtual", unstarted)
    assert before - 1_000_000 <= clock.now_ns() <= time.time_ns() and clock.now_ns() % 1_000_000 == 0
    given = VirtualClock(5)
    assert make_clock(given, scenario) is given
    with pytest.raises(SimulatorUsageError):
        make_clock(42, scenario)  # type: ignore[arg-type]


def test_api_key_specs_and_overrides() -> None:
    venue = build_exchange(load_scenario(MINIMAL))
    (key,) = api_key_specs(venue, None, None)
    assert (key.key, key.secret, key.account_id) == ("alice-key", "alice-secret", "alice")
    (override,) = api_key_specs(venue, "k", "s")
    assert (override.key, override.secret, override.account_id) == ("k", "s", "alice")
    with pytest.raises(SimulatorUsageError, match="together"):
        api_key_specs(venue, "k", None)
    keyless = build_exchange(parse_scenario("version: 1\ndialect: bybit\naccounts: [{id: zoe}]\n"))
    (given,) = api_key_specs(keyless, "k", "s")
    assert given.account_id == "zoe" and "derivatives" in given.permissions
    empty = build_exchange(parse_scenario("version: 1\ndialect: bybit\n"))
    assert api_key_specs(empty, None, None) == []
    with pytest.raises(SimulatorUsageError, match="no user account"):
        api_key_specs(empty, "k", "s")


def test_body_readers() -> None:
    body = parse_body(b'{"qty": "0.10", "n": 3, "side": "Buy", "flag": true, "levels": [["1", 2]]}')
    assert body.decimal("qty") == Decimal("0.10") and str(body.decimal("qty")) == "0.10"
    assert body.integer("n", minimum=1) == 3
    assert body.choice("side", Side) is Side.BUY
    assert body.boolean("flag") is True
    assert body.levels("levels") == [(Decimal("1"), Decimal("2"))]
    assert body.decimal("missing", None) is None and body.text("missing", "x") == "x"
    assert parse_body(b"").data == {} and parse_body(b"  ").data == {}


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda b: b.decimal("qty", positive=True), "qty", "positive"),
        (lambda b: b.decimal("word"), "word", "number"),
        (lambda b: b.integer("qty"), "qty", "whole number"),
        (lambda b: b.integer("n", minimum=5), "n", ">= 5"),
        (lambda b: b.text("n"), "n", "text"),
        (lambda b: b.choice("word", Side), "word", "buy, sell"),
        (lambda b: b.boolean("n"), "n", "true or false"),
        (lambda b: b.mapping("n"), "n", "JSON object"),
        (lambda b: b.items("n"), "n", "list"),
        (lambda b: b.levels("n"), "n", "pairs"),
        (lambda b: b.text("absent"), "absent", "required"),
        (lambda b: b.known("qty"), "n", "unknown field"),
    ],
)
def test_body_readers_name_the_bad_field(call: object, field: str, words: str) -> None:
    body = Body({"qty": "-1", "n": 3, "word": "abc"})
    with pytest.raises(ControlInputError) as caught:
        call(body)  # type: ignore[operator]
    assert caught.value.field == field and words in caught.value.message


@pytest.mark.parametrize("raw", [b"{oops", b"[1]", b'"text"'])
def test_bodies_that_are_not_objects(raw: bytes) -> None:
    with pytest.raises(ControlInputError, match="JSON"):
        parse_body(raw)


def test_plain_views() -> None:
    venue = build_exchange(load_scenario(MINIMAL))
    (order,) = venue.exchange.open_orders("alice")
    data = plain(order)
    assert data["instrument"] == "linear:BTCUSDT" and data["side"] == 1 and data["status"] == "new"
    assert data["cum_fee"] == "0" or isinstance(data["cum_fee"], str)
    assert plain([Decimal("1.50"), None, (1, "a")]) == ["1.50", None, [1, "a"]]


def test_server_errors_are_recorded_and_raised_once() -> None:
    journal = Journal(lambda: 7)
    errors = ServerErrors(journal)
    errors.raise_if_any()  # nothing: no raise
    dialect_errors: list[BaseException] = [KeyError("k"), ValueError("v")]
    errors.take(dialect_errors, "dialect")
    assert dialect_errors == [] and len(errors) == 2 and bool(errors)
    entries = journal.errors()
    assert [(e.source, e.error_type) for e in entries] == [("dialect", "KeyError"), ("dialect", "ValueError")]
    assert isinstance(entries[0], ErrorEntry) and entries[0].ts_ns == 7
    with pytest.raises(BaseExceptionGroup) as caught:
        errors.raise_if_any()
    assert len(caught.value.exceptions) == 2 and not errors
    errors.record(RuntimeError("once"), "driver")
    with pytest.raises(RuntimeError, match="once"):
        errors.raise_if_any()
