"""Query and body builders, one frozen dataclass per Bybit endpoint (the guide's ``http::query``).

``to_params()`` gives the venue's parameter names (camelCase) in field order with ``None`` left
out, ready for a query string (GET) or a compact JSON body (POST); it is what gets signed, so the
order is stable. Builders check the venue's documented limits (``limit`` ranges, required
combinations) so a bad request fails locally with a message instead of costing a round trip.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlencode

from adapters.bybit.common.consts import (
    EXECUTION_LIST_MAX_LIMIT,
    INSTRUMENTS_INFO_MAX_LIMIT,
    KLINE_MAX_LIMIT,
    ORDER_HISTORY_MAX_LIMIT,
    POSITION_LIST_MAX_LIMIT,
    RECENT_TRADE_MAX_LIMIT,
)
from adapters.bybit.common.enums import BybitKlineInterval, BybitProductType
from adapters.bybit.common.wire import camel

__all__ = [
    "AmendOrderParams",
    "BatchAmendParams",
    "BatchCancelParams",
    "BatchPlaceParams",
    "CancelAllParams",
    "CancelOrderParams",
    "ExecutionListParams",
    "FeeRateParams",
    "FundingHistoryParams",
    "InstrumentsInfoParams",
    "KlineParams",
    "OpenOrdersParams",
    "OrderHistoryParams",
    "OrderbookParams",
    "PlaceOrderParams",
    "PositionListParams",
    "RecentTradesParams",
    "TickersParams",
    "WalletBalanceParams",
    "query_string",
]


def _check_limit(name: str, limit: int | None, maximum: int) -> None:
    if limit is not None and not 1 <= limit <= maximum:
        raise ValueError(f"{name}: limit must be between 1 and {maximum}, got {limit}")


def _check_window(name: str, start: int | None, end: int | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValueError(f"{name}: the start time ({start}) is after the end time ({end})")


def _value(value: Any) -> Any:
    """Enums go out as their wire value; nested builders as their params."""
    if isinstance(value, _Params):
        return value.to_params()
    if isinstance(value, list):
        return [_value(v) for v in value]
    return getattr(value, "value", value)


@dataclass(frozen=True, slots=True)
class _Params:
    def to_params(self) -> dict[str, Any]:
        """The parameters under their venue names, ``None`` omitted, in field order."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.metadata.get("wire", camel(f.name))] = _value(value)
        return out


def query_string(params: dict[str, Any]) -> str:
    """Encode GET parameters exactly as they will be signed and sent (booleans as ``true``/``false``)."""
    return urlencode({k: ("true" if v is True else "false" if v is False else v) for k, v in params.items()})


@dataclass(frozen=True, slots=True)
class InstrumentsInfoParams(_Params):
    """``GET /v5/market/instruments-info`` (§6.2)."""

    category: BybitProductType
    symbol: str | None = None
    status: str | None = None
    base_coin: str | None = None
    limit: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` against the venue's range."""
        _check_limit("instruments-info", self.limit, INSTRUMENTS_INFO_MAX_LIMIT)


@dataclass(frozen=True, slots=True)
class TickersParams(_Params):
    """``GET /v5/market/tickers`` (§6.3)."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    exp_date: str | None = None


@dataclass(frozen=True, slots=True)
class OrderbookParams(_Params):
    """``GET /v5/market/orderbook`` (§6.4)."""

    category: BybitProductType
    symbol: str
    limit: int | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` (options take at most 25 levels)."""
        _check_limit("orderbook", self.limit, 25 if self.category is BybitProductType.OPTION else 1000)


@dataclass(frozen=True, slots=True)
class RecentTradesParams(_Params):
    """``GET /v5/market/recent-trade`` (§6.5)."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` (spot allows 60, others 1000) and that non-options name a symbol."""
        _check_limit("recent-trade", self.limit, RECENT_TRADE_MAX_LIMIT[self.category.value])
        if self.symbol is None and self.category is not BybitProductType.OPTION:
            raise ValueError("recent-trade: symbol is required except for options")


