"""``venuekit record`` and ``venuekit replay`` : print where to connect, serve until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from simulator.server.cassette.server import CassetteServer, Mode

__all__ = ["RunOptions", "run"]


@dataclass(frozen=True)
class RunOptions:
    """What ``venuekit record``/``replay`` was asked for (see :class:`CassetteServer`)."""

    cassette: Path
    mode: Mode
    host: str = "127.0.0.1"
    port: int = 0
    speed: float | None = None
    upstream_rest: str | None = None
    upstream_ws: str | None = None
    account_ids: bool = False


async def _serve(options: RunOptions, out: TextIO, stop: asyncio.Event | None) -> int:
    server = CassetteServer(
        options.cassette,
        mode=options.mode,
        upstream_rest=options.upstream_rest,
        upstream_ws=options.upstream_ws,
        host=options.host,
        port=options.port,
        speed=options.speed,
        account_ids=options.account_ids,
    )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    await server.start()
    try:
        print(f"mode={server.mode}", file=out)
        print(f"cassette={server.path}", file=out)
        print(f"rest_url={server.rest_url}", file=out)
        print(f"ws_base={server.ws_url('')}", file=out)
        out.flush()
        await stop.wait()
    finally:
        await server.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
    stats = " ".join(f"{name}={count}" for name, count in server.stats.items())
    print(f"stopped: {stats} errors={len(server.errors)}", file=out)
    for error in server.errors:
        print(f"error: {error}", file=sys.stderr)
    return 1 if server.errors else 0


def run(options: RunOptions, out: TextIO | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; the exit status is 1 when requests went unmatched.

    Raises:
        CassetteUsageError: bad options (no cassette to replay, no upstream to record from ...).
    """
    return asyncio.run(_serve(options, out or sys.stdout, None))
