"""Expectations over journal entries that explain themselves when they do not match.

A match object (:class:`HttpMatch`, :class:`WsFrameMatch`, :class:`SubscriptionMatch`) holds the
criteria a test cares about; every criterion left at its default is ignored. Like
pytest-httpserver's ``RequestMatcher.difference()``, :meth:`EntryMatch.differences` does not
answer yes or no: it returns one :class:`Diff` per field that differed (the field, what was
expected, what was recorded), and an entry matches when there are none. The journal ranks recorded
entries by :meth:`EntryMatch.score` to show the closest near-misses when an assertion or a wait
fails.

``json=`` criteria are "contains" checks: a dict matches when every expected key is present with
a matching value (recursively), a list when it has the same length and each item matches, and
:data:`ANY` matches any value that is present. Values are compared with ``==``, so ``"0.1"`` and
``0.1`` differ, as they do on the wire.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import Enum
from typing import Any, ClassVar, Final, Generic, NamedTuple, TypeVar

import orjson

from simulator.server.journal.entries import (
    Entry,
    ErrorEntry,
    FaultEntry,
    HttpEntry,
    Payload,
    SubscriptionEntry,
    WsClose,
    WsFrame,
    WsOpen,
    find_header,
)
from simulator.server.journal.enums import (
    AuthVerdict,
    Direction,
    EntryKind,
    FrameKind,
    SubscriptionOp,
    SubscriptionOutcome,
    WsRole,
)

__all__ = [
    "ANY",
    "Diff",
    "EntryMatch",
    "HttpMatch",
    "NearMiss",
    "SubscriptionMatch",
    "WsFrameMatch",
]

#: Field values shown in a diff are cut to this many characters.
_SHOWN_CHARS = 80


class _Any(Enum):
    ANY = "ANY"

    def __repr__(self) -> str:
        return "ANY"


#: "Any value, but it must be there": a criterion default, and a wildcard inside ``json=``.
ANY: Final = _Any.ANY


class Diff(NamedTuple):
    """One field of an entry that did not meet a criterion."""

    #: The criterion that failed (``json``); several diffs may share one.
    criterion: str
    #: The exact field (``json.qty``, ``query.category``, ``header.X-BAPI-SIGN``).
    field: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"{self.field}: expected {self.expected}, got {self.actual}"


class NearMiss(NamedTuple):
    """A recorded entry that came close to an expectation, and how it differed."""

    entry: Entry
    diffs: tuple[Diff, ...]
    #: Lower is closer; 0 means it matched.
    score: int


def _show(value: Any) -> str:
    if isinstance(value, re.Pattern):
        text = f"re{value.pattern!r}"
    elif isinstance(value, Enum) and value is not ANY:
        text = repr(value.value)
    elif callable(value) and not isinstance(value, type):
        text = getattr(value, "__qualname__", repr(value))
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else f"{text[: _SHOWN_CHARS - 1]}…"


def _same(expected: Any, actual: Any) -> bool:
    if expected is ANY:
        return True
    if isinstance(expected, re.Pattern):
        return isinstance(actual, str) and expected.fullmatch(actual) is not None
    return bool(expected == actual)


def _contains(criterion: str, path: str, expected: Any, actual: Any, out: list[Diff]) -> None:
    """Append a diff for every place where ``actual`` does not contain ``expected``."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            out.append(Diff(criterion, path, "an object", _show(actual)))
            return
        for key, value in expected.items():
            if key not in actual:
                out.append(Diff(criterion, f"{path}.{key}", _show(value), "absent"))
            else:
                _contains(criterion, f"{path}.{key}", value, actual[key], out)
    elif isinstance(expected, list | tuple):
        if not isinstance(actual, list) or len(actual) != len(expected):
            out.append(Diff(criterion, path, f"a list of {len(expected)}", _show(actual)))
            return
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            _contains(criterion, f"{path}[{index}]", want, got, out)
    elif not _same(expected, actual):
        out.append(Diff(criterion, path, _show(expected), _show(actual)))


def _json_contains(criterion: str, expected: Any, data: Payload, out: list[Diff]) -> None:
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        got = "an empty body" if not data else f"non-JSON {_show(data)}"
        out.append(Diff(criterion, criterion, f"JSON containing {_show(expected)}", got))
        return
    _contains(criterion, criterion, expected, parsed, out)


def _check(out: list[Diff], criterion: str, expected: Any, actual: Any) -> None:
    if not _same(expected, actual):
        out.append(Diff(criterion, criterion, _show(expected), _show(actual)))


def _check_where(out: list[Diff], where: Callable[[Any], bool] | None, entry: Entry) -> None:
    if where is not None and not where(entry):
        name = getattr(where, "__qualname__", repr(where))
        out.append(Diff("where", "where", f"{name}(entry) to be true", "false"))


E = TypeVar("E", HttpEntry, WsOpen, WsFrame, WsClose, SubscriptionEntry, FaultEntry, ErrorEntry)


