"""Execution reports over REST (the base class of BybitExecutionClient): orders, fills, positions.

Bybit needs a scope on some list calls (§6.12, §6.18): linear open orders and positions are read
per settle coin (``BybitExecClientConfig.settle_coins``); spot has no positions, but a spot
margin loan (wallet ``spotBorrow``) is reported as a SHORT on its spot pair (PC-07). History calls
use ``startTime``/``endTime`` in ms and follow cursors. Fills come back oldest first and
deduplicated by trade id.

The public ``generate_*`` methods contain a failing venue (catalogue RS-08): a transport error,
rate limit or refusal is published to the sink's ``on_error`` and the method returns what it can
know - ``[]`` (``None`` for the mass status) - so a caller's reconciliation loop keeps running.
The client's own paths (reconciliation on connect, cancel-all by side) use the raising ``_``
variants: there a silent ``[]`` would mean "nothing open", which is not what the venue said.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final, TypeVar

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.mappings import BYBIT_VENUE, make_instrument_id, split_instrument_id
from adapters.bybit.config import BybitExecClientConfig
from adapters.bybit.http.client import BybitHttpClient
from adapters.bybit.http.models import BybitOrder
from adapters.bybit.http.parse_borrow import parse_spot_borrow_reports
from adapters.bybit.http.parse_execution import (
    is_trade_execution,
    parse_fill_report,
    parse_order_status_report,
    parse_position_status_report,
)
from adapters.bybit.http.query import (
    ExecutionListParams,
    OpenOrdersParams,
    OrderHistoryParams,
    PositionListParams,
    WalletBalanceParams,
)
from adapters.bybit.providers import BybitInstrumentProvider
from adapters.contract.errors import RateLimited, RetryableTransportError, VenueError
from adapters.contract.sink import EventSink
from adapters.model.enums import PositionSide
from adapters.model.identifiers import AccountId, ClientId, ClientOrderId, InstrumentId, VenueOrderId
from adapters.model.objects import Quantity
from adapters.model.reports import ExecutionMassStatus, FillReport, OrderStatusReport, PositionStatusReport

__all__ = ["BybitExecutionReports"]

_NS_PER_MS = 1_000_000
#: §6.18/§6.19: history windows are at most 7 days.
_MAX_WINDOW_MS = 7 * 24 * 3600 * 1000
#: What a failing venue raises; a programming error (FatalAdapterError, a bug) still propagates,
#: and so does AuthenticationError: refused keys are the caller's to fix, not a passing venue
#: failure to report as "no orders" (conformance H-05).
_VENUE_FAILURES: Final = (RetryableTransportError, RateLimited, VenueError)

T = TypeVar("T")


class BybitExecutionReports:
    """The ``generate_*`` half of the execution client."""

    _sink: EventSink

    def __init__(
        self,
        http: BybitHttpClient,
        provider: BybitInstrumentProvider,
        account_id: AccountId,
        config: BybitExecClientConfig,
        clock_ns: Callable[[], int],
    ) -> None:
        """Keep the REST client, instruments, account, config and clock."""
        self._http = http
        self._provider = provider
        self._account_id = account_id
        self._config = config
        self._clock_ns = clock_ns

    def _scopes(self, instrument_id: InstrumentId | None, *, positions: bool = False) -> list[dict[str, Any]]:
        """The (category, symbol | settleCoin) combinations to query."""
        if instrument_id is not None:
            symbol, product = split_instrument_id(instrument_id)
            return (
                []
                if positions and product is BybitProductType.SPOT
                else [{"category": product, "symbol": symbol}]
            )
        scopes: list[dict[str, Any]] = []
        for product in self._config.product_types:
            if product is BybitProductType.SPOT and positions:
                continue
            if product is BybitProductType.LINEAR:
                scopes.extend(
                    {"category": product, "settle_coin": coin} for coin in self._config.settle_coins
                )
            else:
                scopes.append({"category": product})
        return scopes

    def _instrument(self, symbol: str, product: BybitProductType) -> Any:
        return self._provider.find(make_instrument_id(symbol, product))

    def _window(self, start_ns: int | None, end_ns: int | None) -> tuple[int | None, int | None]:
        end_ms = end_ns // _NS_PER_MS if end_ns is not None else None
        start_ms = start_ns // _NS_PER_MS if start_ns is not None else None
        if start_ms is not None:
            # The venue refuses windows over 7 days: clamp the start to what it can answer.
            start_ms = max(start_ms, (end_ms or self._clock_ns() // _NS_PER_MS) - _MAX_WINDOW_MS + 1)
        return start_ms, end_ms

    async def generate_order_status_report(
        self,
        instrument_id: InstrumentId,
        client_order_id: ClientOrderId | None = None,
        venue_order_id: VenueOrderId | None = None,
    ) -> OrderStatusReport | None:
        """The venue's view of one order (open orders first, then history), or ``None`` (also
        when the venue fails; the error goes to the sink)."""
        instrument = self._provider.get(instrument_id)
        order = await self._contained(
            self._venue_order(instrument_id, client_order_id, venue_order_id), None, "order status report"
        )
        if order is None:
            return None
        return parse_order_status_report(order, instrument, self._account_id, self._clock_ns())

    async def _contained(self, work: Awaitable[T], fallback: T, what: str) -> T:
        """``await work``; on a venue failure publish it to the sink and return ``fallback``."""
        try:
            return await work
        except _VENUE_FAILURES as exc:
            self._sink.on_error(exc, f"bybit {what}: the venue failed; returning {fallback!r}")
            return fallback

    async def _venue_order(
        self,
        instrument_id: InstrumentId,
        client_order_id: ClientOrderId | None = None,
        venue_order_id: VenueOrderId | None = None,
    ) -> BybitOrder | None:
        """The venue's raw record of one order by venue id (else client id), or ``None``."""
        symbol, product = split_instrument_id(instrument_id)
        ids = {
            "order_id": venue_order_id.value if venue_order_id else None,
            "order_link_id": client_order_id.value if client_order_id and not venue_order_id else None,
        }
        orders = await self._http.http_get_open_orders(OpenOrdersParams(product, symbol=symbol, **ids))
        if not orders:
            orders = await self._http.http_get_order_history(
                OrderHistoryParams(product, symbol=symbol, **ids), max_pages=1
            )
        return orders[0] if orders else None

    async def generate_order_status_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        open_only: bool = False,
    ) -> list[OrderStatusReport]:
        """Open orders, plus (unless ``open_only``) closed ones from history within the window;
        ``[]`` when the venue fails (the error goes to the sink)."""
        work = self._order_status_reports(instrument_id, start_ns, end_ns, open_only)
        return await self._contained(work, [], "order status reports")

    async def _order_status_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        open_only: bool = False,
    ) -> list[OrderStatusReport]:
        ts_init = self._clock_ns()
        start_ms, end_ms = self._window(start_ns, end_ns)
        seen: dict[str, OrderStatusReport] = {}
        for scope in self._scopes(instrument_id):
            product = scope["category"]
            batches = [await self._http.http_get_open_orders(OpenOrdersParams(**scope, limit=50))]
            if not open_only:
                history = OrderHistoryParams(**scope, start_time=start_ms, end_time=end_ms, limit=50)
                batches.append(await self._http.http_get_order_history(history))
            for order in (o for batch in batches for o in batch):
                instrument = self._instrument(order.symbol, product)
                if instrument is not None and order.order_id not in seen:
                    seen[order.order_id] = parse_order_status_report(
                        order, instrument, self._account_id, ts_init
                    )
        return list(seen.values())

    async def generate_fill_reports(
        self,
        instrument_id: InstrumentId | None = None,
        venue_order_id: VenueOrderId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[FillReport]:
        """Trade executions within the window, oldest first, one per trade id; ``[]`` when the
        venue fails (the error goes to the sink)."""
        work = self._fill_reports(instrument_id, venue_order_id, start_ns, end_ns)
        return await self._contained(work, [], "fill reports")

    async def _fill_reports(
        self,
        instrument_id: InstrumentId | None = None,
        venue_order_id: VenueOrderId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[FillReport]:
        ts_init = self._clock_ns()
        start_ms, end_ms = self._window(start_ns, end_ns)
        fills: dict[str, FillReport] = {}
        for scope in self._scopes(instrument_id):
            product = scope["category"]
            params = ExecutionListParams(
                **scope,
                order_id=venue_order_id.value if venue_order_id else None,
                start_time=start_ms,
                end_time=end_ms,
                limit=100,
            )
            for execution in await self._http.http_get_executions(params):
                instrument = self._instrument(execution.symbol, product)
                if instrument is None or not is_trade_execution(execution) or execution.exec_id in fills:
                    continue
                fills[execution.exec_id] = parse_fill_report(execution, instrument, self._account_id, ts_init)
        return sorted(fills.values(), key=lambda f: f.ts_event)

    async def generate_position_status_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[PositionStatusReport]:
        """Open positions; a requested instrument without one is reported FLAT. ``[]`` when the
        venue fails (the error goes to the sink)."""
        work = self._position_reports(instrument_id, start_ns, end_ns)
        return await self._contained(work, [], "position status reports")

    async def _position_reports(
        self,
        instrument_id: InstrumentId | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> list[PositionStatusReport]:
        ts_init = self._clock_ns()
        reports = []
        for scope in self._scopes(instrument_id, positions=True):
            product = scope["category"]
            for position in await self._http.http_get_positions(PositionListParams(**scope, limit=200)):
                instrument = self._instrument(position.symbol, product)
                if instrument is None:
                    continue
                report = parse_position_status_report(position, instrument, self._account_id, ts_init)
                if instrument_id is not None or report.position_side is not PositionSide.FLAT:
                    reports.append(report)
        reports.extend(await self._borrow_reports(instrument_id, ts_init))
        if instrument_id is not None and not reports:
            instrument = self._provider.get(instrument_id)
            reports.append(
                PositionStatusReport(
                    account_id=self._account_id,
                    instrument_id=instrument_id,
                    position_side=PositionSide.FLAT,
                    quantity=Quantity.zero(instrument.size_precision),
                    ts_last=ts_init,
                    ts_init=ts_init,
                )
            )
        return reports

    async def _borrow_reports(
        self, instrument_id: InstrumentId | None, ts_init: int
    ) -> list[PositionStatusReport]:
        """Spot margin loans as SHORT reports on their spot pairs (``parse_borrow``), when spot is
        traded (or the spot pair is asked for); a derivative asked for has none."""
        if instrument_id is not None:
            if split_instrument_id(instrument_id)[1] is not BybitProductType.SPOT:
                return []
        elif BybitProductType.SPOT not in self._config.product_types:
            return []
        wallets = await self._http.http_get_wallet_balance(WalletBalanceParams())
        reports = parse_spot_borrow_reports(wallets, self._provider.find, self._account_id, ts_init)
        return [r for r in reports if instrument_id is None or r.instrument_id == instrument_id]

    async def generate_mass_status(self, lookback_mins: int | None = None) -> ExecutionMassStatus | None:
        """Open orders, fills within ``lookback_mins`` and open positions, at once; ``None`` when
        the venue fails (the error goes to the sink)."""
        return await self._contained(self._mass_status(lookback_mins), None, "mass status")

    async def _mass_status(self, lookback_mins: int | None = None) -> ExecutionMassStatus:
        now = self._clock_ns()
        start_ns = now - lookback_mins * 60 * 1_000_000_000 if lookback_mins else None
        return ExecutionMassStatus(
            client_id=ClientId("BYBIT"),
            account_id=self._account_id,
            venue=BYBIT_VENUE,
            ts_init=now,
            order_reports=tuple(await self._order_status_reports(open_only=True)),
            fill_reports=tuple(await self._fill_reports(start_ns=start_ns)),
            position_reports=tuple(await self._position_reports()),
        )
