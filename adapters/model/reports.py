"""Execution reports: the venue's view of orders, fills and positions, for reconciliation.

An execution client produces them on request (``generate_*`` methods) and on connect
(``generate_mass_status``). Names and fields follow NautilusTrader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID, uuid4

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model.enums import (
    ContingencyType,
    LiquiditySide,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    TimeInForce,
    TriggerType,
)
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import (
    AccountId,
    ClientId,
    ClientOrderId,
    InstrumentId,
    OrderListId,
    PositionId,
    TradeId,
    Venue,
    VenueOrderId,
)
from adapters.model.objects import Money, Price, Quantity

__all__ = ["ExecutionMassStatus", "FillReport", "OrderStatusReport", "PositionStatusReport"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatusReport:
    """An order as the venue reports it now."""

    account_id: AccountId
    instrument_id: InstrumentId
    venue_order_id: VenueOrderId
    order_side: OrderSide
    order_type: OrderType
    time_in_force: TimeInForce
    order_status: OrderStatus
    quantity: Quantity
    filled_qty: Quantity
    ts_accepted: int
    ts_last: int
    ts_init: int
    client_order_id: ClientOrderId | None = None
    order_list_id: OrderListId | None = None
    venue_position_id: PositionId | None = None
    contingency_type: ContingencyType = ContingencyType.NO_CONTINGENCY
    expire_time_ns: int | None = None
    price: Price | None = None
    trigger_price: Price | None = None
    trigger_type: TriggerType = TriggerType.NO_TRIGGER
    avg_px: Decimal | None = None
    display_qty: Quantity | None = None
    post_only: bool = False
    reduce_only: bool = False
    cancel_reason: str | None = None
    ts_triggered: int | None = None
    report_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, bad timestamps, or filled above quantity."""
        name = "OrderStatusReport"
        check_type(name, "account_id", self.account_id, AccountId)
        check_type(name, "instrument_id", self.instrument_id, InstrumentId)
        check_type(name, "venue_order_id", self.venue_order_id, VenueOrderId)
        check_type(name, "client_order_id", self.client_order_id, ClientOrderId, optional=True)
        check_type(name, "order_status", self.order_status, OrderStatus)
        check_type(name, "quantity", self.quantity, Quantity)
        check_type(name, "filled_qty", self.filled_qty, Quantity)
        check_type(name, "avg_px", self.avg_px, Decimal, optional=True)
        check_ts(
            name,
            ts_accepted=self.ts_accepted,
            ts_last=self.ts_last,
            ts_init=self.ts_init,
            expire_time_ns=self.expire_time_ns,
            ts_triggered=self.ts_triggered,
        )
        if self.filled_qty > self.quantity:
            raise ModelValueError(
                f"{name} {self.venue_order_id}: filled_qty {self.filled_qty} exceeds quantity {self.quantity}"
            )

    @property
    def leaves_qty(self) -> Decimal:
        """Quantity still open (``quantity - filled_qty``)."""
        return self.quantity.value - self.filled_qty.value

    @property
    def is_open(self) -> bool:
        """Whether the reported status is an open one."""
        return self.order_status.is_open


@dataclass(frozen=True, slots=True, kw_only=True)
class FillReport:
    """One fill as the venue reports it."""

    account_id: AccountId
    instrument_id: InstrumentId
    venue_order_id: VenueOrderId
    trade_id: TradeId
    order_side: OrderSide
    last_qty: Quantity
    last_px: Price
    commission: Money
    liquidity_side: LiquiditySide
    ts_event: int
    ts_init: int
    client_order_id: ClientOrderId | None = None
    venue_position_id: PositionId | None = None
    report_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, bad timestamps or a zero fill."""
        name = "FillReport"
        check_type(name, "account_id", self.account_id, AccountId)
        check_type(name, "instrument_id", self.instrument_id, InstrumentId)
        check_type(name, "venue_order_id", self.venue_order_id, VenueOrderId)
        check_type(name, "trade_id", self.trade_id, TradeId)
        check_type(name, "last_qty", self.last_qty, Quantity)
        check_type(name, "last_px", self.last_px, Price)
        check_type(name, "commission", self.commission, Money)
        check_type(name, "liquidity_side", self.liquidity_side, LiquiditySide)
        check_ts(name, ts_event=self.ts_event, ts_init=self.ts_init)
        if not self.last_qty:
            raise ModelValueError(f"{name} {self.trade_id}: last_qty must be positive")


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionStatusReport:
    """A position as the venue reports it: side and (unsigned) quantity; FLAT with quantity 0."""

    account_id: AccountId
    instrument_id: InstrumentId
    position_side: PositionSide
    quantity: Quantity
    ts_last: int
    ts_init: int
    venue_position_id: PositionId | None = None
    avg_px_open: Decimal | None = None
    report_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types, or side and quantity disagreeing about flatness."""
        name = "PositionStatusReport"
        check_type(name, "account_id", self.account_id, AccountId)
        check_type(name, "instrument_id", self.instrument_id, InstrumentId)
        check_type(name, "position_side", self.position_side, PositionSide)
        check_type(name, "quantity", self.quantity, Quantity)
        check_type(name, "avg_px_open", self.avg_px_open, Decimal, optional=True)
        check_ts(name, ts_last=self.ts_last, ts_init=self.ts_init)
        if (self.position_side is PositionSide.FLAT) != (not self.quantity):
            raise ModelValueError(
                f"{name} {self.instrument_id}: a FLAT position has quantity 0 and only a FLAT one "
                f"(got {self.position_side.name} {self.quantity})"
            )

    @property
    def signed_decimal_qty(self) -> Decimal:
        """Quantity signed by side: positive long, negative short."""
        return -self.quantity.value if self.position_side is PositionSide.SHORT else self.quantity.value


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutionMassStatus:
    """Everything a client reports at once for reconciliation: open orders, fills, positions."""

    client_id: ClientId
    account_id: AccountId
    venue: Venue
    ts_init: int
    order_reports: tuple[OrderStatusReport, ...] = ()
    fill_reports: tuple[FillReport, ...] = ()
    position_reports: tuple[PositionStatusReport, ...] = ()
    report_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong element types."""
        for attr, kind in (
            ("order_reports", OrderStatusReport),
            ("fill_reports", FillReport),
            ("position_reports", PositionStatusReport),
        ):
            for item in freeze_tuple(self, attr):
                check_type("ExecutionMassStatus", f"{attr}[]", item, kind)
        check_ts("ExecutionMassStatus", ts_init=self.ts_init)

    def order_report(self, venue_order_id: VenueOrderId) -> OrderStatusReport | None:
        """The order report for ``venue_order_id``, if any."""
        return next((r for r in self.order_reports if r.venue_order_id == venue_order_id), None)

    def fills_for(self, venue_order_id: VenueOrderId) -> tuple[FillReport, ...]:
        """The fill reports of one order, in report order."""
        return tuple(r for r in self.fill_reports if r.venue_order_id == venue_order_id)
