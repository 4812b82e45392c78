"""The normalized domain model every adapter speaks, mirroring NautilusTrader's names and fields.

Everything here is an immutable value (frozen, slotted dataclasses) whose ``repr`` pastes back
into Python with this package's namespace: ``eval(repr(x), vars(adapters.model)) == x`` (the
namespace also holds ``Decimal`` and ``UUID``, which the reprs use). Timestamps are ``int``
nanoseconds since the Unix epoch: ``ts_event`` when it happened at the venue, ``ts_init`` when
the adapter built the object.

Modules: ``identifiers``, ``objects`` (Price, Quantity, Money, Currency), ``enums``,
``instruments``, ``data``, ``orders``, ``commands``, ``events``, ``reports``, ``account``.
"""

from __future__ import annotations

from decimal import Decimal  # noqa: F401  (in the namespace reprs are evaluated in)
from uuid import UUID  # noqa: F401  (in the namespace reprs are evaluated in)

from adapters.model import data as _data
from adapters.model import enums as _enums
from adapters.model import errors as _errors
from adapters.model import identifiers as _identifiers
from adapters.model import instruments as _instruments
from adapters.model import objects as _objects
from adapters.model.data import *  # noqa: F403
from adapters.model.enums import *  # noqa: F403
from adapters.model.errors import *  # noqa: F403
from adapters.model.identifiers import *  # noqa: F403
from adapters.model.instruments import *  # noqa: F403
from adapters.model.objects import *  # noqa: F403

__all__ = sorted(  # noqa: PLE0605
    {
        *_data.__all__,
        *_enums.__all__,
        *_errors.__all__,
        *_identifiers.__all__,
        *_instruments.__all__,
        *_objects.__all__,
    }
)
