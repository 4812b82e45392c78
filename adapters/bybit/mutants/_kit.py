"""How a Bybit mutant is built: the real factory's clients, then one behaviour changed.

:func:`mutant` turns a function ``mutate(target)`` into an ``AdapterFactory`` (the module
attribute the mutant's ``adapter_spec`` names) and records its
:class:`~adapters.contract.mutants.MutantDeclaration` in :data:`REGISTERED`. The factory builds
the real Bybit clients with :class:`~adapters.bybit.factories.BybitAdapterFactory` and hands them
to ``mutate`` as a :class:`Target`, which reaches the pieces a fault lives in: the shared REST
client, every WebSocket client as it is created (public and private), and the event stream to
the sink.

:meth:`Target.on_websocket` uses the adapter's own seam for "a socket was just created": the
factory passes ``on_websocket_created`` to the data and execution clients, which call it with each
socket client before it connects. Nothing is patched at class or module level: the unmutated
adapter in the same process is untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adapters.bybit.factories import BybitAdapterFactory
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.contract.factory import AdapterClients, Credentials, Endpoints
from adapters.contract.mutants import MutantDeclaration
from adapters.contract.sink import EventSink
from adapters.network.http import HttpClient
from adapters.network.websocket import WebSocketClient

__all__ = ["REGISTERED", "MutantFactory", "RewritingSink", "Target", "mutant", "unchanged"]

#: Every Bybit mutant, in definition order (``adapters.bybit.mutants.MUTANTS`` is this, frozen).
REGISTERED: list[MutantDeclaration] = []

WsChange = Callable[[WebSocketClient], None]


class RewritingSink:
    """An ``EventSink`` that passes everything on after ``rewrite_event``/``rewrite_data`` had a look."""

    def __init__(
        self,
        inner: EventSink,
        rewrite_event: Callable[[Any], Any | None] | None = None,
        rewrite_data: Callable[[Any], Any | None] | None = None,
    ) -> None:
        """Each rewrite returns what to publish instead, or None to drop it."""
        self._inner = inner
        self._rewrite = rewrite_event or _same
        self._rewrite_data = rewrite_data or _same

    def on_data(self, data: Any) -> None:
        changed = self._rewrite_data(data)
        if changed is not None:
            self._inner.on_data(changed)

    def on_event(self, event: Any) -> None:
        changed = self._rewrite(event)
        if changed is not None:
            self._inner.on_event(changed)

    def on_response(self, correlation_id: Any, response: Any) -> None:
        self._inner.on_response(correlation_id, response)

    def on_error(self, error: BaseException, context: str) -> None:
        self._inner.on_error(error, context)


def _same(value: Any) -> Any:
    return value


class _SocketHooks:
    """The ``on_websocket_created`` of one mutant build: applies each registered change."""

    def __init__(self) -> None:
        self.changes: list[tuple[WsChange, bool, bool]] = []

    def __call__(self, bybit_ws: BybitWebSocketClient) -> None:
        for change, public, private in self.changes:
            if private if bybit_ws.is_private else public:
                change(bybit_ws.inner)


class Target:
    """The clients of one mutant build, and the hooks to change them."""

    def __init__(self, clients: AdapterClients, sink: EventSink, sockets: _SocketHooks) -> None:
        self.clients = clients
        self.sink = sink
        self._sockets = sockets

    @property
    def http(self) -> Any:
        """The REST client the provider, data and execution clients share (``BybitHttpClient``)."""
        return self.clients.provider._http  # type: ignore[attr-defined]

    def on_http(self, change: Callable[[HttpClient], None]) -> None:
        """Apply ``change`` to the toolkit HTTP client now and to each one reopened after a close."""
        http = self.http
        change(http._http)
        original = http._new_http

        def new_http() -> HttpClient:
            client = original()
            change(client)
            return client

        http._new_http = new_http

    def on_websocket(self, change: WsChange, *, public: bool = True, private: bool = True) -> None:
        """Apply ``change`` to every toolkit WebSocket client the adapter creates, before it connects.

        Parameters:
            change: the operator.
            public: on the data client's public sockets.
            private: on the execution client's private socket.
        """

        # The clients create their sockets in connect()/subscribe, after the mutant's change is
        # registered here, so every socket of the build gets it.
        self._sockets.changes.append((change, public, private))


class MutantFactory(BybitAdapterFactory):
    """The Bybit factory with one fault: builds the real clients, then calls ``mutate``."""

    version = "0.1.0+mutant"

    def __init__(
        self,
        name: str,
        mutate: Callable[[Target], None],
        rewrite_event: Callable[[Any], Any] | None = None,
        rewrite_data: Callable[[Any], Any] | None = None,
    ) -> None:
        self.name = f"bybit~{name}"
        self._mutate = mutate
        self._rewrite_event = rewrite_event
        self._rewrite_data = rewrite_data

    def create(
        self,
        endpoints: Endpoints,
        credentials: Credentials | None,
        sink: EventSink,
        config: Mapping[str, Any] | None = None,
    ) -> AdapterClients:
        """Build the real Bybit clients (see the base class), then apply the mutant's one change."""
        if self._rewrite_event is not None or self._rewrite_data is not None:
            sink = RewritingSink(sink, self._rewrite_event, self._rewrite_data)
        sockets = _SocketHooks()
        clients = self.build(endpoints, credentials, sink, config, on_websocket_created=sockets)
        self._mutate(Target(clients, sink, sockets))
        return clients


def mutant(
    description: str,
    *,
    groups: Iterable[str],
    expected: Iterable[str],
    rewrite_event: Callable[[Any], Any] | None = None,
    rewrite_data: Callable[[Any], Any] | None = None,
    notes: str = "",
) -> Callable[[Callable[[Target], None]], MutantFactory]:
    """Register the decorated ``mutate(target)`` as a mutant named after the function.

    The module attribute becomes the :class:`MutantFactory`, which the record's
    ``adapter_spec`` (``module:function_name``) names.

    Parameters:
        description: the fault in one line.
        groups: catalogue group names that see it (checked by the suite when it loads the list).
        expected: case ids of which at least one must fail (likewise).
        rewrite_event: also pass every published event through this (None: untouched).
        rewrite_data: the same for market data and instruments.
        notes: why the fault matters.
    """

    def register(mutate: Callable[[Target], None]) -> MutantFactory:
        name = mutate.__name__
        REGISTERED.append(
            MutantDeclaration(
                name=name,
                description=description,
                groups=tuple(groups),
                expected=tuple(expected),
                adapter_spec=f"{mutate.__module__}:{name}",
                notes=notes,
            )
        )
        return MutantFactory(name, mutate, rewrite_event, rewrite_data)

    return register


def unchanged(target: Target) -> None:
    """For mutants whose whole fault is in ``rewrite_event``."""
