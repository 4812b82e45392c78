"""WebSocket fault actions: what a ``channel: ws`` rule does to a connection, a request or a push.

Each action is immutable data with a ``kind`` (the YAML/JSON name) and reads itself from a
``{"kind": ..., **params}`` mapping; importing this module registers every reader in
:data:`~simulator.server.faults.actions.WS_ACTIONS`. The WebSocket sessions apply them; each
session point asks :meth:`Faults.select_ws` only for the kinds that make sense there
(:data:`POINT_KINDS`), so a ``reject_auth`` is never spent on a subscribe.

Where each kind applies (the ``op`` a rule can match at that point):

========================= ============================================================================
``drop_connection``       the next event of a connection (``op: open`` when it connects, a request's
                          op, ``op: push`` with a topic): close with ``code`` (``reason``), or with
                          ``code: null`` abort the transport silently (no close frame)
``drop_after_ack``        a request (``op``): answer it, then close (``code``) or abort (``code: null``)
``ignore_ping``           a ping (``op: ping`` for ``{"op":"ping"}``, ``op: control_ping`` for a
                          protocol PING): no answer
``close_on_ping``         a ping: close with ``code`` instead of answering
``server_ping``           any event: the server sends a protocol PING with ``payload`` (or, with
                          ``text: true``, a text ``{"op":"ping"}``); the client's reply is journalled
                          with the fault's name
``reject_auth``           ``op: auth``: a failure ack (``message``), the connection stays unauthenticated
``delay_auth_ack``        ``op: auth``: the ack is sent ``seconds`` (wall) later
``never_ack_auth``        ``op: auth``: no ack at all; the connection stays unauthenticated
``reject_subscription``   a subscribe, per topic (``topic``): a failure ack (``message``)
``skip_sequence``         an order-book push (``op: push``, ``topic``): ``u`` and ``seq`` jump by ``by``+1
``repeat_sequence``       an order-book push: the previous ``u`` is sent again
``stale_snapshot``        an order-book push: a snapshot of the book as it was one push earlier,
                          with that push's older ``u``
``restart_book``          an order-book push: a full snapshot with ``u: 1`` (a simulated restart)
``duplicate_message``     a push to one connection (``op: push``, ``topic``): sent twice
``delay_message``         a push: sent ``seconds`` (wall) later; later pushes are not held
``reorder_message``       a push: held and sent right after the connection's next push
``malformed_frame``       a push or a reply: the text without its last byte (or ``text``)
``announce_shutdown``     any event: a text notice (``message``), then a close with ``code`` (1001)
========================= ============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from simulator.server.errors import FaultSpecError
from simulator.server.faults import params as p
from simulator.server.faults.actions import WS_ACTIONS, FaultAction

__all__ = [
    "POINT_KINDS",
    "WS_ACTION_TYPES",
    "AnnounceShutdown",
    "CloseOnPing",
    "DelayAuthAck",
    "DelayMessage",
    "DropAfterAck",
    "DropConnection",
    "DuplicateMessage",
    "IgnorePing",
    "MalformedFrame",
    "NeverAckAuth",
    "RejectAuth",
    "RejectSubscription",
    "ReorderMessage",
    "RepeatSequence",
    "RestartBook",
    "ServerPing",
    "SkipSequence",
    "StaleSnapshot",
    "WsFaultAction",
]


def _check(kind: str, params: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(params) - {"kind", *allowed})
    if unknown:
        takes = ", ".join(allowed) if allowed else "no parameters"
        raise FaultSpecError(f"action.{unknown[0]}", f"unknown parameter for {kind}; it takes {takes}")


def _text(params: Mapping[str, Any], name: str, default: str = "") -> str:
    """An optional text parameter (empty allowed)."""
    value = params.get(name, default)
    if not isinstance(value, str):
        raise FaultSpecError(f"action.{name}", f"expected text, got {value!r}")
    return value


def _close_code(value: Any) -> int | None:
    """A WebSocket close code (1000-4999), or None for a silent abort."""
    if value is None:
        return None
    return p.integer(value, "action.code", minimum=1000, maximum=4999)


@dataclass(frozen=True, slots=True)
class WsFaultAction(FaultAction):
    """Base of the WebSocket actions: channel ``ws``, no parameters unless a subclass adds them."""

    CHANNEL: ClassVar[str] = "ws"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FaultAction:
        _check(cls.KIND, params, ())
        return cls()


@dataclass(frozen=True, slots=True)
class _CloseAction(WsFaultAction):
    """Shared shape of the closing actions: ``code`` (None aborts silently) and ``reason``."""

    code: int | None = None
    reason: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> _CloseAction:
        _check(cls.KIND, params, ("code", "reason"))
        return cls(_close_code(params.get("code")), _text(params, "reason"))


@dataclass(frozen=True, slots=True)
class _MessageAction(WsFaultAction):
    """Shared shape of the refusing actions: an optional failure ``message``."""

    message: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> _MessageAction:
        _check(cls.KIND, params, ("message",))
        return cls(p.optional_text(params.get("message"), "action.message"))


@dataclass(frozen=True, slots=True)
class DropConnection(_CloseAction):
    """Close the connection (``code``, ``reason``), or abort it silently when ``code`` is None."""

    KIND: ClassVar[str] = "drop_connection"


@dataclass(frozen=True, slots=True)
class DropAfterAck(_CloseAction):
    """Answer the matched request, then close (``code``) or abort (``code`` None)."""

    KIND: ClassVar[str] = "drop_after_ack"


@dataclass(frozen=True, slots=True)
class IgnorePing(WsFaultAction):
    """Leave a ping (text or protocol) unanswered."""

    KIND: ClassVar[str] = "ignore_ping"


@dataclass(frozen=True, slots=True)
class CloseOnPing(WsFaultAction):
    """Close the connection with ``code`` instead of answering a ping."""

    KIND: ClassVar[str] = "close_on_ping"
    code: int = 1000
    reason: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CloseOnPing:
        _check(cls.KIND, params, ("code", "reason"))
        code = _close_code(params.get("code", 1000))
        return cls(1000 if code is None else code, _text(params, "reason"))


@dataclass(frozen=True, slots=True)
class ServerPing(WsFaultAction):
    """The server pings: a protocol PING carrying ``payload``, or a text ``{"op":"ping"}``."""

    KIND: ClassVar[str] = "server_ping"
    payload: str = ""
    text: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ServerPing:
        _check(cls.KIND, params, ("payload", "text"))
        payload = _text(params, "payload")
        if len(payload.encode()) > 125:
            raise FaultSpecError("action.payload", "a control frame carries at most 125 bytes")
        return cls(payload, p.boolean(params.get("text", False), "action.text"))


@dataclass(frozen=True, slots=True)
class RejectAuth(_MessageAction):
    """Answer ``op:auth`` with a failure ack (``message``: the venue's text by default)."""

    KIND: ClassVar[str] = "reject_auth"


@dataclass(frozen=True, slots=True)
class DelayAuthAck(WsFaultAction):
    """Send the auth ack ``seconds`` (wall clock) late."""

    KIND: ClassVar[str] = "delay_auth_ack"
    seconds: float = 1.0

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DelayAuthAck:
        _check(cls.KIND, params, ("seconds",))
        return cls(p.duration_s(params.get("seconds", 1.0), "action.seconds"))


@dataclass(frozen=True, slots=True)
class NeverAckAuth(WsFaultAction):
    """Never answer ``op:auth``; the connection stays unauthenticated."""

    KIND: ClassVar[str] = "never_ack_auth"


@dataclass(frozen=True, slots=True)
class RejectSubscription(_MessageAction):
    """Refuse the subscription of the matched topic (``message``: the failure text)."""

    KIND: ClassVar[str] = "reject_subscription"


@dataclass(frozen=True, slots=True)
class SkipSequence(WsFaultAction):
    """An order-book push whose ``u`` (and ``seq``) skip ``by`` numbers."""

    KIND: ClassVar[str] = "skip_sequence"
    by: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SkipSequence:
        _check(cls.KIND, params, ("by",))
        return cls(p.integer(params.get("by", 1), "action.by", minimum=1))


@dataclass(frozen=True, slots=True)
class RepeatSequence(WsFaultAction):
    """An order-book push that repeats the previous ``u``."""

    KIND: ClassVar[str] = "repeat_sequence"


@dataclass(frozen=True, slots=True)
class StaleSnapshot(WsFaultAction):
    """A snapshot of the book as it was one push earlier, with that push's older ``u``."""

    KIND: ClassVar[str] = "stale_snapshot"


@dataclass(frozen=True, slots=True)
class RestartBook(WsFaultAction):
    """A full snapshot with ``u: 1``: the book service restarted."""

    KIND: ClassVar[str] = "restart_book"


@dataclass(frozen=True, slots=True)
class DuplicateMessage(WsFaultAction):
    """Send one push twice."""

    KIND: ClassVar[str] = "duplicate_message"


@dataclass(frozen=True, slots=True)
class DelayMessage(WsFaultAction):
    """Send one push ``seconds`` (wall clock) late."""

    KIND: ClassVar[str] = "delay_message"
    seconds: float = 0.5

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DelayMessage:
        _check(cls.KIND, params, ("seconds",))
        return cls(p.duration_s(params.get("seconds", 0.5), "action.seconds"))


@dataclass(frozen=True, slots=True)
class ReorderMessage(WsFaultAction):
    """Hold one push and send it right after the connection's next push."""

    KIND: ClassVar[str] = "reorder_message"


@dataclass(frozen=True, slots=True)
class MalformedFrame(WsFaultAction):
    """Replace one outgoing text frame by broken JSON (the text minus its last byte, or ``text``)."""

    KIND: ClassVar[str] = "malformed_frame"
    text: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> MalformedFrame:
        _check(cls.KIND, params, ("text",))
        return cls(p.optional_text(params.get("text"), "action.text"))


@dataclass(frozen=True, slots=True)
class AnnounceShutdown(WsFaultAction):
    """Send a text notice that the server is going down, then close with ``code``."""

    KIND: ClassVar[str] = "announce_shutdown"
    code: int = 1001
    message: str = "server shutting down"

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> AnnounceShutdown:
        _check(cls.KIND, params, ("code", "message"))
        code = _close_code(params.get("code", 1001))
        message = _text(params, "message", "server shutting down")
        return cls(1001 if code is None else code, message)


#: Every WebSocket action class, by kind.
WS_ACTION_TYPES: Final[dict[str, type[WsFaultAction]]] = {
    cls.KIND: cls
    for cls in (
        DropConnection,
        DropAfterAck,
        IgnorePing,
        CloseOnPing,
        ServerPing,
        RejectAuth,
        DelayAuthAck,
        NeverAckAuth,
        RejectSubscription,
        SkipSequence,
        RepeatSequence,
        StaleSnapshot,
        RestartBook,
        DuplicateMessage,
        DelayMessage,
        ReorderMessage,
        MalformedFrame,
        AnnounceShutdown,
    )
}

_ANY_EVENT = frozenset({"drop_connection", "server_ping", "announce_shutdown"})

#: The kinds each session point applies (the ``accept`` of :meth:`Faults.select_ws`).
POINT_KINDS: Final[dict[str, frozenset[str]]] = {
    "open": _ANY_EVENT,
    "request": _ANY_EVENT | {"drop_after_ack", "malformed_frame"},
    "auth": frozenset({"reject_auth", "delay_auth_ack", "never_ack_auth"}),
    "ping": frozenset({"ignore_ping", "close_on_ping"}),
    "subscribe_topic": frozenset({"reject_subscription"}),
    "book": frozenset({"skip_sequence", "repeat_sequence", "stale_snapshot", "restart_book"}),
    "push": _ANY_EVENT | {"duplicate_message", "delay_message", "reorder_message", "malformed_frame"},
}

WS_ACTIONS.update({kind: cls.from_params for kind, cls in WS_ACTION_TYPES.items()})
