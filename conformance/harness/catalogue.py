"""The conformance catalogue shipped with the suite: case ids, names and groups, and its hash.

``conformance/catalogue.md`` is a copy of the catalogue the cases encode. Its sha256 goes into
every report, so two reports can only be compared case by case when their hashes agree. Ids are
read from the table rows (``| H-07 ● | Rate-limit response mapping | ...``); the group of a case
is the numbered section its row sits in.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

__all__ = [
    "CATALOGUE_RESOURCE",
    "CatalogueEntry",
    "Group",
    "catalogue_entries",
    "catalogue_hash",
    "catalogue_text",
]

#: The catalogue's file name inside the ``conformance`` package.
CATALOGUE_RESOURCE = "catalogue.md"


class Group(StrEnum):
    """The catalogue's sections; each value is also the pytest marker of its cases."""

    HTTP = "http"
    WS_LOGIN = "ws_login"
    HEARTBEAT = "heartbeat"
    SUBSCRIPTION = "subscription"
    RECONNECT = "reconnect"
    ROUTING = "routing"
    MARKET_DATA = "market_data"
    PRODUCTS = "products"
    ORDER_FLOW = "order_flow"
    OUTCOME = "outcome"
    RECONCILIATION = "reconciliation"
    FACTORIES = "factories"

    @property
    def section(self) -> int:
        """The catalogue section number (1 for HTTP ... 12 for factories)."""
        return list(Group).index(self) + 1

    @property
    def title(self) -> str:
        """A human title for tables."""
        return _TITLES[self]


_TITLES = {
    Group.HTTP: "HTTP client",
    Group.WS_LOGIN: "WebSocket connection and login",
    Group.HEARTBEAT: "Ping / pong and heartbeat",
    Group.SUBSCRIPTION: "Subscription lifecycle",
    Group.RECONNECT: "Reconnection",
    Group.ROUTING: "Message routing and quota tagging",
    Group.MARKET_DATA: "Market-data client outputs",
    Group.PRODUCTS: "Product coverage",
    Group.ORDER_FLOW: "Order flow",
    Group.OUTCOME: "Outcome policy for failed commands",
    Group.RECONCILIATION: "State management and reconciliation",
    Group.FACTORIES: "Python layer, factories and config",
}

_SECTION = re.compile(r"^## (\d+)\. ")
# "| H-07 ● | Rate-limit response mapping | ..." (● required by the guide, ○ derived).
_ROW = re.compile(r"^\| ([A-Z]+-\d\d) ([●○]) \| ([^|]+?) \|")


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogue row: its id, its scenario name, its group and whether the guide requires it."""

    id: str
    name: str
    group: Group
    required: bool


@cache
def catalogue_text() -> str:
    """The catalogue shipped with the package, as text."""
    return files("conformance").joinpath(CATALOGUE_RESOURCE).read_text(encoding="utf-8")


@cache
def catalogue_hash() -> str:
    """``sha256:<hex>`` of the catalogue's UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(catalogue_text().encode("utf-8")).hexdigest()


@cache
def catalogue_entries() -> dict[str, CatalogueEntry]:
    """Every catalogue row by id, in catalogue order.

    Raises:
        ValueError: the shipped catalogue is malformed (a row outside sections 1-12, or an id twice).
    """
    groups = list(Group)
    entries: dict[str, CatalogueEntry] = {}
    group: Group | None = None
    for line in catalogue_text().splitlines():
        section = _SECTION.match(line)
        if section is not None:
            number = int(section.group(1))
            group = groups[number - 1] if 1 <= number <= len(groups) else None
            continue
        row = _ROW.match(line)
        if row is None:
            continue
        case_id, mark, name = row.groups()
        if group is None:
            raise ValueError(f"catalogue row {case_id} sits outside sections 1-{len(groups)}")
        if case_id in entries:
            raise ValueError(f"catalogue id {case_id} appears twice")
        entries[case_id] = CatalogueEntry(case_id, name.strip(), group, mark == "●")
    return entries
