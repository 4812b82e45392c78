"""The server layer's errors: one hierarchy, each with the fields a caller needs to act on it.

::

    SimulatorError                    base of everything the server raises on purpose
     ├── SimulatorUsageError          a set-up mistake: bad arguments, an unknown dialect (also ValueError)
     │    └── FaultSpecError          a fault rule that cannot be armed (names the bad field)
     ├── SimulatorStateError          a call the simulator's lifecycle does not allow now
     └── ControlInputError           a control-plane request the server cannot act on (HTTP 400)

Errors raised *inside* the running venue (a dialect or core bug while answering a request, a
timer that raised) are not wrapped: they are recorded in the journal and re-raised into the test
as they are (house rule 10; see ``Simulator.check``).
"""

from __future__ import annotations

__all__ = [
    "ControlInputError",
    "FaultSpecError",
    "SimulatorError",
    "SimulatorStateError",
    "SimulatorUsageError",
]


class SimulatorError(Exception):
    """Base of the errors the simulator server raises on purpose."""


class SimulatorUsageError(SimulatorError, ValueError):
    """The simulator was set up wrongly (arguments, dialect, scenario/dialect mismatch)."""


class FaultSpecError(SimulatorUsageError):
    """A fault rule that cannot be armed.

    Attributes:
        field: where in the rule the problem is, e.g. ``"match.times"`` or ``"action.status"``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.problem = message


class SimulatorStateError(SimulatorError, RuntimeError):
    """The call is not allowed in the simulator's current lifecycle state (e.g. ``rest_url`` before start)."""


class ControlInputError(SimulatorError):
    """A control-plane request that cannot be acted on; answered HTTP 400 with this message.

    Attributes:
        field: the JSON field at fault (dotted path), or None when the request as a whole is wrong.
        status: the HTTP status to answer with (400 unless a subclass says otherwise).
    """

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
