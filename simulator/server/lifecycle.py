"""The simulator server's lifecycle: a checked state machine (house rule 2).

::

    CREATED ──start()──► STARTING ──► RUNNING ──stop()──► STOPPING ──► STOPPED
                            └──────── (start failed) ──────►┘
"""

from __future__ import annotations

from enum import Enum

from simulator.server.errors import SimulatorStateError

__all__ = ["ServerState"]


class ServerState(Enum):
    CREATED = "created"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"

    def can_become(self, other: ServerState) -> bool:
        return other in _TRANSITIONS[self]

    def to(self, other: ServerState) -> ServerState:
        """``other``, if this state may become it.

        Raises:
            SimulatorStateError: the transition is not allowed (e.g. starting a stopped simulator).
        """
        if not self.can_become(other):
            raise SimulatorStateError(
                f"the simulator is {self.value} and cannot become {other.value}: "
                + _HINTS.get((self, other), "create a new Simulator for another run")
            )
        return other


_TRANSITIONS: dict[ServerState, frozenset[ServerState]] = {
    ServerState.CREATED: frozenset({ServerState.STARTING}),
    ServerState.STARTING: frozenset({ServerState.RUNNING, ServerState.STOPPING}),
    ServerState.RUNNING: frozenset({ServerState.STOPPING}),
    ServerState.STOPPING: frozenset({ServerState.STOPPED}),
    ServerState.STOPPED: frozenset(),
}

_HINTS: dict[tuple[ServerState, ServerState], str] = {
    (ServerState.RUNNING, ServerState.STARTING): "it is already running",
    (ServerState.STARTING, ServerState.STARTING): "it is already starting",
    (ServerState.STOPPED, ServerState.STARTING): "a stopped simulator cannot restart; create a new one",
}
