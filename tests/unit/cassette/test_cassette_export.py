"""Export: fixture names, complete envelopes, duplicates written once, the report."""

from __future__ import annotations

from pathlib import Path

import orjson

from simulator.cassette import CassetteWriter, export, load, make_header


def test_export_names_dedupes_and_reports(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    tickers = '{"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[]},"time":1}'
    refused = '{"retCode":10001,"retMsg":"bad","result":{},"time":2}'
    with CassetteWriter(path, make_header("test", dialect="bybit")) as writer:
        for body in (tickers, tickers, refused):
            writer.write(
                {"type": "http", "ts": 1, "method": "GET", "path": "/v5/market/tickers",
                 "query": "category=linear", "headers": [], "status": 200, "response_headers": [],
                 "response_body": body}
            )  # fmt: skip
        for n, data in enumerate(
            (
                '{"topic":"orderbook.50.BTCUSDT","type":"snapshot","data":{"u":1}}',
                '{"topic":"publicTrade.BTCUSDT","data":[{"i":"1"}]}',
                '{"topic":"publicTrade.BTCUSDT","data":[{"i":"2"}]}',
                '{"op":"subscribe","success":true}',
                "not json",
            )
        ):
            writer.write(
                {"type": "ws_frame", "ts": n, "conn": "c", "dir": "out", "kind": "text", "data": data}
            )
    report = export(load(path), tmp_path / "out")
    assert report.written == {
        "http_get_market_tickers_linear.json": 2,
        "http_get_market_tickers_linear_error_10001.json": 1,
        "ws_orderbook_snapshot.json": 1,
        "ws_public_trade.json": 1,
        "ws_public_trade_2.json": 1,
        "ws_subscribe_ack.json": 1,
    }
    assert report.duplicates == 1 and report.skipped == 1
    written = (tmp_path / "out" / "http_get_market_tickers_linear.json").read_bytes()
    assert orjson.loads(written) == orjson.loads(tickers) and b"\n  " in written  # whole, pretty
    assert "6 files; 1 duplicates skipped" in report.lines()[-1]
