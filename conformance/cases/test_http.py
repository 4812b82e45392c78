"""Group 1, HTTP client (H-xx): judged on the journal (what reached the venue) and on what the
adapter's clients return or raise. Every case builds its own clients against a fresh simulator.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from adapters.contract import (
    AdapterError,
    AuthenticationError,
    Product,
    RateLimited,
    RetryableTransportError,
    VenueError,
)
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch, HttpStatus, MalformedBody, RateLimit, RetCode
from simulator.server.journal import AuthVerdict, HttpEntry

#: Venue instrument kinds by the product an adapter claims (core ``Instrument`` flags).
_PRODUCT_OF_KIND = {
    Product.SPOT: lambda i: i.is_spot,
    Product.LINEAR: lambda i: i.market == "linear" and i.is_perpetual,
    Product.FUTURE: lambda i: i.is_dated and not i.is_option,
    Product.INVERSE: lambda i: i.is_inverse,
    Product.OPTION: lambda i: i.is_option,
}
_CLASS_OF = {
    Product.SPOT: "CurrencyPair",
    Product.LINEAR: "CryptoPerpetual",
    Product.FUTURE: "CryptoFuture",
    Product.INVERSE: "CryptoPerpetual",
    Product.OPTION: "CryptoOption",
}
#: The cheapest public stimulus every adapter has: loading instruments (one claimed product).
_ANY_PRODUCT = product(Product.LINEAR)


def _signed(ctx: CaseContext, entry: HttpEntry) -> list[str]:
    return [name for name in facts_of(ctx.adapter.dialect).auth_headers if entry.header(name) is not None]


def _instruments(ctx: CaseContext) -> HttpMatch:
    return HttpMatch("GET", facts_of(ctx.adapter.dialect).instruments_route)


def _dec(value: Any) -> Decimal:
    return Decimal(str(value))


@case("H-01", group="http", requires=_ANY_PRODUCT)
async def test_h01_instruments(ctx: CaseContext) -> None:
    """Every venue instrument of a claimed product loads as the right class with the venue's fields."""
    built = ctx.build(keys=False)
    await ctx.within(built.provider.load_all_async(), "load_all_async() returns")
    requests = ctx.journal.entries(HttpEntry, None, _instruments(ctx))
    ctx.expect(requests, "GETs to the instruments route", "no instrument request reached the venue")
    signed = [(e.seq, _signed(ctx, e)) for e in requests if _signed(ctx, e)]
    ctx.expect(not signed, "no auth headers on public instrument requests", f"auth headers sent: {signed}")
    # Keyed by symbol and class: Bybit's spot BTCUSDT and linear BTCUSDT share a raw symbol.
    loaded: dict[tuple[str, str], list[Any]] = {}
    for instrument in built.provider.list_all():
        loaded.setdefault((str(instrument.raw_symbol), type(instrument).__name__), []).append(instrument)
    claimed = ctx.capabilities.products
    problems: list[str] = []
    for market in ctx.sim.exchange.markets.values():
        spec = market.instrument
        products = [p for p, test in _PRODUCT_OF_KIND.items() if test(spec)]
        if not products or products[0] not in claimed:
            continue
        want_class = _CLASS_OF[products[0]]
        found = loaded.get((spec.symbol, want_class), [])
        if len(found) != 1:
            others = sorted(cls for symbol, cls in loaded if symbol == spec.symbol)
            problems.append(
                f"{spec.symbol}: {len(found)} {want_class} loaded (want 1; other classes: {others})"
            )
            continue
        got = found[0]
        if _dec(got.price_increment) != spec.tick_size:
            problems.append(
                f"{spec.symbol}: price_increment {got.price_increment}, venue tick {spec.tick_size}"
            )
        if _dec(got.size_increment) != spec.lot_size:
            problems.append(f"{spec.symbol}: size_increment {got.size_increment}, venue lot {spec.lot_size}")
        if hasattr(got, "is_inverse") and got.is_inverse != spec.is_inverse:
            problems.append(f"{spec.symbol}: is_inverse {got.is_inverse}, venue {spec.is_inverse}")
        if spec.is_option and _dec(got.strike_price) != spec.strike:
            problems.append(f"{spec.symbol}: strike {got.strike_price}, venue {spec.strike}")
        if spec.expiry_ns is not None and getattr(got, "expiration_ns", None) != spec.expiry_ns:
            problems.append(
                f"{spec.symbol}: expiration_ns {getattr(got, 'expiration_ns', None)}, venue {spec.expiry_ns}"
            )
    ctx.expect(
        not problems, "one instrument per venue row, fields equal to the venue's", "; ".join(problems[:12])
    )


