"""Market data: quotes, trades, order book deltas, bars, mark/index prices, funding, status, close.

Field names and order follow NautilusTrader, so ``QuoteTick(instrument_id, bid_price, ask_price,
bid_size, ask_size, ts_event, ts_init)`` reads the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model._unchecked import with_unchecked
from adapters.model.enums import (
    AggregationSource,
    AggressorSide,
    BarAggregation,
    BookAction,
    InstrumentCloseType,
    MarketStatusAction,
    OrderSide,
    PriceType,
    RecordFlag,
)
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import InstrumentId, TradeId
from adapters.model.objects import Price, Quantity

__all__ = [
    "Bar",
    "BarSpecification",
    "BarType",
    "BookOrder",
    "Data",
    "FundingRateUpdate",
    "IndexPriceUpdate",
    "InstrumentClose",
    "InstrumentStatus",
    "MarkPriceUpdate",
    "OrderBookDelta",
    "OrderBookDeltas",
    "QuoteTick",
    "TradeTick",
]


@with_unchecked
@dataclass(frozen=True, slots=True)
class QuoteTick:
    """Best bid and ask with their sizes."""

    instrument_id: InstrumentId
    bid_price: Price
    ask_price: Price
    bid_size: Quantity
    ask_size: Quantity
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("QuoteTick", "instrument_id", self.instrument_id, InstrumentId)
        for name in ("bid_price", "ask_price"):
            check_type("QuoteTick", name, getattr(self, name), Price)
        for name in ("bid_size", "ask_size"):
            check_type("QuoteTick", name, getattr(self, name), Quantity)
        check_ts("QuoteTick", ts_event=self.ts_event, ts_init=self.ts_init)


@with_unchecked
@dataclass(frozen=True, slots=True)
class TradeTick:
    """One public trade: price, size, which side was the aggressor, and the venue's trade id."""

    instrument_id: InstrumentId
    price: Price
    size: Quantity
    aggressor_side: AggressorSide
    trade_id: TradeId
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("TradeTick", "instrument_id", self.instrument_id, InstrumentId)
        check_type("TradeTick", "price", self.price, Price)
        check_type("TradeTick", "size", self.size, Quantity)
        check_type("TradeTick", "aggressor_side", self.aggressor_side, AggressorSide)
        check_type("TradeTick", "trade_id", self.trade_id, TradeId)
        check_ts("TradeTick", ts_event=self.ts_event, ts_init=self.ts_init)


@with_unchecked
@dataclass(frozen=True, slots=True)
class BookOrder:
    """One book entry: a price level (L2, ``order_id`` 0) or an order (L3)."""

    side: OrderSide
    price: Price
    size: Quantity
    order_id: int = 0

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types."""
        check_type("BookOrder", "side", self.side, OrderSide)
        check_type("BookOrder", "price", self.price, Price)
        check_type("BookOrder", "size", self.size, Quantity)
        check_type("BookOrder", "order_id", self.order_id, int)


@with_unchecked
@dataclass(frozen=True, slots=True)
class OrderBookDelta:
    """One change to a book: add/update/delete a level, or clear the book (``order`` None).

    ``flags`` carries ``RecordFlag`` bits: ``F_SNAPSHOT`` on records of a snapshot, ``F_LAST``
    on the last record of an event (consumers apply the batch then). ``sequence`` is the venue's.
    A DELETE's ``order`` has size 0 at the deleted price.
    """

    instrument_id: InstrumentId
    action: BookAction
    order: BookOrder | None
    flags: int
    sequence: int
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, or an order missing/present against the action."""
        check_type("OrderBookDelta", "instrument_id", self.instrument_id, InstrumentId)
        check_type("OrderBookDelta", "action", self.action, BookAction)
        check_type("OrderBookDelta", "order", self.order, BookOrder, optional=True)
        check_type("OrderBookDelta", "flags", self.flags, int)
        check_type("OrderBookDelta", "sequence", self.sequence, int)
        check_ts("OrderBookDelta", ts_event=self.ts_event, ts_init=self.ts_init)
        if (self.order is None) != (self.action is BookAction.CLEAR):
            raise ModelValueError(
                f"OrderBookDelta: a {self.action.name} needs "
                f"{'no order' if self.action is BookAction.CLEAR else 'a BookOrder'}; use "
                "OrderBookDelta.clear(...) for CLEAR"
            )

    @classmethod
    def clear(
        cls, instrument_id: InstrumentId, sequence: int, ts_event: int, ts_init: int, flags: int = 0
    ) -> OrderBookDelta:
        """A CLEAR delta (first record of a snapshot: drop the whole book)."""
        return cls(instrument_id, BookAction.CLEAR, None, flags, sequence, ts_event, ts_init)

    @property
    def is_snapshot(self) -> bool:
        """Whether ``F_SNAPSHOT`` is set."""
        return bool(self.flags & RecordFlag.F_SNAPSHOT)

    @property
    def is_last(self) -> bool:
        """Whether ``F_LAST`` is set."""
        return bool(self.flags & RecordFlag.F_LAST)


