"""The control plane: the Python API over HTTP, under ``/__venuekit__/`` on the simulator's own port.

JSON in, JSON out (orjson). Every endpoint, with its body:

======  ============================  ==========================================================
GET     /                             what the simulator is, where it listens, the endpoint list
GET     /journal?since=N&limit=M      the journal (``Journal.to_json``); page on with ``next_since``
GET     /faults                       armed faults
POST    /faults                       ``{"match": {...}, "action": {...}, "name"?}`` → the fault (201)
DELETE  /faults/{name}                clear one fault
DELETE  /faults                       clear every fault
POST    /clock/advance                ``{"seconds": N}`` (virtual clock)
POST    /reset                        back to the scenario's starting state
POST    /accounts                     ``{"id", "kind"?, "balances"?, "api_keys"?}``
GET     /accounts/{id}                balances, positions, open orders
POST    /balances                     ``{"account", "coin", "amount"}`` (negative: withdraw)
POST    /positions                    ``{"account", "instrument", "size", "entry_price", "position_idx"?}``
POST    /orders                       ``{"account"|"participant", "instrument", "side", "qty", ...}``
POST    /books                        ``{"instrument", "bids"?, "asks"?, "participant"?}``
GET     /books/{instrument}?depth=N   the book
POST    /market/trade                 ``{"instrument", "price", "qty", "side"?}``
POST    /market/prices                ``{"instrument", "mark"?, "index"?}``
POST    /market/status                ``{"instrument", "status"}`` (trading, halted, settled)
======  ============================  ==========================================================

When the simulator has a control token, every call must carry it in ``X-Venuekit-Token`` (else
401). A request the server cannot act on is a 400 ``{"error": sentence, "field": name}``.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

import orjson
from aiohttp import web

from simulator.core import CoreUsageError
from simulator.server.control.inputs import Body, parse_body
from simulator.server.control.state import state_routes
from simulator.server.errors import ControlInputError, FaultSpecError, SimulatorError, SimulatorUsageError

if TYPE_CHECKING:
    from simulator.server.simulator import Simulator

__all__ = ["CONTROL_PREFIX", "TOKEN_HEADER", "control_app"]

CONTROL_PREFIX: Final = "/__venuekit__/"
TOKEN_HEADER: Final = "X-Venuekit-Token"

Handler = Callable[[web.Request], Awaitable[Any]]
#: The control app's list of its endpoints, ``"METHOD /__venuekit__/path"``.
ENDPOINTS: Final = web.AppKey("endpoints", list[str])


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def _error(status: int, message: str, field: str | None = None) -> web.Response:
    return _json({"error": message, "field": field}, status)


def control_app(sim: Simulator) -> web.Application:
    """The control plane as an aiohttp sub-application (mounted at :data:`CONTROL_PREFIX`)."""
    app = web.Application(middlewares=[_guard(sim)])
    routes = [*_core_routes(sim), *state_routes(sim)]
    for route in routes:
        app.router.add_route(route.method, route.path, _as_json(route.handler))
    app[ENDPOINTS] = [f"{route.method} {CONTROL_PREFIX}{route.path.lstrip('/')}" for route in routes]
    return app


def _as_json(handler: Any) -> Handler:
    """Parse the JSON body into ``body``, run ``handler``, answer its result as JSON."""

    async def run(request: web.Request) -> web.StreamResponse:
        result = await handler(request, parse_body(await request.read()))
        if isinstance(result, web.StreamResponse):
            return result
        return _json(result)

    return run


def _guard(sim: Simulator) -> Any:
    """Token check first; then every error becomes a JSON answer (bugs are also recorded)."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        token = sim.control_token
        if token is not None:
            given = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                what = "a wrong" if given else "no"
                return _error(
                    401, f"this control plane needs its token: {what} {TOKEN_HEADER} header was sent"
                )
        try:
            return await handler(request)
        except ControlInputError as exc:
            return _error(exc.status, exc.message, exc.field)
        except FaultSpecError as exc:
            return _error(400, str(exc), exc.field)
        except (SimulatorUsageError, CoreUsageError) as exc:
            return _error(400, str(exc))
        except web.HTTPException as exc:
            if exc.status in (404, 405):
                return _error(
                    exc.status,
                    f"no control endpoint {request.method} {request.path}; GET {CONTROL_PREFIX} lists them",
                )
            raise
        except SimulatorError as exc:
            return _error(409, str(exc))
        except Exception as exc:  # a bug: recorded and re-raised into the test
            sim.record_error(exc, "control")
            return _error(500, f"the simulator failed on this call: {type(exc).__name__}: {exc}")

    return guard


def _core_routes(sim: Simulator) -> list[web.RouteDef]:
    async def info(request: web.Request, body: Body) -> dict[str, Any]:
        return {**sim.info(), "endpoints": request.app[ENDPOINTS]}

    async def journal(request: web.Request, body: Body) -> dict[str, Any]:
        since = _query_int(request, "since")
        limit = _query_int(request, "limit")
        return sim.journal.to_json(since, limit)

    async def list_faults(request: web.Request, body: Body) -> dict[str, Any]:
        return {"faults": [fault.as_dict() for fault in sim.faults]}

    async def arm_fault(request: web.Request, body: Body) -> web.Response:
        body = body.known("match", "action", "name")
        fault = sim.faults.arm_rule(
            body.mapping("match"), body.mapping("action"), body.text("name", None), source="control"
        )
        return _json(fault.as_dict(), 201)

    async def clear_fault(request: web.Request, body: Body) -> dict[str, Any]:
        name = request.match_info["name"]
        if name not in sim.faults:
            known = ", ".join(fault.name for fault in sim.faults) or "none"
            raise ControlInputError(f"no armed fault named {name!r} (armed: {known})", "name")
        return sim.faults.clear(name).as_dict()

    async def clear_faults(request: web.Request, body: Body) -> dict[str, Any]:
        return {"cleared": [fault.as_dict() for fault in sim.faults.clear_all()]}

    async def advance(request: web.Request, body: Body) -> dict[str, Any]:
        body = body.known("seconds")
        events = sim.advance(body.number("seconds", minimum=0))
        return {"now_ms": sim.now_ms(), "events": len(events)}

    async def reset(request: web.Request, body: Body) -> dict[str, Any]:
        sim.reset()
        return sim.info()

    return [
        web.get("/", info),
        web.get("/journal", journal),
        web.get("/faults", list_faults),
        web.post("/faults", arm_fault),
        web.delete("/faults/{name}", clear_fault),
        web.delete("/faults", clear_faults),
        web.post("/clock/advance", advance),
        web.post("/reset", reset),
    ]


def _query_int(request: web.Request, name: str) -> int | None:
    value = request.query.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise ControlInputError(f"{name}: expected a whole number >= 0, got {value!r}", name)
    return int(value)
