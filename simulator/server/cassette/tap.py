"""The simulator's own sessions as a cassette: a journal listener writing each entry as an event.

``Simulator(record=PATH)`` adds a :class:`JournalTap` to its journal: every REST exchange and
every WebSocket open, frame and close the venue records is written, scrubbed, in the format the
recording proxy writes, stamped with the venue's clock. Faults, subscriptions and errors are the
journal's business, not the wire's, and are not written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from simulator.cassette import CassetteWriter, Scrubber, make_header, rules_for
from simulator.server.cassette.events import Recording
from simulator.server.journal import ClosedBy, Entry, FrameKind, HttpEntry, WsClose, WsFrame, WsOpen

__all__ = ["JournalTap"]


class JournalTap:
    """Writes journal entries to a cassette as they are recorded.

    Parameters:
        path: the cassette file (replaced if it exists).
        dialect: the venue dialect's name (its scrub rules apply).
        secrets: values to scrub wherever they appear (the venue's API keys and secrets).
    """

    def __init__(self, path: str | os.PathLike[str], *, dialect: str, secrets: Iterable[str] = ()) -> None:
        rules = rules_for(dialect)
        self.scrubber = Scrubber(rules, secrets=secrets)
        writer = CassetteWriter(
            path, make_header("simulator", dialect=dialect, scrub=rules.name), scrub=self.scrubber
        )
        self.recording = Recording(writer)

    def __call__(self, entry: Entry) -> None:
        record = self.recording
        if isinstance(entry, HttpEntry):
            record.http(
                entry.method, entry.path, entry.query, entry.headers, entry.body, entry.status,
                entry.response_headers, entry.response_body, entry.duration_ns, entry.ts_ns,
            )  # fmt: skip
        elif isinstance(entry, WsOpen):
            record.ws_open(entry.conn_id, entry.path, entry.query, (), entry.ts_ns)
        elif isinstance(entry, WsFrame):
            if entry.kind is not FrameKind.CLOSE:  # the close event says it, with who and the code
                record.ws_frame(
                    entry.conn_id, entry.direction.value, entry.kind.value, entry.payload, entry.ts_ns
                )
        elif isinstance(entry, WsClose):
            if entry.closed_by is ClosedBy.TRANSPORT_ABORT:
                record.ws_close(entry.conn_id, None, entry.reason, "transport-abort", "client", entry.ts_ns)
            elif entry.code is None:  # the venue dropped the connection without a close frame
                record.ws_close(entry.conn_id, None, entry.reason, "transport-abort", "server", entry.ts_ns)
            else:
                record.ws_close(
                    entry.conn_id, entry.code, entry.reason, entry.closed_by.value, None, entry.ts_ns
                )

    def close(self) -> None:
        self.recording.close()
