"""The control plane under ``/__venuekit__/``: state seeding, market scripting, faults, clock, journal, reset.

Modules: ``inputs`` (reading JSON fields with errors that name them), ``state`` (seeding and
scripting routes), ``app`` (the sub-application, the token guard and the remaining routes; its
docstring lists every endpoint).
"""

from __future__ import annotations

from simulator.server.control.app import CONTROL_PREFIX, TOKEN_HEADER, control_app

__all__ = ["CONTROL_PREFIX", "TOKEN_HEADER", "control_app"]
