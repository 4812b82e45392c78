"""Bybit REST payloads → the normalized model: instruments and market data.

Prices and sizes are built at the instrument's precision (``Price(value, precision)``), so a
venue string with more decimals than the instrument allows fails loudly as a
:class:`~adapters.model.errors.PrecisionError` instead of being rounded. Order, fill, position and
account parsing lives in :mod:`adapters.bybit.http.parse_execution`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters.bybit.common.enums import BybitContractType, BybitProductType
from adapters.bybit.common.mappings import (
    aggressor_from_bybit,
    make_instrument_id,
    option_kind_from_bybit,
)
from adapters.bybit.common.parse import decimal_or_none, ms_to_ns, precision_of, str_ms_to_ns
from adapters.bybit.http.models import (
    BybitFeeRate,
    BybitFundingRate,
    BybitInstrumentLinear,
    BybitInstrumentOption,
    BybitInstrumentSpot,
    BybitKline,
    BybitOrderbook,
    BybitTicker,
    BybitTrade,
)
from adapters.contract.errors import FatalAdapterError
from adapters.model.data import (
    Bar,
    BarType,
    BookOrder,
    FundingRateUpdate,
    IndexPriceUpdate,
    MarkPriceUpdate,
    OrderBookDelta,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from adapters.model.enums import BookAction, OrderSide, RecordFlag
from adapters.model.identifiers import InstrumentId, Symbol, TradeId
from adapters.model.instruments import (
    CryptoFuture,
    CryptoOption,
    CryptoPerpetual,
    CurrencyPair,
    Instrument,
)
from adapters.model.objects import Currency, Money, Price, Quantity

__all__ = [
    "parse_bar",
    "parse_book_snapshot",
    "parse_funding_history",
    "parse_funding_rate",
    "parse_index_price",
    "parse_instrument",
    "parse_mark_price",
    "parse_quote_tick",
    "parse_trade_tick",
]


def _qty(value: str, precision: int) -> Quantity | None:
    dec = decimal_or_none(value)
    return None if dec is None else Quantity(dec, precision)


def _money(value: str, currency: Currency) -> Money | None:
    dec = decimal_or_none(value)
    if dec is None or dec == 0:
        return None
    return Money(dec.quantize(Decimal(1).scaleb(-currency.precision)), currency)


def _fees(fee: BybitFeeRate | None) -> dict[str, Decimal]:
    if fee is None:
        return {}
    return {"maker_fee": Decimal(fee.maker_fee_rate), "taker_fee": Decimal(fee.taker_fee_rate)}


def _common(symbol: str, product: BybitProductType, tick: str, step: str, ts_init: int) -> dict[str, Any]:
    price_precision, size_precision = precision_of(tick), precision_of(step)
    return {
        "instrument_id": make_instrument_id(symbol, product),
        "raw_symbol": Symbol(symbol),
        "price_precision": price_precision,
        "size_precision": size_precision,
        "price_increment": Price(tick, price_precision),
        "size_increment": Quantity(step, size_precision),
        "ts_event": ts_init,
        "ts_init": ts_init,
    }


def parse_instrument(
    item: dict[str, Any], product: BybitProductType, ts_init: int, fee: BybitFeeRate | None = None
) -> Instrument:
    """One ``instruments-info`` item → the right instrument class.

    spot → CurrencyPair; ``*Perpetual`` → CryptoPerpetual (inverse flag from the contract type);
    ``*Futures`` → CryptoFuture; option → CryptoOption (strike and kind from symbol and
    ``optionsType``). Precisions are the decimals written in ``tickSize`` and ``qtyStep``
    (``basePrecision`` on spot), as the venue formats its numbers with them (§6.2).

    Args:
        item: the raw JSON object.
        product: the category it was loaded from.
        ts_init: when the adapter built it (ns).
        fee: the account's fee rates for it, if known.

    Raises:
        FatalAdapterError: a required key is missing or a value is malformed.
    """
    match product:
        case BybitProductType.SPOT:
            return _parse_spot(BybitInstrumentSpot.from_wire(item), ts_init, fee)
        case BybitProductType.LINEAR | BybitProductType.INVERSE:
            return _parse_contract(BybitInstrumentLinear.from_wire(item), product, ts_init, fee)
        case BybitProductType.OPTION:
            return _parse_option(BybitInstrumentOption.from_wire(item), ts_init, fee)


def _parse_spot(inst: BybitInstrumentSpot, ts_init: int, fee: BybitFeeRate | None) -> CurrencyPair:
    lot = inst.lot_size_filter
    common = _common(
        inst.symbol, BybitProductType.SPOT, inst.price_filter.tick_size, lot.base_precision, ts_init
    )
    quote = Currency.from_str(inst.quote_coin)
    size_precision = common["size_precision"]
    return CurrencyPair(
        **common,
        base_currency=Currency.from_str(inst.base_coin),
        quote_currency=quote,
        min_quantity=_qty(lot.min_order_qty, size_precision),
        max_quantity=_qty(lot.max_order_qty, size_precision),
        min_notional=_money(lot.min_order_amt, quote),
        max_notional=_money(lot.max_order_amt, quote),
        **_fees(fee),
    )


def _parse_contract(
    inst: BybitInstrumentLinear, product: BybitProductType, ts_init: int, fee: BybitFeeRate | None
) -> CryptoPerpetual | CryptoFuture:
    lot, prices = inst.lot_size_filter, inst.price_filter
    common = _common(inst.symbol, product, prices.tick_size, lot.qty_step, ts_init)
    pp, sp = common["price_precision"], common["size_precision"]
    quote = Currency.from_str(inst.quote_coin)
    kind = BybitContractType(inst.contract_type)
    inverse = kind in (BybitContractType.INVERSE_PERPETUAL, BybitContractType.INVERSE_FUTURES)
    fields: dict[str, Any] = {
        **common,
        "quote_currency": quote,
        "settlement_currency": Currency.from_str(inst.settle_coin),
        "is_inverse": inverse,
        "min_quantity": _qty(lot.min_order_qty, sp),
        "max_quantity": _qty(lot.max_order_qty, sp),
        "min_notional": _money(lot.min_notional_value, quote),
        "min_price": Price(prices.min_price, pp) if prices.min_price else None,
        "max_price": Price(prices.max_price, pp) if prices.max_price else None,
        **_fees(fee),
    }
    match kind:
        case BybitContractType.LINEAR_PERPETUAL | BybitContractType.INVERSE_PERPETUAL:
            return CryptoPerpetual(base_currency=Currency.from_str(inst.base_coin), **fields)
        case BybitContractType.LINEAR_FUTURES | BybitContractType.INVERSE_FUTURES:
            return CryptoFuture(
                underlying=Currency.from_str(inst.base_coin),
                activation_ns=str_ms_to_ns(inst.launch_time),
                expiration_ns=str_ms_to_ns(inst.delivery_time),
                **fields,
            )


def _parse_option(inst: BybitInstrumentOption, ts_init: int, fee: BybitFeeRate | None) -> CryptoOption:
    lot, prices = inst.lot_size_filter, inst.price_filter
    common = _common(inst.symbol, BybitProductType.OPTION, prices.tick_size, lot.qty_step, ts_init)
    pp, sp = common["price_precision"], common["size_precision"]
    parts = inst.symbol.split("-")
    if len(parts) < 4:
        raise FatalAdapterError(f"Bybit option symbol {inst.symbol!r} is not BASE-DDMMMYY-STRIKE-C|P[-QUOTE]")
    strike = Decimal(parts[2])
    return CryptoOption(
        **common,
        underlying=Currency.from_str(inst.base_coin),
        quote_currency=Currency.from_str(inst.quote_coin),
        settlement_currency=Currency.from_str(inst.settle_coin),
        is_inverse=False,
        option_kind=option_kind_from_bybit(inst.options_type),
        strike_price=Price(strike, max(pp, precision_of(parts[2]))),
        activation_ns=str_ms_to_ns(inst.launch_time),
        expiration_ns=str_ms_to_ns(inst.delivery_time),
        min_quantity=_qty(lot.min_order_qty, sp),
        max_quantity=_qty(lot.max_order_qty, sp),
        min_price=Price(prices.min_price, pp) if prices.min_price else None,
        max_price=Price(prices.max_price, pp) if prices.max_price else None,
        **_fees(fee),
    )


# --------------------------------------------------------------------------- market data


def parse_trade_tick(trade: BybitTrade, instrument: Instrument, ts_init: int) -> TradeTick:
    """A ``recent-trade`` item → TradeTick (the venue's ``side`` is the taker's, i.e. the aggressor)."""
    return TradeTick(
        instrument.instrument_id,
        Price(trade.price, instrument.price_precision),
        Quantity(trade.size, instrument.size_precision),
        aggressor_from_bybit(trade.side),
        TradeId(trade.exec_id),
        str_ms_to_ns(trade.time),
        ts_init,
    )


def parse_quote_tick(
    ticker: BybitTicker, instrument: Instrument, ts_event: int, ts_init: int
) -> QuoteTick | None:
    """A ticker with both sides of the book → QuoteTick; ``None`` when a side is missing (spot, deltas)."""
    bid, bid_size, ask, ask_size = ticker.best_bid_ask()
    if not (bid and ask and bid_size and ask_size):
        return None
    pp, sp = instrument.price_precision, instrument.size_precision
    return QuoteTick(
        instrument.instrument_id,
        Price(bid, pp),
        Price(ask, pp),
        Quantity(bid_size, sp),
        Quantity(ask_size, sp),
        ts_event,
        ts_init,
    )


def parse_mark_price(
    ticker: BybitTicker, instrument: Instrument, ts_event: int, ts_init: int
) -> MarkPriceUpdate | None:
    """A ticker's ``markPrice`` → MarkPriceUpdate, or ``None`` when absent."""
    if not ticker.mark_price:
        return None
    value = Decimal(ticker.mark_price)
    return MarkPriceUpdate(instrument.instrument_id, Price(value, _places(value)), ts_event, ts_init)


