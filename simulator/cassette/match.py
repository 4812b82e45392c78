"""Matching a live REST request to a recorded one: method, path and parameters, volatile fields ignored.

The parameters of a request are its query parameters plus its body's (a JSON object's top-level
fields, or a form's); the dialect's volatile ones (timestamps, signatures, nonces, recv window)
are left out, and so is any parameter whose recorded value was scrubbed. Requests with equal
keys are answered in recorded order; once all are used, the last one answers again. A request
that matches nothing that way is matched once more without its time-window parameters
(``startTime``, ``endTime``: a client's "the last 7 days" moves with its clock).

A request nothing matches raises :class:`~simulator.cassette.errors.NoRecordedMatch` naming the
closest recorded request and the fields that differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import orjson

from simulator.cassette.errors import NoRecordedMatch
from simulator.cassette.format import Event, get_bytes
from simulator.cassette.rules import SCRUBBED, DialectRules, mask_path

__all__ = ["RequestKey", "RestIndex", "request_key", "request_params"]

_NOT_SET = object()


@dataclass(frozen=True)
class RequestKey:
    """What a request is matched on: method, path and its non-volatile parameters."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        params = "&".join(f"{name}={value}" for name, value in self.params)
        return f"{self.method} {self.path}" + (f" ({params})" if params else "")


def request_params(query: str, body: bytes, rules: DialectRules) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(name, value)
    stripped = body.strip()
    if stripped.startswith(b"{"):
        try:
            document = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            document = None
        if isinstance(document, dict):
            for name, value in document.items():
                text = value if isinstance(value, str) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
                params.setdefault(name, text if isinstance(text, str) else text.decode("utf-8"))
    elif stripped and b"=" in stripped:
        try:
            for name, value in parse_qsl(stripped.decode("utf-8"), keep_blank_values=True):
                params.setdefault(name, value)
        except UnicodeDecodeError:
            pass
    return {name: value for name, value in params.items() if name.lower() not in rules.volatile_params}


def request_key(method: str, path: str, query: str, body: bytes, rules: DialectRules) -> RequestKey:
    """The matching key of a request (see the module docstring for what is left out)."""
    params = request_params(query, body, rules)
    # A secret in the path (a listen key) is SCRUBBED in the recording: mask the live one alike.
    masked, _ = mask_path(path, rules)
    return RequestKey(method.upper(), masked, tuple(sorted(params.items())))


@dataclass
class _Slot:
    """The recorded answers of one key, used in order; the last repeats."""

    events: list[Event] = field(default_factory=list)
    next: int = 0

    def take(self) -> Event:
        event = self.events[min(self.next, len(self.events) - 1)]
        self.next += 1
        return event


def _wildcards(key: RequestKey) -> tuple[RequestKey, frozenset[str]]:
    """The key without scrubbed parameters, and the names of those (they match any value)."""
    scrubbed = frozenset(name for name, value in key.params if value == SCRUBBED)
    if not scrubbed:
        return key, scrubbed
    kept = tuple((name, value) for name, value in key.params if name not in scrubbed)
    return RequestKey(key.method, key.path, kept), scrubbed


class RestIndex:
    """The recorded REST exchanges of a cassette, looked up by request.

    Parameters:
        events: ``http`` events (others are ignored), in recorded order.
        rules: the dialect's rules (volatile parameters).
    """

    def __init__(self, events: Iterable[Event], rules: DialectRules) -> None:
        self.rules = rules
        self._slots: dict[RequestKey, _Slot] = {}
        self._keys: list[RequestKey] = []
        self._scrubbed: dict[RequestKey, frozenset[str]] = {}
        self._windowless: dict[RequestKey, _Slot] = {}
        for event in events:
            if event.get("type") == "http":
                self.add(event)

    def __len__(self) -> int:
        return sum(len(slot.events) for slot in self._slots.values())

    def add(self, event: Event) -> None:
        """Add a recorded exchange (the ``new_episodes`` mode adds what it forwarded)."""
        raw = request_key(
            event["method"], event["path"], event.get("query", ""), get_bytes(event, "body"), self.rules
        )
        key, scrubbed = _wildcards(raw)
        if key not in self._slots:
            self._slots[key] = _Slot()
            self._keys.append(key)
            self._scrubbed[key] = scrubbed
        self._slots[key].events.append(event)
        self._windowless.setdefault(_drop_window(key, self.rules), _Slot()).events.append(event)

    def find(self, method: str, path: str, query: str = "", body: bytes = b"") -> Event:
        """The recorded exchange answering this request.

        Raises:
            NoRecordedMatch: none matches; it names the closest recorded request and the differences.
        """
        key = request_key(method, path, query, body, self.rules)
        slot = self._slots.get(key)
        if slot is not None:
            return slot.take()
        for recorded in self._keys:  # keys with scrubbed parameters: those match any value
            scrubbed = self._scrubbed[recorded]
            if scrubbed and recorded == _drop(key, scrubbed):
                return self._slots[recorded].take()
        windowless = self._windowless.get(_drop_window(key, self.rules))
        if windowless is not None and _has_window(key, self.rules):
            return windowless.take()
        raise self._no_match(key)

    def _no_match(self, key: RequestKey) -> NoRecordedMatch:
        best: RequestKey | None = None
        best_diff: list[str] = []
        best_score = -1
        for recorded in self._keys:
            diff = _differences(key, recorded, self._scrubbed[recorded])
            score = (recorded.method == key.method) * 1000 + (recorded.path == key.path) * 100 - len(diff)
            if score > best_score:
                best, best_diff, best_score = recorded, diff, score
        if best is None:
            return NoRecordedMatch(key.describe(), None, [])
        return NoRecordedMatch(key.describe(), best.describe(), best_diff)


def _drop(key: RequestKey, names: frozenset[str]) -> RequestKey:
    return RequestKey(key.method, key.path, tuple((n, v) for n, v in key.params if n not in names))


def _drop_window(key: RequestKey, rules: DialectRules) -> RequestKey:
    return RequestKey(
        key.method, key.path, tuple((n, v) for n, v in key.params if n.lower() not in rules.window_params)
    )


def _has_window(key: RequestKey, rules: DialectRules) -> bool:
    return any(name.lower() in rules.window_params for name, _ in key.params)


def _differences(got: RequestKey, recorded: RequestKey, scrubbed: frozenset[str]) -> list[str]:
    diff: list[str] = []
    if got.method != recorded.method:
        diff.append(f"method: got {got.method}, recorded {recorded.method}")
    if got.path != recorded.path:
        diff.append(f"path: got {got.path}, recorded {recorded.path}")
    mine = dict(got.params)
    theirs = dict(recorded.params)
    for name in sorted(mine.keys() | theirs.keys()):
        if name in scrubbed:
            continue
        value, other = mine.get(name, _NOT_SET), theirs.get(name, _NOT_SET)
        if value is _NOT_SET:
            diff.append(f"{name}: missing, recorded {other!r}")
        elif other is _NOT_SET:
            diff.append(f"{name}: got {value!r}, not in the recording")
        elif value != other:
            diff.append(f"{name}: got {value!r}, recorded {other!r}")
    return diff
