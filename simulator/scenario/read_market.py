"""Reading the market: ``books`` (explicit and generated), the ``script``, ``flow`` and ``faults``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulator.core import InstrumentStatus, Side
from simulator.scenario.book_levels import generated_prices
from simulator.scenario.errors import render_path
from simulator.scenario.model import (
    BookGenerate,
    BookSpec,
    FaultRule,
    FlowSpec,
    InstrumentSpec,
    Path,
    ScriptEvent,
    TradeSpec,
)
from simulator.scenario.reading import DATED, PERPETUAL, ReaderBase, decimal_of, on_step, plain
from simulator.scenario.times import parse_duration_ns

__all__ = ["MarketReading"]

_FLOW_SETTINGS = (
    "interval_ms",
    "levels",
    "half_spread_ticks",
    "drift_ticks",
    "min_value",
    "max_value",
    "trade_probability",
    "cancels_per_step",
    "move_marks",
)


class MarketReading(ReaderBase):
    """Reads ``books[]``, ``script[]``, ``flow`` and ``faults[]``."""

    def books(self, data: dict[str, Any]) -> tuple[BookSpec, ...]:
        out = []
        seen: dict[str, Path] = {}
        for i, d in enumerate(data.get("books", [])):
            path: Path = ("books", i)
            book = self.book(d, path)
            if book is None:
                continue
            if book.instrument in seen:
                self.problem(
                    (*path, "instrument"),
                    f"{book.instrument} already has a book at {render_path(seen[book.instrument])}: "
                    "merge the two",
                )
                continue
            seen[book.instrument] = path
            out.append(book)
        return tuple(out)

    def book(self, d: dict[str, Any], path: Path) -> BookSpec | None:
        spec = self.instrument_ref(d, path)
        if spec is None:
            return None
        ok = True
        sides: dict[str, list[tuple[Decimal, Decimal]]] = {"bids": [], "asks": []}
        for side in ("bids", "asks"):
            for i, (price_v, qty_v) in enumerate(d.get(side, [])):
                price, qty = decimal_of(price_v), decimal_of(qty_v)
                where = (*path, side, i)
                if not on_step(price, spec.tick_size):
                    self.problem(
                        (*where, 0), f"the price {price} is not a multiple of the tick size {spec.tick_size}"
                    )
                    ok = False
                if not on_step(qty, spec.lot_size):
                    self.problem(
                        (*where, 1), f"the qty {qty} is not a multiple of the lot size {spec.lot_size}"
                    )
                    ok = False
                sides[side].append((price, qty))
        generate = None
        if "generate" in d:
            generate = self.generate(d["generate"], (*path, "generate"), spec)
            ok &= generate is not None
        if not ok:
            return None
        bids, asks = sides["bids"], sides["asks"]
        gen_bids, gen_asks = generated_prices(spec, generate) if generate is not None else ([], [])
        best_bid = max([p for p, _ in bids] + gen_bids, default=None)
        best_ask = min([p for p, _ in asks] + gen_asks, default=None)
        if best_bid is not None and best_ask is not None and best_bid >= best_ask:
            where = (*path, "bids") if bids else (*path, "generate")
            self.problem(
                where,
                f"the book is crossed: best bid {best_bid} >= best ask {best_ask}; "
                "every bid must be below every ask",
            )
            return None
        return BookSpec(
            instrument=spec.ref,
            bids=tuple(bids),
            asks=tuple(asks),
            generate=generate,
            participant=d.get("participant", "__market__"),
            path=path,
        )

    def generate(self, d: dict[str, Any], path: Path, spec: InstrumentSpec) -> BookGenerate | None:
        qty = decimal_of(d["qty"])
        qty_max = decimal_of(d["qty_max"]) if "qty_max" in d else None
        mid = decimal_of(d["mid"]) if "mid" in d else spec.reference_price
        ok = True
        for name, value in (("qty", qty), ("qty_max", qty_max)):
            if value is not None and not on_step(value, spec.lot_size):
                self.problem((*path, name), f"{value} is not a multiple of the lot size {spec.lot_size}")
                ok = False
        if qty_max is not None and qty_max < qty:
            self.problem((*path, "qty_max"), f"qty_max must be at least qty ({qty}), got {qty_max}")
            ok = False
        if mid is None:
            self.problem(path, "no price to centre the book on: give generate.mid, or the instrument a price")
            ok = False
        if not ok:
            return None
        generate = BookGenerate(
            levels=d.get("levels", 50),
            spread_ticks=d.get("spread_ticks", 1),
            step_ticks=d.get("step_ticks", 1),
            qty=qty,
            qty_max=qty_max,
            mid=mid,
        )
        bids, _ = generated_prices(spec, generate)
        if bids and min(bids) <= 0:
            self.problem(
                path, "the lowest generated bid would be at or below zero: use fewer levels or a smaller step"
            )
            return None
        return generate

    # -- script ----------------------------------------------------------------------------------

    def event(self, d: dict[str, Any], path: Path) -> ScriptEvent | None:
        spec = self.instrument_ref(d, path)
        if spec is None:
            return None
        ok = True
        trade = None
        if "trade" in d:
            t = d["trade"]
            trade = TradeSpec(
                price=decimal_of(t["price"]),
                qty=decimal_of(t["qty"]),
                side=Side.SELL if t.get("side") == "sell" else Side.BUY,
            )
            if not on_step(trade.price, spec.tick_size):
                self.problem(
                    (*path, "trade", "price"),
                    f"the price {trade.price} is not a multiple of the tick size {spec.tick_size}",
                )
                ok = False
            if not on_step(trade.qty, spec.lot_size):
                self.problem(
                    (*path, "trade", "qty"),
                    f"the qty {trade.qty} is not a multiple of the lot size {spec.lot_size}",
                )
                ok = False
        if "funding_rate" in d and spec.kind not in PERPETUAL:
            self.problem((*path, "funding_rate"), f"{spec.ref} is not a perpetual: it has no funding rate")
            ok = False
        dated = spec.kind in DATED
        if "settlement_price" in d and not dated:
            self.problem(
                (*path, "settlement_price"), f"{spec.ref} does not expire: it has no settlement price"
            )
            ok = False
        if d.get("status") == "settled" and not dated:
            self.problem(
                (*path, "status"), f"{spec.ref} does not expire, so it cannot be settled: use halted"
            )
            ok = False
        if not ok:
            return None
        at_ns = parse_duration_ns(d["at"])
        assert at_ns is not None
        return ScriptEvent(
            at_ns=at_ns,
            instrument=spec.ref,
            mark_price=decimal_of(d["mark_price"]) if "mark_price" in d else None,
            index_price=decimal_of(d["index_price"]) if "index_price" in d else None,
            trade=trade,
            status=InstrumentStatus(d["status"]) if "status" in d else None,
            funding_rate=decimal_of(d["funding_rate"]) if "funding_rate" in d else None,
            settlement_price=decimal_of(d["settlement_price"]) if "settlement_price" in d else None,
            path=path,
        )

    # -- flow, faults ----------------------------------------------------------------------------

    def flow(self, d: dict[str, Any]) -> FlowSpec:
        path: Path = ("flow",)
        refs = None
        if "instruments" in d:
            refs = []
            for i, ref in enumerate(d["instruments"]):
                if ref in self.instruments:
                    refs.append(ref)
                else:
                    known = ", ".join(self.instruments) or "none are defined"
                    self.problem(
                        (*path, "instruments", i), f"no instrument {ref!r} in this scenario (known: {known})"
                    )
            refs = tuple(refs)
        settings: dict[str, Any] = {}
        for name in _FLOW_SETTINGS:
            if name not in d:
                continue
            value = d[name]
            if name in ("min_value", "max_value"):
                value = decimal_of(value)
            elif name == "trade_probability":
                value = float(value)
            settings[name] = value
        low, high = settings.get("min_value"), settings.get("max_value")
        if low is not None and high is not None and low > high:
            self.problem((*path, "max_value"), f"max_value must be at least min_value ({low}), got {high}")
        return FlowSpec(
            enabled=d.get("enabled", True), instruments=refs, seed=d.get("seed"), settings=settings, path=path
        )

    def fault(self, d: dict[str, Any], path: Path) -> FaultRule | None:
        match = plain(d["match"])
        if "times" in match and match.get("persistent"):
            self.problem(
                (*path, "match", "persistent"), "give either `times` or `persistent: true`, not both"
            )
            return None
        return FaultRule(match=match, action=plain(d["action"]), name=d.get("name", ""), path=path)
