"""Endpoints, Credentials, and finding a factory by module:attr and by entry point."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from adapters.contract import (
    AdapterFactory,
    AdapterNotFound,
    Capabilities,
    Credentials,
    Endpoints,
    FatalAdapterError,
    InvalidAdapter,
    MissingCredentials,
    Product,
    RecordingSink,
    installed_adapters,
    load_adapter,
)

TOY = """
from adapters.contract import AdapterClients, Capabilities, Product


class ToyFactory:
    name = "toy"
    version = "0.0.1"
    capabilities = Capabilities(products={Product.SPOT})

    def create(self, endpoints, credentials, sink, config=None):
        return AdapterClients(provider=endpoints, data=sink, execution=None)


toy = ToyFactory()
not_a_factory = object()


class NeedsArgs(ToyFactory):
    def __init__(self, x):
        pass
"""


@pytest.fixture
def toy_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module ``venuekit_toy_adapter`` on sys.path, registered as entry point ``toy``."""
    (tmp_path / "venuekit_toy_adapter.py").write_text(TOY)
    dist = tmp_path / "venuekit_toy-0.0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: venuekit-toy\nVersion: 0.0.1\n")
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(
            """\
            [venuekit.adapters]
            toy = venuekit_toy_adapter:ToyFactory
            broken = venuekit_toy_adapter:not_a_factory
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "venuekit_toy_adapter", raising=False)
    return "venuekit_toy_adapter"


def test_load_by_module_attr_instance_or_class(toy_module: str) -> None:
    by_instance = load_adapter(f"{toy_module}:toy")
    by_class = load_adapter(f"{toy_module}:ToyFactory")
    for factory in (by_instance, by_class):
        assert isinstance(factory, AdapterFactory)
        assert (factory.name, factory.version) == ("toy", "0.0.1")
    endpoints = Endpoints(rest_base_url="http://127.0.0.1:1/")
    sink = RecordingSink()
    clients = by_class.create(endpoints, None, sink)
    assert clients.provider is endpoints and clients.data is sink and clients.execution is None


def test_load_by_entry_point_name(toy_module: str) -> None:
    assert installed_adapters()["toy"] == f"{toy_module}:ToyFactory"
    assert load_adapter("toy").name == "toy"


def test_unknown_names_list_the_installed_adapters(toy_module: str) -> None:
    with pytest.raises(
        AdapterNotFound, match=r"no adapter named 'nope'.*toy \(venuekit_toy_adapter:ToyFactory\)"
    ):
        load_adapter("nope")
    with pytest.raises(AdapterNotFound, match="module 'no_such_module_xyz' not found"):
        load_adapter("no_such_module_xyz:Factory")
    with pytest.raises(AdapterNotFound, match="has no attribute 'Missing'"):
        load_adapter(f"{toy_module}:Missing")
    with pytest.raises(AdapterNotFound):
        load_adapter("  ")


def test_things_that_are_not_factories_are_refused(toy_module: str) -> None:
    with pytest.raises(InvalidAdapter, match="missing"):
        load_adapter("broken")
    with pytest.raises(InvalidAdapter, match="no arguments"):
        load_adapter(f"{toy_module}:NeedsArgs")
    assert issubclass(InvalidAdapter, FatalAdapterError)


def test_endpoints_validate_and_freeze() -> None:
    endpoints = Endpoints(
        rest_base_url="https://api.bybit.com/",
        ws_public={Product.LINEAR: "wss://stream.bybit.com/v5/public/linear"},
        ws_private="wss://stream.bybit.com/v5/private",
    )
    assert endpoints.rest_base_url == "https://api.bybit.com"
    assert endpoints.public_url(Product.LINEAR).endswith("/linear")
    with pytest.raises(FatalAdapterError, match="no public WebSocket URL for SPOT"):
        endpoints.public_url(Product.SPOT)
    with pytest.raises(TypeError):
        endpoints.ws_public[Product.SPOT] = "wss://x"  # type: ignore[index]
    with pytest.raises(FatalAdapterError, match="ws:// or wss://"):
        Endpoints(rest_base_url="http://x", ws_private="http://x")
    with pytest.raises(FatalAdapterError, match="Product members"):
        Endpoints(rest_base_url="http://x", ws_public={"linear": "ws://x"})  # type: ignore[dict-item]
    with pytest.raises(FatalAdapterError, match="http:// or https://"):
        Endpoints(rest_base_url="api.bybit.com")


def test_credentials_hide_secrets_and_name_missing_variables() -> None:
    creds = Credentials("KEY123456789", "top-secret", passphrase="pp")
    text = repr(creds)
    assert "top-secret" not in text and "pp'" not in text and "KEY123456789" not in text
    assert "KEY1" in text
    env = {"BYBIT_API_KEY": "k", "BYBIT_API_SECRET": "s"}
    assert Credentials.from_env("BYBIT", env) == Credentials("k", "s")
    with pytest.raises(MissingCredentials, match="BYBIT_API_SECRET") as info:
        Credentials.from_env("BYBIT", {"BYBIT_API_KEY": "k"})
    assert info.value.env_var == "BYBIT_API_SECRET"
    with pytest.raises(MissingCredentials):
        Credentials("", "s")


def test_capabilities_is_required_of_a_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "venuekit_bad_caps.py").write_text(
        "class F:\n    name='x'\n    version='1'\n    capabilities={}\n    def create(self, *a): ...\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InvalidAdapter, match="Capabilities"):
        load_adapter("venuekit_bad_caps:F")
    assert Capabilities(products={Product.SPOT}).products == {Product.SPOT}
