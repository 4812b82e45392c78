"""Bybit mutants of the transport groups (catalogue 1-6): HTTP, login, heartbeat, subscriptions,
reconnection, routing. Each is the real adapter with one generic network-toolkit fault applied
(:mod:`adapters.network.mutation`) or one Bybit-specific behaviour changed.
"""

from __future__ import annotations

from typing import Any

from adapters.bybit.mutants._kit import Target, mutant
from adapters.network import mutation as op

__all__ = [
    "acks_emitted_as_data",
    "auth_error_untyped",
    "books_kept_across_reconnect",
    "error_code_from_http_status",
    "ignores_retry_after",
    "never_reconnects",
    "no_client_heartbeat",
    "no_pong_to_control_pings",
    "no_relogin_after_reconnect",
    "plain_text_5xx_untyped",
    "public_topics_not_restored",
    "rate_limit_untyped",
    "relogin_tight_loop",
    "resubscribes_unsubscribed_private",
    "retries_4xx",
    "signs_the_wrong_bytes",
    "subscribes_private_before_auth_ack",
    "unsubscribe_never_sent",
]

# ------------------------------------------------------------------------------- 1. HTTP client


@mutant(
    "signs path?query instead of the raw query string sent",
    groups=["http"],
    expected=["H-06"],
    notes="BitMEX and OKX sign the path; Bybit signs only the query. A copied signer passes on POSTs.",
)
def signs_the_wrong_bytes(t: Target) -> None:
    t.on_http(op.sign_path_and_query)


@mutant("ignores Retry-After / the limit reset time", groups=["http"], expected=["H-08"])
def ignores_retry_after(t: Target) -> None:
    op.ignore_retry_after(t.http.retry)


@mutant("retries 4xx client errors like 5xx", groups=["http"], expected=["H-08"])
def retries_4xx(t: Target) -> None:
    op.retry_client_errors(t.http.retry)


@mutant("maps the venue rate limit (10006) to a generic VenueError", groups=["http"], expected=["H-07"])
def rate_limit_untyped(t: Target) -> None:
    t.on_http(op.rate_limit_as_venue_error)


@mutant("venue errors carry the HTTP status, not retCode/retMsg", groups=["http"], expected=["H-10"])
def error_code_from_http_status(t: Target) -> None:
    t.on_http(op.status_as_error_code)


@mutant("a refused signature is a plain VenueError without the code", groups=["http"], expected=["H-05"])
def auth_error_untyped(t: Target) -> None:
    t.on_http(op.auth_refusal_as_venue_error)


@mutant("a plain-text 5xx is parsed as JSON and fails untyped", groups=["http"], expected=["H-12"])
def plain_text_5xx_untyped(t: Target) -> None:
    t.on_http(op.plain_5xx_as_fatal)


# ------------------------------------------------------------------------------ 2. WS and login


@mutant(
    "subscribes private topics before the auth ack",
    groups=["ws_login", "subscription", "reconnect"],
    expected=["W-03", "S-02", "RC-03"],
)
def subscribes_private_before_auth_ack(t: Target) -> None:
    t.on_websocket(op.subscribe_before_login_ack, public=False)


@mutant("re-sends a refused login in a tight loop", groups=["ws_login"], expected=["W-04"])
def relogin_tight_loop(t: Target) -> None:
    t.on_websocket(op.relogin_tight_loop, public=False)


# --------------------------------------------------------------------------------- 3. heartbeat


@mutant("no pong to control-frame pings", groups=["heartbeat"], expected=["PP-01"])
def no_pong_to_control_pings(t: Target) -> None:
    t.on_websocket(op.no_control_pong)


@mutant("no client heartbeat and no silence deadline", groups=["heartbeat"], expected=["PP-03", "PP-04"])
def no_client_heartbeat(t: Target) -> None:
    t.on_websocket(op.no_heartbeat)


# ---------------------------------------------------------------------------- 4. subscriptions


@mutant("unsubscribe forgets the topic locally, sends nothing", groups=["subscription"], expected=["S-04"])
def unsubscribe_never_sent(t: Target) -> None:
    t.on_websocket(op.unsubscribe_locally_only)


# ----------------------------------------------------------------------------- 5. reconnection


@mutant("never reconnects after a drop", groups=["reconnect"], expected=["RC-01", "RC-02"])
def never_reconnects(t: Target) -> None:
    t.on_websocket(op.no_reconnect)


@mutant("does not log in again on reconnect", groups=["reconnect"], expected=["RC-03", "RC-07"])
def no_relogin_after_reconnect(t: Target) -> None:
    t.on_websocket(op.no_relogin_on_reconnect, public=False)


@mutant("does not restore public topics after a reconnect", groups=["reconnect"], expected=["RC-04"])
def public_topics_not_restored(t: Target) -> None:
    t.on_websocket(op.forget_topics_on_drop, private=False)


@mutant("resubscribes topics unsubscribed before the drop", groups=["reconnect"], expected=["RC-05"])
def resubscribes_unsubscribed_private(t: Target) -> None:
    t.on_websocket(op.restore_unsubscribed_topics)


@mutant("keeps its order books across a reconnect", groups=["reconnect"], expected=["RC-10"])
def books_kept_across_reconnect(t: Target) -> None:
    # The data client hands its bound _on_reconnected to each socket it creates: shadow it.
    t.clients.data._on_reconnected = _nothing  # type: ignore[attr-defined]


def _nothing(*_args: Any) -> None:
    return None


# ------------------------------------------------------------------------------------ 6. routing


@mutant("emits subscription acks and pongs downstream as data", groups=["routing"], expected=["M-02"])
def acks_emitted_as_data(t: Target) -> None:
    t.on_websocket(lambda ws: op.acks_and_pongs_as_data(ws, t.sink.on_data))
