"""Report generation against the running simulator: a failing venue is contained (RS-08: [] and an
error to the sink), refused keys are not (H-05: AuthenticationError reaches the caller)."""

from __future__ import annotations

import pytest

from adapters.bybit.factories import BybitAdapterFactory
from adapters.contract.errors import AuthenticationError
from adapters.contract.factory import Credentials
from adapters.contract.sink import RecordingSink
from simulator.scenario import parse_scenario
from simulator.server import HttpStatus
from simulator.testing import SimulatorFactory

from .conftest import SCENARIO, endpoints


async def test_refused_keys_raise_and_a_failing_venue_is_contained(simulator: SimulatorFactory) -> None:
    async with simulator(parse_scenario(SCENARIO, name="bybit-adapter.yaml")) as sim:
        creds = sim.credentials
        assert creds is not None
        factory, config = BybitAdapterFactory(), {"settle_coins": ("USDT",)}
        wrong = factory.create(
            endpoints(sim), Credentials(creds.api_key, "not-the-secret"), RecordingSink(), config
        )
        sink = RecordingSink()
        right = factory.create(endpoints(sim), Credentials(creds.api_key, creds.api_secret), sink, config)
        try:
            assert wrong.execution is not None and right.execution is not None
            await right.provider.load_all_async()  # positions are reported for loaded instruments
            with pytest.raises(AuthenticationError):
                await wrong.execution.generate_position_status_reports()
            assert await right.execution.generate_position_status_reports()
            sim.faults.arm(HttpStatus(500, body="internal error"), route="/v5/position/list", persistent=True)
            assert await right.execution.generate_position_status_reports() == []
            assert sink.records and sink.records[-1].kind == "error"
        finally:
            for clients in (wrong, right):
                await clients.data.disconnect()
                assert clients.execution is not None
                await clients.execution.disconnect()
