"""Dialect bindings: each venue dialect as the server hosts it (see :mod:`simulator.server.dialect`)."""

from __future__ import annotations
