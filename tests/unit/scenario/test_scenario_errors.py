"""Every kind of scenario mistake names the file, the line and column, the field, and what to write.

The YAML in these tests starts at line 1 of the text, so the line numbers asserted can be
counted in the source.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.core import NS_PER_S, VirtualClock
from simulator.scenario import ScenarioError, build_exchange, load_scenario, parse_scenario

# 1 version / 2 dialect / 3 instruments / 4..13 the instrument
HEAD = """\
version: 1
dialect: bybit
instruments:
  - symbol: BTCUSDT
    kind: linear_perpetual
    base: BTC
    quote: USDT
    tick_size: 0.1
    lot_size: 0.001
    min_qty: 0.001
    max_qty: 100
    price: 30000
"""


def error_of(text: str, name: str = "x.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name=name)
    return info.value


def test_a_bad_value_names_file_line_column_field_and_expectation(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(HEAD.replace("tick_size: 0.1", 'tick_size: "abc"'))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    error = info.value
    assert str(error) == f'{path}:8:16: instruments[0].tick_size: expected a positive number, got "abc"'
    assert (error.file, error.line, error.column) == (str(path), 8, 16)
    assert error.path == "instruments[0].tick_size"
    assert error.problem == 'expected a positive number, got "abc"'


def test_the_path_counts_list_items_in_nested_fields() -> None:
    text = HEAD + "accounts:\n  - id: a\n  - id: b\n    balances: {USDT: -5}\n"
    assert str(error_of(text)) == "x.yaml:16:22: accounts[1].balances.USDT: expected a number >= 0, got -5"


def test_wrong_type_enum_and_range() -> None:
    text = HEAD.replace("kind: linear_perpetual", "kind: perp").replace("max_qty: 100", "max_qty: [1]")
    text += "seed: -1\n"
    assert str(error_of(text)).splitlines() == [
        "x.yaml:5:11: instruments[0].kind: expected one of spot, linear_perpetual, inverse_perpetual, "
        'linear_future, inverse_future, option; got "perp"',
        "x.yaml:11:14: instruments[0].max_qty: expected a positive number, got a list of 1 item",
        "x.yaml:13:7: seed: expected a number >= 0, got -1",
    ]


def test_an_unknown_field_points_at_the_key_and_suggests_the_right_one() -> None:
    text = HEAD.replace("    price: 30000\n", "    price: 30000\n    tick: 0.5\n")
    assert str(error_of(text)) == 'x.yaml:13:5: instruments[0].tick: unknown field; did you mean "tick_size"?'


def test_a_missing_field_is_named_at_its_item() -> None:
    text = HEAD.replace("    lot_size: 0.001\n", "")
    assert str(error_of(text)) == 'x.yaml:4:5: instruments[0]: missing the required field "lot_size"'


def test_a_bad_mapping_key_is_reported_where_the_key_is() -> None:
    text = HEAD + "accounts:\n  - id: a\n    balances:\n      usdt: 5\n"
    assert str(error_of(text)) == (
        "x.yaml:16:7: accounts[0].balances.usdt: "
        'bad key: expected a coin name in capitals, like USDT, got "usdt"'
    )


def test_bad_times_and_durations_say_what_they_look_like() -> None:
    text = (
        HEAD
        + "clock: {mode: virtual, start: 2026-01-02T08:00:00}\n"
        + "script:\n  - {at: 5q, instrument: x, mark_price: 1}\n"
    )
    assert str(error_of(text)).splitlines() == [
        'x.yaml:13:31: clock.start: "2026-01-02T08:00:00" has no time zone: '
        'add Z for UTC, like "2026-01-02T08:00:00Z"',
        "x.yaml:15:10: script[0].at: "
        'expected a duration: seconds, or text like 500ms, 30s, 15m, 8h, 7d, got "5q"',
    ]


def test_all_problems_are_listed_in_file_order() -> None:
    text = HEAD.replace("lot_size: 0.001", "lot_size: 0").replace("min_qty: 0.001", "min_qty: x")
    error = error_of(text)
    assert [p.location.line for p in error.problems] == [9, 10]
    assert len(str(error).splitlines()) == 2


# -- versions ---------------------------------------------------------------------------------


def test_a_newer_version_says_to_upgrade() -> None:
    error = error_of("version: 2\ndialect: bybit\n")
    assert str(error) == (
        "x.yaml:1:10: version: this file is scenario version 2; this venuekit reads version 1: "
        "upgrade venuekit or rewrite the file for version 1"
    )


def test_an_older_version_says_to_rewrite() -> None:
    assert str(error_of("version: 0\ndialect: bybit\n")) == (
        "x.yaml:1:10: version: this file is scenario version 0; this venuekit reads version 1: "
        "rewrite the file for version 1 (see docs/scenarios.md)"
    )


def test_a_missing_or_textual_version() -> None:
    assert (
        str(error_of("dialect: bybit\n"))
        == "x.yaml:1:1: missing `version`: add `version: 1` as the first line"
    )
    assert str(error_of('version: "1"\n')) == 'x.yaml:1:10: version: expected a whole number like 1, got "1"'


# -- YAML itself ------------------------------------------------------------------------------


def test_broken_yaml_points_at_the_syntax_error() -> None:
    error = error_of("version: 1\ndialect: bybit\ninstruments: [\n  {symbol: X\n")
    assert (error.line, error.column) == (5, 1)
    assert "this is not valid YAML" in str(error) and str(error).startswith("x.yaml:5:1: ")


def test_a_repeated_key_is_an_error_not_a_silent_overwrite() -> None:
    text = HEAD.replace("    price: 30000\n", "    price: 30000\n    tick_size: 0.5\n")
    assert str(error_of(text)) == (
        "x.yaml:13:5: instruments[0].tick_size: this key is already given on line 8: keep one of them"
    )


def test_an_empty_file_and_a_missing_file(tmp_path: Path) -> None:
    assert (
        str(error_of(""))
        == "x.yaml:1:1: a scenario is a mapping that starts with `version: 1`, got an empty file"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "nope.yaml")
    assert str(info.value) == (
        f"{tmp_path / 'nope.yaml'}:1:1: "
        "no such scenario file: check the path (scenarios live under scenarios/)"
    )


# -- semantic errors --------------------------------------------------------------------------


def test_an_order_on_an_unknown_instrument() -> None:
    text = (
        HEAD
        + "accounts: [{id: a}]\n"
        + "orders:\n  - {account: a, instrument: linear:ETHUSDT, side: buy, price: 1, qty: 1}\n"
    )
    assert str(error_of(text)) == (
        "x.yaml:15:30: orders[0].instrument: no instrument 'linear:ETHUSDT' in this scenario "
        "(known: linear:BTCUSDT)"
    )


def test_an_order_for_an_unknown_account() -> None:
    text = HEAD + "orders:\n  - {account: zed, instrument: linear:BTCUSDT, side: buy, price: 1, qty: 1}\n"
    assert str(error_of(text)) == (
        "x.yaml:14:15: orders[0].account: no account 'zed' in this scenario (accounts: none are defined)"
    )


def test_a_crossed_explicit_book() -> None:
    text = (
        HEAD + "books:\n  - instrument: linear:BTCUSDT\n    bids: [[30000.5, 1]]\n    asks: [[30000.0, 1]]\n"
    )
    assert str(error_of(text)) == (
        "x.yaml:15:11: books[0].bids: the book is crossed: best bid 30000.5 >= best ask 30000.0; "
        "every bid must be below every ask"
    )


def test_a_level_off_tick() -> None:
    text = HEAD + "books:\n  - instrument: linear:BTCUSDT\n    bids: [[29999.95, 1]]\n"
    assert str(error_of(text)) == (
        "x.yaml:15:13: books[0].bids[0][0]: the price 29999.95 is not a multiple of the tick size 0.1"
    )


def test_a_settle_coin_that_is_neither_base_nor_quote() -> None:
    text = HEAD.replace("    quote: USDT\n", "    quote: USDT\n    settle: USDC\n")
    assert str(error_of(text)) == (
        "x.yaml:8:13: instruments[0].settle: "
        "the settle coin must be the base (BTC) or the quote (USDT) coin, got USDC"
    )


def test_an_option_without_strike_or_expiry() -> None:
    text = HEAD + (
        "  - {symbol: BTC-X-C, kind: option, base: BTC, quote: USDT, tick_size: 5, lot_size: 0.01,\n"
        "     min_qty: 0.01, max_qty: 10, option_kind: call}\n"
    )
    assert str(error_of(text)).splitlines() == [
        "x.yaml:13:5: instruments[1]: an option needs an `expiry` (a time, or an offset like +30d@fri08:00)",
        "x.yaml:13:5: instruments[1]: an option needs a `strike`",
    ]


def test_a_hedge_mode_position_with_the_wrong_index() -> None:
    text = HEAD + (
        "accounts:\n"
        "  - id: a\n"
        "    position_mode: hedge\n"
        "    positions: [{instrument: linear:BTCUSDT, size: -1, entry_price: 30000, position_idx: 1}]\n"
    )
    assert str(error_of(text)) == (
        "x.yaml:16:90: accounts[0].positions[0].position_idx: in hedge mode a short position has "
        "position_idx 2, got 1"
    )


def test_a_duplicate_api_key() -> None:
    text = HEAD + (
        "accounts:\n"
        "  - {id: a, api_keys: [{key: k1, secret: s}]}\n"
        "  - {id: b, api_keys: [{key: k1, secret: t}]}\n"
    )
    assert str(error_of(text)) == (
        "x.yaml:15:30: accounts[1].api_keys[0].key: "
        "this API key is already used by account 'a': keys must be unique"
    )


def test_a_real_clock_with_a_start() -> None:
    text = HEAD + "clock:\n  mode: real\n  start: 2026-01-01T00:00:00Z\n"
    assert str(error_of(text)) == (
        "x.yaml:15:3: clock.start: a real clock starts when the venue starts: remove clock.start, "
        "or use mode: virtual"
    )


# -- errors found while building ----------------------------------------------------------------


def test_an_order_the_venue_rejects_names_the_order_line() -> None:
    text = HEAD + (
        "accounts: [{id: a, balances: {USDT: 10}}]\n"
        "orders:\n"
        "  - {account: a, instrument: linear:BTCUSDT, side: buy, price: 29000, qty: 0.001}\n"
        "  - {account: a, instrument: linear:BTCUSDT, side: buy, price: 29000, qty: 1}\n"
    )
    scenario = parse_scenario(text, name="x.yaml")
    with pytest.raises(ScenarioError) as info:
        build_exchange(scenario)
    message = str(info.value)
    assert message.startswith("x.yaml:16:5: orders[1]: the venue rejected this order: ")
    assert "available" in message


def test_an_expiry_before_the_clock_start_is_refused_when_building() -> None:
    text = HEAD + (
        '  - {symbol: "BTCUSDT-{expiry_padded}", kind: linear_future, base: BTC, quote: USDT,\n'
        "     tick_size: 0.5,\n"
        "     lot_size: 0.001, min_qty: 0.001, max_qty: 10, expiry: 2024-03-29T08:00:00Z}\n"
        "clock: {start: 2025-01-01T00:00:00Z}\n"
    )
    scenario = parse_scenario(text, name="x.yaml")
    with pytest.raises(ScenarioError) as info:
        build_exchange(scenario)
    assert str(info.value) == (
        "x.yaml:15:60: instruments[1].expiry: 2024-03-29T08:00:00Z is 2024-03-29T08:00:00Z, not after the "
        "clock's start 2025-01-01T00:00:00Z: give a later expiry, or an offset like +30d@fri08:00"
    )


def test_a_real_clock_scenario_needs_a_time_source() -> None:
    scenario = parse_scenario(HEAD + "clock: {mode: real}\n", name="x.yaml")
    with pytest.raises(ScenarioError) as info:
        build_exchange(scenario)
    assert str(info.value) == (
        "x.yaml:13:15: clock.mode: this scenario runs on a real clock: build it with now_ns=time.time_ns "
        "(or pass a clock)"
    )
    # An injected clock or time source is enough.
    assert build_exchange(scenario, now_ns=lambda: 5 * NS_PER_S).start_ns == 5 * NS_PER_S
    assert build_exchange(scenario, clock=VirtualClock(7 * NS_PER_S)).start_ns == 7 * NS_PER_S
