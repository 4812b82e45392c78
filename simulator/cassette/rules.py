"""Per-dialect rules: what is secret (scrubbed before disk), what is volatile (ignored when matching).

One small table, :data:`RULES`, keyed by dialect name; :func:`rules_for` picks an entry (the
generic rules for an unknown or missing dialect). Names are compared case-insensitively.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Final

from simulator.cassette.errors import CassetteUsageError

__all__ = ["GENERIC", "RULES", "SCRUBBED", "DialectRules", "mask_path", "rules_for"]

#: What a scrubbed value becomes.
SCRUBBED: Final = "SCRUBBED"


def _lower(*names: str) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


@dataclass(frozen=True)
class DialectRules:
    """What to scrub and what to ignore for one venue dialect.

    Attributes:
        name: the dialect's name (``bybit``) or ``generic``.
        secret_headers: request/response headers whose values are replaced by ``SCRUBBED``.
        secret_params: query, form and JSON fields (at any depth) whose values are replaced.
        ws_auth_ops: WebSocket ``op`` values whose ``args`` are replaced element by element.
        account_fields: JSON fields holding account ids, pseudonymised when asked for.
        volatile_params: request parameters ignored when matching a request to the recording.
        heartbeat_ops: WebSocket ``op`` values a client sends on a timer (never gate the stream).
        id_fields: WebSocket request-id fields echoed into replies (rewritten on replay).
        variant_params: parameters that name a variant of an endpoint in exported file names.
        window_params: time-window parameters (``startTime``, ``endTime``) a client computes from
            its clock ("the last 7 days"): a request that matches nothing exactly is matched
            without them, so a replayed client asking for "the last 7 days" a minute later still
            gets the recorded answer.
        secret_paths: regular expressions over a URL path whose ``secret`` groups are secrets
            (a listen key as a path segment): scrubbed before the first time the value is seen
            anywhere else, and masked the same way in a live request's path when matching.
    """

    name: str
    secret_headers: frozenset[str]
    secret_params: frozenset[str]
    ws_auth_ops: frozenset[str]
    account_fields: frozenset[str] = frozenset()
    volatile_params: frozenset[str] = frozenset()
    heartbeat_ops: frozenset[str] = frozenset({"ping"})
    id_fields: tuple[str, ...] = ("req_id", "reqId", "id")
    variant_params: tuple[str, ...] = field(default=())
    window_params: frozenset[str] = _lower("startTime", "endTime", "start_time", "end_time")
    secret_paths: tuple[str, ...] = ()


GENERIC: Final = DialectRules(
    name="generic",
    secret_headers=_lower(
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-API-Key",
        "X-MBX-APIKEY",
        "OK-ACCESS-KEY",
        "OK-ACCESS-SIGN",
        "OK-ACCESS-PASSPHRASE",
    ),
    secret_params=_lower(
        "sign",
        "signature",
        "api_key",
        "apiKey",
        "api_secret",
        "apiSecret",
        "secret",
        "passphrase",
        "password",
        "listenKey",
    ),
    ws_auth_ops=_lower("auth", "login"),
    account_fields=frozenset({"uid", "userID", "userId", "parentUid", "accountId", "account_id", "subUid"}),
    volatile_params=_lower(
        "timestamp", "recvWindow", "recv_window", "sign", "signature", "nonce", "api_key", "apiKey", "expires"
    ),
    secret_paths=(
        # A user-data stream named by its listen key (``/ws/<listenKey>``): 32+ letters and digits,
        # so public paths (``/ws/public``, ``/ws/btcusdt@trade``) never match.
        r"^/ws/(?P<secret>[A-Za-z0-9]{32,})/?$",
        # A listen key in a REST path (``/listenKey/<key>``, ``/userDataStream/<key>``).
        r"/(?:listenKey|listen-key|userDataStream)/(?P<secret>[^/]+)",
    ),
)

RULES: Final[dict[str, DialectRules]] = {
    "generic": GENERIC,
    "bybit": replace(
        GENERIC,
        name="bybit",
        secret_headers=GENERIC.secret_headers | _lower("X-BAPI-API-KEY", "X-BAPI-SIGN"),
        variant_params=("category",),
    ),
}


@functools.cache
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


def mask_path(path: str, rules: DialectRules) -> tuple[str, list[str]]:
    """``path`` with the secrets its dialect's ``secret_paths`` name replaced by ``SCRUBBED``.

    Returns:
        The masked path and the secrets found (empty when none: the path is returned as is).
    """
    found: list[str] = []
    for pattern in _compiled(rules.secret_paths):
        match = pattern.search(path)
        if match is None or match.group("secret") == SCRUBBED:
            continue
        found.append(match.group("secret"))
        start, end = match.span("secret")
        path = path[:start] + SCRUBBED + path[end:]
    return path, found


def rules_for(dialect: str | None) -> DialectRules:
    """The rules of ``dialect`` (``None`` or an unknown name gets :data:`GENERIC`).

    Raises:
        CassetteUsageError: ``dialect`` is not a string or None.
    """
    if dialect is None:
        return GENERIC
    if not isinstance(dialect, str):
        raise CassetteUsageError(f"a dialect is named by a string, got {dialect!r}")
    return RULES.get(dialect.lower(), GENERIC)
