"""The cancel half of the Bybit execution client: cancel, cancel-all, batch cancel, and how a
refusal becomes an event.

A definite refusal (e.g. 110008 "already finished") is OrderCancelRejected. Bybit's "order not
exists or too late to cancel" (110001 and kin, :data:`~adapters.bybit.http.errors.ORDER_NOT_FOUND_CODES`)
is not: the order may have just filled or been canceled, so it is settled from the venue's state
(catalogue O-18(b)). Nor is a lost answer (a reset, a timeout, a 5xx; the REST client does not
resend order entry blindly): the order is queried, a closed one applied as the stream would, an
open one canceled again (OP-02). A cancel for an instrument the adapter has not loaded cannot be
prepared: OrderCancelRejected with nothing sent (OP-04).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from adapters.bybit.common.enums import BybitOrderStatus, BybitProductType
from adapters.bybit.common.mappings import order_side_to_bybit, split_instrument_id
from adapters.bybit.execution_orders import cancel_params, event_client_order_id
from adapters.bybit.execution_reports import BybitExecutionReports
from adapters.bybit.execution_stream import OrderStreamHandler
from adapters.bybit.http.errors import ORDER_NOT_FOUND_CODES
from adapters.bybit.http.query import BatchCancelParams, CancelAllParams
from adapters.contract.errors import AdapterError, RateLimited, RetryableTransportError, VenueError
from adapters.contract.sink import EventSink
from adapters.model.commands import BatchCancelOrders, CancelAllOrders, CancelOrder
from adapters.model.enums import OrderSide
from adapters.model.events import OrderCancelRejected
from adapters.model.instruments import Instrument

__all__ = ["OPEN_STATUSES", "BybitCancelCommands"]

log = logging.getLogger(__name__)

#: Cancels sent for one command whose answers are lost before it is left to the stream.
_LOST_ANSWER_ROUNDS = 3

#: States in which an order can still be canceled (a "not found" for one of them is a refusal).
OPEN_STATUSES = frozenset(
    {
        BybitOrderStatus.CREATED,
        BybitOrderStatus.NEW,
        BybitOrderStatus.PARTIALLY_FILLED,
        BybitOrderStatus.UNTRIGGERED,
        BybitOrderStatus.TRIGGERED,
    }
)


class BybitCancelCommands(BybitExecutionReports):
    """Cancel commands; the execution client supplies the stream, the sink and the guards."""

    stream: OrderStreamHandler
    _sink: EventSink
    _require_connected: Callable[[], None]
    _instrument_for: Callable[[str, str], Instrument | None]

    def _cancel_rejected(self, command: CancelOrder, reason: str) -> None:
        tracked = self.stream.find(command.client_order_id, command.venue_order_id)
        self._sink.on_event(
            OrderCancelRejected(
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

    async def cancel_order(self, command: CancelOrder) -> None:
        """Cancel by client or venue id; OrderCanceled follows from the stream.

        A venue refusal becomes OrderCancelRejected, except an ambiguous not-found, which is
        settled from the venue's state (:meth:`_settle_cancel`).
        """
        self._require_connected()
        if self._provider.find(command.instrument_id) is None:
            reason = f"instrument {command.instrument_id} is not loaded by the Bybit adapter; nothing sent"
            self._cancel_rejected(command, reason)
            return
        for _ in range(_LOST_ANSWER_ROUNDS):
            try:
                await self._http.http_cancel_order(cancel_params(command))
            except VenueError as exc:
                if exc.code in ORDER_NOT_FOUND_CODES:
                    await self._settle_cancel(command, exc)
                else:
                    self._cancel_rejected(command, f"{exc.code}: {exc.message}")
                return
            except (RetryableTransportError, RateLimited) as exc:
                if not await self._cancel_still_needed(command, exc):
                    return
                continue  # the venue still lists the order open: the cancel did not happen
            return
        log.warning("cancel %s: answer lost %d times; left to the stream", command, _LOST_ANSWER_ROUNDS)

    async def _cancel_still_needed(self, command: CancelOrder, lost: AdapterError) -> bool:
        """After a cancel whose answer was lost: ``True`` when the venue still lists the order open.

        A closed order is applied as its push would be (OrderCanceled once, or nothing for a fill);
        an order the venue does not know, or a query that fails, leaves nothing to do here but
        report (never OrderCancelRejected: the outcome is unknown).
        """
        try:
            order = await self._venue_order(
                command.instrument_id, command.client_order_id, command.venue_order_id
            )
        except AdapterError as exc:
            self._sink.on_error(exc, f"bybit cancel {command}: answer lost ({lost}), order query failed")
            return False
        if order is None:
            log.warning("cancel %s: answer lost (%s) and the venue lists no such order", command, lost)
            return False
        if BybitOrderStatus(order.order_status) in OPEN_STATUSES:
            return True
        self.stream.on_order(order, self._instrument_for)
        return False

    async def _settle_cancel(self, command: CancelOrder, refusal: VenueError) -> None:
        """Query the order a cancel was refused as not found for, and publish what its state says.

        Closed at the venue: the order push is applied as if it came from the stream (OrderCanceled
        once, nothing for a fill, whose executions arrive on their own). Still open: the cancel
        definitely did not happen, so OrderCancelRejected. Unknown to the venue: nothing to
        settle; logged only (the catalogue's OP-04: an unattributable cancel failure).
        """
        try:
            order = await self._venue_order(
                command.instrument_id, command.client_order_id, command.venue_order_id
            )
        except AdapterError as exc:
            self._sink.on_error(exc, f"bybit cancel {command}: settling a not-found")
            return
        if order is None:
            log.warning("cancel %s refused (%s); the venue lists no such order", command, refusal)
            return
        if BybitOrderStatus(order.order_status) in OPEN_STATUSES:
            self._cancel_rejected(
                command, f"{refusal.code}: {refusal.message} (the venue still lists it {order.order_status})"
            )
            return
        self.stream.on_order(order, self._instrument_for)

    async def cancel_all_orders(self, command: CancelAllOrders) -> None:
        """Cancel every open order of the instrument (one side only: cancel those one by one)."""
        self._require_connected()
        symbol, product = split_instrument_id(command.instrument_id)
        if command.order_side is OrderSide.NO_ORDER_SIDE:
            await self._http.http_cancel_all(CancelAllParams(product, symbol=symbol))
            return
        side = order_side_to_bybit(command.order_side).value
        reports = await self._order_status_reports(command.instrument_id, open_only=True)
        cancels = tuple(
            CancelOrder(
                instrument_id=command.instrument_id,
                client_order_id=r.client_order_id,
                venue_order_id=r.venue_order_id,
                ts_init=command.ts_init,
            )
            for r in reports
            if order_side_to_bybit(r.order_side).value == side
        )
        if cancels:
            await self.batch_cancel_orders(
                BatchCancelOrders(
                    instrument_id=command.instrument_id, cancels=cancels, ts_init=command.ts_init
                )
            )

    async def batch_cancel_orders(self, command: BatchCancelOrders) -> None:
        """Cancel with cancel-batch, chunked by the venue's batch size; refusals per item (an
        item's ambiguous not-found is settled from the venue's state, as a single cancel's is)."""
        self._require_connected()
        _, product = split_instrument_id(command.instrument_id)
        size = 10 if product is BybitProductType.SPOT else 20
        cancels = list(command.cancels)
        for start in range(0, len(cancels), size):
            chunk = cancels[start : start + size]
            body = BatchCancelParams(product, [cancel_params(c, with_category=False) for c in chunk])
            try:
                results = await self._http.http_batch_cancel_orders(body)
            except VenueError as exc:
                for cancel in chunk:
                    self._cancel_rejected(cancel, f"{exc.code}: {exc.message}")
                continue
            for cancel, result in zip(chunk, results, strict=False):
                if result.code in ORDER_NOT_FOUND_CODES:
                    # A per-item "not found" is as ambiguous as a single cancel's (the order may
                    # have filled a moment ago: a cancel-all close race, O-19): settle it.
                    await self._settle_cancel(cancel, VenueError(result.msg, code=result.code))
                elif result.code != 0:
                    self._cancel_rejected(cancel, f"{result.code}: {result.msg}")
