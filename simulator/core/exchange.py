"""The exchange: one object that owns every market and account and answers every command.

It is synchronous and deterministic: time comes from the injected clock, ids from the injected
generator, and the same commands in the same order always produce the same events.

Every public command runs inside a *command boundary*: state changes and events accumulate, then
the boundary's end fires conditional triggers, enforces reduce-only orders, re-checks the funds of
the accounts touched (see :mod:`simulator.core.risk`), emits one ``BookChanged`` per book, one
``PositionChanged`` per position and one ``BalanceChanged`` per (account, coin) that changed, and
hands the events to the listeners. Bad commands never raise: they return a result with a
:class:`~simulator.core.errors.RejectReason` and change nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from simulator.core import lifecycle, risk, trading
from simulator.core.accounts import Account, BalanceView
from simulator.core.clock import Clock, TimerQueue, VirtualClock
from simulator.core.commands import (
    AmendOrder,
    CancelAll,
    CancelAllResult,
    CancelOrder,
    NewOrder,
    OrderResult,
    Result,
)
from simulator.core.enums import (
    AccountKind,
    CancelReason,
    MarginMode,
    OrderStatus,
    OrderType,
    PositionMode,
    Side,
    TimeInForce,
    TriggerBy,
)
from simulator.core.errors import Rejected, RejectReason
from simulator.core.events import (
    BalanceChanged,
    BookChanged,
    Event,
    OrderCancelled,
    OrderExpired,
    OrderRejected,
    PositionChanged,
)
from simulator.core.ids import IdGenerator, SequentialIds
from simulator.core.market import MarketState
from simulator.core.matching import match
from simulator.core.orders import Order
from simulator.core.positions import Position, PositionView
from simulator.core.queries import QueryMixin
from simulator.core.setup import SetupMixin

__all__ = ["FEES_ACCOUNT", "INSURANCE_ACCOUNT", "Exchange"]

FEES_ACCOUNT = "__fees__"
INSURANCE_ACCOUNT = "__insurance__"

#: Venue default for open orders per account (Bybit: "More than 500 active orders", 110020).
DEFAULT_MAX_OPEN_ORDERS = 500
# Triggers firing triggers firing triggers: bound the cascade so a bad script cannot hang the core.
_MAX_SETTLE_ROUNDS = 1_000
_ZERO = Decimal(0)

Listener = Callable[[Event], None]


class Exchange(SetupMixin, QueryMixin):
    """A venue: instruments, books, accounts and the rules that connect them.

    Parameters:
        clock: where time comes from; a :class:`VirtualClock` by default.
        ids: order and trade id generator; :class:`SequentialIds` by default.
        max_open_orders: open orders a trader account may hold.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        ids: IdGenerator | None = None,
        *,
        max_open_orders: int = DEFAULT_MAX_OPEN_ORDERS,
    ) -> None:
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.ids: IdGenerator = ids if ids is not None else SequentialIds()
        self.max_open_orders = max_open_orders
        self.markets: dict[str, MarketState] = {}
        self.accounts: dict[str, Account] = {}
        self.timers = TimerQueue()
        self.seq = 0
        self.fees = self._new_account(FEES_ACCOUNT, AccountKind.FEES)
        self.insurance = self._new_account(INSURANCE_ACCOUNT, AccountKind.INSURANCE)
        self._listeners: list[Listener] = []
        self._events: list[Any] = []
        self._in_command = False
        self._dispatching = False
        self._outbox: deque[Any] = deque()
        self._books: dict[str, MarketState] = {}
        self._positions: dict[tuple[str, str, int], tuple[Account, MarketState, Position]] = {}
        self._balances: dict[tuple[str, str], Account] = {}
        self._triggers: dict[str, MarketState] = {}

    # -- events and command boundaries --------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event, in order; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def emit(self, event: Any) -> None:
        self._events.append(event)

    def _attempt(
        self, action: Callable[[], Any], on_reject: Callable[[Rejected], None] | None = None
    ) -> tuple[Any, Rejected | None, tuple[Any, ...]]:
        """Run ``action`` as one command: ``(value, rejection or None, events)``.

        Called while a command is already open (a scheduled action calling the exchange), the
        command joins it: its changes and events belong to the open command, and it returns no
        events of its own. A rejection drops only the events this command staged (it changed
        nothing); ``on_reject`` may then emit the rejection's own event.
        """
        outer = not self._in_command
        start = len(self._events)
        self._in_command = True
        try:
            try:
                value, rejected = action(), None
            except Rejected as exc:
                del self._events[start:]
                value, rejected = None, exc
                if on_reject is not None:
                    on_reject(exc)
        except BaseException:
            # An unexpected error must not leave the exchange inside a command.
            if outer:
                self._reset_boundary()
            else:
                del self._events[start:]
            raise
        return value, rejected, (self._end() if outer else ())

    def _reset_boundary(self) -> None:
        self._events.clear()
        self._books.clear()
        self._positions.clear()
        self._balances.clear()
        self._triggers.clear()
        self._in_command = False

    def _end(self) -> tuple[Any, ...]:
        try:
            balances = self._settle()
            now = self.clock.now_ns()
            for market in self._books.values():
                changes = market.book.drain()
                if changes:
                    self.emit(BookChanged(self.next_seq(), now, market.instrument, market.book.seq, changes))
            for account, market, position in self._positions.values():
                self.emit(
                    PositionChanged(self.next_seq(), now, self._position_view(account, market, position))
                )
            for view in balances:
                self.emit(BalanceChanged(self.next_seq(), now, view))
            events = tuple(self._events)
        finally:
            self._reset_boundary()
        self._dispatch(events)
        return events

    def _dispatch(self, events: tuple[Any, ...]) -> None:
        """Hand events to the listeners in order, even when a listener calls the exchange."""
        self._outbox.extend(events)
        if self._dispatching:
            return  # the dispatch loop further up the stack delivers them after the current ones
        self._dispatching = True
        try:
            while self._outbox:
                event = self._outbox.popleft()
                for listener in list(self._listeners):
                    listener(event)
        finally:
            self._outbox.clear()
            self._dispatching = False

    def _settle(self) -> list[BalanceView]:
        """Run the venue's follow-up rules until nothing more changes.

        Returns the final views of the balances the command changed (computed once, for both the
        funds check and the events).
        """
        checked: set[tuple[str, str, int]] = set()
        for _ in range(_MAX_SETTLE_ROUNDS):
            if self._triggers:
                markets = list(self._triggers.values())
                self._triggers.clear()
                for market in markets:
                    lifecycle.fire_triggers(self, market)
                continue
            pending = [key for key in self._positions if key not in checked]
            if pending:
                for key in pending:
                    checked.add(key)
                    account, market, position = self._positions[key]
                    lifecycle.enforce_reduce_only(self, account, market, position)
                continue
            views = [
                (account, self._balance_view(account, coin)) for (_, coin), account in self._balances.items()
            ]
            short = [
                (account, view.coin) for account, view in views if account.is_checked and view.available < 0
            ]
            if not short:
                return [view for _, view in views]
            for account, coin in short:
                lifecycle.remedy(self, account, coin)
        raise AssertionError("the exchange did not settle: a trigger or liquidation cascade does not end")

    def _run(self, action: Callable[[], Any]) -> tuple[Any, tuple[Any, ...]]:
        """Run a set-up or scripting action as one command (it cannot be rejected)."""
        value, _, events = self._attempt(action)
        return value, events

    # -- bookkeeping used by matching and lifecycle -------------------------------------------

    def touch_book(self, market: MarketState) -> None:
        self._books[market.instrument.id] = market

    def touch_balance(self, account: Account, coin: str) -> None:
        if account.kind is AccountKind.USER or account.kind is AccountKind.PARTICIPANT:
            self._balances[(account.account_id, coin)] = account

    def position_changed(self, account: Account, market: MarketState, position: Position) -> None:
        key = (account.account_id, market.instrument.id, position.position_idx)
        self._positions[key] = (account, market, position)
        holder = (account.account_id, position.position_idx)
        if position.size:
            market.holders[holder] = position
        else:
            market.holders.pop(holder, None)

    def reference_moved(self, market: MarketState) -> None:
        if market.conditionals:
            self._triggers[market.instrument.id] = market
        if market.mark_price is None and market.holders:
            # Unmarked positions are valued at the last price: a trade moves every holder's funds,
            # so re-check the traders among them (as a mark move does).
            settle = market.instrument.settle
            for account_id, _ in market.holders:
                account = self.accounts[account_id]
                if account.is_checked:
                    self.touch_balance(account, settle)

    def lock_coin(self, order: Order) -> str:
        inst = order.instrument
        if inst.is_spot:
            return inst.quote if order.side is Side.BUY else inst.base
        return inst.settle

    def lock_funds(
        self, account: Account, market: MarketState, order: Order, *, budget: Decimal | None = None
    ) -> None:
        """Check that ``account`` can afford ``order`` and lock its cost (see check_funds)."""
        coin, cost = self.check_funds(account, market, order, budget=budget)
        if cost:
            self.add_lock(account, order, coin, cost)

    def check_funds(
        self, account: Account, market: MarketState, order: Order, *, budget: Decimal | None = None
    ) -> tuple[str, Decimal]:
        """``(coin, cost)`` of ``order`` for ``account``; rejects if it is not affordable.

        ``budget`` is the quote amount of a spot market buy sized in the quote coin.
        """
        inst = market.instrument
        if not account.is_checked:
            return inst.settle, _ZERO
        if budget is not None:
            coin, cost = inst.quote, budget
        else:
            coin, cost = risk.remainder_cost(account, market, order)
        have = risk.available(self, account, coin)
        if cost > have:
            reason = RejectReason.INSUFFICIENT_BALANCE if inst.is_spot else RejectReason.INSUFFICIENT_MARGIN
            raise Rejected(reason, f"the order needs {cost} {coin} but {have} is available")
        return coin, cost

    def relock_funds(self, account: Account, market: MarketState, order: Order) -> None:
        """Re-cost an amended order; rejects (changing nothing) if the increase is not affordable."""
        if not account.is_checked:
            return
        coin, cost = risk.remainder_cost(account, market, order)
        delta = cost - order.locked
        if delta > 0:
            have = risk.available(self, account, coin)
            if delta > have:
                reason = (
                    RejectReason.INSUFFICIENT_BALANCE
                    if market.instrument.is_spot
                    else RejectReason.INSUFFICIENT_MARGIN
                )
                raise Rejected(reason, f"the amend needs {delta} more {coin} but {have} is available")
        if delta:
            self.add_lock(account, order, coin, delta)

    def add_lock(self, account: Account, order: Order, coin: str, amount: Decimal) -> None:
        balance = account.balance(coin)
        if order.instrument.is_spot:
            balance.locked += amount
        else:
            balance.order_margin += amount
        order.locked += amount
        self.touch_balance(account, coin)

    def execute(self, market: MarketState, order: Order) -> None:
        """Match a live order against the book, then rest, cancel or expire what is left."""
        book = market.book
        if order.time_in_force is TimeInForce.FOK:
            fillable = sum(
                lots for _, lots in risk.walk(book, order.side, order.leaves_lots, order.price_ticks)
            )
            if fillable < order.leaves_lots:
                self.cancel_internal(order, CancelReason.FOK_NOT_FILLABLE)
                return
        best = book.best_ask() if order.side is Side.BUY else book.best_bid()
        limit = order.price_ticks
        if best is not None and (
            limit is None or (limit >= best if order.side is Side.BUY else limit <= best)
        ):
            self._books[market.instrument.id] = market
            match(self, market, order)
        if not order.status.is_open:
            return
        if order.order_type is OrderType.MARKET:
            self.cancel_internal(order, CancelReason.MARKET_NO_LIQUIDITY)
        elif order.time_in_force is TimeInForce.IOC or order.time_in_force is TimeInForce.FOK:
            self.cancel_internal(order, CancelReason.IOC_REMAINDER)
        else:
            order.resting = True
            book.add(order)
            self._books[market.instrument.id] = market

    def close_order(self, order: Order) -> None:
        """Move a finished order to history and release whatever it still locks."""
        account = self.accounts[order.account_id]
        account.close(order)
        if order.locked:
            coin = self.lock_coin(order)
            balance = account.balances[coin]
            if order.instrument.is_spot:
                balance.locked -= order.locked
            else:
                balance.order_margin -= order.locked
            order.locked = _ZERO
            self.touch_balance(account, coin)

    def cancel_internal(self, order: Order, reason: CancelReason) -> None:
        """Cancel (or expire) an open order for any reason: user, IOC remainder, settlement…"""
        market = self.markets[order.instrument.id]
        if order.resting:
            order.resting = False
            market.book.unlink(order)
            self._books[market.instrument.id] = market
        if order.status is OrderStatus.UNTRIGGERED:
            market.conditionals = [o for o in market.conditionals if o is not order]
            status = OrderStatus.EXPIRED if reason is CancelReason.GTD_EXPIRED else OrderStatus.DEACTIVATED
        else:
            status = OrderStatus.EXPIRED if reason is CancelReason.GTD_EXPIRED else OrderStatus.CANCELLED
        order.transition(status)
        order.cancel_reason = reason
        order.updated_ns = self.clock.now_ns()
        self.close_order(order)
        if status is OrderStatus.EXPIRED:
            self.emit(OrderExpired(self.next_seq(), order.updated_ns, order.view()))
        else:
            self.emit(OrderCancelled(self.next_seq(), order.updated_ns, order.view(), reason))

    def schedule_expiry(self, order: Order) -> None:
        assert order.expire_ns is not None

        def expire() -> None:
            if order.status.is_open:
                self.cancel_internal(order, CancelReason.GTD_EXPIRED)

        self.timers.schedule(order.expire_ns, expire)

    # -- trading commands -----------------------------------------------------------------------

    def place_order(self, cmd: NewOrder) -> OrderResult:
        """Place one order. Never raises for a bad order: see :class:`OrderResult`."""

        def rejected(exc: Rejected) -> None:
            self.emit(
                OrderRejected(
                    self.next_seq(),
                    self.clock.now_ns(),
                    cmd.account_id if isinstance(cmd.account_id, str) else "",
                    cmd.instrument_id if isinstance(cmd.instrument_id, str) else "",
                    cmd.client_order_id if isinstance(cmd.client_order_id, str) else "",
                    exc.reason,
                    exc.message,
                    None,
                )
            )

        return self._order_result(lambda: trading.place(self, cmd), rejected)

    def place_orders(self, cmds: Iterable[NewOrder]) -> list[OrderResult]:
        """A batch: each order is placed (or rejected) on its own, in order."""
        return [self.place_order(cmd) for cmd in cmds]

    def amend_order(self, cmd: AmendOrder) -> OrderResult:
        return self._order_result(lambda: trading.amend(self, cmd))

    def amend_orders(self, cmds: Iterable[AmendOrder]) -> list[OrderResult]:
        return [self.amend_order(cmd) for cmd in cmds]

    def cancel_order(self, cmd: CancelOrder) -> OrderResult:
        return self._order_result(lambda: trading.cancel(self, cmd))

    def cancel_orders(self, cmds: Iterable[CancelOrder]) -> list[OrderResult]:
        return [self.cancel_order(cmd) for cmd in cmds]

    def cancel_all(self, cmd: CancelAll) -> CancelAllResult:
        """Cancel every open order matching the filters; unknown account/instrument cancel nothing."""
        orders, _, events = self._attempt(lambda: trading.cancel_all(self, cmd))
        return CancelAllResult(tuple(o.view() for o in orders or ()), events)

    def _order_result(
        self, action: Callable[[], Order], on_reject: Callable[[Rejected], None] | None = None
    ) -> OrderResult:
        order, rejected, events = self._attempt(action, on_reject)
        if rejected is not None:
            return OrderResult(False, None, rejected.reason, rejected.message, events)
        view = order.view()
        if order.status is OrderStatus.REJECTED:
            assert order.reject_reason is not None
            return OrderResult(
                False, view, order.reject_reason, "post-only order would take liquidity", events
            )
        return OrderResult(True, view, None, "", events)

    def _setting(self, action: Callable[[], None]) -> Result:
        _, rejected, events = self._attempt(action)
        if rejected is not None:
            return Result(False, rejected.reason, rejected.message, events)
        return Result(True, None, "", events)

    def set_leverage(self, account_id: str, instrument_id: str, leverage: Decimal | str | int) -> Result:
        return self._setting(lambda: trading.set_leverage(self, account_id, instrument_id, leverage))

    def set_position_mode(self, account_id: str, instrument_id: str, mode: PositionMode) -> Result:
        return self._setting(lambda: trading.set_position_mode(self, account_id, instrument_id, mode))

    def set_margin_mode(self, account_id: str, mode: MarginMode) -> Result:
        return self._setting(lambda: trading.set_margin_mode(self, account_id, mode))

    def set_trading_stop(
        self,
        account_id: str,
        instrument_id: str,
        *,
        position_idx: int = 0,
        take_profit: Decimal | str | int | None = None,
        stop_loss: Decimal | str | int | None = None,
        trigger_by: TriggerBy = TriggerBy.LAST,
    ) -> Result:
        return self._setting(
            lambda: trading.set_trading_stop(
                self, account_id, instrument_id, position_idx, take_profit, stop_loss, trigger_by
            )
        )

    # -- views ----------------------------------------------------------------------------------

    def _position_view(self, account: Account, market: MarketState, position: Position) -> PositionView:
        inst = market.instrument
        leverage = account.leverage.get(inst.id, inst.default_leverage)
        return position.view(leverage, market.valuation_price(), market.index_price)

    def _balance_view(self, account: Account, coin: str) -> BalanceView:
        balance = account.balance(coin)
        margin, upnl = risk.position_totals(self, account, coin)
        return BalanceView(
            account.account_id,
            coin,
            balance.total,
            balance.locked,
            balance.order_margin,
            margin,
            upnl,
            balance.total - balance.locked - balance.order_margin - margin + min(_ZERO, upnl),
            account.borrowed.get(coin, _ZERO),
        )
