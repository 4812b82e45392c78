"""Fixtures over ``test_data/bybit/``: the venue payloads the unit tests parse.

The same files the simulator's JSON Schemas validate, so the adapter's parsers and the
simulator's encoders are checked against one set of examples. Only tests import this module.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import orjson

from adapters.bybit.common.enums import BybitProductType
from adapters.model.instruments import Instrument

__all__ = ["TEST_DATA_DIR", "load_instruments", "load_payload", "load_result_list"]

#: ``<repo>/test_data/bybit``.
TEST_DATA_DIR = Path(__file__).resolve().parents[3] / "test_data" / "bybit"


def load_payload(name: str) -> Any:
    """The decoded JSON of ``test_data/bybit/<name>.json`` (name without ``.json``).

    Raises:
        FileNotFoundError: no such fixture (the message lists where it looked).
    """
    path = TEST_DATA_DIR / f"{name}.json"
    if not path.exists():
        raise FileNotFoundError(f"no Bybit fixture {path}; see test_data/bybit/ for the available names")
    return orjson.loads(path.read_bytes())


def load_result_list(name: str) -> list[dict[str, Any]]:
    """``result.list`` of a REST fixture."""
    return list(load_payload(name)["result"]["list"])


@functools.cache
def load_instruments() -> dict[tuple[str, BybitProductType], Instrument]:
    """Every fixture instrument, parsed, keyed by ``(raw symbol, category)``."""
    from adapters.bybit.http.parse import parse_instrument

    out: dict[tuple[str, BybitProductType], Instrument] = {}
    for product in BybitProductType:
        for item in load_result_list(f"http_get_market_instruments_info_{product.value}"):
            out[(item["symbol"], product)] = parse_instrument(item, product, ts_init=1)
    return out
