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

Every simulator it makes checks its REST answers against the dialect's JSON Schemas
(``Simulator(validate_responses=True)``) when the dialect can: an answer that does not match its
schema fails the test when the block is left, as any other exception inside the simulator does.
Pass ``validate_responses=False`` to turn that off (it is slow).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest_asyncio

from simulator.server import ServerState, Simulator
from simulator.server.dialect import can_validate_responses, resolve_dialect

__all__ = ["SimulatorFactory", "simulator"]

#: ``simulator(scenario=None, **kwargs) -> Simulator``: the arguments of :class:`Simulator`.
SimulatorFactory = Callable[..., Simulator]


@pytest_asyncio.fixture
async def simulator() -> AsyncIterator[SimulatorFactory]:
    """A factory of :class:`~simulator.Simulator` objects; each is stopped and checked at teardown."""
    made: list[Simulator] = []

    def make(scenario: Any = None, **kwargs: Any) -> Simulator:
        if "validate_responses" not in kwargs:
            dialect = resolve_dialect(kwargs.get("dialect", "bybit"))
            kwargs["dialect"] = dialect
            kwargs["validate_responses"] = can_validate_responses(dialect)
        sim = Simulator(scenario, **kwargs)
        made.append(sim)
        return sim

    yield make
    for sim in made:
        if sim.state is not ServerState.STOPPED:
            await sim.stop()
    for sim in made:
        sim.check()
