"""Commands a dialect sends to the exchange, and the results it gets back.

Quantities and prices are Decimals (strings and ints are accepted and parsed; anything that is
not a finite number is rejected with a reason, never raised).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from simulator.core.enums import OrderType, Side, StopKind, TimeInForce, TriggerBy, TriggerDirection
from simulator.core.errors import RejectReason
from simulator.core.orders import OrderView

__all__ = ["AmendOrder", "CancelAll", "CancelAllResult", "CancelOrder", "NewOrder", "OrderResult", "Result"]


class NewOrder(NamedTuple):
    account_id: str
    instrument_id: str
    side: Side
    order_type: OrderType
    qty: Decimal | str | int
    price: Decimal | str | int | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    post_only: bool = False
    reduce_only: bool = False
    #: Conditional orders that close the whole position when they fire (take-profit/stop-loss).
    close_on_trigger: bool = False
    #: Spot market buys only: ``qty`` is an amount of the quote coin to spend.
    quote_quantity: bool = False
    client_order_id: str = ""
    position_idx: int = 0
    trigger_price: Decimal | str | int | None = None
    trigger_by: TriggerBy = TriggerBy.LAST
    trigger_direction: TriggerDirection | None = None
    stop_kind: StopKind | None = None
    expire_ns: int | None = None


class AmendOrder(NamedTuple):
    account_id: str
    instrument_id: str
    order_id: str = ""
    client_order_id: str = ""
    qty: Decimal | str | int | None = None
    price: Decimal | str | int | None = None
    trigger_price: Decimal | str | int | None = None


class CancelOrder(NamedTuple):
    account_id: str
    instrument_id: str
    #: When both ids are given, ``order_id`` wins (as venues do).
    order_id: str = ""
    client_order_id: str = ""


class CancelAll(NamedTuple):
    account_id: str
    instrument_id: str | None = None
    side: Side | None = None
    #: None: every order; True: only conditional orders; False: only ordinary ones.
    conditional: bool | None = None
    #: Filters used when no instrument is given.
    market: str | None = None
    base: str | None = None
    settle: str | None = None


class OrderResult(NamedTuple):
    """The answer to a place, amend or cancel command.

    ``ok`` is False for a rejection, with ``reason`` and a ``message`` that says why. A post-only
    order that would have taken liquidity is rejected *with* an ``order``: it got an id and is in
    the account's history, as venues report it.
    """

    ok: bool
    order: OrderView | None
    reason: RejectReason | None
    message: str
    events: tuple[Any, ...]


class CancelAllResult(NamedTuple):
    cancelled: tuple[OrderView, ...]
    events: tuple[Any, ...]


class Result(NamedTuple):
    """The answer to a settings command (leverage, position mode, margin mode, trading stop)."""

    ok: bool
    reason: RejectReason | None
    message: str
    events: tuple[Any, ...]
