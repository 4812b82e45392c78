"""Routing of public stream pushes to the sink (a mixin of BybitDataClient).

Book messages pass the sequence check first (a gap re-subscribes the topic so the venue sends a
fresh snapshot, and nothing is published until it arrives); ``orderbook.1`` doubles as the spot
quote source; option trades arrive per base coin and are split by symbol; linear/inverse ticker
deltas are merged into the last snapshot, and each subscription kind publishes only when its
fields changed. A push that fails to parse is reported on the sink and the stream carries on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from adapters.bybit.common.mappings import split_instrument_id
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
from adapters.model.identifiers import InstrumentId
from adapters.model.instruments import Instrument

__all__ = ["BybitStreamRouter"]


class BybitStreamRouter:
    """Turns public pushes into model data on the sink; state lives on the data client."""

    _sink: EventSink
    _clock_ns: Callable[[], int]
    _sockets: dict[Any, BybitWebSocketClient]
    _users: dict[str, set[str]]
    _topic_instruments: dict[str, dict[str, Instrument]]
    _bar_types: dict[str, BarType]
    _tickers: dict[str, dict[str, Any]]
    _local_books: dict[str, LocalBook]
    books: BookSequencer
    resyncs: int

    def _on_message(self, message: dict[str, Any]) -> None:
        topic = message.get("topic")
        if not isinstance(topic, str) or topic not in self._users:
            return
        try:
            self._route(topic, message)
        except Exception as exc:
            # One bad push must not kill the stream; report it and carry on.
            self._sink.on_error(exc, f"bybit ws {topic}")

    def _route(self, topic: str, message: dict[str, Any]) -> None:
        ts_init = self._clock_ns()
        users = self._users[topic]
        instruments = self._topic_instruments[topic]
        if topic.startswith("orderbook."):
            self._on_book(topic, message, instruments[message["data"]["s"]], users, ts_init)
        elif topic.startswith("publicTrade."):
            self._on_trades(message, instruments, ts_init)
        elif topic.startswith("tickers."):
            self._on_ticker(topic, message, users, ts_init)
        elif topic.startswith("kline."):
            instrument = next(iter(instruments.values()))
            for bar in parse_ws_bars(message, self._bar_types[topic], instrument, ts_init):
                self._sink.on_data(bar)

    def _on_book(
        self, topic: str, message: dict[str, Any], instrument: Instrument, users: set[str], ts_init: int
    ) -> None:
        if topic.startswith("orderbook.1."):
            # Depth 1 is snapshot-only (§0.3): every message is a fresh top of book.
            if "quotes" in users:
                quote = parse_orderbook_quote(message, instrument, ts_init)
                if quote is not None:
                    self._sink.on_data(quote)
            if not users & {"deltas", "snapshots", "depth10"}:
                return
        verdict = self.books.check(topic, message)
        if verdict is Verdict.GAP:
            self._resync(topic, instrument.instrument_id)
            return
        if verdict is Verdict.SKIP:
            return
        if "deltas" in users and (
            message["data"]["b"] or message["data"]["a"] or message["type"] == "snapshot"
        ):
            self._sink.on_data(parse_orderbook_deltas(message, instrument, ts_init))
        local = self._local_books.get(topic)
        if local is not None:
            local.apply(message)
            snapshot = local.as_snapshot(message)
            if "snapshots" in users:
                self._sink.on_data(parse_orderbook_deltas(snapshot, instrument, ts_init))
            if "depth10" in users:
                self._sink.on_data(parse_depth10(snapshot, instrument, ts_init))

    def _resync(self, topic: str, instrument_id: InstrumentId) -> None:
        """Re-subscribe a book whose sequence broke: the venue answers with a fresh snapshot."""
        self.resyncs += 1
        _, product = split_instrument_id(instrument_id)
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

    def _on_ticker(self, topic: str, message: dict[str, Any], users: set[str], ts_init: int) -> None:
        data = message["data"]
        if message.get("type") == "delta":
            merged = self._tickers.get(topic)
            if merged is None:
                return  # a delta before any snapshot: wait for one
            merged.update(data)
        else:
            merged = dict(data)
            self._tickers[topic] = merged
        ts_event = int(message.get("ts", 0)) * 1_000_000
        merged["_ts_event"] = ts_event
        self._publish_ticker(topic, merged, data, users, ts_event, ts_init)

    def _publish_ticker(
        self,
        topic: str,
        merged: dict[str, Any],
        changed_data: dict[str, Any],
        users: set[str],
        ts_event: int,
        ts_init: int,
    ) -> None:
        """Publish what ``users`` want from the merged ticker, for the fields ``changed_data`` carries."""
        instrument = self._topic_instruments[topic][merged["symbol"]]
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