@case("H-06", group="http", requires=execution())
async def test_h06_signatures(ctx: CaseContext) -> None:
    """Every private request the adapter makes verifies against the secret (the venue recomputes it)."""
    built = ctx.build(keys=True)
    client = built.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    await ctx.within(built.provider.load_all_async(), "load_all_async() returns")
    for name in (
        "generate_order_status_reports",
        "generate_fill_reports",
        "generate_position_status_reports",
    ):
        await ctx.within(getattr(client, name)(), f"{name}() returns")
    private = [e for e in ctx.journal.entries(HttpEntry) if e.auth is not AuthVerdict.NONE]
    ctx.expect(private, "private requests to check", "the adapter made no private request")
    bad = [f"#{e.seq} {e.method} {e.path}: {e.auth.value}" for e in private if e.auth is not AuthVerdict.OK]
    ctx.expect(not bad, f"all {len(private)} private requests verify", "; ".join(bad))


@case("H-05", group="http", requires=execution())
async def test_h05_wrong_secret_then_right(ctx: CaseContext) -> None:
    """A wrong secret gets an auth error carrying the venue's code; the right one then works."""
    wrong = ctx.build(keys=True, secret="not-the-secret-" + "0" * 20)
    client = wrong.execution
    ctx.expect(client is not None, "an execution client when built with keys", "the factory built none")
    error = await ctx.raises(
        client.generate_position_status_reports(),
        AuthenticationError,
        "an AuthenticationError for a wrong secret",
    )
    refused = ctx.journal.last(HttpEntry, lambda e: e.auth is AuthVerdict.BAD_SIGNATURE)
    ctx.expect(
        refused is not None, "the venue refused a bad signature", "no request was refused for its signature"
    )
    venue_code = refused.response_json().get("retCode") if refused is not None else None
    ctx.expect(
        error.code == venue_code, f"the error carries the venue code {venue_code}", f"code={error.code!r}"
    )
    right = ctx.build(keys=True)
    assert right.execution is not None
    await ctx.within(right.execution.generate_position_status_reports(), "the right secret works")


@case("H-07", group="http", requires=_ANY_PRODUCT)
async def test_h07_rate_limit_mapping(ctx: CaseContext) -> None:
    """The venue's rate-limit answer becomes RateLimited with the venue code, not a generic error."""
    facts = facts_of(ctx.adapter.dialect)
    ctx.sim.faults.arm(RateLimit(reset_ms=50), route=facts.instruments_route, persistent=True)
    built = ctx.build(keys=False)
    error = await ctx.raises(built.provider.load_all_async(), AdapterError, "a RateLimited error")
    ctx.expect(isinstance(error, RateLimited), "RateLimited", f"{type(error).__qualname__}: {error}")
    ctx.expect(error.code == facts.rate_limit_code, f"code {facts.rate_limit_code}", f"code {error.code!r}")


