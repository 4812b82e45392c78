"""What the Bybit adapter claims (the conformance suite runs the scenarios that apply).

Every ``not_supported`` entry says why, in words an operator can act on; the execution client
puts these reasons in ``OrderDenied`` when a command asks for one of them.
"""

from __future__ import annotations

from adapters.bybit.common.consts import BATCH_CANCEL_MAX, BATCH_CREATE_MAX
from adapters.contract.capabilities import Capabilities, DataKind, Flag, Product, RequestKind
from adapters.model.enums import OrderType, TimeInForce, TriggerType

__all__ = ["BYBIT_CAPABILITIES", "product_of_instrument_kind"]

BYBIT_CAPABILITIES = Capabilities(
    products=frozenset({Product.SPOT, Product.LINEAR, Product.INVERSE, Product.FUTURE, Product.OPTION}),
    order_types=frozenset(
        {
            OrderType.MARKET,
            OrderType.LIMIT,
            OrderType.STOP_MARKET,
            OrderType.STOP_LIMIT,
            OrderType.MARKET_IF_TOUCHED,
            OrderType.LIMIT_IF_TOUCHED,
        }
    ),
    time_in_force=frozenset({TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK}),
    trigger_types=frozenset({TriggerType.LAST_PRICE, TriggerType.MARK_PRICE, TriggerType.INDEX_PRICE}),
    flags=frozenset({Flag.POST_ONLY, Flag.REDUCE_ONLY, Flag.QUOTE_QUANTITY}),
    data=frozenset(
        {
            DataKind.ORDER_BOOK_DELTAS,
            DataKind.ORDER_BOOK_SNAPSHOTS,
            DataKind.QUOTE_TICKS,
            DataKind.TRADE_TICKS,
            DataKind.MARK_PRICES,
            DataKind.INDEX_PRICES,
            DataKind.FUNDING_RATES,
            DataKind.BARS,
        }
    ),
    requests=frozenset(
        {
            RequestKind.INSTRUMENT,
            RequestKind.INSTRUMENTS,
            RequestKind.TRADE_TICKS,
            RequestKind.BARS,
            RequestKind.ORDER_BOOK_SNAPSHOT,
        }
    ),
    supports_amend=True,
    supports_order_lists=True,
    max_batch_submit=BATCH_CREATE_MAX,
    max_batch_modify=BATCH_CREATE_MAX,
    max_batch_cancel=BATCH_CANCEL_MAX,
    book_depths=frozenset({1, 25, 50, 100, 200, 500, 1000}),
    # order_params: SubmitOrder.params per adapters.bybit.order_params (orderIv, smpType, mmp, BBO).
    # spot_margin: a spot margin loan is reported as a SHORT on the coin's spot pair (PC-07,
    # adapters/bybit/http/parse_borrow.py); placing margin orders (isLeverage=1) is not offered.
    features=frozenset({"instrument_refresh", "order_params", "spot_margin"}),
    not_supported={
        "dead_mans_switch": "Bybit v5 has no cancel-all-after heartbeat: its disconnection protection "
        "(DCP) is an account-level window the venue applies itself when the connection drops",
        "spreads": "Bybit's spread trading is a separate API (/v5/spread/*) outside the v5 categories "
        "this adapter and the reference venue cover",
        "event_contracts": "Bybit lists no event (binary) contracts",
        "order_type:TRAILING_STOP_MARKET": "Bybit sets trailing stops on positions, not as orders",
        "order_type:TRAILING_STOP_LIMIT": "Bybit has no trailing stop-limit orders",
        "order_type:MARKET_TO_LIMIT": "Bybit has no market-to-limit orders",
        "time_in_force:GTD": "Bybit orders have no expiry time (GTC, IOC, FOK, PostOnly only)",
        "time_in_force:DAY": "Bybit has no DAY orders (GTC, IOC, FOK, PostOnly only)",
        "time_in_force:AT_THE_OPEN": "Bybit trades around the clock: no opening auction",
        "time_in_force:AT_THE_CLOSE": "Bybit trades around the clock: no closing auction",
        "trigger_type:BID_ASK": "Bybit triggers on last, mark or index price only",
        "flag:DISPLAY_QTY": "Bybit has no iceberg (display quantity) orders",
        "SPOT/flag:REDUCE_ONLY": "spot has no positions to reduce",
        # §6.13: marketUnit=quoteCoin exists for spot market orders only; contracts are sized in
        # contracts (linear: base coin, inverse: USD) and options in base coin.
        "LINEAR/flag:QUOTE_QUANTITY": "Bybit takes quote quantity (marketUnit=quoteCoin) on spot market "
        "orders only; size linear orders in the base coin",
        "INVERSE/flag:QUOTE_QUANTITY": "Bybit takes quote quantity (marketUnit=quoteCoin) on spot market "
        "orders only; inverse orders are sized in USD contracts",
        "FUTURE/flag:QUOTE_QUANTITY": "Bybit takes quote quantity (marketUnit=quoteCoin) on spot market "
        "orders only; size futures orders in contracts",
        "OPTION/flag:QUOTE_QUANTITY": "Bybit takes quote quantity (marketUnit=quoteCoin) on spot market "
        "orders only; size option orders in the base coin",
        "OPTION/order_type:MARKET": "Bybit options take limit orders only",
        "OPTION/order_type:STOP_MARKET": "Bybit options have no conditional orders",
        "OPTION/order_type:STOP_LIMIT": "Bybit options have no conditional orders",
        "OPTION/order_type:MARKET_IF_TOUCHED": "Bybit options have no conditional orders",
        "OPTION/order_type:LIMIT_IF_TOUCHED": "Bybit options have no conditional orders",
        "data:INSTRUMENTS": "Bybit has no instrument stream; use request_instruments",
        "data:INSTRUMENT_STATUS": "Bybit has no instrument status stream",
        "data:INSTRUMENT_CLOSE": "Bybit has no instrument close stream",
        "request:QUOTE_TICKS": "Bybit keeps no historical quotes",
        "history_paging": "Bybit's recent-trade has no cursor or time range: trade history is the one "
        "page of latest trades the venue serves (1000 linear/inverse/option, 60 spot)",
        "SPOT/data:MARK_PRICES": "spot tickers carry no mark price",
        "SPOT/data:INDEX_PRICES": "spot tickers carry no index price",
        "SPOT/data:FUNDING_RATES": "spot has no funding",
        "OPTION/data:FUNDING_RATES": "options have no funding",
        "OPTION/data:BARS": "Bybit has no option klines",
        "OPTION/request:BARS": "Bybit has no option klines",
    },
)
"""The Bybit reference adapter's declaration."""


def product_of_instrument_kind(kind: str, is_inverse: bool) -> Product:
    """Map an instrument class name (and inverse flag) to the capability product."""
    match kind:
        case "CurrencyPair":
            return Product.SPOT
        case "CryptoPerpetual":
            return Product.INVERSE if is_inverse else Product.LINEAR
        case "CryptoFuture":
            return Product.FUTURE
        case "CryptoOption":
            return Product.OPTION
        case _:
            raise ValueError(f"not a Bybit instrument class: {kind}")
