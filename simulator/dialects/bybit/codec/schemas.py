"""The JSON Schemas of Bybit payloads, and validation against them.

The schemas (draft 2020-12) live in ``simulator/dialects/bybit/schemas/``: one per REST response
(the full envelope) and per WebSocket message type, plus ``defs.json`` with the shared types
(Appendix A) and objects. They are the contract the codec's output, ``test_data/bybit/`` and
the running simulator's answers are checked against. They resolve their ``$ref`` among
themselves, offline.

    validate("http_get_order_realtime", payload)        # raises PayloadInvalid
    validate(rest_schema_name("GET", "/v5/order/realtime"), payload)
    validate(ws_schema_name(message, "linear"), message)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from simulator.dialects.bybit.codec.ws_control import TRADE_OPS

__all__ = [
    "SCHEMA_DIR",
    "PayloadInvalid",
    "errors",
    "load",
    "rest_schema_name",
    "schema_names",
    "validate",
    "ws_schema_name",
]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
_DEFS = "defs"
#: Errors listed in a PayloadInvalid message.
_SHOWN_ERRORS = 5


class PayloadInvalid(ValueError):
    """A payload does not match its schema; the message names the schema, each path and why."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems
        shown = "\n  ".join(problems[:_SHOWN_ERRORS])
        more = f"\n  ... and {len(problems) - _SHOWN_ERRORS} more" if len(problems) > _SHOWN_ERRORS else ""
        super().__init__(f"payload does not match schema {name!r}:\n  {shown}{more}")


@functools.cache
def _contents() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(SCHEMA_DIR.glob("*.json"))}


@functools.cache
def _registry() -> Registry:
    resources = [(schema["$id"], Resource.from_contents(schema)) for schema in _contents().values()]
    return Registry().with_resources(resources)


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load(name), registry=_registry())


def schema_names() -> list[str]:
    """Every payload schema, by name (the file stem), without the shared ``defs``."""
    return [name for name in _contents() if name != _DEFS]


def load(name: str) -> dict[str, Any]:
    """The schema ``name`` as a dict.

    Raises:
        KeyError: no such schema (the message lists the known ones).
    """
    try:
        return _contents()[name]
    except KeyError:
        raise KeyError(f"no Bybit schema {name!r}; known: {', '.join(schema_names())}") from None


def _path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def errors(name: str, payload: Any) -> list[str]:
    """What is wrong with ``payload`` under schema ``name`` (``[]`` when it is valid), each as
    ``"<json path>: <reason>"``, most specific first."""
    found = sorted(_validator(name).iter_errors(payload), key=lambda e: (list(e.absolute_path), e.message))
    problems = []
    for error in found:
        # An if/then failure reports its innermost causes, which say what is actually wrong.
        leaves = [e for e in error.context or () if not e.context] or [error]
        problems.extend(f"{_path(leaf)}: {leaf.message}" for leaf in leaves)
    return problems


def validate(name: str, payload: Any) -> None:
    """Check ``payload`` against schema ``name``.

    Raises:
        PayloadInvalid: it does not match (the message lists where and why).
        KeyError: no such schema.
    """
    problems = errors(name, payload)
    if problems:
        raise PayloadInvalid(name, problems)


def rest_schema_name(method: str, path: str, *, ret_code: int = 0) -> str:
    """The schema of the answer to ``method path``: ``http_error`` for a non-zero ``retCode``,
    else ``http_{method}_{path}`` (``GET /v5/order/realtime`` → ``http_get_order_realtime``).

    Raises:
        KeyError: no schema for that route.
    """
    if ret_code != 0:
        return "http_error"
    route = path.split("?", 1)[0].removeprefix("/v5/").strip("/")
    name = f"http_{method.lower()}_{route.replace('/', '_').replace('-', '_')}"
    if name not in _contents():
        raise KeyError(f"no Bybit schema for {method.upper()} {path} (looked for {name!r})")
    return name


_TOPIC_SCHEMAS = {
    "orderbook": "ws_orderbook",
    "kline": "ws_kline",
    "order": "ws_order",
    "execution": "ws_execution",
    "position": "ws_position",
    "wallet": "ws_wallet",
}


def ws_schema_name(message: Mapping[str, Any], socket: str) -> str:
    """The schema of a WebSocket message the venue sends on a ``socket`` (``spot``, ``linear``,
    ``inverse``, ``option``, ``private`` or ``trade``).

    Raises:
        KeyError: the message is of no known kind.
    """
    family = "linear" if socket == "inverse" else socket
    topic = message.get("topic")
    if isinstance(topic, str):
        prefix = topic.split(".", 1)[0]
        if topic.startswith("execution.fast"):
            return "ws_execution_fast"
        if prefix == "publicTrade":
            return {"spot": "ws_public_trade_spot", "option": "ws_public_trade_option"}.get(
                family, "ws_public_trade"
            )
        if prefix == "tickers":
            return f"ws_tickers_{family}"
        if prefix in _TOPIC_SCHEMAS:
            return _TOPIC_SCHEMAS[prefix]
        raise KeyError(f"no Bybit schema for topic {topic!r}")
    op = message.get("op")
    if op == "auth":
        return f"ws_auth_ack_{family}"
    if message.get("ret_msg") == "pong" or op == "pong":
        return f"ws_pong_{family}"
    if op in ("subscribe", "unsubscribe") or message.get("type") == "COMMAND_RESP":
        return f"ws_subscribe_ack_{family}"
    if op in TRADE_OPS:
        return "ws_trade_response"
    raise KeyError(f"no Bybit schema for a message with keys {sorted(message)} on a {socket} socket")
