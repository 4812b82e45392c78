"""venuekit: a kit for people who write crypto exchange adapters.

This top package is deliberately thin: it holds the version and the ``venuekit`` command.
The kit itself lives in the ``simulator``, ``conformance`` and ``adapters`` packages.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__: str = version("venuekit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
