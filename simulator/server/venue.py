"""The venue a simulator serves: its scenario, clock, API keys, and the live objects built from them.

The server is the only layer that reads the wall clock: a real clock is ``SourceClock(time.time_ns)``,
and a virtual clock without a ``clock.start`` in the scenario starts at the moment the venue is
built, so clients that sign requests with their own clock are inside the recv window.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.core import NS_PER_MS, NS_PER_S, AccountKind, Clock, SourceClock, VirtualClock
from simulator.scenario import (
    BuiltVenue,
    ClockMode,
    Scenario,
    build_exchange,
    default_scenario_path,
    load_scenario,
)
from simulator.server.dialect import ApiKeySpec, Dialect, RestApi
from simulator.server.errors import SimulatorUsageError

__all__ = [
    "ClockSpec",
    "DemoCredentials",
    "LiveVenue",
    "VenueTime",
    "api_key_specs",
    "load",
    "make_clock",
    "wait_set",
]

#: ``"real"``, ``"virtual"``, a clock object, or None for the scenario's own ``clock.mode``.
ClockSpec = str | Clock | None

_MODES = ("real", "virtual")


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """The demo API key a client uses (the scenario's first key, or the override given)."""

    api_key: str
    api_secret: str
    account_id: str

    def __repr__(self) -> str:  # the secret is for clients, not for logs
        return f"DemoCredentials(api_key={self.api_key!r}, account_id={self.account_id!r})"


def load(scenario: str | os.PathLike[str] | Scenario | None, dialect: str) -> Scenario:
    """The scenario to serve: as given, loaded from a path, or the dialect's default.

    Raises:
        ScenarioError: the file is not a valid scenario.
        SimulatorUsageError: the scenario is for another dialect.
        FileNotFoundError: no scenario was given and the dialect has no default one.
    """
    if scenario is None:
        scenario = default_scenario_path(dialect)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if scenario.dialect != dialect:
        raise SimulatorUsageError(
            f"the scenario is for dialect {scenario.dialect!r} but the simulator serves {dialect!r}: "
            f"pass dialect={scenario.dialect!r} or a {dialect} scenario"
        )
    return scenario


def make_clock(spec: ClockSpec, scenario: Scenario) -> Clock:
    """The venue clock for ``spec`` (see :data:`ClockSpec`); a new one each call for names.

    Raises:
        SimulatorUsageError: ``spec`` is neither a mode name nor a clock.
    """
    if spec is None:
        spec = "virtual" if scenario.clock.mode is ClockMode.VIRTUAL else "real"
    if spec == "real":
        return SourceClock(time.time_ns)
    if spec == "virtual":
        start = scenario.clock.start_ns
        # No start in the file: begin now (whole ms), so clients' signed timestamps are in range.
        return VirtualClock(start if start is not None else time.time_ns() // NS_PER_MS * NS_PER_MS)
    if isinstance(spec, str) or not callable(getattr(spec, "now_ns", None)):
        raise SimulatorUsageError(f"clock must be 'real', 'virtual' or a clock object, got {spec!r}")
    return spec


def api_key_specs(venue: BuiltVenue, api_key: str | None, api_secret: str | None) -> list[ApiKeySpec]:
    """The venue's API keys, the first one replaced by ``api_key``/``api_secret`` when given.

    With an override and no key in the scenario, the override belongs to the first user account.

    Raises:
        SimulatorUsageError: only one of key and secret is given, or there is no account to give
            the key to.
    """
    keys = [
        ApiKeySpec(c.key, c.secret, c.account_id, c.permissions, c.label) for c in venue.credentials.values()
    ]
    if api_key is None and api_secret is None:
        return keys
    if not api_key or not api_secret:
        raise SimulatorUsageError(
            "give the API key and the API secret together (--api-key KEY --api-secret SECRET)"
        )
    if keys:
        first = keys[0]
        keys[0] = ApiKeySpec(api_key, api_secret, first.account_id, first.permissions, first.label)
        # The override may reuse a key the scenario gives another account: the override wins.
        return [keys[0], *(k for k in keys[1:] if k.key != api_key)]
    account = next((a for a in venue.scenario.accounts if a.kind is AccountKind.USER), None)
    if account is None:
        raise SimulatorUsageError(
            "the scenario has no user account to give the API key to: add one under accounts:"
        )
    everything = frozenset({"read", "spot", "derivatives", "options", "wallet"})
    return [ApiKeySpec(api_key, api_secret, account.id, everything, "override")]


@dataclass(slots=True)
class LiveVenue:
    """What one run of the venue is made of; rebuilt whole by ``Simulator.reset()``."""

    built: BuiltVenue
    clock: Clock
    keys: list[ApiKeySpec]
    credentials: Any
    api: RestApi
    unsubscribe: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        dialect: Dialect,
        *,
        clock: Clock,
        seed: int | None,
        api_key: str | None,
        api_secret: str | None,
        now_ms: Callable[[], int],
        max_body_bytes: int,
    ) -> LiveVenue:
        """Build the venue, its key registry and its REST API (not yet subscribed to events)."""
        built = build_exchange(scenario, clock=clock, seed=seed)
        keys = api_key_specs(built, api_key, api_secret)
        credentials = dialect.credentials(keys)
        api = dialect.build_rest_api(built, credentials, now_ms=now_ms, max_body_bytes=max_body_bytes)
        return cls(built, clock, keys, credentials, api)

    @property
    def demo(self) -> DemoCredentials | None:
        if not self.keys:
            return None
        first = self.keys[0]
        return DemoCredentials(first.key, first.secret, first.account_id)

    def close(self) -> None:
        """Stop its synthetic flow, unsubscribe its listeners and close its REST API."""
        if self.built.flow is not None:
            self.built.flow.stop()
        for unsubscribe in self.unsubscribe:
            unsubscribe()
        self.unsubscribe.clear()
        self.api.close()


async def wait_set(event: asyncio.Event, seconds: float | None) -> bool:
    """Wait until ``event`` is set (True) or ``seconds`` have passed (False; None: no limit)."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True


class VenueTime:
    """The venue's time: its clock, the clock skew clients see, and sleeps in venue seconds.

    Parameters:
        skew_ns: the current offset of the time the venue tells clients (the armed clock skew).
    """

    def __init__(self, skew_ns: Callable[[], int]) -> None:
        self.clock: Clock | None = None
        self._skew_ns = skew_ns
        self._sleepers: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def is_virtual(self) -> bool:
        return isinstance(self.clock, VirtualClock)

    def now_ns(self) -> int:
        """The venue clock (what timers, events and the journal use)."""
        assert self.clock is not None, "the venue has no clock before it is built"
        return self.clock.now_ns()

    def wire_now_ms(self) -> int:
        """The venue time as clients see it, in ms: the clock plus any armed clock skew."""
        return (self.now_ns() + self._skew_ns()) // NS_PER_MS

    async def sleep(self, seconds: float, *, venue: bool, stopping: asyncio.Event) -> bool:
        """Wait ``seconds`` of wall time, or of venue time when ``venue`` and the clock is virtual.

        Returns:
            False when ``stopping`` was set first (the simulator is shutting down), else True.
        """
        if venue and self.is_virtual:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            entry = (self.now_ns() + round(seconds * NS_PER_S), next(self._order), future)
            heapq.heappush(self._sleepers, entry)
            await future
            return not stopping.is_set()
        return not await wait_set(stopping, seconds)

    def moved(self) -> None:
        """The virtual clock moved: wake the venue-time sleepers that are due."""
        now = self.now_ns()
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)

    def release_all(self) -> None:
        """Wake every venue-time sleeper (the simulator is stopping or resetting)."""
        for _, _, future in self._sleepers:
            if not future.done():
                future.set_result(None)
        self._sleepers.clear()
