"""Signed account routes: coin info, fee rates, key and account info, wallet, positions, settings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from simulator.core import MarginMode, PositionChanged, PositionMode
from simulator.dialects.bybit.auth import READ
from simulator.dialects.bybit.codec.numbers import money, rate

D = Decimal


def _buy(client, symbol: str = "BTCUSDT", qty: str = "0.010", category: str = "linear") -> str:
    body = {"category": category, "symbol": symbol, "side": "Buy", "orderType": "Market", "qty": qty}
    return client.post("/v5/order/create", body).ok()["orderId"]


def test_coin_info_lists_every_coin_with_a_chain(client):
    rows = client.get("/v5/asset/coin/query-info").ok()["rows"]
    assert [r["coin"] for r in rows] == ["BTC", "ETH", "USDC", "USDT"]  # USDC: the demo account holds it
    assert all(r["chains"] and r["chains"][0]["minAccuracy"] for r in rows)
    assert client.get("/v5/asset/coin/query-info").json["retMsg"] == "success"
    assert [r["coin"] for r in client.get("/v5/asset/coin/query-info", "coin=btc").ok()["rows"]] == ["BTC"]
    assert client.get("/v5/asset/coin/query-info", "coin=XRP").ok()["rows"] == []


def test_fee_rate_lists_every_symbol_of_the_category(client, ex):
    listed = client.get("/v5/account/fee-rate", "category=linear").ok()
    assert "category" not in listed  # §6.9: present for spot and option only
    linear = sorted(
        (m.instrument for m in ex.markets.values() if m.instrument.market == "linear"), key=lambda i: i.symbol
    )
    assert listed["list"] == [
        {"symbol": i.symbol, "takerFeeRate": rate(i.taker_fee), "makerFeeRate": rate(i.maker_fee)}
        for i in linear
    ]
    one = client.get("/v5/account/fee-rate", "category=spot&symbol=ETHUSDT").ok()
    assert one == {
        "category": "spot",
        "list": [{"symbol": "ETHUSDT", "takerFeeRate": "0.001", "makerFeeRate": "0.001"}],
    }
    option = client.get("/v5/account/fee-rate", "category=option").ok()["list"]
    assert option == [{"symbol": "", "baseCoin": "BTC", "takerFeeRate": "0.0003", "makerFeeRate": "0.0003"}]
    assert client.get("/v5/account/fee-rate", "category=linear&symbol=NOPE").code == 10001


def test_query_api_describes_the_calling_key(client, api, make_client):
    info = client.get("/v5/user/query-api").ok()
    assert (info["apiKey"], info["uta"], info["unified"], info["readOnly"], info["secret"]) == (
        "VENUEKITDEMOKEY001",
        1,
        0,
        0,
        "",
    )
    api.credentials.add("read-only-key", "read-only-secret", "demo", {READ})
    reader = make_client(api, "read-only-key", "read-only-secret")
    assert reader.get("/v5/user/query-api").ok()["readOnly"] == 1


def test_account_info_reports_the_margin_mode_and_when_it_changed(client, ex):
    before = client.get("/v5/account/info").ok()
    assert (before["unifiedMarginStatus"], before["marginMode"]) == (6, "REGULAR_MARGIN")
    ex.advance(5)
    assert client.post("/v5/account/set-margin-mode", {"setMarginMode": "ISOLATED_MARGIN"}).ok() == {
        "reasons": []
    }
    after = client.get("/v5/account/info").ok()
    assert after["marginMode"] == "ISOLATED_MARGIN"
    assert int(after["updatedTime"]) == int(before["updatedTime"]) + 5000
    assert ex.accounts["demo"].margin_mode is MarginMode.ISOLATED


def test_set_margin_mode_refuses_no_change_and_unknown_modes(client, ex, snapshot):
    before = snapshot(ex)
    same = client.post("/v5/account/set-margin-mode", {"setMarginMode": "REGULAR_MARGIN"})
    assert same.code == 110026
    assert client.post("/v5/account/set-margin-mode", {"setMarginMode": "CROSS"}).code == 10001
    assert client.post("/v5/account/set-margin-mode", {}).code == 10001
    assert snapshot(ex) == before


def test_wallet_balance_equals_the_exchange_balances(client, ex):
    client.post(
        "/v5/order/create",
        {
            "category": "spot",
            "symbol": "BTCUSDT",
            "side": "Buy",
            "orderType": "Limit",
            "qty": "0.01",
            "price": "90000",
        },
    ).ok()
    _buy(client)
    wallet = client.get("/v5/account/wallet-balance", "accountType=UNIFIED").ok()["list"]
    assert len(wallet) == 1 and wallet[0]["accountType"] == "UNIFIED"
    rows = {row["coin"]: row for row in wallet[0]["coin"]}
    balances = {b.coin: b for b in ex.balances("demo") if b.total}
    assert set(rows) == set(balances) == {"BTC", "USDC", "USDT"}
    for coin, balance in balances.items():
        assert rows[coin]["walletBalance"] == money(balance.total)
        assert rows[coin]["locked"] == money(balance.locked)
        assert rows[coin]["totalPositionIM"] == money(balance.position_margin)
    assert rows["USDT"]["locked"] == "900"  # the resting spot buy holds 0.01 x 90000


def test_wallet_balance_by_coin_lists_unheld_coins_as_zero_without_creating_them(client, ex, snapshot):
    before = snapshot(ex)
    rows = client.get("/v5/account/wallet-balance", "accountType=UNIFIED&coin=USDT,XRP").ok()["list"][0][
        "coin"
    ]
    assert [(r["coin"], r["walletBalance"]) for r in rows] == [("USDT", "100000"), ("XRP", "0")]
    assert "XRP" not in ex.accounts["demo"].balances
    assert snapshot(ex) == before


@pytest.mark.parametrize("query", ["", "accountType=CONTRACT", "accountType=unified"])
def test_wallet_balance_needs_the_unified_account_type(client, query):
    answer = client.get("/v5/account/wallet-balance", query)
    assert answer.code == 10001 and "accountType" in answer.msg


def test_positions_list_open_positions_by_settle_coin_with_their_seq(client, ex):
    events: list = []
    ex.subscribe(events.append)
    _buy(client)
    _buy(client, "ETHUSDT", "0.50")
    listed = client.get("/v5/position/list", "category=linear&settleCoin=USDT&limit=200").ok()
    assert listed["nextPageCursor"] == ""
    by_symbol = {p["symbol"]: p for p in listed["list"]}
    assert set(by_symbol) == {"BTCUSDT", "ETHUSDT"}
    view = ex.position("demo", "linear:BTCUSDT")
    assert view is not None
    assert (by_symbol["BTCUSDT"]["side"], by_symbol["BTCUSDT"]["size"]) == ("Buy", "0.010")
    last = [e for e in events if isinstance(e, PositionChanged) and e.position.account_id == "demo"]
    btc_seq = [e.seq for e in last if e.position.instrument_id == "linear:BTCUSDT"][-1]
    assert by_symbol["BTCUSDT"]["seq"] == btc_seq
    # Paging, one at a time.
    first = client.get("/v5/position/list", "category=linear&settleCoin=USDT&limit=1").ok()
    assert [p["symbol"] for p in first["list"]] == ["BTCUSDT"] and first["nextPageCursor"]
    second = client.get(
        "/v5/position/list", f"category=linear&settleCoin=USDT&limit=1&cursor={first['nextPageCursor']}"
    ).ok()
    assert [p["symbol"] for p in second["list"]] == ["ETHUSDT"] and second["nextPageCursor"] == ""


def test_positions_by_symbol_include_a_flat_one(client, ex, snapshot):
    before = snapshot(ex)
    flat = client.get("/v5/position/list", "category=linear&symbol=ETHUSDT").ok()["list"]
    assert [(p["symbol"], p["side"], p["size"], p["positionIdx"]) for p in flat] == [
        ("ETHUSDT", "", "0.00", 0)
    ]
    assert client.get("/v5/position/list", "category=inverse").ok()["list"] == []
    assert snapshot(ex) == before
    ex.set_position_mode("demo", "linear:ETHUSDT", PositionMode.HEDGE)
    hedge = client.get("/v5/position/list", "category=linear&symbol=ETHUSDT").ok()["list"]
    assert [p["positionIdx"] for p in hedge] == [1, 2]


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("category=linear", "symbol or settleCoin is required"),
        ("category=spot&symbol=BTCUSDT", "category 'spot' is not supported"),
        ("category=linear&symbol=XRPUSDT", "Not supported symbols"),
    ],
)
def test_positions_refuse_bad_queries(client, query, fragment):
    answer = client.get("/v5/position/list", query)
    assert answer.code == 10001 and fragment in answer.msg


def test_set_leverage_changes_it_once_then_answers_110043(client, ex, snapshot):
    body = {"category": "linear", "symbol": "BTCUSDT", "buyLeverage": "5", "sellLeverage": "5"}
    assert client.post("/v5/position/set-leverage", body).ok() == {}
    assert ex.accounts["demo"].leverage["linear:BTCUSDT"] == D(5)
    before = snapshot(ex)
    again = client.post("/v5/position/set-leverage", body)
    assert (again.code, again.msg) == (110043, "Set leverage not modified")
    for bad in (
        {**body, "sellLeverage": "6"},
        {**body, "buyLeverage": "1000", "sellLeverage": "1000"},
        {**body, "buyLeverage": "abc", "sellLeverage": "abc"},
        {**body, "category": "spot"},
        {"category": "linear", "symbol": "BTCUSDT"},
    ):
        assert client.post("/v5/position/set-leverage", bad).code == 10001, bad
    assert snapshot(ex) == before


def test_switch_mode_by_symbol_and_by_coin(client, ex, snapshot):
    body = {"category": "linear", "symbol": "BTCUSDT", "mode": 3}
    assert client.post("/v5/position/switch-mode", body).ok() == {}
    assert ex.accounts["demo"].position_mode("linear:BTCUSDT") is PositionMode.HEDGE
    assert client.post("/v5/position/switch-mode", body).code == 110025
    assert (
        client.post("/v5/position/switch-mode", {"category": "linear", "coin": "USDT", "mode": "3"}).ok()
        == {}
    )
    modes = {i: ex.accounts["demo"].position_mode(i) for i in ex.markets if i.startswith("linear:")}
    assert set(modes.values()) == {PositionMode.HEDGE}
    before = snapshot(ex)
    assert client.post("/v5/position/switch-mode", {**body, "mode": 1}).code == 10001
    assert client.post("/v5/position/switch-mode", {"category": "linear", "mode": 0}).code == 10001
    assert snapshot(ex) == before


def test_switch_mode_by_coin_is_all_or_nothing(client, ex, snapshot):
    _buy(client, "ETHUSDT", "0.50")  # an open position locks ETHUSDT's mode
    before = snapshot(ex)
    answer = client.post("/v5/position/switch-mode", {"category": "linear", "coin": "USDT", "mode": 3})
    assert answer.code == 110024
    assert snapshot(ex) == before
    assert all(ex.accounts["demo"].position_mode(i) is PositionMode.ONE_WAY for i in ex.markets)


def test_trading_stop_attaches_take_profit_and_stop_loss(client, ex, snapshot):
    _buy(client)
    body = {
        "category": "linear",
        "symbol": "BTCUSDT",
        "positionIdx": 0,
        "takeProfit": "110000",
        "stopLoss": "90000",
        "tpTriggerBy": "MarkPrice",
        "slTriggerBy": "MarkPrice",
    }
    assert client.post("/v5/position/trading-stop", body).ok() == {}
    listed = client.get("/v5/position/list", "category=linear&symbol=BTCUSDT").ok()["list"][0]
    assert (listed["takeProfit"], listed["stopLoss"]) == ("110000.00", "90000.00")
    stops = [o for o in ex.open_orders("demo") if o.trigger_price is not None]
    assert sorted(o.trigger_price for o in stops) == [D("90000"), D("110000")]
    assert client.post("/v5/position/trading-stop", {**body, "takeProfit": "0", "stopLoss": "0"}).ok() == {}
    assert [o for o in ex.open_orders("demo") if o.trigger_price is not None] == []
    before = snapshot(ex)
    for bad in (
        {**body, "takeProfit": "95000"},  # below the mark for a long
        {**body, "trailingStop": "100"},
        {**body, "tpslMode": "Partial"},
        {**body, "slTriggerBy": "LastPrice"},
        {**body, "symbol": "ETHUSDT"},  # no position there
        {"category": "linear", "symbol": "BTCUSDT"},
    ):
        assert client.post("/v5/position/trading-stop", bad).code == 10001, bad
    assert snapshot(ex) == before
