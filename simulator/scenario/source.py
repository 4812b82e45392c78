"""Reading scenario YAML into plain data while remembering where every value came from.

The file is composed into PyYAML's node tree (not constructed), so that:

* every value's line and column are known, and an error can point at it (:class:`SourceMap`);
* numbers keep the text they were written with: ``0.1`` arrives as a :class:`DecimalText`, a
  ``float`` that also carries ``"0.1"``, so it becomes ``Decimal("0.1")`` and never
  ``Decimal(0.1000000000000000055511151231257827...)``;
* YAML timestamps (``2026-01-02T08:00:00Z`` unquoted) stay text: the scenario reads times itself;
* duplicate keys, which YAML loaders silently collapse to the last one, are errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from simulator.scenario.errors import Location, Problem, ScenarioError

__all__ = ["DecimalText", "SourceMap", "parse_yaml", "to_decimal"]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"

Path = tuple[str | int, ...]


class DecimalText(float):
    """A YAML float that remembers its text, so it converts to an exact :class:`Decimal`.

    It is a ``float`` so that JSON Schema sees a number; ``decimal`` is the exact value.
    """

    text: str

    def __new__(cls, text: str) -> DecimalText:
        self = super().__new__(cls, _float_value(text))
        self.text = text
        return self

    @property
    def decimal(self) -> Decimal:
        return _yaml_float_decimal(self.text)

    def __repr__(self) -> str:
        return self.text


def _float_value(text: str) -> float:
    try:
        return float(_yaml_float_decimal(text))
    except (InvalidOperation, ValueError):
        return float("nan")


def _yaml_float_decimal(text: str) -> Decimal:
    clean = text.replace("_", "").strip()
    lowered = clean.lower()
    sign = "-" if lowered.startswith("-") else ""
    if lowered.lstrip("+-") == ".inf":
        return Decimal(f"{sign}Infinity")
    if lowered == ".nan":
        return Decimal("NaN")
    if ":" in clean:  # YAML 1.1 sexagesimal (190:20:30.15): rare, but exact all the same
        parts = clean.lstrip("+-").split(":")
        total = Decimal(0)
        for part in parts:
            total = total * 60 + Decimal(part)
        return -total if sign else total
    return Decimal(clean)


def to_decimal(value: object) -> Decimal | None:
    """The exact Decimal of a scenario number (int, :class:`DecimalText` or numeric text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, DecimalText):
        try:
            return value.decimal
        except InvalidOperation:
            return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # a float built in Python, not read from YAML: use its shortest text
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


@dataclass(slots=True)
class SourceMap:
    """Where each value of a scenario is in its file: ``path -> (line, column)``, 1-based.

    ``key_marks`` holds where each mapping *key* was written, which is where an unknown field is
    reported.
    """

    file: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path, *, key: bool = False) -> Location:
        """The location of ``path``, or of its nearest ancestor present in the file."""
        probe = path
        while True:
            mark = (self.key_marks.get(probe) if key else None) or self.marks.get(probe)
            if mark is not None:
                return Location(self.file, mark[0], mark[1], path)
            if not probe:
                return Location(self.file, 1, 1, path)
            probe = probe[:-1]

    def error(self, path: Path, message: str, *, key: bool = False) -> ScenarioError:
        return ScenarioError([Problem(self.at(path, key=key), message)])


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_CONSTRUCTOR = yaml.SafeLoader(stream="")


class _Builder:
    def __init__(self, source: SourceMap) -> None:
        self.source = source

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.source.marks.setdefault(path, _mark(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _INT:
            return _CONSTRUCTOR.construct_yaml_int(node)
        if node.tag == _FLOAT:
            return DecimalText(node.value)
        if node.tag == _BOOL:
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if node.tag == _NULL:
            return None
        # Strings, and anything YAML would turn into another type (timestamps, binary): the text.
        return str(node.value)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        seen: dict[str, int] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                raise ScenarioError(
                    [Problem(Location(self.source.file, line, column, path), "a key must be plain text")]
                )
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                line, column = _mark(key_node)
                first = seen[key]
                raise ScenarioError(
                    [
                        Problem(
                            Location(self.source.file, line, column, child),
                            f"this key is already given on line {first}: keep one of them",
                        )
                    ]
                )
            seen[key] = _mark(key_node)[0]
            self.source.key_marks.setdefault(child, _mark(key_node))
            out[key] = self.value(value_node, child)
        # ``<<: *defaults`` merges keys the mapping does not set itself (YAML merge keys).
        for other in merged:
            if not isinstance(other, yaml.MappingNode):
                line, column = _mark(other)
                raise ScenarioError(
                    [Problem(Location(self.source.file, line, column, path), "only a mapping can be merged")]
                )
            for key, value in self.mapping(other, path).items():
                out.setdefault(key, value)
        return out


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain data (dicts, lists, str, int, bool, None, DecimalText).

    Raises:
        ScenarioError: the text is not YAML, holds several documents, or repeats a key.
    """
    source = SourceMap(file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "unreadable"
        raise ScenarioError(
            [Problem(Location(file, line, column), f"this is not valid YAML ({what}): fix the syntax here")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(
            [Problem(Location(file, 1, 1), f"this is not valid YAML ({exc}): fix the syntax")]
        ) from None
    if node is None:
        return None, source
    return _Builder(source).value(node, ()), source
