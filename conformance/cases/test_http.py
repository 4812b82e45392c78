"""Group 1, HTTP client (H-xx): judged on the journal (what reached the venue) and on what the
adapter's clients return or raise. Every case builds its own clients against a fresh simulator.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any
from uuid import uuid4

from adapters.contract import (
    AdapterError,
    AuthenticationError,
    MissingCredentials,
    Product,
    RateLimited,
    RetryableTransportError,
    VenueError,
)
from adapters.contract.capabilities import RequestKind
from adapters.model.commands import CancelOrder, SubmitOrder
from adapters.model.data import BarType
from adapters.model.enums import BookAction, OrderSide
from adapters.model.events import OrderAccepted, OrderRejected
from adapters.model.identifiers import InstrumentId, Symbol
from conformance.cases._support import adapter_instrument, passive_limit, venue_market
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product, request
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


# -- H-02, H-03, H-04, H-09, H-13, H-17, H-18, H-19 ---------------------------------------------


def _no_auth(ctx: CaseContext, entries: list[HttpEntry]) -> list[str]:
    return [f"#{e.seq} {e.method} {e.path}: {_signed(ctx, e)}" for e in entries if _signed(ctx, e)]


@case("H-02", group="http", requires=request(RequestKind.INSTRUMENT) & _ANY_PRODUCT)
async def test_h02_single_instrument(ctx: CaseContext) -> None:
    """request_instrument asks the venue by raw symbol and answers with the correlation id; once the
    venue lists nothing, the next request hits the venue again and answers no stale instrument."""
    facts = facts_of(ctx.adapter.dialect)
    built = ctx.build(keys=False)
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    symbol = str(instrument.raw_symbol)
    first_id, mark = uuid4(), ctx.journal.mark()
    await ctx.within(
        built.data.request_instrument(instrument.instrument_id, correlation_id=first_id),
        "request_instrument()",
    )
    asked = ctx.journal.entries(
        HttpEntry, mark, HttpMatch("GET", facts.instruments_route, query={"symbol": symbol})
    )
    ctx.expect(asked, f"a GET with symbol={symbol}", "no such request reached the venue")
    response = built.sink.response(first_id)
    ctx.expect(response is not None, "a response under the request's correlation id", "none published")
    assert response is not None
    ids = [getattr(i, "instrument_id", None) for i in response.data]
    ctx.expect(ids == [instrument.instrument_id], f"the one instrument {instrument.instrument_id}", f"{ids}")

    ctx.sim.faults.arm(
        HttpStatus(200, body=facts.empty_instruments_body, content_type="application/json"),
        route=facts.instruments_route,
        persistent=True,
        name="lists-nothing",
    )
    second_id, mark = uuid4(), ctx.journal.mark()
    try:
        await asyncio.wait_for(
            built.data.request_instrument(instrument.instrument_id, correlation_id=second_id), 5.0
        )
        outcome: BaseException | None = None
    except AdapterError as exc:
        outcome = exc
    hit = ctx.journal.entries(
        HttpEntry, mark, HttpMatch("GET", facts.instruments_route, fault="lists-nothing")
    )
    ctx.expect(hit, "the second request really reaches the venue", "it was answered from a cache")
    if outcome is not None:
        ctx.expect(
            not isinstance(outcome, RetryableTransportError),
            "a not-found error (not a transport error)",
            f"{type(outcome).__qualname__}: {outcome}",
        )
        return
    stale = built.sink.response(second_id)
    found = [
        i
        for i in (stale.data if stale else ())
        if getattr(i, "instrument_id", None) == instrument.instrument_id
    ]
    ctx.expect(not found, "no stale instrument once the venue lists none", f"answered {found}")


def _bar_type(instrument: Any) -> BarType:
    return BarType.from_str(f"{instrument.instrument_id}-1-MINUTE-LAST-EXTERNAL")


@case("H-03", group="http", requires=_ANY_PRODUCT)
async def test_h03_public_requests_keyless(ctx: CaseContext) -> None:
    """A keyless client's public history requests succeed with no auth material on the wire."""
    built = ctx.build(keys=False)
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    caps, data_client = ctx.capabilities, built.data
    calls = {
        RequestKind.TRADE_TICKS: lambda c: data_client.request_trade_ticks(
            instrument.instrument_id, correlation_id=c
        ),
        RequestKind.BARS: lambda c: data_client.request_bars(
            _bar_type(instrument), correlation_id=c, limit=5
        ),
        RequestKind.ORDER_BOOK_SNAPSHOT: lambda c: data_client.request_order_book_snapshot(
            instrument.instrument_id, correlation_id=c, limit=10
        ),
    }
    claimed = [kind for kind in calls if caps.supports(request=kind, product=Product.LINEAR)]
    for kind in claimed:
        correlation = uuid4()
        await ctx.within(calls[kind](correlation), f"the keyless {kind.name} request succeeds")
        ctx.expect(built.sink.response(correlation) is not None, f"a {kind.name} response", "none published")
    entries = ctx.journal.entries(HttpEntry)
    failed = [f"#{e.seq} {e.path} -> {e.status}" for e in entries if e.status != 200]
    ctx.expect(not failed, "every request answered 200", "; ".join(failed))
    signed = _no_auth(ctx, entries)
    ctx.expect(not signed, "no auth headers on any keyless request", "; ".join(signed))
    ctx.notes.append(f"requests checked: {[k.name for k in claimed]}")


