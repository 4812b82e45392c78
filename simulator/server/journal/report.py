"""Human-readable journal text: one-line summaries, excerpts and near-miss reports.

One line per entry, the same everywhere (excerpts attached to conformance failures, near-miss
lists, timeouts)::

    +   12.345ms  #15     http          POST /v5/order/create -> 200 auth=ok account=alice body={"sym…
    +   13.002ms  #16     ws_frame      ws-1 out text {"topic":"order","data":[…

Times are relative to the journal's start (its creation or last ``clear()``), in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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
)
from simulator.server.journal.match import NearMiss

__all__ = ["entry_line", "format_lines", "near_miss_lines", "preview", "relative_ms", "summary"]

#: Payloads in a summary are cut to this many characters.
PREVIEW_CHARS = 120


def relative_ms(ts_ns: int, start_ns: int) -> str:
    """``ts_ns`` as milliseconds after ``start_ns``, e.g. ``+   12.345ms``."""
    return f"+{(ts_ns - start_ns) / 1_000_000:10.3f}ms"


def preview(data: Payload, limit: int = PREVIEW_CHARS) -> str:
    """``data`` on one line, cut to ``limit`` characters with a note of how much was cut."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            shown = data[: limit // 2].hex()
            more = f"…(+{len(data) - limit // 2} bytes)" if len(data) > limit // 2 else ""
            return f"<{len(data)} bytes: {shown}{more}>"
    else:
        text = data
    # Escape line breaks so one entry stays one line.
    text = text.replace("\r", "\\r").replace("\n", "\\n")
    if len(text) > limit:
        return f"{text[:limit]}…(+{len(text) - limit} chars)"
    return text


def _fault(fault: str | None) -> str:
    return f" fault={fault}" if fault is not None else ""


def summary(entry: Entry, conns: Mapping[str, WsOpen]) -> str:
    """What ``entry`` records, on one line (without time and sequence number)."""
    if isinstance(entry, HttpEntry):
        target = f"{entry.path}?{entry.query}" if entry.query else entry.path
        parts = [f"{entry.method} {target} -> {entry.status}"]
        if entry.auth != "none":
            parts.append(f"auth={entry.auth}")
        if entry.account_id is not None:
            parts.append(f"account={entry.account_id}")
        line = " ".join(parts) + _fault(entry.fault)
        if entry.body:
            line += f" body={preview(entry.body)}"
        if entry.response_body:
            line += f" => {preview(entry.response_body)}"
        return line
    if isinstance(entry, WsFrame):
        return f"{entry.conn_id} {entry.direction:<3} {entry.kind} {preview(entry.payload)}" + _fault(
            entry.fault
        )
    if isinstance(entry, WsOpen):
        target = f"{entry.path}?{entry.query}" if entry.query else entry.path
        return f"{entry.conn_id} open {target} ({entry.role}) from {entry.remote or '?'}"
    if isinstance(entry, WsClose):
        role = conns.get(entry.conn_id)
        what = f" ({role.role})" if role is not None else ""
        return (
            f"{entry.conn_id}{what} closed by {entry.closed_by} code={entry.code} "
            f"reason={entry.reason!r}" + _fault(entry.fault)
        )
    if isinstance(entry, SubscriptionEntry):
        detail = f" ({entry.detail})" if entry.detail else ""
        return f"{entry.conn_id} {entry.op} {entry.topic} -> {entry.outcome}{detail}" + _fault(entry.fault)
    if isinstance(entry, FaultEntry):
        return f"fault {entry.name!r} {entry.phase}: {entry.description}"
    if isinstance(entry, ErrorEntry):
        return f"error in {entry.source}: {entry.error_type}: {preview(entry.message)}"
    raise TypeError(f"not a journal entry: {entry!r}")  # pragma: no cover


def entry_line(entry: Entry, start_ns: int, conns: Mapping[str, WsOpen]) -> str:
    """One excerpt line: relative time, sequence number, kind and summary."""
    when = relative_ms(entry.ts_ns, start_ns)
    return f"{when}  #{entry.seq:<6} {entry.KIND.value:<13} {summary(entry, conns)}"


def format_lines(
    entries: Sequence[Entry], start_ns: int, conns: Mapping[str, WsOpen], limit: int
) -> list[str]:
    """One line per entry; past ``limit`` entries, the first and last halves with a gap note.

    Both ends are kept because a failure's cause is usually near the stimulus (the start) and
    its symptom near the end.
    """
    if len(entries) <= limit:
        return [entry_line(entry, start_ns, conns) for entry in entries]
    head = limit // 2
    tail = limit - head
    lines = [entry_line(entry, start_ns, conns) for entry in entries[:head]]
    lines.append(
        f"… {len(entries) - limit} entries omitted (#{entries[head].seq}..#{entries[-tail - 1].seq}) …"
    )
    lines.extend(entry_line(entry, start_ns, conns) for entry in entries[len(entries) - tail :])
    return lines


def near_miss_lines(near_misses: Iterable[NearMiss], start_ns: int, conns: Mapping[str, WsOpen]) -> list[str]:
    """Numbered near-misses, each with the fields that differed indented below it."""
    lines: list[str] = []
    for number, near in enumerate(near_misses, start=1):
        lines.append(f"  {number}. {entry_line(near.entry, start_ns, conns)}")
        lines.extend(f"       {diff}" for diff in near.diffs)
    return lines
