"""``venuekit serve``: the simulator in the foreground until Ctrl-C or SIGTERM.

It prints where the venue listens and the demo credentials as ``key=value`` lines a script can
read (``rest_url=http://127.0.0.1:PORT``), then a live summary: a rich table refreshed in place
when stdout is a terminal, a plain ``stats`` line every ``stats_interval`` seconds otherwise.
SIGINT and SIGTERM stop it cleanly (exit status 0); exceptions raised inside the simulator while it
served are printed when it stops (exit status 1).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.table import Table

from simulator.core import AccountKind, OrderAccepted, OrderFilled, TradeOccurred
from simulator.scenario import ScenarioError
from simulator.server.errors import SimulatorError
from simulator.server.simulator import Simulator
from simulator.server.venue import wait_set

__all__ = ["EXIT_INTERNAL_ERRORS", "EXIT_OK", "EXIT_SETUP", "ServeOptions", "ServeStats", "run", "serve"]

EXIT_OK = 0
#: Exceptions were raised inside the simulator while it served (they are printed).
EXIT_INTERNAL_ERRORS = 1
#: The simulator could not start (bad scenario, bad arguments, address in use).
EXIT_SETUP = 2


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What ``venuekit serve`` was asked for (its command-line options)."""

    dialect: str = "bybit"
    scenario: Path | None = None
    host: str = "127.0.0.1"
    port: int = 0
    clock: str | None = None
    seed: int | None = None
    api_key: str | None = None
    api_secret: str | None = None
    control_token: str | None = None
    #: Seconds between summaries (the plain ``stats`` line, or the live table's refresh).
    stats_interval: float = 10.0


class ServeStats:
    """Counters for the live summary: user orders and fills, public trades, request rate."""

    def __init__(self, sim: Simulator, clock: Callable[[], float] = time.monotonic) -> None:
        self._sim = sim
        self._clock = clock
        self.started = clock()
        self.orders = 0
        self.fills = 0
        self.trades = 0
        self._last_time = self.started
        self._last_requests = 0
        sim.subscribe(self.on_event)

    def on_event(self, event: Any) -> None:
        if isinstance(event, TradeOccurred):
            self.trades += 1
        elif isinstance(event, OrderAccepted | OrderFilled):
            account = self._sim.exchange.accounts.get(event.order.account_id)
            if account is not None and account.kind is AccountKind.USER:
                if isinstance(event, OrderAccepted):
                    self.orders += 1
                else:
                    self.fills += 1

    def snapshot(self) -> dict[str, Any]:
        """The figures now; the request rate is over the time since the previous snapshot."""
        now = self._clock()
        requests = self._sim.requests_served
        elapsed = now - self._last_time
        rate = (requests - self._last_requests) / elapsed if elapsed > 0 else 0.0
        self._last_time, self._last_requests = now, requests
        return {
            "uptime_s": now - self.started,
            "connections": self._sim.open_connections,
            "requests": requests,
            "requests_per_s": rate,
            "orders": self.orders,
            "fills": self.fills,
            "trades": self.trades,
            "faults": len(self._sim.faults),
            "errors": len(self._sim.errors),
        }


def _line(figures: dict[str, Any]) -> str:
    return (
        f"stats uptime={figures['uptime_s']:.0f}s connections={figures['connections']} "
        f"requests={figures['requests']} requests_per_s={figures['requests_per_s']:.1f} "
        f"orders={figures['orders']} fills={figures['fills']} trades={figures['trades']} "
        f"faults={figures['faults']} errors={figures['errors']}"
    )


def _table(sim: Simulator, figures: dict[str, Any]) -> Table:
    table = Table(title=f"venuekit serve: {sim.dialect.name} at {sim.rest_url}", title_justify="left")
    table.add_column("connections", justify="right")
    table.add_column("requests", justify="right")
    table.add_column("req/s", justify="right")
    table.add_column("orders", justify="right")
    table.add_column("fills", justify="right")
    table.add_column("trades", justify="right")
    table.add_column("faults", justify="right")
    table.add_column("errors", justify="right")
    table.add_row(
        str(figures["connections"]),
        str(figures["requests"]),
        f"{figures['requests_per_s']:.1f}",
        str(figures["orders"]),
        str(figures["fills"]),
        str(figures["trades"]),
        str(figures["faults"]),
        str(figures["errors"]),
    )
    table.caption = f"up {figures['uptime_s']:.0f} s; Ctrl-C stops it"
    return table