@case("H-04", group="http", requires=execution())
async def test_h04_credential_guard(ctx: CaseContext) -> None:
    """Keyless: every private call fails locally with MissingCredentials; zero private requests."""
    facts = facts_of(ctx.adapter.dialect)
    built = ctx.build(keys=False)
    client: Any = built.execution
    if client is None:
        ctx.notes.append("the factory built no execution client without keys (the contract's guard)")
    else:
        for name in (
            "generate_order_status_reports",
            "generate_fill_reports",
            "generate_position_status_reports",
            "generate_mass_status",
        ):
            await ctx.raises(
                getattr(client, name)(), MissingCredentials, f"{name}() raises MissingCredentials"
            )
    await ctx.within(built.data.connect(), "the keyless data client connects")
    private = [
        f"#{e.seq} {e.method} {e.path}"
        for e in ctx.journal.entries(HttpEntry)
        if e.path.startswith(facts.private_prefixes)
    ]
    ctx.expect(not private, "zero requests to private routes", "; ".join(private))


@case("H-09", group="http", requires=execution() & _ANY_PRODUCT)
async def test_h09_client_pacing(ctx: CaseContext) -> None:
    """A burst of 3q orders: any window of the venue's quota holds at most q; all accepted, none
    refused for the rate."""
    facts = facts_of(ctx.adapter.dialect)
    q, window_ns = facts.paced_limit, int(facts.paced_window_s * 1e9)
    built = ctx.build(keys=True)
    client = built.execution
    assert client is not None
    await ctx.within(client.connect(), "connect() returns")
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    orders = [passive_limit(ctx, instrument, Product.LINEAR, f"h09-{n:02d}") for n in range(3 * q)]
    mark = ctx.journal.mark()
    burst = asyncio.gather(*(client.submit_order(SubmitOrder(order=o, ts_init=1)) for o in orders))
    await ctx.within(burst, f"{3 * q} submit_order() calls return", timeout=3 * facts.paced_window_s + 5)
    wanted = {o.client_order_id for o in orders}
    for order in orders:
        await ctx.within(
            built.sink.wait_for(
                lambda r, c=order.client_order_id: (
                    isinstance(r.payload, OrderAccepted) and r.payload.client_order_id == c
                ),
                5.0,
            ),
            f"{order.client_order_id} accepted",
        )
    rejected = [
        e
        for e in built.sink.payloads("event")
        if isinstance(e, OrderRejected) and e.client_order_id in wanted
    ]
    ctx.expect(not rejected, "no order rejected", f"{rejected[:2]}")
    sent = ctx.journal.entries(HttpEntry, mark, HttpMatch("POST", facts.paced_route))
    first = min((e.ts_ns - e.duration_ns for e in sent), default=0)
    ctx.notes.extend(
        f"#{e.seq} arrived +{(e.ts_ns - e.duration_ns - first) / 1e6:.1f} ms, code {_ret_code(e)}"
        for e in sent
    )
    limited = [e.seq for e in sent if _ret_code(e) == facts.rate_limit_code]
    ctx.expect(not limited, "no request refused for the rate", f"refused: {limited}")
    arrivals = sorted(e.ts_ns - e.duration_ns for e in sent)
    worst = max(
        (sum(1 for t in arrivals[i:] if t - start < window_ns) for i, start in enumerate(arrivals)), default=0
    )
    ctx.expect(
        worst <= q,
        f"at most {q} {facts.paced_route} requests in any {facts.paced_window_s:g} s window",
        f"{worst} in one window ({len(sent)} sent)",
    )


