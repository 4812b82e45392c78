"""Export a cassette as the fixture files the adapter guide names: ``http_*.json``, ``ws_*.json``.

Each REST exchange with a JSON answer becomes its complete response envelope (``retCode``,
``result``, ``time`` ... as the venue sent it); each JSON frame the venue pushed becomes the
message as sent. Names:

- REST: ``http_{method}_{endpoint}`` where the endpoint is the path without its version segment
  (``/v5/market/tickers`` → ``market_tickers``), then ``_{variant}`` for the dialect's variant
  parameters (Bybit: ``category``), then ``_error_{code}`` for a refused request;
- WebSocket: a reply to the client's ``op`` is ``ws_{op}`` (``_ack`` for subscribe, unsubscribe
  and auth); a pushed message is ``ws_{topic}`` with the topic's symbols and numbers dropped and
  camelCase made snake_case (``publicTrade.BTCUSDT`` → ``public_trade``), then ``_{type}`` when
  the message says (``orderbook.50.BTCUSDT`` snapshot → ``orderbook_snapshot``).

Identical payloads are written once. Distinct payloads under one name are numbered (``_2``,
``_3`` ...) up to ``max_examples``. Files are pretty-printed JSON with sorted-as-sent keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from simulator.cassette.format import Cassette, get_bytes
from simulator.cassette.match import request_params
from simulator.cassette.rules import DialectRules, rules_for

__all__ = ["ExportReport", "export", "message_type", "rest_name"]

_VERSION = re.compile(r"^v\d+$")
_SYMBOLISH = re.compile(r"^[A-Z0-9][A-Z0-9_\-]*$")
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _snake(text: str) -> str:
    return _CAMEL.sub(r"_\1", text).replace("-", "_").replace(".", "_").lower()


def rest_name(method: str, path: str, params: dict[str, str], document: Any, rules: DialectRules) -> str:
    """The fixture name of a REST exchange (without ``.json``)."""
    segments = [segment for segment in path.strip("/").split("/") if segment]
    if segments and _VERSION.match(segments[0]):
        segments = segments[1:]
    name = f"http_{method.lower()}_" + "_".join(_snake(segment) for segment in segments)
    for variant in rules.variant_params:
        if params.get(variant):
            name += f"_{_snake(params[variant])}"
    if isinstance(document, dict):
        code = document.get("retCode", 0)
        if code not in (0, None):
            name += f"_error_{code}"
    return name


def message_type(document: Any) -> str | None:
    """The fixture name of a WebSocket message the venue sent, or None when it has no type."""
    if not isinstance(document, dict):
        return None
    topic = document.get("topic")
    if isinstance(topic, str) and topic:
        kept = [part for part in topic.split(".") if not _SYMBOLISH.match(part)]
        name = "ws_" + "_".join(_snake(part) for part in kept or [topic])
        kind = document.get("type")
        if isinstance(kind, str) and kind in ("snapshot", "delta"):
            name += f"_{kind}"
        return name
    op = document.get("op")
    if isinstance(op, str) and op:
        suffix = "_ack" if op in ("subscribe", "unsubscribe", "auth", "login") else ""
        return f"ws_{_snake(op)}{suffix}"
    return None


@dataclass
class ExportReport:
    """What an export wrote.

    Attributes:
        written: file name → how many recorded payloads it stands for (duplicates included).
        duplicates: payloads skipped because an identical one was written.
        over_limit: distinct payloads not written because their name had ``max_examples`` already.
        skipped: exchanges and frames with no JSON payload or no type to name them by.
    """

    out_dir: Path
    written: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    over_limit: int = 0
    skipped: int = 0

    def lines(self) -> list[str]:
        """The report as text lines: one per file, then the totals."""
        rows = [
            f"wrote {self.out_dir / name}  ({count} recorded)" for name, count in sorted(self.written.items())
        ]
        rows.append(
            f"{len(self.written)} files; {self.duplicates} duplicates skipped; "
            f"{self.over_limit} over the per-name limit; {self.skipped} without a JSON payload or type"
        )
        return rows


class _Collector:
    def __init__(self, max_examples: int) -> None:
        self.max = max_examples
        self.by_name: dict[str, list[bytes]] = {}
        self.counts: dict[str, int] = {}
        self.duplicates = 0
        self.over_limit = 0

    def add(self, name: str, document: Any) -> None:
        encoded = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
        examples = self.by_name.setdefault(name, [])
        if encoded in examples:
            self.duplicates += 1
            index = examples.index(encoded)
        elif len(examples) >= self.max:
            self.over_limit += 1
            return
        else:
            examples.append(encoded)
            index = len(examples) - 1
        file = _file_name(name, index)
        self.counts[file] = self.counts.get(file, 0) + 1


def _file_name(name: str, index: int) -> str:
    return f"{name}.json" if index == 0 else f"{name}_{index + 1}.json"


def export(cassette: Cassette, out_dir: str | Path, *, max_examples: int = 3) -> ExportReport:
    """Write the cassette's REST envelopes and WebSocket messages as fixture files in ``out_dir``.

    Parameters:
        cassette: a loaded cassette (:func:`simulator.cassette.load`).
        out_dir: the directory to write into (created if missing; files of the same name replaced).
        max_examples: distinct payloads kept per name.

    Returns:
        What was written.
    """
    rules = rules_for(cassette.dialect)
    out = Path(out_dir)
    report = ExportReport(out)
    collector = _Collector(max_examples)
    for event in cassette.events:
        kind = event["type"]
        if kind == "http":
            document = _load(get_bytes(event, "response_body"))
            if document is None or not event.get("status"):
                report.skipped += 1
                continue
            params = request_params(event.get("query", ""), get_bytes(event, "body"), rules)
            collector.add(rest_name(event["method"], event["path"], params, document, rules), document)
        elif kind == "ws_frame" and event.get("dir") == "out" and event.get("kind") == "text":
            document = _load(event.get("data", "").encode("utf-8"))
            name = message_type(document)
            if name is None:
                report.skipped += 1
                continue
            collector.add(name, document)
    out.mkdir(parents=True, exist_ok=True)
    for name, examples in collector.by_name.items():
        for index, encoded in enumerate(examples):
            (out / _file_name(name, index)).write_bytes(encoded)
    report.written = collector.counts
    report.duplicates = collector.duplicates
    report.over_limit = collector.over_limit
    return report


def _load(data: bytes) -> Any:
    if not data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
