"""Run the ``venuekit`` command as ``python -m venuekit``."""

from __future__ import annotations

from venuekit.cli import main

raise SystemExit(main())
