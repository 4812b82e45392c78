"""Read-only views of the venue's state: orders, fills, balances, positions, books.

Everything returned is an immutable snapshot; nothing here changes state.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from simulator.core import risk
from simulator.core.accounts import BalanceView
from simulator.core.errors import CoreUsageError
from simulator.core.events import Fill
from simulator.core.instruments import Instrument
from simulator.core.market import MarketState
from simulator.core.orders import OrderView
from simulator.core.positions import PositionView

if TYPE_CHECKING:
    from simulator.core.exchange import Exchange

__all__ = ["BookSnapshot", "QueryMixin"]


class BookSnapshot:
    """An L2 snapshot: ``bids`` best first and ``asks`` best first, as ``(price, qty)`` Decimals."""

    __slots__ = ("asks", "bids", "instrument", "seq", "ts_ns")

    def __init__(self, instrument: Instrument, seq: int, ts_ns: int, bids: list, asks: list) -> None:
        self.instrument = instrument
        self.seq = seq
        self.ts_ns = ts_ns
        self.bids: list[tuple[Decimal, Decimal]] = bids
        self.asks: list[tuple[Decimal, Decimal]] = asks

    def __repr__(self) -> str:
        top = f"bids={self.bids[:3]}, asks={self.asks[:3]}"
        return f"BookSnapshot({self.instrument.id}, seq={self.seq}, {top})"


class QueryMixin:
    """Queries for :class:`~simulator.core.exchange.Exchange`."""

    def instrument(self: Exchange, instrument_id: str) -> Instrument:
        return self._market(instrument_id).instrument

    def market(self: Exchange, instrument_id: str) -> MarketState:
        return self._market(instrument_id)

    def book(self: Exchange, instrument_id: str, depth: int | None = None) -> BookSnapshot:
        market = self._market(instrument_id)
        inst = market.instrument
        tick, lot = inst.tick_size, inst.lot_size
        bids, asks = market.book.snapshot(depth)
        return BookSnapshot(
            inst,
            market.book.seq,
            self.clock.now_ns(),
            [(tick * p, lot * q) for p, q in bids],
            [(tick * p, lot * q) for p, q in asks],
        )

    def order(self: Exchange, account_id: str, order_id: str) -> OrderView:
        """An open or remembered order by id; raises CoreUsageError if the account has no such order."""
        account = self._account(account_id)
        order = account.open_orders.get(order_id)
        if order is not None:
            return order.view()
        closed = account.closed_by_id.get(order_id)
        if closed is not None:
            return closed.view()
        raise CoreUsageError(f"account {account_id!r} has no order {order_id!r}")

    def open_orders(self: Exchange, account_id: str, instrument_id: str | None = None) -> list[OrderView]:
        account = self._account(account_id)
        return [
            o.view()
            for o in account.open_orders.values()
            if instrument_id is None or o.instrument.id == instrument_id
        ]

    def order_history(self: Exchange, account_id: str, instrument_id: str | None = None) -> list[OrderView]:
        """Closed orders, newest first."""
        account = self._account(account_id)
        return [
            o.view()
            for o in reversed(account.closed_orders)
            if instrument_id is None or o.instrument.id == instrument_id
        ]

    def fills(self: Exchange, account_id: str, instrument_id: str | None = None) -> list[Fill]:
        """The account's fills, newest first."""
        account = self._account(account_id)
        return [
            f for f in reversed(account.fills) if instrument_id is None or f.instrument_id == instrument_id
        ]

    def balance(self: Exchange, account_id: str, coin: str) -> BalanceView:
        return self._balance_view(self._account(account_id), coin)

    def balances(self: Exchange, account_id: str) -> list[BalanceView]:
        account = self._account(account_id)
        return [self._balance_view(account, coin) for coin in sorted(account.balances)]

    def available(self: Exchange, account_id: str, coin: str) -> Decimal:
        return risk.available(self, self._account(account_id), coin)

    def position(
        self: Exchange, account_id: str, instrument_id: str, position_idx: int = 0
    ) -> PositionView | None:
        account = self._account(account_id)
        market = self._market(instrument_id)
        position = account.positions.get((instrument_id, position_idx))
        return None if position is None else self._position_view(account, market, position)

    def positions(self: Exchange, account_id: str) -> list[PositionView]:
        account = self._account(account_id)
        return [
            self._position_view(account, self.markets[instrument_id], position)
            for (instrument_id, _), position in sorted(account.positions.items())
        ]
