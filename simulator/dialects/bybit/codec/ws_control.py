"""WebSocket control frames: subscribe/unsubscribe acks, pongs and trade-stream responses.

Each socket kind answers in its own shape (§7.3, §7.4, §7.7), and clients depend on the
differences: public pongs carry ``op:"ping"`` with ``ret_msg:"pong"``, private and trade pongs
``op:"pong"`` (rule 29); ``req_id``/``reqId`` is echoed byte for byte with its JSON type (rule 28),
and omitted, or sent as ``""`` where the reference shows that, when the client sent none. Auth
acks live with the auth rules in :mod:`simulator.dialects.bybit.auth`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from simulator.core.clock import NS_PER_MS

__all__ = [
    "NO_REQ_ID",
    "SOCKETS",
    "TRADE_OPS",
    "pong",
    "subscribe_ack",
    "trade_header",
    "trade_response",
]

#: The socket kinds, by URL path: ``/v5/public/{spot|linear|inverse|option}``, ``/v5/private``,
#: ``/v5/trade`` (§7.1).
SOCKETS: Final = ("spot", "linear", "inverse", "option", "private", "trade")
#: Appendix A: WS trade ``op``.
TRADE_OPS: Final = (
    "order.create",
    "order.amend",
    "order.cancel",
    "order.create-batch",
    "order.amend-batch",
    "order.cancel-batch",
)


class _NoReqId:
    """The client sent no ``req_id``/``reqId`` (distinct from ``None``, ``""`` or ``0``)."""

    _instance: _NoReqId | None = None

    def __new__(cls) -> _NoReqId:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_REQ_ID"


NO_REQ_ID: Final = _NoReqId()


def _check_socket(socket: str, allowed: Iterable[str] = SOCKETS) -> None:
    if socket not in allowed:
        raise ValueError(f"unknown socket kind {socket!r} (one of {', '.join(allowed)})")


def subscribe_ack(
    socket: str,
    *,
    conn_id: str,
    req_id: object = NO_REQ_ID,
    op: str = "subscribe",
    success: bool = True,
    ret_msg: str | None = None,
    topics: Iterable[str] = (),
) -> dict[str, Any]:
    """The ack of a subscribe or unsubscribe request on a public or private socket (§7.4).

    Parameters:
        socket: ``spot``, ``linear``, ``inverse``, ``option`` or ``private``.
        conn_id: the connection's id.
        req_id: the request's ``req_id`` as received (any JSON type), or :data:`NO_REQ_ID`.
        op: ``subscribe`` or ``unsubscribe``.
        success: False only for a genuinely invalid request (a failure ack kills pybit's
            socket thread, rule 30).
        ret_msg: the message; by default ``"subscribe"`` on a successful public spot subscribe,
            else ``""``. Failures read like ``"error:handler not found,topic:<topic>"``.
        topics: the topics of the request (option acks list them in ``successTopics``).

    Raises:
        ValueError: an unknown socket kind or op (the trade socket has no subscriptions).
    """
    _check_socket(socket, ("spot", "linear", "inverse", "option", "private"))
    if op not in ("subscribe", "unsubscribe"):
        raise ValueError(f"op must be subscribe or unsubscribe, not {op!r}")
    sent = req_id is not NO_REQ_ID
    if socket == "option" and success:
        topic_list = list(topics)
        ack: dict[str, Any] = {
            "success": True,
            "conn_id": conn_id,
            "data": {"failTopics": [], "successTopics": topic_list},
            "type": "COMMAND_RESP",
        }
        if sent:
            ack["req_id"] = req_id
        # Other clients only recognise the ack by op; adding it is harmless (§7.4).
        ack["op"] = op
        return ack
    if ret_msg is None:
        ret_msg = "subscribe" if socket == "spot" and success and op == "subscribe" else ""
    if socket == "private":
        ack = {"success": success, "ret_msg": ret_msg, "op": op, "conn_id": conn_id}
        if sent:
            ack["req_id"] = req_id
        return ack
    ack = {"success": success, "ret_msg": ret_msg, "conn_id": conn_id}
    if sent:
        ack["req_id"] = req_id
    elif socket in ("linear", "inverse") or not success:
        ack["req_id"] = ""  # §7.4: linear/inverse acks (and failures) always carry req_id
    ack["op"] = op
    return ack


def pong(socket: str, *, conn_id: str, now_ns: int, req_id: object = NO_REQ_ID) -> dict[str, Any]:
    """The answer to a text ``{"op":"ping"}`` on each socket kind (§7.3).

    Parameters:
        socket: one of :data:`SOCKETS`.
        conn_id: the connection's id.
        now_ns: the venue clock (private, option and trade pongs carry it in ms as a string).
        req_id: the ping's ``req_id``/``reqId`` as received, or :data:`NO_REQ_ID`.
    """
    _check_socket(socket)
    sent = req_id is not NO_REQ_ID
    now_ms = str(now_ns // NS_PER_MS)
    if socket == "spot":
        message: dict[str, Any] = {"success": True, "ret_msg": "pong", "conn_id": conn_id}
        if sent:
            message["req_id"] = req_id
        message["op"] = "ping"
        return message
    if socket in ("linear", "inverse"):
        return {
            "success": True,
            "ret_msg": "pong",
            "conn_id": conn_id,
            "req_id": req_id if sent else "",
            "op": "ping",
        }
    if socket == "option":
        message = {"args": [now_ms], "op": "pong"}
        if sent:
            message["req_id"] = req_id
        return message
    if socket == "private":
        return {"req_id": req_id if sent else "", "op": "pong", "args": [now_ms], "conn_id": conn_id}
    message = {}
    if sent:
        message["reqId"] = req_id
    message.update(retCode=0, retMsg="OK", op="pong", data=[now_ms], connId=conn_id)
    return message


def trade_header(*, limit: int, remaining: int, reset_ms: int, trace_id: str, now_ms: int) -> dict[str, str]:
    """The ``header`` object of a trade-stream response: rate-limit figures and times as strings."""
    return {
        "X-Bapi-Limit": str(limit),
        "X-Bapi-Limit-Status": str(remaining),
        "X-Bapi-Limit-Reset-Timestamp": str(reset_ms),
        "Traceid": trace_id,
        "Timenow": str(now_ms),
    }


def trade_response(
    op: str,
    *,
    conn_id: str,
    data: Mapping[str, Any],
    header: Mapping[str, str],
    req_id: object = NO_REQ_ID,
    ret_code: int = 0,
    ret_msg: str = "OK",
    ret_ext_info: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer to a ``/v5/trade`` request (§7.7).

    Parameters:
        op: the request's op (one of :data:`TRADE_OPS`), echoed.
        conn_id: the connection's id (``connId``, required).
        data: the REST ``result`` of the op (``{orderId, orderLinkId}``, or ``{list:[...]}`` for
            batches); ``{}`` on errors.
        header: :func:`trade_header`.
        req_id: the request's ``reqId`` as received, or :data:`NO_REQ_ID` (then omitted).
        ret_code, ret_msg: the outcome, as on REST.
        ret_ext_info: ``{list:[{code,msg}]}`` for batches; ``{}`` by default.

    Raises:
        ValueError: ``op`` is not a trade op.
    """
    if op not in TRADE_OPS:
        raise ValueError(f"unknown trade op {op!r} (one of {', '.join(TRADE_OPS)})")
    message: dict[str, Any] = {}
    if req_id is not NO_REQ_ID:
        message["reqId"] = req_id
    message.update(
        retCode=ret_code,
        retMsg=ret_msg,
        op=op,
        data=dict(data),
        retExtInfo=dict(ret_ext_info) if ret_ext_info is not None else {},
        header=dict(header),
        connId=conn_id,
    )
    return message
