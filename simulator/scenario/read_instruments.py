"""Reading ``instruments``: kinds, settle coins, leverage defaults, expiries and symbol templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.core import InstrumentKind, InstrumentStatus, OptionKind
from simulator.core.instruments import MARKET_OF_KIND
from simulator.scenario.errors import render_path
from simulator.scenario.model import InstrumentSpec, Path
from simulator.scenario.reading import DATED, PERPETUAL, ReaderBase, decimal_of
from simulator.scenario.times import SYMBOL_FIELDS, parse_duration_ns, symbol_fields

__all__ = ["InstrumentReading"]

_SETTLE_DEFAULT = {
    InstrumentKind.SPOT: "quote",
    InstrumentKind.LINEAR_PERPETUAL: "quote",
    InstrumentKind.LINEAR_FUTURE: "quote",
    InstrumentKind.OPTION: "quote",
    InstrumentKind.INVERSE_PERPETUAL: "base",
    InstrumentKind.INVERSE_FUTURE: "base",
}
#: Optional instrument numbers handed to the core as they are (the core has defaults for each).
_INSTRUMENT_OPTIONS = (
    "min_notional",
    "contract_size",
    "maker_fee",
    "taker_fee",
    "max_leverage",
    "default_leverage",
    "maintenance_margin_rate",
)
#: The core's default leverage for an instrument that does not set one.
_CORE_DEFAULT_LEVERAGE = Decimal(10)


class InstrumentReading(ReaderBase):
    """Reads ``instruments[]`` into :class:`InstrumentSpec`."""

    def instrument(self, d: dict[str, Any], path: Path) -> InstrumentSpec:
        kind = InstrumentKind(d["kind"])
        symbol = d["symbol"]
        ref = d.get("ref") or f"{MARKET_OF_KIND[kind]}:{symbol}"
        if ref in self.instruments:
            where = self.instruments[ref].path
            self.problem(
                (*path, "ref") if "ref" in d else (*path, "symbol"),
                f"{ref} is already the reference of {render_path(where)}: give one of them a distinct `ref`",
            )
        settle = d.get("settle") or d[_SETTLE_DEFAULT[kind]]
        if settle not in (d["base"], d["quote"]):
            self.problem(
                (*path, "settle"),
                f"the settle coin must be the base ({d['base']}) or the quote ({d['quote']}) coin, "
                f"got {settle}",
            )
        numbers = {name: decimal_of(d[name]) for name in _INSTRUMENT_OPTIONS if name in d}
        tick, lot = decimal_of(d["tick_size"]), decimal_of(d["lot_size"])
        min_qty, max_qty = decimal_of(d["min_qty"]), decimal_of(d["max_qty"])
        if max_qty < min_qty:
            self.problem((*path, "max_qty"), f"max_qty must be at least min_qty ({min_qty}), got {max_qty}")
        self._leverage_defaults(d, path, kind, numbers)
        self._dated_fields(d, path, kind)
        fields = symbol_fields(symbol)
        unknown = [f for f in fields if f not in SYMBOL_FIELDS]
        if unknown:
            self.problem(
                (*path, "symbol"),
                f"unknown placeholder {{{unknown[0]}}}: use one of "
                + ", ".join(f"{{{f}}}" for f in SYMBOL_FIELDS),
            )
        elif fields and "expiry" not in d:
            self.problem((*path, "symbol"), "a symbol with an {expiry} placeholder needs an `expiry`")
        if "funding_rate" in d and kind not in PERPETUAL:
            self.problem((*path, "funding_rate"), "only perpetual contracts have a funding rate: remove it")
        if "funding_interval" in d and kind not in PERPETUAL:
            self.problem(
                (*path, "funding_interval"), "only perpetual contracts fund: remove funding_interval"
            )
        funding_s = 8 * 3600
        if "funding_interval" in d:
            funding_ns = parse_duration_ns(d["funding_interval"])
            assert funding_ns is not None
            funding_s = funding_ns // 1_000_000_000
            if funding_s < 1 or funding_ns % 1_000_000_000:
                self.problem((*path, "funding_interval"), "expected a whole number of seconds, at least 1s")
        price = decimal_of(d["price"]) if "price" in d else None
        prices = {
            name: decimal_of(d[name]) if name in d else price
            for name in ("last_price", "mark_price", "index_price")
        }
        spec = InstrumentSpec(
            ref=ref,
            symbol=symbol,
            kind=kind,
            base=d["base"],
            quote=d["quote"],
            settle=settle,
            tick_size=tick,
            lot_size=lot,
            min_qty=min_qty,
            max_qty=max_qty,
            parameters=numbers,
            activation=self.time(d, "activation"),
            expiry=self.time(d, "expiry"),
            strike=decimal_of(d["strike"]) if "strike" in d else None,
            option_kind=OptionKind(d["option_kind"]) if "option_kind" in d else None,
            funding_interval_s=funding_s,
            funding_rate=decimal_of(d["funding_rate"]) if "funding_rate" in d else None,
            status=InstrumentStatus(d["status"]) if "status" in d else None,
            path=path,
            **prices,
        )
        # Registered even with problems (which stop the load anyway), so that the items referring
        # to it do not add noise; a duplicate keeps the first.
        self.instruments.setdefault(ref, spec)
        return spec

    def _leverage_defaults(self, d: dict, path: Path, kind: InstrumentKind, numbers: dict) -> None:
        if kind is InstrumentKind.SPOT:
            return
        top = numbers.get("max_leverage")
        if top is not None and top < 1:
            self.problem((*path, "max_leverage"), f"expected a leverage >= 1, got {top}")
            return
        if "default_leverage" not in numbers and top is not None and top < _CORE_DEFAULT_LEVERAGE:
            numbers["default_leverage"] = top  # the core's default of 10x would exceed the maximum
        default = numbers.get("default_leverage")
        if default is not None:
            limit = top if top is not None else Decimal(100)
            if not 1 <= default <= limit:
                self.problem(
                    (*path, "default_leverage"), f"expected a leverage between 1 and {limit}, got {default}"
                )

    def _dated_fields(self, d: dict, path: Path, kind: InstrumentKind) -> None:
        if kind in DATED and "expiry" not in d:
            what = "an option" if kind is InstrumentKind.OPTION else "a dated future"
            self.problem(path, f"{what} needs an `expiry` (a time, or an offset like +30d@fri08:00)")
        if kind not in DATED and "expiry" in d:
            self.problem((*path, "expiry"), f"a {kind.value} instrument does not expire: remove `expiry`")
        if kind is InstrumentKind.OPTION:
            for name in ("strike", "option_kind"):
                if name not in d:
                    self.problem(path, f"an option needs a `{name}`")
        else:
            for name in ("strike", "option_kind"):
                if name in d:
                    self.problem((*path, name), f"only options have a {name}: remove it")
