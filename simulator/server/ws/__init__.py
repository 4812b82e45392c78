"""WebSocket hosting, venue-neutral: connections, their journal, heartbeat, limits and registry.

* ``connection``: :class:`WsConnection`, one socket as a dialect session sees it (send, ping,
  close, abort, faults, subscription ledger), with a bounded send queue;
* ``host``: :class:`WsHost`, the upgrade handler per path, the reading loop (idle timeout,
  protocol pings, close handshake), the registry and clean shutdown.

Dialects add their sessions through ``Dialect.add_ws_routes`` (see :mod:`simulator.server.dialect`).
"""

from __future__ import annotations

from simulator.server.ws.connection import DEFAULT_MAX_QUEUE_BYTES, ConnState, WsConnection, WsSession
from simulator.server.ws.host import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_MESSAGE_BYTES, SessionFactory, WsHost

__all__ = [
    "DEFAULT_IDLE_TIMEOUT_S",
    "DEFAULT_MAX_MESSAGE_BYTES",
    "DEFAULT_MAX_QUEUE_BYTES",
    "ConnState",
    "SessionFactory",
    "WsConnection",
    "WsHost",
    "WsSession",
]
