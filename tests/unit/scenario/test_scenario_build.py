"""Building a venue: accounts, positions, modes, leverage, resting orders, credentials, data."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from simulator.core import (
    MARKET_ACCOUNT,
    NS_PER_S,
    MarginMode,
    OrderStatus,
    PositionMode,
    Side,
    TimeInForce,
    TriggerBy,
)
from simulator.scenario import (
    BuiltVenue,
    Credential,
    ScenarioError,
    build_exchange,
    load_scenario,
    load_schema,
    parse_scenario,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "scenarios" / "examples"
START_NS = 1_767_225_600 * NS_PER_S  # 2026-01-01T00:00:00Z

TEXT = """\
version: 1
dialect: bybit
clock: {mode: virtual, start: 2026-01-01T00:00:00Z}
seed: 3
instruments:
  - {symbol: BTCUSDT, kind: linear_perpetual, base: BTC, quote: USDT, tick_size: 0.1, lot_size: 0.001,
     min_qty: 0.001, max_qty: 100, price: 30000, max_leverage: 5}
  - {symbol: BTCUSDT, kind: spot, base: BTC, quote: USDT, tick_size: 0.01, lot_size: 0.000001,
     min_qty: 0.000001, max_qty: 100, price: 30000}
accounts:
  - id: alice
    balances: {USDT: 50000, BTC: 1}
    margin_mode: isolated
    position_mode: hedge
    leverage: {linear:BTCUSDT: 3}
    positions:
      - {instrument: linear:BTCUSDT, size: 0.5, entry_price: 29000}
      - {instrument: linear:BTCUSDT, size: -0.2, entry_price: 31000}
    api_keys:
      - {key: ak, secret: as, label: bot}
      - {key: ro, secret: rs, permissions: [read]}
  - {id: mm, kind: participant, balances: {USDT: 1}}
books:
  - {instrument: spot:BTCUSDT, bids: [[29999.99, 1]], asks: [[30000.01, 1]]}
orders:
  - {account: alice, instrument: spot:BTCUSDT, side: buy, price: 29000, qty: 0.1, client_id: bid-1}
  - {account: alice, instrument: spot:BTCUSDT, side: sell, price: 31000, qty: 0.1, tif: gtd, expire: +1h}
  - {account: alice, instrument: linear:BTCUSDT, side: sell, type: market, qty: 0.5, position_idx: 1,
     trigger_price: 25000, trigger_by: mark, flags: [reduce_only]}
  - {participant: whale, instrument: spot:BTCUSDT, side: sell, price: 30500, qty: 20}
  - {account: mm, instrument: spot:BTCUSDT, side: buy, price: 29500, qty: 5}
