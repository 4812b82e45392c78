"""The public topic registry and publisher: exchange events in, shared pushes out (§7.5).

One :class:`Publisher` per venue holds every subscribed public topic and its subscribers. Exchange
events mark topics dirty; each topic is pushed at its cadence (books per depth, tickers 100 ms,
klines 1 s; trades and liquidations as soon as the event loop is free), with everything that
changed in between coalesced into one push. Each push is encoded once and handed to every
subscriber as the same text.

Timing runs on the venue clock: a push due now runs at the next turn of the event loop; a push
due later is a timer of the exchange (``Exchange.schedule``), so with a virtual clock it happens
when the test advances the clock, and with a real clock the simulator's timer driver fires it.
Kline topics also push the closed candle (``confirm: true``) at each interval's end, and level-1
books re-push their snapshot (same ``u``) when 3 s pass without a push (§7.5).

``Simulator.reset`` gives the venue a new exchange: :meth:`Publisher.venue_reset` then makes every
subscribed topic look like a fresh venue's: books restart from a ``u=1`` snapshot of the new book,
tickers send a new snapshot, kline candle closes and level-1 re-pushes are timed on the new clock,
and nothing pending from the old venue is published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Protocol

import orjson

from simulator.core import (
    NS_PER_MS,
    BookChanged,
    Exchange,
    IndexPriceChanged,
    Instrument,
    MarkPriceChanged,
    PositionLiquidated,
    Side,
    TradeOccurred,
)
from simulator.dialects.bybit.codec import mappings
from simulator.dialects.bybit.codec.market import Candle, interval_end_ms, interval_start_ms, tick_direction
from simulator.dialects.bybit.codec.numbers import price, size
from simulator.dialects.bybit.codec.ws import (
    kline_item,
    kline_message,
    public_trade_item,
    public_trade_message,
    ticker_data,
    ticker_delta,
    ticker_message,
)
from simulator.dialects.bybit.ws.books import BookStream
from simulator.dialects.bybit.ws.port import FaultSelector
from simulator.dialects.bybit.ws.topics import PublicTopic, TopicKind

__all__ = ["BOOK_FAULTS", "Publisher", "Subscriber"]

#: Ticker and kline push cadences in ms.
TICKER_CADENCE_MS: Final = 100
KLINE_CADENCE_MS: Final = 1000
#: A level-1 book quiet this long (ms of venue time) re-pushes its snapshot (§7.5).
L1_REFRESH_MS: Final = 3000
#: The fault kinds a book push applies (see :mod:`simulator.dialects.bybit.ws.books`).
BOOK_FAULTS: Final = frozenset({"skip_sequence", "repeat_sequence", "stale_snapshot", "restart_book"})

_dumps = orjson.dumps


class Subscriber(Protocol):
    """A session receiving public pushes."""

    conn_id: str
    #: The category of its socket (``spot``, ``linear``, ...): topic names repeat across categories.
    kind: str

    def deliver(self, topic: str, text: str) -> None: ...


def _key(spec: PublicTopic) -> tuple[str, str]:
    return (spec.category, spec.name)


class _Topic:
    """One subscribed public topic: its subscribers, scheduling and per-kind state."""

    __slots__ = (
        "book",
        "cadence_ns",
        "last_push_ns",
        "last_sent_ns",
        "pending",
        "refresh_on",
        "refresh_soon",
        "scheduled",
        "spec",
        "subscribers",
        "ticker",
    )

    def __init__(self, spec: PublicTopic) -> None:
        self.spec = spec
        self.subscribers: dict[str, Subscriber] = {}
        self.last_push_ns = -(1 << 62)
        #: When the topic last sent its subscribers a message (level-1 re-pushes count from it).
        self.last_sent_ns = -(1 << 62)
        #: The exchange a level-1 re-push timer is scheduled on (None: none).
        self.refresh_on: object | None = None
        #: A level-1 re-push is waiting for the next loop turn.
        self.refresh_soon = False
        #: The exchange a push is scheduled on (None: none pending); a reset drops its timers.
        self.scheduled: object | None = None
        self.pending: list[Any] = []
        self.book = BookStream(spec.instrument, int(spec.param)) if spec.kind is TopicKind.BOOK else None
        self.ticker: dict[str, str] | None = None
        cadence_ms = {
            TopicKind.BOOK: self.book.cadence_ms if self.book is not None else 0,
            TopicKind.TICKER: TICKER_CADENCE_MS,
            TopicKind.KLINE: KLINE_CADENCE_MS,
        }.get(spec.kind, 0)
        self.cadence_ns = cadence_ms * NS_PER_MS


class Publisher:
    """The public streams of one venue (see the module docstring).

    Parameters:
        exchange: the venue's exchange, looked up on every use (``Simulator.reset`` replaces it).
        history: the REST API's market history (kline candles), looked up on every use.
        call_soon: runs a callback at the next turn of the event loop.
        wake_timers: tells the real-clock timer driver a timer was scheduled.
        select_fault: the fault selector for book pushes (role public, ``op`` ``push``).
    """

    def __init__(
        self,
        exchange: Callable[[], Exchange],
        history: Callable[[], Any],
        *,
        call_soon: Callable[[Callable[[], None]], Any],
        wake_timers: Callable[[], None],
        select_fault: FaultSelector,
    ) -> None:
        self._exchange = exchange
        self._history = history
        self._call_soon = call_soon
        self._wake = wake_timers
        self._select_fault = select_fault
        # Topics by (category, name): spot and linear BTCUSDT share topic names but not streams.
        self._topics: dict[tuple[str, str], _Topic] = {}
        # Topics by instrument id, for routing events.
        self._by_instrument: dict[str, set[_Topic]] = {}
        self._soon: list[_Topic] = []
        self._last_trade: dict[str, list[Any]] = {}
        #: Pushes sent (messages x subscribers), for benchmarks.
        self.delivered = 0

    # -- the registry ---------------------------------------------------------------------------

    @property
    def topic_count(self) -> int:
        """Public topics with at least one subscriber."""
        return len(self._topics)

    @property
    def subscription_count(self) -> int:
        return sum(len(topic.subscribers) for topic in self._topics.values())

    def subscribe(self, spec: PublicTopic, subscriber: Subscriber) -> None:
        """Add ``subscriber`` to ``spec`` and send it the topic's first message, if it has one."""
        topic = self._topics.get(_key(spec))
        if topic is None:
            topic = self._topics[_key(spec)] = _Topic(spec)
            for inst in spec.instruments:
                self._by_instrument.setdefault(inst.id, set()).add(topic)
            if spec.kind is TopicKind.KLINE:
                self._schedule_candle_close(topic)
        topic.subscribers[subscriber.conn_id] = subscriber
        first = self._first_message(topic)
        if first is not None:
            subscriber.deliver(spec.name, _dumps(first).decode())
            if topic.book is not None and topic.book.depth == 1 and topic.refresh_on is None:
                topic.last_sent_ns = self._exchange().clock.now_ns()
                self._arm_refresh(topic, topic.last_sent_ns + L1_REFRESH_MS * NS_PER_MS)

    def unsubscribe(self, name: str, subscriber: Subscriber) -> bool:
        """Remove ``subscriber`` from topic ``name`` of its category; False if it was not subscribed."""
        key = (subscriber.kind, name)
        topic = self._topics.get(key)
        if topic is None or topic.subscribers.pop(subscriber.conn_id, None) is None:
            return False
        if not topic.subscribers:
            del self._topics[key]
            for inst in topic.spec.instruments:
                topics = self._by_instrument.get(inst.id)
                if topics is not None:
                    topics.discard(topic)
                    if not topics:
                        del self._by_instrument[inst.id]
        return True

    # -- events -----------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Route one exchange event to the topics it changes."""
        if isinstance(event, BookChanged):
            iid = event.instrument.id
        elif isinstance(event, TradeOccurred | MarkPriceChanged | IndexPriceChanged | PositionLiquidated):
            iid = event.instrument_id
        else:
            return
        if isinstance(event, TradeOccurred):
            prices = self._last_trade.setdefault(iid, [])
            prices.append(event.price)
            del prices[:-2]  # the tick direction needs the last two prices
        topics = self._by_instrument.get(iid)
        if not topics:
            return
        for topic in topics:
            kind = topic.spec.kind
            if kind is TopicKind.BOOK:
                if isinstance(event, BookChanged):
                    self._dirty(topic)
            elif kind is TopicKind.TRADE:
                if isinstance(event, TradeOccurred):
                    topic.pending.append((event, tick_direction(self._last_trade[iid])))
                    self._dirty(topic)
            elif kind is TopicKind.LIQUIDATION:
                if isinstance(event, PositionLiquidated):
                    topic.pending.append(event)
                    self._dirty(topic)
            elif kind is TopicKind.KLINE:
                if isinstance(event, TradeOccurred):
                    self._dirty(topic)
            else:  # tickers move with trades, books and reference prices
                self._dirty(topic)

    # -- scheduling -------------------------------------------------------------------------------

    def _dirty(self, topic: _Topic) -> None:
        exchange = self._exchange()
        if topic.scheduled is exchange:
            return
        topic.scheduled = exchange
        now = exchange.clock.now_ns()
        due = topic.last_push_ns + topic.cadence_ns
        if due <= now:
            if not self._soon:
                self._call_soon(self._run_soon)
            self._soon.append(topic)
        else:
            exchange.schedule(due, lambda _exchange: self._push(topic))
            self._wake()

    def _run_soon(self) -> None:
        topics, self._soon = self._soon, []
        for topic in topics:
            self._push(topic)

    def _push(self, topic: _Topic) -> None:
        topic.scheduled = None
        if self._topics.get(_key(topic.spec)) is not topic:
            return  # unsubscribed meanwhile
        exchange = self._exchange()
        now = exchange.clock.now_ns()
        topic.last_push_ns = now
        for message in self._messages(topic, exchange, now):
            self._send(topic, _dumps(message).decode())

    def _send(self, topic: _Topic, text: str) -> None:
        topic.last_sent_ns = self._exchange().clock.now_ns()
        name = topic.spec.name
        subscribers = list(topic.subscribers.values())
        self.delivered += len(subscribers)
        for subscriber in subscribers:
            subscriber.deliver(name, text)

    # -- level-1 re-pushes -------------------------------------------------------------------------

    def _arm_refresh(self, topic: _Topic, at_ns: int) -> None:
        """Check at ``at_ns`` whether the level-1 book ``topic`` has been quiet for 3 s."""
        exchange = self._exchange()
        if topic.refresh_on is exchange:
            return  # one timer per topic; it re-arms itself
        topic.refresh_on = exchange

        def live() -> bool:  # still subscribed, on the same venue (venue_reset re-arms)
            return self._topics.get(_key(topic.spec)) is topic and self._exchange() is exchange

        def send() -> None:
            topic.refresh_soon = False
            if live():
                assert topic.book is not None
                self._send(topic, _dumps(topic.book.refresh(exchange.clock.now_ns())).decode())

        def check(_exchange: Exchange) -> None:
            topic.refresh_on = None
            if not live():
                return
            now = exchange.clock.now_ns()
            due = topic.last_sent_ns + L1_REFRESH_MS * NS_PER_MS
            if now >= due:
                # Sent at the next loop turn, like every push due now: one virtual-clock jump of
                # hours then re-pushes once, not once per 3 s it skipped over.
                if not topic.refresh_soon:
                    topic.refresh_soon = True
                    self._call_soon(send)
                due = now + L1_REFRESH_MS * NS_PER_MS
            self._arm_refresh(topic, due)

        exchange.schedule(at_ns, check)
        self._wake()

    # -- a reset ------------------------------------------------------------------------------------

    def venue_reset(self) -> None:
        """The venue was rebuilt (``Simulator.reset``): restart every topic as a fresh venue would.

        Books get a new stream and send every subscriber a ``u=1`` snapshot of the new book
        (§7.5: ``u=1`` means the service restarted); tickers send a new snapshot; kline closes and
        level-1 re-pushes are scheduled on the new exchange; trades and liquidations of the old
        venue still pending are dropped.
        """
        self._soon = []
        self._last_trade.clear()
        exchange = self._exchange()
        now = exchange.clock.now_ns()
        for topic in list(self._topics.values()):
            topic.scheduled = None
            topic.refresh_on = None
            topic.refresh_soon = False
            topic.pending = []
            topic.last_push_ns = topic.last_sent_ns = -(1 << 62)
            spec = topic.spec
            if topic.book is not None:
                topic.book = BookStream(spec.instrument, topic.book.depth)
            elif spec.kind is TopicKind.TICKER:
                topic.ticker = None
            elif spec.kind is TopicKind.KLINE:
                self._schedule_candle_close(topic)
            if topic.book is not None or spec.kind is TopicKind.TICKER:
                first = self._first_message(topic)
                if first is not None:
                    topic.last_push_ns = now
                    self._send(topic, _dumps(first).decode())
            if topic.book is not None and topic.book.depth == 1:
                self._arm_refresh(topic, now + L1_REFRESH_MS * NS_PER_MS)

    # -- messages per kind ------------------------------------------------------------------------

    def _first_message(self, topic: _Topic) -> dict[str, Any] | None:
        exchange = self._exchange()
        now = exchange.clock.now_ns()
        spec = topic.spec
        inst = spec.instrument
        if topic.book is not None:
            return topic.book.snapshot_for_new_subscriber(exchange.book(inst.id, topic.book.depth), now)
        if spec.kind is TopicKind.TICKER:
            data = ticker_data(exchange.market(inst.id), exchange.book(inst.id, 1), now)
            if topic.ticker is None:
                topic.ticker = data
            return ticker_message(inst, data, cs=exchange.book(inst.id, 1).seq, ts_ns=now)
        if spec.kind is TopicKind.KLINE:
            candle = self._candle(inst, str(spec.param), now // NS_PER_MS, current=True)
            if candle is not None:
                item = kline_item(inst, str(spec.param), candle, confirm=False, ts_ns=now)
                return kline_message(inst, str(spec.param), [item], ts_ns=now)
        return None

    def _messages(self, topic: _Topic, exchange: Exchange, now: int) -> list[dict[str, Any]]:
        spec = topic.spec
        inst = spec.instrument
        if topic.book is not None:
            hit = self._select_fault(BOOK_FAULTS, "push", spec.name)
            book = exchange.book(inst.id, topic.book.depth)
            return topic.book.push(book, now, hit.action.kind if hit is not None else None)
        if spec.kind is TopicKind.TRADE:
            return self._trade_messages(topic, exchange, now)
        if spec.kind is TopicKind.LIQUIDATION:
            events, topic.pending = topic.pending, []
            return [_liquidation_message(spec.name, inst, events, now)] if events else []
        if spec.kind is TopicKind.TICKER:
            book = exchange.book(inst.id, 1)
            data = ticker_data(exchange.market(inst.id), book, now)
            previous, topic.ticker = topic.ticker, data
            if inst.is_spot or inst.is_option:
                if previous == data:
                    return []
                return [ticker_message(inst, data, cs=book.seq, ts_ns=now)]
            delta = ticker_delta(previous or {}, data)
            return (
                [] if delta is None else [ticker_message(inst, delta, kind="delta", cs=book.seq, ts_ns=now)]
            )
        candle = self._candle(inst, str(spec.param), now // NS_PER_MS, current=True)
        if candle is None:
            return []
        item = kline_item(inst, str(spec.param), candle, confirm=False, ts_ns=now)
        return [kline_message(inst, str(spec.param), [item], ts_ns=now)]

    def _trade_messages(self, topic: _Topic, exchange: Exchange, now: int) -> list[dict[str, Any]]:
        pending, topic.pending = topic.pending, []
        by_inst: dict[str, list[dict[str, Any]]] = {}
        last_seq: dict[str, int] = {}
        for event, direction in pending:
            inst = exchange.instrument(event.instrument_id)
            market = exchange.market(inst.id)
            by_inst.setdefault(inst.id, []).append(
                public_trade_item(
                    inst,
                    trade_id=event.trade_id,
                    ts_ns=event.ts_ns,
                    trade_price=event.price,
                    qty=event.qty,
                    aggressor=event.aggressor,
                    seq=event.seq,
                    tick_direction=direction,
                    mark_price=getattr(market, "mark_price", None),
                    index_price=getattr(market, "index_price", None),
                )
            )
            last_seq[inst.id] = event.seq
        messages = []
        for iid, items in by_inst.items():
            inst = exchange.instrument(iid)
            message = public_trade_message(inst, items, ts_ns=now, seq=last_seq[iid])
            message["topic"] = topic.spec.name
            messages.append(message)
        return messages

    # -- klines -------------------------------------------------------------------------------------

    def _candle(self, inst: Instrument, interval: str, now_ms: int, *, current: bool) -> Candle | None:
        """The candle of the interval holding ``now_ms`` (``current``) or of the one before it."""
        start = interval_start_ms(now_ms, interval)
        wanted = start if current else interval_start_ms(start - 1, interval)
        market = self._exchange().market(inst.id)
        candles = self._history().candles(
            inst.id, "trade", interval, now_ms=now_ms, limit=3, current=getattr(market, "last_price", None)
        )
        return next((candle for candle in candles if candle.start_ms == wanted), None)

    def _schedule_candle_close(self, topic: _Topic) -> None:
        exchange = self._exchange()
        interval = str(topic.spec.param)
        now_ms = exchange.clock.now_ns() // NS_PER_MS
        boundary_ms = interval_end_ms(interval_start_ms(now_ms, interval), interval) + 1

        def close(_exchange: Exchange) -> None:
            if self._topics.get(_key(topic.spec)) is not topic or self._exchange() is not exchange:
                return  # unsubscribed, or the venue was reset (venue_reset re-schedules)
            inst = topic.spec.instrument
            now = self._exchange().clock.now_ns()
            candle = self._candle(inst, interval, boundary_ms, current=False)
            if candle is not None:
                item = kline_item(inst, interval, candle, confirm=True, ts_ns=now)
                self._send(topic, _dumps(kline_message(inst, interval, [item], ts_ns=now)).decode())
            self._schedule_candle_close(topic)

        exchange.schedule(boundary_ms * NS_PER_MS, close)
        self._wake()


def _liquidation_message(name: str, inst: Instrument, events: list[Any], now: int) -> dict[str, Any]:
    """An ``allLiquidation`` message (§7.5): ``S`` is the liquidated position's side."""
    data = [
        {
            "T": event.ts_ns // NS_PER_MS,
            "s": inst.symbol,
            "S": mappings.side(Side.BUY if event.size > 0 else Side.SELL),
            "v": size(inst, abs(event.size)),
            "p": price(inst, event.price),
        }
        for event in events
    ]
    return {"topic": name, "type": "snapshot", "ts": now // NS_PER_MS, "data": data}
