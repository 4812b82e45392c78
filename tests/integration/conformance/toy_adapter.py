"""A tiny adapter for testing the conformance harness itself (not a product): it speaks Bybit REST
through aiohttp directly, loads linear instruments, and maps the venue's errors to the contract's.

``good`` follows the rules; ``bad`` sends its API key on public requests (H-01 must fail it).
Both claim only the LINEAR product and no order entry, so private cases are not applicable.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiohttp

from adapters.contract import (
    AdapterClients,
    Capabilities,
    Credentials,
    Endpoints,
    EventSink,
    Product,
    RateLimited,
    RetryableTransportError,
    VenueError,
)

__all__ = ["bad", "good"]


@dataclass
class CryptoPerpetual:
    raw_symbol: str
    price_increment: Decimal
    size_increment: Decimal
    is_inverse: bool = False


@dataclass
class CryptoFuture(CryptoPerpetual):
    expiration_ns: int = 0


class ToyProvider:
    def __init__(self, base_url: str, leak_key: str | None) -> None:
        self._base_url = base_url
        self._leak_key = leak_key
        self._instruments: dict[str, Any] = {}

    async def load_all_async(self, filters: Any = None) -> None:
        headers = {"X-BAPI-API-KEY": self._leak_key} if self._leak_key else {}
        url = f"{self._base_url}/v5/market/instruments-info?category=linear&limit=1000"
        async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
            text = await response.text()
        if response.status >= 500:
            raise RetryableTransportError(f"HTTP {response.status}", http_status=response.status)
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise VenueError("body is not JSON") from exc
        code, message = document["retCode"], document["retMsg"]
        if code == 10006:
            raise RateLimited(message, code=code)
        if code != 0:
            raise VenueError(message, code=code)
        for item in document["result"]["list"]:
            price = Decimal(item["priceFilter"]["tickSize"])
            size = Decimal(item["lotSizeFilter"]["qtyStep"])
            if item["contractType"] == "LinearPerpetual":
                self._instruments[item["symbol"]] = CryptoPerpetual(item["symbol"], price, size)
            else:
                expiry = int(item["deliveryTime"]) * 1_000_000
                self._instruments[item["symbol"]] = CryptoFuture(item["symbol"], price, size, False, expiry)

    def list_all(self) -> list[Any]:
        return list(self._instruments.values())


class ToyData:
    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        return None


class ToyFactory:
    version = "0.0.1"
    capabilities = Capabilities(products=frozenset({Product.LINEAR}), order_types=frozenset())

    def __init__(self, name: str, leak_key: bool) -> None:
        self.name = name
        self._leak_key = leak_key

    def create(
        self, endpoints: Endpoints, credentials: Credentials | None, sink: EventSink, config: Any = None
    ) -> AdapterClients:
        leak = "toy-key" if self._leak_key else None
        provider = ToyProvider(endpoints.rest_base_url, leak)
        return AdapterClients(provider=provider, data=ToyData(), execution=None)  # type: ignore[arg-type]


good = ToyFactory("toy", leak_key=False)
bad = ToyFactory("toy-bad", leak_key=True)
