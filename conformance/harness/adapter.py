"""The adapter under test: found by its spec, built through the contract's factory per case.

The suite knows adapters only through :mod:`adapters.contract`: ``load_adapter(spec)`` finds the
factory (entry point name in group ``venuekit.adapters``, or ``module:factory``), and
``factory.create(endpoints, credentials, sink, config)`` builds the clients, pointed at the case's
simulator. It never imports a specific adapter.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final

from adapters import contract
from simulator import Simulator

__all__ = ["SUITE_TIMING", "AdapterLoadError", "AdapterUnderTest", "BuiltAdapter", "endpoints_of", "load"]

#: Short waits the suite asks every adapter for, through ``factory.conformance_config(**knobs)``
#: (only the knobs its signature names). No case judges these waits' length, only what happens
#: after them, so the cases stay as strict and need not wait through production backoffs: a REST
#: call that exhausts its retries on a persistent fault takes 0.14 s instead of 1.4 s, and a
#: dropped socket comes back in 20 ms instead of 250 ms. A case's own config wins over them (F-03
#: passes the documented defaults explicitly).
SUITE_TIMING: Final[Mapping[str, float]] = {"retry_delay_s": 0.02, "reconnect_delay_s": 0.02}


class AdapterLoadError(Exception):
    """The adapter spec does not lead to a usable factory; the message says what to pass instead."""


@dataclass
class BuiltAdapter:
    """The clients a factory built for one case, and the sink recording what they publish."""

    clients: contract.AdapterClients
    sink: contract.RecordingSink
    credentials: contract.Credentials | None
    endpoints: contract.Endpoints
    _closed: bool = field(default=False, repr=False)

    @property
    def provider(self) -> contract.InstrumentProvider:
        return self.clients.provider

    @property
    def data(self) -> contract.MarketDataClient:
        return self.clients.data

    @property
    def execution(self) -> contract.ExecutionClient | None:
        return self.clients.execution

    async def close(self) -> None:
        """Disconnect the data and execution clients (once)."""
        if self._closed:
            return
        self._closed = True
        for client in (self.clients.execution, self.clients.data):
            if client is not None:
                await _maybe_await(client.disconnect())


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


#: The simulator's WebSocket labels (``Simulator.ws_urls``) by the contract's product.
_PUBLIC_LABELS: dict[contract.Product, str] = {
    contract.Product.SPOT: "public spot",
    contract.Product.LINEAR: "public linear",
    contract.Product.FUTURE: "public linear",  # dated linear futures stream on the linear channel
    contract.Product.INVERSE: "public inverse",
    contract.Product.OPTION: "public option",
}


def endpoints_of(sim: Simulator) -> contract.Endpoints:
    """The contract's ``Endpoints`` for the simulator: its REST base URL and WS URLs by role."""
    urls = sim.ws_urls
    public = {product: urls[label] for product, label in _PUBLIC_LABELS.items() if label in urls}
    return contract.Endpoints(
        rest_base_url=sim.rest_url,
        ws_public=public,
        ws_private=urls.get("private"),
        ws_trade=urls.get("trade"),
    )


@dataclass
class AdapterUnderTest:
    """An adapter found by its spec: its factory, name, version, dialect and declared capabilities."""

    spec: str
    factory: contract.AdapterFactory
    dialect: str

    @property
    def name(self) -> str:
        """The adapter's name (the factory's ``name``, else the spec)."""
        return str(self.factory.name or self.spec)

    @property
    def version(self) -> str:
        """The adapter's version (the factory's ``version``, else ``unknown``)."""
        return str(self.factory.version or "unknown")

    @property
    def capabilities(self) -> contract.Capabilities:
        """The factory's capability declaration."""
        return self.factory.capabilities

    @cached_property
    def suite_config(self) -> Mapping[str, Any]:
        """The adapter's config for :data:`SUITE_TIMING` (empty when its factory offers no hook)."""
        hook = getattr(self.factory, "conformance_config", None)
        if not callable(hook):
            return {}
        params = inspect.signature(hook).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        knobs = {k: v for k, v in SUITE_TIMING.items() if takes_any or k in params}
        return dict(hook(**knobs)) if knobs else {}

    def build(
        self, sim: Simulator, *, keys: bool = True, secret: str | None = None, config: Any = None
    ) -> BuiltAdapter:
        """Build the clients through the factory, pointed at ``sim``.

        Parameters:
            sim: the case's simulator.
            keys: give the demo account's credentials (False: none).
            secret: a secret to sign with instead of the demo one.
            config: the adapter's own config; a mapping (or None) is laid over
                :attr:`suite_config`, any other object is passed through unchanged.
        """
        credentials = None
        demo = sim.credentials
        if keys and demo is not None:
            api_secret = secret if secret is not None else demo.api_secret
            credentials = contract.Credentials(demo.api_key, api_secret)
        sink = contract.RecordingSink()
        endpoints = endpoints_of(sim)
        if config is None or isinstance(config, Mapping):
            config = {**self.suite_config, **(config or {})} or config
        clients = self.factory.create(endpoints, credentials, sink, config)
        return BuiltAdapter(clients, sink, credentials, endpoints)


def load(spec: str, dialect: str | None = None) -> AdapterUnderTest:
    """Find the adapter named by ``spec``.

    Parameters:
        spec: an entry point name in group ``venuekit.adapters`` (``bybit``) or ``module:factory``.
        dialect: the simulator dialect to certify against; the factory's ``dialect``, else ``bybit``.

    Raises:
        AdapterLoadError: nothing is found under ``spec``; the message lists what is installed.
    """
    try:
        factory = contract.load_adapter(spec)
    except Exception as exc:
        raise AdapterLoadError(
            f"cannot load adapter {spec!r}: {exc}. Pass an entry point name of group "
            "'venuekit.adapters' (e.g. --adapter=bybit) or 'package.module:factory'."
        ) from exc
    chosen = dialect or getattr(factory, "dialect", None) or "bybit"
    return AdapterUnderTest(spec, factory, str(chosen))
