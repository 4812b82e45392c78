"""The JSON Schemas: well formed, satisfied by the reference's own examples and by test_data, and
strict where real clients are strict (types, key presence, enums)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from simulator.dialects.bybit.codec import schemas

HERE = Path(__file__).parent
REFERENCE = json.loads((HERE / "reference_examples.json").read_text())
TEST_DATA = Path(__file__).resolve().parents[5] / "test_data" / "bybit"


def test_every_schema_is_valid_draft_2020_12() -> None:
    names = schemas.schema_names()
    assert len(names) >= 50
    for name in [*names, "defs"]:
        schema = schemas.load(name)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/bybit/{name}.json")


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_reference_examples_validate(name) -> None:
    """The schemas accept what the real venue sends (reference §2-§7 examples, verbatim)."""
    example = REFERENCE[name]
    schemas.validate(example["schema"], example["payload"])


def test_test_data_is_complete_and_every_file_validates(fixtures) -> None:
    on_disk = {path.stem for path in TEST_DATA.glob("*.json")}
    assert on_disk == set(fixtures), "test_data/bybit and the generator disagree: regenerate the fixtures"
    for stem, (schema, _) in fixtures.items():
        payload = json.loads((TEST_DATA / f"{stem}.json").read_text())
        schemas.validate(schema, payload)


def test_every_schema_has_a_test_data_file(fixtures) -> None:
    used = {schema for schema, _ in fixtures.values()}
    assert set(schemas.schema_names()) == used


# -- strictness: each mutation breaks a real client and must be refused --------------------------


def _first(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["result"]["list"][0]


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    return payload["data"][0]


MUTATIONS: list[tuple[str, str, Callable[[dict[str, Any]], Any]]] = [
    # Envelope (rules 1-5).
    ("retCode as a string", "http_get_market_time", lambda p: p.update(retCode="0")),
    ("result null", "http_get_market_time", lambda p: p.update(result=None)),
    ("result an array", "http_get_market_time", lambda p: p.update(result=[])),
    ("no time", "http_get_market_time", lambda p: p.pop("time")),
    ("no retExtInfo", "http_get_market_time", lambda p: p.pop("retExtInfo")),
    ("time as a string", "http_get_market_time", lambda p: p.update(time="1")),
    # Orders: key presence tells spot from contract (rule 18), enums and types (Appendix A).
    ("tpslMode on a spot order", "http_get_order_history_spot", lambda p: _first(p).update(tpslMode="")),
    (
        "createType on a spot order",
        "http_get_order_history_spot",
        lambda p: _first(p).update(createType="CreateByUser"),
    ),
    ("no tpslMode on a contract order", "http_get_order_realtime", lambda p: _first(p).pop("tpslMode")),
    ("orderStatus misspelled", "http_get_order_realtime", lambda p: _first(p).update(orderStatus="Canceled")),
    (
        "stopOrderType UNKNOWN-ish",
        "http_get_order_realtime",
        lambda p: _first(p).update(stopOrderType="Unknown"),
    ),
    ("triggerBy UNKNOWN", "http_get_order_realtime", lambda p: _first(p).update(triggerBy="UNKNOWN")),
    ("timeInForce RPI", "http_get_order_realtime", lambda p: _first(p).update(timeInForce="RPI")),
    ("positionIdx as a string", "http_get_order_realtime", lambda p: _first(p).update(positionIdx="0")),
    (
        "triggerDirection as a string",
        "http_get_order_realtime",
        lambda p: _first(p).update(triggerDirection="0"),
    ),
    ("reduceOnly as a string", "http_get_order_realtime", lambda p: _first(p).update(reduceOnly="false")),
    ("price as a number", "http_get_order_realtime", lambda p: _first(p).update(price=29000)),
    ("price in scientific notation", "http_get_order_realtime", lambda p: _first(p).update(price="2.9E+4")),
    ("an unknown order key", "http_get_order_realtime", lambda p: _first(p).update(foo="bar")),
    ("no nextPageCursor", "http_get_order_realtime", lambda p: p["result"].pop("nextPageCursor")),
    ("a cursor with '='", "http_get_order_realtime", lambda p: p["result"].update(nextPageCursor="a=b")),
    ("WS order with tpslMode on spot", "ws_order_spot", lambda p: _data(p).update(tpslMode="")),
    ("WS order push without id", "ws_order", lambda p: p.pop("id")),
    ("WS order creationTime as a string", "ws_order", lambda p: p.update(creationTime="1")),
    # Executions.
    (
        "createType on a spot execution",
        "http_get_execution_list_spot",
        lambda p: _first(p).update(createType="CreateByUser"),
    ),
    (
        "no createType on a contract execution",
        "http_get_execution_list",
        lambda p: _first(p).pop("createType"),
    ),
    ("isMaker as a string", "http_get_execution_list", lambda p: _first(p).update(isMaker="true")),
    ("execType FutureSpread", "http_get_execution_list", lambda p: _first(p).update(execType="FutureSpread")),
    ("seq as a string", "ws_execution", lambda p: _data(p).update(seq="1")),
    ("execution.fast with an id", "ws_execution_fast", lambda p: p.update(id="x")),
    ("execution.fast with an extra key", "ws_execution_fast", lambda p: _data(p).update(execFee="0")),
    # Positions (rule 21) and the REST/WS field names.
    ("flat side None", "http_get_position_list", lambda p: _first(p).update(side="None")),
    (
        "side '' on an open position",
        "http_get_position_list",
        lambda p: p["result"]["list"][1].update(side=""),
    ),
    (
        "side Buy on a flat position",
        "http_get_position_list",
        lambda p: p["result"]["list"][0].update(side="Buy"),
    ),
    ("entryPrice on REST", "http_get_position_list", lambda p: _first(p).update(entryPrice="1")),
    ("avgPrice on WS", "ws_position", lambda p: _data(p).update(avgPrice="1")),
    ("riskId as a string", "ws_position", lambda p: _data(p).update(riskId="1")),
    ("a negative size", "http_get_position_list", lambda p: p["result"]["list"][1].update(size="-0.155")),
    # Wallet.
    (
        "collateralSwitch as a string",
        "http_get_account_wallet_balance",
        lambda p: _first(p)["coin"][0].update(collateralSwitch="true"),
    ),
    (
        "no spotHedgingQty on a WS wallet coin",
        "ws_wallet",
        lambda p: _data(p)["coin"][0].pop("spotHedgingQty"),
    ),
    (
        "accountType CONTRACT",
        "http_get_account_wallet_balance",
        lambda p: _first(p).update(accountType="CONTRACT"),
    ),
    # Instruments and market data.
    (
        "nextPageCursor on spot instruments",
        "http_get_market_instruments_info_spot",
        lambda p: p["result"].update(nextPageCursor=""),
    ),
    (
        "no nextPageCursor on linear instruments",
        "http_get_market_instruments_info_linear",
        lambda p: p["result"].pop("nextPageCursor"),
    ),
    (
        "five lot filters",
        "http_get_market_instruments_info_linear",
        lambda p: _first(p)["lotSizeFilter"].pop("maxMktOrderQty"),
    ),
    (
        "unifiedMarginTrade as a string",
        "http_get_market_instruments_info_linear",
        lambda p: _first(p).update(unifiedMarginTrade="true"),
    ),
    (
        "fundingInterval as a string",
        "http_get_market_instruments_info_inverse",
        lambda p: _first(p).update(fundingInterval="480"),
    ),
    (
        "contractType LinearSwap",
        "http_get_market_instruments_info_linear",
        lambda p: _first(p).update(contractType="Swap"),
    ),
    (
        "openInterestValue on a spot ticker",
        "http_get_market_tickers_spot",
        lambda p: _first(p).update(openInterestValue="1"),
    ),
    (
        "no openInterestValue on a linear ticker",
        "http_get_market_tickers_linear",
        lambda p: _first(p).pop("openInterestValue"),
    ),
    (
        "isBlockTrade as a string",
        "http_get_market_recent_trade",
        lambda p: _first(p).update(isBlockTrade="false"),
    ),
    ("a kline row of 6", "http_get_market_kline", lambda p: p["result"]["list"][0].pop()),
    ("a mark row of 7", "http_get_market_mark_price_kline", lambda p: p["result"]["list"][0].append("1")),
    ("ts as a string", "http_get_market_orderbook", lambda p: p["result"].update(ts="1")),
    (
        "a coin without chains",
        "http_get_asset_coin_query_info",
        lambda p: p["result"]["rows"][0].update(chains=[]),
    ),
    ("uta 0", "http_get_user_query_api", lambda p: p["result"].update(uta=0)),
    (
        "unifiedMarginStatus as a string",
        "http_get_account_info",
        lambda p: p["result"].update(unifiedMarginStatus="6"),
    ),
    (
        "an option fee rate with a symbol",
        "http_get_account_fee_rate_option",
        lambda p: _first(p).update(symbol="BTC"),
    ),
    ("a batch without retExtInfo list", "http_post_order_create_batch", lambda p: p.update(retExtInfo={})),
    (
        "a failed batch code as a string",
        "http_post_order_create_batch",
        lambda p: p["retExtInfo"]["list"][2].update(code="110072"),
    ),
    ("cancel-all success as an int", "http_post_order_cancel_all", lambda p: p["result"].update(success=1)),
    # WS public.
    ("an orderbook.1 delta", "ws_orderbook_depth1", lambda p: p.update(type="delta")),
    ("two levels on orderbook.1", "ws_orderbook_depth1", lambda p: p["data"]["b"].append(["1.00", "1.000"])),
    ("u as a string", "ws_orderbook_snapshot", lambda p: p["data"].update(u="1")),
    ("BT missing", "ws_public_trade", lambda p: _data(p).pop("BT")),
    ("no L on a linear trade", "ws_public_trade", lambda p: _data(p).pop("L")),
    ("empty usdIndexPrice", "ws_tickers_spot", lambda p: p["data"].update(usdIndexPrice="")),
    ("no cs on a linear ticker", "ws_tickers_linear", lambda p: p.pop("cs")),
    ("a snapshot missing bid1Price", "ws_tickers_linear", lambda p: p["data"].pop("bid1Price")),
    ("option ticker under REST names", "ws_tickers_option", lambda p: p["data"].update(bid1Price="1")),
    ("confirm as a string", "ws_kline", lambda p: _data(p).update(confirm="true")),
    ("interval 2", "ws_kline", lambda p: _data(p).update(interval="2")),
    # Control frames (rules 29, 31).
    ("a private auth ack without conn_id", "ws_auth_ack_private", lambda p: p.pop("conn_id")),
    ("a trade auth ack without connId", "ws_auth_ack_trade", lambda p: p.pop("connId")),
    ("a public pong with op pong", "ws_pong_linear", lambda p: p.update(op="pong")),
    ("a linear ack without req_id", "ws_subscribe_ack_linear", lambda p: p.pop("req_id")),
    (
        "a batch trade response without retExtInfo",
        "ws_trade_order_create_batch",
        lambda p: p.pop("retExtInfo"),
    ),
    ("an unknown trade op", "ws_trade_order_create", lambda p: p.update(op="order.replace")),
]


@pytest.mark.parametrize(("what", "stem", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_schemas_refuse_what_breaks_clients(fixtures, what, stem, mutate) -> None:
    schema, payload = fixtures[stem]
    schemas.validate(schema, payload)  # the untouched payload passes…
    broken = copy.deepcopy(payload)
    mutate(broken)
    with pytest.raises(schemas.PayloadInvalid):  # …and the mutated one does not
        schemas.validate(schema, broken)


def test_the_flat_and_open_positions_used_above_are_what_they_seem(fixtures) -> None:
    _, payload = fixtures["http_get_position_list"]
    sides = [(p["side"], p["size"]) for p in payload["result"]["list"]]
    assert sides[0] == ("", "0.000")
    assert sides[1][0] == "Buy" and sides[2][0] == "Sell"


def test_error_messages_name_the_path() -> None:
    with pytest.raises(schemas.PayloadInvalid) as caught:
        schemas.validate("http_get_market_time", {"retCode": "0"})
    message = str(caught.value)
    assert "http_get_market_time" in message
    assert "$.retCode" in message
    assert caught.value.problems


def test_unknown_schema() -> None:
    with pytest.raises(KeyError, match="no Bybit schema 'nope'"):
        schemas.validate("nope", {})


@pytest.mark.parametrize(
    ("method", "path", "ret_code", "expected"),
    [
        ("GET", "/v5/market/time", 0, "http_get_market_time"),
        ("GET", "/v5/market/instruments-info", 0, "http_get_market_instruments_info"),
        ("GET", "/v5/market/funding/history", 0, "http_get_market_funding_history"),
        ("GET", "/v5/asset/coin/query-info?coin=BTC", 0, "http_get_asset_coin_query_info"),
        ("GET", "/v5/order/realtime", 0, "http_get_order_realtime"),
        ("post", "/v5/order/create-batch", 0, "http_post_order_create_batch"),
        ("POST", "/v5/account/set-margin-mode", 0, "http_post_account_set_margin_mode"),
        ("POST", "/v5/order/create", 110007, "http_error"),
        ("GET", "/v5/nope", 10017, "http_error"),
    ],
)
def test_rest_schema_name(method, path, ret_code, expected) -> None:
    assert schemas.rest_schema_name(method, path, ret_code=ret_code) == expected


def test_rest_schema_name_for_an_unknown_route() -> None:
    with pytest.raises(KeyError, match="GET /v5/nope"):
        schemas.rest_schema_name("GET", "/v5/nope")


@pytest.mark.parametrize(
    ("stem", "socket"),
    [
        ("ws_orderbook_snapshot", "linear"),
        ("ws_orderbook_delta", "linear"),
        ("ws_public_trade", "linear"),
        ("ws_public_trade_spot", "spot"),
        ("ws_public_trade_option", "option"),
        ("ws_tickers_linear", "linear"),
        ("ws_tickers_inverse", "inverse"),
        ("ws_tickers_spot", "spot"),
        ("ws_tickers_option", "option"),
        ("ws_kline", "spot"),
        ("ws_order", "private"),
        ("ws_order_spot", "private"),
        ("ws_execution", "private"),
        ("ws_execution_fast", "private"),
        ("ws_position", "private"),
        ("ws_wallet", "private"),
        ("ws_subscribe_ack_private", "private"),
        ("ws_subscribe_ack_spot", "spot"),
        ("ws_subscribe_ack_linear", "linear"),
        ("ws_subscribe_ack_option", "option"),
        ("ws_unsubscribe_ack_linear", "inverse"),
        ("ws_auth_ack_private", "private"),
        ("ws_auth_ack_trade", "trade"),
        ("ws_pong_spot", "spot"),
        ("ws_pong_linear", "linear"),
        ("ws_pong_option", "option"),
        ("ws_pong_private", "private"),
        ("ws_pong_trade", "trade"),
        ("ws_trade_order_create", "trade"),
        ("ws_trade_order_create_batch", "trade"),
    ],
)
def test_ws_schema_name_finds_each_message_kind(fixtures, stem, socket) -> None:
    schema, payload = fixtures[stem]
    assert schemas.ws_schema_name(payload, socket) == schema


def test_ws_schema_name_refuses_unknown_messages() -> None:
    with pytest.raises(KeyError, match=r"topic 'allLiquidation\.ROSEUSDT'"):
        schemas.ws_schema_name({"topic": "allLiquidation.ROSEUSDT"}, "linear")
    with pytest.raises(KeyError, match="keys"):
        schemas.ws_schema_name({"hello": 1}, "linear")
