"""Bybit venue constants, each citing where it comes from.

Sources: ``shared/reference/bybit-v5.md`` (the wire reference the simulator and this adapter share),
sections named next to each constant; they mirror Bybit's own v5 API documentation.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "BATCH_CANCEL_MAX",
    "BATCH_CREATE_MAX",
    "BYBIT",
    "BYBIT_API_KEY_ENV",
    "BYBIT_API_SECRET_ENV",
    "DEFAULT_RECV_WINDOW_MS",
    "DEFAULT_WS_AUTH_TIMEOUT_S",
    "DEFAULT_WS_PING_INTERVAL_S",
    "DEFAULT_WS_RECONNECT_DELAY_S",
    "EXECUTION_LIST_MAX_LIMIT",
    "INSTRUMENTS_INFO_MAX_LIMIT",
    "KLINE_MAX_LIMIT",
    "ORDERBOOK_DEPTHS",
    "ORDER_HISTORY_MAX_LIMIT",
    "ORDER_LINK_ID_CHARSET",
    "ORDER_LINK_ID_MAX_LEN",
    "POSITION_LIST_MAX_LIMIT",
    "RECENT_TRADE_MAX_LIMIT",
    "SPOT_BATCH_MAX",
    "WS_AUTH_EXPIRES_MS",
    "WS_SUBSCRIBE_CHUNK",
]

#: The venue name used in every InstrumentId (``BTCUSDT-LINEAR.BYBIT``).
BYBIT: Final = "BYBIT"

#: Environment variables the config falls back to for credentials.
BYBIT_API_KEY_ENV: Final = "BYBIT_API_KEY"
BYBIT_API_SECRET_ENV: Final = "BYBIT_API_SECRET"

#: §3.1: ``X-BAPI-RECV-WINDOW`` default is 5000 ms.
DEFAULT_RECV_WINDOW_MS: Final = 5000

#: §7.3 / §7.8: clients ping every 18-20 s; Bybit drops idle sockets after ~10 minutes.
DEFAULT_WS_PING_INTERVAL_S: Final = 20.0

#: How long a WS login waits for its ack (§7.2 acks come back within milliseconds; 5 s covers a
#: slow link without leaving a dead connection unnoticed for long).
DEFAULT_WS_AUTH_TIMEOUT_S: Final = 5.0

#: The wait before a dropped socket's first reconnect attempt (the toolkit's default backoff).
DEFAULT_WS_RECONNECT_DELAY_S: Final = 0.25

#: §7.2: ``expires`` must be in the future; pybit adds 1000 ms, we leave more slack for slow links.
WS_AUTH_EXPIRES_MS: Final = 10_000

#: §7.8: spot accepts at most 10 topics per subscribe request; we chunk every category the same way.
WS_SUBSCRIBE_CHUNK: Final = 10

#: §6.17: at most 20 items per batch request on linear/inverse/option, 10 on spot.
BATCH_CREATE_MAX: Final = 20
BATCH_CANCEL_MAX: Final = 20
SPOT_BATCH_MAX: Final = 10

#: §6.13: ``orderLinkId`` is at most 36 characters of ``[A-Za-z0-9_-]`` (Bybit's v5 "Place Order"
#: docs say the same: "max 36 characters ... numbers, letters (upper and lower cases), dashes, and
#: underscores"). Longer or other ids are refused by the venue, so the adapter denies them first.
ORDER_LINK_ID_MAX_LEN: Final = 36
ORDER_LINK_ID_CHARSET: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")

#: §6.2: instruments-info ``limit`` is 1-1000.
INSTRUMENTS_INFO_MAX_LIMIT: Final = 1000
#: §6.5: recent-trade ``limit`` is 1-60 on spot, 1-1000 elsewhere.
RECENT_TRADE_MAX_LIMIT: Final = {"spot": 60, "linear": 1000, "inverse": 1000, "option": 1000}
#: §6.6: kline ``limit`` is 1-1000.
KLINE_MAX_LIMIT: Final = 1000
#: §6.18: order realtime/history ``limit`` is 1-50.
ORDER_HISTORY_MAX_LIMIT: Final = 50
#: §6.19: execution/list ``limit`` is 1-100.
EXECUTION_LIST_MAX_LIMIT: Final = 100
#: §6.12: position/list ``limit`` is 1-200.
POSITION_LIST_MAX_LIMIT: Final = 200

#: §7.5 "Order book depths": documented depths per category (500 also accepted on linear/inverse).
ORDERBOOK_DEPTHS: Final = {
    "spot": (1, 50, 200, 1000),
    "linear": (1, 50, 200, 500, 1000),
    "inverse": (1, 50, 200, 500, 1000),
    "option": (25, 100),
}
