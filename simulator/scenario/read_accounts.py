"""Reading ``accounts`` (balances, API keys, positions, leverage, modes) and resting ``orders``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from simulator.core import (
    FEES_ACCOUNT,
    INSURANCE_ACCOUNT,
    AccountKind,
    InstrumentKind,
    MarginMode,
    OrderType,
    PositionMode,
    Side,
    TimeInForce,
    TriggerBy,
    TriggerDirection,
)
from simulator.scenario.model import AccountSpec, ApiKey, OrderSpec, Path, PositionSpec
from simulator.scenario.reading import ReaderBase, decimal_of, has_position_mode, on_step

__all__ = ["ALL_PERMISSIONS", "AccountReading"]

#: Permissions an API key gets when the file lists none.
ALL_PERMISSIONS = frozenset({"read", "spot", "derivatives", "options", "wallet"})


class AccountReading(ReaderBase):
    """Reads ``accounts[]`` and ``orders[]``."""

    def account(self, d: dict[str, Any], path: Path) -> AccountSpec | None:
        account_id = d["id"]
        ok = True
        if account_id.startswith("__"):
            self.problem(
                (*path, "id"), "ids starting with __ are the venue's own accounts: choose another id"
            )
            ok = False
        if account_id in self.accounts:
            self.problem((*path, "id"), f"account {account_id!r} is defined twice: ids must be unique")
            ok = False
        mode = PositionMode(d["position_mode"]) if "position_mode" in d else None
        modes: dict[str, PositionMode] = {}
        for ref, value in d.get("position_modes", {}).items():
            spec = self.instruments.get(ref)
            where = (*path, "position_modes", ref)
            if spec is None:
                self.problem(where, f"no instrument {ref!r} in this scenario", key=True)
                ok = False
            elif not has_position_mode(spec.kind):
                self.problem(where, "only linear and inverse contracts have a position mode", key=True)
                ok = False
            else:
                modes[ref] = PositionMode(value)
        leverage: dict[str, Decimal] = {}
        for ref, value in d.get("leverage", {}).items():
            spec = self.instruments.get(ref)
            where = (*path, "leverage", ref)
            number = decimal_of(value)
            if spec is None:
                self.problem(where, f"no instrument {ref!r} in this scenario", key=True)
                ok = False
            elif spec.kind in (InstrumentKind.SPOT, InstrumentKind.OPTION):
                self.problem(where, f"{spec.kind.value} instruments have no leverage", key=True)
                ok = False
            elif not 1 <= number <= spec.parameters.get("max_leverage", Decimal(100)):
                top = spec.parameters.get("max_leverage", Decimal(100))
                self.problem(where, f"expected a leverage between 1 and {top}, got {number}")
                ok = False
            else:
                leverage[ref] = number
        positions = []
        for i, p in enumerate(d.get("positions", [])):
            position = self.position(p, (*path, "positions", i), mode, modes)
            ok &= position is not None
            if position is not None:
                positions.append(position)
        keys = tuple(
            ApiKey(
                key=k["key"],
                secret=k["secret"],
                permissions=frozenset(k.get("permissions", ALL_PERMISSIONS)),
                label=k.get("label", ""),
                path=(*path, "api_keys", i),
            )
            for i, k in enumerate(d.get("api_keys", []))
        )
        spec = AccountSpec(
            id=account_id,
            kind=AccountKind(d.get("kind", "user")),
            balances={coin: decimal_of(v) for coin, v in d.get("balances", {}).items()},
            borrow={coin: decimal_of(v) for coin, v in d.get("borrow", {}).items()},
            api_keys=keys,
            positions=tuple(positions),
            leverage=leverage,
            position_mode=mode,
            position_modes=modes,
            margin_mode=MarginMode(d["margin_mode"]) if "margin_mode" in d else None,
            path=path,
        )
        # Registered even with problems (which stop the load anyway), so that orders referring to
        # it do not add noise; a duplicate keeps the first.
        self.accounts.setdefault(account_id, spec)
        return spec if ok else None

    def position(
        self, d: dict, path: Path, mode: PositionMode | None, modes: Mapping[str, PositionMode]
    ) -> PositionSpec | None:
        spec = self.instrument_ref(d, path)
        if spec is None:
            return None
        if spec.kind is InstrumentKind.SPOT:
            self.problem(
                (*path, "instrument"), "spot instruments have no positions: give the account a balance"
            )
            return None
        size = decimal_of(d["size"])
        if not size:
            self.problem((*path, "size"), "a position needs a non-zero size (negative for a short)")
            return None
        if not on_step(size, spec.lot_size):
            self.problem(
                (*path, "size"), f"the size {size} is not a multiple of the lot size {spec.lot_size}"
            )
            return None
        hedge = has_position_mode(spec.kind) and modes.get(spec.ref, mode) is PositionMode.HEDGE
        expected_idx = (1 if size > 0 else 2) if hedge else 0
        idx = d.get("position_idx", expected_idx)
        if idx != expected_idx:
            if hedge:
                side = "long" if size > 0 else "short"
                why = f"in hedge mode a {side} position has position_idx {expected_idx}"
            else:
                why = "in one-way mode position_idx is 0 (set position_mode: hedge for 1 and 2)"
            self.problem((*path, "position_idx"), f"{why}, got {idx}")
            return None
        return PositionSpec(
            instrument=spec.ref,
            size=size,
            entry_price=decimal_of(d["entry_price"]),
            position_idx=idx,
            path=path,
        )

    def check_api_keys(self, accounts: tuple[AccountSpec, ...]) -> None:
        owners: dict[str, str] = {}
        for account in accounts:
            for key in account.api_keys:
                if key.key in owners:
                    self.problem(
                        (*key.path, "key"),
                        f"this API key is already used by account {owners[key.key]!r}: keys must be unique",
                    )
                owners[key.key] = account.id

    # -- orders ----------------------------------------------------------------------------------

    def order(self, d: dict[str, Any], path: Path) -> OrderSpec | None:
        spec = self.instrument_ref(d, path)
        ok = spec is not None
        if ("account" in d) == ("participant" in d):
            self.problem(
                path, "an order needs either `account` (an account of this scenario) or `participant`"
            )
            return None
        participant = "participant" in d
        owner = d["participant"] if participant else d["account"]
        if not participant and owner not in self.accounts:
            known = ", ".join(self.accounts) or "none are defined"
            self.problem((*path, "account"), f"no account {owner!r} in this scenario (accounts: {known})")
            ok = False
        if participant and owner in self.accounts:
            self.problem(
                (*path, "participant"), f"{owner!r} is an account of this scenario: write account: {owner}"
            )
            ok = False
        if participant and owner in (FEES_ACCOUNT, INSURANCE_ACCOUNT):
            self.problem((*path, "participant"), f"{owner} is the venue's own account and cannot trade")
            ok = False
        order_type = OrderType(d.get("type", "limit"))
        if order_type is OrderType.LIMIT and "price" not in d:
            self.problem(path, "a limit order needs a `price`")
            ok = False
        if order_type is OrderType.MARKET and "price" in d:
            self.problem((*path, "price"), "a market order has no price: remove it, or use type: limit")
            ok = False
        tif = TimeInForce(d.get("tif", "gtc"))
        if tif is TimeInForce.GTD and "expire" not in d:
            self.problem(path, "a gtd order needs `expire` (a time, or an offset like +1h)")
            ok = False
        if tif is not TimeInForce.GTD and "expire" in d:
            self.problem((*path, "expire"), "only gtd orders expire: set tif: gtd, or remove expire")
            ok = False
        if "trigger_price" not in d:
            for name in ("trigger_by", "trigger_direction"):
                if name in d:
                    self.problem((*path, name), f"{name} only applies with a trigger_price")
                    ok = False
        if not ok or spec is None:
            return None
        flags = set(d.get("flags", []))
        return OrderSpec(
            instrument=spec.ref,
            account_id=owner,
            participant=participant,
            side=Side.BUY if d["side"] == "buy" else Side.SELL,
            order_type=order_type,
            qty=decimal_of(d["qty"]),
            price=decimal_of(d["price"]) if "price" in d else None,
            time_in_force=tif,
            expire=self.time(d, "expire"),
            post_only="post_only" in flags,
            reduce_only="reduce_only" in flags,
            close_on_trigger="close_on_trigger" in flags,
            quote_quantity="quote_quantity" in flags,
            client_id=d.get("client_id", ""),
            position_idx=d.get("position_idx", 0),
            trigger_price=decimal_of(d["trigger_price"]) if "trigger_price" in d else None,
            trigger_by=TriggerBy(d.get("trigger_by", "last")),
            trigger_direction=(
                TriggerDirection.RISE if d.get("trigger_direction") == "rise" else TriggerDirection.FALL
            )
            if "trigger_direction" in d
            else None,
            path=path,
        )