@case("H-08", group="http", requires=_ANY_PRODUCT)
async def test_h08_retry_policy(ctx: CaseContext) -> None:
    """503 twice then 200: three attempts and Ok; a rate limit is retried no sooner than its reset;
    a 4xx (not 429) is not retried."""
    route = facts_of(ctx.adapter.dialect).instruments_route
    built = ctx.build(keys=False)
    ctx.sim.faults.arm(HttpStatus(503), route=route, times=2, name="two-503s")
    mark = ctx.journal.mark()
    await ctx.within(built.provider.load_all_async(), "load_all_async() succeeds after two 503s")
    first = ctx.journal.entries(HttpEntry, mark, _instruments(ctx))
    statuses = [e.status for e in first]
    ctx.expect(statuses[:3] == [503, 503, 200], "attempts 503, 503, 200 on the first route", f"{statuses}")

    reset_ms = 300
    ctx.sim.faults.arm(RateLimit(reset_ms=reset_ms), route=route, times=1, name="one-10006")
    mark = ctx.journal.mark()
    await ctx.within(built.provider.load_all_async(), "load_all_async() succeeds after one rate limit")
    limited = ctx.journal.entries(HttpEntry, mark, _instruments(ctx))
    ctx.expect(
        len(limited) >= 2 and limited[0].fault == "one-10006",
        "a refused then a retried request",
        f"{len(limited)}",
    )
    gap_ms = (limited[1].ts_ns - limited[1].duration_ns - limited[0].ts_ns) / 1e6
    ctx.expect(
        gap_ms >= reset_ms * 0.9,
        f"the retry waits for the reset ({reset_ms} ms)",
        f"it came {gap_ms:.0f} ms later",
    )

    ctx.sim.faults.arm(HttpStatus(404, body="not here"), route=route, times=1, name="one-404")
    mark = ctx.journal.mark()
    await ctx.raises(built.provider.load_all_async(), AdapterError, "a 404 is an error")
    attempts = [e for e in ctx.journal.entries(HttpEntry, mark, _instruments(ctx)) if e.fault == "one-404"]
    after = ctx.journal.entries(HttpEntry, attempts[0].seq if attempts else mark, _instruments(ctx))
    ctx.expect(attempts and not after, "a 4xx is not retried", f"{len(after)} requests after the 404")


@case("H-10", group="http", requires=_ANY_PRODUCT)
async def test_h10_error_translation(ctx: CaseContext) -> None:
    """A venue error envelope becomes a VenueError with the exact code and message."""
    route = facts_of(ctx.adapter.dialect).instruments_route
    ctx.sim.faults.arm(RetCode(code=10001, message="params error: category invalid"), route=route)
    built = ctx.build(keys=False)
    error = await ctx.raises(built.provider.load_all_async(), AdapterError, "a VenueError")
    ctx.expect(isinstance(error, VenueError), "VenueError", f"{type(error).__qualname__}: {error}")
    ctx.expect(
        (error.code, error.message) == (10001, "params error: category invalid"),
        "code 10001 and the venue's message",
        f"code={error.code!r} message={error.message!r}",
    )


@case("H-12", group="http", requires=_ANY_PRODUCT)
async def test_h12_non_venue_bodies(ctx: CaseContext) -> None:
    """Plain-text 503s and non-JSON bodies map to typed errors; nothing escapes untyped."""
    route = facts_of(ctx.adapter.dialect).instruments_route
    built = ctx.build(keys=False)
    ctx.sim.faults.arm(HttpStatus(503, body="upstream down"), route=route, persistent=True, name="503s")
    error = await ctx.raises(
        built.provider.load_all_async(), AdapterError, "a typed error for plain-text 503s"
    )
    ctx.expect(
        isinstance(error, RetryableTransportError) and error.http_status == 503,
        "RetryableTransportError(http_status=503)",
        f"{type(error).__qualname__}: {error} (http_status={getattr(error, 'http_status', None)!r})",
    )
    ctx.sim.faults.clear("503s")
    ctx.sim.faults.arm(MalformedBody(), route=route, persistent=True, name="garbage")
    await ctx.raises(
        built.provider.load_all_async(), AdapterError, "a typed error for a body that is not JSON"
    )
