"""The normalized domain model every adapter speaks, mirroring NautilusTrader's names and fields.

Everything here is an immutable value (frozen, slotted dataclasses) whose ``repr`` pastes back
into Python with this package's namespace: ``eval(repr(x), vars(adapters.model)) == x`` (the
namespace also holds ``Decimal`` and ``UUID``, which the reprs use). Timestamps are ``int``
nanoseconds since the Unix epoch: ``ts_event`` when it happened at the venue, ``ts_init`` when
the adapter built the object.

Modules: ``identifiers``, ``objects`` (Price, Quantity, Money, Currency), ``enums``,
``instruments``, ``data``, ``depth`` (OrderBookDepth10), ``orders``, ``commands``, ``events``,
``reports``, ``account``.
"""

from __future__ import annotations

from decimal import Decimal  # noqa: F401  (in the namespace reprs are evaluated in)
from uuid import UUID  # noqa: F401  (in the namespace reprs are evaluated in)

from adapters.model import account as _account
from adapters.model import commands as _commands
from adapters.model import data as _data
from adapters.model import depth as _depth
from adapters.model import enums as _enums
from adapters.model import errors as _errors
from adapters.model import events as _events
from adapters.model import identifiers as _identifiers
from adapters.model import instruments as _instruments
from adapters.model import objects as _objects
from adapters.model import orders as _orders
from adapters.model import reports as _reports
from adapters.model.account import *  # noqa: F403
from adapters.model.commands import *  # noqa: F403
from adapters.model.data import *  # noqa: F403
from adapters.model.depth import *  # noqa: F403
from adapters.model.enums import *  # noqa: F403
from adapters.model.errors import *  # noqa: F403
from adapters.model.events import *  # noqa: F403
from adapters.model.identifiers import *  # noqa: F403
from adapters.model.instruments import *  # noqa: F403
from adapters.model.objects import *  # noqa: F403
from adapters.model.orders import *  # noqa: F403
from adapters.model.reports import *  # noqa: F403

__all__ = sorted(  # noqa: PLE0605
    {
        *_account.__all__,
        *_commands.__all__,
        *_data.__all__,
        *_depth.__all__,
        *_enums.__all__,
        *_errors.__all__,
        *_events.__all__,
        *_identifiers.__all__,
        *_instruments.__all__,
        *_objects.__all__,
        *_orders.__all__,
        *_reports.__all__,
    }
)
