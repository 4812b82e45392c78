"""Create and amend for the Bybit execution client, and what it does when the answer is lost.

A refusal the venue answers is definite: OrderRejected / OrderModifyRejected with its code and
text. A reset, a timeout or a 5xx is not: the venue may have acted before the answer was lost,
so sending the same request again would be read back as a refusal (110072 "duplicate
orderLinkId", 10001 "nothing to amend") and could tell the caller an order failed that is live.
The REST client therefore retries order entry only when the request provably did not reach the
venue (:func:`~adapters.contract.errors.is_resendable`), and this module settles an unknown
outcome from the venue's own state (catalogue group 10, OP-01/OP-02):

- create: query the order by its client id. Found: apply it as a stream push would (OrderAccepted,
  OrderCanceled... exactly once; the push itself is then a duplicate). Not found: the create did
  not take effect; send it again - safe because the venue refuses a second order with the same
  ``orderLinkId`` (a late original then makes the resend a 110072, and the next query finds it).
- amend: query the order. Open with the requested values: the amend happened (OrderUpdated, once).
  Closed: nothing to amend; its fate comes from the stream. Open with other values: send it again.

Never an OrderRejected / OrderModifyRejected for an unknown outcome. When ``SETTLE_ROUNDS``
rounds cannot settle it (the venue stays unreachable) the error is published to the sink and the
order stays submitted: the stream or the next reconciliation settles it.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Final

from adapters.bybit.common.enums import BybitOrderStatus
from adapters.bybit.execution_cancels import OPEN_STATUSES, BybitCancelCommands
from adapters.bybit.execution_orders import amend_params, event_client_order_id, place_params
from adapters.bybit.execution_stream import TrackedOrder
from adapters.bybit.http.models import BybitOrder
from adapters.bybit.http.query import PlaceOrderParams
from adapters.contract.errors import AdapterError, RateLimited, RetryableTransportError, VenueError
from adapters.model.commands import ModifyOrder
from adapters.model.events import OrderModifyRejected, OrderRejected
from adapters.model.identifiers import VenueOrderId
from adapters.model.orders import Order

__all__ = ["DUPLICATE_LINK_ID_CODES", "SETTLE_ROUNDS", "UNKNOWN_OUTCOME", "BybitOrderEntry"]

log = logging.getLogger(__name__)

#: Errors after which the venue may or may not have acted (the REST client already retried the
#: ones that provably did not reach it).
UNKNOWN_OUTCOME: Final = (RetryableTransportError, RateLimited)
#: §6.13: a second create with an ``orderLinkId`` the venue already holds (linear..., spot).
DUPLICATE_LINK_ID_CODES: Final = frozenset({110072, 170141})
#: Query-then-resend rounds before an unknown outcome is left to the stream and reconciliation.
SETTLE_ROUNDS: Final = 3


class BybitOrderEntry(BybitCancelCommands):
    """``order/create`` and ``order/amend`` with the unknown-outcome policy; the client adds the rest."""

    def _reject(self, tracked: TrackedOrder, reason: str) -> None:
        tracked.closed = True
        now = self._clock_ns()
        self._sink.on_event(
            OrderRejected(
                instrument_id=tracked.instrument.instrument_id,
                client_order_id=tracked.client_order_id,
                trader_id=tracked.trader_id,
                strategy_id=tracked.strategy_id,
                account_id=self._account_id,
                reason=reason,
                ts_event=now,
                ts_init=now,
            )
        )

    # ------------------------------------------------------------------ create

    async def _place(self, order: Order, tracked: TrackedOrder) -> None:
        """Send the create of an announced order; settle it if the answer is lost."""
        try:
            result = await self._http.http_place_order(_body(order, tracked))
        except VenueError as exc:
            self._reject(tracked, f"{exc.code}: {exc.message}")
            return
        except UNKNOWN_OUTCOME as exc:
            await self._settle_create(order, tracked, exc)
            return
        self.stream.set_venue_id(tracked, VenueOrderId(result.order_id))

    async def _settle_create(self, order: Order, tracked: TrackedOrder, error: AdapterError) -> None:
        """Find out whether a create whose answer was lost placed the order (see the module doc)."""
        what = f"bybit submit {order.client_order_id}"
        for _ in range(SETTLE_ROUNDS):
            try:
                venue = await self._venue_order(order.instrument_id, order.client_order_id)
            except AdapterError as exc:
                error = exc
                break
            if venue is not None:
                self.stream.on_order(venue, self._instrument_for)
                return
            log.info("%s: outcome unknown (%s), the venue has no such order: sending it again", what, error)
            try:
                result = await self._http.http_place_order(_body(order, tracked))
            except VenueError as exc:
                if exc.code in DUPLICATE_LINK_ID_CODES:
                    continue  # the lost create landed after our query: the next query finds it
                self._reject(tracked, f"{exc.code}: {exc.message}")
                return
            except UNKNOWN_OUTCOME as exc:
                error = exc
                continue
            self.stream.set_venue_id(tracked, VenueOrderId(result.order_id))
            return
        self._sink.on_error(error, f"{what}: outcome unknown; left to the stream and reconciliation")

    # ------------------------------------------------------------------ amend

    def _modify_rejected(self, command: ModifyOrder, tracked: TrackedOrder | None, reason: str) -> None:
        if tracked is not None:
            tracked.pending_modify = False
        self._sink.on_event(
            OrderModifyRejected(
                instrument_id=command.instrument_id,
                client_order_id=event_client_order_id(command, tracked),
                venue_order_id=command.venue_order_id or (tracked.venue_order_id if tracked else None),
                trader_id=command.trader_id,
                strategy_id=command.strategy_id,
                account_id=self._account_id,
                reason=reason,
                ts_event=self._clock_ns(),
                ts_init=self._clock_ns(),
            )
        )

    async def _amend(self, command: ModifyOrder, tracked: TrackedOrder | None) -> None:
        """Send the amend; a refusal is OrderModifyRejected, a lost answer is settled."""
        if tracked is not None:
            tracked.pending_modify = True
        try:
            await self._http.http_amend_order(amend_params(command))
        except VenueError as exc:
            self._modify_rejected(command, tracked, f"{exc.code}: {exc.message}")
        except UNKNOWN_OUTCOME as exc:
            await self._settle_amend(command, tracked, exc)

    async def _settle_amend(
        self, command: ModifyOrder, tracked: TrackedOrder | None, error: AdapterError
    ) -> None:
        """Find out whether an amend whose answer was lost took effect (see the module doc)."""
        what = f"bybit modify {command.client_order_id or command.venue_order_id}"
        refusal: VenueError | None = None
        for _ in range(SETTLE_ROUNDS):
            try:
                venue = await self._venue_order(
                    command.instrument_id, command.client_order_id, command.venue_order_id
                )
            except AdapterError as exc:
                error = exc
                break
            if venue is None:
                log.warning("%s: outcome unknown (%s) and the venue lists no such order", what, error)
                return
            if BybitOrderStatus(venue.order_status) not in OPEN_STATUSES:
                # Nothing left to amend; the stream reports how the order ended.
                if tracked is not None:
                    tracked.pending_modify = False
                return
            if _has_values(venue, command):
                self.stream.on_order(venue, self._instrument_for)  # OrderUpdated, once
                return
            if refusal is not None:
                # The venue answered the resend and the order still has the old values: definite.
                self._modify_rejected(command, tracked, f"{refusal.code}: {refusal.message}")
                return
            try:
                await self._http.http_amend_order(amend_params(command))
            except VenueError as exc:
                refusal = exc  # maybe the lost amend landed meanwhile: the next query tells
                continue
            except UNKNOWN_OUTCOME as exc:
                error = exc
                continue
            return
        self._sink.on_error(error, f"{what}: outcome unknown; left to the stream and reconciliation")


def _body(order: Order, tracked: TrackedOrder) -> PlaceOrderParams:
    """The create body of a tracked order, with the venue params its submit carried."""
    return place_params(order, tracked.instrument, tracked.venue_params)


def _has_values(venue: BybitOrder, command: ModifyOrder) -> bool:
    """Whether the venue's order carries every value ``command`` asked for."""
    wanted: list[tuple[object, str]] = [
        (command.quantity, venue.qty),
        (command.price, venue.price),
        (command.trigger_price, venue.trigger_price),
    ]
    return all(_decimal(str(want)) == _decimal(have) for want, have in wanted if want is not None)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except ArithmeticError:
        return None
