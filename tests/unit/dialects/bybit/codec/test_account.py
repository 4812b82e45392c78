"""Wallet balance, positions, fee rates, coin info, account info, API key info."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from simulator.core import NS_PER_S, BalanceView, MarginMode, NewOrder, OrderType, Side
from simulator.dialects.bybit.codec import account

D = Decimal

# The reference's examples, verbatim (§6.12, §7.6, §6.11).
REST_POSITION = json.loads(
    '{"positionIdx":0,"riskId":1,"riskLimitValue":"2000000","symbol":"BTCUSDT","side":"Buy","size":"0.010",'
    '"avgPrice":"30000.1","positionValue":"300.001","tradeMode":0,"positionStatus":"Normal","autoAddMargin":0,'
    '"adlRankIndicator":2,"leverage":"10","breakEvenPrice":"30033.11","positionBalance":"30.0001",'
    '"markPrice":"30000.55","liqPrice":"27150.20","bustPrice":"","positionMM":"1.650","positionMMByMp":"1.650",'
    '"positionIM":"30.165","positionIMByMp":"30.165","tpslMode":"Full","takeProfit":"0","stopLoss":"0",'
    '"trailingStop":"0","unrealisedPnl":"0.0045","curRealisedPnl":"-0.165","cumRealisedPnl":"-0.165",'
    '"seq":4688002127,"isReduceOnly":false,"mmrSysUpdatedTime":"","leverageSysUpdatedTime":"",'
    '"sessionAvgPrice":"","createdTime":"1676538056258","updatedTime":"1697673600012"}'
)
WS_POSITION = json.loads(
    '{"positionIdx":0,"tradeMode":0,"riskId":1,"riskLimitValue":"2000000","symbol":"BTCUSDT","side":"Buy",'
    '"size":"0.010","entryPrice":"30000.1","leverage":"10","breakEvenPrice":"30033.11","positionValue":"300.001",'
    '"positionBalance":"0","markPrice":"30000.55","positionIM":"30.165","positionIMByMp":"30.165",'
    '"positionMM":"1.650","positionMMByMp":"1.650","takeProfit":"0","stopLoss":"0","trailingStop":"0",'
    '"unrealisedPnl":"0.0045","curRealisedPnl":"-0.165","cumRealisedPnl":"-0.165","sessionAvgPrice":"0",'
    '"createdTime":"1694402496913","updatedTime":"1697682317038","tpslMode":"Full","liqPrice":"27150.20",'
    '"bustPrice":"","category":"linear","positionStatus":"Normal","adlRankIndicator":2,"autoAddMargin":0,'
    '"leverageSysUpdatedTime":"","mmrSysUpdatedTime":"","seq":8327597863,"isReduceOnly":false}'
)
WALLET = json.loads(
    '{"totalEquity":"10000.00","accountIMRate":"0","accountIMRateByMp":"0","totalMarginBalance":"10000.00",'
    '"totalInitialMargin":"0","totalInitialMarginByMp":"0","accountType":"UNIFIED",'
    '"totalAvailableBalance":"10000.00","accountMMRate":"0","accountMMRateByMp":"0","totalPerpUPL":"0",'
    '"totalWalletBalance":"10000.00","accountLTV":"0","totalMaintenanceMargin":"0",'
    '"totalMaintenanceMarginByMp":"0","coin":[{"availableToBorrow":"","bonus":"0","accruedInterest":"0",'
    '"availableToWithdraw":"","totalOrderIM":"0","equity":"10000","totalPositionMM":"0","usdValue":"10000",'
    '"spotHedgingQty":"0","unrealisedPnl":"0","collateralSwitch":true,"borrowAmount":"0","totalPositionIM":"0",'
    '"walletBalance":"10000","cumRealisedPnl":"0","locked":"0","marginCollateral":true,"coin":"USDT",'
    '"spotBorrow":"0"}]}'
)
POSITION_INTS = {"positionIdx", "riskId", "tradeMode", "autoAddMargin", "adlRankIndicator", "seq"}


def test_rest_position_key_set_and_order_match_the_reference(position_view) -> None:
    payload = account.position_rest(position_view(), seq=4688002127)
    assert list(payload) == list(REST_POSITION)
    for key, value in payload.items():
        expected_type = int if key in POSITION_INTS else bool if key == "isReduceOnly" else str
        assert type(value) is expected_type, key


def test_rest_position_values(position_view) -> None:
    payload = account.position_rest(position_view(), seq=7)
    # The fields the core has a source for, as the reference example shows them.
    assert {k: payload[k] for k in ("side", "size", "positionValue", "leverage", "markPrice")} == {
        "side": "Buy",
        "size": "0.010",
        "positionValue": "300.001",
        "leverage": "10",
        "markPrice": "30000.55",
    }
    assert payload["avgPrice"] == "30000.10"  # at the tick's two decimals (rule 13)
    assert payload["positionBalance"] == "30.0001"
    assert payload["unrealisedPnl"] == "0.0045"
    assert payload["cumRealisedPnl"] == payload["curRealisedPnl"] == "-0.165"  # fees count as realized
    assert (payload["takeProfit"], payload["stopLoss"], payload["trailingStop"]) == ("0", "0", "0")
    assert payload["seq"] == 7


def test_ws_position_uses_entry_price_and_category(position_view) -> None:
    payload = account.position_ws(position_view(), seq=8327597863)
    assert set(payload) == set(WS_POSITION)
    assert "avgPrice" not in payload
    assert payload["entryPrice"] == "30000.10"
    assert payload["category"] == "linear"
    assert payload["sessionAvgPrice"] == "0"
    assert tuple(payload) == account.POSITION_WS_KEYS


@pytest.mark.parametrize(
    ("size", "side", "wire_size", "adl"),
    [(D("0.010"), "Buy", "0.010", 2), (D("-0.250"), "Sell", "0.250", 2), (D("0"), "", "0.000", 0)],
)
def test_position_sides(position_view, size, side, wire_size, adl) -> None:
    """Rule 21: flat is side "" (never "None"), and size is always positive."""
    payload = account.position_rest(position_view(size=size), seq=1)
    assert (payload["side"], payload["size"], payload["adlRankIndicator"]) == (side, wire_size, adl)
    if not size:
        assert payload["avgPrice"] == "0"


def test_position_tp_sl_and_funding(position_view) -> None:
    view = position_view(
        take_profit=D("35000"),
        stop_loss=D("25000.5"),
        realized_pnl=D("12.5"),
        fees_paid=D("0.5"),
        funding=D("-0.25"),
    )
    payload = account.position_ws(view, seq=1)
    assert (payload["takeProfit"], payload["stopLoss"]) == ("35000.00", "25000.50")
    assert payload["cumRealisedPnl"] == "11.75"


def test_inverse_position(position_view) -> None:
    view = position_view("inverse", size=D("-3000"), entry_price=D("30000"), mark_price=D("31000.5"))
    payload = account.position_rest(view, seq=1)
    assert (payload["side"], payload["size"], payload["avgPrice"], payload["positionValue"]) == (
        "Sell",
        "3000",
        "30000.00",
        "0.1",
    )


def test_option_position_mark_is_fine_grained(position_view) -> None:
    view = position_view("option", size=D("0.10"), entry_price=D("1190"), mark_price=D("1193.157"))
    assert account.position_rest(view, seq=1)["markPrice"] == "1193.157"


# -- wallet --------------------------------------------------------------------------------------


def _balance(coin: str, total: str, **fields: str) -> BalanceView:
    values = {
        "locked": "0",
        "order_margin": "0",
        "position_margin": "0",
        "unrealized_pnl": "0",
        "available": total,
    }
    values.update(fields)
    return BalanceView(
        "alice",
        coin,
        D(total),
        D(values["locked"]),
        D(values["order_margin"]),
        D(values["position_margin"]),
        D(values["unrealized_pnl"]),
        D(values["available"]),
    )


def test_wallet_reproduces_the_reference_example() -> None:
    payload = account.wallet_account([_balance("USDT", "10000")], [], {"USDT": D(1)})
    expected = dict(WALLET)
    for key in ("totalEquity", "totalMarginBalance", "totalAvailableBalance", "totalWalletBalance"):
        expected[key] = "10000"  # money is trimmed ("10000", as the coin rows show it)
    assert payload == expected
    assert tuple(payload) == account.WALLET_ACCOUNT_KEYS
    assert tuple(payload["coin"][0]) == account.WALLET_COIN_KEYS


def test_wallet_totals_are_usd_sums(position_view) -> None:
    balances = [
        _balance(
            "USDT",
            "10000",
            order_margin="100",
            position_margin="30.0001",
            unrealized_pnl="0.0045",
            available="9869.9999",
            locked="0",
        ),
        _balance("BTC", "0.5", locked="0.1", available="0.4"),
    ]
    payload = account.wallet_account(balances, [position_view()], {"USDT": D(1), "BTC": D("30000")})
    assert payload["totalWalletBalance"] == "25000"
    assert payload["totalPerpUPL"] == "0.0045"
    assert payload["totalEquity"] == "25000.0045"
    assert payload["totalMarginBalance"] == "25000.0045"
    assert payload["totalInitialMargin"] == "130.0001"
    assert payload["totalMaintenanceMargin"] == "1.5000275"
    assert payload["totalAvailableBalance"] == "21869.9999"
    assert payload["accountIMRate"] == "0.0052"
    usdt, btc = payload["coin"]
    assert (usdt["coin"], usdt["totalOrderIM"], usdt["totalPositionIM"], usdt["equity"]) == (
        "USDT",
        "100",
        "30.0001",
        "10000.0045",
    )
    assert usdt["cumRealisedPnl"] == "-0.165"
    assert (btc["locked"], btc["usdValue"], btc["totalPositionMM"]) == ("0.1", "15000", "0")
    assert btc["collateralSwitch"] is True and btc["marginCollateral"] is True


def test_wallet_coin_without_a_price_is_worth_nothing() -> None:
    payload = account.wallet_account([_balance("XYZ", "5")], [], {})
    assert payload["coin"][0]["usdValue"] == "0"
    assert payload["totalEquity"] == "0"


def test_usd_prices(venue) -> None:
    prices = account.usd_prices(venue.markets.values())
    assert prices["USDT"] == prices["USDC"] == prices["USD"] == 1
    assert prices["BTC"] == D("30000.00")  # the spot last price comes first


def test_usd_prices_fall_back_to_contracts(venue) -> None:
    linear_only = [m for m in venue.markets.values() if m.instrument.id == "linear:BTCUSDT"]
    assert account.usd_prices(linear_only)["BTC"] == D("30000.1")  # the linear mark
    inverse_only = [m for m in venue.markets.values() if m.instrument.id == "inverse:BTCUSD"]
    assert account.usd_prices(inverse_only)["BTC"] == D("30000.0")
    option_only = [m for m in venue.markets.values() if m.instrument.is_option]
    assert "BTC" not in account.usd_prices(option_only)


def test_wallet_from_a_real_account(venue) -> None:
    venue.place_order(NewOrder("alice", "linear:BTCUSDT", Side.BUY, OrderType.MARKET, "0.100"))
    venue.set_mark_price("linear:BTCUSDT", "30100")
    usd = account.usd_prices(venue.markets.values())
    payload = account.wallet_account(venue.balances("alice"), venue.positions("alice"), usd)
    usdt = next(c for c in payload["coin"] if c["coin"] == "USDT")
    position = venue.position("alice", "linear:BTCUSDT")
    assert position is not None
    assert usdt["unrealisedPnl"] == str(position.unrealized_pnl.normalize())
    assert D(usdt["totalPositionIM"]) == position.initial_margin


# -- fee rates, coins, account and key info ------------------------------------------------------


def test_fee_rate_lists_every_instrument(inst) -> None:
    items = account.fee_rate_items([inst["linear"], inst["future"]])
    assert items == [
        {"symbol": "BTCUSDT", "takerFeeRate": "0.00055", "makerFeeRate": "0.0002"},
        {"symbol": "BTC-27MAR26", "takerFeeRate": "0.00055", "makerFeeRate": "0.0002"},
    ]


def test_option_fee_rates_are_per_base_coin(inst) -> None:
    second = dataclasses.replace(inst["option"], symbol="BTC-27MAR26-80000-P-USDT", strike=D("80000"), id="")
    items = account.fee_rate_items([inst["option"], second])
    assert items == [{"symbol": "", "baseCoin": "BTC", "takerFeeRate": "0.0003", "makerFeeRate": "0.0003"}]


@pytest.mark.parametrize(("coin", "accuracy"), [("BTC", "8"), ("USDT", "6"), ("ETH", "8"), ("DOGE", "8")])
def test_coin_rows_always_have_a_chain(coin, accuracy) -> None:
    """Rule 25: clients read a coin's precision from chains[0].minAccuracy."""
    row = account.coin_info_row(coin)
    assert row["coin"] == row["name"] == coin
    assert len(row["chains"]) >= 1
    assert row["chains"][0]["minAccuracy"] == accuracy
    assert int(row["chains"][0]["minAccuracy"]) >= 0