def _banner(sim: Simulator, options: ServeOptions, out: TextIO) -> None:
    where = options.scenario or "the default scenario"
    clock = "virtual" if sim.is_virtual else "real"
    print(
        f"venuekit serve: {sim.dialect.name}, scenario {sim.scenario.name or where} ({where}), {clock} clock",
        file=out,
    )
    print(f"rest_url={sim.rest_url}", file=out)
    print(f"control_url={sim.control_url}", file=out)
    for label, url in sim.ws_urls.items():
        print(f"ws_url.{label.replace(' ', '_')}={url}", file=out)
    demo = sim.credentials
    if demo is not None:
        print(f"api_key={demo.api_key}", file=out)
        print(f"api_secret={demo.api_secret}", file=out)
        print(f"account={demo.account_id}", file=out)
    if not sim.serves_websocket:
        print(
            "venuekit serve: the WebSocket URLs are where its streams will be; this version serves REST",
            file=out,
        )
    print("venuekit serve: running; Ctrl-C or SIGTERM stops it", file=out, flush=True)


async def run(
    options: ServeOptions,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    live_display: bool | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    """Serve until ``stop`` is set, or SIGINT/SIGTERM arrives; returns the exit status.

    Parameters:
        options: what to serve, and where.
        out, err: where to print (the URLs and summaries; errors); stdout and stderr by default.
        live_display: a rich live table (True) or plain ``stats`` lines (False); by default a
            live table exactly when ``out`` is a terminal.
        stop: set it to stop (the signals set it too).
    """
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        sim = Simulator(
            options.scenario,
            dialect=options.dialect,
            host=options.host,
            port=options.port,
            clock=options.clock,
            seed=options.seed,
            api_key=options.api_key,
            api_secret=options.api_secret,
            control_token=options.control_token,
        )
        await sim.start()
    except (SimulatorError, ScenarioError, FileNotFoundError) as exc:
        print(f"venuekit serve: {exc}", file=err)
        return EXIT_SETUP
    except OSError as exc:
        print(
            f"venuekit serve: cannot listen on {options.host}:{options.port}: {exc.strerror or exc}", file=err
        )
        return EXIT_SETUP
    stop = stop if stop is not None else asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        _banner(sim, options, out)
        stats = ServeStats(sim)
        if live_display if live_display is not None else out.isatty():
            await _live(sim, stats, options, out, stop)
        else:
            await _plain(stats, options, out, stop)
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
        await sim.stop()
    errors = sim.errors
    print(f"venuekit serve: stopped; {sim.requests_served} requests served", file=out, flush=True)
    if errors:
        for error in errors:
            print(f"venuekit serve: raised inside the simulator: {type(error).__name__}: {error}", file=err)
        return EXIT_INTERNAL_ERRORS
    return EXIT_OK


async def _plain(stats: ServeStats, options: ServeOptions, out: TextIO, stop: asyncio.Event) -> None:
    while not await wait_set(stop, options.stats_interval):
        print(_line(stats.snapshot()), file=out, flush=True)


async def _live(
    sim: Simulator, stats: ServeStats, options: ServeOptions, out: TextIO, stop: asyncio.Event
) -> None:
    # Asked for explicitly, the live table is drawn even when ``out`` is not a terminal.
    console = Console(file=out, force_terminal=True)
    refresh = min(options.stats_interval, 1.0)
    with Live(_table(sim, stats.snapshot()), console=console, auto_refresh=False) as live:
        while not await wait_set(stop, refresh):
            live.update(_table(sim, stats.snapshot()), refresh=True)


def serve(options: ServeOptions) -> int:
    """Run :func:`run` in a new event loop (the ``venuekit serve`` entry point)."""
    return asyncio.run(run(options))
