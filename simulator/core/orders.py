"""Orders: the mutable record the exchange keeps, and the immutable view it publishes.

An :class:`Order` is owned by the exchange and changes as it fills, is amended or closes. Its
lifecycle is checked: :meth:`Order.transition` refuses a move the state machine in
:class:`~simulator.core.enums.OrderStatus` does not allow. Everything outside the core sees an
order only as an :class:`OrderView`, a snapshot taken when an event is emitted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from simulator.core.enums import (
    CancelReason,
    OrderStatus,
    OrderType,
    Side,
    StopKind,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.core.errors import RejectReason
from simulator.core.instruments import Instrument

__all__ = ["Order", "OrderView"]

_ZERO = Decimal(0)


class OrderView(NamedTuple):
    """An immutable snapshot of an order. Sizes are in lots and prices in ticks of ``instrument``;
    the Decimal properties convert them."""

    order_id: str
    client_order_id: str
    account_id: str
    instrument: Instrument
    side: Side
    order_type: OrderType
    time_in_force: TimeInForce
    post_only: bool
    reduce_only: bool
    close_on_trigger: bool
    quote_quantity: bool
    position_idx: int
    price_ticks: int | None
    qty_lots: int
    filled_lots: int
    #: Sum of fill values in the settle coin (quote coin for spot).
    cum_value: Decimal
    cum_fee: Decimal
    status: OrderStatus
    trigger_price: Decimal | None
    trigger_by: TriggerBy | None
    trigger_direction: TriggerDirection | None
    stop_kind: StopKind | None
    expire_ns: int | None
    cancel_reason: CancelReason | None
    reject_reason: RejectReason | None
    created_ns: int
    updated_ns: int
    last_price_on_created: Decimal | None

    @property
    def instrument_id(self) -> str:
        return self.instrument.id

    @property
    def price(self) -> Decimal | None:
        return None if self.price_ticks is None else self.instrument.tick_size * self.price_ticks

    @property
    def qty(self) -> Decimal:
        return self.instrument.lot_size * self.qty_lots

    @property
    def filled_qty(self) -> Decimal:
        return self.instrument.lot_size * self.filled_lots

    @property
    def leaves_qty(self) -> Decimal:
        if not self.status.is_open:
            return _ZERO * self.instrument.lot_size
        return self.instrument.lot_size * (self.qty_lots - self.filled_lots)

    @property
    def avg_price(self) -> Decimal | None:
        """Average fill price (harmonic for inverse contracts), None before the first fill."""
        if not self.filled_lots:
            return None
        inst = self.instrument
        filled = self.filled_qty * inst.contract_size
        if inst.is_inverse:
            return filled / self.cum_value
        return self.cum_value / filled

    @property
    def is_conditional(self) -> bool:
        return self.trigger_price is not None


class Order:
    """The exchange's live record of one order (see the module docstring)."""

    __slots__ = (
        "account_id",
        "cancel_reason",
        "client_order_id",
        "close_on_trigger",
        "created_ns",
        "cum_fee",
        "cum_value",
        "expire_ns",
        "filled_lots",
        "instrument",
        "last_price_on_created",
        "locked",
        "order_id",
        "order_type",
        "position_idx",
        "post_only",
        "price_ticks",
        "qty_lots",
        "quote_quantity",
        "reduce_only",
        "reject_reason",
        "resting",
        "side",
        "status",
        "stop_kind",
        "time_in_force",
        "trigger_by",
        "trigger_direction",
        "trigger_price",
        "updated_ns",
    )

    def __init__(
        self,
        *,
        order_id: str,
        client_order_id: str,
        account_id: str,
        instrument: Instrument,
        side: Side,
        order_type: OrderType,
        time_in_force: TimeInForce,
        price_ticks: int | None,
        qty_lots: int,
        post_only: bool = False,
        reduce_only: bool = False,
        close_on_trigger: bool = False,
        quote_quantity: bool = False,
        position_idx: int = 0,
        trigger_price: Decimal | None = None,
        trigger_by: TriggerBy | None = None,
        trigger_direction: TriggerDirection | None = None,
        stop_kind: StopKind | None = None,
        expire_ns: int | None = None,
        created_ns: int,
        last_price_on_created: Decimal | None = None,
    ) -> None:
        self.order_id = order_id
        self.client_order_id = client_order_id
        self.account_id = account_id
        self.instrument = instrument
        self.side = side
        self.order_type = order_type
        self.time_in_force = time_in_force
        self.price_ticks = price_ticks
        self.qty_lots = qty_lots
        self.filled_lots = 0
        self.post_only = post_only
        self.reduce_only = reduce_only
        self.close_on_trigger = close_on_trigger
        self.quote_quantity = quote_quantity
        self.position_idx = position_idx
        self.trigger_price = trigger_price
        self.trigger_by = trigger_by
        self.trigger_direction = trigger_direction
        self.stop_kind = stop_kind
        self.expire_ns = expire_ns
        self.created_ns = created_ns
        self.updated_ns = created_ns
        self.last_price_on_created = last_price_on_created
        self.cum_value = _ZERO
        self.cum_fee = _ZERO
        self.status = OrderStatus.UNTRIGGERED if trigger_price is not None else OrderStatus.NEW
        self.cancel_reason: CancelReason | None = None
        self.reject_reason: RejectReason | None = None
        #: True while the order sits in the book (the book's lazy deletion reads this).
        self.resting = False
        #: Balance (spot) or initial margin (derivatives) this order holds, in ``lock_coin``.
        self.locked = _ZERO

    @property
    def leaves_lots(self) -> int:
        return self.qty_lots - self.filled_lots

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def transition(self, status: OrderStatus) -> None:
        if not self.status.can_become(status):
            raise AssertionError(
                f"order {self.order_id}: illegal transition {self.status.name} -> {status.name}"
            )
        self.status = status

    def view(self) -> OrderView:
        # tuple.__new__ skips NamedTuple's keyword handling: this runs for every order event.
        return tuple.__new__(
            OrderView,
            (
                self.order_id,
                self.client_order_id,
                self.account_id,
                self.instrument,
                self.side,
                self.order_type,
                self.time_in_force,
                self.post_only,
                self.reduce_only,
                self.close_on_trigger,
                self.quote_quantity,
                self.position_idx,
                self.price_ticks,
                self.qty_lots,
                self.filled_lots,
                self.cum_value,
                self.cum_fee,
                self.status,
                self.trigger_price,
                self.trigger_by,
                self.trigger_direction,
                self.stop_kind,
                self.expire_ns,
                self.cancel_reason,
                self.reject_reason,
                self.created_ns,
                self.updated_ns,
                self.last_price_on_created,
            ),
        )

    def __repr__(self) -> str:
        return (
            f"Order({self.order_id!r}, {self.side.name} {self.qty_lots}@{self.price_ticks} "
            f"filled={self.filled_lots} {self.status.name})"
        )
