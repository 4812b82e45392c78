"""venuekit simulator: a scriptable fake exchange that speaks real venues' wire protocols.

Layers, top to bottom (arrows point down only): ``simulator.server`` (aiohttp app, control
plane, journal, faults), ``simulator.dialects.<venue>`` (wire format, auth, errors, limits),
``simulator.core`` (pure books, matching, accounts, clock: no I/O, no JSON).

``from simulator import Simulator`` gives the server (see :class:`simulator.server.Simulator`).
It is imported on first use, so ``import simulator.core`` alone never loads aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.server import Simulator

__all__ = ["Simulator"]


def __getattr__(name: str) -> Any:
    if name == "Simulator":
        from simulator.server import Simulator

        return Simulator
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
