"""BybitInstrumentProvider: loads spot, linear, inverse and option instruments over REST.

Each category is read from ``/v5/market/instruments-info`` (paging on ``nextPageCursor``), every
item parsed into the right instrument class. With credentials, the account's fee rates are read
from ``/v5/account/fee-rate`` per category and attached (options match on ``baseCoin``, §6.9);
without credentials instruments load with zero fees rather than failing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from adapters.bybit.common.enums import BybitInstrumentStatus, BybitProductType
from adapters.bybit.common.mappings import split_instrument_id
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.models import BybitFeeRate
from adapters.bybit.http.parse import parse_instrument
from adapters.bybit.http.query import FeeRateParams, InstrumentsInfoParams
from adapters.contract.errors import AdapterError, FatalAdapterError
from adapters.model.identifiers import InstrumentId
from adapters.model.instruments import Instrument

__all__ = ["FILTER_KEYS", "BybitInstrumentProvider"]

log = logging.getLogger(__name__)

#: The filter keys the ``load_*`` methods understand (the contract: unknown keys raise).
FILTER_KEYS = frozenset({"product_types", "base_coins", "include_inactive"})


def _checked(filters: dict[str, Any] | None) -> dict[str, Any]:
    """``filters`` (or ``{}``) after refusing keys this provider does not know.

    A misspelt filter would otherwise be ignored silently and load more than asked for.

    Raises:
        FatalAdapterError: a key is not in :data:`FILTER_KEYS` (the message lists them).
    """
    filters = dict(filters or {})
    unknown = sorted(set(filters) - FILTER_KEYS)
    if unknown:
        raise FatalAdapterError(
            f"unknown Bybit instrument filter(s) {unknown}; the known keys are {sorted(FILTER_KEYS)}"
        )
    return filters


class BybitInstrumentProvider:
    """Supplies Bybit instrument definitions and caches them by id.

    Filters (all optional) accepted by the ``load_*`` methods:

    - ``product_types``: categories to load (default: the provider's);
    - ``base_coins``: only instruments on these base coins (options are queried per coin);
    - ``include_inactive``: also keep instruments whose status is not ``Trading``.
    """

    def __init__(
        self,
        http: BybitHttpClient,
        product_types: Iterable[BybitProductType],
        *,
        clock_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        """Create a provider.

        Args:
            http: the REST client (with credentials to load fee rates too).
            product_types: the categories ``load_all_async`` loads by default.
            clock_ns: the ``ts_init`` source.
        """
        self._http = http
        self.product_types = tuple(product_types)
        self._clock_ns = clock_ns
        self._instruments: dict[InstrumentId, Instrument] = {}

    # ------------------------------------------------------------------ lookup

    def find(self, instrument_id: InstrumentId) -> Instrument | None:
        """The loaded instrument with this id, or ``None``."""
        return self._instruments.get(instrument_id)

    def get(self, instrument_id: InstrumentId) -> Instrument:
        """The loaded instrument with this id.

        Raises:
            FatalAdapterError: it is not loaded (says how to load it).
        """
        instrument = self._instruments.get(instrument_id)
        if instrument is None:
            raise FatalAdapterError(
                f"instrument {instrument_id} is not loaded; call load_async({instrument_id!r}) "
                "or load_all_async() first"
            )
        return instrument

    def list_all(self) -> list[Instrument]:
        """Every loaded instrument, in load order."""
        return list(self._instruments.values())

    def get_all(self) -> dict[InstrumentId, Instrument]:
        """Every loaded instrument by id (a copy)."""
        return dict(self._instruments)

    def add(self, instrument: Instrument) -> None:
        """Add or replace one instrument (tests, or instruments from another source)."""
        self._instruments[instrument.instrument_id] = instrument

    @property
    def count(self) -> int:
        """How many instruments are loaded."""
        return len(self._instruments)

    # ------------------------------------------------------------------ loading

    async def load_all_async(self, filters: dict[str, Any] | None = None) -> None:
        """Load every instrument of the configured (or filtered) categories.

        Raises:
            FatalAdapterError: an unknown filter key.
            AdapterError: a category failed to load (the taxonomy error of that request).
        """
        filters = _checked(filters)
        products = tuple(BybitProductType(p) for p in filters.get("product_types", self.product_types))
        for product in products:
            await self._load_category(product, filters)

    async def load_ids_async(
        self, instrument_ids: list[InstrumentId], filters: dict[str, Any] | None = None
    ) -> None:
        """Load the given instruments (one request per symbol).

        Raises:
            ValueError: an id is not a Bybit id.
            FatalAdapterError: an unknown filter key, or the venue does not list one of them.
        """
        filters = _checked(filters)
        for instrument_id in instrument_ids:
            await self.load_async(instrument_id, filters)

    async def load_async(self, instrument_id: InstrumentId, filters: dict[str, Any] | None = None) -> None:
        """Load one instrument by id.

        Raises:
            ValueError: the id is not a Bybit id (``SYMBOL-PRODUCT.BYBIT``).
            FatalAdapterError: an unknown filter key, or the venue does not list it.
        """
        _checked(filters)
        symbol, product = split_instrument_id(instrument_id)
        items = await self._http.http_get_instruments_info(InstrumentsInfoParams(product, symbol=symbol))
        fees = await self._fees(product)
        found = [item for item in items if item.get("symbol") == symbol]
        if not found:
            raise FatalAdapterError(f"Bybit lists no {product.value} instrument {symbol!r}")
        self._add(found[0], product, fees)

    async def _load_category(self, product: BybitProductType, filters: dict[str, Any]) -> None:
        base_coins = filters.get("base_coins")
        if product is BybitProductType.OPTION and base_coins:
            items: list[dict[str, Any]] = []
            for coin in base_coins:
                params = InstrumentsInfoParams(product, base_coin=coin, limit=1000)
                items.extend(await self._http.http_get_instruments_info(params))
        else:
            limit = None if product is BybitProductType.SPOT else 1000
            items = await self._http.http_get_instruments_info(InstrumentsInfoParams(product, limit=limit))
        fees = await self._fees(product)
        include_inactive = bool(filters.get("include_inactive", False))
        for item in items:
            if base_coins and item.get("baseCoin") not in base_coins:
                continue
            if not include_inactive and item.get("status") != BybitInstrumentStatus.TRADING.value:
                continue
            self._add(item, product, fees)

    def _add(self, item: dict[str, Any], product: BybitProductType, fees: dict[str, BybitFeeRate]) -> None:
        key = item.get("baseCoin", "") if product is BybitProductType.OPTION else item.get("symbol", "")
        instrument = parse_instrument(item, product, self._clock_ns(), fees.get(key))
        self._instruments[instrument.instrument_id] = instrument

    async def _fees(self, product: BybitProductType) -> dict[str, BybitFeeRate]:
        """Fee rates by symbol (options: by base coin); empty without credentials or on refusal."""
        if self._http.credential is None:
            return {}
        try:
            rates = await self._http.http_get_fee_rates(FeeRateParams(product))
        except AdapterError as exc:
            # Fees refine instruments; a key without account permissions must not block loading.
            log.warning("Bybit fee rates for %s unavailable (%s); loading with zero fees", product.value, exc)
            return {}
        return {
            (rate.base_coin if product is BybitProductType.OPTION else rate.symbol): rate for rate in rates
        }
