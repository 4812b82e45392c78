"""Reading what a client sends on a Bybit socket: one JSON object with an ``op`` (§7.2-§7.4, §7.7).

:func:`parse_request` never raises for client input: anything that is not a JSON object with a
string ``op`` comes back as a :class:`BadRequest` the session answers in the venue's error shape.
``req_id`` (``reqId`` on the trade socket) is kept exactly as sent, with its JSON type, or
:data:`~simulator.dialects.bybit.codec.ws_control.NO_REQ_ID` when absent (rule 28).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID

__all__ = ["BadRequest", "WsRequest", "parse_request"]


@dataclass(frozen=True, slots=True)
class WsRequest:
    """A well-formed request: its ``op``, ``req_id`` as sent, ``args`` and the whole object."""

    op: str
    req_id: object
    args: Any
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BadRequest:
    """A frame that is not a request; ``reason`` is the venue-style error text."""

    reason: str
    req_id: object = NO_REQ_ID


def parse_request(text: str, *, trade: bool = False) -> WsRequest | BadRequest:
    """The request in a text frame (``trade``: the ``/v5/trade`` socket, whose id key is ``reqId``)."""
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        return BadRequest("error:request must be a JSON object,message parse failed")
    if not isinstance(message, dict):
        return BadRequest("error:request must be a JSON object")
    key = "reqId" if trade else "req_id"
    req_id = message.get(key, NO_REQ_ID)
    op = message.get("op")
    if not isinstance(op, str) or not op:
        return BadRequest("error:op is required", req_id)
    return WsRequest(op, req_id, message.get("args"), message)
