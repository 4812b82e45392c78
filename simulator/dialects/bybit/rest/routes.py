"""The route table of the Bybit v5 REST API (§1.3): method and path to handler, auth and permission.

Public routes (``/v5/market/...``) are never signed and never refused for carrying a key header
(§3.6). Signed routes need a valid HMAC signature (§3) and a key with the route's permission:
``read`` for queries, ``trade`` for order entry and position/account settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from simulator.dialects.bybit import auth
from simulator.dialects.bybit.rest import account, market, order_queries, orders
from simulator.dialects.bybit.rest.context import Handler

__all__ = ["GET", "POST", "ROUTES", "Route"]

GET: Final = "GET"
POST: Final = "POST"


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint.

    Attributes:
        method: ``GET`` (parameters in the query string) or ``POST`` (a JSON body).
        path: the full path, ``/v5/...``.
        handler: the function that answers it.
        signed: whether the request must be signed (§3).
        permission: what the key needs (``auth.READ``, ``auth.TRADE`` or ``None``).
    """

    method: str
    path: str
    handler: Handler
    signed: bool = False
    permission: str | None = None


def _public(path: str, handler: Handler) -> Route:
    return Route(GET, path, handler)


def _query(path: str, handler: Handler, permission: str | None = auth.READ) -> Route:
    return Route(GET, path, handler, signed=True, permission=permission)


def _command(path: str, handler: Handler) -> Route:
    return Route(POST, path, handler, signed=True, permission=auth.TRADE)


_ALL: Final = (
    # §6.1-§6.7 market data
    _public("/v5/market/time", market.server_time),
    _public("/v5/market/instruments-info", market.instruments_info),
    _public("/v5/market/tickers", market.tickers),
    _public("/v5/market/orderbook", market.orderbook),
    _public("/v5/market/recent-trade", market.recent_trade),
    _public("/v5/market/kline", market.kline),
    _public("/v5/market/mark-price-kline", market.mark_price_kline),
    _public("/v5/market/index-price-kline", market.index_price_kline),
    _public("/v5/market/funding/history", market.funding_history),
    # §6.8-§6.12 asset, account, user, positions
    _query("/v5/asset/coin/query-info", account.coin_info),
    _query("/v5/account/fee-rate", account.fee_rate),
    # Any valid key may read its own description, a read-only one included.
    _query("/v5/user/query-api", account.query_api, permission=None),
    _query("/v5/account/info", account.account_info),
    _query("/v5/account/wallet-balance", account.wallet_balance),
    _query("/v5/position/list", account.position_list),
    # §6.13-§6.17 order entry
    _command("/v5/order/create", orders.create),
    _command("/v5/order/amend", orders.amend),
    _command("/v5/order/cancel", orders.cancel),
    _command("/v5/order/cancel-all", orders.cancel_all),
    _command("/v5/order/create-batch", orders.create_batch),
    _command("/v5/order/amend-batch", orders.amend_batch),
    _command("/v5/order/cancel-batch", orders.cancel_batch),
    # §6.18-§6.19 order and execution queries
    _query("/v5/order/realtime", order_queries.order_realtime),
    _query("/v5/order/history", order_queries.order_history),
    _query("/v5/execution/list", order_queries.execution_list),
    # §6.20 settings
    _command("/v5/position/set-leverage", account.set_leverage),
    _command("/v5/position/switch-mode", account.switch_mode),
    _command("/v5/account/set-margin-mode", account.set_margin_mode),
    _command("/v5/position/trading-stop", account.trading_stop),
)

#: ``(method, path)`` → :class:`Route`.
ROUTES: Final[Mapping[tuple[str, str], Route]] = MappingProxyType({(r.method, r.path): r for r in _ALL})
