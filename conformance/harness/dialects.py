"""The few wire facts of each simulator dialect the cases need to judge the venue side.

Cases are venue-neutral; where a criterion names a wire detail (which headers carry auth, which
route lists instruments, the venue's rate-limit code), they read it here, per dialect.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DialectFacts", "facts_of"]


@dataclass(frozen=True)
class DialectFacts:
    """What a dialect's wire looks like, as far as the cases judge it."""

    name: str
    #: Request headers that carry authentication material (any of them present = signed).
    auth_headers: tuple[str, ...]
    #: The route instrument definitions are read from.
    instruments_route: str
    #: Routes a keyless client must never reach (credential guard, H-04).
    private_prefixes: tuple[str, ...]
    #: The venue's code for "too many requests" and for a generic parameter error.
    rate_limit_code: int
    param_error_code: int


_FACTS = {
    "bybit": DialectFacts(
        name="bybit",
        auth_headers=("X-BAPI-API-KEY", "X-BAPI-SIGN"),
        instruments_route="/v5/market/instruments-info",
        private_prefixes=("/v5/order/", "/v5/position/", "/v5/account/", "/v5/execution/", "/v5/asset/"),
        rate_limit_code=10006,
        param_error_code=10001,
    ),
}


def facts_of(dialect: str) -> DialectFacts:
    """The wire facts of ``dialect``.

    Raises:
        KeyError: the suite has no facts for it (the message lists the dialects it knows).
    """
    try:
        return _FACTS[dialect]
    except KeyError:
        raise KeyError(
            f"the conformance suite knows no dialect {dialect!r} (known: {sorted(_FACTS)})"
        ) from None
