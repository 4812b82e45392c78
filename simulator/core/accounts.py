"""Accounts: wallet balances per coin, a ledger of every cash flow, positions and orders.

A coin's balance has three parts: ``total`` (the wallet balance), ``locked`` (held by open spot
orders) and ``order_margin`` (initial margin held by open derivative orders). Position margin and
unrealized PnL depend on market prices, so the exchange computes the available balance (see
``Exchange.available``); this module only keeps the books.

Every change to ``total`` goes through :meth:`Account.book`, which records it in the ledger under
a :class:`~simulator.core.enums.LedgerKind`. ``total == sum(ledger[coin])`` always holds, which is
how the property tests reconcile PnL, fees and funding with balances.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from typing import NamedTuple

from simulator.core.enums import AccountKind, LedgerKind, MarginMode, PositionMode
from simulator.core.orders import Order
from simulator.core.positions import Position

__all__ = ["Account", "Balance", "BalanceView"]

_ZERO = Decimal(0)

#: Closed orders and fills an account remembers (the venue's history endpoints read these).
HISTORY_LIMIT = 10_000


class BalanceView(NamedTuple):
    account_id: str
    coin: str
    total: Decimal
    locked: Decimal
    order_margin: Decimal
    position_margin: Decimal
    unrealized_pnl: Decimal
    available: Decimal
    #: What the account owes in this coin (spot margin borrowing; already counted in ``total``).
    borrowed: Decimal = _ZERO


class Balance:
    __slots__ = ("locked", "order_margin", "total")

    def __init__(self) -> None:
        self.total = _ZERO
        self.locked = _ZERO
        self.order_margin = _ZERO


class Account:
    __slots__ = (
        "account_id",
        "balances",
        "borrowed",
        "client_ids",
        "closed_by_id",
        "closed_orders",
        "fills",
        "kind",
        "ledger",
        "leverage",
        "margin_mode",
        "open_orders",
        "position_modes",
        "positions",
        "reduce_only_orders",
    )

    def __init__(self, account_id: str, kind: AccountKind = AccountKind.USER) -> None:
        self.account_id = account_id
        self.kind = kind
        self.balances: dict[str, Balance] = {}
        #: The liability per coin from spot margin borrowing; the borrowed coins themselves are
        #: in the wallet (booked as ``LedgerKind.BORROW``). No interest accrues.
        self.borrowed: dict[str, Decimal] = {}
        self.ledger: dict[tuple[str, LedgerKind], Decimal] = {}
        self.positions: dict[tuple[str, int], Position] = {}
        self.leverage: dict[str, Decimal] = {}
        self.position_modes: dict[str, PositionMode] = {}
        self.margin_mode = MarginMode.CROSS
        self.open_orders: dict[str, Order] = {}
        self.closed_orders: deque[Order] = deque()
        self.closed_by_id: dict[str, Order] = {}
        #: The open reduce-only orders (checked whenever a position shrinks).
        self.reduce_only_orders: dict[str, Order] = {}
        #: Every client order id this account has used (they are unique per account).
        self.client_ids: dict[str, str] = {}
        self.fills: deque = deque(maxlen=HISTORY_LIMIT)

    @property
    def is_checked(self) -> bool:
        """Whether orders are checked against balance and margin (only for traders)."""
        return self.kind is AccountKind.USER

    def balance(self, coin: str) -> Balance:
        balance = self.balances.get(coin)
        if balance is None:
            balance = self.balances[coin] = Balance()
        return balance

    def book(self, coin: str, amount: Decimal, kind: LedgerKind) -> None:
        """Change the wallet balance of ``coin`` by ``amount`` and record why."""
        if not amount:
            return
        balance = self.balances.get(coin)
        if balance is None:
            balance = self.balances[coin] = Balance()
        key = (coin, kind)
        self.ledger[key] = self.ledger.get(key, _ZERO) + amount
        # Derived from the ledger the way ledger_total() sums it: a separate running total would
        # round differently (Decimal keeps 28 digits; inverse values use them all) and drift from it.
        balance.total = self.ledger_total(coin)

    def ledger_total(self, coin: str) -> Decimal:
        return sum((v for (c, _), v in self.ledger.items() if c == coin), _ZERO)

    def open(self, order: Order) -> None:
        self.open_orders[order.order_id] = order
        if order.reduce_only:
            self.reduce_only_orders[order.order_id] = order

    def close(self, order: Order) -> None:
        """Move an order from the open set to the (bounded) history."""
        self.open_orders.pop(order.order_id, None)
        self.reduce_only_orders.pop(order.order_id, None)
        self.closed_orders.append(order)
        self.closed_by_id[order.order_id] = order
        if len(self.closed_orders) > HISTORY_LIMIT:
            forgotten = self.closed_orders.popleft()
            self.closed_by_id.pop(forgotten.order_id, None)

    def position_mode(self, instrument_id: str) -> PositionMode:
        return self.position_modes.get(instrument_id, PositionMode.ONE_WAY)
