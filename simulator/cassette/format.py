"""The cassette file: versioned JSONL, one event per line, append-only, flushed line by line.

The first line is the header (``{"type": "cassette", "version": 1, ...}``); every other line is
one event (``http``, ``ws_open``, ``ws_frame``, ``ws_close``; see ``cassette.schema.json`` next
to this module). A writer writes each event as one line and flushes it at once, so a recorder
killed mid-session leaves a file whose every complete line is valid: the loader keeps that
prefix and warns about the cut line (:class:`~simulator.cassette.errors.CassetteWarning`).

Bytes that are not UTF-8 text are stored base64-encoded under the field name with ``_b64``
appended (``body_b64``, ``data_b64``): see :func:`put_bytes` and :func:`get_bytes`.
"""

from __future__ import annotations

import base64
import datetime
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import orjson

from simulator.cassette.errors import (
    CassetteFormatError,
    CassetteUsageError,
    CassetteVersionError,
    CassetteWarning,
)

__all__ = [
    "EVENT_TYPES",
    "FORMAT_VERSION",
    "Cassette",
    "CassetteWriter",
    "Event",
    "EventReader",
    "get_bytes",
    "load",
    "make_header",
    "put_bytes",
]

#: The cassette format version this module writes and reads.
FORMAT_VERSION: Final = 1
#: The event types a cassette line may hold after the header.
EVENT_TYPES: Final = frozenset({"http", "ws_open", "ws_frame", "ws_close"})
#: One event: a JSON object (see ``cassette.schema.json``).
Event = dict[str, Any]


def put_bytes(event: Event, name: str, data: bytes | str) -> None:
    """Store ``data`` under ``name`` as text when it is UTF-8, else base64 under ``name + "_b64"``."""
    if isinstance(data, str):
        event[name] = data
        return
    try:
        event[name] = data.decode("utf-8")
    except UnicodeDecodeError:
        event[name + "_b64"] = base64.b64encode(data).decode("ascii")


def get_bytes(event: Event, name: str) -> bytes:
    """The bytes stored under ``name`` (or ``name + "_b64"``); empty when neither is there."""
    text = event.get(name)
    if text is not None:
        return text.encode("utf-8")
    encoded = event.get(name + "_b64")
    return base64.b64decode(encoded) if encoded is not None else b""


def make_header(
    source: str,
    *,
    dialect: str | None = None,
    scrub: str | None = None,
    upstream_rest: str | None = None,
    upstream_ws: str | None = None,
) -> Event:
    """The header line of a new cassette.

    Parameters:
        source: what recorded it (``proxy``, ``simulator``, ``bench`` ...).
        dialect: the venue dialect whose scrub and match rules apply, if known.
        scrub: the name of the scrub rule set applied.
        upstream_rest, upstream_ws: where the proxy forwarded to.
    """
    return {
        "type": "cassette",
        "version": FORMAT_VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "source": source,
        "dialect": dialect,
        "scrub": scrub,
        "upstream_rest": upstream_rest,
        "upstream_ws": upstream_ws,
    }


@dataclass
class Cassette:
    """A loaded cassette: its header and its events in recorded order.

    Attributes:
        path: the file it was loaded from.
        header: the header line.
        events: every event after the header.
        truncated: whether the last line was cut short (and dropped).
    """

    path: Path
    header: Event
    events: list[Event] = field(default_factory=list)
    truncated: bool = False

    @property
    def dialect(self) -> str | None:
        return self.header.get("dialect")

    def of_type(self, kind: str) -> list[Event]:
        """The events of one type (``http``, ``ws_open`` ...), in recorded order."""
        return [event for event in self.events if event["type"] == kind]


def _check_event(path: Path, number: int, event: Any) -> None:
    # The common case in one expression: this runs once per line of million-line cassettes.
    if (
        type(event) is dict
        and event.get("type") in EVENT_TYPES
        and type(event.get("ts")) is int
        and (type(event.get("conn")) is str or event["type"] == "http")
    ):
        return
    if not isinstance(event, dict):
        raise CassetteFormatError(path, number, f"expected a JSON object, got {type(event).__name__}")
    kind = event.get("type")
    if kind not in EVENT_TYPES:
        raise CassetteFormatError(
            path, number, f"unknown event type {kind!r} (known: {', '.join(sorted(EVENT_TYPES))})"
        )
    if not isinstance(event.get("ts"), int):
        raise CassetteFormatError(path, number, f"the {kind} event has no integer 'ts'")
    if kind != "http" and not isinstance(event.get("conn"), str):
        raise CassetteFormatError(path, number, f"the {kind} event has no string 'conn'")


def _parse_header(path: Path, line: bytes) -> Event:
    try:
        header = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise CassetteFormatError(path, 1, f"the header line is not JSON ({exc})") from None
    if not isinstance(header, dict) or header.get("type") != "cassette":
        raise CassetteFormatError(
            path,
            1,
            'the first line is not a cassette header ({"type": "cassette", "version": ...})',
            "is this a venuekit cassette? Record one with `venuekit record`",
        )
    if header.get("version") != FORMAT_VERSION:
        raise CassetteVersionError(path, header.get("version"), FORMAT_VERSION)
    return header


