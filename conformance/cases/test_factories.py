"""Group 12, factories, credentials, config defaults and provider loading (F-01..F-04).

The suite builds adapters only through the contract's factory (``factory.create(endpoints,
credentials, sink, config)``), so these cases judge exactly that seam: the clients it returns,
where they connect, which key signs, and how the instrument provider loads and filters.
"""

from __future__ import annotations

from adapters.contract import (
    AdapterError,
    ExecutionClient,
    FatalAdapterError,
    InstrumentProvider,
    MarketDataClient,
    Product,
)
from conformance.cases._world import WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch, HttpStatus
from simulator.server.journal import AuthVerdict, HttpEntry

LIN, SPOT = "linear:BTCUSDT", "spot:BTCUSDT"


@case("F-01", group="factories", requires=execution(), simulator=WORLD)
async def test_f01_factories_build_working_clients(ctx: CaseContext) -> None:
    """The factory's clients implement the contract, share a venue, and talk to the given URLs."""
    world = await World.open(ctx, data=True)
    clients = world.built.clients
    problems = []
    for name, client, protocol in (
        ("provider", clients.provider, InstrumentProvider),
        ("data", clients.data, MarketDataClient),
        ("execution", clients.execution, ExecutionClient),
    ):
        if not isinstance(client, protocol):
            problems.append(f"{name} is not a {protocol.__name__}")
    execution_client = clients.execution
    assert execution_client is not None
    if clients.data.venue != execution_client.venue:
        problems.append(f"data venue {clients.data.venue} != execution venue {execution_client.venue}")
    if not str(execution_client.account_id):
        problems.append("no account id")
    ctx.expect(not problems, "contract clients for one venue and account", "; ".join(problems))
    lin = world.instrument(LIN).instrument_id
    await ctx.within(clients.data.subscribe_trade_ticks(lin), "subscribe_trade_ticks (opens a public stream)")
    http = ctx.journal.entries(HttpEntry)
    ctx.expect(http, "requests reached the simulator's REST URL", "none did")
    ctx.expect(
        ctx.journal.connections("private") and ctx.journal.connections("public"),
        "public and private streams opened on the simulator's WS URLs",
        f"{[(c.role, c.path) for c in ctx.journal.connections()]}",
    )
    keyless = ctx.build(keys=False)
    ctx.expect(keyless.execution is None, "no execution client without keys", f"{keyless.execution!r}")


@case("F-02", group="factories", requires=execution(), simulator=WORLD)
async def test_f02_credentials(ctx: CaseContext) -> None:
    """The credentials given to the factory sign every private request (the venue verifies them)."""
    world = await World.open(ctx)
    facts = facts_of(ctx.adapter.dialect)
    assert world.built.credentials is not None
    private = [e for e in ctx.journal.entries(HttpEntry) if e.auth is not AuthVerdict.NONE]
    ctx.expect(private, "private requests on connect", "none")
    keys = {e.header(facts.auth_headers[0]) for e in private}
    ctx.expect(keys == {world.built.credentials.api_key}, "signed with the given key only", f"{keys}")
    bad = [f"#{e.seq} {e.path}: {e.auth.value}" for e in private if e.auth is not AuthVerdict.OK]
    ctx.expect(not bad, "every signature verifies", "; ".join(bad))


@case("F-04", group="factories", requires=product(Product.LINEAR) & product(Product.SPOT), simulator=WORLD)
async def test_f04_provider_loading(ctx: CaseContext) -> None:
    """load_ids_async keeps only the requested ids, load_async one; load_all_async all; bad filters raise."""
    world = await World.open(ctx, trade=False)
    lin, spot = world.instrument(LIN), world.instrument(SPOT)
    every = {i.instrument_id for i in world.built.provider.list_all()}
    fresh = ctx.build(keys=False).provider
    await ctx.within(fresh.load_ids_async([lin.instrument_id]), "load_ids_async([LIN])")
    ctx.expect(
        set(fresh.get_all()) == {lin.instrument_id},
        "only the requested id kept",
        f"{sorted(map(str, fresh.get_all()))}",
    )
    await ctx.within(fresh.load_async(spot.instrument_id), "load_async(SPOT)")
    ctx.expect(
        fresh.find(spot.instrument_id) is not None and fresh.find(lin.instrument_id) is not None,
        "load_async adds the one instrument",
        f"{sorted(map(str, fresh.get_all()))}",
    )
    await ctx.within(fresh.load_all_async(), "load_all_async()")
    ctx.expect(
        {i.instrument_id for i in fresh.list_all()} == every,
        "load_all_async loads every instrument",
        "it did not",
    )
    error = await ctx.raises(
        fresh.load_all_async({"no_such_filter": True}), AdapterError, "an unknown filter key is refused"
    )
    ctx.expect(isinstance(error, FatalAdapterError), "FatalAdapterError", type(error).__name__)


def _numeric(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@case(
    "F-03",
    group="factories",
    requires=product(Product.LINEAR),
    simulator=WORLD,
    timeout_s=30,
)
async def test_f03_config_defaults_and_validation(ctx: CaseContext) -> None:
    """The documented defaults build working clients; the retry default is what the wire shows (and a
    given value changes it); every numeric option refuses a negative value naming the option."""
    defaults_of = getattr(ctx.adapter.factory, "config_defaults", None)
    ctx.expect(callable(defaults_of), "the factory documents its config: config_defaults()", "it has none")
    assert defaults_of is not None
    defaults = dict(defaults_of())
    facts = facts_of(ctx.adapter.dialect)
    route = facts.instruments_route
    ctx.sim.faults.arm(HttpStatus(503, body="gateway down"), route=route, persistent=True)
    rounds = [("the documented defaults", defaults, defaults.get("max_retries"))]
    if "max_retries" in defaults:
        rounds.append(("max_retries=0", {"max_retries": 0}, 0))
    for label, config, retries in rounds:
        built = ctx.build(keys=False, config=config)
        mark = ctx.journal.mark()
        await ctx.raises(built.provider.load_all_async(), AdapterError, f"{label}: loading fails on a 503")
        attempts: dict[str, int] = {}
        for entry in ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", route)):
            attempts[entry.query] = attempts.get(entry.query, 0) + 1
        if retries is not None:
            ctx.expect(
                attempts and set(attempts.values()) == {retries + 1},
                f"{label}: {retries} retries, {retries + 1} attempts per request",
                f"{attempts}",
            )
    problems = []
    endpoints_built = ctx.build(keys=False)  # the defaults (no config) also build
    ctx.expect(endpoints_built.data is not None, "clients built with no config", "none")
    for key, value in sorted(defaults.items()):
        if not _numeric(value):
            continue
        try:
            ctx.build(keys=False, config={key: -1})
        except FatalAdapterError as exc:
            if key not in str(exc):
                problems.append(f"{key}=-1 refused without naming it: {exc}")
            continue
        except Exception as exc:
            problems.append(f"{key}=-1: {type(exc).__name__} instead of FatalAdapterError: {exc}")
            continue
        problems.append(f"{key}=-1 accepted")
    try:
        ctx.build(keys=False, config={"no_such_option": 1})
        problems.append("an unknown option accepted")
    except FatalAdapterError:
        pass
    ctx.expect(
        not problems, "invalid values refused with FatalAdapterError naming the option", "; ".join(problems)
    )
