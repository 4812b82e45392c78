"""Wiring the Bybit WebSocket sessions onto the simulator: routes, host, events, faults.

The dialect's :class:`~simulator.dialects.bybit.ws.BybitWs` knows nothing of the server; this
module gives it the simulator's exchange, keys, clock and market history as callables, a fault
selector for topic-level faults, and one :class:`~simulator.server.ws.WsHost` route per socket;
after each ``Simulator.reset`` it tells the service the venue was rebuilt.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from simulator.dialects.bybit.ws.service import SOCKET_KINDS, BybitWs
from simulator.server.journal import WsRole
from simulator.server.ws import WsConnection, WsHost

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.server.faults import Fault
    from simulator.server.simulator import Simulator

__all__ = ["install"]

_ROLES = {"private": WsRole.PRIVATE, "trade": WsRole.TRADE}


def install(app: web.Application, sim: Simulator, **host_options: Any) -> tuple[WsHost, BybitWs]:
    """Add the Bybit WebSocket routes to ``app``; returns the host and the service."""
    loop = asyncio.get_running_loop()

    def select_topic_fault(kinds: frozenset[str], op: str | None, topic: str | None) -> Fault | None:
        return sim.faults.select_ws(
            "public", op=op, topic=topic, target=f"{op} {topic}", accept=lambda action: action.kind in kinds
        )

    service = BybitWs(
        exchange=lambda: sim.exchange,
        credentials=lambda: sim.live.credentials,
        history=lambda: sim.live.api.history,  # type: ignore[attr-defined]
        now_ms=sim.now_ms,
        call_soon=loop.call_soon,
        wake_timers=sim.wake_timers,
        select_fault=select_topic_fault,
        limiter=lambda: sim.live.api.limiter,  # type: ignore[attr-defined]
    )
    host = WsHost(sim.journal, sim.faults, sim.record_error, **host_options)

    def on_event(event: Any) -> None:
        try:
            service.on_event(event)
        except Exception as exc:  # recorded and re-raised into the test; the venue carries on
            sim.record_error(exc, "ws publisher")

    unsubscribe = sim.subscribe(on_event)

    def on_reset() -> None:
        try:
            service.venue_reset()
        except Exception as exc:
            sim.record_error(exc, "ws reset")

    forget_reset = sim.on_reset(on_reset)

    def make_session(conn: WsConnection) -> Any:
        return service.session(conn)

    for path, kind in SOCKET_KINDS.items():
        app.router.add_get(path, host.handler(_ROLES.get(kind, WsRole.PUBLIC), make_session))

    async def shutdown(_app: web.Application) -> None:
        unsubscribe()
        forget_reset()
        await host.shutdown()

    app.on_shutdown.append(shutdown)
    return host, service