def _ret_code(entry: HttpEntry) -> Any:
    try:
        return entry.response_json().get("retCode")
    except ValueError:
        return None


@case("H-13", group="http", requires=request(RequestKind.TRADE_TICKS) & _ANY_PRODUCT)
async def test_h13_trades_query(ctx: CaseContext) -> None:
    """request_trade_ticks(start, end, limit=150): the venue's query for the raw symbol with the page
    cap and only parameters the venue defines; trades within the bounds, ascending."""
    facts = facts_of(ctx.adapter.dialect)
    built = ctx.build(keys=False)
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    end_ns = ctx.sim.now_ms() * 1_000_000
    start_ns = end_ns - 3_600 * 10**9
    correlation, mark = uuid4(), ctx.journal.mark()
    await ctx.within(
        built.data.request_trade_ticks(
            instrument.instrument_id, correlation_id=correlation, start_ns=start_ns, end_ns=end_ns, limit=150
        ),
        "request_trade_ticks() returns",
    )
    sent = ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", facts.trades_route))
    ctx.expect(len(sent) == 1, "one trades request", f"{len(sent)}")
    query = sent[0].query_params()
    cap = min(150, facts.trades_page_max["linear"])
    ctx.expect(
        query.get("symbol") == str(instrument.raw_symbol), f"symbol={instrument.raw_symbol}", f"{query}"
    )
    ctx.expect(query.get("limit") == str(cap), f"limit={cap}", f"{query}")
    extra = sorted(set(query) - facts.trades_query_keys)
    ctx.expect(not extra, "only parameters the venue defines", f"unknown parameters {extra}")
    response = built.sink.response(correlation)
    ctx.expect(response is not None and response.correlation_id == correlation, "the response", "none")
    assert response is not None
    stamps = [t.ts_event for t in response.data]
    ctx.expect(stamps == sorted(stamps), "trades ascending", f"{stamps[:5]}...")
    outside = [s for s in stamps if not start_ns <= s <= end_ns]
    ctx.expect(not outside, "trades within [start, end]", f"{len(outside)} outside")
    ctx.expect(len(stamps) <= 150, "at most the limit", f"{len(stamps)}")


@case("H-17", group="http", requires=request(RequestKind.ORDER_BOOK_SNAPSHOT) & _ANY_PRODUCT)
async def test_h17_book_snapshot(ctx: CaseContext) -> None:
    """request_order_book_snapshot(depth N): the venue's depth parameter; one snapshot OrderBookDeltas,
    CLEAR then ADDs, F_SNAPSHOT on all, F_LAST on the last, levels equal to the venue's."""
    facts = facts_of(ctx.adapter.dialect)
    depth = 5
    built = ctx.build(keys=False)
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    spec = venue_market(ctx, Product.LINEAR).instrument
    correlation, mark = uuid4(), ctx.journal.mark()
    await ctx.within(
        built.data.request_order_book_snapshot(
            instrument.instrument_id, correlation_id=correlation, limit=depth
        ),
        "request_order_book_snapshot() returns",
    )
    sent = ctx.journal.entries(HttpEntry, mark, HttpMatch("GET", facts.book_route))
    ctx.expect(sent, "a book request", "none")
    ctx.expect(
        sent[-1].query_params().get(facts.book_depth_param) == str(depth),
        f"{facts.book_depth_param}={depth}",
        sent[-1].query,
    )
    response = built.sink.response(correlation)
    ctx.expect(response is not None and len(response.data) == 1, "one OrderBookDeltas", f"{response}")
    assert response is not None
    deltas = list(response.data[0].deltas)
    ctx.expect(deltas and deltas[0].action is BookAction.CLEAR, "CLEAR first", f"{deltas[:1]}")
    ctx.expect(all(d.is_snapshot for d in deltas), "F_SNAPSHOT on every delta", "some lack it")
    lasts = [i for i, d in enumerate(deltas) if d.is_last]
    ctx.expect(lasts == [len(deltas) - 1], "F_LAST on the last delta only", f"at {lasts} of {len(deltas)}")
    adds = deltas[1:]
    ctx.expect(all(d.action is BookAction.ADD for d in adds), "ADDs after the CLEAR", "other actions")
    # The venue's book as the response body showed it (the live book moves with the flow).
    result = sent[-1].response_json().get("result", {})
    venue = {("b", Decimal(p), Decimal(s)) for p, s in result.get("b", [])} | {
        ("a", Decimal(p), Decimal(s)) for p, s in result.get("a", [])
    }
    got = {
        ("b" if d.order.side is OrderSide.BUY else "a", d.order.price.value, d.order.size.value) for d in adds
    }
    ctx.expect(
        got == venue,
        f"the venue's {depth} levels a side of {spec.symbol}",
        f"missing {venue - got}, extra {got - venue}",
    )


