"""Shared rig of the record-through-the-proxy tests: the simulator as the upstream, then the replay.

A test writes its client flow once, as ``flow(venue, hooks)``, and runs it twice: against the
recording proxy in front of a running simulator, then against the replay of the cassette with
the simulator gone. ``venue`` gives the URLs to point the client at; ``hooks`` holds what only
the record run does to the venue (arm a fault, wait in the journal for a subscription): on
replay every hook does nothing, so the client's own steps are the same both times.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from simulator.scenario import parse_scenario
from simulator.server import Simulator
from simulator.server.cassette import CassetteServer
from simulator.server.journal.match import SubscriptionMatch

__all__ = ["DEADLINE_S", "Hooks", "Inbox", "Venue", "record_then_replay"]

#: How long a flow waits for any one message or answer.
DEADLINE_S = 10.0


class Venue(Protocol):
    """Where a flow's client connects: the proxy or the replay server."""

    @property
    def rest_url(self) -> str: ...

    def ws_url(self, path: str) -> str: ...


@dataclass
class Hooks:
    """What the record run does to the venue between the client's steps (nothing on replay)."""

    sim: Simulator | None

    def arm(self, action: dict[str, Any], **match: Any) -> None:
        """Arm a simulator fault (record run only)."""
        if self.sim is not None:
            self.sim.faults.arm(action, **match)

    async def subscribed(self, topic: str, path: str) -> None:
        """Wait until the venue's journal shows ``topic`` subscribed on ``path`` (record run only).

        The client cannot tell on its own (pybit swallows subscribe acks); on replay the recorded
        pushes wait for the recorded requests instead, so there is nothing to wait for.
        """
        if self.sim is not None:
            await self.sim.journal.wait_for(
                SubscriptionMatch(topic=topic, outcome="ok", path=path), DEADLINE_S
            )


Flow = Callable[[Venue, Hooks], Awaitable[Any]]


async def record_then_replay(
    scenario_text: str, path: Path, flow: Flow
) -> tuple[Any, Any, Simulator, dict[str, int]]:
    """Run ``flow`` through the recording proxy (simulator upstream), then against the replay.

    Returns:
        What the flow returned on record, on replay, the (stopped) simulator for its journal, and
        the replay server's counters.

    Raises:
        Whatever the replay server met while serving (an unmatched request, a replay failure).
    """
    async with (
        Simulator(parse_scenario(scenario_text, name="record-replay.yaml")) as sim,
        CassetteServer(path, mode="all", upstream_rest=sim.rest_url, upstream_ws=sim.ws_url("/")) as proxy,
    ):
        recorded = await flow(proxy, Hooks(sim))
    async with CassetteServer(path, mode="none", speed=None) as replay:
        replayed = await flow(replay, Hooks(None))
    return recorded, replayed, sim, replay.stats


class Inbox:
    """Messages from a client's callbacks (any thread), taken on the event loop with a deadline.

    Each message is deep-copied when it arrives: pybit hands its live order book to the
    callback and changes it with the next delta.
    """

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        #: Every message taken so far, in arrival order.
        self.seen: list[Any] = []

    def callback(self, message: Any) -> None:
        """Give this to the client as a callback."""
        self._loop.call_soon_threadsafe(self._queue.put_nowait, copy.deepcopy(message))

    async def until(self, predicate: Callable[[Any], bool]) -> Any:
        """Take messages until one meets ``predicate``; returns it."""
        async with asyncio.timeout(DEADLINE_S):
            while True:
                message = await self._queue.get()
                self.seen.append(message)
                if predicate(message):
                    return message