@with_unchecked
@dataclass(frozen=True, slots=True)
class OrderBookDeltas:
    """The deltas of one book event, in order, all for ``instrument_id``; the last has ``F_LAST``.

    ``OrderBookDeltas.unchecked`` (like that of QuoteTick, TradeTick, BookOrder and
    OrderBookDelta) skips the checks for parsers that built the parts themselves; it needs
    ``deltas`` as a tuple.
    """

    instrument_id: InstrumentId
    deltas: tuple[OrderBookDelta, ...]

    def __post_init__(self) -> None:
        """Raises: ModelValueError when empty, mixing instruments, or the last lacks F_LAST."""
        deltas = freeze_tuple(self, "deltas")
        check_type("OrderBookDeltas", "instrument_id", self.instrument_id, InstrumentId)
        if not deltas:
            raise ModelValueError("OrderBookDeltas needs at least one delta")
        for delta in deltas:
            check_type("OrderBookDeltas", "deltas[]", delta, OrderBookDelta)
            if delta.instrument_id != self.instrument_id:
                raise ModelValueError(
                    f"OrderBookDeltas for {self.instrument_id} got a delta for {delta.instrument_id}"
                )
        if not deltas[-1].is_last:
            raise ModelValueError("OrderBookDeltas: the last delta must carry RecordFlag.F_LAST")

    @property
    def is_snapshot(self) -> bool:
        """Whether this event is a snapshot (its first delta carries ``F_SNAPSHOT``)."""
        return self.deltas[0].is_snapshot

    @property
    def flags(self) -> int:
        """The last delta's flags."""
        return self.deltas[-1].flags

    @property
    def sequence(self) -> int:
        """The last delta's sequence."""
        return self.deltas[-1].sequence

    @property
    def ts_event(self) -> int:
        """The last delta's ``ts_event``."""
        return self.deltas[-1].ts_event

    @property
    def ts_init(self) -> int:
        """The last delta's ``ts_init``."""
        return self.deltas[-1].ts_init


@dataclass(frozen=True, slots=True)
class BarSpecification:
    """Step, aggregation and price type of bars: ``"1-MINUTE-LAST"``."""

    step: int
    aggregation: BarAggregation
    price_type: PriceType

    def __post_init__(self) -> None:
        """Raises: ModelValueError on a non-positive step or wrong enum types."""
        check_type("BarSpecification", "step", self.step, int)
        check_type("BarSpecification", "aggregation", self.aggregation, BarAggregation)
        check_type("BarSpecification", "price_type", self.price_type, PriceType)
        if self.step <= 0:
            raise ModelValueError(f"BarSpecification.step must be positive, got {self.step}")

    @classmethod
    def from_str(cls, value: str) -> BarSpecification:
        """Parse ``"STEP-AGGREGATION-PRICE_TYPE"``, e.g. ``"15-MINUTE-LAST"``.

        Raises:
            ModelValueError: wrong shape or unknown names.
        """
        parts = value.split("-")
        try:
            step, aggregation, price_type = parts
            return cls(int(step), BarAggregation[aggregation], PriceType[price_type])
        except (ValueError, KeyError):
            raise ModelValueError(
                f"bar specification must be 'STEP-AGGREGATION-PRICE_TYPE' with AGGREGATION one of "
                f"{[a.name for a in BarAggregation]} and PRICE_TYPE one of {[p.name for p in PriceType]}, "
                f"e.g. '1-MINUTE-LAST'; got {value!r}"
            ) from None

    def __str__(self) -> str:
        return f"{self.step}-{self.aggregation.name}-{self.price_type.name}"