@dataclass(frozen=True, slots=True)
class KlineParams(_Params):
    """``GET /v5/market/kline`` and the mark/index-price variants (§6.6); bounds are ``start``/``end`` ms."""

    category: BybitProductType
    symbol: str
    interval: BybitKlineInterval
    start: int | None = None
    end: int | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` and that ``start <= end``."""
        _check_limit("kline", self.limit, KLINE_MAX_LIMIT)
        _check_window("kline", self.start, self.end)


@dataclass(frozen=True, slots=True)
class FundingHistoryParams(_Params):
    """``GET /v5/market/funding/history`` (§6.7): the venue refuses ``startTime`` without ``endTime``."""

    category: BybitProductType
    symbol: str
    start_time: int | None = None
    end_time: int | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        """Check the time-bound combination and ``limit``."""
        _check_limit("funding/history", self.limit, 200)
        if self.start_time is not None and self.end_time is None:
            raise ValueError("funding/history: pass end_time with start_time (the venue refuses one alone)")


@dataclass(frozen=True, slots=True)
class FeeRateParams(_Params):
    """``GET /v5/account/fee-rate`` (§6.9)."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None


@dataclass(frozen=True, slots=True)
class WalletBalanceParams(_Params):
    """``GET /v5/account/wallet-balance`` (§6.11)."""

    account_type: str = "UNIFIED"
    coin: str | None = None


@dataclass(frozen=True, slots=True)
class PositionListParams(_Params):
    """``GET /v5/position/list`` (§6.12): linear needs ``symbol`` or ``settleCoin``."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    settle_coin: str | None = None
    limit: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` and the linear symbol/settle-coin rule."""
        _check_limit("position/list", self.limit, POSITION_LIST_MAX_LIMIT)
        if self.category is BybitProductType.SPOT:
            raise ValueError("position/list: spot has no positions; query linear, inverse or option")
        if self.category is BybitProductType.LINEAR and self.symbol is None and self.settle_coin is None:
            raise ValueError("position/list: linear needs symbol or settle_coin (e.g. settle_coin='USDT')")


@dataclass(frozen=True, slots=True)
class OpenOrdersParams(_Params):
    """``GET /v5/order/realtime`` (§6.18): open orders, or one order by id."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    settle_coin: str | None = None
    order_id: str | None = None
    order_link_id: str | None = None
    open_only: int | None = None
    order_filter: str | None = None
    limit: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check ``limit``."""
        _check_limit("order/realtime", self.limit, ORDER_HISTORY_MAX_LIMIT)


@dataclass(frozen=True, slots=True)
class OrderHistoryParams(_Params):
    """``GET /v5/order/history`` (§6.18); ``startTime``/``endTime`` ms, 7-day windows."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    settle_coin: str | None = None
    order_id: str | None = None
    order_link_id: str | None = None
    order_status: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    limit: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` and the time bounds."""
        _check_limit("order/history", self.limit, ORDER_HISTORY_MAX_LIMIT)
        _check_window("order/history", self.start_time, self.end_time)


@dataclass(frozen=True, slots=True)
class ExecutionListParams(_Params):
    """``GET /v5/execution/list`` (§6.19)."""

    category: BybitProductType
    symbol: str | None = None
    order_id: str | None = None
    order_link_id: str | None = None
    base_coin: str | None = None
    settle_coin: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    exec_type: str | None = None
    limit: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        """Check ``limit`` and the time bounds."""
        _check_limit("execution/list", self.limit, EXECUTION_LIST_MAX_LIMIT)
        _check_window("execution/list", self.start_time, self.end_time)


@dataclass(frozen=True, slots=True)
class PlaceOrderParams(_Params):
    """``POST /v5/order/create`` body (§6.13); also one item of create-batch (without ``category``)."""

    category: BybitProductType | None
    symbol: str
    side: str
    order_type: str
    qty: str
    price: str | None = None
    time_in_force: str | None = None
    order_link_id: str | None = None
    is_leverage: int | None = None
    market_unit: str | None = None
    position_idx: int | None = None
    reduce_only: bool | None = None
    close_on_trigger: bool | None = None
    trigger_price: str | None = None
    trigger_direction: int | None = None
    trigger_by: str | None = None
    order_filter: str | None = None
    order_iv: str | None = None
    smp_type: str | None = None
    mmp: bool | None = None
    bbo_side_type: str | None = None
    bbo_level: str | None = None


@dataclass(frozen=True, slots=True)
class AmendOrderParams(_Params):
    """``POST /v5/order/amend`` body (§6.14); needs ``orderId`` or ``orderLinkId``."""

    category: BybitProductType | None
    symbol: str
    order_id: str | None = None
    order_link_id: str | None = None
    qty: str | None = None
    price: str | None = None
    trigger_price: str | None = None

    def __post_init__(self) -> None:
        """Require an order id of either kind."""
        if self.order_id is None and self.order_link_id is None:
            raise ValueError("amend: pass order_id or order_link_id")


@dataclass(frozen=True, slots=True)
class CancelOrderParams(_Params):
    """``POST /v5/order/cancel`` body (§6.15); ``orderId`` wins when both ids are sent."""

    category: BybitProductType | None
    symbol: str
    order_id: str | None = None
    order_link_id: str | None = None
    order_filter: str | None = None

    def __post_init__(self) -> None:
        """Require an order id of either kind."""
        if self.order_id is None and self.order_link_id is None:
            raise ValueError("cancel: pass order_id or order_link_id")


@dataclass(frozen=True, slots=True)
class CancelAllParams(_Params):
    """``POST /v5/order/cancel-all`` body (§6.16): linear/inverse need symbol, baseCoin or settleCoin."""

    category: BybitProductType
    symbol: str | None = None
    base_coin: str | None = None
    settle_coin: str | None = None
    order_filter: str | None = None

    def __post_init__(self) -> None:
        """Check the linear/inverse scope rule."""
        contracts = (BybitProductType.LINEAR, BybitProductType.INVERSE)
        if self.category in contracts and not (self.symbol or self.base_coin or self.settle_coin):
            raise ValueError("cancel-all: linear and inverse need symbol, base_coin or settle_coin")


_Item = TypeVar("_Item", bound=_Params)


@dataclass(frozen=True, slots=True)
class _BatchParams(_Params, Generic[_Item]):
    """Shared shape of the batch bodies: a ``category`` and its ``request`` items (20, spot 10)."""

    KIND: ClassVar[str] = "batch"
    category: BybitProductType
    request: list[_Item] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Check the batch size (20, spot 10)."""
        maximum, size = (10 if self.category is BybitProductType.SPOT else 20), len(self.request)
        if not 1 <= size <= maximum:
            kind = f"{self.KIND}: {self.category.value}"
            raise ValueError(f"{kind} batches take 1 to {maximum} items, got {size}")


@dataclass(frozen=True, slots=True)
class BatchPlaceParams(_BatchParams[PlaceOrderParams]):
    """``POST /v5/order/create-batch`` body (§6.17); items carry no ``category``."""

    KIND: ClassVar[str] = "create-batch"


@dataclass(frozen=True, slots=True)
class BatchAmendParams(_BatchParams[AmendOrderParams]):
    """``POST /v5/order/amend-batch`` body (§6.17)."""

    KIND: ClassVar[str] = "amend-batch"


@dataclass(frozen=True, slots=True)
class BatchCancelParams(_BatchParams[CancelOrderParams]):
    """``POST /v5/order/cancel-batch`` body (§6.17)."""

    KIND: ClassVar[str] = "cancel-batch"
