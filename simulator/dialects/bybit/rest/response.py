"""What the REST dialect answers with: :class:`RestResponse`, and how answers are built.

Every venue answer is HTTP 200 with the compact JSON envelope (§0.1 rule 1, §0.2 rule 11), the
``Content-Type`` of §2.4 and the three ``X-Bapi-Limit*`` headers (§2.4, §4.1). The one exception
is the per-IP limit: HTTP 403 with a plain-text body (§4.1). The journal fields (``auth``,
``account_id``, ``quota_keys``) travel with the response so the server records them without
knowing anything about Bybit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from simulator.dialects.bybit.errors import BybitError, encode, envelope
from simulator.dialects.bybit.limits import Decision

__all__ = [
    "CONTENT_TYPE_JSON",
    "CONTENT_TYPE_TEXT",
    "HEADER_CONTENT_TYPE",
    "RestResponse",
    "error_response",
    "success_response",
]

HEADER_CONTENT_TYPE: Final = "Content-Type"
CONTENT_TYPE_JSON: Final = "application/json; charset=utf-8"  # §2.4
# §4.1: the IP limit's 403 may have a non-JSON body; venuekit sends the message as plain text.
CONTENT_TYPE_TEXT: Final = "text/plain; charset=utf-8"


@dataclass(frozen=True, slots=True)
class RestResponse:
    """One answer of the Bybit REST dialect, ready for any HTTP server to send.

    Attributes:
        status: 200 for every venue answer, business errors included (§0.1 rule 1); 403 for the
            per-IP limit (§4.1); 401 for 10003/10004 only when the API was built with
            ``auth_error_status=401`` (§3.5).
        headers: ``Content-Type`` and the ``X-Bapi-Limit*`` headers, in that order.
        body: the compact JSON envelope, or the plain-text 403 message.
        auth: the journal's auth verdict: ``none`` (public route, or no check was reached), ``ok``,
            ``missing_key``, ``unknown_key``, ``bad_signature``, ``stale_timestamp`` or
            ``permission_denied``.
        account_id: the account of the API key, when the key was known.
        quota_keys: the rate-limit keys the request was counted against (``order/create:linear``;
            ``ip`` when the per-IP limit refused it).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    auth: str
    account_id: str | None
    quota_keys: tuple[str, ...]

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (any case), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


def _headers(content_type: str, limit: Decision | None, extra: Mapping[str, str] | None) -> tuple:
    headers = [(HEADER_CONTENT_TYPE, content_type)]
    if limit is not None:
        headers.extend(limit.headers().items())
    if extra:
        present = {name.lower() for name, _ in headers}
        headers.extend((k, v) for k, v in extra.items() if k.lower() not in present)
    return tuple(headers)


def success_response(
    result: Mapping[str, Any],
    *,
    time_ms: int,
    limit: Decision | None,
    auth: str,
    account_id: str | None,
    quota_keys: tuple[str, ...],
    ret_msg: str = "OK",
    ret_ext_info: Mapping[str, Any] | None = None,
) -> RestResponse:
    """A ``retCode:0`` answer around ``result``."""
    body = encode(envelope(0, ret_msg, result, ret_ext_info, time_ms=time_ms))
    return RestResponse(200, _headers(CONTENT_TYPE_JSON, limit, None), body, auth, account_id, quota_keys)


def error_response(
    error: BybitError,
    *,
    time_ms: int,
    limit: Decision | None,
    auth: str,
    account_id: str | None,
    quota_keys: tuple[str, ...],
) -> RestResponse:
    """The answer carrying ``error``: its envelope (or plain text) and HTTP status.

    The error's own headers (a 10006's ``X-Bapi-Limit*``) win over ``limit``'s.
    """
    content_type = CONTENT_TYPE_TEXT if error.plain_text else CONTENT_TYPE_JSON
    if error.headers:
        headers = _headers(content_type, None, error.headers)
    else:
        headers = _headers(content_type, limit, None)
    return RestResponse(error.http_status, headers, error.body(time_ms=time_ms), auth, account_id, quota_keys)
