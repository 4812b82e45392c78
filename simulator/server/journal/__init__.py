"""The journal: every HTTP request, WebSocket event, subscription and fault that reached the venue.

It is the venue-side truth the conformance suite judges adapters by. The server records one
entry per event (``Journal.record_*``); tests read entries back with queries, wait for them with
``await journal.wait_for(...)`` (woken by new entries, never by polling), and assert on them with
helpers whose failures list the closest near-misses and the fields that differed::

    mark = journal.mark()
    await client.place_order(...)
    entry = await journal.wait_for(HttpMatch("POST", "/v5/order/create"), timeout=2, since=mark)
    journal.assert_http("POST", "/v5/order/create", json={"qty": "0.1"}, since_seq=mark)

Modules, one concept each: ``enums`` (vocabulary), ``entries`` (the records), ``plain`` (JSON-able
conversion), ``recorder`` (numbering, bounding, recording: the server's surface), ``waiters``
(wake-on-record), ``match`` (criteria and diffs), ``diagnose`` (failure messages), ``report``
(one-line text), ``errors``, ``journal`` (the :class:`Journal`: recorder plus reading side).
"""

from __future__ import annotations

from simulator.server.journal.entries import (
    Entry,
    ErrorEntry,
    FaultEntry,
    Headers,
    HttpEntry,
    Payload,
    SubscriptionEntry,
    WsClose,
    WsFrame,
    WsOpen,
)
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
from simulator.server.journal.errors import JournalAssertionError, JournalTimeout
from simulator.server.journal.journal import JOURNAL_FORMAT_VERSION, Journal
from simulator.server.journal.match import (
    ANY,
    Diff,
    EntryMatch,
    HttpMatch,
    NearMiss,
    SubscriptionMatch,
    WsFrameMatch,
)
from simulator.server.journal.plain import decode_bytes, plain, plain_bytes
from simulator.server.journal.recorder import DEFAULT_MAX_ENTRIES, Recorder

__all__ = [
    "ANY",
    "DEFAULT_MAX_ENTRIES",
    "JOURNAL_FORMAT_VERSION",
    "AuthVerdict",
    "ClosedBy",
    "Diff",
    "Direction",
    "Entry",
    "EntryKind",
    "EntryMatch",
    "ErrorEntry",
    "FaultEntry",
    "FaultPhase",
    "FrameKind",
    "Headers",
    "HttpEntry",
    "HttpMatch",
    "Journal",
    "JournalAssertionError",
    "JournalTimeout",
    "NearMiss",
    "Payload",
    "Recorder",
    "SubscriptionEntry",
    "SubscriptionMatch",
    "SubscriptionOp",
    "SubscriptionOutcome",
    "WsClose",
    "WsFrame",
    "WsFrameMatch",
    "WsOpen",
    "WsRole",
    "decode_bytes",
    "plain",
    "plain_bytes",
]
