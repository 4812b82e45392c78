"""Bybit WebSocket message shapes: topic names, control messages and their recognisers (§7).

Data pushes are decoded with orjson into dicts and parsed straight from them in
:mod:`adapters.bybit.websocket.parse` (the hot path: a dataclass per level would halve the
throughput). What lives here is everything around the data: building topic strings, the
subscribe/unsubscribe/auth/ping messages, and telling acks and pongs apart from data, in the
shapes the network toolkit's :class:`~adapters.network.websocket.WebSocketClient` expects.

Deviation notes: public pongs carry ``op:"ping"`` with ``ret_msg:"pong"``, private and trade pongs
``op:"pong"`` (§7.3); the option socket acks with ``type:"COMMAND_RESP"`` and lists
``successTopics``/``failTopics`` (§7.4). Both are handled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from adapters.bybit.common.enums import BybitKlineInterval, BybitProductType
from adapters.network.auth import AuthResult
from adapters.network.websocket import SubscriptionAck

__all__ = [
    "PING_MESSAGE",
    "PRIVATE_TOPICS",
    "category_from_public_url",
    "is_pong",
    "option_trade_topic",
    "parse_auth_ack",
    "parse_subscription_ack",
    "subscribe_message",
    "text_ping_reply",
    "topic_kline",
    "topic_orderbook",
    "topic_public_trade",
    "topic_tickers",
    "unsubscribe_message",
]

#: §7.3: the text ping every socket accepts.
PING_MESSAGE: Final = {"op": "ping"}
#: §7.6: what an execution client subscribes on the private stream.
PRIVATE_TOPICS: Final = ("order", "execution", "position", "wallet")


def topic_orderbook(depth: int, symbol: str) -> str:
    """``orderbook.{depth}.{symbol}``."""
    return f"orderbook.{depth}.{symbol}"


def topic_public_trade(symbol: str) -> str:
    """``publicTrade.{symbol}`` (options take the base coin instead of a symbol)."""
    return f"publicTrade.{symbol}"


def topic_tickers(symbol: str) -> str:
    """``tickers.{symbol}``."""
    return f"tickers.{symbol}"


def topic_kline(interval: BybitKlineInterval, symbol: str) -> str:
    """``kline.{interval}.{symbol}``."""
    return f"kline.{interval.value}.{symbol}"


def option_trade_topic(base_coin: str) -> str:
    """Options stream trades per base coin (``publicTrade.BTC``), not per symbol (§7.5)."""
    return f"publicTrade.{base_coin}"


def subscribe_message(topics: Sequence[str], req_id: str) -> dict[str, Any]:
    """``{"op":"subscribe","req_id":..,"args":[..]}``; the venue echoes ``req_id`` in its ack."""
    return {"op": "subscribe", "req_id": req_id, "args": list(topics)}


def unsubscribe_message(topics: Sequence[str], req_id: str) -> dict[str, Any]:
    """``{"op":"unsubscribe","req_id":..,"args":[..]}``."""
    return {"op": "unsubscribe", "req_id": req_id, "args": list(topics)}


def is_pong(message: Any) -> bool:
    """Whether ``message`` answers our text ping (any of the per-socket shapes of §7.3)."""
    if not isinstance(message, dict):
        return message == "pong"
    return message.get("ret_msg") == "pong" or message.get("op") == "pong"


def text_ping_reply(message: Any) -> dict[str, Any] | None:
    """The pong for a text ping the *venue* sent (``{"op":"ping"}``), or ``None`` for anything else.

    Only a ping is answered, never a pong: the public sockets' pong is ``op:"ping"`` too, told
    apart by ``ret_msg:"pong"`` (and its ``success`` flag) - answering it would start a ping-pong
    loop. The reply is the private socket's pong shape (``op:"pong"``), echoing ``req_id`` when
    the ping carried one so the venue can pair them (§7.3).
    """
    if not isinstance(message, dict) or message.get("op") != "ping" or "topic" in message:
        return None
    if message.get("ret_msg") == "pong" or "success" in message:
        return None
    reply: dict[str, Any] = {"op": "pong"}
    if message.get("req_id") not in (None, ""):
        reply["req_id"] = message["req_id"]
    return reply


def parse_subscription_ack(message: Any) -> SubscriptionAck | None:
    """A subscribe/unsubscribe ack → :class:`SubscriptionAck`; ``None`` for anything else."""
    if not isinstance(message, dict) or "topic" in message:
        return None
    op = message.get("op")
    if message.get("type") == "COMMAND_RESP":
        data = message.get("data") or {}
        failed = tuple(data.get("failTopics") or ())
        return SubscriptionAck(
            op="unsubscribe" if op == "unsubscribe" else "subscribe",
            success=bool(message.get("success")) and not failed,
            req_id=_req_id(message),
            topics=tuple(data.get("successTopics") or ()),
            failed_topics=failed,
            message=str(message.get("ret_msg", "")),
        )
    if op not in ("subscribe", "unsubscribe"):
        return None
    return SubscriptionAck(
        op=op,
        success=bool(message.get("success")),
        req_id=_req_id(message),
        message=str(message.get("ret_msg", "")),
    )


def _req_id(message: dict[str, Any]) -> str | None:
    req_id = message.get("req_id")
    return str(req_id) if req_id not in (None, "") else None


def parse_auth_ack(message: Any) -> AuthResult | None:
    """The private (``success``) or trade (``retCode``) auth ack → :class:`AuthResult` (§7.2)."""
    if not isinstance(message, dict) or message.get("op") != "auth":
        return None
    if "retCode" in message:
        code = int(message["retCode"])
        return AuthResult(success=code == 0, message=str(message.get("retMsg", "")), code=code or None)
    return AuthResult(success=bool(message.get("success")), message=str(message.get("ret_msg", "")))


def category_from_public_url(url: str) -> BybitProductType | None:
    """The category a public socket URL serves (``.../v5/public/linear`` → LINEAR)."""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    try:
        return BybitProductType(tail)
    except ValueError:
        return None
