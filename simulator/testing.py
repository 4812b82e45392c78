"""pytest support: the ``simulator`` fixture, a factory of simulators that cleans up after the test.

Enable it in a ``conftest.py`` (pytest and pytest-asyncio are needed)::

    pytest_plugins = ["simulator.testing"]

then, in a test::

    async def test_order_entry(simulator):
        async with simulator("scenarios/examples/minimal.yaml") as sim:
            session.endpoint = sim.rest_url
            ...
            await sim.journal.wait_for(HttpMatch("POST", "/v5/order/create"), timeout=2)

``simulator(...)`` takes the arguments of :class:`simulator.Simulator` and returns one, not yet
started: ``async with`` starts it and stops it. Leaving the block re-raises exceptions raised
inside the simulator (house rule 10). Whatever a test leaves running (it failed before leaving the
block, or called ``await sim.start()`` itself) is stopped and checked when the test ends.

For the Bybit dialect, ``simulator(..., dialect=BybitDialect(validate_responses=True))``
(``simulator.server.bindings.bybit``) also checks every REST answer against its JSON Schema.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from simulator.server import ServerState, Simulator

__all__ = ["SimulatorFactory", "simulator"]

#: ``simulator(scenario=None, **kwargs) -> Simulator``: the arguments of :class:`Simulator`.
SimulatorFactory = Callable[..., Simulator]


@pytest_asyncio.fixture
async def simulator() -> AsyncIterator[SimulatorFactory]:
    """A factory of :class:`~simulator.Simulator` objects; each is stopped and checked at teardown."""
    made: list[Simulator] = []

    def make(scenario: Any = None, **kwargs: Any) -> Simulator:
        sim = Simulator(scenario, **kwargs)
        made.append(sim)
        return sim

    yield make
    for sim in made:
        if sim.state is not ServerState.STOPPED:
            await sim.stop()
    for sim in made:
        sim.check()
