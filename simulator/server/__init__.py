"""simulator.server: the simulator on real sockets: aiohttp app, control plane, journal and faults.

:class:`Simulator` is the entry point (also exported as ``simulator.Simulator``). Modules, one
concept each:

- ``simulator``: the :class:`Simulator` (lifecycle, the venue's Python API, URLs);
- ``lifecycle``: the server's checked states; ``errors``: the layer's error hierarchy;
- ``dialect`` and ``bindings/``: the seam to venue dialects (REST API object, keys, WS routes);
- ``venue``: scenario, clock and keys into a live venue, and the venue's time;
- ``http``: the REST request path (body, faults, dialect, journal, answer);
- ``driver``: the real-clock timer driver; ``failures``: exceptions re-raised into the test;
- ``faults/``: fault rules, actions and the engine; ``control/``: the ``/__venuekit__/`` plane;
- ``journal/``: everything that reached the venue and what it sent back;
- ``serve``: ``venuekit serve`` (foreground run, live summary).
"""

from __future__ import annotations

from simulator.server.errors import (
    ControlInputError,
    FaultSpecError,
    SimulatorError,
    SimulatorStateError,
    SimulatorUsageError,
)
from simulator.server.faults import (
    BatchItemError,
    ClockSkew,
    Delay,
    Fault,
    Faults,
    FaultState,
    HttpStatus,
    MalformedBody,
    RateLimit,
    ResetConnection,
    RetCode,
    Stall,
    TruncatedBody,
)
from simulator.server.journal import (
    ANY,
    HttpMatch,
    Journal,
    JournalAssertionError,
    JournalTimeout,
    SubscriptionMatch,
    WsFrameMatch,
)
from simulator.server.lifecycle import ServerState
from simulator.server.simulator import Simulator
from simulator.server.venue import DemoCredentials

__all__ = [
    "ANY",
    "BatchItemError",
    "ClockSkew",
    "ControlInputError",
    "Delay",
    "DemoCredentials",
    "Fault",
    "FaultSpecError",
    "FaultState",
    "Faults",
    "HttpMatch",
    "HttpStatus",
    "Journal",
    "JournalAssertionError",
    "JournalTimeout",
    "MalformedBody",
    "RateLimit",
    "ResetConnection",
    "RetCode",
    "ServerState",
    "Simulator",
    "SimulatorError",
    "SimulatorStateError",
    "SimulatorUsageError",
    "Stall",
    "SubscriptionMatch",
    "TruncatedBody",
    "WsFrameMatch",
]
