"""The few wire facts of each simulator dialect the cases need to judge the venue side.

Cases are venue-neutral; where a criterion names a wire detail (which headers carry auth, which
route lists instruments, the venue's rate-limit code), they read it here, per dialect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["DialectFacts", "facts_of"]


@dataclass(frozen=True)
class DialectFacts:
    """What a dialect's wire looks like, as far as the cases judge it."""

    name: str
    #: Request headers that carry authentication material (any of them present = signed).
    auth_headers: tuple[str, ...]
    #: The route instrument definitions are read from.
    instruments_route: str
    #: Routes a keyless client must never reach (credential guard, H-04).
    private_prefixes: tuple[str, ...]
    #: The venue's code for "too many requests" and for a generic parameter error.
    rate_limit_code: int
    param_error_code: int
    #: JSON a client's WebSocket login frame contains, and what a successful login ack contains.
    ws_login: dict[str, Any] = field(default_factory=dict)
    ws_login_ok: dict[str, Any] = field(default_factory=dict)
    #: JSON of the venue's text ping (either direction) and of the text pong answering it.
    ws_text_ping: dict[str, Any] = field(default_factory=dict)
    ws_text_pong: dict[str, Any] = field(default_factory=dict)
    #: A per-account REST quota the venue enforces (H-09): route, requests per window, window.
    paced_route: str = ""
    paced_limit: int = 0
    paced_window_s: float = 1.0
    #: A successful answer of the instruments route that lists nothing (H-02's "not found" switch).
    empty_instruments_body: str = ""
    #: Public history routes (H-13, H-17): trades with the query keys the venue defines and its
    #: page cap per product; the order book with its depth parameter.
    trades_route: str = ""
    trades_query_keys: frozenset[str] = frozenset()
    trades_page_max: dict[str, int] = field(default_factory=dict)
    book_route: str = ""
    book_depth_param: str = ""
    #: Bars (H-15): the route, its query keys for the symbol, the interval (and the value meaning
    #: one minute), the time bounds (venue units: ms) and the page size.
    bars_route: str = ""
    bars_symbol_param: str = ""
    bars_interval_param: str = ""
    bars_one_minute: str = ""
    bars_start_param: str = ""
    bars_end_param: str = ""
    bars_limit_param: str = ""
    bars_page_max: int = 0
    #: Order entry (H-19): create and cancel routes, the numeric fields sent as strings, the
    #: mutually exclusive order id fields.
    create_route: str = ""
    cancel_route: str = ""
    numeric_fields: tuple[str, ...] = ()
    order_id_fields: tuple[str, ...] = ()


_FACTS = {
    "bybit": DialectFacts(
        name="bybit",
        auth_headers=("X-BAPI-API-KEY", "X-BAPI-SIGN"),
        instruments_route="/v5/market/instruments-info",
        private_prefixes=("/v5/order/", "/v5/position/", "/v5/account/", "/v5/execution/", "/v5/asset/"),
        rate_limit_code=10006,
        param_error_code=10001,
        ws_login={"op": "auth"},
        ws_login_ok={"op": "auth", "success": True},
        ws_text_ping={"op": "ping"},
        ws_text_pong={"op": "pong"},
        # bybit-v5.md §4.1: order/create, linear/inverse/option, 10 per rolling second per UID.
        paced_route="/v5/order/create",
        paced_limit=10,
        paced_window_s=1.0,
        empty_instruments_body=(
            '{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[],"nextPageCursor":""},'
            '"retExtInfo":{},"time":0}'
        ),
        # §6.5: recent-trade takes category, symbol, baseCoin, optionType, limit; no time range.
        trades_route="/v5/market/recent-trade",
        trades_query_keys=frozenset({"category", "symbol", "baseCoin", "optionType", "limit"}),
        trades_page_max={"spot": 60, "linear": 1000, "inverse": 1000, "option": 1000},
        book_route="/v5/market/orderbook",
        book_depth_param="limit",
        # §6.6: kline takes category, symbol, interval ("1" = 1 minute), start/end ms, limit <= 1000.
        bars_route="/v5/market/kline",
        bars_symbol_param="symbol",
        bars_interval_param="interval",
        bars_one_minute="1",
        bars_start_param="start",
        bars_end_param="end",
        bars_limit_param="limit",
        bars_page_max=1000,
        create_route="/v5/order/create",
        cancel_route="/v5/order/cancel",
        numeric_fields=("qty", "price", "triggerPrice"),
        order_id_fields=("orderId", "orderLinkId"),
    ),
}


def facts_of(dialect: str) -> DialectFacts:
    """The wire facts of ``dialect``.

    Raises:
        KeyError: the suite has no facts for it (the message lists the dialects it knows).
    """
    try:
        return _FACTS[dialect]
    except KeyError:
        raise KeyError(
            f"the conformance suite knows no dialect {dialect!r} (known: {sorted(_FACTS)})"
        ) from None
