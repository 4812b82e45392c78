"""The Bybit adapter's REST retry backoff as configured (``retry_delay_s``, also through the
factory's ``conformance_config``): attempts at the venue are spaced at least the configured wait,
doubling; a bad value is refused naming the option."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.errors import AdapterError, FatalAdapterError
from adapters.contract.sink import RecordingSink
from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.server.faults.actions import HttpStatus
from simulator.server.journal.entries import HttpEntry
from simulator.testing import SimulatorFactory

from .conftest import SCENARIO, WAIT_S, endpoints

ROUTE = "/v5/market/instruments-info"


@pytest.fixture
async def sim(simulator: SimulatorFactory) -> AsyncIterator[Simulator]:
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter.yaml")) as running:
        yield running


def _attempt_starts_s(sim: Simulator) -> list[float]:
    entries = [e for e in sim.journal.entries(HttpEntry, 0) if e.path == ROUTE]
    return [(e.ts_ns - e.duration_ns) / 1e9 for e in entries]


async def test_retries_wait_the_configured_delay_doubling(sim: Simulator) -> None:
    factory = BybitAdapterFactory()
    config = {
        "product_types": ("linear",),
        "max_retries": 2,
        **factory.conformance_config(retry_delay_s=0.25),
    }
    assert config["retry_delay_s"] == 0.25
    sim.faults.arm(HttpStatus(503, body="down"), route=ROUTE, persistent=True)
    clients = factory.create(endpoints(sim), None, RecordingSink(), config)
    try:
        with pytest.raises(AdapterError):
            await clients.provider.load_all_async()
    finally:
        await clients.data.disconnect()
    starts = _attempt_starts_s(sim)
    assert len(starts) == 3, starts
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    # The default (0.2 s) would be too short for the first; no retry may come early.
    assert gaps[0] >= 0.25 and gaps[1] >= 0.5, gaps
    assert gaps[1] < WAIT_S


@pytest.mark.parametrize("bad", [-1, -0.01, 10.5, True])
def test_a_bad_retry_delay_is_refused_naming_it(sim: Simulator, bad: object) -> None:
    with pytest.raises(FatalAdapterError, match="retry_delay_s"):
        BybitAdapterFactory().create(endpoints(sim), None, RecordingSink(), {"retry_delay_s": bad})


def test_the_documented_default_is_listed() -> None:
    assert BybitAdapterFactory().config_defaults()["retry_delay_s"] == 0.2
