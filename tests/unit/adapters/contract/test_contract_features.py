"""Named features of Capabilities (outside the enums): claimed, refused with a reason, or unknown."""

from __future__ import annotations

import pytest

from adapters.contract.capabilities import FEATURES, Capabilities, DataKind, Product
from adapters.contract.errors import FatalAdapterError
from conformance.harness.catalogue import Group
from conformance.harness.registry import Case
from conformance.harness.requirements import data, feature


def _caps(**kwargs: object) -> Capabilities:
    return Capabilities(products=frozenset({Product.LINEAR}), **kwargs)  # type: ignore[arg-type]


def test_a_claimed_feature_is_had_and_has_no_reason() -> None:
    caps = _caps(features=frozenset({"order_params"}))
    assert caps.has_feature("order_params")
    assert caps.feature_reason("order_params") is None
    assert caps.feature_reason("spreads") == "spreads is not supported"


def test_a_refused_feature_gives_the_adapters_reason() -> None:
    caps = _caps(not_supported={"dead_mans_switch": "the venue has no cancel-all-after"})
    assert not caps.has_feature("dead_mans_switch")
    assert caps.feature_reason("dead_mans_switch") == "the venue has no cancel-all-after"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"features": frozenset({"teleport"})},
        {"features": frozenset({"spreads"}), "not_supported": {"spreads": "no"}},
    ],
)
def test_unknown_or_contradictory_features_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(FatalAdapterError):
        _caps(**kwargs)


def test_has_feature_refuses_a_name_not_in_features() -> None:
    with pytest.raises(FatalAdapterError, match="unknown feature"):
        _caps().has_feature("teleport")
    assert "instrument_refresh" in FEATURES


async def _body(ctx: object) -> None:
    return None


def test_not_applicable_reason_carries_the_adapters_own_text() -> None:
    caps = _caps(
        data=frozenset({DataKind.TRADE_TICKS}),
        not_supported={
            "data:INSTRUMENT_STATUS": "the venue has no status stream",
            "spreads": "no spreads here",
        },
    )
    status = Case("D-08", "x", _group(), _body, data(DataKind.INSTRUMENT_STATUS))
    reason = status.not_applicable_reason(caps)
    assert reason is not None and reason.endswith(": the venue has no status stream")
    both = Case("PC-06", "x", _group(), _body, data(DataKind.TRADE_TICKS) & feature("spreads"))
    reason = both.not_applicable_reason(caps)
    assert reason is not None and reason.endswith(": no spreads here"), reason
    assert Case("D-02", "x", _group(), _body, data(DataKind.TRADE_TICKS)).not_applicable_reason(caps) is None


def _group() -> Group:
    return Group("market_data")