def parse_index_price(
    ticker: BybitTicker, instrument: Instrument, ts_event: int, ts_init: int
) -> IndexPriceUpdate | None:
    """A ticker's ``indexPrice`` → IndexPriceUpdate, or ``None`` when absent."""
    if not ticker.index_price:
        return None
    value = Decimal(ticker.index_price)
    return IndexPriceUpdate(instrument.instrument_id, Price(value, _places(value)), ts_event, ts_init)


def _places(value: Decimal) -> int:
    # Mark/index prices carry more decimals than the tick (e.g. option marks): keep them as sent.
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_funding_rate(
    ticker: BybitTicker, instrument_id: InstrumentId, ts_event: int, ts_init: int
) -> FundingRateUpdate | None:
    """A ticker's ``fundingRate`` (+ ``nextFundingTime``) → FundingRateUpdate, or ``None`` when absent."""
    if not ticker.funding_rate:
        return None
    next_ns = str_ms_to_ns(ticker.next_funding_time) or None
    return FundingRateUpdate(
        instrument_id, Decimal(ticker.funding_rate), ts_event, ts_init, next_funding_ns=next_ns
    )


def parse_funding_history(
    item: BybitFundingRate, instrument_id: InstrumentId, ts_init: int
) -> FundingRateUpdate:
    """A ``funding/history`` item → FundingRateUpdate stamped at the funding time."""
    return FundingRateUpdate(
        instrument_id, Decimal(item.funding_rate), str_ms_to_ns(item.funding_rate_timestamp), ts_init
    )


