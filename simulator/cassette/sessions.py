"""WebSocket sessions of a cassette as replay scripts: requests with their replies, and the stream.

A recorded connection becomes a :class:`Session`:

- its **requests** (frames the client sent) with the **replies** the venue sent to each one: an
  ``out`` frame whose JSON ``op`` answers the request's ``op`` (``ping`` is answered by ``pong``
  too) and whose request id, when both carry one, is the request's;
- its **stream**: every other frame the venue sent (data pushes, the venue's own pings), each
  with the time since the step before it and its **gate**: how many of the client's gating
  requests (all but heartbeats) came before it in the recording, and its **REST gate**: how many
  REST requests (on any connection) the recorder had received before the frame came. On replay a
  push waits for both, so data recorded after a subscribe is never pushed before the client
  subscribed, and an order update recorded after an ``order/create`` is never pushed before the
  client sent that request (at ``--speed max`` nothing else would keep that order);
- its **end**: who closed with which code, or an abort, with the same gates and timing.

Client pings and the venue's pongs (control frames) are not scripted: the replay server answers
pings itself.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from simulator.cassette.format import Event, get_bytes
from simulator.cassette.rules import DialectRules

__all__ = ["Push", "Request", "Session", "SessionEnd", "build_sessions", "frame_key", "set_rest_gates"]

#: WebSocket opcodes of the frame kinds a stream holds.
OPCODES = {"text": 0x1, "binary": 0x2, "ping": 0x9, "pong": 0xA}


@dataclass
class Request:
    """A frame the client sent, with the venue's replies to it."""

    key: tuple[str, str]
    payload: str
    ts: int
    gating: bool
    request_id: str | None
    replies: list[bytes] = field(default_factory=list)


class Push(NamedTuple):
    """A frame the venue sent on its own, at ``ts``, once ``gate`` client requests and ``rest_gate``
    REST requests have come.

    A tuple of plain values, not an object: a stream holds millions, and the garbage collector
    stops tracking tuples of atoms, so they cost it nothing on every later collection.
    """

    opcode: int
    payload: bytes
    ts: int
    gate: int
    rest_gate: int = 0


@dataclass
class SessionEnd:
    """How the connection ended: ``closed_by`` client, server or transport-abort."""

    code: int | None
    reason: str
    closed_by: str
    aborted_side: str | None
    ts: int
    gate: int
    rest_gate: int = 0


@dataclass
class Session:
    """One recorded WebSocket connection, ready to replay."""

    conn: str
    path: str
    query: str
    ts: int
    requests: list[Request] = field(default_factory=list)
    stream: list[Push] = field(default_factory=list)
    end: SessionEnd | None = None
    #: How many of :attr:`requests` gate the stream.
    gating_count: int = 0


def _json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _request_id(document: Any, rules: DialectRules) -> str | None:
    if isinstance(document, dict):
        for name in rules.id_fields:
            value = document.get(name)
            if isinstance(value, str | int) and value != "":
                return str(value)
    return None


def frame_key(text: str, rules: DialectRules) -> tuple[str, str]:
    """What a client frame is matched on: its ``op`` and, unless auth or heartbeat, its ``args``.

    A frame that is not a JSON object with an ``op`` is matched on its whole text.
    """
    document = _json(text)
    if not isinstance(document, dict) or not isinstance(document.get("op"), str):
        return ("", text)
    op = document["op"]
    if op.lower() in rules.ws_auth_ops or op.lower() in rules.heartbeat_ops:
        return (op, "")
    return (op, orjson.dumps(document.get("args")).decode("utf-8"))


def _answers(request: Request, reply: Any, rules: DialectRules) -> bool:
    if not isinstance(reply, dict) or not isinstance(reply.get("op"), str):
        return False
    op, wanted = reply["op"], request.key[0]
    if op != wanted and not (wanted.lower() in rules.heartbeat_ops and op.lower() == "pong"):
        return False
    reply_id = _request_id(reply, rules)
    return request.request_id is None or reply_id is None or reply_id == request.request_id


def _add_frame(session: Session, event: Event, rules: DialectRules) -> None:
    kind = event.get("kind", "text")
    ts = event["ts"]
    if event["dir"] == "in":
        if kind == "text":
            text = event.get("data", "")
            document = _json(text)
            key = frame_key(text, rules)
            gating = key[0].lower() not in rules.heartbeat_ops
            session.requests.append(Request(key, text, ts, gating, _request_id(document, rules)))
            session.gating_count += gating
        return
    if kind not in OPCODES or kind == "pong":
        return
    if kind == "text" and '"op"' in event.get("data", ""):  # only a reply carries an op
        document = _json(event["data"])
        for request in session.requests:
            if not request.replies and _answers(request, document, rules):
                request.replies.append(event["data"].encode("utf-8"))
                return
    gate = session.gating_count
    session.stream.append(Push(OPCODES[kind], get_bytes(event, "data"), ts, gate))


def build_sessions(events: Iterable[Event], rules: DialectRules) -> list[Session]:
    """The WebSocket sessions of a cassette's events, in the order they were opened."""
    sessions: dict[str, Session] = {}
    order: list[Session] = []
    rest_ts: list[int] = []
    for event in events:
        kind = event["type"]
        if kind == "http":
            rest_ts.append(event["ts"])
        elif kind == "ws_open":
            session = Session(event["conn"], event["path"], event.get("query", ""), event["ts"])
            sessions[event["conn"]] = session
            order.append(session)
        elif kind == "ws_frame":
            session = sessions.get(event["conn"])
            if session is None:
                continue
            data = event.get("data")
            # The bulk of a stream: a text push that is no reply (no op). Straight to the script.
            if event["dir"] == "out" and data is not None and event["kind"] == "text" and '"op"' not in data:
                session.stream.append(Push(1, data.encode("utf-8"), event["ts"], session.gating_count))
            else:
                _add_frame(session, event, rules)
        elif kind == "ws_close" and event["conn"] in sessions:
            session = sessions[event["conn"]]
            session.end = SessionEnd(
                event.get("code"),
                event.get("reason", ""),
                event.get("closed_by", "server"),
                event.get("aborted_side"),
                event["ts"],
                session.gating_count,
            )
    if rest_ts:
        set_rest_gates(order, rest_ts)
    return order


def set_rest_gates(sessions: Iterable[Session], rest_ts: list[int]) -> None:
    """Gate each push and end on the REST requests received before it (``rest_ts``: their times).

    A REST event's ``ts`` is when the request came in; it is written once answered, so file order
    is not arrival order: counting by time is what keeps cause (the request) before effect (the
    push it triggered).
    """
    ordered = sorted(rest_ts)
    for session in sessions:
        stream = session.stream
        for index, push in enumerate(stream):
            stream[index] = push._replace(rest_gate=bisect_left(ordered, push.ts))
        if session.end is not None:
            session.end.rest_gate = bisect_left(ordered, session.end.ts)
