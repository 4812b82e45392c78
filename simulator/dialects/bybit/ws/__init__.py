"""Bybit v5 WebSocket dialect: the public, private and trade streams of §7, without sockets.

Modules, one concept each:

* ``service``: :class:`BybitWs`, the WebSocket side of one venue (sessions, event routing);
* ``session``: :class:`BybitSession`, one connection's lifecycle, op dispatch, auth and pushes;
* ``public``: the public topic registry and publisher (cadence, coalescing, klines' confirm);
* ``books``: one order-book stream (snapshot, deltas, ``u``/``seq``, book faults);
* ``topics``: public topic names; ``requests``: reading a client frame; ``port``: what a
  session needs from its connection (the server's ``WsConnection`` provides it);
* ``private_feed`` and ``trade_ops``: private pushes and order entry for authenticated sessions.

The server binding (:mod:`simulator.server.bindings.bybit_ws`) puts them on real sockets.
"""

from __future__ import annotations

from simulator.dialects.bybit.ws.service import SOCKET_KINDS, BybitWs
from simulator.dialects.bybit.ws.session import BybitSession, SessionState

__all__ = ["SOCKET_KINDS", "BybitSession", "BybitWs", "SessionState"]