@dataclass(frozen=True, slots=True)
class BarType:
    """Which bars: instrument, specification and source; ``"BTCUSDT-LINEAR.BYBIT-1-MINUTE-LAST-EXTERNAL"``."""

    instrument_id: InstrumentId
    bar_spec: BarSpecification
    aggregation_source: AggregationSource = AggregationSource.EXTERNAL

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types."""
        check_type("BarType", "instrument_id", self.instrument_id, InstrumentId)
        check_type("BarType", "bar_spec", self.bar_spec, BarSpecification)
        check_type("BarType", "aggregation_source", self.aggregation_source, AggregationSource)

    @classmethod
    def from_str(cls, value: str) -> BarType:
        """Parse ``"INSTRUMENT_ID-STEP-AGGREGATION-PRICE_TYPE-SOURCE"`` (symbols may contain dashes).

        Raises:
            ModelValueError: wrong shape or unknown names.
        """
        head, *tail = value.rsplit("-", 4)
        if len(tail) != 4 or tail[3] not in AggregationSource.__members__:
            raise ModelValueError(
                "bar type must be 'INSTRUMENT_ID-STEP-AGGREGATION-PRICE_TYPE-SOURCE', e.g. "
                f"'BTCUSDT-LINEAR.BYBIT-1-MINUTE-LAST-EXTERNAL'; got {value!r}"
            )
        spec = BarSpecification.from_str("-".join(tail[:3]))
        return cls(InstrumentId.from_str(head), spec, AggregationSource[tail[3]])

    def __str__(self) -> str:
        return f"{self.instrument_id}-{self.bar_spec}-{self.aggregation_source.name}"


@dataclass(frozen=True, slots=True)
class Bar:
    """An OHLCV bar; ``ts_event`` is the bar's close time; ``is_revision`` marks an update of an open bar."""

    bar_type: BarType
    open: Price
    high: Price
    low: Price
    close: Price
    volume: Quantity
    ts_event: int
    ts_init: int
    is_revision: bool = False

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or high/low not bounding open/close."""
        check_type("Bar", "bar_type", self.bar_type, BarType)
        for name in ("open", "high", "low", "close"):
            check_type("Bar", name, getattr(self, name), Price)
        check_type("Bar", "volume", self.volume, Quantity)
        check_ts("Bar", ts_event=self.ts_event, ts_init=self.ts_init)
        if not (self.high >= max(self.open, self.close) and self.low <= min(self.open, self.close)):
            raise ModelValueError(
                f"Bar: high {self.high} and low {self.low} must bound open {self.open} and close {self.close}"
            )


@dataclass(frozen=True, slots=True)
class MarkPriceUpdate:
    """The venue's mark price."""

    instrument_id: InstrumentId
    value: Price
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type(type(self).__name__, "instrument_id", self.instrument_id, InstrumentId)
        check_type(type(self).__name__, "value", self.value, Price)
        check_ts(type(self).__name__, ts_event=self.ts_event, ts_init=self.ts_init)


@dataclass(frozen=True, slots=True)
class IndexPriceUpdate:
    """The venue's index price."""

    instrument_id: InstrumentId
    value: Price
    ts_event: int
    ts_init: int

    __post_init__ = MarkPriceUpdate.__post_init__


@dataclass(frozen=True, slots=True)
class FundingRateUpdate:
    """The current funding rate (a fraction per interval), the next funding time and interval (minutes)."""

    instrument_id: InstrumentId
    rate: Decimal
    ts_event: int
    ts_init: int
    next_funding_ns: int | None = None
    interval: int | None = None

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("FundingRateUpdate", "instrument_id", self.instrument_id, InstrumentId)
        check_type("FundingRateUpdate", "rate", self.rate, Decimal)
        check_type("FundingRateUpdate", "interval", self.interval, int, optional=True)
        check_ts(
            "FundingRateUpdate",
            ts_event=self.ts_event,
            ts_init=self.ts_init,
            next_funding_ns=self.next_funding_ns,
        )


@dataclass(frozen=True, slots=True)
class InstrumentStatus:
    """A change in an instrument's market status (trading, halted, pre-open, delisted...)."""

    instrument_id: InstrumentId
    action: MarketStatusAction
    ts_event: int
    ts_init: int
    reason: str | None = None
    trading_event: str | None = None
    is_trading: bool | None = None
    is_quoting: bool | None = None
    is_short_sell_restricted: bool | None = None

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("InstrumentStatus", "instrument_id", self.instrument_id, InstrumentId)
        check_type("InstrumentStatus", "action", self.action, MarketStatusAction)
        check_ts("InstrumentStatus", ts_event=self.ts_event, ts_init=self.ts_init)


@dataclass(frozen=True, slots=True)
class InstrumentClose:
    """An instrument's closing price (end of session, or final settlement at expiry)."""

    instrument_id: InstrumentId
    close_price: Price
    close_type: InstrumentCloseType
    ts_event: int
    ts_init: int

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("InstrumentClose", "instrument_id", self.instrument_id, InstrumentId)
        check_type("InstrumentClose", "close_price", self.close_price, Price)
        check_type("InstrumentClose", "close_type", self.close_type, InstrumentCloseType)
        check_ts("InstrumentClose", ts_event=self.ts_event, ts_init=self.ts_init)


Data = (
    QuoteTick
    | TradeTick
    | OrderBookDelta
    | OrderBookDeltas
    | Bar
    | MarkPriceUpdate
    | IndexPriceUpdate
    | FundingRateUpdate
    | InstrumentStatus
    | InstrumentClose
)
"""Everything a market data client publishes through ``EventSink.on_data`` (plus instruments)."""
