"""pytest support: ``venue_cassette("name")`` records a venue session on the first run, replays it after.

Enable it with ``pytest_plugins = ["simulator.server.cassette.plugin"]`` in a ``conftest.py`` (or
import the fixture into a test module), then::

    async def test_tickers(venue_cassette):
        async with venue_cassette("tickers", upstream_rest="https://api-testnet.bybit.com") as venue:
            session.endpoint = venue.rest_url
            ...

The cassette is ``cassettes/<name>.jsonl`` next to the test file (``directory=`` to change it).
The mode is VCR's ``once`` unless ``mode=`` says otherwise: without the cassette the session is
recorded from the upstream; with it, the upstream is never contacted and an unmatched request
fails the test when the block is left (as it does at teardown for a server left running).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from simulator.server.cassette.server import CassetteServer

__all__ = ["CassetteFactory", "venue_cassette"]

#: ``venue_cassette(name, *, directory=None, mode="once", **CassetteServer options) -> CassetteServer``.
CassetteFactory = Callable[..., CassetteServer]


@pytest_asyncio.fixture
async def venue_cassette(request: pytest.FixtureRequest) -> AsyncIterator[CassetteFactory]:
    """A factory of :class:`CassetteServer` objects by cassette name, stopped and checked at teardown."""
    made: list[CassetteServer] = []
    default_dir = Path(request.path).parent / "cassettes"

    def make(
        name: str, *, directory: str | Path | None = None, mode: str = "once", **options: Any
    ) -> CassetteServer:
        path = Path(directory) if directory is not None else default_dir
        server = CassetteServer(path / f"{name}.jsonl", mode=mode, **options)  # type: ignore[arg-type]
        made.append(server)
        return server

    yield make
    for server in made:
        await server.stop()
    for server in made:
        server.check()
