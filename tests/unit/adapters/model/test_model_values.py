"""Every model type: reprs paste back, values are immutable and hashable, the public surface is complete."""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

import pytest

from adapters import model as m

# Abstract bases: never instantiated on their own.
ABSTRACT = {"Identifier", "Instrument", "OrderEvent"}


def value_types() -> list[str]:
    return sorted(
        name
        for name in m.__all__
        if isinstance(getattr(m, name), type)
        and dataclasses.is_dataclass(getattr(m, name))
        and name not in ABSTRACT
    )


def test_every_value_type_has_a_sample(model_samples: dict[str, Any]) -> None:
    # A new model type without a sample fails here, so the checks below cover it.
    assert sorted(model_samples) == value_types()


@pytest.mark.parametrize("name", value_types())
def test_repr_pastes_back_into_python(name: str, model_samples: dict[str, Any]) -> None:
    value = model_samples[name]
    assert type(value).__name__ == name
    again = eval(repr(value), vars(m))
    assert again == value
    assert type(again) is type(value)
    assert repr(again) == repr(value)


@pytest.mark.parametrize("name", value_types())
def test_values_are_frozen_and_slotted(name: str, model_samples: dict[str, Any]) -> None:
    value = model_samples[name]
    first = dataclasses.fields(value)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, first, getattr(value, first))
    assert not hasattr(value, "__dict__")


@pytest.mark.parametrize("name", value_types())
def test_values_hash_consistently_with_equality(name: str, model_samples: dict[str, Any]) -> None:
    value, copy = model_samples[name], eval(repr(model_samples[name]), vars(m))
    assert hash(value) == hash(copy)
    assert {value, copy} == {value}


def test_every_enum_repr_pastes_back() -> None:
    enums = [
        getattr(m, n)
        for n in m.__all__
        if isinstance(getattr(m, n), type) and issubclass(getattr(m, n), enum.Enum)
    ]
    assert len(enums) > 20
    for enum_type in enums:
        for member in enum_type:
            assert eval(repr(member), vars(m)) is member
    combined = m.RecordFlag.F_SNAPSHOT | m.RecordFlag.F_LAST
    assert eval(repr(combined), vars(m)) == combined == 160


def test_public_names_are_sorted_unique_and_resolve() -> None:
    assert m.__all__ == sorted(set(m.__all__))
    for name in m.__all__:
        assert getattr(m, name) is not None