limits: {order/create: 3, "position/list": 20}
"""


@pytest.fixture
def venue() -> BuiltVenue:
    return build_exchange(parse_scenario(TEXT))


def test_the_clock_starts_where_the_file_says(venue: BuiltVenue) -> None:
    assert venue.start_ns == START_NS == venue.exchange.clock.now_ns()


def test_accounts_modes_leverage_and_positions(venue: BuiltVenue) -> None:
    ex = venue.exchange
    alice = ex.accounts["alice"]
    assert alice.margin_mode is MarginMode.ISOLATED
    assert alice.position_mode("linear:BTCUSDT") is PositionMode.HEDGE
    assert alice.position_mode("spot:BTCUSDT") is PositionMode.ONE_WAY
    long, short = ex.position("alice", "linear:BTCUSDT", 1), ex.position("alice", "linear:BTCUSDT", 2)
    assert (long.size, long.entry_price, long.leverage) == (D("0.5"), D(29000), D(3))
    assert (short.size, short.entry_price) == (D("-0.2"), D(31000))
    # The other side of seeded positions is the market participant: open interest balances.
    assert ex.position(MARKET_ACCOUNT, "linear:BTCUSDT").size == D("-0.3")


def test_a_leverage_above_the_instrument_maximum_is_an_error() -> None:
    text = TEXT.replace("leverage: {linear:BTCUSDT: 3}", "leverage: {linear:BTCUSDT: 6}")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    assert str(info.value) == (
        '<scenario>:15:32: accounts[0].leverage["linear:BTCUSDT"]: expected a leverage between 1 and 5, got 6'
    )


def test_resting_orders_are_placed_with_every_field(venue: BuiltVenue) -> None:
    ex = venue.exchange
    orders = {o.client_order_id or o.order_id: o for o in ex.open_orders("alice")}
    bid = orders["bid-1"]
    assert (bid.side, bid.price, bid.qty, bid.status) == (Side.BUY, D(29000), D("0.1"), OrderStatus.NEW)
    (gtd,) = [o for o in orders.values() if o.time_in_force is TimeInForce.GTD]
    assert gtd.expire_ns == START_NS + 3600 * NS_PER_S
    (stop,) = [o for o in orders.values() if o.trigger_price is not None]
    assert (stop.status, stop.trigger_by, stop.reduce_only) == (OrderStatus.UNTRIGGERED, TriggerBy.MARK, True)
    assert [o.price for o in ex.open_orders("whale")] == [D(30500)]
    assert [o.price for o in ex.open_orders("mm")] == [D(29500)]
    ex.advance(3600)
    assert gtd.order_id not in {o.order_id for o in ex.open_orders("alice")}


def test_credentials_limits_and_faults_are_handed_over_as_data(venue: BuiltVenue) -> None:
    assert venue.credentials == {
        "ak": Credential(
            "ak", "as", "alice", frozenset({"read", "spot", "derivatives", "options", "wallet"}), "bot"
        ),
        "ro": Credential("ro", "rs", "alice", frozenset({"read"})),
    }
    assert venue.limits == {"order/create": 3, "position/list": 20}
    assert venue.faults == ()
    assert venue.flow is None  # no flow section: no flow
    assert venue.dialect == "bybit"


def test_the_exchange_ids_come_from_the_seed() -> None:
    first = build_exchange(parse_scenario(TEXT)).exchange.open_orders("alice")
    again = build_exchange(parse_scenario(TEXT)).exchange.open_orders("alice")
    other = build_exchange(parse_scenario(TEXT), seed=4).exchange.open_orders("alice")
    assert [o.order_id for o in first] == [o.order_id for o in again]
    assert [o.order_id for o in first] != [o.order_id for o in other]


def test_a_disabled_flow_is_not_built() -> None:
    venue = build_exchange(parse_scenario(TEXT + "flow: {enabled: false}\n"))
    assert venue.flow is None
    venue = build_exchange(parse_scenario(TEXT + "flow: {instruments: [spot:BTCUSDT], seed: 9}\n"))
    assert venue.flow is not None
    assert venue.flow.config.instrument_ids == ("spot:BTCUSDT",)
    assert venue.flow.config.seed == 9


def test_the_schema_ships_with_the_package_and_is_valid_json_schema() -> None:
    schema = load_schema(1)
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["version"] == {"const": 1}


@pytest.mark.parametrize("name", ["minimal.yaml", "scripted_market.yaml"])
def test_the_example_scenarios_load_and_build(name: str) -> None:
    scenario = load_scenario(EXAMPLES / name)
    venue = build_exchange(scenario)
    assert venue.exchange.markets
    assert venue.credentials


def test_the_scripted_example_keeps_its_faults_as_validated_data() -> None:
    venue = build_exchange(load_scenario(EXAMPLES / "scripted_market.yaml"))
    first, second = venue.faults
    assert first.name == "flaky-create"
    assert first.match == {"channel": "http", "route": "/v5/order/create", "nth": 3, "times": 2}
    assert first.action == {"kind": "http_status", "status": 503}
    assert second.match["persistent"] is True and second.action["seconds"] == D("0.25")
    assert venue.instrument_id("linear:ETHUSDT-march") == "linear:ETHUSDT-27MAR26"


def test_a_fault_with_times_and_persistent_is_an_error() -> None:
    text = (
        TEXT
        + "faults:\n  - {match: {channel: ws, times: 2, persistent: true}, action: {kind: drop_connection}}\n"
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="f.yaml")
    assert str(info.value) == (
        "f.yaml:34:49: faults[0].match.persistent: give either `times` or `persistent: true`, not both"
    )


def test_the_example_in_the_docs_loads_and_builds() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "scenarios.md").read_text()
    example = doc.split("## Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    venue = build_exchange(parse_scenario(example, name="docs/scenarios.md"))
    assert venue.instrument_id("option:btc-call").startswith("option:BTC-")
    assert len(venue.exchange.book(venue.instrument_id("option:btc-call")).asks) == 20
