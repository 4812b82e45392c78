"""BybitExecutionClient: order entry over REST, order state from the private stream, reconciliation.

``connect`` authenticates the private socket, subscribes ``order``/``execution``/``position``/
``wallet``, publishes the account state, then reconciles: open orders, recent fills and open
positions are fetched over REST and published as reports (``last_mass_status`` keeps them), and
open orders carrying a client id are adopted so their later pushes become events. Every fill
seen in reconciliation is remembered, so the same fill arriving on the stream is not published
again (:class:`~adapters.bybit.execution_stream.OrderStreamHandler`).

Commands never raise for a venue refusal: those become OrderRejected / OrderModifyRejected /
OrderCancelRejected; unsupported combinations become OrderDenied before any traffic (an order
list is checked whole first: one invalid leg denies every leg). Report generation lives in
:mod:`adapters.bybit.execution_reports`, cancels (and how an ambiguous cancel refusal is settled)
in :mod:`adapters.bybit.execution_cancels`, create and amend with their unknown-outcome policy in
:mod:`adapters.bybit.execution_entry`.

After the private stream reconnects, the account and the fills are read again over REST - but
only once ``order``/``execution``/``wallet`` are subscribed again, so a fill made while the REST
read runs arrives as a push (deduplicated against the read by trade id) instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from adapters.bybit.capabilities import BYBIT_CAPABILITIES
from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.mappings import (
    BYBIT_VENUE,
    make_instrument_id,
    split_instrument_id,
)
from adapters.bybit.common.urls import BybitUrls
from adapters.bybit.config import BybitExecClientConfig
from adapters.bybit.execution_entry import UNKNOWN_OUTCOME, BybitOrderEntry
from adapters.bybit.execution_orders import deny_reason, place_params
from adapters.bybit.execution_stream import OrderStreamHandler, TrackedOrder
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.models import BybitExecution, BybitOrder, BybitPosition, BybitWalletBalance
from adapters.bybit.http.parse_execution import parse_account_state, parse_position_status_report
from adapters.bybit.http.query import (
    BatchPlaceParams,
    WalletBalanceParams,
)
from adapters.bybit.providers import BybitInstrumentProvider
from adapters.bybit.websocket.client import BybitWebSocketClient, WebSocketCreated
from adapters.bybit.websocket.messages import PRIVATE_TOPICS
from adapters.contract.errors import FatalAdapterError, VenueError
from adapters.contract.sink import EventSink
from adapters.model.commands import (
    ModifyOrder,
    SubmitOrder,
    SubmitOrderList,
)
from adapters.model.events import OrderDenied, OrderSubmitted
from adapters.model.identifiers import AccountId, ClientId, Venue, VenueOrderId
from adapters.model.instruments import Instrument
from adapters.model.orders import DEFAULT_STRATEGY_ID, DEFAULT_TRADER_ID, Order
from adapters.model.reports import ExecutionMassStatus

__all__ = ["BybitExecutionClient"]

log = logging.getLogger(__name__)


class BybitExecutionClient(BybitOrderEntry):
    """Implements the contract's ExecutionClient for Bybit unified accounts."""

    def __init__(
        self,
        http: BybitHttpClient,
        provider: BybitInstrumentProvider,
        urls: BybitUrls,
        sink: EventSink,
        config: BybitExecClientConfig,
        *,
        clock_ns: Callable[[], int] = time.time_ns,
        on_websocket_created: WebSocketCreated | None = None,
    ) -> None:
        """Create the client (nothing connects until :meth:`connect`).

        Args:
            http: the shared REST client.
            provider: the instruments orders are checked against.
            urls: where the private stream is.
            sink: where events and reports go.
            config: execution settings.
            clock_ns: stamps ``ts_init``/``ts_event`` of locally made events.
            on_websocket_created: called with every private-stream client right after it is
                created, before it connects (instrumentation, fault injection in tests).

        Raises:
            MissingCredentials: no key/secret in the config or the environment.
        """
        self._credential = config.require_credential("the Bybit execution client")
        account_id = AccountId(config.account_id)
        super().__init__(http, provider, account_id, config, clock_ns)
        self._urls = urls
        self._sink = sink
        self.stream = OrderStreamHandler(sink, account_id, clock_ns)
        self._ws: BybitWebSocketClient | None = None
        self._on_websocket_created = on_websocket_created
        self._connected = False
        self._resync: asyncio.Task[None] | None = None
        self.last_mass_status: ExecutionMassStatus | None = None

    @property
    def client_id(self) -> ClientId:
        """``ClientId('BYBIT')``."""
        return ClientId("BYBIT")

    @property
    def venue(self) -> Venue:
        """``Venue('BYBIT')``."""
        return BYBIT_VENUE

    @property
    def account_id(self) -> AccountId:
        """The account events carry."""
        return self._account_id

    @property
    def is_connected(self) -> bool:
        """Whether ``connect`` completed and ``disconnect`` was not called."""
        return self._connected

    # ------------------------------------------------------------------ lifecycle

    async def connect(self) -> None:
        """Authenticate the private stream, publish the AccountState, reconcile. Idempotent.

        Raises:
            AuthenticationError: the venue refused the key.
            RetryableTransportError: the venue is unreachable.
        """
        if self._connected:
            return
        if self._provider.count == 0:
            await self._provider.load_all_async()
        ws = BybitWebSocketClient(
            self._urls.private_ws,
            self._on_message,
            credential=self._credential,
            ping_interval_s=self._config.ws_ping_interval_s,
            heartbeat_timeout_s=self._config.ws_heartbeat_timeout_s,
            auth_timeout_s=self._config.ws_auth_timeout_s,
            reconnect_delay_s=self._config.ws_reconnect_delay_s,
            on_reconnected=self._on_reconnected,
        )
        if self._on_websocket_created is not None:
            self._on_websocket_created(ws)
        self._ws = ws
        await ws.connect()
        for topic in PRIVATE_TOPICS:
            ws.subscribe(topic)
        for topic in PRIVATE_TOPICS:
            await ws.wait_subscribed(topic, timeout_s=self._config.http_timeout_s)
        await self._publish_account_state()
        await self._reconcile()
        self._connected = True

    async def disconnect(self) -> None:
        """Close the private stream. Idempotent."""
        resync, self._resync = self._resync, None
        if resync is not None:
            resync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await resync
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        await self._http.close()
        self._connected = False

    async def _publish_account_state(self) -> None:
        wallets = await self._http.http_get_wallet_balance(WalletBalanceParams())
        now = self._clock_ns()
        for wallet in wallets:
            self._sink.on_event(parse_account_state(wallet, self._account_id, now, now))

    async def _reconcile(self) -> None:
        # The raising variant: connecting on a venue that cannot say what is open must fail.
        status = await self._mass_status(self._config.reconcile_lookback_ms // 60_000)
        self.last_mass_status = status
        for fill in status.fill_reports:
            self.stream.mark_seen(fill.trade_id)
        for report in status.order_reports:
            if report.client_order_id is not None and report.is_open:
                self.stream.track(
                    TrackedOrder(
                        instrument=self._provider.get(report.instrument_id),
                        client_order_id=report.client_order_id,
                        order_side=report.order_side,
                        order_type=report.order_type,
                        trader_id=DEFAULT_TRADER_ID,
                        strategy_id=DEFAULT_STRATEGY_ID,
                        venue_order_id=report.venue_order_id,
                        accepted=True,
                    )
                )
        for report in (*status.order_reports, *status.fill_reports, *status.position_reports):
            self._sink.on_event(report)

    def _on_reconnected(self) -> None:
        # Called after the re-login, before the topics are restored: reading fills now would miss
        # any fill made between the read and the resubscribe. So resync in a task that first waits
        # for the restored subscriptions (a newer reconnect replaces it).
        if self._resync is not None:
            self._resync.cancel()
        self._resync = asyncio.get_running_loop().create_task(self._resync_after_reconnect())

    async def _resync_after_reconnect(self) -> None:
        """Once the private topics are live again, re-read the account and fills missed while away."""
        ws = self._ws
        if ws is None:
            return
        try:
            for topic in PRIVATE_TOPICS:
                await ws.wait_subscribed(topic, timeout_s=self._config.http_timeout_s)
            await self._publish_account_state()
            for fill in await self._fill_reports():
                if self.stream.mark_seen(fill.trade_id):
                    self._sink.on_event(fill)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._sink.on_error(exc, "bybit private stream reconnect reconciliation")

    # ------------------------------------------------------------------ stream

    def _instrument_for(self, category: str, symbol: str) -> Instrument | None:
        products = [BybitProductType(category)] if category else list(BybitProductType)
        for product in products:
            instrument = self._provider.find(make_instrument_id(symbol, product))
            if instrument is not None:
                return instrument
        return None

    def _on_message(self, message: dict[str, Any]) -> None:
        topic = message.get("topic", "")
        try:
            for item in message.get("data", []):
                if topic.startswith("order"):
                    self.stream.on_order(BybitOrder.from_wire(item), self._instrument_for)
                elif topic.startswith("execution"):
                    self.stream.on_execution(BybitExecution.from_wire(item), self._instrument_for)
                elif topic.startswith("position"):
                    position = BybitPosition.from_wire(item)
                    instrument = self._instrument_for(position.category, position.symbol)
                    if instrument is not None:
                        report = parse_position_status_report(
                            position, instrument, self._account_id, self._clock_ns()
                        )
                        self._sink.on_event(report)
                elif topic == "wallet":
                    ts_event = int(message.get("creationTime", 0)) * 1_000_000
                    wallet = BybitWalletBalance.from_wire(item)
                    self._sink.on_event(
                        parse_account_state(wallet, self._account_id, ts_event, self._clock_ns())
                    )
        except Exception as exc:
            self._sink.on_error(exc, f"bybit private {topic}")

    # ------------------------------------------------------------------ commands

    def _require_connected(self) -> None:
        if not self._connected:
            raise FatalAdapterError("the Bybit execution client is not connected; await connect() first")

    def _deny(self, order: Order, reason: str) -> None:
        self._sink.on_event(
            OrderDenied(
                instrument_id=order.instrument_id,
                client_order_id=order.client_order_id,
                trader_id=order.trader_id,
                strategy_id=order.strategy_id,
                reason=reason,
                ts_event=self._clock_ns(),
                ts_init=self._clock_ns(),
            )
        )

    def _check(self, order: Order, params: Mapping[str, Any] | None = None) -> Instrument | str:
        """The order's instrument when Bybit can take the order (and its venue params) as given,
        else why not."""
        instrument = self._provider.find(order.instrument_id)
        if instrument is None:
            return f"instrument {order.instrument_id} is not loaded by the Bybit adapter"
        return deny_reason(order, instrument, params) or instrument

    def _announce(
        self, order: Order, instrument: Instrument, params: Mapping[str, Any] | None = None
    ) -> TrackedOrder:
        """Track a checked order and publish OrderSubmitted (the venue's answer comes later)."""
        tracked = TrackedOrder(
            instrument=instrument,
            client_order_id=order.client_order_id,
            order_side=order.order_side,
            order_type=order.order_type,
            trader_id=order.trader_id,
            strategy_id=order.strategy_id,
            venue_params=params,
        )
        self.stream.track(tracked)
        now = self._clock_ns()
        self._sink.on_event(
            OrderSubmitted(
                instrument_id=order.instrument_id,
                client_order_id=order.client_order_id,
                trader_id=order.trader_id,
                strategy_id=order.strategy_id,
                account_id=self._account_id,
                ts_event=now,
                ts_init=now,
            )
        )
        return tracked

    async def submit_order(self, command: SubmitOrder) -> None:
        """Deny locally, or publish OrderSubmitted and send; acceptance comes from the stream.

        ``command.params`` are Bybit's own order options (:mod:`adapters.bybit.order_params`); one
        the adapter cannot map is OrderDenied naming it, nothing sent.

        A lost answer is settled from the venue's state, never reported as a rejection
        (:mod:`adapters.bybit.execution_entry`).
        """
        self._require_connected()
        order = command.order
        checked = self._check(order, command.params)
        if isinstance(checked, str):
            self._deny(order, checked)
            return
        await self._place(order, self._announce(order, checked, command.params))

    async def submit_order_list(self, command: SubmitOrderList) -> None:
        """Submit the list's orders with create-batch, chunked by the venue's batch size.

        Every leg is checked before anything is sent: when one is invalid the whole list is
        OrderDenied (that leg with its reason, the others with ``ORDER_LIST_DENIED``), nothing sent.
        """
        self._require_connected()
        orders = command.order_list.orders
        checked = [self._check(o) for o in orders]
        invalid = [(o, c) for o, c in zip(orders, checked, strict=True) if isinstance(c, str)]
        if invalid:
            first, why = invalid[0]
            for order, check in zip(orders, checked, strict=True):
                self._deny(
                    order,
                    check
                    if isinstance(check, str)
                    else f"ORDER_LIST_DENIED: leg {first.client_order_id} of list "
                    f"{command.order_list.order_list_id} is invalid ({why})",
                )
            return
        prepared = [
            (o, self._announce(o, c)) for o, c in zip(orders, checked, strict=True) if not isinstance(c, str)
        ]
        if not prepared:
            return
        _, product = split_instrument_id(command.order_list.instrument_id)
        size = 10 if product is BybitProductType.SPOT else self._config_batch_size()
        for start in range(0, len(prepared), size):
            chunk = prepared[start : start + size]
            items = [place_params(o, t.instrument) for o, t in chunk]
            body = BatchPlaceParams(product, [_without_category(p) for p in items])
            try:
                results = await self._http.http_batch_place_orders(body)
            except VenueError as exc:
                for _, tracked in chunk:
                    self._reject(tracked, f"{exc.code}: {exc.message}")
                continue
            except UNKNOWN_OUTCOME as exc:
                # The batch's answer was lost: settle each leg as a single create would be.
                for order, tracked in chunk:
                    await self._settle_create(order, tracked, exc)
                continue
            for (_, tracked), result in zip(chunk, results, strict=False):
                if result.code != 0:
                    self._reject(tracked, f"{result.code}: {result.msg}")
                elif result.order_id:
                    self.stream.set_venue_id(tracked, VenueOrderId(result.order_id))

    @staticmethod
    def _config_batch_size() -> int:
        return BYBIT_CAPABILITIES.max_batch_submit

    async def modify_order(self, command: ModifyOrder) -> None:
        """Amend; OrderUpdated follows from the stream, OrderModifyRejected on a refusal.

        A modify that cannot be prepared (its instrument is not loaded) is OrderModifyRejected
        with nothing sent; a lost answer is settled from the venue's state.
        """
        self._require_connected()
        tracked = self.stream.find(command.client_order_id, command.venue_order_id)
        if self._provider.find(command.instrument_id) is None:
            self._modify_rejected(
                command,
                tracked,
                f"instrument {command.instrument_id} is not loaded by the Bybit adapter; nothing sent",
            )
            return
        await self._amend(command, tracked)


def _without_category(params: Any) -> Any:
    return dataclasses.replace(params, category=None)
