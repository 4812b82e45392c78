"""Faults: declarative ``match → action`` rules, armed from a scenario, the Python API or the control plane.

Modules, one concept each: ``params`` (reading values with errors that name the field),
``match`` (:class:`FaultMatch`: which traffic, how often), ``actions`` (what a fault does, one
class per kind), ``fault`` (:class:`Fault`: an armed rule and its lifecycle), ``engine``
(:class:`Faults`: arm, select, clear, all recorded in the journal). The request path that carries
the HTTP actions out is :mod:`simulator.server.http`.
"""

from __future__ import annotations

from simulator.server.faults import ws_actions  # noqa: F401  (registers the WS actions in WS_ACTIONS)
from simulator.server.faults.actions import (
    HTTP_ACTIONS,
    WS_ACTIONS,
    BatchItemError,
    ClockSkew,
    Delay,
    DelayClock,
    FaultAction,
    HttpStatus,
    MalformedBody,
    Phase,
    RateLimit,
    ResetConnection,
    RetCode,
    Stall,
    TruncatedBody,
    WsAction,
    parse_action,
)
from simulator.server.faults.engine import Faults
from simulator.server.faults.fault import Fault, FaultState
from simulator.server.faults.match import Channel, FaultMatch, parse_match

__all__ = [
    "HTTP_ACTIONS",
    "WS_ACTIONS",
    "BatchItemError",
    "Channel",
    "ClockSkew",
    "Delay",
    "DelayClock",
    "Fault",
    "FaultAction",
    "FaultMatch",
    "FaultState",
    "Faults",
    "HttpStatus",
    "MalformedBody",
    "Phase",
    "RateLimit",
    "ResetConnection",
    "RetCode",
    "Stall",
    "TruncatedBody",
    "WsAction",
    "parse_action",
    "parse_match",
]
