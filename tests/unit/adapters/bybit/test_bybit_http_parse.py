"""REST parse functions against the test_data/bybit payloads (the simulator's schema examples)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.bybit.common.enums import BybitProductType
from adapters.bybit.common.testing import load_instruments, load_payload, load_result_list
from adapters.bybit.http.errors import classify_response, error_from_ret_code
from adapters.bybit.http.models import (
    BybitExecution,
    BybitFeeRate,
    BybitKline,
    BybitOrder,
    BybitOrderbook,
    BybitPosition,
    BybitTicker,
    BybitTrade,
    BybitWalletBalance,
)
from adapters.bybit.http.parse import (
    parse_bar,
    parse_book_snapshot,
    parse_funding_rate,
    parse_index_price,
    parse_instrument,
    parse_mark_price,
    parse_quote_tick,
    parse_trade_tick,
)
from adapters.bybit.http.parse_execution import (
    parse_account_state,
    parse_fill_report,
    parse_order_status_report,
    parse_position_status_report,
)
from adapters.contract.errors import AuthenticationError, RateLimited, RetryableTransportError, VenueError
from adapters.model.data import BarSpecification, BarType
from adapters.model.enums import (
    AggressorSide,
    BarAggregation,
    BookAction,
    LiquiditySide,
    OptionKind,
    OrderStatus,
    PositionSide,
    PriceType,
    RecordFlag,
)
from adapters.model.identifiers import AccountId
from adapters.model.instruments import CryptoFuture, CryptoOption, CryptoPerpetual, CurrencyPair, Instrument

P = BybitProductType
ACC = AccountId("BYBIT-UNIFIED")


def _inst(symbol: str, product: BybitProductType) -> Instrument:
    return load_instruments()[(symbol, product)]


def test_every_category_parses_into_its_instrument_class() -> None:
    spot = _inst("BTCUSDT", P.SPOT)
    assert isinstance(spot, CurrencyPair)
    assert (str(spot.price_increment), str(spot.size_increment)) == ("0.01", "0.000001")
    assert spot.min_notional is not None and spot.min_notional.value == 5
    perp = _inst("BTCUSDT", P.LINEAR)
    assert isinstance(perp, CryptoPerpetual) and not perp.is_inverse
    assert (perp.price_precision, perp.size_precision) == (2, 3)
    assert str(perp.settlement_currency) == "USDT"
    inverse = _inst("BTCUSD", P.INVERSE)
    assert isinstance(inverse, CryptoPerpetual) and inverse.is_inverse
    assert str(inverse.settlement_currency) == "BTC" and inverse.size_precision == 0
    future = _inst("BTC-27MAR26", P.LINEAR)
    assert isinstance(future, CryptoFuture) and future.expiration_ns > future.activation_ns
    option = _inst("BTC-27MAR26-70000-P-USDT", P.OPTION)
    assert isinstance(option, CryptoOption)
    assert option.option_kind is OptionKind.PUT and option.strike_price.value == 70000
    assert str(option.instrument_id) == "BTC-27MAR26-70000-P-USDT-OPTION.BYBIT"


def test_inverse_empty_min_notional_is_none_and_fees_attach() -> None:
    item = load_result_list("http_get_market_instruments_info_inverse")[0]
    assert item["lotSizeFilter"]["minNotionalValue"] == ""
    fee = BybitFeeRate("BTCUSD", taker_fee_rate="0.00055", maker_fee_rate="0.0002")
    inst = parse_instrument(item, P.INVERSE, 7, fee)
    assert inst.min_notional is None
    assert (inst.maker_fee, inst.taker_fee) == (Decimal("0.0002"), Decimal("0.00055"))
    assert inst.ts_init == 7


def test_recent_trades_become_trade_ticks_with_the_taker_as_aggressor() -> None:
    inst = _inst("BTCUSDT", P.LINEAR)
    trades = BybitTrade.list_from_wire(load_result_list("http_get_market_recent_trade"))
    ticks = [parse_trade_tick(t, inst, 1) for t in trades]
    assert ticks[0].trade_id.value == trades[0].exec_id
    assert str(ticks[0].price) == trades[0].price and str(ticks[0].size) == trades[0].size
    assert {t.aggressor_side for t in ticks} == {AggressorSide.BUYER, AggressorSide.SELLER}
    assert ticks[0].ts_event == int(trades[0].time) * 10**6


@pytest.mark.parametrize("category", ["linear", "inverse", "option", "spot"])
def test_tickers_give_quotes_marks_index_and_funding_where_the_venue_sends_them(category: str) -> None:
    ticker = BybitTicker.from_wire(load_result_list(f"http_get_market_tickers_{category}")[0])
    product = P(category)
    inst = next(i for (s, p), i in load_instruments().items() if p is product and s == ticker.symbol)
    quote = parse_quote_tick(ticker, inst, 5, 6)
    assert quote is not None and quote.bid_price < quote.ask_price
    mark, index = parse_mark_price(ticker, inst, 5, 6), parse_index_price(ticker, inst, 5, 6)
    funding = parse_funding_rate(ticker, inst.instrument_id, 5, 6)
    if category == "spot":
        assert mark is None and index is None and funding is None  # spot tickers carry none of them
    else:
        assert mark is not None and str(mark.value) == ticker.mark_price
        assert index is not None and str(index.value) == ticker.index_price
        assert (funding is not None) == (category != "option")


def test_quote_needs_both_sides() -> None:
    inst = _inst("BTCUSDT", P.LINEAR)
    assert parse_quote_tick(BybitTicker("BTCUSDT", bid1_price="1.00", bid1_size="1.000"), inst, 1, 1) is None


def test_book_snapshot_is_clear_then_adds_with_last_flag() -> None:
    inst = _inst("BTCUSDT", P.LINEAR)
    book = BybitOrderbook.from_wire(load_payload("http_get_market_orderbook")["result"])
    deltas = parse_book_snapshot(book, inst, 1)
    assert deltas.deltas[0].action is BookAction.CLEAR
    assert len(deltas.deltas) == 1 + len(book.b) + len(book.a)
    assert all(d.flags & RecordFlag.F_SNAPSHOT for d in deltas.deltas)
    assert deltas.deltas[-1].is_last and not deltas.deltas[-2].is_last
    assert deltas.sequence == book.u


def test_kline_rows_become_bars_closing_at_start_plus_interval() -> None:
    inst = _inst("BTCUSDT", P.LINEAR)
    rows = load_payload("http_get_market_kline")["result"]["list"]
    bar_type = BarType(inst.instrument_id, BarSpecification(1, BarAggregation.MINUTE, PriceType.LAST))
    bar = parse_bar(BybitKline.from_row(rows[0]), bar_type, inst, 60_000, 1)
    assert bar.ts_event == (int(rows[0][0]) + 60_000) * 10**6
    assert str(bar.open) == rows[0][1] and str(bar.close) == rows[0][4]
    mark_row = load_payload("http_get_market_mark_price_kline")["result"]["list"][0]
    assert len(mark_row) == 5 and BybitKline.from_row(mark_row).volume == "0"


@pytest.mark.parametrize(
    ("fixture", "product"),
    [
        ("http_get_order_realtime", P.LINEAR),
        ("http_get_order_history", P.LINEAR),
        ("http_get_order_realtime_spot", P.SPOT),
        ("http_get_order_history_spot", P.SPOT),
    ],
)
def test_orders_become_status_reports(fixture: str, product: BybitProductType) -> None:
    for item in load_result_list(fixture):
        order = BybitOrder.from_wire(item)
        inst = _inst(order.symbol, product)
        report = parse_order_status_report(order, inst, ACC, 1)
        assert report.venue_order_id.value == order.order_id
        assert (report.client_order_id is None) == (order.order_link_id == "")
        assert str(report.filled_qty.value.normalize()) == str(Decimal(order.cum_exec_qty).normalize())
        assert (report.price is None) == (Decimal(order.price or 0) == 0)
        if order.reject_reason == "EC_PostOnlyWillTakeLiquidity":
            assert report.post_only is False or report.order_status is OrderStatus.CANCELED
            assert report.cancel_reason == "EC_PostOnlyWillTakeLiquidity"
        if order.time_in_force == "PostOnly":
            assert report.post_only


def test_empty_avg_and_trigger_prices_are_none() -> None:
    item = load_result_list("http_get_order_realtime")[0]
    order = BybitOrder.from_wire({**item, "avgPrice": "", "triggerPrice": "", "orderStatus": "New"})
    report = parse_order_status_report(order, _inst(order.symbol, P.LINEAR), ACC, 1)
    assert (
        report.avg_px is None and report.trigger_price is None and report.order_status is OrderStatus.ACCEPTED
    )


@pytest.mark.parametrize(
    ("fixture", "product"), [("http_get_execution_list", P.LINEAR), ("http_get_execution_list_spot", P.SPOT)]
)
def test_executions_become_fill_reports(fixture: str, product: BybitProductType) -> None:
    for item in load_result_list(fixture):
        execution = BybitExecution.from_wire(item)
        inst = _inst(execution.symbol, product)
        fill = parse_fill_report(execution, inst, ACC, 1)
        assert fill.trade_id.value == execution.exec_id
        assert fill.commission.value == Decimal(execution.exec_fee).quantize(fill.commission.value)
        assert fill.liquidity_side is (LiquiditySide.MAKER if execution.is_maker else LiquiditySide.TAKER)


def test_spot_fee_currency_falls_back_to_the_received_asset() -> None:
    item = load_result_list("http_get_execution_list_spot")[0]
    inst = _inst(item["symbol"], P.SPOT)
    buy = parse_fill_report(
        BybitExecution.from_wire({**item, "feeCurrency": "", "side": "Buy"}), inst, ACC, 1
    )
    sell = parse_fill_report(
        BybitExecution.from_wire({**item, "feeCurrency": "", "side": "Sell"}), inst, ACC, 1
    )
    assert isinstance(inst, CurrencyPair)
    assert buy.commission.currency == inst.base_currency
    assert sell.commission.currency == inst.quote_currency


@pytest.mark.parametrize(
    ("fixture", "product"),
    [
        ("http_get_position_list", P.LINEAR),
        ("http_get_position_list_inverse", P.INVERSE),
        ("http_get_position_list_option", P.OPTION),
    ],
)
def test_positions_long_short_and_flat(fixture: str, product: BybitProductType) -> None:
    sides = set()
    for item in load_result_list(fixture):
        position = BybitPosition.from_wire(item)
        key = (position.symbol, product)
        if key not in load_instruments():
            continue
        report = parse_position_status_report(position, load_instruments()[key], ACC, 1)
        sides.add(report.position_side)
        if position.side == "":
            assert report.position_side is PositionSide.FLAT and report.quantity.value == 0
        else:
            assert report.avg_px_open == Decimal(position.avg_price)
    assert sides


def test_wallet_becomes_account_state_with_locked_from_im() -> None:
    wallet = BybitWalletBalance.from_wire(load_result_list("http_get_account_wallet_balance")[0])
    state = parse_account_state(wallet, ACC, 1, 2)
    usdt = next(b for b in state.balances if str(b.currency) == "USDT")
    coin = next(c for c in wallet.coin if c.coin == "USDT")
    assert usdt.total.value == Decimal(coin.wallet_balance)
    expected_locked = Decimal(coin.locked) + Decimal(coin.total_order_im) + Decimal(coin.total_position_im)
    assert usdt.locked.value == expected_locked
    assert usdt.free.value == usdt.total.value - expected_locked
    assert len(state.margins) == len(wallet.coin)


def test_ret_codes_map_onto_the_taxonomy() -> None:
    assert isinstance(error_from_ret_code(10003, "API key is invalid."), AuthenticationError)
    assert isinstance(error_from_ret_code(10004, "error sign!"), AuthenticationError)
    limited = error_from_ret_code(10006, "Too many visits!", reset_ms="1")
    assert isinstance(limited, RateLimited) and limited.retry_after_s == 0
    assert isinstance(error_from_ret_code(10006, "x"), RateLimited)
    assert isinstance(error_from_ret_code(10002, "recv window"), RetryableTransportError)
    assert isinstance(error_from_ret_code(10016, "server error"), RetryableTransportError)
    refused = error_from_ret_code(110001, "order not exists or too late to cancel")
    assert isinstance(refused, VenueError) and refused.code == 110001
    assert refused.message == "order not exists or too late to cancel"


def test_classify_reads_the_envelope_not_the_status() -> None:
    from multidict import CIMultiDict, CIMultiDictProxy

    from adapters.network.http import HttpResponse

    def response(body: bytes, status: int = 200) -> HttpResponse:
        return HttpResponse(status, CIMultiDictProxy(CIMultiDict()), body, "GET", "http://x/v5")

    assert classify_response(response(b'{"retCode":0,"retMsg":"OK","result":{}}')) is None
    assert isinstance(
        classify_response(response(b'{"retCode":10003,"retMsg":"bad"}', 401)), AuthenticationError
    )
    assert isinstance(classify_response(response(b"access too frequent", 403)), RateLimited)
    assert classify_response(response(b"<html>", 502)) is None  # left to the HTTP client's status mapping