def parse_bar(
    kline: BybitKline, bar_type: BarType, instrument: Instrument, interval_ms: int, ts_init: int
) -> Bar:
    """A kline row → Bar stamped at its close (``start + interval``), as the venue's bars close."""
    pp = instrument.price_precision
    volume = Decimal(kline.volume)
    return Bar(
        bar_type,
        Price(kline.open, pp),
        Price(kline.high, pp),
        Price(kline.low, pp),
        Price(kline.close, pp),
        Quantity(volume, max(instrument.size_precision, _places(volume))),
        ms_to_ns(int(kline.start) + interval_ms),
        ts_init,
    )


def parse_book_snapshot(book: BybitOrderbook, instrument: Instrument, ts_init: int) -> OrderBookDeltas:
    """A REST order book → a snapshot OrderBookDeltas: CLEAR, then every level, the last with F_LAST."""
    iid = instrument.instrument_id
    pp, sp = instrument.price_precision, instrument.size_precision
    ts_event = ms_to_ns(book.ts)
    snap = RecordFlag.F_SNAPSHOT
    deltas = [OrderBookDelta.clear(iid, book.u, ts_event, ts_init, snap)]
    for side, levels in ((OrderSide.BUY, book.b), (OrderSide.SELL, book.a)):
        for price, size in levels:
            order = BookOrder(side, Price(price, pp), Quantity(size, sp))
            deltas.append(OrderBookDelta(iid, BookAction.ADD, order, snap, book.u, ts_event, ts_init))
    last = deltas[-1]
    deltas[-1] = OrderBookDelta(
        iid, last.action, last.order, snap | RecordFlag.F_LAST, last.sequence, ts_event, ts_init
    )
    return OrderBookDeltas(iid, tuple(deltas))
