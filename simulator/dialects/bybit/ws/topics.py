"""Public topic names (§7.5): which stream a topic string means on a category's socket.

``orderbook.{depth}.{symbol}`` (depths per category, :data:`BOOK_DEPTHS`), ``publicTrade.{symbol}``
(options: ``publicTrade.{baseCoin}``), ``tickers.{symbol}``, ``kline.{interval}.{symbol}`` (not on
option) and ``allLiquidation.{symbol}`` / legacy ``liquidation.{symbol}`` (linear and inverse).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from simulator.core import Exchange, Instrument
from simulator.dialects.bybit.codec.market import KLINE_INTERVALS
from simulator.dialects.bybit.codec.ws import BOOK_DEPTHS

__all__ = ["PublicTopic", "TopicKind", "parse_public_topic"]


class TopicKind(Enum):
    BOOK = "orderbook"
    TRADE = "publicTrade"
    TICKER = "tickers"
    KLINE = "kline"
    LIQUIDATION = "liquidation"


@dataclass(frozen=True, slots=True)
class PublicTopic:
    """A public topic resolved against the venue's instruments.

    ``instruments`` holds one instrument, or for an option trade topic every option of the base coin.
    ``param`` is the depth (books) or the interval (klines).
    """

    name: str
    kind: TopicKind
    category: str
    instruments: tuple[Instrument, ...]
    param: int | str | None = None

    @property
    def instrument(self) -> Instrument:
        return self.instruments[0]


def _instrument(exchange: Exchange, category: str, symbol: str) -> Instrument | None:
    market = exchange.markets.get(f"{category}:{symbol}")
    return market.instrument if market is not None else None


def parse_public_topic(name: object, category: str, exchange: Exchange) -> PublicTopic | None:
    """The topic ``name`` means on the ``category`` socket, or None (unknown topic or symbol)."""
    if not isinstance(name, str):
        return None
    head, _, rest = name.partition(".")
    if head == "orderbook":
        depth_text, _, symbol = rest.partition(".")
        if not depth_text.isdigit() or int(depth_text) not in BOOK_DEPTHS.get(category, ()):
            return None
        inst = _instrument(exchange, category, symbol)
        return None if inst is None else PublicTopic(name, TopicKind.BOOK, category, (inst,), int(depth_text))
    if head == "publicTrade":
        if category == "option":
            options = tuple(
                m.instrument
                for m in exchange.markets.values()
                if m.instrument.is_option and m.instrument.base == rest
            )
            return PublicTopic(name, TopicKind.TRADE, category, options) if options else None
        inst = _instrument(exchange, category, rest)
        return None if inst is None else PublicTopic(name, TopicKind.TRADE, category, (inst,))
    if head == "tickers":
        inst = _instrument(exchange, category, rest)
        return None if inst is None else PublicTopic(name, TopicKind.TICKER, category, (inst,))
    if head == "kline" and category != "option":
        interval, _, symbol = rest.partition(".")
        inst = _instrument(exchange, category, symbol)
        if inst is None or interval not in KLINE_INTERVALS:
            return None
        return PublicTopic(name, TopicKind.KLINE, category, (inst,), interval)
    if head in ("allLiquidation", "liquidation") and category in ("linear", "inverse"):
        inst = _instrument(exchange, category, rest)
        return None if inst is None else PublicTopic(name, TopicKind.LIQUIDATION, category, (inst,))
    return None
