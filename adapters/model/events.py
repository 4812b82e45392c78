"""Order events an execution client publishes, with NautilusTrader's names and fields.

Every event carries ``trader_id``, ``strategy_id``, ``instrument_id``, ``client_order_id``,
an ``event_id`` (UUID, generated when omitted), ``ts_event``, ``ts_init`` and ``reconciliation``
(True when the adapter inferred the event from a report rather than saw it happen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from adapters.model._checks import check_ts, check_type
from adapters.model.enums import LiquiditySide, OrderSide, OrderType
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    PositionId,
    StrategyId,
    TradeId,
    TraderId,
    VenueOrderId,
)
from adapters.model.objects import Currency, Money, Price, Quantity
from adapters.model.orders import DEFAULT_STRATEGY_ID, DEFAULT_TRADER_ID

__all__ = [
    "OrderAccepted",
    "OrderCancelRejected",
    "OrderCanceled",
    "OrderDenied",
    "OrderEvent",
    "OrderExpired",
    "OrderFilled",
    "OrderModifyRejected",
    "OrderRejected",
    "OrderSubmitted",
    "OrderTriggered",
    "OrderUpdated",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent:
    """Fields every order event has. Use a concrete subclass."""

    instrument_id: InstrumentId
    client_order_id: ClientOrderId
    ts_event: int
    ts_init: int
    trader_id: TraderId = DEFAULT_TRADER_ID
    strategy_id: StrategyId = DEFAULT_STRATEGY_ID
    reconciliation: bool = False
    event_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or bad timestamps."""
        name = type(self).__name__
        check_type(name, "instrument_id", self.instrument_id, InstrumentId)
        check_type(name, "client_order_id", self.client_order_id, ClientOrderId)
        check_type(name, "event_id", self.event_id, UUID)
        check_ts(name, ts_event=self.ts_event, ts_init=self.ts_init)
        for attr, kind in (("venue_order_id", VenueOrderId), ("account_id", AccountId)):
            value = getattr(self, attr, None)
            check_type(name, attr, value, kind, optional=True)
        reason = getattr(self, "reason", "")
        if not isinstance(reason, str):
            raise ModelValueError(f"{name}.reason must be a str, got {reason!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSubmitted(OrderEvent):
    """The adapter sent the order to the venue."""

    account_id: AccountId


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderAccepted(OrderEvent):
    """The venue acknowledged the order and assigned ``venue_order_id``."""

    venue_order_id: VenueOrderId
    account_id: AccountId


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRejected(OrderEvent):
    """The venue refused the order; ``due_post_only`` when it would have taken liquidity."""

    account_id: AccountId
    reason: str
    due_post_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDenied(OrderEvent):
    """The adapter refused the order locally, before sending it (e.g. unsupported TIF)."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderUpdated(OrderEvent):
    """An amend took effect: the order's quantity, price and trigger price are now these."""

    quantity: Quantity
    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None
    price: Price | None = None
    trigger_price: Price | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderModifyRejected(OrderEvent):
    """The venue (or the adapter) refused an amend; the order is unchanged."""

    reason: str
    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCancelRejected(OrderEvent):
    """The venue (or the adapter) refused a cancel (e.g. the order was already filled)."""

    reason: str
    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderCanceled(OrderEvent):
    """The order was canceled (by request, by the venue, or IOC/FOK remainder)."""

    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderExpired(OrderEvent):
    """The order expired (GTD/DAY time reached)."""

    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderTriggered(OrderEvent):
    """A conditional order's trigger price was reached; it is now live."""

    venue_order_id: VenueOrderId | None = None
    account_id: AccountId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderFilled(OrderEvent):
    """The order (partly) filled: ``last_qty`` at ``last_px`` in trade ``trade_id``.

    ``commission`` is a Money (negative for a rebate); ``currency`` is the quote currency of the fill.
    """

    venue_order_id: VenueOrderId
    account_id: AccountId
    trade_id: TradeId
    order_side: OrderSide
    order_type: OrderType
    last_qty: Quantity
    last_px: Price
    currency: Currency
    commission: Money
    liquidity_side: LiquiditySide
    position_id: PositionId | None = None

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or a non-positive fill quantity."""
        OrderEvent.__post_init__(self)
        check_type("OrderFilled", "trade_id", self.trade_id, TradeId)
        check_type("OrderFilled", "last_qty", self.last_qty, Quantity)
        check_type("OrderFilled", "last_px", self.last_px, Price)
        check_type("OrderFilled", "commission", self.commission, Money)
        check_type("OrderFilled", "liquidity_side", self.liquidity_side, LiquiditySide)
        if not self.last_qty:
            raise ModelValueError(f"OrderFilled {self.client_order_id}: last_qty must be positive")

    @property
    def is_buy(self) -> bool:
        """Whether the filled order was a buy."""
        return self.order_side is OrderSide.BUY
