"""pybit's ``HTTP`` client, unchanged, against the simulator: every answer checked against the venue's state.

pybit is Bybit's official Python SDK. Nothing of it is patched: the session is built as a user
builds it and only its ``endpoint`` is pointed at the simulator (``conftest.py``). Each call runs
in a worker thread while the simulator serves in the test's event loop.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pybit.exceptions import InvalidRequestError
from pybit.unified_trading import HTTP

from simulator.core import OrderStatus, Side
from simulator.core.market import TradeRecord
from simulator.server import Simulator
from simulator.server.journal import AuthVerdict

D = Decimal
#: How long one pybit call may take before the test gives up on it (pybit's own timeout is 5 s).
CALL_DEADLINE_S = 10.0
ACCOUNT = "trader"
LINEAR = "linear:BTCUSDT"
SPOT = "spot:BTCUSDT"
INVERSE = "inverse:BTCUSD"
MS = 1_000_000  # ns per ms
MINUTE_MS = 60_000


async def call(method: Callable[..., Any], **params: Any) -> Any:
    """Run one blocking pybit call in a worker thread while the simulator serves in this loop."""
    return await asyncio.wait_for(asyncio.to_thread(method, **params), CALL_DEADLINE_S)


def symbol(sim: Simulator, ref: str) -> str:
    return sim.exchange.instrument(sim.instrument_id(ref)).symbol


def ret_codes(sim: Simulator, path: str) -> list[int]:
    return [entry.response_json()["retCode"] for entry in sim.journal.http(path)]


# -- market data ---------------------------------------------------------------------------------


async def test_server_time(sim: Simulator, session: HTTP) -> None:
    before = sim.now_ms()
    answer = await call(session.get_server_time)
    after = sim.now_ms()
    assert answer["retCode"] == 0 and answer["retMsg"] == "OK"
    assert before <= answer["time"] <= after
    assert int(answer["result"]["timeSecond"]) == answer["time"] // 1000
    assert int(answer["result"]["timeNano"]) // MS == answer["time"]
    (entry,) = sim.journal.http("/v5/market/time")
    assert entry.auth is AuthVerdict.NONE and entry.status == 200


async def _instrument_pages(session: HTTP, category: str, limit: int | None) -> list[dict[str, Any]]:
    """Every page of instruments-info, following ``nextPageCursor`` until it is empty."""
    pages: list[dict[str, Any]] = []
    cursor = None
    for _ in range(20):
        answer = await call(session.get_instruments_info, category=category, limit=limit, cursor=cursor)
        assert answer["retCode"] == 0 and answer["result"]["category"] == category
        pages.append(answer["result"])
        cursor = answer["result"].get("nextPageCursor")
        if not cursor:
            return pages
    raise AssertionError(f"instruments-info {category}: more than 20 pages")


@pytest.mark.parametrize(
    ("category", "limit", "pages"),
    [("spot", None, 1), ("linear", 1, 2), ("inverse", 1, 1), ("option", 2, 3)],
)
async def test_instruments_info_every_category_and_page(
    sim: Simulator, session: HTTP, category: str, limit: int | None, pages: int
) -> None:
    found = await _instrument_pages(session, category, limit)
    assert len(found) == pages
    items = [item for page in found for item in page["list"]]
    if limit is not None:
        assert all(len(page["list"]) <= limit for page in found)
    if category == "spot":
        assert "nextPageCursor" not in found[0]  # spot instruments-info has no pagination (§2.2)
    symbols = [item["symbol"] for item in items]
    assert len(symbols) == len(set(symbols)), "a page repeated an instrument"
    expected = {iid.partition(":")[2] for iid in sim.exchange.markets if iid.startswith(f"{category}:")}
    assert set(symbols) == expected
    for item in items:
        inst = sim.exchange.instrument(f"{category}:{item['symbol']}")
        assert item["status"] == "Trading"
        assert (item["baseCoin"], item["quoteCoin"]) == (inst.base, inst.quote)
        assert D(item["priceFilter"]["tickSize"]) == inst.tick_size
        lots = item["lotSizeFilter"]
        assert D(lots["basePrecision"] if category == "spot" else lots["qtyStep"]) == inst.lot_size
        assert D(lots["minOrderQty"]) == inst.min_qty and D(lots["maxOrderQty"]) == inst.max_qty
        if category == "option":
            assert inst.expiry_ns is not None and inst.option_kind is not None
            assert int(item["deliveryTime"]) == inst.expiry_ns // MS
            assert item["optionsType"] == inst.option_kind.value.capitalize()


@pytest.mark.parametrize(
    ("category", "ref"),
    [("spot", SPOT), ("linear", LINEAR), ("inverse", INVERSE), ("option", "option:C95")],
)
async def test_tickers(sim: Simulator, session: HTTP, category: str, ref: str) -> None:
    iid = sim.instrument_id(ref)
    answer = await call(session.get_tickers, category=category, symbol=symbol(sim, ref))
    (item,) = answer["result"]["list"]
    market = sim.exchange.market(iid)
    book = sim.exchange.book(iid, 1)
    assert item["symbol"] == market.instrument.symbol
    assert D(item["lastPrice"]) == market.last_price
    assert (D(item["bid1Price"]), D(item["bid1Size"])) == book.bids[0]
    assert (D(item["ask1Price"]), D(item["ask1Size"])) == book.asks[0]
    if category != "spot":
        assert D(item["markPrice"]) == market.mark_price
    if category in ("linear", "inverse"):
        assert D(item["indexPrice"]) == market.index_price
        assert D(item["fundingRate"]) == market.funding_rate


@pytest.mark.parametrize(
    ("category", "ref", "limit"),
    [("spot", SPOT, 5), ("linear", LINEAR, 5), ("inverse", INVERSE, 3), ("option", "option:C95", 25)],
)
async def test_orderbook(sim: Simulator, session: HTTP, category: str, ref: str, limit: int) -> None:
    iid = sim.instrument_id(ref)
    answer = await call(session.get_orderbook, category=category, symbol=symbol(sim, ref), limit=limit)
    result = answer["result"]
    book = sim.exchange.book(iid, limit)
    assert result["s"] == book.instrument.symbol
    assert [(D(p), D(q)) for p, q in result["b"]] == book.bids
    assert [(D(p), D(q)) for p, q in result["a"]] == book.asks
    assert len(result["b"]) == min(limit, 10 if category != "option" else 5)
    assert result["u"] == book.seq


async def test_recent_trades_and_klines(sim: Simulator, session: HTTP) -> None:
    for side, qty in (("Buy", "0.010"), ("Sell", "0.025")):
        placed = await call(
            session.place_order, category="linear", symbol="BTCUSDT", side=side, orderType="Market", qty=qty
        )
        assert placed["retCode"] == 0
    trades = list(sim.exchange.market(LINEAR).trades)
    assert len(trades) >= 2

    answer = await call(session.get_public_trade_history, category="linear", symbol="BTCUSDT", limit=50)
    items = answer["result"]["list"]
    newest_first = list(reversed(trades))[:50]
    assert [item["execId"] for item in items] == [t.trade_id for t in newest_first]
    for item, trade in zip(items, newest_first, strict=True):
        assert (D(item["price"]), D(item["size"])) == (trade.price, trade.qty)
        assert item["side"] == ("Buy" if trade.aggressor is Side.BUY else "Sell")
        assert int(item["time"]) == trade.ts_ns // MS

    answer = await call(session.get_kline, category="linear", symbol="BTCUSDT", interval="1", limit=10)
    rows = {int(row[0]): row for row in answer["result"]["list"]}
    by_minute: dict[int, list[TradeRecord]] = defaultdict(list)
    for trade in trades:
        by_minute[trade.ts_ns // MS // MINUTE_MS * MINUTE_MS].append(trade)
    for start, in_minute in by_minute.items():
        _, open_, high, low, close, volume, turnover = rows[start]
        prices = [t.price for t in in_minute]
        assert (D(open_), D(high), D(low), D(close)) == (prices[0], max(prices), min(prices), prices[-1])
        assert D(volume) == sum(t.qty for t in in_minute)
        assert D(turnover) == sum(t.price * t.qty for t in in_minute)

    market = sim.exchange.market(LINEAR)
    for method, price in (
        (session.get_mark_price_kline, market.mark_price),
        (session.get_index_price_kline, market.index_price),
    ):
        answer = await call(method, category="linear", symbol="BTCUSDT", interval="1", limit=3)
        newest = answer["result"]["list"][0]  # newest first, as the venue sends
        assert D(newest[4]) == price  # its close is the price now


# -- account and positions -----------------------------------------------------------------------


async def test_wallet_balance(sim: Simulator, session: HTTP) -> None:
    answer = await call(session.get_wallet_balance, accountType="UNIFIED")
    (account,) = answer["result"]["list"]
    assert account["accountType"] == "UNIFIED"
    coins = {row["coin"]: row for row in account["coin"]}
    held = {view.coin: view for view in sim.exchange.balances(ACCOUNT) if view.total != 0}
    assert set(coins) == set(held) == {"USDT", "USDC", "BTC"}
    for coin, view in held.items():
        assert D(coins[coin]["walletBalance"]) == view.total
        assert D(coins[coin]["locked"]) == view.locked

    answer = await call(session.get_wallet_balance, accountType="UNIFIED", coin="USDC")
    (row,) = answer["result"]["list"][0]["coin"]
    assert (row["coin"], D(row["walletBalance"])) == ("USDC", sim.exchange.balance(ACCOUNT, "USDC").total)


@pytest.mark.parametrize(
    ("params", "ref", "side"),
    [
        ({"category": "linear", "settleCoin": "USDT"}, LINEAR, "Buy"),
        ({"category": "inverse", "symbol": "BTCUSD"}, INVERSE, "Sell"),
    ],
)
async def test_positions(sim: Simulator, session: HTTP, params: dict[str, str], ref: str, side: str) -> None:
    answer = await call(session.get_positions, **params)
    (item,) = answer["result"]["list"]
    view = sim.exchange.position(ACCOUNT, ref)
    assert view is not None
    assert (item["symbol"], item["side"], item["positionIdx"]) == (view.instrument.symbol, side, 0)
    assert D(item["size"]) == abs(view.size)
    assert D(item["avgPrice"]) == view.entry_price
    assert D(item["leverage"]) == view.leverage
    assert D(item["markPrice"]) == view.mark_price


@pytest.mark.parametrize(("category", "ref"), [("spot", SPOT), ("linear", LINEAR), ("inverse", INVERSE)])
async def test_fee_rate(sim: Simulator, session: HTTP, category: str, ref: str) -> None:
    answer = await call(session.get_fee_rates, category=category, symbol=symbol(sim, ref))
    (item,) = answer["result"]["list"]
    inst = sim.exchange.instrument(sim.instrument_id(ref))
    assert item["symbol"] == inst.symbol
    assert (D(item["makerFeeRate"]), D(item["takerFeeRate"])) == (inst.maker_fee, inst.taker_fee)


# -- orders --------------------------------------------------------------------------------------


async def test_limit_order_open_amend_cancel_and_history(sim: Simulator, session: HTTP) -> None:
    placed = await call(
        session.place_order,
        category="linear",
        symbol="BTCUSDT",
        side="Buy",
        orderType="Limit",
        qty="0.010",
        price="95000",
        orderLinkId="pybit-limit-1",
    )
    order_id = placed["result"]["orderId"]
    assert placed["result"]["orderLinkId"] == "pybit-limit-1"
    view = sim.exchange.order(ACCOUNT, order_id)
    assert (view.status, view.side, view.price, view.qty) == (OrderStatus.NEW, Side.BUY, D(95000), D("0.01"))
    assert view.client_order_id == "pybit-limit-1"

    answer = await call(session.get_open_orders, category="linear", symbol="BTCUSDT")
    (item,) = answer["result"]["list"]
    assert [o.order_id for o in sim.exchange.open_orders(ACCOUNT, LINEAR)] == [order_id]
    assert (item["orderId"], item["orderStatus"], item["side"]) == (order_id, "New", "Buy")
    assert (D(item["price"]), D(item["qty"]), D(item["leavesQty"])) == (view.price, view.qty, view.qty)

    amended = await call(
        session.amend_order, category="linear", symbol="BTCUSDT", orderId=order_id, price="95500", qty="0.02"
    )
    assert amended["result"]["orderId"] == order_id
    view = sim.exchange.order(ACCOUNT, order_id)
    assert (view.status, view.price, view.qty) == (OrderStatus.NEW, D(95500), D("0.02"))

    cancelled = await call(
        session.cancel_order, category="linear", symbol="BTCUSDT", orderLinkId="pybit-limit-1"
    )
    assert cancelled["result"] == {"orderId": order_id, "orderLinkId": "pybit-limit-1"}
    assert sim.exchange.order(ACCOUNT, order_id).status is OrderStatus.CANCELLED
    assert sim.exchange.open_orders(ACCOUNT) == []
    answer = await call(session.get_open_orders, category="linear", symbol="BTCUSDT")
    assert answer["result"]["list"] == []

    answer = await call(session.get_order_history, category="linear", symbol="BTCUSDT")
    (item,) = answer["result"]["list"]
    (closed,) = sim.exchange.order_history(ACCOUNT, LINEAR)
    assert item["orderId"] == closed.order_id == order_id
    assert (item["orderStatus"], D(item["price"]), D(item["qty"])) == ("Cancelled", D(95500), D("0.02"))
    assert D(item["cumExecQty"]) == closed.filled_qty == 0


async def test_market_orders_fill_and_executions_match_the_fills(sim: Simulator, session: HTTP) -> None:
    position_before = sim.exchange.position(ACCOUNT, LINEAR)
    btc_before = sim.exchange.balance(ACCOUNT, "BTC").total
    assert position_before is not None
    linear = await call(
        session.place_order, category="linear", symbol="BTCUSDT", side="Buy", orderType="Market", qty="0.015"
    )
    spot = await call(
        session.place_order, category="spot", symbol="BTCUSDT", side="Sell", orderType="Market", qty="0.001"
    )

    for ref, placed, qty in ((LINEAR, linear, D("0.015")), (SPOT, spot, D("0.001"))):
        order_id = placed["result"]["orderId"]
        view = sim.exchange.order(ACCOUNT, order_id)
        assert (view.status, view.filled_qty) == (OrderStatus.FILLED, qty)
        fills = [f for f in sim.exchange.fills(ACCOUNT, sim.instrument_id(ref)) if f.order_id == order_id]
        assert fills and sum(f.qty for f in fills) == qty
        category = ref.partition(":")[0]
        answer = await call(session.get_executions, category=category, symbol="BTCUSDT")
        items = [item for item in answer["result"]["list"] if item["orderId"] == order_id]
        assert [item["execId"] for item in items] == [f.trade_id for f in fills]
        for item, fill in zip(items, fills, strict=True):
            assert (D(item["execPrice"]), D(item["execQty"])) == (fill.price, fill.qty)
            assert D(item["feeRate"]) == fill.fee_rate
            assert abs(D(item["execFee"]) - fill.fee) < D("1e-8")  # the venue sends 8 decimals
            assert (item["execType"], item["isMaker"], item["orderType"]) == ("Trade", False, "Market")
        answer = await call(session.get_order_history, category=category, orderId=order_id)
        (item,) = answer["result"]["list"]
        assert (item["orderStatus"], D(item["cumExecQty"])) == ("Filled", qty)

    position_after = sim.exchange.position(ACCOUNT, LINEAR)
    assert position_after is not None and position_after.size == position_before.size + D("0.015")
    assert sim.exchange.balance(ACCOUNT, "BTC").total == btc_before - D("0.001")


async def test_cancel_all_cancels_only_the_named_symbol(sim: Simulator, session: HTTP) -> None:
    linear_ids = []
    for price in ("94000", "94500", "95000"):
        placed = await call(
            session.place_order,
            category="linear",
            symbol="BTCUSDT",
            side="Buy",
            orderType="Limit",
            qty="0.005",
            price=price,
        )
        linear_ids.append(placed["result"]["orderId"])
    spot = await call(
        session.place_order,
        category="spot",
        symbol="BTCUSDT",
        side="Buy",
        orderType="Limit",
        qty="0.001",
        price="90000",
    )
    assert len(sim.exchange.open_orders(ACCOUNT)) == 4

    answer = await call(session.cancel_all_orders, category="linear", symbol="BTCUSDT")
    assert {item["orderId"] for item in answer["result"]["list"]} == set(linear_ids)
    assert sim.exchange.open_orders(ACCOUNT, LINEAR) == []
    assert [o.order_id for o in sim.exchange.open_orders(ACCOUNT)] == [spot["result"]["orderId"]]
    assert {sim.exchange.order(ACCOUNT, oid).status for oid in linear_ids} == {OrderStatus.CANCELLED}


async def test_batch_place_and_batch_cancel(sim: Simulator, session: HTTP) -> None:
    call95, put95 = symbol(sim, "option:C95"), symbol(sim, "option:P95")
    placed = await call(
        session.place_batch_order,
        category="option",
        request=[
            {"symbol": call95, "side": "Buy", "orderType": "Limit", "qty": "0.10", "price": "5000",
             "orderLinkId": "batch-1"},
            {"symbol": put95, "side": "Buy", "orderType": "Limit", "qty": "0.20", "price": "500",
             "orderLinkId": "batch-2"},
        ],
    )  # fmt: skip
    assert [x["code"] for x in placed["retExtInfo"]["list"]] == [0, 0]
    results = placed["result"]["list"]
    assert [x["orderLinkId"] for x in results] == ["batch-1", "batch-2"]
    ids = [x["orderId"] for x in results]
    views = [sim.exchange.order(ACCOUNT, oid) for oid in ids]
    assert [(v.instrument.symbol, v.price, v.qty, v.status) for v in views] == [
        (call95, D(5000), D("0.1"), OrderStatus.NEW),
        (put95, D(500), D("0.2"), OrderStatus.NEW),
    ]
    answer = await call(session.get_open_orders, category="option")
    assert {item["orderId"] for item in answer["result"]["list"]} == set(ids)

    cancelled = await call(
        session.cancel_batch_order,
        category="option",
        request=[
            {"symbol": call95, "orderId": ids[0]},
            {"symbol": put95, "orderLinkId": "batch-2"},
            {"symbol": call95, "orderId": "no-such-order"},
        ],
    )
    assert [x["code"] for x in cancelled["retExtInfo"]["list"]] == [0, 0, 110001]
    assert [x["orderId"] for x in cancelled["result"]["list"][:2]] == ids
    assert sim.exchange.open_orders(ACCOUNT) == []
    assert {sim.exchange.order(ACCOUNT, oid).status for oid in ids} == {OrderStatus.CANCELLED}


# -- errors --------------------------------------------------------------------------------------


async def test_unknown_symbol_raises_invalid_request_with_the_venue_code(
    sim: Simulator, session: HTTP
) -> None:
    with pytest.raises(InvalidRequestError) as public:
        await call(session.get_orderbook, category="linear", symbol="NOPEUSDT")
    assert public.value.status_code == 10001
    assert "Not supported symbols" in public.value.message

    with pytest.raises(InvalidRequestError) as signed:
        await call(
            session.place_order, category="linear", symbol="NOPEUSDT", side="Buy", orderType="Market", qty="1"
        )
    assert signed.value.status_code == 10001
    assert sim.exchange.open_orders(ACCOUNT) == [] and sim.exchange.order_history(ACCOUNT) == []
    (entry,) = sim.journal.http("/v5/order/create")
    assert (entry.auth, entry.account_id, entry.status) == (AuthVerdict.OK, ACCOUNT, 200)


async def test_bad_secret_and_unknown_key_raise_the_venue_auth_codes(sim: Simulator, session: HTTP) -> None:
    for key, secret, code in (
        (session.api_key, "not-the-secret", 10004),
        ("NOSUCHKEY", "whatever", 10003),
    ):
        other = HTTP(testnet=False, api_key=key, api_secret=secret, timeout=session.timeout)
        other.endpoint = sim.rest_url
        try:
            with pytest.raises(InvalidRequestError) as info:
                await call(other.get_wallet_balance, accountType="UNIFIED")
        finally:
            other.client.close()
        assert info.value.status_code == code
    assert ret_codes(sim, "/v5/account/wallet-balance") == [10004, 10003]


async def test_rate_limited_call_is_retried_by_pybit_after_the_reset(sim: Simulator, session: HTTP) -> None:
    # The scenario allows one account/info request a second: the second call meets retCode 10006,
    # and pybit sleeps until X-Bapi-Limit-Reset-Timestamp (< 1 s away), then retries and succeeds.
    first = await call(session.get_account_info)
    second = await call(session.get_account_info)
    assert first["retCode"] == second["retCode"] == 0
    entries = sim.journal.http("/v5/account/info")
    codes = ret_codes(sim, "/v5/account/info")
    # Normally [0, 10006, 0]; pybit retries once more if it woke a hair before the reset.
    assert codes[0] == codes[-1] == 0 and set(codes[1:-1]) == {10006}, codes
    refused = entries[1]
    reset_ms = int(refused.response_header("X-Bapi-Limit-Reset-Timestamp") or 0)
    assert refused.response_header("X-Bapi-Limit-Status") == "0"
    assert refused.ts_ns // MS < reset_ms <= entries[-1].ts_ns // MS
