"""One armed fault: its rule, its counters and its lifecycle (a checked state machine).

::

    ARMED ──(fired `times` times)──► EXHAUSTED ──clear()──► CLEARED
      └──────────────────clear()────────────────────────────►┘

A :class:`Fault` is the handle :meth:`Faults.arm` returns: ``fault.fired`` counts its firings,
``fault.clear()`` ends it (releasing any request it stalls).
"""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import TYPE_CHECKING, Any

from simulator.server.errors import SimulatorStateError
from simulator.server.faults.actions import FaultAction
from simulator.server.faults.match import FaultMatch

if TYPE_CHECKING:
    from simulator.server.faults.engine import Faults

__all__ = ["Fault", "FaultState"]


class FaultState(Enum):
    #: Matching traffic is counted and the fault fires.
    ARMED = "armed"
    #: It fired ``times`` times and fires no more; requests it stalls stay held until it is cleared.
    EXHAUSTED = "exhausted"
    #: Ended by clear() (or reset/stop); it no longer counts or fires.
    CLEARED = "cleared"

    def can_become(self, other: FaultState) -> bool:
        return other in _TRANSITIONS[self]


_TRANSITIONS: dict[FaultState, frozenset[FaultState]] = {
    FaultState.ARMED: frozenset({FaultState.EXHAUSTED, FaultState.CLEARED}),
    FaultState.EXHAUSTED: frozenset({FaultState.CLEARED}),
    FaultState.CLEARED: frozenset(),
}


class Fault:
    """An armed fault rule (see :meth:`Faults.arm`).

    Attributes:
        name: unique among the faults that are not cleared; named in the journal.
        match: which traffic it hits and how often.
        action: what it does.
        source: who armed it: ``scenario``, ``api`` or ``control``.
        seen: matching occurrences counted so far (fired or not).
        fired: how many times it fired.
    """

    __slots__ = ("_owner", "_release", "_state", "action", "fired", "match", "name", "seen", "source")

    def __init__(self, owner: Faults, name: str, match: FaultMatch, action: FaultAction, source: str) -> None:
        self._owner = owner
        self.name = name
        self.match = match
        self.action = action
        self.source = source
        self.seen = 0
        self.fired = 0
        self._state = FaultState.ARMED
        self._release: asyncio.Event | None = None

    def __repr__(self) -> str:
        return f"<Fault {self.name!r} {self.action.kind} {self._state.value} fired={self.fired}>"

    @property
    def state(self) -> FaultState:
        return self._state

    @property
    def active(self) -> bool:
        """Whether it still counts and fires matching traffic."""
        return self._state is FaultState.ARMED

    @property
    def cleared(self) -> bool:
        return self._state is FaultState.CLEARED

    def clear(self) -> None:
        """End this fault: it fires no more, and requests it stalls are released (see ``Stall``).

        Clearing a cleared fault does nothing.
        """
        self._owner.clear(self)

    def as_dict(self) -> dict[str, Any]:
        """The fault as plain JSON-able data (the control plane lists these)."""
        return {
            "name": self.name,
            "match": self.match.params(),
            "action": self.action.params(),
            "source": self.source,
            "state": self._state.value,
            "seen": self.seen,
            "fired": self.fired,
        }

    # -- used by the engine and the request path -------------------------------------------------

    def _become(self, state: FaultState) -> None:
        if not self._state.can_become(state):
            raise SimulatorStateError(
                f"fault {self.name!r} is {self._state.value} and cannot become {state.value}"
            )
        self._state = state

    def released(self) -> asyncio.Event:
        """Set when the fault is cleared: what a stalled request waits on."""
        if self._release is None:
            self._release = asyncio.Event()
            if self._state is FaultState.CLEARED:
                self._release.set()
        return self._release
