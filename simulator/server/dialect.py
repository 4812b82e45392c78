"""How the server hosts a venue dialect: the seam between the aiohttp server and one venue's wire format.

The server is venue-neutral. Everything it needs to know about a venue goes through a
:class:`Dialect`: how to build the REST API object that answers requests (pure, synchronous,
never raising: :class:`RestApi`), how to register API keys and tell which account a request is
for (fault matching), how the venue words an injected error or rate-limit answer, and which
WebSocket routes it adds (the ``add_ws_routes`` hook the WebSocket sessions plug into).

Dialects are found by name in :data:`DIALECTS` (imported when first used), or passed as objects
(tests pass a small fake that implements this protocol).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from simulator.server.errors import SimulatorUsageError

if TYPE_CHECKING:
    from aiohttp import web

    from simulator.scenario import BuiltVenue
    from simulator.server.simulator import Simulator

__all__ = [
    "DIALECTS",
    "ApiKeySpec",
    "Dialect",
    "Reply",
    "RestApi",
    "RestReply",
    "can_validate_responses",
    "resolve_dialect",
]

#: Dialect name -> ``module:attribute`` of its :class:`Dialect` (a class or an instance).
DIALECTS: dict[str, str] = {"bybit": "simulator.server.bindings.bybit:BybitDialect"}

Headers = tuple[tuple[str, str], ...]


class RestReply(Protocol):
    """What a dialect's REST API answers one request with."""

    status: int
    headers: Headers
    body: bytes
    #: The authentication verdict (a :class:`~simulator.server.journal.AuthVerdict` value).
    auth: str
    account_id: str | None
    quota_keys: tuple[str, ...]


class RestApi(Protocol):
    """A venue's REST API as a pure object: no sockets, no asyncio; ``handle`` never raises.

    It listens to its exchange's events itself from when it is built (``on_event``) until
    ``close()``. Exceptions it catches while answering (its own bugs, or the core's) go to
    ``errors``, from which the server takes them to re-raise into the test (house rule 10).
    """

    errors: list[BaseException]

    def handle(
        self,
        method: str,
        path: str,
        raw_query: str,
        headers: Mapping[str, str],
        body: bytes,
        remote: str = "127.0.0.1",
        *,
        item_errors: Mapping[int, tuple[int, str | None]] | None = None,
    ) -> RestReply:
        """Answer one request as the venue.

        ``item_errors`` (a ``batch_item_error`` fault; the server passes it only then) refuses
        items of a batch request: 0-based item position -> (code, message; None: the venue's
        message for the code). Those items are answered with the refusal in the batch's per-item
        results and never acted on; the others are handled as usual. A dialect without batch
        routes may leave the keyword out.
        """
        ...

    def on_event(self, event: Any) -> None: ...

    def close(self) -> None:
        """Stop listening to the exchange."""
        ...


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer the server builds itself (an injected fault, a server error)."""

    status: int
    headers: Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class ApiKeySpec:
    """An API key in the scenario's terms (permissions ``read``, ``spot``, ``derivatives``, ...)."""

    key: str
    secret: str
    account_id: str
    permissions: frozenset[str]
    label: str = ""


class Dialect(Protocol):
    """What the server needs from a venue dialect."""

    #: The name scenarios use (``dialect: bybit``).
    name: str
    #: WebSocket endpoints to advertise, label -> path (``{"public linear": "/v5/public/linear"}``).
    ws_paths: Mapping[str, str]

    def credentials(self, keys: Sequence[ApiKeySpec]) -> Any:
        """The dialect's key registry holding ``keys``."""
        ...

    def add_api_key(self, credentials: Any, key: ApiKeySpec) -> None:
        """Register one more key in a registry from :meth:`credentials`."""
        ...

    def account_of(self, credentials: Any, headers: Mapping[str, str]) -> str | None:
        """The account whose API key a request carries (unverified; for fault matching), or None."""
        ...

    def build_rest_api(
        self, venue: BuiltVenue, credentials: Any, *, now_ms: Callable[[], int], max_body_bytes: int
    ) -> RestApi:
        """The REST API answering for ``venue``, already listening to its exchange's events.

        ``now_ms`` is the venue time as clients see it (clock skew included).
        """
        ...

    def error_reply(self, code: int, message: str | None, *, now_ms: int, http_status: int = 200) -> Reply:
        """The venue's error answer with ``code`` (``message`` None: the venue's own message for it)."""
        ...

    def rate_limit_reply(self, path: str, account_id: str | None, *, now_ms: int, reset_ms: int) -> Reply:
        """The venue's rate-limit refusal for ``path``, its limit reset ``reset_ms`` in the future."""
        ...

    def server_error_reply(self, *, now_ms: int) -> Reply:
        """The answer to a request the server itself failed on (an HTTP 500 in the venue's words)."""
        ...

    def add_ws_routes(self, app: web.Application, sim: Simulator) -> None:
        """Add the dialect's WebSocket routes to ``app`` (before the catch-all REST route).

        Sessions use ``sim.journal``, ``sim.faults.select_ws(...)``, ``sim.subscribe(...)`` and
        ``sim.record_error(...)``, and close themselves in ``app.on_shutdown``.
        """
        ...


def resolve_dialect(dialect: str | Dialect) -> Dialect:
    """The dialect called ``dialect``, or ``dialect`` itself when it is already one.

    Raises:
        SimulatorUsageError: no dialect has that name, or its module is not installed.
    """
    if not isinstance(dialect, str):
        return dialect
    target = DIALECTS.get(dialect)
    if target is None:
        known = ", ".join(sorted(DIALECTS))
        raise SimulatorUsageError(f"no simulator dialect {dialect!r}; this venuekit serves: {known}")
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    found = getattr(module, attribute)
    return found() if isinstance(found, type) else found


def can_validate_responses(dialect: Dialect) -> bool:
    """Whether ``dialect`` can check its REST answers against schemas.

    Such a dialect has a writable ``validate_responses`` flag, read when it builds a REST API
    (``Simulator(validate_responses=True)`` sets it). Dialects without schemas leave it out.
    """
    return hasattr(dialect, "validate_responses")
