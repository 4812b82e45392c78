"""The normalized domain model every adapter speaks, mirroring NautilusTrader's names and fields.

Everything here is an immutable value (frozen, slotted dataclasses) whose ``repr`` pastes back
into Python with this package's namespace: ``eval(repr(x), vars(adapters.model)) == x``.
Timestamps are ``int`` nanoseconds since the Unix epoch (``ts_event``: when it happened at the
venue; ``ts_init``: when the adapter built the object).
"""

from __future__ import annotations

from adapters.model.enums import *  # noqa: F403
from adapters.model.enums import __all__ as _enums_all
from adapters.model.errors import *  # noqa: F403
from adapters.model.errors import __all__ as _errors_all
from adapters.model.identifiers import *  # noqa: F403
from adapters.model.identifiers import __all__ as _identifiers_all
from adapters.model.objects import *  # noqa: F403
from adapters.model.objects import __all__ as _objects_all

__all__ = sorted({*_enums_all, *_errors_all, *_identifiers_all, *_objects_all})  # noqa: PLE0605
