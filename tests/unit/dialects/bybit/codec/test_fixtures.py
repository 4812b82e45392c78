"""test_data/bybit is generated from the core: in sync, deterministic, and covering every case."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from simulator.dialects.bybit.codec import fixtures as generator

TEST_DATA = Path(__file__).resolve().parents[5] / "test_data" / "bybit"


def test_committed_files_match_a_fresh_generation(tmp_path) -> None:
    """If this fails, the codec or the core changed: run
    ``python -m simulator.dialects.bybit.codec.fixtures`` and review the diff."""
    written = generator.write_fixtures(tmp_path)
    assert {p.name for p in written} == {p.name for p in TEST_DATA.glob("*.json")}
    stale = [p.name for p in written if p.read_bytes() != (TEST_DATA / p.name).read_bytes()]
    assert not stale, f"regenerate test_data/bybit: {stale}"


def test_generation_is_deterministic(fixtures) -> None:
    again = generator.build_fixtures()
    assert list(again) == list(fixtures)
    for stem, (schema, payload) in again.items():
        assert schema == fixtures[stem][0]
        assert generator.render(payload) == generator.render(fixtures[stem][1]), stem


def test_default_out_dir_is_the_checkout() -> None:
    assert generator.default_out_dir() == TEST_DATA


def test_main_writes_where_asked(tmp_path) -> None:
    lines: list[str] = []
    assert generator.main(["--out", str(tmp_path / "out")], echo=lines.append) == 0
    assert len(list((tmp_path / "out").glob("*.json"))) == len(list(TEST_DATA.glob("*.json")))
    assert lines and "wrote" in lines[0]


def test_files_are_pretty_printed_json_with_a_final_newline() -> None:
    text = (TEST_DATA / "http_get_market_time.json").read_text()
    assert text.startswith('{\n  "retCode": 0,')
    assert text.endswith("}\n")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_number_string_has_an_exponent_or_a_signed_zero(fixtures) -> None:
    number = re.compile(r"^-?\d+(\.\d+)?$")
    scientific = re.compile(r"^-?\d+(\.\d+)?[eE][+-]?\d+$")
    for stem, (_, payload) in fixtures.items():
        for text in _strings(payload):
            assert not scientific.match(text), (stem, text)
            if number.match(text):
                assert not re.match(r"^-0(\.0+)?$", text), (stem, text)


def _load(stem: str) -> dict[str, Any]:
    return json.loads((TEST_DATA / f"{stem}.json").read_text())


def test_every_order_status_appears() -> None:
    statuses = set()
    for stem in (
        "http_get_order_realtime",
        "http_get_order_history",
        "http_get_order_realtime_spot",
        "http_get_order_history_spot",
    ):
        statuses |= {o["orderStatus"] for o in _load(stem)["result"]["list"]}
    assert statuses >= {
        "New",
        "PartiallyFilled",
        "Filled",
        "Cancelled",
        "Untriggered",
        "Deactivated",
        "PartiallyFilledCanceled",
    }
    history = _load("http_get_order_history")["result"]["list"]
    post_only = [o for o in history if o["rejectReason"] == "EC_PostOnlyWillTakeLiquidity"]
    assert (
        post_only and post_only[0]["orderStatus"] == "Cancelled" and post_only[0]["timeInForce"] == "PostOnly"
    )
    assert any(o["cancelType"] == "CancelByUser" for o in history)
    stops = {o["stopOrderType"] for o in _load("http_get_order_realtime")["result"]["list"]}
    assert stops >= {"", "Stop", "TakeProfit", "StopLoss"}


def test_maker_and_taker_fills_appear() -> None:
    for stem in ("http_get_execution_list", "http_get_execution_list_spot"):
        makers = {e["isMaker"] for e in _load(stem)["result"]["list"]}
        assert makers == {True, False}, stem


def test_long_short_and_flat_positions_appear() -> None:
    linear = _load("http_get_position_list")["result"]["list"]
    assert {p["side"] for p in linear} == {"Buy", "Sell", ""}
    assert _load("http_get_position_list_inverse")["result"]["list"][0]["side"] == "Buy"
    assert _load("http_get_position_list_option")["result"]["list"][0]["side"] == "Buy"


def test_json_types_of_a_committed_order_and_position() -> None:
    """Direct Appendix A checks, independent of the schemas."""
    order = _load("http_get_order_realtime")["result"]["list"][0]
    assert type(order["positionIdx"]) is int and type(order["triggerDirection"]) is int
    assert type(order["smpGroup"]) is int
    assert type(order["reduceOnly"]) is bool and type(order["closeOnTrigger"]) is bool
    assert all(type(order[k]) is str for k in ("price", "qty", "leavesQty", "createdTime", "cumExecFee"))
    position = _load("ws_position")["data"][0]
    for key in ("positionIdx", "tradeMode", "riskId", "autoAddMargin", "adlRankIndicator", "seq"):
        assert type(position[key]) is int, key
    assert type(position["isReduceOnly"]) is bool
    book = _load("ws_orderbook_snapshot")
    assert type(book["ts"]) is int and type(book["data"]["u"]) is int and type(book["cts"]) is int
    instrument = _load("http_get_market_instruments_info_linear")["result"]["list"][0]
    assert type(instrument["unifiedMarginTrade"]) is bool and type(instrument["fundingInterval"]) is int


def test_prices_and_sizes_carry_instrument_decimals() -> None:
    """Rule 13 on the committed book: linear BTCUSDT prices at 2 decimals, sizes at 3."""
    result = _load("http_get_market_orderbook")["result"]
    for price, size in result["b"] + result["a"]:
        assert re.fullmatch(r"\d+\.\d{2}", price) and re.fullmatch(r"\d+\.\d{3}", size)
    spot = _load("http_get_market_orderbook_spot")["result"]
    for price, size in spot["b"] + spot["a"]:
        assert re.fullmatch(r"\d+\.\d{2}", price) and re.fullmatch(r"\d+\.\d{6}", size)
