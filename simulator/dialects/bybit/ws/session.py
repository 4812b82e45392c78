"""One Bybit WebSocket connection's session: its lifecycle, op dispatch, auth and pushes (§7).

A :class:`BybitSession` reads each text frame as a request (:mod:`.requests`) and answers it in
the shape of its socket kind (``spot``, ``linear``, ``inverse``, ``option``, ``private``,
``trade``): ``ping`` (the socket's own pong), ``subscribe``/``unsubscribe`` (public topics via the
:class:`~.public.Publisher`, private topics after auth), ``auth`` (private and trade) and the
trade ops (:class:`~.trade_ops.TradeOps`). Anything else gets the venue's error answer; nothing a
client sends raises.

Lifecycle (checked)::

    OPEN ──auth ok──► AUTHENTICATED
      ├──auth ack delayed / never sent (faults)──► AUTHENTICATING ──ack──► AUTHENTICATED
      └── any ──► CLOSED (the connection ended)

Faults are asked for at each point (open, request, auth, ping, each subscribed topic, each
push) with only the kinds that point applies (see
:mod:`simulator.server.faults.ws_actions`), and every one that fires is journalled under its name.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, Final

import orjson

from simulator.dialects.bybit import auth, errors
from simulator.dialects.bybit.codec.ws_control import NO_REQ_ID, pong, subscribe_ack
from simulator.dialects.bybit.ws.port import FaultHit, Port
from simulator.dialects.bybit.ws.private_feed import mixed_forms
from simulator.dialects.bybit.ws.requests import BadRequest, WsRequest, parse_request
from simulator.dialects.bybit.ws.topics import parse_public_topic

if TYPE_CHECKING:
    from simulator.dialects.bybit.ws.service import BybitWs

__all__ = ["BybitSession", "SessionState"]

_ANY_EVENT = frozenset({"drop_connection", "server_ping", "announce_shutdown"})
#: The fault kinds each point of a session applies (mirrors the server's ``POINT_KINDS``).
OPEN_FAULTS: Final = _ANY_EVENT
REQUEST_FAULTS: Final = _ANY_EVENT | {"drop_after_ack", "malformed_frame"}
AUTH_FAULTS: Final = frozenset({"reject_auth", "delay_auth_ack", "never_ack_auth"})
PING_FAULTS: Final = frozenset({"ignore_ping", "close_on_ping"})
TOPIC_FAULTS: Final = frozenset({"reject_subscription"})
PUSH_FAULTS: Final = _ANY_EVENT | {"duplicate_message", "delay_message", "reorder_message", "malformed_frame"}

#: Spot accepts at most 10 topics per subscribe request (§7.8); the others are treated alike.
MAX_ARGS_PER_REQUEST: Final = 10
#: Characters of topic names one public connection may hold (Bybit: 21,000).
MAX_TOPIC_CHARS: Final = 21_000
#: Why a private subscribe mixing ``order`` and ``order.linear`` forms is refused (§7.6); the
#: venue documents the rule, not its wording.
MIXED_FORMS: Final = "all-in-one and categorised topics cannot be mixed in one request"
#: ``max_active_time`` bounds on private connections, in seconds (§7.8).
MAX_ACTIVE_RANGE_S: Final = (30, 600)


class SessionState(Enum):
    OPEN = "open"
    AUTHENTICATING = "authenticating"
    AUTHENTICATED = "authenticated"
    CLOSED = "closed"

    def can_become(self, other: SessionState) -> bool:
        return other in _TRANSITIONS[self]


_TRANSITIONS: dict[SessionState, frozenset[SessionState]] = {
    SessionState.OPEN: frozenset(
        {SessionState.AUTHENTICATING, SessionState.AUTHENTICATED, SessionState.CLOSED}
    ),
    SessionState.AUTHENTICATING: frozenset(
        {SessionState.AUTHENTICATED, SessionState.OPEN, SessionState.CLOSED}
    ),
    SessionState.AUTHENTICATED: frozenset({SessionState.CLOSED}),
    SessionState.CLOSED: frozenset(),
}


def _dumps(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


class BybitSession:
    """The session of one connection on socket ``kind`` (see the module docstring)."""

    def __init__(self, port: Port, service: BybitWs, kind: str) -> None:
        self.port = port
        self.conn_id = port.conn_id
        self.kind = kind
        self.service = service
        self.state = SessionState.OPEN
        self.topics: set[str] = set()
        self._topic_chars = 0
        self.feed: Any = None  # PrivateFeed once authenticated on /v5/private
        self.trade: Any = None  # TradeOps once authenticated on /v5/trade
        self._held: tuple[str, str] | None = None  # a push held back by reorder_message
        self.api_key: str | None = None  # the key it authenticated with
        #: (exchange, venue ns) when ``max_active_time`` closes the connection, if it was given.
        self.active_until: tuple[Any, int] | None = None

    def __repr__(self) -> str:
        return f"<BybitSession {self.conn_id} {self.kind} {self.state.value}>"

    def _become(self, state: SessionState) -> None:
        if not self.state.can_become(state):
            raise RuntimeError(
                f"session {self.conn_id} is {self.state.value}; it cannot become {state.value}"
            )
        self.state = state

    # -- the connection's callbacks -------------------------------------------------------------

    def on_open(self) -> None:
        hit = self.port.select_fault(OPEN_FAULTS, "open", None)
        if hit is not None:
            self._any_event_fault(hit)

    def on_closed(self) -> None:
        if self.state is not SessionState.CLOSED:
            self._become(SessionState.CLOSED)
        self.service.forget(self)

    def on_binary(self, data: bytes) -> None:
        # The venue speaks text only (§7.1): a binary frame is a request it cannot read.
        self._error(NO_REQ_ID, "", "error:binary frames are not supported, send text JSON")

    def on_ping(self, payload: bytes) -> None:
        hit = self.port.select_fault(PING_FAULTS, "control_ping", None)
        if hit is None:
            self.port.pong(payload)
        elif hit.action.kind == "close_on_ping":
            self.port.close(hit.action.code, hit.action.reason, hit.name)
        # ignore_ping: no answer

    def on_text(self, text: str) -> None:
        request = parse_request(text, trade=self.kind == "trade")
        if isinstance(request, BadRequest):
            self._error(request.req_id, "", request.reason)
            return
        hit = self.port.select_fault(REQUEST_FAULTS, request.op, None)
        if hit is not None and hit.action.kind in _ANY_EVENT:
            self._any_event_fault(hit)
            if hit.action.kind != "server_ping":
                return
            hit = None
        self._reply_fault = hit if hit is not None and hit.action.kind == "malformed_frame" else None
        self._dispatch(request)
        self._reply_fault = None
        if hit is not None and hit.action.kind == "drop_after_ack":
            action = hit.action
            if action.code is None:
                self.port.abort(f"dropped after the {request.op} ack", hit.name, after_queued=True)
            else:
                self.port.close(action.code, action.reason, hit.name)

    # -- requests -------------------------------------------------------------------------------

    _reply_fault: FaultHit | None = None

    def _send_reply(self, message: dict[str, Any]) -> None:
        text = _dumps(message)
        hit = self._reply_fault
        if hit is not None:
            self._reply_fault = None
            self.port.send(hit.action.text if hit.action.text is not None else text[:-1], hit.name)
            return
        self.port.send(text)

    def _dispatch(self, request: WsRequest) -> None:
        op = request.op
        if op == "ping":
            hit = self.port.select_fault(PING_FAULTS, "ping", None)
            if hit is None:
                now_ns = self.service.now_ms() * 1_000_000
                self._send_reply(pong(self.kind, conn_id=self.conn_id, now_ns=now_ns, req_id=request.req_id))
            elif hit.action.kind == "close_on_ping":
                self.port.close(hit.action.code, hit.action.reason, hit.name)
        elif op == "auth" and self.kind in ("private", "trade"):
            self._auth(request)
        elif op in ("subscribe", "unsubscribe") and self.kind != "trade":
            self._subscription(request)
        elif self.kind == "trade" and op in self.service.trade_ops:
            if self.state is not SessionState.AUTHENTICATED or self.trade is None:
                self._error(request.req_id, op, "Request not authorized", code=10003)
                return
            answer = self.trade.handle(request.raw)
            answer["connId"] = self.conn_id
            self._send_reply(answer)
        else:
            self._error(request.req_id, op, f"error:unsupported op: {op}", code=errors.WS_OP_NOT_FOUND.code)

    def _error(self, req_id: object, op: str, reason: str, *, code: int = 10001) -> None:
        """The venue's failure answer: ``success:false`` on public/private, ``retCode`` on trade."""
        if self.kind == "trade":
            message: dict[str, Any] = {} if req_id is NO_REQ_ID else {"reqId": req_id}
            message.update(retCode=code, retMsg=reason, op=op, connId=self.conn_id)
        else:
            message = {"success": False, "ret_msg": reason, "conn_id": self.conn_id}
            if req_id is not NO_REQ_ID:
                message["req_id"] = req_id
            message["op"] = op
        self._send_reply(message)

    # -- auth -----------------------------------------------------------------------------------

    def _auth(self, request: WsRequest) -> None:
        trade = self.kind == "trade"
        if self.state is not SessionState.OPEN:
            if trade:
                self._send_reply(
                    auth.trade_auth_ack(self.conn_id, error=errors.WS_REPEATED_AUTH, req_id=request.req_id)
                )
            else:
                self._send_reply(
                    auth.private_auth_ack(
                        self.conn_id, success=False, ret_msg="Repeat auth", req_id=request.req_id
                    )
                )
            return
        permission = auth.TRADE if trade else None
        result = self.service.verify_auth(request.args, permission)
        hit = self.port.select_fault(AUTH_FAULTS, "auth", None)
        if hit is not None and hit.action.kind == "reject_auth":
            message = hit.action.message
            if trade:
                error = errors.WS_SIGN_ERROR if message is None else errors.VenueError(10004, message)
                ack = auth.trade_auth_ack(self.conn_id, error=error, req_id=request.req_id)
            else:
                reason = message if message is not None else errors.WS_PRIVATE_AUTH_PARAMS_ERROR
                ack = auth.private_auth_ack(
                    self.conn_id, success=False, ret_msg=reason, req_id=request.req_id
                )
            self.port.send(_dumps(ack), hit.name)
            return
        ack = (
            result.trade_ack(self.conn_id, request.req_id)
            if trade
            else result.private_ack(self.conn_id, request.req_id)
        )
        if not result.ok:
            self._send_reply(ack)
            return

        def authenticated(fault: str | None = None) -> None:
            if self.state in (SessionState.CLOSED, SessionState.AUTHENTICATED):
                return
            self._become(SessionState.AUTHENTICATED)
            self.port.account = result.account_id
            self.service.authenticated(self, result)
            if fault is None:
                self._send_reply(ack)
            else:
                self.port.send(_dumps(ack), fault)

        if hit is None:
            authenticated()
        elif hit.action.kind == "delay_auth_ack":
            self._become(SessionState.AUTHENTICATING)
            self.port.call_later(hit.action.seconds, lambda: authenticated(hit.name))
        else:  # never_ack_auth: the client waits for an ack that never comes
            self._become(SessionState.AUTHENTICATING)

    # -- subscriptions --------------------------------------------------------------------------

    def _subscription(self, request: WsRequest) -> None:
        op, args = request.op, request.args
        private = self.kind == "private"
        if not isinstance(args, list) or not args or not all(isinstance(topic, str) for topic in args):
            self._error(request.req_id, op, "error:args must be a non-empty list of topics")
            return
        if private and self.state is not SessionState.AUTHENTICATED:
            for topic in args:
                self.port.record_subscription(op, topic, "unauthenticated")
            self._error(request.req_id, op, "Request not authorized")
            return
        if len(args) > MAX_ARGS_PER_REQUEST and not private:
            for topic in args:
                self.port.record_subscription(op, topic, "limit_exceeded")
            self._error(request.req_id, op, f"error:args size >{MAX_ARGS_PER_REQUEST}")
            return
        if private and op == "subscribe":
            clash = mixed_forms(args)
            if clash is not None:
                reason = f"error:{MIXED_FORMS},topic:{clash}"
                for topic in args:
                    self.port.record_subscription(op, topic, "rejected", reason)
                self._send_reply(
                    subscribe_ack(
                        self.kind, conn_id=self.conn_id, req_id=request.req_id, op=op, success=False,
                        ret_msg=reason,
                    )
                )  # fmt: skip
                return
        accepted: list[Any] = []
        failure: str | None = None
        fault_name: str | None = None
        for topic in args:
            outcome, detail, fault, spec = self._one_topic(op, topic)
            self.port.record_subscription(op, topic, outcome, detail, fault)
            if outcome == "ok":
                accepted.append((topic, spec))
            elif failure is None:
                failure, fault_name = detail, fault
        if failure is not None:
            ack = subscribe_ack(
                self.kind, conn_id=self.conn_id, req_id=request.req_id, op=op, success=False, ret_msg=failure
            )
            if fault_name is not None:
                self.port.send(_dumps(ack), fault_name)
            else:
                self._send_reply(ack)
        else:
            self._send_reply(
                subscribe_ack(self.kind, conn_id=self.conn_id, req_id=request.req_id, op=op, topics=args)
            )
        for _topic, spec in accepted:  # the first message of a topic follows the ack (§7.4)
            if op == "subscribe" and spec is not None:
                self.service.publisher.subscribe(spec, self)

    def _one_topic(self, op: str, topic: str) -> tuple[str, str | None, str | None, Any]:
        """(outcome, failure text, fault name, public topic spec) for one topic of a request."""
        if op == "unsubscribe":
            if topic not in self.topics:
                return "not_subscribed", f"error:topic not subscribed,topic:{topic}", None, None
            self.topics.discard(topic)
            self._topic_chars -= len(topic)
            self.service.publisher.unsubscribe(topic, self)
            return "ok", None, None, None
        if topic in self.topics:
            return "already_subscribed", f"error:already subscribed,topic:{topic}", None, None
        spec = None
        if self.kind == "private":
            if not self.service.is_private_topic(topic):
                return "unknown_topic", f"error:handler not found,topic:{topic}", None, None
        else:
            spec = parse_public_topic(topic, self.kind, self.service.exchange())
            if spec is None:
                return "unknown_topic", f"error:handler not found,topic:{topic}", None, None
            if self._topic_chars + len(topic) > MAX_TOPIC_CHARS:
                return (
                    "limit_exceeded",
                    f"error:topic length over {MAX_TOPIC_CHARS},topic:{topic}",
                    None,
                    None,
                )
        hit = self.port.select_fault(TOPIC_FAULTS, "subscribe", topic)
        if hit is not None:
            text = hit.action.message or f"error:subscription rejected,topic:{topic}"
            return "rejected", text, hit.name, None
        self.topics.add(topic)
        self._topic_chars += len(topic)
        return "ok", None, None, spec

    # -- pushes ---------------------------------------------------------------------------------

    def deliver(self, topic: str, text: str) -> None:
        """Send one push on ``topic``, applying the push faults armed for it."""
        port = self.port
        hit = port.select_fault(PUSH_FAULTS, "push", topic)
        if hit is None:
            port.send(text)
        else:
            self._push_fault(hit, text)
        if self._held is not None and (hit is None or hit.action.kind != "reorder_message"):
            held, fault = self._held
            self._held = None
            port.send(held, fault)

    def _push_fault(self, hit: FaultHit, text: str) -> None:
        kind = hit.action.kind
        if kind == "duplicate_message":
            self.port.send(text, hit.name)
            self.port.send(text, hit.name)
        elif kind == "delay_message":
            self.port.call_later(hit.action.seconds, lambda: self.port.send(text, hit.name))
        elif kind == "reorder_message":
            self._held = (text, hit.name)
        elif kind == "malformed_frame":
            self.port.send(hit.action.text if hit.action.text is not None else text[:-1], hit.name)
        else:
            self._any_event_fault(hit)
            if kind == "server_ping":
                self.port.send(text)

    def _any_event_fault(self, hit: FaultHit) -> None:
        action, port = hit.action, self.port
        if action.kind == "drop_connection":
            if action.code is None:
                port.abort(action.reason or "dropped by fault", hit.name)
            else:
                port.close(action.code, action.reason, hit.name)
        elif action.kind == "server_ping":
            if action.text:
                port.expect_reply(hit.name)
                port.send(_dumps({"op": "ping"}), hit.name)
            else:
                port.ping(action.payload.encode(), hit.name)
        else:  # announce_shutdown
            notice = {"success": True, "ret_msg": action.message, "conn_id": self.conn_id, "op": "notice"}
            port.send(_dumps(notice), hit.name)
            port.close(action.code, action.message, hit.name)
