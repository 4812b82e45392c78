"""What the venue's answers need that the core does not keep: sequence numbers and price history.

The core emits every event with a ``seq`` but does not remember which event a trade, a fill or a
position change came with; Bybit sends those numbers (``seq`` of recent trades, executions and
positions). The core also remembers only the last trades of each market and no mark or index
price history at all, while the kline endpoints serve days of candles. :class:`MarketHistory`
listens to the exchange's events and keeps exactly that:

* the event ``seq`` of each public trade (``TradeOccurred``), each fill (``OrderFilled``, by trade
  and order id) and the last change of each position (``PositionChanged``), bounded;
* one-minute bars per instrument of trades (OHLC, volume, turnover in the settle coin) and of
  mark and index prices, bounded to :data:`MAX_MINUTES`; candles of every Bybit interval are
  aggregated from them (every interval is a whole number of minutes, weeks and months align to
  minutes);
* when account settings last changed (``account/info.updatedTime``), as the API reports them.

It is fed by :meth:`on_event` (the REST API subscribes it to the exchange). Events are recorded
once: an event whose ``seq`` is not newer than the last one seen is ignored, so several
listeners (REST and WebSocket dialects) may forward the same stream to one history.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from collections.abc import Iterable
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final, NamedTuple

from simulator.core import (
    NS_PER_MS,
    Exchange,
    IndexPriceChanged,
    MarkPriceChanged,
    OrderFilled,
    PositionChanged,
    TradeOccurred,
)
from simulator.dialects.bybit.codec.market import Candle, interval_start_ms

__all__ = ["MAX_IDS", "MAX_MINUTES", "MINUTE_MS", "Bar", "MarketHistory", "PriceKind"]

MINUTE_MS: Final = 60_000
#: Minute bars kept per instrument and series: two weeks.
MAX_MINUTES: Final = 14 * 24 * 60
#: Trade and fill sequence numbers remembered (the oldest are forgotten first).
MAX_IDS: Final = 200_000

_ZERO = Decimal(0)


class PriceKind:
    """The three series kept per instrument."""

    TRADE: Final = "trade"
    MARK: Final = "mark"
    INDEX: Final = "index"


class Bar(NamedTuple):
    """One minute of a series: OHLC, and for trades the volume and turnover."""

    start_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    turnover: Decimal


class _Bars:
    __slots__ = ("bars",)

    def __init__(self, maxlen: int) -> None:
        self.bars: deque[Bar] = deque(maxlen=maxlen)

    def add(self, ts_ms: int, price: Decimal, volume: Decimal = _ZERO, turnover: Decimal = _ZERO) -> None:
        start = ts_ms - ts_ms % MINUTE_MS
        bars = self.bars
        if bars and bars[-1].start_ms >= start:
            # The same minute (or, should a clock ever step back, the latest one): extend it.
            last = bars[-1]
            bars[-1] = Bar(
                last.start_ms,
                last.open,
                max(last.high, price),
                min(last.low, price),
                price,
                last.volume + volume,
                last.turnover + turnover,
            )
        else:
            bars.append(Bar(start, price, price, price, price, volume, turnover))


class _BoundedMap:
    """A dict that forgets its oldest keys beyond ``maxlen``."""

    __slots__ = ("_keys", "_map", "maxlen")

    def __init__(self, maxlen: int) -> None:
        self.maxlen = maxlen
        self._map: dict[Any, int] = {}
        self._keys: deque[Any] = deque()

    def set(self, key: Any, value: int) -> None:
        if key not in self._map:
            self._keys.append(key)
            if len(self._keys) > self.maxlen:
                self._map.pop(self._keys.popleft(), None)
        self._map[key] = value

    def get(self, key: Any) -> int | None:
        return self._map.get(key)


class MarketHistory:
    """Sequence numbers and minute bars of one exchange (see the module docstring).

    Parameters:
        exchange: the venue; its current trades, marks and indexes seed the bars, and instrument
            definitions value trades (turnover in the settle coin).
        max_minutes: minute bars kept per instrument and series.
        max_ids: trade and fill sequence numbers remembered.
    """

    def __init__(self, exchange: Exchange, *, max_minutes: int = MAX_MINUTES, max_ids: int = MAX_IDS) -> None:
        self.exchange = exchange
        self.max_minutes = max_minutes
        self._series: dict[tuple[str, str], _Bars] = {}
        self._trade_seq = _BoundedMap(max_ids)
        self._fill_seq = _BoundedMap(max_ids)
        self._position_seq: dict[tuple[str, str, int], int] = {}
        self._last_seq = exchange.seq
        #: When this history started (the venue clock), and account id -> last settings change.
        self.started_ns = exchange.clock.now_ns()
        self.settings_changed_ns: dict[str, int] = {}
        self._prime()

    def _prime(self) -> None:
        """Seed the bars with what the exchange already knows (its remembered trades, prices now)."""
        now_ms = self.started_ns // NS_PER_MS
        for instrument_id, market in self.exchange.markets.items():
            for trade in market.trades:
                self._add_trade(instrument_id, trade.ts_ns, trade.price, trade.qty)
            if market.mark_price is not None:
                self._bars(instrument_id, PriceKind.MARK).add(now_ms, market.mark_price)
            if market.index_price is not None:
                self._bars(instrument_id, PriceKind.INDEX).add(now_ms, market.index_price)

    # -- recording --------------------------------------------------------------------------------

    def on_event(self, event: Any) -> None:
        """Record one exchange event (every event type is accepted; most are ignored)."""
        seq = getattr(event, "seq", None)
        if not isinstance(seq, int) or seq <= self._last_seq:
            return
        self._last_seq = seq
        if isinstance(event, TradeOccurred):
            self._trade_seq.set(event.trade_id, seq)
            self._add_trade(event.instrument_id, event.ts_ns, event.price, event.qty)
        elif isinstance(event, OrderFilled):
            self._fill_seq.set((event.fill.trade_id, event.fill.order_id), seq)
        elif isinstance(event, PositionChanged):
            p = event.position
            self._position_seq[(p.account_id, p.instrument_id, p.position_idx)] = seq
        elif isinstance(event, MarkPriceChanged):
            self._bars(event.instrument_id, PriceKind.MARK).add(event.ts_ns // NS_PER_MS, event.price)
        elif isinstance(event, IndexPriceChanged):
            self._bars(event.instrument_id, PriceKind.INDEX).add(event.ts_ns // NS_PER_MS, event.price)

    def settings_changed(self, account_id: str, ts_ns: int) -> None:
        """Note that an account's settings (margin mode, leverage, position mode) changed."""
        self.settings_changed_ns[account_id] = ts_ns

    def _bars(self, instrument_id: str, kind: str) -> _Bars:
        key = (instrument_id, kind)
        bars = self._series.get(key)
        if bars is None:
            bars = self._series[key] = _Bars(self.max_minutes)
        return bars

    def _add_trade(self, instrument_id: str, ts_ns: int, price: Decimal, qty: Decimal) -> None:
        market = self.exchange.markets.get(instrument_id)
        turnover = market.instrument.value(price, qty) if market is not None else _ZERO
        self._bars(instrument_id, PriceKind.TRADE).add(ts_ns // NS_PER_MS, price, qty, turnover)

    # -- queries ----------------------------------------------------------------------------------

    def trade_seq(self, trade_id: str) -> int | None:
        """The event ``seq`` of a public trade, if it was seen."""
        return self._trade_seq.get(trade_id)

    def fill_seq(self, trade_id: str, order_id: str) -> int | None:
        """The event ``seq`` of one side's fill of a trade, if it was seen."""
        return self._fill_seq.get((trade_id, order_id))

    def position_seq(self, account_id: str, instrument_id: str, position_idx: int) -> int | None:
        """The event ``seq`` of a position's last change, if it was seen."""
        return self._position_seq.get((account_id, instrument_id, position_idx))

    def bars(self, instrument_id: str, kind: str) -> list[Bar]:
        """The minute bars of one series, oldest first."""
        bars = self._series.get((instrument_id, kind))
        return list(bars.bars) if bars is not None else []

    def candles(
        self,
        instrument_id: str,
        kind: str,
        interval: str,
        *,
        now_ms: int,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = 200,
        current: Decimal | None = None,
    ) -> list[Candle]:
        """Candles of ``interval`` for one series, newest first, at most ``limit``.

        Every interval from the first one with data to the one holding ``min(end_ms, now_ms)``
        has a candle: an interval without trades or moves is a flat candle at the previous close
        (volume 0), as the venue prints them. A candle's start lies in
        ``[interval start of start_ms, end_ms]``.

        Parameters:
            current: for a mark or index series with no recorded bar (an instrument listed after
                this history started), the price now, giving one flat candle.

        Raises:
            UnmappedValue: ``interval`` is not one of Bybit's.
        """
        bars = self.bars(instrument_id, kind)
        if not bars and current is not None:
            bars = [Bar(now_ms - now_ms % MINUTE_MS, current, current, current, current, _ZERO, _ZERO)]
        return aggregate(
            bars,
            interval,
            now_ms=now_ms,
            start_ms=start_ms,
            end_ms=end_ms,
            limit=limit,
            continuous=kind != PriceKind.TRADE,
        )


def aggregate(
    bars: Iterable[Bar],
    interval: str,
    *,
    now_ms: int,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 200,
    continuous: bool = False,
) -> list[Candle]:
    """Minute bars (oldest first) as candles of ``interval``, newest first (see
    :meth:`MarketHistory.candles`).

    ``continuous``: the series is a price that holds between moves (mark, index), so a candle
    opens at the previous candle's close; a trade candle opens at its first trade.
    """
    buckets: dict[int, Candle] = {}
    for bar in bars:
        begin = interval_start_ms(bar.start_ms, interval)
        found = buckets.get(begin)
        if found is None:
            buckets[begin] = Candle(begin, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.turnover)
        else:
            buckets[begin] = Candle(
                begin,
                found.open,
                max(found.high, bar.high),
                min(found.low, bar.low),
                bar.close,
                found.volume + bar.volume,
                found.turnover + bar.turnover,
            )
    if not buckets or limit <= 0:
        return []
    starts = sorted(buckets)
    if continuous:
        for before, begin in pairwise(starts):
            found, opening = buckets[begin], buckets[before].close
            buckets[begin] = found._replace(
                open=opening, high=max(found.high, opening), low=min(found.low, opening)
            )
    top = now_ms if end_ms is None else min(end_ms, now_ms)
    if top < starts[0] or (start_ms is not None and start_ms > top):
        return []
    bucket = interval_start_ms(top, interval)
    floor = starts[0] if start_ms is None else max(starts[0], interval_start_ms(max(start_ms, 0), interval))
    candles: list[Candle] = []
    while bucket >= floor and len(candles) < limit:
        found = buckets.get(bucket)
        if found is not None:
            candles.append(found)
        else:
            # A quiet interval: flat at the close of the latest interval before it.
            close = buckets[starts[bisect_right(starts, bucket) - 1]].close
            candles.append(Candle(bucket, close, close, close, close, _ZERO, _ZERO))
        bucket = interval_start_ms(bucket - 1, interval)
    return candles
