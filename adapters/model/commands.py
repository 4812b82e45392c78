"""Trading commands an execution client receives, with NautilusTrader's names and fields.

Every command carries ``trader_id``, ``strategy_id``, ``instrument_id``, a ``command_id``
(UUID, generated when omitted) and ``ts_init``; ``client_id`` optionally names the execution
client it is addressed to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model.enums import OrderSide
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import (
    ClientId,
    ClientOrderId,
    InstrumentId,
    PositionId,
    StrategyId,
    TraderId,
    VenueOrderId,
)
from adapters.model.objects import Price, Quantity
from adapters.model.orders import DEFAULT_STRATEGY_ID, DEFAULT_TRADER_ID, Order, OrderList

__all__ = [
    "BatchCancelOrders",
    "CancelAllOrders",
    "CancelOrder",
    "ModifyOrder",
    "SubmitOrder",
    "SubmitOrderList",
    "TradingCommand",
]


#: Value types a venue-specific order parameter may have.
_PARAM_VALUES = (str, int, float, bool, Decimal)


def _check_params(owner: str, params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    if not isinstance(params, Mapping):
        raise ModelValueError(f"{owner}.params must be a mapping of str to a value, got {params!r}")
    for key, value in params.items():
        if not isinstance(key, str) or not key:
            raise ModelValueError(f"{owner}.params keys must be non-empty strings, got {key!r}")
        if value is not None and not isinstance(value, _PARAM_VALUES):
            raise ModelValueError(
                f"{owner}.params[{key!r}] must be a str, number, bool or None, got {type(value).__name__}"
            )
    return dict(params)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitOrder:
    """Submit one order.

    ``params`` carries venue-specific options (NautilusTrader's ``SubmitOrder.params``): keys and
    values as the adapter documents them (e.g. an option's implied volatility). An adapter refuses
    a key it does not know, or a bad value, with ``OrderDenied`` naming the key. It is copied on
    construction and left out of the hash.
    """

    order: Order
    ts_init: int
    position_id: PositionId | None = None
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)
    params: dict[str, Any] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, bad timestamps, or params that are not str -> value."""
        check_type("SubmitOrder", "order", self.order, Order)
        check_ts("SubmitOrder", ts_init=self.ts_init)
        object.__setattr__(self, "params", _check_params("SubmitOrder", self.params))

    @property
    def trader_id(self) -> TraderId:
        """The order's trader."""
        return self.order.trader_id

    @property
    def strategy_id(self) -> StrategyId:
        """The order's strategy."""
        return self.order.strategy_id

    @property
    def instrument_id(self) -> InstrumentId:
        """The order's instrument."""
        return self.order.instrument_id


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitOrderList:
    """Submit several orders at once (a venue batch, when the adapter supports it)."""

    order_list: OrderList
    ts_init: int
    position_id: PositionId | None = None
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("SubmitOrderList", "order_list", self.order_list, OrderList)
        check_ts("SubmitOrderList", ts_init=self.ts_init)

    @property
    def instrument_id(self) -> InstrumentId:
        """The list's instrument."""
        return self.order_list.instrument_id

    @property
    def strategy_id(self) -> StrategyId:
        """The list's strategy."""
        return self.order_list.strategy_id


def _check_target(owner: str, cmd: ModifyOrder | CancelOrder) -> None:
    check_type(owner, "instrument_id", cmd.instrument_id, InstrumentId)
    check_type(owner, "client_order_id", cmd.client_order_id, ClientOrderId, optional=True)
    check_type(owner, "venue_order_id", cmd.venue_order_id, VenueOrderId, optional=True)
    check_ts(owner, ts_init=cmd.ts_init)
    if cmd.client_order_id is None and cmd.venue_order_id is None:
        raise ModelValueError(f"{owner} needs a client_order_id or a venue_order_id (or both)")


@dataclass(frozen=True, slots=True, kw_only=True)
class ModifyOrder:
    """Amend an open order's quantity, price and/or trigger price (None leaves a field as is)."""

    instrument_id: InstrumentId
    client_order_id: ClientOrderId | None
    venue_order_id: VenueOrderId | None
    ts_init: int
    quantity: Quantity | None = None
    price: Price | None = None
    trigger_price: Price | None = None
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError with no order id, or when nothing would change."""
        _check_target("ModifyOrder", self)
        check_type("ModifyOrder", "quantity", self.quantity, Quantity, optional=True)
        check_type("ModifyOrder", "price", self.price, Price, optional=True)
        check_type("ModifyOrder", "trigger_price", self.trigger_price, Price, optional=True)
        if self.quantity is None and self.price is None and self.trigger_price is None:
            raise ModelValueError("ModifyOrder changes nothing: give a quantity, price or trigger_price")


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelOrder:
    """Cancel one order, named by client and/or venue order id."""

    instrument_id: InstrumentId
    client_order_id: ClientOrderId | None
    venue_order_id: VenueOrderId | None
    ts_init: int
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError with no order id or on wrong types."""
        _check_target("CancelOrder", self)


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelAllOrders:
    """Cancel every open order of an instrument, or of one side of it (``order_side``)."""

    instrument_id: InstrumentId
    ts_init: int
    order_side: OrderSide = OrderSide.NO_ORDER_SIDE
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        check_type("CancelAllOrders", "instrument_id", self.instrument_id, InstrumentId)
        check_type("CancelAllOrders", "order_side", self.order_side, OrderSide)
        check_ts("CancelAllOrders", ts_init=self.ts_init)


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchCancelOrders:
    """Cancel several orders of one instrument in one request (when the venue has a batch cancel)."""

    instrument_id: InstrumentId
    cancels: tuple[CancelOrder, ...]
    ts_init: int
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    client_id: ClientId | None = None
    command_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError when empty or a cancel is for another instrument."""
        cancels = freeze_tuple(self, "cancels")
        check_ts("BatchCancelOrders", ts_init=self.ts_init)
        if not cancels:
            raise ModelValueError("BatchCancelOrders needs at least one CancelOrder")
        for cancel in cancels:
            check_type("BatchCancelOrders", "cancels[]", cancel, CancelOrder)
            if cancel.instrument_id != self.instrument_id:
                raise ModelValueError(
                    f"BatchCancelOrders for {self.instrument_id} got a cancel for {cancel.instrument_id}"
                )


TradingCommand = (
    SubmitOrder | SubmitOrderList | ModifyOrder | CancelOrder | CancelAllOrders | BatchCancelOrders
)
"""Every command an ExecutionClient accepts."""
