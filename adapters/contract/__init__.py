"""The adapter contract: what the conformance suite drives and what every adapter implements.

Modules: ``errors`` (the normalized error taxonomy), ``capabilities`` (what an adapter claims),
``clients`` (the InstrumentProvider, MarketDataClient and ExecutionClient protocols), ``sink``
(where clients publish, and the RecordingSink tests use), ``factory`` (endpoints, credentials
and the AdapterFactory protocol) and ``discovery`` (finding an adapter by name).
"""

from __future__ import annotations

from adapters.contract.errors import (
    AdapterError,
    AuthenticationError,
    FatalAdapterError,
    MissingCredentials,
    RateLimited,
    RetryableTransportError,
    VenueError,
    is_retryable,
)

__all__ = [
    "AdapterError",
    "AuthenticationError",
    "FatalAdapterError",
    "MissingCredentials",
    "RateLimited",
    "RetryableTransportError",
    "VenueError",
    "is_retryable",
]
