"""Query builders: venue names, order, omitted Nones, and the limits the venue documents."""

from __future__ import annotations

import pytest

from adapters.bybit.common.enums import BybitKlineInterval, BybitProductType
from adapters.bybit.http import query as q

P = BybitProductType


def test_get_params_keep_field_order_and_drop_none() -> None:
    params = q.OpenOrdersParams(P.LINEAR, settle_coin="USDT", limit=50).to_params()
    assert params == {"category": "linear", "settleCoin": "USDT", "limit": 50}
    assert q.query_string(params) == "category=linear&settleCoin=USDT&limit=50"


def test_kline_time_bounds_are_start_and_end() -> None:
    params = q.KlineParams(P.LINEAR, "BTCUSDT", BybitKlineInterval.HOUR_1, start=1, end=2, limit=1000)
    assert (
        q.query_string(params.to_params())
        == "category=linear&symbol=BTCUSDT&interval=60&start=1&end=2&limit=1000"
    )


def test_history_time_bounds_are_start_time_and_end_time() -> None:
    params = q.OrderHistoryParams(P.SPOT, start_time=10, end_time=20, cursor="abc_1").to_params()
    assert params == {"category": "spot", "startTime": 10, "endTime": 20, "cursor": "abc_1"}
    execs = q.ExecutionListParams(P.LINEAR, symbol="BTCUSDT", exec_type="Trade", limit=100).to_params()
    assert execs == {"category": "linear", "symbol": "BTCUSDT", "execType": "Trade", "limit": 100}


def test_booleans_encode_as_the_venue_expects() -> None:
    assert q.query_string({"reduceOnly": True, "x": False}) == "reduceOnly=true&x=false"


def test_place_order_body_and_batch_items_without_category() -> None:
    order = q.PlaceOrderParams(
        P.LINEAR,
        "BTCUSDT",
        "Buy",
        "Limit",
        "0.010",
        price="29000.00",
        time_in_force="PostOnly",
        order_link_id="cli-1",
        reduce_only=True,
        trigger_price="1",
        trigger_direction=1,
        trigger_by="MarkPrice",
    )
    assert order.to_params() == {
        "category": "linear",
        "symbol": "BTCUSDT",
        "side": "Buy",
        "orderType": "Limit",
        "qty": "0.010",
        "price": "29000.00",
        "timeInForce": "PostOnly",
        "orderLinkId": "cli-1",
        "reduceOnly": True,
        "triggerPrice": "1",
        "triggerDirection": 1,
        "triggerBy": "MarkPrice",
    }
    item = q.PlaceOrderParams(None, "BTCUSDT", "Sell", "Market", "1")
    batch = q.BatchPlaceParams(P.LINEAR, [item]).to_params()
    assert batch == {
        "category": "linear",
        "request": [{"symbol": "BTCUSDT", "side": "Sell", "orderType": "Market", "qty": "1"}],
    }


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: q.InstrumentsInfoParams(P.LINEAR, limit=1001), "between 1 and 1000"),
        (lambda: q.RecentTradesParams(P.SPOT, symbol="BTCUSDT", limit=61), "between 1 and 60"),
        (lambda: q.RecentTradesParams(P.LINEAR), "symbol is required"),
        (lambda: q.OrderbookParams(P.OPTION, "X", limit=26), "between 1 and 25"),
        (lambda: q.KlineParams(P.LINEAR, "X", BybitKlineInterval.DAY_1, start=5, end=4), "after the end"),
        (lambda: q.FundingHistoryParams(P.LINEAR, "X", start_time=1), "end_time"),
        (lambda: q.PositionListParams(P.SPOT), "spot has no positions"),
        (lambda: q.PositionListParams(P.LINEAR), "settle_coin"),
        (lambda: q.OpenOrdersParams(P.LINEAR, limit=51), "between 1 and 50"),
        (lambda: q.ExecutionListParams(P.LINEAR, limit=101), "between 1 and 100"),
        (lambda: q.AmendOrderParams(P.LINEAR, "X"), "order_id or order_link_id"),
        (lambda: q.CancelOrderParams(P.LINEAR, "X"), "order_id or order_link_id"),
        (lambda: q.CancelAllParams(P.INVERSE), "symbol, base_coin or settle_coin"),
        (lambda: q.BatchCancelParams(P.SPOT, [q.CancelOrderParams(None, "X", order_id="1")] * 11), "1 to 10"),
        (lambda: q.BatchPlaceParams(P.LINEAR, []), "1 to 20"),
    ],
)
def test_builders_refuse_what_the_venue_refuses(build: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        build()  # type: ignore[operator]


def test_cancel_all_spot_needs_no_scope() -> None:
    assert q.CancelAllParams(P.SPOT).to_params() == {"category": "spot"}
