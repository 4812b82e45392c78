"""Periodic instrument reload while the data client is connected.

Bybit has no instrument stream (§7.5), so new listings, delistings and changed filters are only
seen by reloading ``instruments-info``. With ``instrument_refresh_interval_s`` set, the data
client runs one :class:`InstrumentRefresher`: every interval it reloads the provider and
publishes each instrument that is new or differs from what was published before. The task is
cancelled (and awaited) on disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from adapters.bybit.providers import BybitInstrumentProvider
from adapters.contract.sink import EventSink
from adapters.model.identifiers import InstrumentId
from adapters.model.instruments import Instrument

__all__ = ["InstrumentRefresher"]

log = logging.getLogger(__name__)


class InstrumentRefresher:
    """Reloads a provider every ``interval_s`` and publishes what changed.

    Parameters:
        provider: the instrument provider to reload.
        sink: where new or changed instruments are published.
        interval_s: seconds between reloads (> 0).
    """

    def __init__(self, provider: BybitInstrumentProvider, sink: EventSink, interval_s: float) -> None:
        if interval_s <= 0:
            raise ValueError(f"instrument refresh interval must be positive, got {interval_s!r}")
        self._provider = provider
        self._sink = sink
        self._interval_s = interval_s
        self._task: asyncio.Task[Any] | None = None
        self._published: dict[InstrumentId, Instrument] = {}
        self.rounds = 0

    def start(self, published: list[Instrument]) -> None:
        """Start the loop; ``published`` is what the client has published already."""
        self._published = {i.instrument_id: i for i in published}
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="bybit-instrument-refresh")

    async def stop(self) -> None:
        """Cancel the loop and wait until it has ended. Idempotent."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            try:
                await self._provider.load_all_async()
            except Exception as exc:  # a failed round is reported; the next one tries again
                self._sink.on_error(exc, "bybit instrument refresh")
                continue
            self.rounds += 1
            for instrument in self._provider.list_all():
                if self._published.get(instrument.instrument_id) != instrument:
                    self._published[instrument.instrument_id] = instrument
                    self._sink.on_data(instrument)
