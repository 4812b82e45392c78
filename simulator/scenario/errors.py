"""Scenario errors: where in which file something is wrong, and what was expected.

Every problem a user can make in a scenario file is reported as ``FILE:LINE:COL: PATH: WHAT`` (the
line and column are 1-based and point into the YAML), e.g.::

    scenarios/x.yaml:14:5: instruments[2].tick_size: expected a positive number, got "abc"

so that an editor can jump to it, and the sentence says what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Location", "Problem", "ScenarioError", "render_path"]

#: Problems listed in one error message; the rest are counted.
_MAX_LISTED = 10


def render_path(path: tuple[str | int, ...]) -> str:
    """``("instruments", 2, "tick_size")`` -> ``instruments[2].tick_size``.

    Keys that are not plain identifiers (rate-limit endpoints, say) are quoted:
    ``limits["order/create"]``.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a scenario file: the file name, a 1-based line and column, and the field path."""

    file: str
    line: int
    column: int
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def problem(self, message: str) -> Problem:
        return Problem(self, message)

    def error(self, message: str) -> ScenarioError:
        """A :class:`ScenarioError` about this place (raise it)."""
        return ScenarioError([Problem(self, message)])


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a scenario, at one place."""

    location: Location
    message: str

    def __str__(self) -> str:
        path = render_path(self.location.path)
        return f"{self.location}: {path}: {self.message}" if path else f"{self.location}: {self.message}"


class ScenarioError(Exception):
    """A scenario file cannot be loaded or built.

    The first problem is in ``file``, ``line``, ``column``, ``path`` and ``problem``; all of them
    (sorted by position in the file) are in ``problems``. ``str(error)`` lists them, one a line.
    """

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("a ScenarioError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        self.file = first.location.file
        self.line = first.location.line
        self.column = first.location.column
        self.path = render_path(first.location.path)
        self.problem = first.message
        lines = [str(p) for p in self.problems[:_MAX_LISTED]]
        if len(self.problems) > _MAX_LISTED:
            lines.append(f"... and {len(self.problems) - _MAX_LISTED} more problems")
        super().__init__("\n".join(lines))
