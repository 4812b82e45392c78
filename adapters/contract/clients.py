"""The client protocols every adapter implements and the conformance suite drives.

Names and meanings follow the adapter guide's Python layer (NautilusTrader's
``InstrumentProvider``, ``LiveMarketDataClient`` and ``LiveExecutionClient``), flattened from
command objects into keyword arguments. All I/O methods are coroutines.

Conventions every implementation keeps:

- **Publishing.** Clients publish to the :class:`~adapters.contract.sink.EventSink` they were
  built with: market data and instruments via ``on_data``; order events and ``AccountState`` via
  ``on_event``; request answers via ``on_response(correlation_id, DataResponse)``.
- **Subscriptions** return once the venue acknowledged them (or, for venues without acks, once
  the subscribe frame was sent); data follows on the sink. Asking for something the adapter's
  Capabilities do not claim raises :class:`~adapters.contract.errors.UnsupportedFeature`.
- **Requests** return after the :class:`DataResponse` was published; failures raise the error
  taxonomy (``VenueError``, ``RateLimited`` after retries, ...).
- **Commands** (submit/modify/cancel) do not raise for venue refusals: those are events
  (``OrderRejected``, ``OrderModifyRejected``, ``OrderCancelRejected``), and unsupported
  combinations are ``OrderDenied`` before anything is sent. They raise only when the client
  cannot act at all (not connected, missing credentials).
- **Reports** (``generate_*``) return model reports and do not publish them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable
from uuid import UUID

from adapters.model.commands import (
    BatchCancelOrders,
    CancelAllOrders,
    CancelOrder,
    ModifyOrder,
    SubmitOrder,
    SubmitOrderList,
)
from adapters.model.data import BarType
from adapters.model.enums import BookType
from adapters.model.identifiers import AccountId, ClientId, ClientOrderId, InstrumentId, Venue, VenueOrderId
from adapters.model.instruments import Instrument
from adapters.model.reports import ExecutionMassStatus, FillReport, OrderStatusReport, PositionStatusReport

__all__ = ["ExecutionClient", "InstrumentProvider", "MarketDataClient"]

Filters = Mapping[str, Any] | None
Params = Mapping[str, Any] | None


@runtime_checkable
class InstrumentProvider(Protocol):
    """Loads the venue's instruments and keeps them for lookup.

    ``filters`` are adapter-specific (e.g. ``{"products": ["linear"]}``); unknown keys raise
    ``FatalAdapterError``.
    """

    async def load_all_async(self, filters: Filters = None) -> None:
        """Load every instrument the filters select."""
        ...

    async def load_ids_async(self, instrument_ids: list[InstrumentId], filters: Filters = None) -> None:
        """Load the given instruments; unknown ids are skipped (and reported via ``find`` returning None)."""
        ...

    async def load_async(self, instrument_id: InstrumentId, filters: Filters = None) -> None:
        """Load one instrument."""
        ...

    def find(self, instrument_id: InstrumentId) -> Instrument | None:
        """The loaded instrument with this id, or None."""
        ...

    def get_all(self) -> Mapping[InstrumentId, Instrument]:
        """Every loaded instrument by id."""
        ...

    def list_all(self) -> list[Instrument]:
        """Every loaded instrument."""
        ...


@runtime_checkable
class MarketDataClient(Protocol):
    """Streams market data and answers historical requests (LiveMarketDataClient)."""

    @property
    def client_id(self) -> ClientId:
        """This client's id (usually the venue name)."""
        ...

    @property
    def venue(self) -> Venue:
        """The venue served."""
        ...

    @property
    def is_connected(self) -> bool:
        """Whether ``connect`` completed and ``disconnect`` has not been called."""
        ...

    async def connect(self) -> None:
        """Load instruments (publishing them), open the streams. Idempotent."""
        ...

    async def disconnect(self) -> None:
        """Close the streams and stop every background task. Idempotent."""
        ...

    # -- subscriptions -------------------------------------------------------------

    async def subscribe_instruments(self, params: Params = None) -> None:
        """Publish instrument updates for every instrument."""
        ...

    async def subscribe_instrument(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish updates of one instrument."""
        ...

    async def subscribe_order_book_deltas(
        self,
        instrument_id: InstrumentId,
        book_type: BookType = BookType.L2_MBP,
        depth: int | None = None,
        params: Params = None,
    ) -> None:
        """Publish ``OrderBookDeltas`` (a snapshot first, then updates; flags as in the model)."""
        ...

    async def subscribe_order_book_snapshots(
        self,
        instrument_id: InstrumentId,
        book_type: BookType = BookType.L2_MBP,
        depth: int | None = None,
        params: Params = None,
    ) -> None:
        """Publish periodic full-depth snapshots (as snapshot ``OrderBookDeltas``)."""
        ...

    async def subscribe_quote_ticks(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``QuoteTick``s."""
        ...

    async def subscribe_trade_ticks(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``TradeTick``s."""
        ...

    async def subscribe_mark_prices(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``MarkPriceUpdate``s."""
        ...

    async def subscribe_index_prices(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``IndexPriceUpdate``s."""
        ...

    async def subscribe_funding_rates(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``FundingRateUpdate``s."""
        ...

    async def subscribe_bars(self, bar_type: BarType, params: Params = None) -> None:
        """Publish closed ``Bar``s of ``bar_type``."""
        ...

    async def subscribe_instrument_status(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``InstrumentStatus`` changes."""
        ...

    async def subscribe_instrument_close(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Publish ``InstrumentClose`` (e.g. settlement at expiry)."""
        ...

    async def unsubscribe_instruments(self, params: Params = None) -> None:
        """Stop instrument updates."""
        ...

    async def unsubscribe_instrument(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop updates of one instrument."""
        ...

    async def unsubscribe_order_book_deltas(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop book deltas; nothing of it is published after this returns."""
        ...

    async def unsubscribe_order_book_snapshots(
        self, instrument_id: InstrumentId, params: Params = None
    ) -> None:
        """Stop book snapshots."""
        ...

    async def unsubscribe_quote_ticks(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop quotes."""
        ...

    async def unsubscribe_trade_ticks(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop trades."""
        ...

    async def unsubscribe_mark_prices(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop mark prices."""
        ...

    async def unsubscribe_index_prices(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop index prices."""
        ...

    async def unsubscribe_funding_rates(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop funding rates."""
        ...

    async def unsubscribe_bars(self, bar_type: BarType, params: Params = None) -> None:
        """Stop bars."""
        ...

    async def unsubscribe_instrument_status(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop instrument status."""
        ...

    async def unsubscribe_instrument_close(self, instrument_id: InstrumentId, params: Params = None) -> None:
        """Stop instrument close."""
        ...

    # -- historical requests -------------------------------------------------------

    async def request_instrument(
        self, instrument_id: InstrumentId, *, correlation_id: UUID, params: Params = None
    ) -> None:
        """Fetch one instrument from the venue (not the cache); answer ``data_type="Instrument"``."""
        ...

    async def request_instruments(self, *, correlation_id: UUID, params: Params = None) -> None:
        """Fetch every instrument; answer ``data_type="Instrument"``."""
        ...

    async def request_quote_ticks(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Params = None,
    ) -> None:
        """Fetch historical quotes in ``[start_ns, end_ns]``, at most ``limit``, ascending."""
        ...

    async def request_trade_ticks(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Params = None,
    ) -> None:
        """Fetch historical trades in ``[start_ns, end_ns]``, at most ``limit``, ascending."""
        ...

    async def request_bars(
        self,
        bar_type: BarType,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        params: Params = None,
    ) -> None:
        """Fetch closed bars in ``[start_ns, end_ns]``, at most ``limit``, ascending (paginating)."""
        ...

    async def request_order_book_snapshot(
        self,
        instrument_id: InstrumentId,
        *,
        correlation_id: UUID,
        limit: int | None = None,
        params: Params = None,
    ) -> None:
        """Fetch the book (``limit`` levels per side); answer one snapshot ``OrderBookDeltas``."""
        ...


@runtime_checkable
class ExecutionClient(Protocol):
    """Places and manages orders and reports the venue's view of them (LiveExecutionClient)."""

    @property
    def client_id(self) -> ClientId:
        """This client's id."""
        ...

    @property
    def venue(self) -> Venue:
        """The venue served."""
        ...

    @property
    def account_id(self) -> AccountId:
        """The account orders go to."""
        ...

    @property
    def is_connected(self) -> bool:
        """Whether ``connect`` completed and ``disconnect`` has not been called."""
        ...

    async def connect(self) -> None:
        """Authenticate, open the private streams, publish an ``AccountState``, reconcile. Idempotent."""
        ...

    async def disconnect(self) -> None:
        """Close the streams and stop every background task. Idempotent."""
        ...

    async def submit_order(self, command: SubmitOrder) -> None:
        """Deny locally or send; publishes ``OrderDenied`` or ``OrderSubmitted`` then the venue's answer."""
        ...

    async def submit_order_list(self, command: SubmitOrderList) -> None:
        """Submit several orders (batched up to ``max_batch_submit`` when the venue allows)."""
        ...

    async def modify_order(self, command: ModifyOrder) -> None:
        """Amend; publishes ``OrderUpdated`` or ``OrderModifyRejected``."""
        ...

    async def cancel_order(self, command: CancelOrder) -> None:
        """Cancel; publishes ``OrderCanceled`` or ``OrderCancelRejected``."""
        ...

    async def cancel_all_orders(self, command: CancelAllOrders) -> None:
        """Cancel every open order of the instrument (or side); one ``OrderCanceled`` each."""
        ...

    async def batch_cancel_orders(self, command: BatchCancelOrders) -> None:
        """Cancel several orders (batched up to ``max_batch_cancel``); an outcome event each."""
        ...

    async def generate_order_status_report(
        self,
        instrument_id: InstrumentId,
        client_order_id: ClientOrderId | None = None,
        venue_order_id: VenueOrderId | None = None,
    ) -> OrderStatusReport | None:
        """The venue's report of one order, or None when the venue does not know it."""
        ...

    async def generate_order_status_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        open_only: bool = False,
    ) -> list[OrderStatusReport]:
        """Reports of the venue's orders (open ones only when ``open_only``)."""
        ...

    async def generate_fill_reports(
        self,
        instrument_id: InstrumentId | None = None,
        venue_order_id: VenueOrderId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[FillReport]:
        """Reports of fills, oldest first, deduplicated by trade id."""
        ...

    async def generate_position_status_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[PositionStatusReport]:
        """Reports of open positions (and FLAT for a requested instrument without one)."""
        ...

    async def generate_mass_status(self, lookback_mins: int | None = None) -> ExecutionMassStatus | None:
        """Open orders, recent fills and positions at once, for reconciliation on connect."""
        ...
