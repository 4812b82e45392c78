"""The simulator: a fake venue on real sockets, started from a scenario, in a test or in the foreground.

::

    from simulator import Simulator

    async with Simulator("scenarios/bybit/default.yaml", clock="virtual") as sim:
        session.endpoint = sim.rest_url                  # e.g. pybit's HTTP client
        sim.credentials.api_key, sim.credentials.api_secret
        fault = sim.faults.arm(HttpStatus(503), route="/v5/order/create")
        ...
        entry = await sim.journal.wait_for(HttpMatch("POST", "/v5/order/create"), timeout=2)
        sim.advance(60)                                  # virtual clock: timers fire in order
        sim.exchange.open_orders("demo")                 # the venue's state

Leaving the ``async with`` block stops the server (no task or socket left behind) and re-raises
any exception raised inside the simulator while it served (house rule 10; see :meth:`check`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Final

from aiohttp import web

from simulator.core import Clock, Event, Exchange, VirtualClock
from simulator.scenario import BuiltVenue, Scenario
from simulator.server.cassette.tap import JournalTap
from simulator.server.control import CONTROL_PREFIX, control_app
from simulator.server.dialect import ApiKeySpec, Dialect, can_validate_responses, resolve_dialect
from simulator.server.driver import TimerDriver
from simulator.server.errors import SimulatorStateError, SimulatorUsageError
from simulator.server.failures import ServerErrors
from simulator.server.faults import Faults
from simulator.server.http import RestHandler
from simulator.server.journal import DEFAULT_MAX_ENTRIES, Journal
from simulator.server.lifecycle import ServerState
from simulator.server.net import bind as _bind
from simulator.server.net import is_loopback
from simulator.server.net import url_host as _url_host
from simulator.server.venue import ClockSpec, DemoCredentials, LiveVenue, VenueTime, load, make_clock

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Simulator", "is_loopback"]

#: Request bodies up to this size reach the dialect whole (Bybit refuses larger ones itself).
DEFAULT_MAX_BODY_BYTES: Final = 1 << 20
#: How long stopping waits for requests in flight before cancelling them.
SHUTDOWN_TIMEOUT_S: Final = 5.0
_ALL_PERMISSIONS = frozenset({"read", "spot", "derivatives", "options", "wallet"})


class Simulator:
    """A venue from a scenario, served over HTTP (and, as the dialect adds them, WebSocket).

    Parameters:
        scenario: a :class:`~simulator.scenario.Scenario`, a path to a scenario file, or None for
            the dialect's default scenario (``scenarios/<dialect>/default.yaml``).
        dialect: the venue dialect's name, or a dialect object (see :mod:`simulator.server.dialect`).
        host, port: where to listen; port 0 picks a free port (read it back from :attr:`port`).
        clock: ``"real"``, ``"virtual"``, a clock object, or None for the scenario's ``clock.mode``.
            A virtual clock without a ``clock.start`` in the scenario starts at the wall-clock
            moment the simulator starts, so clients' signed timestamps are within the recv window.
        seed: overrides the scenario's seed (ids, generated books, flow).
        api_key, api_secret: replace the scenario's first API key (the demo key); give both.
        control_token: required on every control-plane call (header ``X-Venuekit-Token``) when
            set; binding to a non-loopback ``host`` requires one.
        max_body_bytes: request bodies up to this size reach the dialect whole.
        journal_max_entries: journal entries kept before the oldest are dropped.
        validate_responses: check every REST answer against the dialect's JSON Schemas as it is
            produced (slow; for test suites, and what :mod:`simulator.testing` turns on). A
            mismatch is recorded in :attr:`errors` and re-raised by :meth:`check` and on leaving
            ``async with``. It sets the dialect's own ``validate_responses`` (False leaves the
            dialect as it is).
        record: write every REST exchange and WebSocket frame the venue serves to this cassette
            file (scrubbed; the format of ``venuekit record``, see docs/record-replay.md).

    Raises:
        SimulatorUsageError: a bad argument (the message says which and what to do).
        ScenarioError: the scenario file is invalid.
    """

    def __init__(
        self,
        scenario: str | os.PathLike[str] | Scenario | None = None,
        *,
        dialect: str | Dialect = "bybit",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: ClockSpec = None,
        seed: int | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        control_token: str | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        journal_max_entries: int = DEFAULT_MAX_ENTRIES,
        validate_responses: bool = False,
        record: str | os.PathLike[str] | None = None,
    ) -> None:
        if not is_loopback(host) and not control_token:
            raise SimulatorUsageError(
                f"listening on {host!r} exposes the control plane (/__venuekit__/) beyond this machine: "
                "pass control_token=... (venuekit serve --control-token TOKEN), "
                "or listen on 127.0.0.1"
            )
        if (api_key is None) != (api_secret is None):
            raise SimulatorUsageError(
                "give the API key and the API secret together (--api-key KEY --api-secret SECRET)"
            )
        if isinstance(clock, str) and clock not in ("real", "virtual"):
            raise SimulatorUsageError(f"clock must be 'real', 'virtual' or a clock object, got {clock!r}")
        if type(port) is not int or not 0 <= port <= 65535:
            raise SimulatorUsageError(f"port must be a whole number from 0 to 65535, got {port!r}")
        self._dialect = resolve_dialect(dialect)
        if validate_responses:
            if not can_validate_responses(self._dialect):
                raise SimulatorUsageError(
                    f"the {self._dialect.name!r} dialect cannot check its answers against schemas "
                    "(it has no validate_responses setting): drop validate_responses=True"
                )
            self._dialect.validate_responses = True  # type: ignore[attr-defined]
        self._scenario = load(scenario, self._dialect.name)
        self._host = host
        self._requested_port = port
        self._clock_spec = clock
        self._seed = seed
        self._api_key = api_key
        self._api_secret = api_secret
        self.control_token = control_token
        self._max_body = max_body_bytes
        self._journal_max = journal_max_entries
        self._state = ServerState.CREATED
        self._port: int | None = None
        self._live: LiveVenue | None = None
        self._journal: Journal | None = None
        self._faults: Faults | None = None
        self._errors: ServerErrors | None = None
        self._time = VenueTime(lambda: self._faults.skew_ns if self._faults is not None else 0)
        self._runner: web.AppRunner | None = None
        self._driver: TimerDriver | None = None
        self._stopping: asyncio.Event | None = None
        self._handler: RestHandler | None = None
        self._listeners: list[Callable[[Event], None]] = []
        self._reset_listeners: list[Callable[[], None]] = []
        #: Whether the dialect added WebSocket routes (known once started).
        self.serves_websocket = False
        self._record = record
        self._tap: JournalTap | None = None

    def __repr__(self) -> str:
        where = f" {self.rest_url}" if self._port is not None else ""
        return f"<Simulator {self._dialect.name} {self._state.value}{where}>"

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def state(self) -> ServerState:
        return self._state

    async def start(self) -> Simulator:
        """Build the venue and start serving it.

        Raises:
            SimulatorStateError: it was already started.
            ScenarioError: the venue refused part of the scenario.
            FaultSpecError: a fault rule of the scenario cannot be armed.
            OSError: the address cannot be bound.
        """
        self._state = self._state.to(ServerState.STARTING)
        try:
            self._stopping = asyncio.Event()
            clock = make_clock(self._clock_spec, self._scenario)
            self._time.clock = clock
            self._journal = Journal(self._time.now_ns, max_entries=self._journal_max)
            self._errors = ServerErrors(self._journal)
            self._faults = Faults(self._journal, self._time.now_ns, lambda: self.venue.start_ns)
            self._live = self._build(clock)
            if self._record is not None:
                secrets = [part for key in self._live.keys for part in (key.key, key.secret)]
                self._tap = JournalTap(self._record, dialect=self._dialect.name, secrets=secrets)
                self._journal.add_listener(self._tap)
            self._faults.arm_scenario(self._live.built.faults)
            self._handler = RestHandler(
                dialect=self._dialect,
                live=lambda: self.live,
                faults=self._faults,
                journal=self._journal,
                time=self._time,
                errors=self._errors,
                max_body_bytes=self._max_body,
                stopping=self._stopping,
                after_request=self._poke,
            )
            await self._listen()
            self._go_live()
            self._state = self._state.to(ServerState.RUNNING)
        except BaseException:
            await self._shutdown()
            raise
        return self

    async def stop(self) -> None:
        """Stop serving: release held requests, cancel the simulator's tasks, close every socket.

        Stopping a stopped (or never started) simulator does nothing. Exceptions recorded while
        serving are not raised here; :meth:`check` (or leaving ``async with``) raises them.
        """
        if self._state in (ServerState.CREATED, ServerState.STOPPED, ServerState.STOPPING):
            return
        await self._shutdown()

    async def __aenter__(self) -> Simulator:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
        if self._errors is None or not self._errors:
            return
        if exc is not None:
            # The test failed already; the simulator's own errors are likely why: say so (once).
            for error in self._errors.drain():
                exc.add_note(f"raised inside the simulator meanwhile: {type(error).__name__}: {error}")
            return
        self.check()

    def check(self) -> None:
        """Raise the exceptions raised inside the simulator while it served, then forget them.

        Raises:
            BaseException: the one exception recorded (as it was raised, with its traceback).
            BaseExceptionGroup: several were recorded.
        """
        if self._errors is not None:
            self._errors.raise_if_any()

    async def _listen(self) -> None:
        app = web.Application()
        app.add_subapp(CONTROL_PREFIX, control_app(self))
        routes = len(app.router.routes())
        self._dialect.add_ws_routes(app, self)
        self.serves_websocket = len(app.router.routes()) > routes
        assert self._handler is not None
        app.router.add_route("*", "/{tail:.*}", self._handler.handle)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_S
        )
        await self._runner.setup()
        sock = _bind(self._host, self._requested_port)
        try:
            self._port = sock.getsockname()[1]
            await web.SockSite(self._runner, sock).start()
        except BaseException:
            sock.close()
            raise

    def _go_live(self) -> None:
        live = self.live
        if live.built.flow is not None:
            live.built.flow.start()
        if not self._time.is_virtual:
            if self._driver is None:
                self._driver = TimerDriver(lambda: self.exchange, self._driver_error)
            self._driver.start()
        self._poke()

    async def _shutdown(self) -> None:
        if self._state is not ServerState.STOPPING:
            self._state = self._state.to(ServerState.STOPPING)
        if self._faults is not None:
            self._faults.stop()
        if self._stopping is not None:
            self._stopping.set()
        self._time.release_all()
        if self._live is not None:
            self._live.close()
        if self._driver is not None:
            await self._driver.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._tap is not None:
            self._tap.close()
        self._state = self._state.to(ServerState.STOPPED)

    # -- the venue ---------------------------------------------------------------------------------

    def _build(self, clock: Clock) -> LiveVenue:
        live = LiveVenue.build(
            self._scenario,
            self._dialect,
            clock=clock,
            seed=self._seed,
            api_key=self._api_key,
            api_secret=self._api_secret,
            now_ms=self._time.wire_now_ms,
            max_body_bytes=self._max_body,
        )
        live.unsubscribe.append(live.built.exchange.subscribe(self._on_event))
        return live

    def _on_event(self, event: Event) -> None:
        self._poke()  # an event may come with a new timer (a GTD order, a flow step ...)
        for listener in list(self._listeners):
            listener(event)

    def _poke(self) -> None:
        if self._driver is not None:
            self._driver.poke()

    def _driver_error(self, error: BaseException) -> None:
        assert self._errors is not None
        self._errors.record(error, "driver")

    def reset(self) -> None:
        """Back to the scenario's starting state, on the same address.

        Clears every fault (releasing stalled requests), rebuilds the venue from the scenario
        (a new :attr:`exchange`; a new clock unless a clock object was given), re-arms the
        scenario's faults, restarts synthetic flow, and clears the journal (sequence numbers keep
        increasing). API keys added since start are forgotten.

        Raises:
            SimulatorStateError: the simulator is not running.
        """
        self._require_running("reset()")
        assert self._faults is not None and self._journal is not None
        self._faults.clear_all()
        self._time.release_all()
        self.live.close()
        clock = make_clock(self._clock_spec, self._scenario)
        self._time.clock = clock
        self._live = self._build(clock)
        self._journal.clear()
        self._faults.arm_scenario(self._live.built.faults)
        for listener in list(self._reset_listeners):  # before flow starts: nothing moved yet
            listener()
        self._go_live()

    def advance(self, seconds: float) -> list[Event]:
        """Move the virtual clock ``seconds`` forward: every timer due fires in order, at its time.

        Requests delayed in venue time (``Delay(clock="venue")``) whose time has come are released.

        Returns:
            The events the timers produced.

        Raises:
            SimulatorUsageError: the clock is not virtual (a real clock moves by itself).
            SimulatorStateError: the simulator is not running.
        """
        self._require_running("advance()")
        if not self._time.is_virtual:
            raise SimulatorUsageError(
                "advance() needs a virtual clock; this simulator runs on a real one: "
                "start it with clock='virtual' (venuekit serve --clock virtual)"
            )
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise SimulatorUsageError(f"advance() takes a number of seconds >= 0, got {seconds!r}")
        events = self.exchange.advance(seconds)
        self._time.moved()
        return events

    def wake_timers(self) -> None:
        """Tell the real-clock timer driver a timer may have been scheduled (WS sessions call it)."""
        self._poke()

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``listener`` with every exchange event, across resets; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def on_reset(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after each :meth:`reset` has built the new venue (before synthetic
        flow restarts); e.g. WebSocket streams restart on it. Returns a function that removes it."""
        self._reset_listeners.append(listener)
        return lambda: self._reset_listeners.remove(listener)

    def add_api_key(
        self,
        api_key: str,
        api_secret: str,
        account_id: str,
        permissions: frozenset[str] = _ALL_PERMISSIONS,
    ) -> ApiKeySpec:
        """Register another API key for ``account_id`` (scenario permission names).

        Raises:
            SimulatorUsageError: the account does not exist, or the key is already registered.
        """
        if account_id not in self.exchange.accounts:
            raise SimulatorUsageError(f"no account {account_id!r}: add it first")
        spec = ApiKeySpec(api_key, api_secret, account_id, frozenset(permissions))
        self._dialect.add_api_key(self.live.credentials, spec)
        self.live.keys.append(spec)
        return spec

    def instrument_id(self, ref: str) -> str:
        """The core instrument id of a scenario reference or of a core id (``linear:BTCUSDT``).

        Raises:
            KeyError: neither; the message lists the known instruments.
        """
        live = self.live
        if ref in live.built.instrument_ids:
            return live.built.instrument_ids[ref]
        if ref in live.built.exchange.markets:
            return ref
        known = ", ".join(sorted(live.built.exchange.markets))
        raise KeyError(f"no instrument {ref!r} (known: {known})")

    # -- what tests and clients read ---------------------------------------------------------------

    def _require_running(self, what: str) -> None:
        if self._state is not ServerState.RUNNING:
            raise SimulatorStateError(
                f"{what} needs a running simulator; it is {self._state.value} "
                "(use `async with Simulator(...) as sim:`)"
            )

    def _require_started(self, what: str) -> None:
        if self._live is None:
            raise SimulatorStateError(
                f"{what} exists once the simulator has started (use `async with Simulator(...) as sim:`)"
            )

    @property
    def live(self) -> LiveVenue:
        """The live venue objects (built venue, key registry, REST API)."""
        self._require_started("the venue")
        assert self._live is not None
        return self._live

    @property
    def dialect(self) -> Dialect:
        return self._dialect

    @property
    def scenario(self) -> Scenario:
        return self._scenario

    @property
    def venue(self) -> BuiltVenue:
        """The venue built from the scenario (exchange, flow, credentials, limits, instrument ids)."""
        return self.live.built

    @property
    def exchange(self) -> Exchange:
        """The venue's state: the core :class:`~simulator.core.Exchange` (replaced by :meth:`reset`)."""
        return self.live.built.exchange

    @property
    def clock(self) -> Clock:
        """The venue clock (a ``VirtualClock`` or a ``SourceClock`` on the wall clock)."""
        self._require_started("the clock")
        assert self._time.clock is not None
        return self._time.clock

    @property
    def is_virtual(self) -> bool:
        return isinstance(self._time.clock, VirtualClock)

    def now_ms(self) -> int:
        """The venue time as clients see it (clock skew included), in ms."""
        self._require_started("the venue time")
        return self._time.wire_now_ms()

    @property
    def journal(self) -> Journal:
        self._require_started("the journal")
        assert self._journal is not None
        return self._journal

    @property
    def faults(self) -> Faults:
        """The fault API: ``sim.faults.arm(...)``, ``sim.faults.clear(...)``."""
        self._require_started("the fault API")
        assert self._faults is not None
        return self._faults

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised inside the simulator not yet raised by :meth:`check`."""
        return self._errors.peek() if self._errors is not None else []

    def record_error(self, error: BaseException, source: str) -> None:
        """Record an exception raised inside the simulator (for WS sessions and the control plane)."""
        assert self._errors is not None
        self._errors.record(error, source)

    @property
    def credentials(self) -> DemoCredentials | None:
        """The demo API key and secret (the scenario's first key, or the override), or None."""
        return self.live.demo

    @property
    def api_keys(self) -> list[ApiKeySpec]:
        """Every API key the venue knows, the demo key first."""
        return list(self.live.keys)

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The port listened on (the one the OS picked for port 0)."""
        if self._port is None:
            raise SimulatorStateError("the port is known once the simulator has started")
        return self._port

    @property
    def rest_url(self) -> str:
        """``http://HOST:PORT``: the base URL a REST client is pointed at."""
        return f"http://{_url_host(self._host)}:{self.port}"

    def ws_url(self, path: str) -> str:
        """``ws://HOST:PORT/path`` for a WebSocket path (e.g. ``/v5/public/linear``)."""
        if not path.startswith("/"):
            path = "/" + path
        return f"ws://{_url_host(self._host)}:{self.port}{path}"

    @property
    def ws_urls(self) -> Mapping[str, str]:
        """The dialect's WebSocket endpoints, label -> URL."""
        return {label: self.ws_url(path) for label, path in self._dialect.ws_paths.items()}

    @property
    def control_url(self) -> str:
        return f"{self.rest_url}{CONTROL_PREFIX}"

    @property
    def open_connections(self) -> int:
        """HTTP connections open now."""
        server = self._runner.server if self._runner is not None else None
        return len(server.connections) if server is not None else 0

    @property
    def requests_served(self) -> int:
        return self._handler.requests if self._handler is not None else 0

    def info(self) -> dict[str, Any]:
        """What the simulator is and where it listens (the control plane's ``GET /__venuekit__/``)."""
        demo = self.credentials
        return {
            "dialect": self._dialect.name,
            "scenario": self._scenario.name,
            "state": self._state.value,
            "rest_url": self.rest_url,
            "ws_urls": dict(self.ws_urls),
            "clock": "virtual" if self.is_virtual else "real",
            "now_ms": self._time.wire_now_ms(),
            "api_key": demo.api_key if demo is not None else None,
            "account_id": demo.account_id if demo is not None else None,
        }
