"""BybitDataClient: live market data from the public streams, history from REST.

One public socket per category, opened on first use. Topic choices (§7.5, §8.3):

- order book deltas/snapshots: ``orderbook.{depth}.{symbol}``, sequence-checked; a gap or a
  delta before the first snapshot triggers a resync (unsubscribe + subscribe, so the venue sends
  a fresh snapshot); a reconnect drops every book until its snapshot arrives;
- quotes: ``orderbook.1.{symbol}`` on spot (spot tickers carry no bid/ask), ``tickers.{symbol}``
  elsewhere (linear/inverse deltas are merged into the last snapshot first);
- trades: ``publicTrade.{symbol}`` (options: ``publicTrade.{baseCoin}``, filtered by symbol);
- mark/index prices and funding rates: ``tickers.{symbol}``;
- bars: ``kline.{interval}.{symbol}``, closed candles only;
- instruments: reloaded every ``instrument_refresh_interval_s`` while connected (when set), new
  or changed ones published (Bybit has no instrument stream).

A topic shared by several subscriptions (tickers) is subscribed once and dropped with its last
user. Topics are tracked per category (:data:`~adapters.bybit.data_stream.TopicKey`): spot and
linear ``BTCUSDT`` share topic names (``publicTrade.BTCUSDT``) but are different instruments on
different sockets, and each socket's pushes are routed with its own category. Push routing
lives in :mod:`adapters.bybit.data_stream`, historical requests in
:mod:`adapters.bybit.data_requests`.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.mappings import (
    BYBIT_VENUE,
    split_instrument_id,
)
from adapters.bybit.common.urls import BybitUrls
from adapters.bybit.config import BybitDataClientConfig
from adapters.bybit.data_requests import BybitDataRequests
from adapters.bybit.data_stream import BybitStreamRouter, TopicKey
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.instrument_refresh import InstrumentRefresher
from adapters.bybit.providers import BybitInstrumentProvider
from adapters.bybit.websocket.books import BookSequencer, LocalBook
from adapters.bybit.websocket.client import BybitWebSocketClient, WebSocketCreated
from adapters.bybit.websocket.depth import compact_depth
from adapters.bybit.websocket.messages import topic_kline, topic_orderbook, topic_public_trade, topic_tickers
from adapters.contract.errors import UnsupportedFeature
from adapters.contract.sink import EventSink
from adapters.model.data import BarType
from adapters.model.depth import DEPTH10_LEVELS
from adapters.model.enums import BookType
from adapters.model.identifiers import ClientId, InstrumentId, Venue
from adapters.model.instruments import CryptoOption, Instrument

__all__ = ["BybitDataClient"]

log = logging.getLogger(__name__)

_DEPTHS = {
    BybitProductType.SPOT: (1, 50, 200, 1000),
    BybitProductType.LINEAR: (1, 50, 200, 500, 1000),
    BybitProductType.INVERSE: (1, 50, 200, 500, 1000),
    BybitProductType.OPTION: (25, 100),
}


class BybitDataClient(BybitStreamRouter, BybitDataRequests):
    """Implements the contract's MarketDataClient for Bybit."""

    def __init__(
        self,
        http: BybitHttpClient,
        provider: BybitInstrumentProvider,
        urls: BybitUrls,
        sink: EventSink,
        config: BybitDataClientConfig,
        *,
        clock_ns: Callable[[], int] = time.time_ns,
        on_websocket_created: WebSocketCreated | None = None,
    ) -> None:
        """Create the client (nothing connects until :meth:`connect`).

        Args:
            http: the shared REST client.
            provider: the instruments subscriptions and requests resolve against.
            urls: where the public streams are.
            sink: where data, responses and errors go.
            config: data settings.
            clock_ns: stamps ``ts_init`` of parsed data.
            on_websocket_created: called with every public socket client right after it is
                created, before it connects (instrumentation, fault injection in tests).
        """
        super().__init__(http, provider, sink, clock_ns)
        self._urls = urls
        self._config = config
        self._sockets: dict[BybitProductType, BybitWebSocketClient] = {}
        self._on_websocket_created = on_websocket_created
        # Every topic table is keyed by (category, topic): spot and linear share topic names.
        # (category, topic) -> the subscription kinds using it (dropped with its last kind)
        self._users: dict[TopicKey, set[str]] = defaultdict(set)
        # (category, topic) -> instruments its pushes carry (option trades share one topic per coin)
        self._topic_instruments: dict[TopicKey, dict[str, Instrument]] = defaultdict(dict)
        self._bar_types: dict[TopicKey, BarType] = {}
        self._tickers: dict[TopicKey, dict[str, Any]] = {}
        self._local_books: dict[TopicKey, LocalBook] = {}
        self.books = BookSequencer()
        self.resyncs = 0
        self._connected = False
        interval = config.instrument_refresh_interval_s
        self._refresher = InstrumentRefresher(provider, sink, interval) if interval is not None else None

    # ------------------------------------------------------------------ identity

    @property
    def client_id(self) -> ClientId:
        """``ClientId('BYBIT')``."""
        return ClientId("BYBIT")

    @property
    def venue(self) -> Venue:
        """``Venue('BYBIT')``."""
        return BYBIT_VENUE

    @property
    def is_connected(self) -> bool:
        """Whether ``connect`` completed and ``disconnect`` was not called."""
        return self._connected

    # ------------------------------------------------------------------ lifecycle

    async def connect(self) -> None:
        """Load the configured categories' instruments and publish them. Idempotent."""
        if self._connected:
            return
        await self._provider.load_all_async()
        for instrument in self._provider.list_all():
            self._sink.on_data(instrument)
        if self._refresher is not None:
            self._refresher.start(self._provider.list_all())
        self._connected = True

    async def disconnect(self) -> None:
        """Stop the instrument refresh, close every socket and the REST session. Idempotent."""
        if self._refresher is not None:
            await self._refresher.stop()
        sockets, self._sockets = list(self._sockets.values()), {}
        for ws in sockets:
            await ws.close()
        await self._http.close()
        self._connected = False

    async def _socket(self, product: BybitProductType) -> BybitWebSocketClient:
        ws = self._sockets.get(product)
        if ws is None:
            # Each socket's callbacks carry its category: a push names its topic, not its category.
            ws = BybitWebSocketClient(
                self._urls.public_ws(product),
                functools.partial(self._on_message, product),
                ping_interval_s=self._config.ws_ping_interval_s,
                heartbeat_timeout_s=self._config.ws_heartbeat_timeout_s,
                reconnect_delay_s=self._config.ws_reconnect_delay_s,
                on_reconnected=functools.partial(self._on_reconnected, product),
                on_subscription_error=functools.partial(self._on_subscription_error, product),
            )
            if self._on_websocket_created is not None:
                self._on_websocket_created(ws)
            self._sockets[product] = ws
            await ws.connect()
        return ws

    def _on_reconnected(self, product: BybitProductType) -> None:
        # The category's books and merged tickers are stale now; its restored subscriptions bring
        # snapshots. Other categories' sockets did not drop: their books stay in sequence.
        for key in [k for k in self.books.last_u if k[0] is product]:
            self.books.reset(key)
        for key in [k for k in self._tickers if k[0] is product]:
            del self._tickers[key]
        for key, book in self._local_books.items():
            if key[0] is product:
                book.bids.clear()
                book.asks.clear()

    def _on_subscription_error(self, product: BybitProductType, topic: str, message: str) -> None:
        self._sink.on_error(
            UnsupportedFeature(f"Bybit refused {topic} ({product.value}): {message}", feature=topic),
            f"ws {product.value} {topic}",
        )

    # ------------------------------------------------------------------ topic bookkeeping

    async def _want(self, instrument_id: InstrumentId, topic: str, kind: str) -> None:
        instrument = self._provider.get(instrument_id)
        _, product = split_instrument_id(instrument_id)
        ws = await self._socket(product)
        key = (product, topic)
        first = not self._users[key]
        self._users[key].add(kind)
        self._topic_instruments[key][instrument.raw_symbol.value] = instrument
        if first:
            ws.subscribe(topic)
        await ws.wait_subscribed(topic, timeout_s=self._config.http_timeout_s)
        merged = self._tickers.get(key)
        if not first and merged is not None:
            # The venue sent its snapshot to the first user only: serve a late joiner from it.
            fields = {k: v for k, v in merged.items() if not k.startswith("_")}
            self._publish_ticker(key, merged, fields, {kind}, merged["_ts_event"], self._clock_ns())

    def _unwant(self, instrument_id: InstrumentId, topic: str, kind: str) -> None:
        _, product = split_instrument_id(instrument_id)
        key = (product, topic)
        users = self._users.get(key)
        if not users or kind not in users:
            return
        users.discard(kind)
        if users:
            return
        del self._users[key]
        self._topic_instruments.pop(key, None)
        self.books.reset(key)
        self._tickers.pop(key, None)
        ws = self._sockets.get(product)
        if ws is not None:
            ws.unsubscribe(topic)

    def _book_topic(self, instrument_id: InstrumentId, depth: int | None) -> str:
        symbol, product = split_instrument_id(instrument_id)
        depth = depth or (25 if product is BybitProductType.OPTION else self._config.default_book_depth)
        if depth not in _DEPTHS[product]:
            raise UnsupportedFeature(
                f"Bybit {product.value} books come in depths {_DEPTHS[product]}; {depth} is not one of them",
                feature="data:ORDER_BOOK_DELTAS",
            )
        return topic_orderbook(depth, symbol)

    def _quote_topic(self, instrument_id: InstrumentId) -> str:
        symbol, product = split_instrument_id(instrument_id)
        if product is BybitProductType.SPOT:
            return topic_orderbook(1, symbol)
        return topic_tickers(symbol)

    def _trade_topic(self, instrument_id: InstrumentId) -> str:
        instrument = self._provider.get(instrument_id)
        if isinstance(instrument, CryptoOption):
            return topic_public_trade(instrument.underlying.code)
        return topic_public_trade(instrument.raw_symbol.value)

    # ------------------------------------------------------------------ subscriptions

    async def subscribe_instruments(self, params: Any = None) -> None:
        """Not offered: Bybit has no instrument stream (use ``request_instruments``)."""
        raise UnsupportedFeature(
            "Bybit has no instrument stream; poll request_instruments", feature="data:INSTRUMENTS"
        )

    async def subscribe_instrument(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Not offered: Bybit has no instrument stream (use ``request_instrument``)."""
        raise UnsupportedFeature(
            "Bybit has no instrument stream; poll request_instrument", feature="data:INSTRUMENTS"
        )

    async def unsubscribe_instruments(self, params: Any = None) -> None:
        """Nothing to undo (see :meth:`subscribe_instruments`)."""

    async def unsubscribe_instrument(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Nothing to undo (see :meth:`subscribe_instrument`)."""

    async def subscribe_order_book_deltas(
        self,
        instrument_id: InstrumentId,
        book_type: BookType = BookType.L2_MBP,
        depth: int | None = None,
        params: Any = None,
    ) -> None:
        """Stream OrderBookDeltas: the snapshot after the ack, then sequence-checked deltas."""
        if book_type is BookType.L3_MBO:
            raise UnsupportedFeature("Bybit books are L2 (market by price)", feature="data:ORDER_BOOK_DELTAS")
        await self._want(instrument_id, self._book_topic(instrument_id, depth), "deltas")

    async def unsubscribe_order_book_deltas(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the deltas of every depth subscribed for the instrument."""
        for topic in self._topics_of(instrument_id, "orderbook."):
            self._unwant(instrument_id, topic, "deltas")

    async def subscribe_order_book_snapshots(
        self,
        instrument_id: InstrumentId,
        book_type: BookType = BookType.L2_MBP,
        depth: int | None = None,
        params: Any = None,
    ) -> None:
        """Stream a full snapshot after every book update: OrderBookDeltas, or for ``depth=10``
        an OrderBookDepth10 (Bybit has no depth-10 channel: it is served from the most compact
        channel covering ten levels, 50 or on options 25).

        Raises:
            UnsupportedFeature: an L3 book, or a depth Bybit has no channel for (nothing is sent).
        """
        if book_type is BookType.L3_MBO:
            raise UnsupportedFeature(
                "Bybit books are L2 (market by price)", feature="data:ORDER_BOOK_SNAPSHOTS"
            )
        kind = "snapshots"
        symbol, product = split_instrument_id(instrument_id)
        if depth == DEPTH10_LEVELS:
            topic, kind = topic_orderbook(compact_depth(_DEPTHS[product]), symbol), "depth10"
        else:
            topic = self._book_topic(instrument_id, depth)
        self._local_books.setdefault((product, topic), LocalBook())
        await self._want(instrument_id, topic, kind)

    async def unsubscribe_order_book_snapshots(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the snapshots (and depth-10 books)."""
        _, product = split_instrument_id(instrument_id)
        for topic in self._topics_of(instrument_id, "orderbook."):
            self._local_books.pop((product, topic), None)
            self._unwant(instrument_id, topic, "snapshots")
            self._unwant(instrument_id, topic, "depth10")

    def _topics_of(self, instrument_id: InstrumentId, prefix: str) -> list[str]:
        """The instrument's subscribed topics starting with ``prefix``, on its category's socket only."""
        symbol, product = split_instrument_id(instrument_id)
        suffix = f".{symbol}"
        mine = [t for p, t in self._users if p is product]
        return [t for t in mine if t.startswith(prefix) and t.endswith(suffix)]

    async def subscribe_quote_ticks(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stream QuoteTicks (spot from ``orderbook.1``, others from tickers)."""
        await self._want(instrument_id, self._quote_topic(instrument_id), "quotes")

    async def unsubscribe_quote_ticks(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the quotes."""
        self._unwant(instrument_id, self._quote_topic(instrument_id), "quotes")

    async def subscribe_trade_ticks(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stream TradeTicks."""
        await self._want(instrument_id, self._trade_topic(instrument_id), f"trades:{instrument_id}")

    async def unsubscribe_trade_ticks(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the trades."""
        self._unwant(instrument_id, self._trade_topic(instrument_id), f"trades:{instrument_id}")

    async def _ticker_field(self, instrument_id: InstrumentId, kind: str, subscribe: bool) -> None:
        symbol, product = split_instrument_id(instrument_id)
        if product is BybitProductType.SPOT:
            raise UnsupportedFeature(
                f"Bybit spot tickers carry no {kind} prices", feature=f"SPOT/data:{kind.upper()}"
            )
        if kind == "funding_rates" and product is BybitProductType.OPTION:
            raise UnsupportedFeature("options have no funding", feature="OPTION/data:FUNDING_RATES")
        if subscribe:
            await self._want(instrument_id, topic_tickers(symbol), kind)
        else:
            self._unwant(instrument_id, topic_tickers(symbol), kind)

    async def subscribe_mark_prices(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stream MarkPriceUpdates from tickers (derivatives only)."""
        await self._ticker_field(instrument_id, "mark_prices", True)

    async def unsubscribe_mark_prices(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the mark prices."""
        await self._ticker_field(instrument_id, "mark_prices", False)

    async def subscribe_index_prices(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stream IndexPriceUpdates from tickers (derivatives only)."""
        await self._ticker_field(instrument_id, "index_prices", True)

    async def unsubscribe_index_prices(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the index prices."""
        await self._ticker_field(instrument_id, "index_prices", False)

    async def subscribe_funding_rates(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stream FundingRateUpdates from tickers (perpetuals)."""
        await self._ticker_field(instrument_id, "funding_rates", True)

    async def unsubscribe_funding_rates(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Stop the funding rates."""
        await self._ticker_field(instrument_id, "funding_rates", False)

    def _bar_topic(self, bar_type: BarType) -> str:
        symbol, _product, interval = self._kline_target(bar_type, "data")
        return topic_kline(interval, symbol)

    async def subscribe_bars(self, bar_type: BarType, params: Any = None) -> None:
        """Stream closed Bars (``confirm:true`` klines)."""
        topic = self._bar_topic(bar_type)
        _, product = split_instrument_id(bar_type.instrument_id)
        self._bar_types[(product, topic)] = bar_type
        await self._want(bar_type.instrument_id, topic, "bars")

    async def unsubscribe_bars(self, bar_type: BarType, params: Any = None) -> None:
        """Stop the bars."""
        self._unwant(bar_type.instrument_id, self._bar_topic(bar_type), "bars")

    async def subscribe_instrument_status(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Not offered: Bybit streams no instrument status."""
        raise UnsupportedFeature("Bybit has no instrument status stream", feature="data:INSTRUMENT_STATUS")

    async def unsubscribe_instrument_status(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Nothing to undo."""

    async def subscribe_instrument_close(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Not offered: Bybit streams no instrument close prices."""
        raise UnsupportedFeature("Bybit has no instrument close stream", feature="data:INSTRUMENT_CLOSE")

    async def unsubscribe_instrument_close(self, instrument_id: InstrumentId, params: Any = None) -> None:
        """Nothing to undo."""
