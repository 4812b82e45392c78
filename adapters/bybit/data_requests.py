"""Historical requests of the Bybit data client, over REST (the base class of BybitDataClient).

Each request publishes one :class:`~adapters.contract.sink.DataResponse` (data ascending by
``ts_event``) carrying the caller's correlation id, then returns. Time bounds and pagination:

- trades: ``/v5/market/recent-trade`` is the only public trade history (no time parameters;
  at most 1000, spot 60), so bounds are applied to what it returns;
- bars: ``/v5/market/kline`` with ``start``/``end``, paged backwards (``end = earliest - 1``) until
  ``limit`` bars or ``start`` is reached (§6.6); the still-open candle is dropped;
- order book: ``/v5/market/orderbook`` as one snapshot OrderBookDeltas;
- quotes: Bybit keeps no quote history, so the request is refused as unsupported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from adapters.bybit.common.consts import KLINE_MAX_LIMIT, RECENT_TRADE_MAX_LIMIT
from adapters.bybit.common.enums import BybitKlineInterval, BybitProductType
from adapters.bybit.common.mappings import UnsupportedByVenue, interval_from_bar_spec, split_instrument_id
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.parse import parse_bar, parse_book_snapshot, parse_trade_tick
from adapters.bybit.http.query import KlineParams, OrderbookParams, RecentTradesParams
from adapters.bybit.providers import BybitInstrumentProvider
from adapters.bybit.websocket.parse import interval_ms
from adapters.contract.errors import UnsupportedFeature
from adapters.contract.sink import DataResponse, EventSink
from adapters.model.data import BarType
from adapters.model.enums import AggregationSource, PriceType
from adapters.model.identifiers import ClientId, InstrumentId

__all__ = ["BybitDataRequests"]

_NS_PER_MS = 1_000_000


class BybitDataRequests:
    """The ``request_*`` half of the data client."""

    def __init__(
        self,
        http: BybitHttpClient,
        provider: BybitInstrumentProvider,
        sink: EventSink,
        clock_ns: Callable[[], int],
    ) -> None:
        """Keep the REST client, the instrument cache, the sink and the clock."""
        self._http = http
        self._provider = provider
        self._sink = sink
        self._clock_ns = clock_ns

    def _respond(
        self,
        correlation_id: UUID,
        data_type: str,
        data: list[Any],
        instrument_id: InstrumentId | None = None,
        **echo: Any,
    ) -> None:
        response = DataResponse(
            correlation_id=correlation_id,
            data_type=data_type,
            data=tuple(data),
            ts_init=self._clock_ns(),
            client_id=ClientId("BYBIT"),
            instrument_id=instrument_id,
            **echo,
        )
        self._sink.on_response(correlation_id, response)

    @staticmethod
    def _kline_target(bar_type: BarType, use: str) -> tuple[str, BybitProductType, BybitKlineInterval]:
        """The symbol, category and interval of ``bar_type``'s klines, for streaming or requesting.

        Args:
            bar_type: the bars wanted.
            use: ``"data"`` (a subscription) or ``"request"`` (history); names the refused feature.

        Raises:
            UnsupportedFeature: the bars are not LAST-price EXTERNAL, the step has no Bybit
                interval, or the instrument is an option (Bybit has no option klines).
        """
        spec = bar_type.bar_spec
        if (
            spec.price_type is not PriceType.LAST
            or bar_type.aggregation_source is not AggregationSource.EXTERNAL
        ):
            raise UnsupportedFeature("Bybit offers LAST-price EXTERNAL klines only", feature=f"{use}:BARS")
        try:
            interval = interval_from_bar_spec(spec.step, spec.aggregation)
        except UnsupportedByVenue as exc:
            raise UnsupportedFeature(str(exc), feature=f"{use}:BARS") from exc
        symbol, product = split_instrument_id(bar_type.instrument_id)
        if product is BybitProductType.OPTION:
            raise UnsupportedFeature("Bybit has no option klines", feature=f"OPTION/{use}:BARS")
        return symbol, product, interval

    async def request_instrument(
        self, instrument_id: InstrumentId, *, correlation_id: UUID, params: Any = None
    ) -> None:
        """Fetch one instrument from the venue and answer it."""
        await self._provider.load_async(instrument_id)
        self._respond(correlation_id, "Instrument", [self._provider.get(instrument_id)], instrument_id)

    async def request_instruments(self, *, correlation_id: UUID, params: Any = None) -> None:
        """Fetch every instrument of the configured categories and answer them."""
        await self._provider.load_all_async(dict(params) if params else None)
        self._respond(correlation_id, "Instrument", self._provider.list_all())

    async def request_quote_ticks(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Any = None,
    ) -> None:
        """Not offered: Bybit keeps no historical quotes."""
        raise UnsupportedFeature("Bybit keeps no historical quotes", feature="request:QUOTE_TICKS")

    async def request_trade_ticks(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Any = None,
    ) -> None:
        """Answer recent trades within ``[start_ns, end_ns]``, the newest ``limit``, ascending."""
        instrument = self._provider.get(instrument_id)
        symbol, product = split_instrument_id(instrument_id)
        venue_limit = RECENT_TRADE_MAX_LIMIT[product.value]
        query = RecentTradesParams(product, symbol=symbol, limit=min(limit or venue_limit, venue_limit))
        ts_init = self._clock_ns()
        ticks = [
            parse_trade_tick(t, instrument, ts_init) for t in await self._http.http_get_recent_trades(query)
        ]
        ticks = [
            t
            for t in ticks
            if (start_ns is None or t.ts_event >= start_ns) and (end_ns is None or t.ts_event <= end_ns)
        ]
        ticks.sort(key=lambda t: t.ts_event)
        if limit is not None:
            ticks = ticks[-limit:]
        self._respond(
            correlation_id, "TradeTick", ticks, instrument_id, start_ns=start_ns, end_ns=end_ns, limit=limit
        )

    async def request_bars(
        self,
        bar_type: BarType,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Any = None,
    ) -> None:
        """Answer closed bars in ``[start_ns, end_ns]`` (paging backwards), at most ``limit``, ascending."""
        symbol, product, interval = self._kline_target(bar_type, "request")
        instrument = self._provider.get(bar_type.instrument_id)
        length_ms = interval_ms(interval.value)
        now_ms = self._clock_ns() // _NS_PER_MS
        start_ms = start_ns // _NS_PER_MS if start_ns is not None else None
        # No end: the venue's "up to now" (its clock, not this host's, which may be minutes off).
        end_ms = end_ns // _NS_PER_MS if end_ns is not None else None
        wanted = limit or KLINE_MAX_LIMIT
        rows: dict[int, Any] = {}
        cursor_end = end_ms
        venue_now_ms: int | None = None
        while len(rows) < wanted:
            page_limit = min(KLINE_MAX_LIMIT, wanted - len(rows) + 1)
            page, answered_ms = await self._http.http_get_kline_timed(
                KlineParams(product, symbol, interval, start=start_ms, end=cursor_end, limit=page_limit)
            )
            if venue_now_ms is None:
                venue_now_ms = answered_ms
            fresh = [k for k in page if int(k.start) not in rows]
            for kline in fresh:
                rows[int(kline.start)] = kline
            if not fresh:
                break
            earliest = min(int(k.start) for k in fresh)
            if start_ms is not None and earliest <= start_ms:
                break
            cursor_end = earliest - 1
        ts_init = self._clock_ns()
        bars = [
            parse_bar(rows[start], bar_type, instrument, length_ms, ts_init)
            for start in sorted(rows)
            # The open candle is not a bar yet; "open" by the venue's clock (the first page's
            # answer time), this host's only when the venue sent none.
            if start + length_ms <= (venue_now_ms or now_ms)
            and (start_ms is None or start >= start_ms)
            and (end_ms is None or start + length_ms <= end_ms + 1)
        ]
        if limit is not None:
            bars = bars[-limit:]
        self._respond(
            correlation_id, "Bar", bars, bar_type.instrument_id, start_ns=start_ns, end_ns=end_ns, limit=limit
        )

    async def request_order_book_snapshot(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        params: Any = None,
    ) -> None:
        """Answer the REST book (``limit`` levels a side) as one snapshot OrderBookDeltas."""
        instrument = self._provider.get(instrument_id)
        symbol, product = split_instrument_id(instrument_id)
        cap = 25 if product is BybitProductType.OPTION else 200
        book = await self._http.http_get_orderbook(
            OrderbookParams(product, symbol, limit=min(limit or cap, cap))
        )
        self._respond(
            correlation_id,
            "OrderBookDeltas",
            [parse_book_snapshot(book, instrument, self._clock_ns())],
            instrument_id,
            limit=limit,
        )
