"""The conformance world's helpers and scenario files (groups 7-12).

The scenarios are built exactly as a case's simulator builds them, and the figures the catalogue
states for them (RS-03: +20 USDT; RS-04: +10 USDT; the pre-existing orders of RS-01) are checked
against what the core computes, so a scenario edit that silently changes a case's premise fails
here first.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from conformance.cases._wire import wire_of
from conformance.cases._world import PRODUCT_OF_REF, SCENARIOS, WORLD, WORLD_VIRTUAL, scenario
from simulator.scenario import build_exchange, load_scenario


def _build(name: str):  # type: ignore[no-untyped-def]
    return build_exchange(load_scenario(SCENARIOS / f"{name}.yaml"), now_ns=time.time_ns)


def test_scenario_kwargs_point_at_the_files() -> None:
    assert {"scenario": str(SCENARIOS / "world.yaml"), "clock": "real"} == WORLD
    assert WORLD_VIRTUAL["clock"] == "virtual"
    assert scenario("reconciliation")["scenario"].endswith("reconciliation.yaml")


def test_world_has_every_reference_instrument_and_the_account() -> None:
    venue = _build("world")
    for ref in (
        "spot:BTCUSDT",
        "linear:BTCUSDT",
        "inverse:BTCUSD",
        "linear:BTCUSDT-dated",
        "option:BTC-100-C",
    ):
        assert ref in venue.instrument_ids and ref in PRODUCT_OF_REF
    exchange = venue.exchange
    assert exchange.balance("trader", "USDT").total == Decimal("10000")
    assert exchange.balance("trader", "BTC").total == Decimal("1")
    lin = exchange.instrument("linear:BTCUSDT")
    assert (lin.maker_fee, lin.taker_fee) == (Decimal("0.0002"), Decimal("0.0005"))


def test_reconciliation_figures_are_the_catalogues() -> None:
    exchange = _build("reconciliation").exchange
    positions = {p.instrument.id: p for p in exchange.positions("trader")}
    assert positions["linear:BTCUSDT"].unrealized_pnl == Decimal("20")
    assert positions["linear:ETHUSDT"].unrealized_pnl == Decimal("10")
    inverse = positions["inverse:BTCUSD"]
    assert inverse.size == 1000 and inverse.unrealized_pnl == pytest.approx(
        Decimal(1000) * (Decimal(1) / 50000 - Decimal(1) / 55000)
    )
    assert positions["inverse:ETHUSD"].size == -1000
    statuses = sorted(o.status.name for o in exchange.open_orders("trader"))
    assert statuses == ["NEW", "PARTIALLY_FILLED", "UNTRIGGERED"]
    assert {f.client_order_id for f in exchange.fills("trader")} == {"pre-filled", "pre-sell"}


def test_wire_facts_refuse_an_unknown_dialect_naming_the_known_ones() -> None:
    with pytest.raises(KeyError, match="bybit"):
        wire_of("okx")
    wire = wire_of("bybit")
    assert wire.create in wire.order_routes() and wire.number({"qty": "1.000"}, "qty") == Decimal(1)
    assert wire.number({"price": ""}, "price") is None
