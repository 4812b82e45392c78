"""Numbers in scenario files become exact Decimals: what is written is what the venue uses."""

from __future__ import annotations

from decimal import Decimal as D

from simulator.scenario import build_exchange, parse_scenario

TEXT = """\
version: 1
dialect: bybit
instruments:
  - symbol: XUSDT
    kind: linear_perpetual
    base: X
    quote: USDT
    tick_size: 0.1
    lot_size: 0.001
    min_qty: 0.001
    max_qty: 1e3
    maker_fee: 0.0002
    taker_fee: "0.00055"
    price: 0.30000000000000004
    funding_rate: -0.000_1
accounts:
  - id: a
    balances: {USDT: 1234567890123456789.123456789, BTC: 1.10}
faults:
  - match: {channel: http, route: /v5/order/create, times: 1}
    action: {kind: delay, seconds: 0.1}
"""


def test_yaml_floats_keep_the_text_they_were_written_with() -> None:
    (inst,) = parse_scenario(TEXT).instruments
    assert inst.tick_size == D("0.1") and str(inst.tick_size) == "0.1"
    assert inst.tick_size != D(0.1)  # noqa: RUF032 - what a float would have given
    assert str(inst.lot_size) == "0.001"
    assert inst.parameters["maker_fee"] == D("0.0002")
    assert inst.parameters["taker_fee"] == D("0.00055")
    assert str(inst.last_price) == "0.30000000000000004"
    assert inst.funding_rate == D("-0.0001")


def test_text_numbers_and_exponents_are_exact_too() -> None:
    (inst,) = parse_scenario(TEXT).instruments
    assert inst.max_qty == D(1000)  # "1e3" is text to YAML 1.1, a number to the scenario


def test_large_balances_and_trailing_zeros_survive_into_the_venue() -> None:
    venue = build_exchange(parse_scenario(TEXT))
    balances = {b.coin: b.total for b in venue.exchange.balances("a")}
    assert balances["USDT"] == D("1234567890123456789.123456789")
    assert str(balances["BTC"]) == "1.10"
    assert venue.exchange.instrument("linear:XUSDT").tick_size == D("0.1")
    assert venue.exchange.instrument("linear:XUSDT").price_precision == 1


def test_opaque_fault_data_carries_decimals_not_floats() -> None:
    (fault,) = parse_scenario(TEXT).faults
    assert fault.action == {"kind": "delay", "seconds": D("0.1")}
    assert isinstance(fault.action["seconds"], D)