def test_coin_rows_do_not_share_chain_objects() -> None:
    row = account.coin_info_row("BTC")
    row["chains"][0]["chain"] = "changed"
    assert account.coin_info_row("BTC")["chains"][0]["chain"] == "BTC"


@pytest.mark.parametrize(
    ("mode", "expected"), [(MarginMode.CROSS, "REGULAR_MARGIN"), (MarginMode.PORTFOLIO, "PORTFOLIO_MARGIN")]
)
def test_account_info(mode, expected) -> None:
    info = account.account_info(mode, 1_697_078_946_000 * 1_000_000)
    assert info == {
        "marginMode": expected,
        "updatedTime": "1697078946000",
        "unifiedMarginStatus": 6,
        "dcpStatus": "OFF",
        "timeWindow": 0,
        "smpGroup": 0,
        "isMasterTrader": False,
        "spotHedgingStatus": "OFF",
    }


def test_query_api_says_uta() -> None:
    """Rule 33: uta 1 and unified 0, ints; never the secret."""
    day = 86_400 * NS_PER_S
    created = 1_704_067_200 * NS_PER_S
    info = account.query_api(
        "testkey",
        key_id="2208369",
        user_id=1448939,
        now_ns=created + 10 * day,
        created_ns=created,
        expires_ns=created + 100 * day,
    )
    assert (info["uta"], info["unified"]) == (1, 0)
    assert type(info["uta"]) is int and type(info["readOnly"]) is int and type(info["userID"]) is int
    assert info["secret"] == ""
    assert info["deadlineDay"] == 90
    assert info["createdAt"] == "2024-01-01T00:00:00Z"
    assert info["permissions"]["ContractTrade"] == ["Order", "Position"]
    assert info["isMaster"] is True


def test_query_api_read_only_and_never_expiring() -> None:
    info = account.query_api("k", key_id="1", user_id=1, now_ns=0, created_ns=0, read_only=True)
    assert info["readOnly"] == 1
    assert all(values == [] for values in info["permissions"].values())
    assert (info["deadlineDay"], info["expiredAt"]) == (-1, "")
