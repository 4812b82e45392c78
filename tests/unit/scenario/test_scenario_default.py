"""The default Bybit scenario loads, builds, and the venue matches what the file says."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from simulator.core import (
    NS_PER_S,
    AccountKind,
    InstrumentKind,
    InstrumentStatus,
    OptionKind,
    SyntheticFlow,
    VirtualClock,
)
from simulator.scenario import (
    BuiltVenue,
    ClockMode,
    build_exchange,
    default_scenario_path,
    load_scenario,
)

DEFAULT = default_scenario_path("bybit")
START_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z, a Thursday


@pytest.fixture(scope="module")
def raw() -> dict:
    # The file read independently of the loader, to check the venue against.
    return yaml.safe_load(DEFAULT.read_text())


@pytest.fixture(scope="module")
def venue() -> BuiltVenue:
    return build_exchange(load_scenario(DEFAULT), clock=VirtualClock(START_NS))


def test_default_scenario_ships_in_the_package_and_the_documented_path_is_the_same_file() -> None:
    import simulator.scenario

    assert DEFAULT.parent == Path(simulator.scenario.__file__).resolve().parent / "defaults"
    documented = Path(__file__).resolve().parents[3] / "scenarios" / "bybit" / "default.yaml"
    assert documented.resolve() == DEFAULT


def test_an_unknown_dialect_has_no_default_and_the_error_says_what_to_do() -> None:
    with pytest.raises(FileNotFoundError, match="--scenario PATH"):
        default_scenario_path("nosuchvenue")


def test_the_default_runs_on_a_real_clock_with_flow_on() -> None:
    scenario = load_scenario(DEFAULT)
    assert scenario.version == 1
    assert scenario.dialect == "bybit"
    assert scenario.clock.mode is ClockMode.REAL
    assert scenario.flow is not None and scenario.flow.enabled


def test_every_instrument_of_the_file_is_listed_with_its_parameters(venue: BuiltVenue, raw: dict) -> None:
    ex = venue.exchange
    assert len(ex.markets) == len(raw["instruments"]) == 14
    for item in raw["instruments"]:
        kind = InstrumentKind(item["kind"])
        ref = ref_of(item)
        inst = ex.instrument(venue.instrument_id(ref))
        assert inst.kind is kind
        assert (inst.base, inst.quote) == (item["base"], item["quote"])
        for name in ("tick_size", "lot_size", "min_qty", "max_qty"):
            assert getattr(inst, name) == D(item[name]), (ref, name)
        market = ex.market(inst.id)
        assert market.status is InstrumentStatus.TRADING
        assert market.last_price == D(item.get("last_price") or item["price"])


def ref_of(item: dict) -> str:
    if "ref" in item:
        return item["ref"]
    market = {"spot": "spot", "linear_perpetual": "linear", "inverse_perpetual": "inverse"}[item["kind"]]
    return f"{market}:{item['symbol']}"


def test_the_market_has_the_products_the_issue_asks_for(venue: BuiltVenue) -> None:
    ids = set(venue.exchange.markets)
    assert {"spot:BTCUSDT", "spot:ETHUSDT", "linear:BTCUSDT", "linear:ETHUSDT", "inverse:BTCUSD"} <= ids
    inverse = venue.exchange.instrument("inverse:BTCUSD")
    assert inverse.settle == "BTC" and inverse.contract_size == 1
    future = venue.exchange.instrument(venue.instrument_id("linear:BTCUSDT-quarterly"))
    assert future.kind is InstrumentKind.LINEAR_FUTURE
    options = [m.instrument for m in venue.exchange.markets.values() if m.instrument.is_option]
    assert len(options) == 8
    assert {o.option_kind for o in options} == {OptionKind.CALL, OptionKind.PUT}
    assert {o.strike for o in options} == {D(95000), D(105000)}
    assert len({o.expiry_ns for o in options}) == 2


def test_expiries_are_offsets_from_the_start_and_name_the_symbols(venue: BuiltVenue) -> None:
    # +7d@fri08:00 from Thursday 2026-01-01: the first Friday on or after 2026-01-08 is 2026-01-09.
    weekly = venue.exchange.instrument(venue.instrument_id("option:BTC-weekly-95000-C"))
    assert weekly.expiry_ns == (1_767_225_600 + 8 * 86_400 + 8 * 3600) * NS_PER_S
    assert weekly.symbol == "BTC-9JAN26-95000-C-USDT"
    monthly = venue.exchange.instrument(venue.instrument_id("option:BTC-monthly-105000-P"))
    assert monthly.symbol == "BTC-30JAN26-105000-P-USDT"
    future = venue.exchange.instrument(venue.instrument_id("linear:BTCUSDT-quarterly"))
    assert future.symbol == "BTCUSDT-03APR26"
    assert all(
        m.instrument.expiry_ns > START_NS for m in venue.exchange.markets.values() if m.instrument.is_dated
    )


def test_the_default_builds_on_any_date_with_a_real_clock() -> None:
    # A real clock some years on: every expiry is still in the future, because they are offsets.
    later = 2_000_000_000 * NS_PER_S
    venue = build_exchange(load_scenario(DEFAULT), now_ns=lambda: later)
    assert venue.start_ns == later
    dated = [m.instrument for m in venue.exchange.markets.values() if m.instrument.is_dated]
    assert dated and all(i.expiry_ns > later for i in dated)


def test_every_book_is_at_least_50_levels_deep_each_side(venue: BuiltVenue) -> None:
    for instrument_id in venue.exchange.markets:
        book = venue.exchange.book(instrument_id)
        assert len(book.bids) >= 50, instrument_id
        assert len(book.asks) >= 50, instrument_id
        assert book.bids[0][0] < book.asks[0][0]


def test_the_demo_account_is_funded_as_the_file_says(venue: BuiltVenue, raw: dict) -> None:
    (demo,) = raw["accounts"]
    account = venue.exchange.accounts["demo"]
    assert account.kind is AccountKind.USER
    assert {b.coin: b.total for b in venue.exchange.balances("demo")} == {
        coin: D(amount) for coin, amount in demo["balances"].items()
    }
    assert set(demo["balances"]) == {"USDT", "USDC", "BTC"}


def test_the_demo_credentials_are_in_the_file_and_in_its_comment(venue: BuiltVenue) -> None:
    text = DEFAULT.read_text()
    (credential,) = venue.credentials.values()
    assert credential.account_id == "demo"
    assert f"API key:    {credential.key}" in text
    assert f"API secret: {credential.secret}" in text
    assert "read" in credential.permissions and "derivatives" in credential.permissions


def test_flow_is_created_for_every_instrument_but_not_started() -> None:
    venue = build_exchange(load_scenario(DEFAULT), clock=VirtualClock(START_NS))
    assert isinstance(venue.flow, SyntheticFlow)
    assert not venue.flow.running
    assert set(venue.flow.config.instrument_ids) == set(venue.exchange.markets)
    assert venue.flow.config.interval_ms == 250
    before = venue.exchange.book("linear:BTCUSDT")
    assert venue.exchange.advance(1) == []  # nothing runs until the server starts the flow
    venue.flow.start()
    venue.exchange.advance(1)
    assert venue.exchange.book("linear:BTCUSDT").seq > before.seq
