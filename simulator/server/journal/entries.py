"""The journal's entries: immutable records of what reached the venue and what it sent back.

Entries are :class:`~typing.NamedTuple` subclasses: immutable, cheap to build on the server's hot
path (a WS fan-out records every frame it sends), and readable by field name. Each one starts
with ``seq`` (strictly increasing across the journal, never reused, even after ``clear()``) and
``ts_ns`` (the journal's injected clock at the moment of recording). The journal builds them;
server code only passes the fields that follow.

Each entry type carries its :class:`~simulator.server.journal.enums.EntryKind` as the class
attribute ``KIND`` (not a field, so it costs nothing per entry).
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeAlias
from urllib.parse import parse_qsl

import orjson

from simulator.server.journal.enums import (
    AuthVerdict,
    ClosedBy,
    Direction,
    EntryKind,
    FaultPhase,
    FrameKind,
    SubscriptionOp,
    SubscriptionOutcome,
    WsRole,
)
from simulator.server.journal.plain import plain

__all__ = [
    "ENTRY_TYPES",
    "Entry",
    "ErrorEntry",
    "FaultEntry",
    "Headers",
    "HttpEntry",
    "Payload",
    "SubscriptionEntry",
    "WsClose",
    "WsFrame",
    "WsOpen",
    "find_header",
]

#: Header pairs in the order and spelling they were received or sent.
Headers: TypeAlias = tuple[tuple[str, str], ...]
#: A WebSocket payload: ``str`` for text frames, ``bytes`` for everything else.
Payload: TypeAlias = bytes | str


def find_header(headers: Headers, name: str) -> list[str]:
    """Every value of header ``name`` in ``headers``, compared case-insensitively, in order."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def _as_dict(entry: Any) -> dict[str, Any]:
    # The entry's own kind is written under "type": WsFrame already has a field called "kind".
    document: dict[str, Any] = {"type": entry.KIND.value}
    for name, value in zip(entry._fields, entry, strict=True):
        document[name] = plain(value)
    return document


def _parse_json(data: Payload) -> Any:
    return orjson.loads(data)


class HttpEntry(NamedTuple):
    """One HTTP request and the venue's response to it.

    ``ts_ns`` is when the response was recorded (the request arrived ``duration_ns`` earlier), so
    WS pushes caused by a request may carry smaller sequence numbers than the request itself.
    """

    seq: int
    ts_ns: int
    method: str
    path: str
    #: The raw query string as received, without the ``?``; signatures are computed over it.
    query: str
    headers: Headers
    body: bytes
    #: ``host:port`` of the peer, when the transport knows it.
    remote: str | None
    auth: AuthVerdict
    account_id: str | None
    #: The rate-limit quota keys the request was counted against.
    quota_keys: tuple[str, ...]
    status: int
    response_headers: Headers
    response_body: bytes
    duration_ns: int
    #: Name of the fault applied to this request, or None.
    fault: str | None

    KIND = EntryKind.HTTP
    as_dict = _as_dict

    def header(self, name: str, default: str | None = None) -> str | None:
        """The first request header called ``name`` (any case), or ``default``."""
        values = find_header(self.headers, name)
        return values[0] if values else default

    def response_header(self, name: str, default: str | None = None) -> str | None:
        """The first response header called ``name`` (any case), or ``default``."""
        values = find_header(self.response_headers, name)
        return values[0] if values else default

    def query_params(self) -> dict[str, str]:
        """The query string parsed; when a name repeats, its first value wins."""
        params: dict[str, str] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            params.setdefault(key, value)
        return params

    def json(self) -> Any:
        """The request body parsed as JSON.

        Raises:
            orjson.JSONDecodeError: the body is empty or not JSON (a ``ValueError``).
        """
        return _parse_json(self.body)

    def response_json(self) -> Any:
        """The response body parsed as JSON.

        Raises:
            orjson.JSONDecodeError: the body is empty or not JSON (a ``ValueError``).
        """
        return _parse_json(self.response_body)


class WsOpen(NamedTuple):
    """A WebSocket connection was accepted."""

    seq: int
    ts_ns: int
    conn_id: str
    path: str
    role: WsRole
    remote: str | None
    #: The raw query string of the upgrade request (e.g. Bybit's ``max_active_time``).
    query: str

    KIND = EntryKind.WS_OPEN
    as_dict = _as_dict


class WsFrame(NamedTuple):
    """One WebSocket frame, received (``in``) or sent (``out``)."""

    seq: int
    ts_ns: int
    conn_id: str
    direction: Direction
    kind: FrameKind
    #: ``str`` for text frames; ``bytes`` for binary, ping, pong and close payloads.
    payload: Payload
    fault: str | None

    KIND = EntryKind.WS_FRAME
    as_dict = _as_dict

    def text(self) -> str:
        """The payload as text (bytes decoded as UTF-8, undecodable bytes replaced)."""
        payload = self.payload
        return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")

    def json(self) -> Any:
        """The payload parsed as JSON.

        Raises:
            orjson.JSONDecodeError: the payload is not JSON (a ``ValueError``).
        """
        return _parse_json(self.payload)


class WsClose(NamedTuple):
    """A WebSocket connection ended."""

    seq: int
    ts_ns: int
    conn_id: str
    #: The close code sent or received; None when the transport was aborted without one.
    code: int | None
    reason: str
    closed_by: ClosedBy
    fault: str | None

    KIND = EntryKind.WS_CLOSE
    as_dict = _as_dict


class SubscriptionEntry(NamedTuple):
    """The venue's answer to one topic of a subscribe or unsubscribe request."""

    seq: int
    ts_ns: int
    conn_id: str
    op: SubscriptionOp
    topic: str
    outcome: SubscriptionOutcome
    #: The venue's message for a refusal (what the client was told), or None.
    detail: str | None
    fault: str | None

    KIND = EntryKind.SUBSCRIPTION
    as_dict = _as_dict


class FaultEntry(NamedTuple):
    """A fault was armed, fired or cleared: every fault is observable in the journal."""

    seq: int
    ts_ns: int
    name: str
    phase: FaultPhase
    description: str

    KIND = EntryKind.FAULT
    as_dict = _as_dict


class ErrorEntry(NamedTuple):
    """An exception raised inside the simulator while it served traffic (house rule 10).

    The server records it here and re-raises it into the test; the entry lets a reader of the
    journal (the control plane, a conformance excerpt) see where the venue itself went wrong.
    """

    seq: int
    ts_ns: int
    #: Where it was raised: ``http`` (the request path), ``dialect``, ``driver`` (timers), ``control``.
    source: str
    #: The exception's qualified class name, e.g. ``KeyError``.
    error_type: str
    message: str
    #: The formatted traceback.
    traceback: str

    KIND = EntryKind.ERROR
    as_dict = _as_dict


Entry: TypeAlias = HttpEntry | WsOpen | WsFrame | WsClose | SubscriptionEntry | FaultEntry | ErrorEntry

#: Entry type by kind, in the order of :class:`EntryKind`.
ENTRY_TYPES: dict[EntryKind, type[Entry]] = {
    EntryKind.HTTP: HttpEntry,
    EntryKind.WS_OPEN: WsOpen,
    EntryKind.WS_FRAME: WsFrame,
    EntryKind.WS_CLOSE: WsClose,
    EntryKind.SUBSCRIPTION: SubscriptionEntry,
    EntryKind.FAULT: FaultEntry,
    EntryKind.ERROR: ErrorEntry,
}