class EntryMatch(Generic[E]):
    """Base of the match objects: criteria over one kind of entry ``E``.

    Subclasses implement :meth:`_differences`; everything else is shared.
    """

    __slots__ = ()

    #: The kind of entry this expectation is about; entries of other kinds never match. (Not
    #: ``kind``: that is a criterion of :class:`WsFrameMatch`, as it is a field of ``WsFrame``.)
    entry_kind: ClassVar[EntryKind]
    #: How much a failed criterion counts when ranking near-misses (default 1): a request to
    #: another path is further away than one with another header.
    weights: ClassVar[Mapping[str, int]] = {}

    def differences(self, entry: Entry, conns: Mapping[str, WsOpen]) -> list[Diff]:
        """Every field of ``entry`` that does not meet a criterion (empty: it matches).

        Parameters:
            entry: a journal entry of any kind.
            conns: the journal's open records by connection id, to resolve ``role=`` and
                ``path=`` of WebSocket criteria.

        Raises:
            Exception: whatever a ``where=`` callable raises.
        """
        if entry.KIND is not self.entry_kind:
            return [Diff("type", "type", repr(self.entry_kind.value), repr(entry.KIND.value))]
        return self._differences(entry, conns)

    def matches(self, entry: Entry, conns: Mapping[str, WsOpen]) -> bool:
        """Whether ``entry`` meets every criterion."""
        return entry.KIND is self.entry_kind and not self._differences(entry, conns)

    def score(self, diffs: list[Diff] | tuple[Diff, ...]) -> int:
        """Distance of an entry with these ``diffs``: the weights of the criteria that failed."""
        return sum(self.weights.get(criterion, 1) for criterion in {diff.criterion for diff in diffs})

    def describe(self) -> str:
        """The expectation in one line, for failure messages."""
        parts = [f"{name}={_show(value)}" for name, value in self._criteria()]
        kind = self.entry_kind.value
        return f"{kind} entry with {', '.join(parts)}" if parts else f"any {kind} entry"

    def _criteria(self) -> list[tuple[str, Any]]:
        defaults = {"account_id": ANY, "fault": ANY}
        return [
            (field.name, getattr(self, field.name))
            for field in fields(self)  # type: ignore[arg-type]
            if getattr(self, field.name) is not defaults.get(field.name)
        ]

    def _differences(self, entry: Any, conns: Mapping[str, WsOpen]) -> list[Diff]:
        raise NotImplementedError  # pragma: no cover


@dataclass(frozen=True, slots=True)
class HttpMatch(EntryMatch[HttpEntry]):
    """Criteria over :class:`HttpEntry`; unset criteria are ignored.

    Parameters:
        method: compared case-insensitively.
        path: exact, or a compiled pattern that must match the whole path.
        query: the exact raw query string, or a mapping of parameters that must be present
            with these values (others may be present too).
        json: the request body parsed as JSON must contain this (see the module docstring).
        body: the exact request body (``str`` is compared as UTF-8).
        headers: request headers that must be present with these values (names in any case).
        status: the response status.
        auth: the auth verdict.
        account_id: the authenticated account (``None``: no account).
        fault: the fault applied (``None``: no fault).
        where: any further check, given the entry.
    """

    method: str | None = None
    path: str | re.Pattern[str] | None = None
    query: str | Mapping[str, Any] | None = None
    json: Any = None
    body: bytes | str | None = None
    headers: Mapping[str, str] | None = None
    status: int | None = None
    auth: AuthVerdict | str | None = None
    account_id: str | _Any | None = ANY
    fault: str | _Any | None = ANY
    where: Callable[[HttpEntry], bool] | None = None

    entry_kind: ClassVar[EntryKind] = EntryKind.HTTP
    weights: ClassVar[Mapping[str, int]] = {"path": 3, "method": 2}

    def _differences(self, entry: HttpEntry, conns: Mapping[str, WsOpen]) -> list[Diff]:
        out: list[Diff] = []
        if self.method is not None and self.method.upper() != entry.method.upper():
            out.append(Diff("method", "method", _show(self.method.upper()), _show(entry.method)))
        if self.path is not None:
            _check(out, "path", self.path, entry.path)
        if isinstance(self.query, str):
            _check(out, "query", self.query, entry.query)
        elif self.query is not None:
            _contains("query", "query", self.query, entry.query_params(), out)
        if self.json is not None:
            _json_contains("json", self.json, entry.body, out)
        if self.body is not None:
            want = self.body.encode() if isinstance(self.body, str) else self.body
            _check(out, "body", want, entry.body)
        for name, value in (self.headers or {}).items():
            found = find_header(entry.headers, name)
            if not found or not _same(value, found[0]):
                out.append(
                    Diff("headers", f"header.{name}", _show(value), _show(found[0]) if found else "absent")
                )
        if self.status is not None:
            _check(out, "status", self.status, entry.status)
        if self.auth is not None:
            _check(out, "auth", self.auth, entry.auth)
        _check(out, "account_id", self.account_id, entry.account_id)
        _check(out, "fault", self.fault, entry.fault)
        _check_where(out, self.where, entry)
        return out


