"""Core objects ⇄ Bybit v5 JSON: pure functions returning dicts ready for orjson.

Split by concept:

- :mod:`.numbers`: fixed-decimal strings (prices at tick decimals, sizes at lot decimals,
  money at 8 decimals trimmed), millisecond times;
- :mod:`.mappings`: core enums → Bybit strings, explicit tables that fail loudly
  (:class:`~.mappings.UnmappedValue`);
- :mod:`.instruments`: ``instruments-info`` items per category;
- :mod:`.market`: tickers, order book, recent trades, candles and kline rows, funding history,
  server time;
- :mod:`.orders`: the order object (REST and WS) and executions (REST, WS, fast);
- :mod:`.account`: wallet balance, positions (REST ``avgPrice`` / WS ``entryPrice``), fee
  rates, coin info, account info, API key info;
- :mod:`.results`: REST result shapes (lists, acks, batches) and the success envelope;
- :mod:`.ws`: public topic messages and private push envelopes;
- :mod:`.ws_control`: subscribe acks, pongs and trade-stream responses per socket kind;
- :mod:`.schemas`: the JSON Schemas of every payload and ``validate(name, payload)``;
- :mod:`.fixtures`: generates ``test_data/bybit/`` from a scripted core session.
"""

from __future__ import annotations

from simulator.dialects.bybit.codec.account import (
    account_info,
    coin_info_row,
    fee_rate_items,
    position_rest,
    position_ws,
    query_api,
    usd_prices,
    wallet_account,
)
from simulator.dialects.bybit.codec.instruments import instrument_info
from simulator.dialects.bybit.codec.mappings import UnmappedValue
from simulator.dialects.bybit.codec.market import (
    Candle,
    funding_history_item,
    kline_row,
    orderbook_result,
    price_candles,
    price_kline_row,
    recent_trade_item,
    server_time,
    tick_direction,
    ticker,
    trade_candles,
)
from simulator.dialects.bybit.codec.orders import (
    execution_fast,
    execution_rest,
    execution_ws,
    order_rest,
    order_ws,
)
from simulator.dialects.bybit.codec.results import (
    batch_ext_info,
    batch_item,
    batch_result,
    cancel_all_result,
    fee_rate_result,
    kline_result,
    list_result,
    order_ack,
    rest_envelope,
)
from simulator.dialects.bybit.codec.schemas import PayloadInvalid, rest_schema_name, validate, ws_schema_name
from simulator.dialects.bybit.codec.ws import (
    book_change_levels,
    kline_item,
    kline_message,
    orderbook_message,
    private_message,
    public_trade_item,
    public_trade_message,
    ticker_data,
    ticker_delta,
    ticker_message,
)
from simulator.dialects.bybit.codec.ws_control import (
    NO_REQ_ID,
    pong,
    subscribe_ack,
    trade_header,
    trade_response,
)

__all__ = [
    "NO_REQ_ID",
    "Candle",
    "PayloadInvalid",
    "UnmappedValue",
    "account_info",
    "batch_ext_info",
    "batch_item",
    "batch_result",
    "book_change_levels",
    "cancel_all_result",
    "coin_info_row",
    "execution_fast",
    "execution_rest",
    "execution_ws",
    "fee_rate_items",
    "fee_rate_result",
    "funding_history_item",
    "instrument_info",
    "kline_item",
    "kline_message",
    "kline_result",
    "kline_row",
    "list_result",
    "order_ack",
    "order_rest",
    "order_ws",
    "orderbook_message",
    "orderbook_result",
    "pong",
    "position_rest",
    "position_ws",
    "price_candles",
    "price_kline_row",
    "private_message",
    "public_trade_item",
    "public_trade_message",
    "query_api",
    "recent_trade_item",
    "rest_envelope",
    "rest_schema_name",
    "server_time",
    "subscribe_ack",
    "tick_direction",
    "ticker",
    "ticker_data",
    "ticker_delta",
    "ticker_message",
    "trade_candles",
    "trade_header",
    "trade_response",
    "usd_prices",
    "validate",
    "wallet_account",
    "ws_schema_name",
]
