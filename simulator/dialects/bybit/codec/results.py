"""REST ``result`` shapes shared by several endpoints, and the success envelope (§2).

The envelope is ``{"retCode":int,"retMsg":str,"result":{...},"retExtInfo":{...},"time":int}``
on every answer (rule 1-5). Error envelopes are built by :mod:`simulator.dialects.bybit.errors`;
:func:`rest_envelope` here is the same shape, kept in the codec so that payloads and fixtures
do not depend on the error module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from simulator.core.orders import OrderView
from simulator.dialects.bybit import errors
from simulator.dialects.bybit.codec.numbers import ms_str

__all__ = [
    "batch_ext_info",
    "batch_item",
    "batch_result",
    "cancel_all_result",
    "fee_rate_result",
    "kline_result",
    "list_result",
    "order_ack",
    "rest_envelope",
]


def rest_envelope(
    result: Mapping[str, Any],
    time_ms: int,
    *,
    ret_code: int = 0,
    ret_msg: str = "OK",
    ret_ext_info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The REST envelope around ``result`` (always an object; ``retExtInfo`` ``{}`` by default).

    Raises:
        TypeError: ``result`` is not a mapping (rule 2), or ``ret_code``/``time_ms`` not ints.
    """
    if not isinstance(result, Mapping):
        raise TypeError(f"result must be an object (rule 2), got {type(result).__name__}")
    # One builder for every envelope: errors.envelope holds the JSON-type rules.
    return errors.envelope(ret_code, ret_msg, result, ret_ext_info, time_ms=time_ms)


def list_result(category: str | None, items: list[Any], *, cursor: str | None = "") -> dict[str, Any]:
    """A list result (§2.2): ``{category, list, nextPageCursor}``.

    Parameters:
        category: the request's category; ``None`` omits the key (fee-rate for derivatives).
        items: the page's items.
        cursor: the next page's cursor, ``""`` on the last page; ``None`` omits the key (spot
            ``instruments-info`` has no pagination).
    """
    result: dict[str, Any] = {}
    if category is not None:
        result["category"] = category
    result["list"] = items
    if cursor is not None:
        result["nextPageCursor"] = cursor
    return result


def fee_rate_result(category: str, items: list[dict[str, str]]) -> dict[str, Any]:
    """``/v5/account/fee-rate`` result: ``category`` is present for spot and option only (§6.9)."""
    return list_result(category if category in ("spot", "option") else None, items, cursor=None)


def kline_result(symbol: str, category: str, rows: list[list[str]]) -> dict[str, Any]:
    """Kline result (§6.6): ``{symbol, category, list}``, rows newest first."""
    return {"symbol": symbol, "category": category, "list": rows}


def order_ack(order_id: str, order_link_id: str) -> dict[str, str]:
    """``{orderId, orderLinkId}``: the result of create, amend and cancel (§6.13-§6.15).

    ``orderLinkId`` is ``""`` when the client gave none.
    """
    return {"orderId": order_id, "orderLinkId": order_link_id}


def cancel_all_result(cancelled: Iterable[OrderView]) -> dict[str, Any]:
    """``/v5/order/cancel-all`` result (§6.16): ``{list:[{orderId, orderLinkId}], success:"1"}``."""
    return {"list": [order_ack(v.order_id, v.client_order_id) for v in cancelled], "success": "1"}


def batch_item(
    view: OrderView | None,
    *,
    category: str,
    symbol: str,
    order_link_id: str,
    with_create_at: bool = True,
) -> dict[str, str]:
    """One ``result.list[i]`` of a batch answer (§6.17).

    Parameters:
        view: the order the item succeeded for; ``None`` for a failed item, which keeps
            ``orderId:""`` but still echoes the client's ``orderLinkId``.
        category, symbol: echoed from the request item.
        order_link_id: the request item's ``orderLinkId`` (``""`` if none).
        with_create_at: create-batch and amend-batch items carry ``createAt``; cancel-batch
            items do not.
    """
    item = {
        "category": category,
        "symbol": symbol,
        "orderId": view.order_id if view is not None else "",
        "orderLinkId": view.client_order_id if view is not None else order_link_id,
    }
    if with_create_at:
        item["createAt"] = ms_str(view.created_ns) if view is not None else ""
    return item


def batch_result(items: list[dict[str, str]]) -> dict[str, Any]:
    """``{list: items}``: the ``result`` of a batch answer, index-aligned with the request."""
    return {"list": items}


def batch_ext_info(outcomes: Iterable[tuple[int, str]]) -> dict[str, Any]:
    """``retExtInfo`` of a batch answer: ``{list:[{code:int, msg}]}``, index-aligned (§6.17)."""
    return {"list": [{"code": int(code), "msg": msg} for code, msg in outcomes]}
