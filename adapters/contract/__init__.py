"""The adapter contract: what the conformance suite drives and what every adapter implements.

Modules: ``errors`` (the normalized error taxonomy), ``capabilities`` (what an adapter claims),
``clients`` (the InstrumentProvider, MarketDataClient and ExecutionClient protocols), ``sink``
(where clients publish, and the RecordingSink tests use), ``factory`` (endpoints, credentials
and the AdapterFactory protocol) and ``discovery`` (finding an adapter by name).
"""

from __future__ import annotations

from adapters.contract import capabilities as _capabilities
from adapters.contract import clients as _clients
from adapters.contract import discovery as _discovery
from adapters.contract import errors as _errors
from adapters.contract import factory as _factory
from adapters.contract import sink as _sink
from adapters.contract.capabilities import *  # noqa: F403
from adapters.contract.clients import *  # noqa: F403
from adapters.contract.discovery import *  # noqa: F403
from adapters.contract.errors import *  # noqa: F403
from adapters.contract.factory import *  # noqa: F403
from adapters.contract.sink import *  # noqa: F403

__all__ = sorted(  # noqa: PLE0605
    {
        *_capabilities.__all__,
        *_clients.__all__,
        *_discovery.__all__,
        *_errors.__all__,
        *_factory.__all__,
        *_sink.__all__,
    }
)
