"""Orders as submitted: an immutable description of what the strategy asked the venue to do.

NautilusTrader's orders are stateful objects; an adapter only needs their submitted fields, so
this model keeps one immutable :class:`Order` (with NautilusTrader's field names) and lets the
order's life be told by events and reports. ``Order.__post_init__`` enforces the rules every
venue shares (a limit needs a price, a stop needs a trigger, GTD needs an expiry); the
venue-specific ones are the adapter's, checked against its capabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model.enums import (
    ContingencyType,
    OrderSide,
    OrderType,
    TimeInForce,
    TriggerType,
)
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import (
    ClientOrderId,
    InstrumentId,
    OrderListId,
    StrategyId,
    TraderId,
)
from adapters.model.objects import Price, Quantity

__all__ = ["DEFAULT_STRATEGY_ID", "DEFAULT_TRADER_ID", "Order", "OrderList"]

DEFAULT_TRADER_ID = TraderId("TRADER-001")
"""Trader id commands and orders carry when the caller has none of its own."""
DEFAULT_STRATEGY_ID = StrategyId("EXTERNAL")
"""Strategy id commands and orders carry when the caller has none of its own (Nautilus' external id)."""

# Which order types take a limit price and which a trigger price.
_PRICED = frozenset(
    {OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED, OrderType.MARKET_TO_LIMIT}
)
_TRIGGERED = frozenset(
    {
        OrderType.STOP_MARKET,
        OrderType.STOP_LIMIT,
        OrderType.MARKET_IF_TOUCHED,
        OrderType.LIMIT_IF_TOUCHED,
        OrderType.TRAILING_STOP_MARKET,
        OrderType.TRAILING_STOP_LIMIT,
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """An order as submitted.

    ``price`` is required exactly for LIMIT, STOP_LIMIT, LIMIT_IF_TOUCHED (and MARKET_TO_LIMIT
    leaves it optional); ``trigger_price`` exactly for the stop and if-touched types. GTD needs
    ``expire_time_ns``; ``post_only`` is only meaningful for orders that rest at a limit price.
    ``quote_quantity`` means ``quantity`` is in the quote currency (spot market buys).
    """

    instrument_id: InstrumentId
    client_order_id: ClientOrderId
    order_side: OrderSide
    order_type: OrderType
    quantity: Quantity
    ts_init: int
    price: Price | None = None
    trigger_price: Price | None = None
    trigger_type: TriggerType = TriggerType.NO_TRIGGER
    time_in_force: TimeInForce = TimeInForce.GTC
    expire_time_ns: int | None = None
    post_only: bool = False
    reduce_only: bool = False
    quote_quantity: bool = False
    display_qty: Quantity | None = None
    contingency_type: ContingencyType = ContingencyType.NO_CONTINGENCY
    order_list_id: OrderListId | None = None
    linked_order_ids: tuple[ClientOrderId, ...] = ()
    parent_order_id: ClientOrderId | None = None
    tags: tuple[str, ...] = ()
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    init_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Check types and the cross-field rules.

        Raises:
            ModelValueError: a wrong type, a price/trigger present or missing against the order
                type, a zero quantity, GTD without expiry (or an expiry without GTD), or
                post-only on an order that does not rest at a limit price.
        """
        freeze_tuple(self, "linked_order_ids")
        freeze_tuple(self, "tags")
        check_type("Order", "instrument_id", self.instrument_id, InstrumentId)
        check_type("Order", "client_order_id", self.client_order_id, ClientOrderId)
        check_type("Order", "order_side", self.order_side, OrderSide)
        check_type("Order", "order_type", self.order_type, OrderType)
        check_type("Order", "quantity", self.quantity, Quantity)
        check_type("Order", "price", self.price, Price, optional=True)
        check_type("Order", "trigger_price", self.trigger_price, Price, optional=True)
        check_type("Order", "trigger_type", self.trigger_type, TriggerType)
        check_type("Order", "time_in_force", self.time_in_force, TimeInForce)
        check_ts("Order", ts_init=self.ts_init, expire_time_ns=self.expire_time_ns)
        where = f"Order {self.client_order_id} ({self.order_type.name})"
        if self.order_side is OrderSide.NO_ORDER_SIDE:
            raise ModelValueError(f"{where}: order_side must be BUY or SELL")
        if not self.quantity:
            raise ModelValueError(f"{where}: quantity must be positive")
        needs_price = self.order_type in _PRICED and self.order_type is not OrderType.MARKET_TO_LIMIT
        if needs_price and self.price is None:
            raise ModelValueError(f"{where}: needs a price")
        if self.order_type not in _PRICED and self.price is not None:
            raise ModelValueError(f"{where}: takes no price (use LIMIT or STOP_LIMIT for a limit price)")
        if self.order_type in _TRIGGERED and self.trigger_price is None:
            raise ModelValueError(f"{where}: needs a trigger_price")
        if self.order_type not in _TRIGGERED:
            if self.trigger_price is not None:
                raise ModelValueError(f"{where}: takes no trigger_price (use a STOP_* or *_IF_TOUCHED type)")
            if self.trigger_type is not TriggerType.NO_TRIGGER:
                raise ModelValueError(f"{where}: takes no trigger_type; leave it NO_TRIGGER")
        elif self.trigger_type is TriggerType.NO_TRIGGER:
            # A conditional order with no trigger type means "the venue's default", as in Nautilus.
            object.__setattr__(self, "trigger_type", TriggerType.DEFAULT)
        if (self.time_in_force is TimeInForce.GTD) != (self.expire_time_ns is not None):
            raise ModelValueError(
                f"{where}: expire_time_ns is required with TimeInForce.GTD and only with it "
                f"(got {self.time_in_force.name}, expire_time_ns={self.expire_time_ns})"
            )
        if self.post_only and self.order_type not in _PRICED:
            raise ModelValueError(f"{where}: post_only needs an order with a limit price")

    @property
    def side(self) -> OrderSide:
        """Alias of ``order_side``."""
        return self.order_side

    @property
    def has_price(self) -> bool:
        """Whether the order carries a limit price."""
        return self.price is not None

    @property
    def has_trigger_price(self) -> bool:
        """Whether the order carries a trigger price."""
        return self.trigger_price is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderList:
    """Orders submitted together (a batch or a contingent bracket), all for one instrument."""

    order_list_id: OrderListId
    instrument_id: InstrumentId
    orders: tuple[Order, ...]
    ts_init: int
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID

    def __post_init__(self) -> None:
        """Raises: ModelValueError when empty, mixing instruments or repeating a client order id."""
        orders = freeze_tuple(self, "orders")
        check_type("OrderList", "order_list_id", self.order_list_id, OrderListId)
        check_ts("OrderList", ts_init=self.ts_init)
        if not orders:
            raise ModelValueError("OrderList needs at least one order")
        for order in orders:
            check_type("OrderList", "orders[]", order, Order)
            if order.instrument_id != self.instrument_id:
                raise ModelValueError(
                    f"OrderList {self.order_list_id} is for {self.instrument_id}; order "
                    f"{order.client_order_id} is for {order.instrument_id}"
                )
        ids = [o.client_order_id for o in orders]
        if len(set(ids)) != len(ids):
            raise ModelValueError(f"OrderList {self.order_list_id} repeats a client_order_id: {ids}")

    @property
    def first(self) -> Order:
        """The first order."""
        return self.orders[0]
