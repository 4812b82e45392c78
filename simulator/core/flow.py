"""Seeded synthetic order flow: other participants that keep a market looking alive.

Every ``interval_ms`` of venue time, for each instrument, the flow walks the mid price a few
ticks, marks the instrument (mark and index follow the mid), tops the book up to ``levels`` price
levels a side with the maker participant's limit orders, cancels some of them, and now and then
sends a small market order from the taker participant, which prints a trade. The same seed, the
same clock and the same commands give the same market.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core import trading
from simulator.core.commands import NewOrder
from simulator.core.enums import CancelReason, InstrumentStatus, OrderType, Side
from simulator.core.errors import CoreUsageError, Rejected
from simulator.core.events import IndexPriceChanged, MarkPriceChanged
from simulator.core.setup import MARKET_ACCOUNT, TAKER_ACCOUNT

if TYPE_CHECKING:
    from simulator.core.exchange import Exchange
    from simulator.core.market import MarketState

__all__ = ["FlowConfig", "SyntheticFlow"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowConfig:
    """How busy the synthetic market is. Sizes are in lots, distances in ticks."""

    instrument_ids: tuple[str, ...]
    seed: int = 0
    interval_ms: int = 100
    #: Price levels the maker keeps on each side.
    levels: int = 50
    #: Ticks between the mid and the first level on each side.
    half_spread_ticks: int = 1
    #: Largest random step of the mid per interval.
    drift_ticks: int = 2
    #: Order sizes are drawn as a value in the quote coin between these bounds, so that a spot
    #: pair with a tiny lot and an inverse contract of 1 USD get comparable books.
    min_value: Decimal = Decimal(50)
    max_value: Decimal = Decimal(20_000)
    #: Chance per interval and instrument of a taker market order.
    trade_probability: float = 0.3
    #: Maker orders cancelled per interval and instrument, at most.
    cancels_per_step: int = 2
    #: Make the mark and index prices follow the mid.
    move_marks: bool = True

    def __post_init__(self) -> None:
        if self.interval_ms <= 0 or self.levels <= 0 or not 0 < self.min_value <= self.max_value:
            raise CoreUsageError("flow needs interval_ms > 0, levels > 0 and 0 < min_value <= max_value")


class SyntheticFlow:
    """Drives :class:`FlowConfig` on an exchange. Call :meth:`start` to run it on the venue clock."""

    def __init__(self, exchange: Exchange, config: FlowConfig) -> None:
        self.exchange = exchange
        self.config = config
        self.rng = random.Random(config.seed)
        self.maker = exchange.participant(MARKET_ACCOUNT)
        self.taker = exchange.participant(TAKER_ACCOUNT)
        self.mids: dict[str, int] = {}
        self.running = False
        for instrument_id in config.instrument_ids:
            exchange.market(instrument_id)  # fails early, naming the unknown instrument

    def start(self) -> None:
        """Run a step every ``interval_ms`` of venue time, from the next interval on."""
        if self.running:
            return
        self.running = True
        self._schedule_next()

    def stop(self) -> None:
        self.running = False

    def _schedule_next(self) -> None:
        due = self.exchange.clock.now_ns() + self.config.interval_ms * 1_000_000
        self.exchange.schedule(due, lambda _: self._tick())

    def _tick(self) -> None:
        if not self.running:
            return
        self.step()
        self._schedule_next()

    def run_step(self) -> tuple:
        """Run one step now, as its own command (outside the timer schedule)."""
        return self.exchange._run(self.step)[1]

    def step(self) -> None:
        """One interval of flow on every instrument (runs inside a command boundary)."""
        for instrument_id in self.config.instrument_ids:
            market = self.exchange.markets[instrument_id]
            if market.status is InstrumentStatus.TRADING:
                self._step_market(market)

    def _initial_mid(self, market: MarketState) -> int | None:
        book = market.book
        bid, ask = book.best_bid(), book.best_ask()
        if bid is not None and ask is not None:
            return (bid + ask) // 2
        reference = market.valuation_price() or market.index_price
        if reference is None:
            return None
        return int(reference / market.instrument.tick_size)

    def _step_market(self, market: MarketState) -> None:
        cfg, rng, ex = self.config, self.rng, self.exchange
        inst = market.instrument
        mid = self.mids.get(inst.id)
        if mid is None:
            mid = self._initial_mid(market)
            if mid is None:
                return
        mid = max(
            cfg.half_spread_ticks + cfg.levels + 1, mid + rng.randint(-cfg.drift_ticks, cfg.drift_ticks)
        )
        self.mids[inst.id] = mid
        if cfg.move_marks and inst.is_derivative:
            price = inst.tick_size * mid
            now = ex.clock.now_ns()
            market.mark_price = price
            ex.emit(MarkPriceChanged(ex.next_seq(), now, inst.id, price))
            if not inst.is_option:
                market.index_price = price
                ex.emit(IndexPriceChanged(ex.next_seq(), now, inst.id, price))
            ex._revalue(market)
        mine = [o for o in self.maker.open_orders.values() if o.instrument is inst]
        # Re-quote: quotes the mid has moved through would stop the other side from being topped
        # up (the maker never crosses), and the book would thin out on that side for good.
        stale = [
            o
            for o in mine
            if o.price_ticks is not None
            and (o.price_ticks >= mid if o.side is Side.BUY else o.price_ticks <= mid)
        ]
        for order in stale:
            ex.cancel_internal(order, CancelReason.USER)
        mine = [o for o in mine if o.status.is_open]
        for _ in range(min(cfg.cancels_per_step, len(mine))):
            victim = mine.pop(rng.randrange(len(mine)))
            if victim.status.is_open:
                ex.cancel_internal(victim, CancelReason.USER)
        self._top_up(market, mid, Side.BUY)
        self._top_up(market, mid, Side.SELL)
        if rng.random() < cfg.trade_probability:
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            self._place(market, side, OrderType.MARKET, None, self._lots(market, mid), self.taker)

    def _top_up(self, market: MarketState, mid: int, side: Side) -> None:
        cfg, rng = self.config, self.rng
        book = market.book
        levels = book.bids if side is Side.BUY else book.asks
        missing = cfg.levels - len(levels)
        opposite = book.best_ask() if side is Side.BUY else book.best_bid()
        for _ in range(max(0, missing)):
            distance = cfg.half_spread_ticks + rng.randrange(cfg.levels)
            price = mid - distance if side is Side.BUY else mid + distance
            if opposite is not None and (price >= opposite if side is Side.BUY else price <= opposite):
                continue  # the maker never crosses: takers make the trades
            if price <= 0:
                continue
            self._place(market, side, OrderType.LIMIT, price, self._lots(market, mid), self.maker)

    def _lots(self, market: MarketState, mid: int) -> int:
        """A random order size, in lots, worth between min_value and max_value of the quote coin."""
        cfg = self.config
        inst = market.instrument
        value = cfg.min_value + (cfg.max_value - cfg.min_value) * Decimal(self.rng.random())
        unit = inst.lot_size * inst.contract_size
        if not inst.is_inverse:  # an inverse contract is worth contract_size of the quote coin
            unit *= inst.tick_size * mid
        return max(1, int(value / unit))

    def _place(
        self,
        market: MarketState,
        side: Side,
        order_type: OrderType,
        price_ticks: int | None,
        lots: int,
        account,
    ) -> None:
        inst = market.instrument
        lots = max(lots, int(inst.min_qty / inst.lot_size))
        cmd = NewOrder(
            account.account_id,
            inst.id,
            side,
            order_type,
            inst.lot_size * lots,
            None if price_ticks is None else inst.tick_size * price_ticks,
        )
        # A size above the instrument's maximum, say: the flow just skips that order.
        with contextlib.suppress(Rejected):
            trading.place(self.exchange, cmd)
