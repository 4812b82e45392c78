"""Finding an adapter: by entry-point name (group ``venuekit.adapters``) or by ``module:attr``.

An adapter package registers its factory in its ``pyproject.toml``::

    [project.entry-points."venuekit.adapters"]
    bybit = "adapters.bybit.factories:BybitAdapterFactory"

and ``load_adapter("bybit")`` or ``load_adapter("adapters.bybit.factories:BybitAdapterFactory")``
returns a factory instance. The attribute may be a factory instance or a class (instantiated
with no arguments).
"""

from __future__ import annotations

import importlib
from importlib.metadata import EntryPoint, entry_points

from adapters.contract.errors import FatalAdapterError
from adapters.contract.factory import AdapterFactory

__all__ = ["ENTRY_POINT_GROUP", "AdapterNotFound", "InvalidAdapter", "installed_adapters", "load_adapter"]

ENTRY_POINT_GROUP = "venuekit.adapters"


class AdapterNotFound(FatalAdapterError):
    """No adapter matches the spec; the message lists the installed ones."""


class InvalidAdapter(FatalAdapterError):
    """The spec names something that is not an AdapterFactory; the message says what is missing."""


def installed_adapters() -> dict[str, str]:
    """Installed adapters: entry-point name -> ``module:attr``."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _installed_text() -> str:
    names = installed_adapters()
    if not names:
        return f"no adapters are installed in entry-point group {ENTRY_POINT_GROUP!r}"
    return "installed adapters: " + ", ".join(f"{n} ({v})" for n, v in sorted(names.items()))


def _resolve(spec: str) -> object:
    module_name, _, attr_path = spec.partition(":")
    try:
        target: object = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only "the named module is missing" is a not-found; an import error inside it is a bug to show.
        if exc.name is not None and module_name.startswith(exc.name):
            raise AdapterNotFound(f"adapter module {module_name!r} not found; {_installed_text()}") from exc
        raise
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise AdapterNotFound(
                f"{module_name!r} has no attribute {attr_path!r}; {_installed_text()}"
            ) from None
    return target


def _as_factory(obj: object, spec: str) -> AdapterFactory:
    if isinstance(obj, type):
        try:
            obj = obj()
        except TypeError as exc:
            raise InvalidAdapter(f"{spec}: the factory class must take no arguments ({exc})") from exc
    missing = [a for a in ("name", "version", "capabilities", "create") if not hasattr(obj, a)]
    if missing or not callable(getattr(obj, "create", None)):
        raise InvalidAdapter(
            f"{spec} is not an AdapterFactory: missing {missing or ['callable create']} "
            "(see adapters.contract.factory.AdapterFactory)"
        )
    from adapters.contract.capabilities import Capabilities

    if not isinstance(obj.capabilities, Capabilities):  # type: ignore[attr-defined]
        raise InvalidAdapter(f"{spec}: capabilities must be an adapters.contract.Capabilities")
    return obj  # type: ignore[return-value]


def load_adapter(spec: str) -> AdapterFactory:
    """Find and instantiate an adapter factory.

    Args:
        spec: an entry-point name in group ``venuekit.adapters`` (``"bybit"``) or
            ``"package.module:attr"``.

    Raises:
        AdapterNotFound: no such entry point, module or attribute (lists installed adapters).
        InvalidAdapter: the target is not an AdapterFactory.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise AdapterNotFound(
            f"adapter spec must be a name or 'module:attr', got {spec!r}; {_installed_text()}"
        )
    spec = spec.strip()
    if ":" in spec:
        return _as_factory(_resolve(spec), spec)
    matches: list[EntryPoint] = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == spec]
    if not matches:
        raise AdapterNotFound(
            f"no adapter named {spec!r} (write 'package.module:factory' for an unregistered one); "
            f"{_installed_text()}"
        )
    return _as_factory(matches[0].load(), f"{spec} ({matches[0].value})")
