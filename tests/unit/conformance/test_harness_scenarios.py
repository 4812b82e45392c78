"""The harness parses each scenario file once per run and hands simulators the parsed object."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conformance.harness.scenarios import parsed_scenario, with_parsed_scenario
from simulator import Simulator
from simulator.scenario import Scenario, ScenarioError, default_scenario_path

WORLD = Path(__file__).resolve().parents[3] / "conformance" / "scenarios" / "world.yaml"


def test_one_parse_serves_every_case() -> None:
    first = parsed_scenario(WORLD)
    assert isinstance(first, Scenario)
    assert parsed_scenario(str(WORLD)) is first
    kwargs = with_parsed_scenario({"dialect": "bybit", "scenario": str(WORLD), "clock": "virtual"})
    assert kwargs == {"dialect": "bybit", "scenario": first, "clock": "virtual"}


def test_no_scenario_means_the_dialects_default_parsed_once() -> None:
    kwargs = with_parsed_scenario({"dialect": "bybit"})
    assert kwargs["scenario"] is parsed_scenario(default_scenario_path("bybit"))


def test_a_scenario_object_passes_through() -> None:
    scenario = parsed_scenario(WORLD)
    assert with_parsed_scenario({"scenario": scenario})["scenario"] is scenario


def test_an_edited_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    text = WORLD.read_text()
    path.write_text(text)
    before = parsed_scenario(path)
    path.write_text(text + "\n# edited\n")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert parsed_scenario(path) is not before


def test_an_invalid_file_raises_every_time(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("dialect: bybit\nnot_a_section: 1\n")
    for _ in range(2):
        with pytest.raises(ScenarioError):
            parsed_scenario(path)


async def test_two_simulators_from_one_parse_are_independent() -> None:
    scenario = parsed_scenario(WORLD)
    async with Simulator(scenario, dialect="bybit") as one, Simulator(scenario, dialect="bybit") as two:
        assert one.exchange is not two.exchange
        assert one.port != two.port
