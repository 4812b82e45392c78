"""The Bybit v5 REST client: one low-level ``http_*`` method per endpoint, signed and rate limited.

Built on :class:`adapters.network.http.HttpClient`: every request counts against the global key
``bybit:global`` and its endpoint's key (``bybit:/v5/order/create``...), paced client-side below
the venue's documented per-second limits (§4.1) so the venue's 10006 stays the exception. Errors
come back as the contract's taxonomy via :func:`adapters.bybit.http.errors.classify_response`.

Each method takes the endpoint's query builder from :mod:`adapters.bybit.http.query` and returns
the typed wire structs of :mod:`adapters.bybit.http.models`; list endpoints follow
``nextPageCursor`` until it is empty (or ``max_pages``). Turning those into domain objects is
:mod:`adapters.bybit.http.parse`'s job.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import orjson

from adapters.bybit.common.consts import BYBIT_API_KEY_ENV, BYBIT_API_SECRET_ENV, DEFAULT_RECV_WINDOW_MS
from adapters.bybit.common.credential import Credential
from adapters.bybit.http import query as q
from adapters.bybit.http.errors import classify_response
from adapters.bybit.http.models import (
    BybitBatchItem,
    BybitExecution,
    BybitFeeRate,
    BybitFundingRate,
    BybitKline,
    BybitOrder,
    BybitOrderbook,
    BybitOrderResult,
    BybitPosition,
    BybitServerTime,
    BybitTicker,
    BybitTrade,
    BybitWalletBalance,
)
from adapters.contract.errors import FatalAdapterError, MissingCredentials, is_resendable
from adapters.network.clock import Clock, Sleeper, monotonic, real_sleep
from adapters.network.http import HttpClient, HttpResponse
from adapters.network.quota import Quota, RateLimiter
from adapters.network.retry import RetryManager, RetryPolicy

__all__ = ["GLOBAL_QUOTA_KEY", "BybitHttpClient", "default_rate_limiter"]

GLOBAL_QUOTA_KEY: Final = "bybit:global"

#: §4.1 unified-account limits per second (the spot ones are higher; we use the stricter value),
#: and the IP limit of 600 requests / 5 s as the global budget.
_ENDPOINT_QUOTAS: Final = {
    "/v5/order/create": 10,
    "/v5/order/amend": 10,
    "/v5/order/cancel": 10,
    "/v5/order/cancel-all": 10,
    "/v5/order/create-batch": 10,
    "/v5/order/amend-batch": 10,
    "/v5/order/cancel-batch": 10,
    "/v5/order/realtime": 50,
    "/v5/order/history": 50,
    "/v5/execution/list": 50,
    "/v5/position/list": 50,
}


def default_rate_limiter(*, clock: Clock = monotonic, sleeper: Sleeper = real_sleep) -> RateLimiter:
    """A limiter with Bybit's documented quotas (share one per API key).

    Bybit counts "N per second" per UID and endpoint over a rolling 1 s window *of arrival at the
    venue* (§4.1; the 11th ``order/create`` inside one second is answered 10006). Requests reach
    the venue late by varying amounts (under load H-09 saw a first burst arrive ~370 ms late and
    the next on time), so counting send times is not enough. The toolkit's limiter counts each
    request from when its *answer* arrives (an upper bound of its arrival) and holds its place
    while it is unanswered, which keeps every venue second at N or fewer exactly, with the
    venue's own window and no margin: a burst of N still goes at once, and the next burst goes
    1 s after the first one's answers.

    Args:
        clock: the time the quotas count in (a virtual clock's ``now`` in tests).
        sleeper: how waits are spent (the virtual clock's ``sleep`` in tests).
    """
    window_s = 1.0
    quotas = {f"bybit:{path}": Quota(n, window_s) for path, n in _ENDPOINT_QUOTAS.items()}
    quotas[GLOBAL_QUOTA_KEY] = Quota(600, 5.0)
    return RateLimiter(quotas, clock=clock, sleeper=sleeper)


class BybitHttpClient:
    """Signed, paced, retrying access to Bybit's REST endpoints. Use ``async with`` or :meth:`close`."""

    def __init__(
        self,
        base_url: str,
        credential: Credential | None = None,
        *,
        recv_window_ms: int = DEFAULT_RECV_WINDOW_MS,
        timeout_s: float = 10.0,
        retry_policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        clock_ms: Callable[[], int] | None = None,
    ) -> None:
        """Create a client.

        Args:
            base_url: e.g. ``https://api.bybit.com`` or a local venue's ``http://127.0.0.1:PORT``.
            credential: key and secret; public endpoints work without one.
            recv_window_ms: the ``X-BAPI-RECV-WINDOW`` sent with signed requests.
            timeout_s: per-attempt timeout.
            retry_policy: retries of retryable errors (the network toolkit's defaults if omitted).
            limiter: shared quotas; :func:`default_rate_limiter` if omitted.
            clock_ms: the clock used for ``X-BAPI-TIMESTAMP`` (wall clock by default).
        """
        self.credential = credential
        self.recv_window_ms = recv_window_ms
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self.retry = RetryManager(retry_policy or RetryPolicy(max_retries=3, initial_delay_s=0.2))
        self._limiter = limiter or default_rate_limiter()
        self._base_url = base_url
        self._timeout_s = timeout_s
        self._http = self._new_http()

    def _new_http(self) -> HttpClient:
        return HttpClient(
            self._base_url,
            headers={"Content-Type": "application/json"},
            timeout_s=self._timeout_s,
            limiter=self._limiter,
            default_keys=(GLOBAL_QUOTA_KEY,),
            retry=self.retry,
            classify=classify_response,
        )

    @property
    def base_url(self) -> str:
        """The REST base URL requests go to."""
        return self._http.base_url

    async def __aenter__(self) -> BybitHttpClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the underlying HTTP session.

        The client stays usable: the next request opens a new session. That lets the data and
        execution clients, which share one REST client, each close it on disconnect.
        """
        old, self._http = self._http, self._new_http()
        await old.close()

    # ------------------------------------------------------------------ transport

    def _require_credential(self, what: str) -> Credential:
        if self.credential is None:
            raise MissingCredentials(
                f"{what} is a signed Bybit endpoint: pass api_key/api_secret in the config or set "
                f"{BYBIT_API_KEY_ENV} and {BYBIT_API_SECRET_ENV}",
                env_var=BYBIT_API_KEY_ENV,
                field="api_key",
            )
        return self.credential

    def _signer(self, credential: Credential) -> Any:
        def sign(
            method: str, path: str, query: str, body: bytes, headers: Mapping[str, str]
        ) -> dict[str, str]:
            # Called per attempt: a retry gets a fresh timestamp, and signs exactly what is sent.
            payload = query if method == "GET" else body.decode()
            out = dict(headers)
            out.update(credential.rest_headers(self._clock_ms(), self.recv_window_ms, payload))
            return out

        return sign

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        *,
        signed: bool,
        retry: bool | Callable[[BaseException], bool] = True,
    ) -> dict[str, Any]:
        sign = self._signer(self._require_credential(path)) if signed else None
        keys = (f"bybit:{path}",)
        if method == "GET":
            response = await self._http.request(
                "GET", path, params=q.query_string(dict(params or {})), keys=keys, sign=sign, retry=retry
            )
        else:
            response = await self._http.request(
                method, path, body=orjson.dumps(dict(params or {})), keys=keys, sign=sign, retry=retry
            )
        return _envelope(response)

    async def _get_result(self, path: str, params: Any = None, *, signed: bool = False) -> dict[str, Any]:
        raw = params.to_params() if params is not None else None
        return (await self._request("GET", path, raw, signed=signed))["result"]

    async def _paginate(
        self, path: str, params: Any, *, signed: bool, max_pages: int | None = None
    ) -> list[dict[str, Any]]:
        """Follow ``nextPageCursor`` from ``params`` until the last page (``""``) or ``max_pages``."""
        items: list[dict[str, Any]] = []
        pages = 0
        while True:
            result = await self._get_result(path, params, signed=signed)
            items.extend(result.get("list", []))
            pages += 1
            cursor = result.get("nextPageCursor") or ""
            if not cursor or (max_pages is not None and pages >= max_pages):
                return items
            params = dataclasses.replace(params, cursor=cursor)

    async def _post(self, path: str, params: Any) -> dict[str, Any]:
        # Every POST here is order entry, which is not idempotent: a reset, a timeout or a 5xx may
        # come after the venue acted, and a blind retry then reads as a refusal (110072 duplicate
        # link id, 10001 nothing to amend, 110001 already cancelled). So only what provably did not
        # reach the venue is retried; the execution client settles the rest from the order's state.
        return await self._request("POST", path, params.to_params(), signed=True, retry=is_resendable)

    # ------------------------------------------------------------------ market (public)

    async def http_get_server_time(self) -> BybitServerTime:
        """``GET /v5/market/time``."""
        return BybitServerTime.from_wire(await self._get_result("/v5/market/time"))

    async def http_get_instruments_info(self, params: q.InstrumentsInfoParams) -> list[dict[str, Any]]:
        """``GET /v5/market/instruments-info``, all pages; raw items (their shape depends on category)."""
        return await self._paginate("/v5/market/instruments-info", params, signed=False)

    async def http_get_tickers(self, params: q.TickersParams) -> list[BybitTicker]:
        """``GET /v5/market/tickers``."""
        return BybitTicker.list_from_wire((await self._get_result("/v5/market/tickers", params))["list"])

    async def http_get_orderbook(self, params: q.OrderbookParams) -> BybitOrderbook:
        """``GET /v5/market/orderbook``."""
        return BybitOrderbook.from_wire(await self._get_result("/v5/market/orderbook", params))

    async def http_get_recent_trades(self, params: q.RecentTradesParams) -> list[BybitTrade]:
        """``GET /v5/market/recent-trade`` (newest first, as the venue sends them)."""
        result = await self._get_result("/v5/market/recent-trade", params)
        return BybitTrade.list_from_wire(result["list"])

    async def _klines(self, path: str, params: q.KlineParams) -> list[BybitKline]:
        return [BybitKline.from_row(row) for row in (await self._get_result(path, params))["list"]]

    async def http_get_kline(self, params: q.KlineParams) -> list[BybitKline]:
        """``GET /v5/market/kline`` (rows newest first)."""
        return await self._klines("/v5/market/kline", params)

    async def http_get_kline_timed(self, params: q.KlineParams) -> tuple[list[BybitKline], int | None]:
        """``GET /v5/market/kline`` rows (newest first) and the venue's clock when it answered.

        The envelope's ``time`` (ms) tells which candle is still open by the venue's clock, not
        this host's (they may differ by more than a candle). ``None`` when the envelope has none.
        """
        envelope = await self._request("GET", "/v5/market/kline", params.to_params(), signed=False)
        rows = [BybitKline.from_row(row) for row in envelope["result"]["list"]]
        stamp = envelope.get("time")
        return rows, int(stamp) if stamp else None

    async def http_get_mark_price_kline(self, params: q.KlineParams) -> list[BybitKline]:
        """``GET /v5/market/mark-price-kline`` (5-column rows, newest first)."""
        return await self._klines("/v5/market/mark-price-kline", params)

    async def http_get_index_price_kline(self, params: q.KlineParams) -> list[BybitKline]:
        """``GET /v5/market/index-price-kline`` (5-column rows, newest first)."""
        return await self._klines("/v5/market/index-price-kline", params)

    async def http_get_funding_history(self, params: q.FundingHistoryParams) -> list[BybitFundingRate]:
        """``GET /v5/market/funding/history``."""
        result = await self._get_result("/v5/market/funding/history", params)
        return BybitFundingRate.list_from_wire(result["list"])

    # ------------------------------------------------------------------ account (signed)

    async def http_get_fee_rates(self, params: q.FeeRateParams) -> list[BybitFeeRate]:
        """``GET /v5/account/fee-rate`` (signed)."""
        result = await self._get_result("/v5/account/fee-rate", params, signed=True)
        return BybitFeeRate.list_from_wire(result["list"])

    async def http_get_wallet_balance(self, params: q.WalletBalanceParams) -> list[BybitWalletBalance]:
        """``GET /v5/account/wallet-balance`` (signed)."""
        result = await self._get_result("/v5/account/wallet-balance", params, signed=True)
        return BybitWalletBalance.list_from_wire(result["list"])

    async def http_get_positions(self, params: q.PositionListParams) -> list[BybitPosition]:
        """``GET /v5/position/list`` (signed), all pages."""
        items = await self._paginate("/v5/position/list", params, signed=True)
        return BybitPosition.list_from_wire(items)

    async def http_get_open_orders(self, params: q.OpenOrdersParams) -> list[BybitOrder]:
        """``GET /v5/order/realtime`` (signed), all pages."""
        return BybitOrder.list_from_wire(await self._paginate("/v5/order/realtime", params, signed=True))

    async def http_get_order_history(
        self, params: q.OrderHistoryParams, *, max_pages: int | None = None
    ) -> list[BybitOrder]:
        """``GET /v5/order/history`` (signed), following cursors up to ``max_pages``."""
        items = await self._paginate("/v5/order/history", params, signed=True, max_pages=max_pages)
        return BybitOrder.list_from_wire(items)

    async def http_get_executions(
        self, params: q.ExecutionListParams, *, max_pages: int | None = None
    ) -> list[BybitExecution]:
        """``GET /v5/execution/list`` (signed), following cursors up to ``max_pages``."""
        items = await self._paginate("/v5/execution/list", params, signed=True, max_pages=max_pages)
        return BybitExecution.list_from_wire(items)

    # ------------------------------------------------------------------ trade (signed)

    async def http_place_order(self, params: q.PlaceOrderParams) -> BybitOrderResult:
        """``POST /v5/order/create``.

        Retried only on errors :func:`~adapters.contract.errors.is_resendable` allows (a rate
        limit, no connection made); any other transport error leaves the outcome unknown and is
        raised for the caller to settle.
        """
        envelope = await self._post("/v5/order/create", params)
        return BybitOrderResult.from_wire(envelope["result"])

    async def http_amend_order(self, params: q.AmendOrderParams) -> BybitOrderResult:
        """``POST /v5/order/amend``."""
        return BybitOrderResult.from_wire((await self._post("/v5/order/amend", params))["result"])

    async def http_cancel_order(self, params: q.CancelOrderParams) -> BybitOrderResult:
        """``POST /v5/order/cancel``."""
        return BybitOrderResult.from_wire((await self._post("/v5/order/cancel", params))["result"])

    async def http_cancel_all(self, params: q.CancelAllParams) -> list[BybitOrderResult]:
        """``POST /v5/order/cancel-all``: the orders it cancelled."""
        envelope = await self._post("/v5/order/cancel-all", params)
        return BybitOrderResult.list_from_wire(envelope["result"].get("list", []))

    async def _batch(self, path: str, params: Any) -> list[BybitBatchItem]:
        envelope = await self._post(path, params)
        items = envelope["result"].get("list", [])
        codes = (envelope.get("retExtInfo") or {}).get("list", [])
        # The two lists are index-aligned (§6.17): item i's outcome is retExtInfo.list[i].
        out = []
        for i, item in enumerate(items):
            ext = codes[i] if i < len(codes) else {"code": 0, "msg": "OK"}
            out.append(
                BybitBatchItem.from_wire({**item, "code": ext.get("code", 0), "msg": ext.get("msg", "")})
            )
        return out

    async def http_batch_place_orders(self, params: q.BatchPlaceParams) -> list[BybitBatchItem]:
        """``POST /v5/order/create-batch``: one item per request, each with its own code."""
        return await self._batch("/v5/order/create-batch", params)

    async def http_batch_amend_orders(self, params: q.BatchAmendParams) -> list[BybitBatchItem]:
        """``POST /v5/order/amend-batch``."""
        return await self._batch("/v5/order/amend-batch", params)

    async def http_batch_cancel_orders(self, params: q.BatchCancelParams) -> list[BybitBatchItem]:
        """``POST /v5/order/cancel-batch``."""
        return await self._batch("/v5/order/cancel-batch", params)


def _envelope(response: HttpResponse) -> dict[str, Any]:
    data = response.json()
    if not isinstance(data, dict) or not isinstance(data.get("result"), dict):
        raise FatalAdapterError(
            f"{response.method} {response.url}: not a Bybit envelope: {response.body[:200]!r}"
        )
    return data
