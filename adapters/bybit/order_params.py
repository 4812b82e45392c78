"""``SubmitOrder.params`` for Bybit: the venue's own order options (§6.13 "Others"), checked locally.

Keys are the kit's snake_case names; each maps to one ``order/create`` body field:

=================  ==============  =====================================================================
param              wire field      accepted
=================  ==============  =====================================================================
``order_iv``       ``orderIv``     options only; implied volatility as a positive decimal (0.6 = 60 %),
                                   which the venue prices the order from
``smp_type``       ``smpType``     self-match prevention: ``None``, ``CancelMaker``, ``CancelTaker``,
                                   ``CancelBoth`` (Appendix A)
``mmp``            ``mmp``         options only; ``True``/``False``: market-maker protection
``bbo_side_type``  ``bboSideType`` linear, inverse and futures LIMIT orders: ``Queue`` or
                                   ``Counterparty``; needs ``bbo_level``
``bbo_level``      ``bboLevel``    1-5, the book level a BBO order is priced at; needs ``bbo_side_type``
=================  ==============  =====================================================================

A ``None`` value means "not set". Anything else - an unknown key (Bybit has no pegged orders, so
``peg_price_type`` is one), a value of the wrong type or outside the venue's set, a param on a
product or order type the venue does not take it for - is a problem :func:`params_problem`
names, which the execution client publishes as ``OrderDenied`` before anything is sent
(catalogue O-27). A param is never dropped silently: an order sent without an option its caller
asked for would trade differently from what was meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from adapters.contract.capabilities import Product
from adapters.model.enums import OrderType

__all__ = ["ORDER_PARAMS", "SMP_TYPES", "params_fields", "params_problem"]

#: The params this adapter reads, and the ``order/create`` field each becomes.
ORDER_PARAMS: Final = {
    "order_iv": "orderIv",
    "smp_type": "smpType",
    "mmp": "mmp",
    "bbo_side_type": "bboSideType",
    "bbo_level": "bboLevel",
}
#: Appendix A ``smpType`` values.
SMP_TYPES: Final = ("None", "CancelMaker", "CancelTaker", "CancelBoth")
_BBO_SIDES: Final = ("Queue", "Counterparty")
_BBO_LEVELS: Final = range(1, 6)
_BBO_PRODUCTS: Final = frozenset({Product.LINEAR, Product.INVERSE, Product.FUTURE})
_PREFIX: Final = "INVALID_ORDER_PARAM"


def _set(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The params that are set (a ``None`` value means unset)."""
    return {k: v for k, v in (params or {}).items() if v is not None}


def _positive_decimal(value: Any) -> Decimal | None:
    # bool is an int subclass: True must not read as 1.
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number > 0 else None


def _level(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _value_problem(name: str, value: Any) -> str | None:
    """Why ``value`` is not a valid ``name`` on its own, or None."""
    if name == "order_iv" and _positive_decimal(value) is None:
        return f"order_iv must be a positive decimal (implied volatility, 0.6 = 60 %), got {value!r}"
    if name == "smp_type" and value not in SMP_TYPES:
        return f"smp_type must be one of {', '.join(SMP_TYPES)}, got {value!r}"
    if name == "mmp" and not isinstance(value, bool):
        return f"mmp must be true or false, got {value!r}"
    if name == "bbo_side_type" and value not in _BBO_SIDES:
        return f"bbo_side_type must be one of {', '.join(_BBO_SIDES)}, got {value!r}"
    if name == "bbo_level" and _level(value) not in _BBO_LEVELS:
        return f"bbo_level must be a book level from 1 to 5, got {value!r}"
    return None


def params_problem(params: Mapping[str, Any] | None, product: Product, order_type: OrderType) -> str | None:
    """Why Bybit cannot take ``params`` on an order of ``order_type`` for ``product``, or None.

    Parameters:
        params: ``SubmitOrder.params`` (None or empty: nothing to check).
        product: the order's product.
        order_type: the order's type.

    Returns:
        ``"INVALID_ORDER_PARAM: <param> ..."`` naming the first offending param, what it accepts
        and how to fix it; None when every param maps.
    """
    given = _set(params)
    for name, value in given.items():
        if name not in ORDER_PARAMS:
            return (
                f"{_PREFIX}: {name!r} is not a Bybit order param; known: {', '.join(sorted(ORDER_PARAMS))}"
                + (" (Bybit has no pegged orders)" if name.startswith("peg") else "")
            )
        problem = _value_problem(name, value)
        if problem is not None:
            return f"{_PREFIX}: {problem}"
    if product is not Product.OPTION:
        for name in ("order_iv", "mmp"):
            if name in given:
                return f"{_PREFIX}: {name} applies to option orders only; this is a {product.name} order"
    bbo = [name for name in ("bbo_side_type", "bbo_level") if name in given]
    if bbo:
        if len(bbo) == 1:
            other = "bbo_level" if bbo[0] == "bbo_side_type" else "bbo_side_type"
            return f"{_PREFIX}: {bbo[0]} needs {other} as well (a BBO order names its side type and level)"
        if product not in _BBO_PRODUCTS or order_type is not OrderType.LIMIT:
            return (
                f"{_PREFIX}: bbo_side_type/bbo_level apply to linear, inverse and futures LIMIT orders "
                f"only; this is a {product.name} {order_type.name} order"
            )
    return None


def params_fields(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The params :func:`params_problem` accepted, keyed by ``PlaceOrderParams`` field name.

    Decimals and levels go as strings (the venue's JSON types: ``orderIv`` and ``bboLevel`` are
    strings), ``mmp`` as a JSON bool.
    """
    fields: dict[str, Any] = {}
    for name, value in _set(params).items():
        if name == "order_iv":
            number = _positive_decimal(value)
            fields["order_iv"] = format(number.normalize(), "f") if number is not None else str(value)
        elif name == "bbo_level":
            fields[name] = str(_level(value))
        else:
            fields[name] = value
    return fields