def _conn_field(conns: Mapping[str, WsOpen], conn_id: str, name: str) -> Any:
    opened = conns.get(conn_id)
    return getattr(opened, name) if opened is not None else None


def _check_conn(out: list[Diff], conns: Mapping[str, WsOpen], conn_id: str, role: Any, path: Any) -> None:
    if role is not None:
        _check(out, "role", role, _conn_field(conns, conn_id, "role"))
    if path is not None:
        _check(out, "path", path, _conn_field(conns, conn_id, "path"))


@dataclass(frozen=True, slots=True)
class WsFrameMatch(EntryMatch[WsFrame]):
    """Criteria over :class:`WsFrame`; unset criteria are ignored.

    Parameters:
        conn_id: the connection.
        direction: ``in`` (reached the venue) or ``out`` (sent by it).
        kind: text, binary, ping, pong or close.
        role: the role of the frame's connection (public, private, trade).
        path: the path the frame's connection was opened on (exact or a compiled pattern).
        payload: the exact payload (``str`` and ``bytes`` compared as UTF-8).
        contains: a substring of the payload's text.
        json: the payload parsed as JSON must contain this (see the module docstring).
        fault: the fault applied (``None``: no fault).
        where: any further check, given the entry.
    """

    conn_id: str | None = None
    direction: Direction | str | None = None
    kind: FrameKind | str | None = None
    role: WsRole | str | None = None
    path: str | re.Pattern[str] | None = None
    payload: Payload | None = None
    contains: str | None = None
    json: Any = None
    fault: str | _Any | None = ANY
    where: Callable[[WsFrame], bool] | None = None

    entry_kind: ClassVar[EntryKind] = EntryKind.WS_FRAME
    weights: ClassVar[Mapping[str, int]] = {"direction": 2, "conn_id": 2, "role": 2, "path": 2}

    def _differences(self, entry: WsFrame, conns: Mapping[str, WsOpen]) -> list[Diff]:
        out: list[Diff] = []
        if self.conn_id is not None:
            _check(out, "conn_id", self.conn_id, entry.conn_id)
        if self.direction is not None:
            _check(out, "direction", self.direction, entry.direction)
        if self.kind is not None:
            _check(out, "kind", self.kind, entry.kind)
        _check_conn(out, conns, entry.conn_id, self.role, self.path)
        if self.payload is not None:
            want = self.payload.encode() if isinstance(self.payload, str) else self.payload
            got = entry.payload.encode() if isinstance(entry.payload, str) else entry.payload
            if want != got:
                out.append(Diff("payload", "payload", _show(self.payload), _show(entry.payload)))
        if self.contains is not None and self.contains not in entry.text():
            out.append(
                Diff("contains", "payload", f"text containing {_show(self.contains)}", _show(entry.payload))
            )
        if self.json is not None:
            _json_contains("json", self.json, entry.payload, out)
        _check(out, "fault", self.fault, entry.fault)
        _check_where(out, self.where, entry)
        return out


@dataclass(frozen=True, slots=True)
class SubscriptionMatch(EntryMatch[SubscriptionEntry]):
    """Criteria over :class:`SubscriptionEntry`; unset criteria are ignored.

    Parameters:
        conn_id: the connection.
        op: subscribe or unsubscribe.
        topic: exact, or a compiled pattern that must match the whole topic.
        outcome: the venue's answer.
        role: the role of the connection.
        path: the path the connection was opened on.
        fault: the fault applied (``None``: no fault).
        where: any further check, given the entry.
    """

    conn_id: str | None = None
    op: SubscriptionOp | str | None = None
    topic: str | re.Pattern[str] | None = None
    outcome: SubscriptionOutcome | str | None = None
    role: WsRole | str | None = None
    path: str | re.Pattern[str] | None = None
    fault: str | _Any | None = ANY
    where: Callable[[SubscriptionEntry], bool] | None = None

    entry_kind: ClassVar[EntryKind] = EntryKind.SUBSCRIPTION
    weights: ClassVar[Mapping[str, int]] = {"topic": 3, "conn_id": 2, "op": 2}

    def _differences(self, entry: SubscriptionEntry, conns: Mapping[str, WsOpen]) -> list[Diff]:
        out: list[Diff] = []
        if self.conn_id is not None:
            _check(out, "conn_id", self.conn_id, entry.conn_id)
        if self.op is not None:
            _check(out, "op", self.op, entry.op)
        if self.topic is not None:
            _check(out, "topic", self.topic, entry.topic)
        if self.outcome is not None:
            _check(out, "outcome", self.outcome, entry.outcome)
        _check_conn(out, conns, entry.conn_id, self.role, self.path)
        _check(out, "fault", self.fault, entry.fault)
        _check_where(out, self.where, entry)
        return out
