"""Routing of public stream pushes to the sink (a mixin of BybitDataClient).

Book messages pass the sequence check first (a gap re-subscribes the topic so the venue sends a
fresh snapshot, and nothing is published until it arrives); ``orderbook.1`` doubles as the spot
quote source; option trades arrive per base coin and are split by symbol; linear/inverse ticker
deltas are merged into the last snapshot, and each subscription kind publishes only when its
fields changed. A push that fails to parse is reported on the sink and the stream carries on.

Every socket delivers its pushes with its own category, and all routing state is keyed by
:data:`TopicKey` ``(category, topic)``: a ``publicTrade.BTCUSDT`` on the spot socket is the spot
instrument's, the same topic on the linear socket the linear one's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeAlias

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.http.models import BybitTicker
from adapters.bybit.http.parse import (
    parse_funding_rate,
    parse_index_price,
    parse_mark_price,
    parse_quote_tick,
)
from adapters.bybit.websocket.books import BookSequencer, LocalBook, Verdict
from adapters.bybit.websocket.client import BybitWebSocketClient
from adapters.bybit.websocket.depth import parse_depth10
from adapters.bybit.websocket.parse import (
    parse_orderbook_deltas,
    parse_orderbook_quote,
    parse_ws_bars,
    parse_ws_trades,
)
from adapters.contract.sink import EventSink
from adapters.model.data import BarType
from adapters.model.instruments import Instrument

__all__ = ["BybitStreamRouter", "TopicKey"]

TopicKey: TypeAlias = tuple[BybitProductType, str]
"""A public subscription: the category whose socket carries it and the venue's topic name."""


class BybitStreamRouter:
    """Turns public pushes into model data on the sink; state lives on the data client."""

    _sink: EventSink
    _clock_ns: Callable[[], int]
    _sockets: dict[BybitProductType, BybitWebSocketClient]
    _users: dict[TopicKey, set[str]]
    _topic_instruments: dict[TopicKey, dict[str, Instrument]]
    _bar_types: dict[TopicKey, BarType]
    _tickers: dict[TopicKey, dict[str, Any]]
    _local_books: dict[TopicKey, LocalBook]
    books: BookSequencer
    resyncs: int

    def _on_message(self, product: BybitProductType, message: dict[str, Any]) -> None:
        """Route one push from ``product``'s socket (each socket's handler binds its category)."""
        topic = message.get("topic")
        if not isinstance(topic, str):
            return
        key = (product, topic)
        if key not in self._users:
            return
        try:
            self._route(key, message)
        except Exception as exc:
            # One bad push must not kill the stream; report it and carry on.
            self._sink.on_error(exc, f"bybit ws {product.value} {topic}")

    def _route(self, key: TopicKey, message: dict[str, Any]) -> None:
        topic = key[1]
        ts_init = self._clock_ns()
        users = self._users[key]
        instruments = self._topic_instruments[key]
        if topic.startswith("orderbook."):
            self._on_book(key, message, instruments[message["data"]["s"]], users, ts_init)
        elif topic.startswith("publicTrade."):
            self._on_trades(message, instruments, ts_init)
        elif topic.startswith("tickers."):
            self._on_ticker(key, message, users, ts_init)
        elif topic.startswith("kline."):
            instrument = next(iter(instruments.values()))
            for bar in parse_ws_bars(message, self._bar_types[key], instrument, ts_init):
                self._sink.on_data(bar)

    def _on_book(
        self, key: TopicKey, message: dict[str, Any], instrument: Instrument, users: set[str], ts_init: int
    ) -> None:
        topic = key[1]
        if topic.startswith("orderbook.1."):
            # Depth 1 is snapshot-only (§0.3): every message is a fresh top of book.
            if "quotes" in users:
                quote = parse_orderbook_quote(message, instrument, ts_init)
                if quote is not None:
                    self._sink.on_data(quote)
            if not users & {"deltas", "snapshots", "depth10"}:
                return
        verdict = self.books.check(key, message)
        if verdict is Verdict.GAP:
            self._resync(key)
            return
        if verdict is Verdict.SKIP:
            return
        if "deltas" in users and (
            message["data"]["b"] or message["data"]["a"] or message["type"] == "snapshot"
        ):
            self._sink.on_data(parse_orderbook_deltas(message, instrument, ts_init))
        local = self._local_books.get(key)
        if local is not None:
            local.apply(message)
            snapshot = local.as_snapshot(message)
            if "snapshots" in users:
                self._sink.on_data(parse_orderbook_deltas(snapshot, instrument, ts_init))
            if "depth10" in users:
                self._sink.on_data(parse_depth10(snapshot, instrument, ts_init))

    def _resync(self, key: TopicKey) -> None:
        """Re-subscribe a book whose sequence broke: the venue answers with a fresh snapshot."""
        self.resyncs += 1
        product, topic = key
        ws = self._sockets[product]
        ws.unsubscribe(topic)
        ws.subscribe(topic)

    def _on_trades(self, message: dict[str, Any], instruments: dict[str, Instrument], ts_init: int) -> None:
        by_symbol: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for item in message["data"]:
            by_symbol[item["s"]].append(item)
        for symbol, items in by_symbol.items():
            instrument = instruments.get(symbol)
            if instrument is None:  # another option on the same base coin
                continue
            for tick in parse_ws_trades({"data": items}, instrument, ts_init):
                self._sink.on_data(tick)

    def _on_ticker(self, key: TopicKey, message: dict[str, Any], users: set[str], ts_init: int) -> None:
        data = message["data"]
        if message.get("type") == "delta":
            merged = self._tickers.get(key)
            if merged is None:
                return  # a delta before any snapshot: wait for one
            merged.update(data)
        else:
            merged = dict(data)
            self._tickers[key] = merged
        ts_event = int(message.get("ts", 0)) * 1_000_000
        merged["_ts_event"] = ts_event
        self._publish_ticker(key, merged, data, users, ts_event, ts_init)

    def _publish_ticker(
        self,
        key: TopicKey,
        merged: dict[str, Any],
        changed_data: dict[str, Any],
        users: set[str],
        ts_event: int,
        ts_init: int,
    ) -> None:
        """Publish what ``users`` want from the merged ticker, for the fields ``changed_data`` carries."""
        instrument = self._topic_instruments[key][merged["symbol"]]
        fields = {k: v for k, v in merged.items() if not k.startswith("_")}
        ticker = BybitTicker.from_wire(fields)
        changed = BybitTicker.from_wire({"symbol": merged["symbol"], **changed_data})
        iid = instrument.instrument_id
        if "quotes" in users and (
            changed.bid1_price or changed.ask1_price or changed.bid_price or changed.ask_price
        ):
            quote = parse_quote_tick(ticker, instrument, ts_event, ts_init)
            if quote is not None:
                self._sink.on_data(quote)
        if "mark_prices" in users and changed.mark_price:
            self._sink.on_data(parse_mark_price(ticker, instrument, ts_event, ts_init))
        if "index_prices" in users and changed.index_price:
            self._sink.on_data(parse_index_price(ticker, instrument, ts_event, ts_init))
        if "funding_rates" in users and changed.funding_rate:
            self._sink.on_data(parse_funding_rate(ticker, iid, ts_event, ts_init))