class EventReader:
    """Reads a cassette lazily: the header at once, then the events one at a time as iterated.

    Iterating holds one line in memory at a time, so a cassette of a million frames is never a
    million dicts at once (the replay server builds its scripts from the stream). Each line is
    checked as it is read; a last line cut short ends the iteration with a
    :class:`CassetteWarning` and sets :attr:`truncated`.

    Parameters:
        path: the cassette file.

    Raises:
        FileNotFoundError: there is no such file.
        CassetteVersionError: the header names another format version.
        CassetteFormatError: the file is empty or its header is missing or cut short; while
            iterating, a complete line that is not a valid event (the message names the line).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        #: Whether the last line was cut short (known once iterated to the end).
        self.truncated = False
        #: Events read so far.
        self.count = 0
        with self.path.open("rb") as file:
            first = file.readline()
        if not first:
            raise CassetteFormatError(
                self.path, 1, "the file is empty (no header line)", "record a cassette first"
            )
        if not first.endswith(b"\n") and not _is_json(first):
            raise CassetteFormatError(self.path, 1, "the header line is cut short", "re-record the cassette")
        self.header: Event = _parse_header(self.path, first)

    def __iter__(self) -> Iterator[Event]:
        path, loads = self.path, orjson.loads
        with path.open("rb", buffering=1 << 20) as file:
            file.readline()  # the header, read already
            for number, line in enumerate(file, start=2):
                try:
                    event = loads(line)
                except orjson.JSONDecodeError as exc:
                    if not line.endswith(b"\n"):  # the last line, cut short by a stopped recorder
                        self.truncated = True
                        warnings.warn(
                            f"{path}:{number}: the last line is cut short (the recorder stopped "
                            f"mid-write); using the {self.count} complete events before it",
                            CassetteWarning,
                            stacklevel=2,
                        )
                        return
                    raise CassetteFormatError(path, number, f"the line is not valid JSON ({exc})") from None
                _check_event(path, number, event)
                self.count += 1
                yield event


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def load(path: str | os.PathLike[str]) -> Cassette:
    """Load a cassette file (every event in memory; :class:`EventReader` streams them instead).

    A last line cut short (no newline, not JSON) is dropped with a :class:`CassetteWarning`:
    the events before it are returned (``truncated`` is True).

    Raises:
        FileNotFoundError: there is no such file.
        CassetteVersionError: the header names another format version.
        CassetteFormatError: the file is empty, the header is missing, or a complete line is
            not a valid event (the message names the line).
    """
    reader = EventReader(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CassetteWarning)
        events = list(reader)
    for warning in caught:  # re-issued here, so that it points at load's caller
        warnings.warn(warning.message, warning.category, stacklevel=2)
    return Cassette(reader.path, reader.header, events, reader.truncated)


class CassetteWriter:
    """Writes a cassette: the header once, then one flushed line per event.

    Parameters:
        path: the cassette file.
        header: the header of a new cassette (see :func:`make_header`).
        append: keep an existing cassette and add events after it (its header stays; a cut last
            line is removed first). A missing or empty file is started with ``header``.
        scrub: applied to every event before it is encoded (secrets never reach the file).

    Raises:
        CassetteFormatError, CassetteVersionError: ``append`` to a file that is not a cassette.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        header: Event,
        *,
        append: bool = False,
        scrub: Callable[[Event], Event] | None = None,
    ) -> None:
        self.path = Path(path)
        self._scrub = scrub
        self.events_written = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existing = append and self.path.exists() and self.path.stat().st_size > 0
        if existing:
            self._cut_partial_tail()
            with self.path.open("rb") as check:
                _parse_header(self.path, check.readline())
        self._file: IO[bytes] | None = self.path.open("ab" if existing else "wb")
        if not existing:
            self._file.write(orjson.dumps(header) + b"\n")
            self._file.flush()

    def _cut_partial_tail(self) -> None:
        data = self.path.read_bytes()
        if data.endswith(b"\n"):
            return
        keep = data.rfind(b"\n") + 1
        if keep == 0:
            raise CassetteFormatError(self.path, 1, "the header line is cut short", "re-record the cassette")
        with self.path.open("r+b") as file:
            file.truncate(keep)

    @property
    def closed(self) -> bool:
        return self._file is None

    def write(self, event: Event) -> None:
        """Scrub, encode and append one event, flushed to the OS before returning.

        Raises:
            CassetteUsageError: the writer is closed.
        """
        if self._file is None:
            raise CassetteUsageError(f"the cassette writer of {self.path} is closed: open a new one")
        if self._scrub is not None:
            event = self._scrub(event)
        self._file.write(orjson.dumps(event) + b"\n")
        self._file.flush()
        self.events_written += 1

    def write_all(self, events: Iterable[Event]) -> None:
        """Write many events (each flushed as :meth:`write` does)."""
        for event in events:
            self.write(event)

    def close(self) -> None:
        """Close the file (closing twice does nothing)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> CassetteWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
