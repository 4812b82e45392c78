"""Control-plane calls that seed venue state and script the market.

Each handler reads its JSON (:mod:`~simulator.server.control.inputs`), makes one call on the
exchange or the simulator, and answers with what the venue now holds. A refusal by the core
(``CoreUsageError``: a crossed book, an unknown coin ...) is a 400 carrying its sentence; a venue
rejection of a seeded order is a 400 too, with the venue's reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from simulator.core import (
    AccountKind,
    InstrumentStatus,
    NewOrder,
    OrderType,
    Side,
    TimeInForce,
)
from simulator.server.control.inputs import Body, plain
from simulator.server.errors import ControlInputError

if TYPE_CHECKING:
    from simulator.server.simulator import Simulator

__all__ = ["account_state", "state_routes"]

_PERMISSIONS = ("read", "spot", "derivatives", "options", "wallet")


def account_state(sim: Simulator, account_id: str) -> dict[str, Any]:
    """Balances, positions and open orders of an account, as JSON-able data."""
    ex = sim.exchange
    if account_id not in ex.accounts:
        raise ControlInputError(f"no account {account_id!r}; add it with POST accounts", "account")
    return {
        "id": account_id,
        "kind": ex.accounts[account_id].kind.value,
        "balances": [plain(view) for view in ex.balances(account_id)],
        "positions": [plain(view) for view in ex.positions(account_id)],
        "open_orders": [_order(view) for view in ex.open_orders(account_id)],
    }


def _order(view: Any) -> dict[str, Any]:
    data = plain(view)
    data.update(price=plain(view.price), qty=plain(view.qty), instrument=view.instrument.id)
    return data


def _instrument(sim: Simulator, body: Body) -> str:
    ref = body.text("instrument")
    try:
        return sim.instrument_id(ref)
    except KeyError as exc:
        raise ControlInputError(str(exc.args[0]), "instrument") from None


def _account(sim: Simulator, body: Body, field: str = "account") -> str:
    account_id = body.text(field)
    if account_id not in sim.exchange.accounts:
        raise ControlInputError(f"no account {account_id!r}; add it with POST accounts", field)
    return str(account_id)


def state_routes(sim: Simulator) -> list[web.RouteDef]:
    """The state-seeding and market-scripting routes, bound to ``sim``."""

    async def add_account(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("id", "kind", "balances", "api_keys")
        account_id = body.text("id")
        kind = body.choice("kind", AccountKind, AccountKind.USER)
        if kind not in (AccountKind.USER, AccountKind.PARTICIPANT):
            raise ControlInputError("kind: expected user or participant", "kind")
        balances = body.mapping("balances", {})
        coins = Body(balances, "balances.")
        amounts = {coin: coins.decimal(coin) for coin in balances}
        keys = []
        for item in body.items("api_keys"):
            item.known("key", "secret", "permissions")
            permissions = item.get("permissions", list(_PERMISSIONS))
            if not isinstance(permissions, list) or not set(permissions) <= set(_PERMISSIONS):
                raise ControlInputError(
                    f"permissions: expected a list of {', '.join(_PERMISSIONS)}, got {permissions!r}",
                    "api_keys.permissions",
                )
            keys.append((item.text("key"), item.text("secret"), frozenset(permissions)))
        known = {spec.key for spec in sim.api_keys}
        for key, _, _ in keys:
            if key in known:
                raise ControlInputError(f"API key {key!r} is already registered; use another key", "api_keys")
        sim.exchange.add_account(account_id, kind=kind, balances=amounts)
        for key, secret, permissions in keys:
            sim.add_api_key(key, secret, account_id, permissions)
        return account_state(sim, account_id)

    async def get_account(request: web.Request, body: Body) -> dict[str, Any]:
        return account_state(sim, request.match_info["account"])

    async def deposit(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("account", "coin", "amount")
        account_id = _account(sim, body)
        coin = body.text("coin")
        sim.exchange.deposit(account_id, coin, body.decimal("amount"))
        return plain(sim.exchange.balance(account_id, coin))

    async def seed_position(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("account", "instrument", "size", "entry_price", "position_idx")
        account_id = _account(sim, body)
        instrument_id = _instrument(sim, body)
        idx = body.integer("position_idx", 0, minimum=0)
        sim.exchange.seed_position(
            account_id,
            instrument_id,
            body.decimal("size"),
            body.decimal("entry_price", positive=True),
            position_idx=idx,
        )
        return plain(sim.exchange.position(account_id, instrument_id, idx))

    async def place_order(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known(
            "account", "participant", "instrument", "side", "qty", "type", "price", "tif",
            "post_only", "reduce_only", "client_id", "position_idx",
        )  # fmt: skip
        if ("account" in body.data) == ("participant" in body.data):
            raise ControlInputError("give exactly one of account (a user account) or participant", "account")
        if "participant" in body.data:
            account_id = sim.exchange.participant(body.text("participant")).account_id
        else:
            account_id = _account(sim, body)
        order_type = body.choice("type", OrderType, OrderType.LIMIT)
        result = sim.exchange.place_order(
            NewOrder(
                account_id,
                _instrument(sim, body),
                body.choice("side", Side),
                order_type,
                body.decimal("qty", positive=True),
                body.decimal("price", None, positive=True),
                time_in_force=body.choice("tif", TimeInForce, TimeInForce.GTC),
                post_only=body.boolean("post_only", False),
                reduce_only=body.boolean("reduce_only", False),
                client_order_id=body.text("client_id", ""),
                position_idx=body.integer("position_idx", 0, minimum=0),
            )
        )
        if not result.ok:
            raise ControlInputError(f"the venue rejected this order: {result.message}", None)
        assert result.order is not None
        return _order(sim.exchange.order(account_id, result.order.order_id))

    async def seed_book(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("instrument", "bids", "asks", "participant")
        instrument_id = _instrument(sim, body)
        sim.exchange.seed_book(
            instrument_id,
            bids=body.levels("bids"),
            asks=body.levels("asks"),
            account_id=body.text("participant", "__market__"),
        )
        return _book(instrument_id)

    async def get_book(request: web.Request, body: Body) -> dict[str, Any]:
        instrument_id = _instrument(sim, Body({"instrument": request.match_info["instrument"]}))
        depth = request.query.get("depth")
        if depth is not None and not depth.isdigit():
            raise ControlInputError(f"depth: expected a whole number, got {depth!r}", "depth")
        return _book(instrument_id, int(depth) if depth else None)

    def _book(instrument_id: str, depth: int | None = None) -> dict[str, Any]:
        snapshot = sim.exchange.book(instrument_id, depth)
        return {
            "instrument": instrument_id,
            "seq": snapshot.seq,
            "bids": [[str(p), str(q)] for p, q in snapshot.bids],
            "asks": [[str(p), str(q)] for p, q in snapshot.asks],
        }

    async def trade(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("instrument", "price", "qty", "side")
        instrument_id = _instrument(sim, body)
        events = sim.exchange.record_trade(
            instrument_id,
            body.decimal("price", positive=True),
            body.decimal("qty", positive=True),
            body.choice("side", Side, Side.BUY),
        )
        return {
            "instrument": instrument_id,
            "last_price": plain(sim.exchange.market(instrument_id).last_price),
            "events": len(events),
        }

    async def prices(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("instrument", "mark", "index")
        instrument_id = _instrument(sim, body)
        mark, index = body.decimal("mark", None, positive=True), body.decimal("index", None, positive=True)
        if mark is None and index is None:
            raise ControlInputError("give mark, index or both", "mark")
        events = 0
        if index is not None:
            events += len(sim.exchange.set_index_price(instrument_id, index))
        if mark is not None:
            events += len(sim.exchange.set_mark_price(instrument_id, mark))
        market = sim.exchange.market(instrument_id)
        return {
            "instrument": instrument_id,
            "mark_price": plain(market.mark_price),
            "index_price": plain(market.index_price),
            "events": events,
        }

    async def status(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("instrument", "status")
        instrument_id = _instrument(sim, body)
        events = sim.exchange.set_instrument_status(instrument_id, body.choice("status", InstrumentStatus))
        return {
            "instrument": instrument_id,
            "status": sim.exchange.market(instrument_id).status.value,
            "events": len(events),
        }

    return [
        web.post("/accounts", add_account),
        web.get("/accounts/{account}", get_account),
        web.post("/balances", deposit),
        web.post("/positions", seed_position),
        web.post("/orders", place_order),
        web.post("/books", seed_book),
        web.get("/books/{instrument}", get_book),
        web.post("/market/trade", trade),
        web.post("/market/prices", prices),
        web.post("/market/status", status),
    ]
