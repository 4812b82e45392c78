"""Depth-10 books from a compact channel, the refresh interval and retry settings of the config."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.bybit.config import BybitDataClientConfig
from adapters.bybit.factories import BybitAdapterFactory
from adapters.bybit.websocket.depth import compact_depth, parse_depth10
from adapters.contract import Credentials, Endpoints, FatalAdapterError
from adapters.contract.sink import RecordingSink
from adapters.model.enums import OrderSide
from adapters.model.identifiers import InstrumentId, Symbol
from adapters.model.instruments import CryptoPerpetual
from adapters.model.objects import Currency, Price, Quantity


def test_compact_depth_is_the_smallest_channel_holding_ten_levels() -> None:
    assert compact_depth((1, 50, 200, 500, 1000)) == 50
    assert compact_depth((25, 100)) == 25
    with pytest.raises(ValueError, match="holds 10 levels"):
        compact_depth((1,))


def _instrument() -> CryptoPerpetual:
    usdt = Currency.from_str("USDT")
    return CryptoPerpetual(
        instrument_id=InstrumentId.from_str("BTCUSDT-LINEAR.BYBIT"),
        raw_symbol=Symbol("BTCUSDT"),
        base_currency=Currency.from_str("BTC"),
        quote_currency=usdt,
        settlement_currency=usdt,
        is_inverse=False,
        price_precision=1,
        size_precision=3,
        price_increment=Price("0.1", 1),
        size_increment=Quantity("0.001", 3),
        ts_event=0,
        ts_init=0,
    )


def test_parse_depth10_keeps_the_best_ten_and_pads() -> None:
    bids = [[f"{100 - n}.0", "1.000"] for n in range(12)]
    message: dict[str, Any] = {"ts": 5, "data": {"u": 9, "b": bids, "a": [["101.0", "2.000"]]}}
    depth = parse_depth10(message, _instrument(), 7)
    assert [str(o.price) for o in depth.bids] == [f"{100 - n}.0" for n in range(10)]
    assert depth.asks[0].side is OrderSide.SELL and depth.asks[1].side is OrderSide.NO_ORDER_SIDE
    assert depth.ask_counts == (1,) + (0,) * 9
    assert (depth.sequence, depth.ts_event, depth.ts_init) == (9, 5_000_000, 7)


@pytest.mark.parametrize(
    "config",
    [
        {"max_retries": -1},
        {"max_retries": 1.5},
        {"instrument_refresh_interval_s": 0},
        {"default_book_depth": 0},
    ],
)
def test_invalid_values_are_refused_naming_the_key(config: dict[str, Any]) -> None:
    endpoints = Endpoints(rest_base_url="http://127.0.0.1:1")
    with pytest.raises(FatalAdapterError, match=next(iter(config))):
        BybitAdapterFactory().create(endpoints, Credentials("k", "s"), RecordingSink(), config)


def test_max_retries_reaches_the_rest_client() -> None:
    endpoints = Endpoints(rest_base_url="http://127.0.0.1:1")
    built = BybitAdapterFactory().create(endpoints, None, RecordingSink(), {"max_retries": 1})
    assert built.data._http.retry.policy.max_retries == 1  # type: ignore[attr-defined]
    assert BybitDataClientConfig().instrument_refresh_interval_s is None
    assert BybitAdapterFactory().conformance_config(instrument_refresh_s=0.2) == {
        "instrument_refresh_interval_s": 0.2
    }


def test_config_defaults_document_every_option_and_build() -> None:
    defaults = dict(BybitAdapterFactory().config_defaults())
    assert defaults["max_retries"] == 3 and defaults["reconcile_lookback_ms"] > 0
    assert "api_key" not in defaults and "base_url_http" not in defaults
    endpoints = Endpoints(rest_base_url="http://127.0.0.1:1")
    assert BybitAdapterFactory().create(endpoints, None, RecordingSink(), defaults).data is not None
