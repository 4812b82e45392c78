"""The ``simulator`` pytest fixture of simulator.testing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from simulator.dialects.bybit.codec import market as market_codec
from simulator.dialects.bybit.codec.schemas import PayloadInvalid
from simulator.server import ServerState, Simulator, SimulatorUsageError
from simulator.testing import SimulatorFactory, simulator

MINIMAL = Path(__file__).resolve().parents[3] / "scenarios" / "examples" / "minimal.yaml"


async def test_the_factory_makes_simulators_that_serve(
    simulator: SimulatorFactory, client: ClientSession
) -> None:
    async with simulator(MINIMAL) as sim:
        assert isinstance(sim, Simulator)
        async with client.get(f"{sim.rest_url}/v5/market/time") as response:
            assert (await response.json())["retCode"] == 0
    assert sim.state is ServerState.STOPPED


async def test_teardown_stops_what_a_test_left_running_and_reraises_its_errors() -> None:
    factory_gen = simulator.__wrapped__()  # the fixture's own generator, driven by hand
    make = await anext(factory_gen)
    left = await make(MINIMAL).start()
    assert left.state is ServerState.RUNNING
    left.record_error(RuntimeError("inside the venue"), "test")
    with pytest.raises(RuntimeError, match="inside the venue"):
        await anext(factory_gen)  # teardown
    assert left.state is ServerState.STOPPED


def _server_time_without_nano(now_ns: int) -> dict[str, str]:
    """``/v5/market/time``'s result missing the required ``timeNano``: a codec bug, on purpose."""
    return {"timeSecond": str(now_ns // 1_000_000_000)}


async def test_the_factory_validates_answers_and_a_schema_mismatch_fails_the_test(
    simulator: SimulatorFactory, client: ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(market_codec, "server_time", _server_time_without_nano)
    sim = simulator(MINIMAL)
    with pytest.raises(PayloadInvalid, match="timeNano") as raised:
        async with sim:
            assert sim.dialect.validate_responses  # type: ignore[attr-defined]
            async with client.get(f"{sim.rest_url}/v5/market/time") as response:
                answer = await response.json()
            assert answer["retCode"] == 0 and "timeNano" not in answer["result"]  # the client saw it
            assert [type(error) for error in sim.errors] == [PayloadInvalid]
    assert raised.value.name == "http_get_market_time"
    assert sim.errors == []  # raised once, not again at the fixture's teardown


async def test_the_factory_leaves_validation_off_when_asked(
    simulator: SimulatorFactory, client: ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(market_codec, "server_time", _server_time_without_nano)
    async with simulator(MINIMAL, validate_responses=False) as sim:
        async with client.get(f"{sim.rest_url}/v5/market/time") as response:
            assert (await response.json())["retCode"] == 0
        assert sim.errors == []


async def test_the_factory_serves_a_dialect_without_schemas_unvalidated(
    simulator: SimulatorFactory, dialect: Any, make_scenario: Callable[..., Any]
) -> None:
    async with simulator(make_scenario(), dialect=dialect) as sim:
        assert not hasattr(sim.dialect, "validate_responses")
    with pytest.raises(SimulatorUsageError, match="validate_responses"):
        Simulator(make_scenario(), dialect=dialect, validate_responses=True)


def test_a_bare_simulator_does_not_validate_as_venuekit_serve_runs_it() -> None:
    assert not Simulator(MINIMAL).dialect.validate_responses  # type: ignore[attr-defined]
