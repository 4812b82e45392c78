"""The adapter under test: found by its spec, built through the contract's factory per case.

The suite knows adapters only through :mod:`adapters.contract`: ``load_adapter(spec)`` finds the
factory (entry point name in group ``venuekit.adapters``, or ``module:factory``), and
``factory.create(endpoints, credentials, sink, config)`` builds the clients, pointed at the case's
simulator. It never imports a specific adapter.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adapters import contract
from simulator import Simulator

__all__ = ["AdapterLoadError", "AdapterUnderTest", "BuiltAdapter", "endpoints_of", "load"]


class AdapterLoadError(Exception):
    """The adapter spec does not lead to a usable factory; the message says what to pass instead."""


@dataclass
class BuiltAdapter:
    """The clients a factory built for one case, and the sink recording what they publish."""

    clients: Any
    sink: Any
    credentials: Any
    endpoints: Any
    _closed: bool = field(default=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        # ``built.data``, ``built.execution``, ``built.instruments``: the factory's clients.
        clients = self.__dict__.get("clients")
        if clients is None:
            raise AttributeError(name)
        return getattr(clients, name)

    async def close(self) -> None:
        """Close every client the factory built (once); clients without close/disconnect are left."""
        if self._closed:
            return
        self._closed = True
        closer = getattr(self.clients, "close", None)
        if closer is not None:
            await _maybe_await(closer())
            return
        for client in _members(self.clients):
            for name in ("close", "disconnect"):
                method = getattr(client, name, None)
                if callable(method):
                    await _maybe_await(method())
                    break


def _members(clients: Any) -> Iterable[Any]:
    if isinstance(clients, dict):
        return list(clients.values())
    if isinstance(clients, (list, tuple)):
        return list(clients)
    return [value for value in vars(clients).values() if value is not None]


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def endpoints_of(sim: Simulator) -> Any:
    """The contract's ``Endpoints`` for the simulator: its REST base URL and WS URLs by role."""
    return contract.Endpoints(rest_base_url=sim.rest_url, ws=dict(sim.ws_urls))


@dataclass
class AdapterUnderTest:
    """An adapter found by its spec: its factory, name, version, dialect and declared capabilities."""

    spec: str
    factory: Any
    dialect: str

    @property
    def name(self) -> str:
        """The adapter's name (the factory's ``name``, else the spec)."""
        return str(getattr(self.factory, "name", None) or self.spec)

    @property
    def version(self) -> str:
        """The adapter's version (the factory's ``version``, else ``unknown``)."""
        return str(getattr(self.factory, "version", None) or "unknown")

    @property
    def capabilities(self) -> Any:
        """The factory's capability declaration (None claims nothing)."""
        return getattr(self.factory, "capabilities", None)

    def build(
        self, sim: Simulator, *, keys: bool = True, secret: str | None = None, config: Any = None
    ) -> BuiltAdapter:
        """Build the clients through the factory, pointed at ``sim``.

        Parameters:
            sim: the case's simulator.
            keys: give the demo account's credentials (False: none).
            secret: a secret to sign with instead of the demo one.
            config: the adapter's own config, passed through.
        """
        credentials = None
        demo = sim.credentials
        if keys and demo is not None:
            api_secret = secret if secret is not None else demo.api_secret
            credentials = contract.Credentials(api_key=demo.api_key, api_secret=api_secret)
        sink = contract.RecordingSink()
        endpoints = endpoints_of(sim)
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