@case("H-18", group="http", requires=_ANY_PRODUCT)
async def test_h18_unknown_instrument(ctx: CaseContext) -> None:
    """Requests for an instrument the cache does not hold fail locally with a typed error; zero requests."""
    built = ctx.build(keys=False)
    known = await adapter_instrument(ctx, built, Product.LINEAR)
    unknown = InstrumentId(Symbol("ZZZNOSUCH" + str(known.instrument_id.symbol)), known.instrument_id.venue)
    mark = ctx.journal.mark()
    calls = {
        RequestKind.TRADE_TICKS: lambda: built.data.request_trade_ticks(unknown, correlation_id=uuid4()),
        RequestKind.BARS: lambda: built.data.request_bars(
            BarType.from_str(f"{unknown}-1-MINUTE-LAST-EXTERNAL"), correlation_id=uuid4()
        ),
        RequestKind.ORDER_BOOK_SNAPSHOT: lambda: built.data.request_order_book_snapshot(
            unknown, correlation_id=uuid4()
        ),
    }
    for kind, call in calls.items():
        if not ctx.capabilities.supports(request=kind):
            continue
        error = await ctx.raises(call(), AdapterError, f"{kind.name} for an unknown instrument raises")
        ctx.expect(
            not error.retryable,
            f"{kind.name}: a not-found error, not a retryable one",
            f"{type(error).__qualname__}",
        )
    sent = ctx.journal.entries(HttpEntry, mark)
    ctx.expect(not sent, "zero requests", lambda: "; ".join(f"#{e.seq} {e.path}?{e.query}" for e in sent))


@case("H-19", group="http", requires=execution() & _ANY_PRODUCT)
async def test_h19_body_encoding(ctx: CaseContext) -> None:
    """Order bodies: numbers as strings at instrument precision, no null or false flags; a cancel by
    one id kind carries only that id."""
    facts = facts_of(ctx.adapter.dialect)
    built = ctx.build(keys=True)
    client = built.execution
    assert client is not None
    await ctx.within(client.connect(), "connect() returns")
    instrument = await adapter_instrument(ctx, built, Product.LINEAR)
    order = passive_limit(ctx, instrument, Product.LINEAR, "h19-body")
    mark = ctx.journal.mark()
    await ctx.within(client.submit_order(SubmitOrder(order=order, ts_init=1)), "submit_order() returns")
    created = await ctx.wait_journal(HttpMatch("POST", facts.create_route), "the create request", since=mark)
    body = created.json()
    problems = [f"{k}={v!r}" for k, v in body.items() if v is None or v is False]
    problems += [
        f"{k}={body[k]!r} is not a string"
        for k in facts.numeric_fields
        if k in body and not isinstance(body[k], str)
    ]
    ctx.expect(not problems, "no null or false fields; numbers as strings", "; ".join(problems))
    want = {"qty": str(order.quantity), "price": str(order.price)}
    got = {k: body.get(k) for k in want}
    ctx.expect(got == want, f"quantity and price at instrument precision {want}", f"{got}")
    ctx.expect(
        created.status == 200 and _ret_code(created) == 0,
        "the venue accepts the body",
        f"{created.response_body[:200]!r}",
    )
    await ctx.within(
        built.sink.wait_for(
            lambda r: (
                isinstance(r.payload, OrderAccepted) and r.payload.client_order_id == order.client_order_id
            ),
            5.0,
        ),
        "the order is accepted",
    )
    mark = ctx.journal.mark()
    cancel = CancelOrder(
        instrument_id=instrument.instrument_id,
        client_order_id=order.client_order_id,
        venue_order_id=None,
        ts_init=1,
    )
    await ctx.within(client.cancel_order(cancel), "cancel_order(client id only) returns")
    cancelled = await ctx.wait_journal(
        HttpMatch("POST", facts.cancel_route), "the cancel request", since=mark
    )
    ids = [k for k in facts.order_id_fields if cancelled.json().get(k) not in (None, "")]
    ctx.expect(
        len(ids) == 1, "exactly one id field on a cancel by one id kind", f"{ids} in {cancelled.json()}"
    )
    ctx.expect(
        _ret_code(cancelled) == 0, "the venue accepts the cancel", f"{cancelled.response_body[:200]!r}"
    )
