"""simulator.cassette: recorded venue sessions (REST and WebSocket) as data, with secrets scrubbed.

Pure: no sockets, no event loop. The recording proxy and the replay server that use it live in
:mod:`simulator.server.cassette`. Modules, one concept each:

- ``format``: the cassette file (versioned JSONL: header line, one event per line), writer, loader;
- ``schema``: its JSON Schema (``cassette.schema.json``) and a whole-file check;
- ``rules``: per-dialect rules (secret headers and fields, volatile parameters);
- ``scrub``: removes secrets from events before they are written;
- ``match``: finds the recorded REST exchange answering a request;
- ``sessions``: WebSocket connections as replay scripts (requests, replies, gated stream, end);
- ``export``: writes fixtures (``http_get_{endpoint}.json``, ``ws_{type}.json``);
- ``errors``: the package's error hierarchy.
"""

from __future__ import annotations

from simulator.cassette.errors import (
    CassetteError,
    CassetteFormatError,
    CassetteUsageError,
    CassetteVersionError,
    CassetteWarning,
    NoRecordedMatch,
    NoRecordedSession,
)
from simulator.cassette.export import ExportReport, export
from simulator.cassette.format import (
    FORMAT_VERSION,
    Cassette,
    CassetteWriter,
    Event,
    EventReader,
    get_bytes,
    load,
    make_header,
    put_bytes,
)
from simulator.cassette.match import RequestKey, RestIndex, request_key
from simulator.cassette.rules import GENERIC, RULES, SCRUBBED, DialectRules, mask_path, rules_for
from simulator.cassette.schema import schema, validate_file
from simulator.cassette.scrub import Scrubber
from simulator.cassette.sessions import Session, build_sessions

__all__ = [
    "FORMAT_VERSION",
    "GENERIC",
    "RULES",
    "SCRUBBED",
    "Cassette",
    "CassetteError",
    "CassetteFormatError",
    "CassetteUsageError",
    "CassetteVersionError",
    "CassetteWarning",
    "CassetteWriter",
    "DialectRules",
    "Event",
    "EventReader",
    "ExportReport",
    "NoRecordedMatch",
    "NoRecordedSession",
    "RequestKey",
    "RestIndex",
    "Scrubber",
    "Session",
    "build_sessions",
    "export",
    "get_bytes",
    "load",
    "make_header",
    "mask_path",
    "put_bytes",
    "request_key",
    "rules_for",
    "schema",
    "validate_file",
]
