"""The ``simulator`` pytest fixture of simulator.testing."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp import ClientSession

from simulator.server import ServerState, Simulator
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
