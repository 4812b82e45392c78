"""Capability requirements of cases, in the terms of :class:`adapters.contract.capabilities.Capabilities`.

A case names what it needs (``requires=data(DataKind.TRADE_TICKS)``); the runner asks the
adapter's declaration before the case starts and reports ``not_applicable`` with the
requirement's description when it is not claimed.
"""

from __future__ import annotations

from typing import Any

from adapters.contract.capabilities import DataKind, Product, RequestKind
from conformance.harness.registry import Requirement

__all__ = ["any_data", "data", "execution", "feature", "product", "request"]


def _supports(capabilities: Any, **query: Any) -> bool:
    supports = getattr(capabilities, "supports", None)
    return bool(supports(**query)) if callable(supports) else False


def _why_not(**query: Any) -> Any:
    return lambda caps: caps.why_not(**query)


def product(member: Product) -> Requirement:
    """The adapter claims the product family ``member``."""
    return Requirement(
        f"claims product {member.name}",
        lambda caps: _supports(caps, product=member),
        _why_not(product=member),
    )


def data(kind: DataKind) -> Requirement:
    """The adapter claims the market-data subscription ``kind``."""
    return Requirement(
        f"claims data {kind.name}", lambda caps: _supports(caps, data=kind), _why_not(data=kind)
    )


def request(kind: RequestKind) -> Requirement:
    """The adapter claims the historical request ``kind``."""
    return Requirement(
        f"claims request {kind.name}", lambda caps: _supports(caps, request=kind), _why_not(request=kind)
    )


def feature(name: str) -> Requirement:
    """The adapter claims the named feature of ``Capabilities.features`` (``"dead_mans_switch"``...).

    Not applicable carries the adapter's ``not_supported[name]`` text when it wrote one.
    """
    return Requirement(
        f"claims feature {name}",
        lambda caps: name in getattr(caps, "features", ()),
        lambda caps: caps.feature_reason(name),
    )


def any_data() -> Requirement:
    """The adapter claims at least one market-data subscription (it has a streaming client)."""
    return Requirement("claims a market-data subscription", lambda caps: bool(getattr(caps, "data", ())))


def execution() -> Requirement:
    """The adapter claims order entry (it has an execution client, which needs private access)."""
    return Requirement("claims order entry", lambda caps: bool(getattr(caps, "order_types", ())))
