"""The cassette package's errors: typed, each message saying what to do about it.

::

    CassetteError                 base of everything this package raises on purpose
     ├── CassetteFormatError      a line that is not a cassette event (names the file and line)
     │    └── CassetteVersionError  a cassette written by a format version this kit cannot read
     ├── CassetteUsageError       a bad argument (also ValueError)
     ├── NoRecordedMatch          a request the cassette has no recording of (names the closest)
     └── NoRecordedSession        a WebSocket connection beyond the recorded ones

    CassetteWarning               a truncated last line: the valid prefix is used
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CassetteError",
    "CassetteFormatError",
    "CassetteUsageError",
    "CassetteVersionError",
    "CassetteWarning",
    "NoRecordedMatch",
    "NoRecordedSession",
]


class CassetteError(Exception):
    """Base of the errors the cassette package raises on purpose."""


class CassetteFormatError(CassetteError):
    """A cassette line that cannot be read.

    Attributes:
        path: the cassette file.
        line: the 1-based line number.
        problem: what is wrong with the line.
    """

    def __init__(self, path: str | Path, line: int, problem: str, advice: str | None = None) -> None:
        advice = advice or (
            "the file is damaged or was edited by hand: re-record it "
            "(venuekit record ... --out FILE), or delete the line and everything after it to keep the prefix"
        )
        super().__init__(f"{path}:{line}: {problem}; {advice}")
        self.path = Path(path)
        self.line = line
        self.problem = problem


class CassetteVersionError(CassetteFormatError):
    """The cassette's header names a format version this kit cannot read.

    Attributes:
        version: the version the header names (whatever it holds).
    """

    def __init__(self, path: str | Path, version: object, supported: int) -> None:
        super().__init__(
            path,
            1,
            f"cassette format version {version!r} is not one this venuekit reads "
            f"(it reads version {supported})",
            "upgrade venuekit to the version that wrote the cassette, or re-record it with this one",
        )
        self.version = version


class CassetteUsageError(CassetteError, ValueError):
    """A bad argument to the cassette API (the message says which and what to do)."""


class NoRecordedMatch(CassetteError):
    """A request the cassette holds no recording of.

    Attributes:
        request: a one-line description of the request.
        closest: a one-line description of the closest recorded request, or None.
        differences: the fields that differ from the closest, as ``name: got X, recorded Y``.
    """

    def __init__(self, request: str, closest: str | None, differences: list[str]) -> None:
        if closest is None:
            text = f"no recorded request matches {request}: the cassette has none with this method"
        else:
            diff = "; ".join(differences) if differences else "(none)"
            text = f"no recorded request matches {request}; closest recorded: {closest}; differing: {diff}"
        super().__init__(
            text + ". Record it (replay --mode new_episodes with --upstream-rest), "
            "or change the request to match the recording"
        )
        self.request = request
        self.closest = closest
        self.differences = differences


class NoRecordedSession(CassetteError):
    """A WebSocket connection to a path with no recorded session left to replay.

    Attributes:
        path: the path connected to.
        left: the paths that still have recorded sessions.
    """

    def __init__(self, path: str, left: list[str]) -> None:
        super().__init__(
            f"no recorded WebSocket session left for {path} "
            f"(paths with sessions left: {', '.join(left) or 'none'}); record more "
            "(replay --mode new_episodes with --upstream-ws), or connect fewer times"
        )
        self.path = path
        self.left = left


class CassetteWarning(UserWarning):
    """The cassette's last line is cut short (a recorder stopped mid-write): its valid prefix is used."""
