"""Group 1, HTTP client: errors the venue reports inside a successful HTTP answer (H-11), judged on
what the adapter publishes for the refused command.

The venue answers the order route HTTP 200 with its own error code in the envelope; the adapter's
rejection must carry the venue's message, or the venue's code when the message is empty, so the
cause is never lost.
"""

from __future__ import annotations

from adapters.contract import Product
from adapters.model.commands import SubmitOrder
from adapters.model.enums import OrderSide, OrderType
from adapters.model.events import OrderAccepted, OrderRejected
from conformance.cases._wire import wire_of
from conformance.cases._world import WORLD, World
from conformance.harness.context import CaseContext
from conformance.harness.dialects import facts_of
from conformance.harness.registry import case
from conformance.harness.requirements import execution, product
from simulator.server import HttpMatch, RetCode
from simulator.server.journal import HttpEntry

LIN = "linear:BTCUSDT"
#: A venue code the venue's catalogue has a message for, and the text the case sends instead.
_MESSAGE = "H-11: the venue's own words"


@case("H-11", group="http", requires=execution() & product(Product.LINEAR), simulator=WORLD)
async def test_h11_error_inside_a_2xx(ctx: CaseContext) -> None:
    """An order answered HTTP 200 with an error code: OrderRejected (never Accepted) whose reason is
    the venue's message; with an empty message, the reason carries the venue's code."""
    facts = facts_of(ctx.adapter.dialect)
    wire = wire_of(ctx.adapter.dialect)
    code = facts.param_error_code
    world = await World.open(ctx)
    execution_client = world.built.execution
    assert execution_client is not None
    problems = []
    for label, message in (("with a message", _MESSAGE), ("with an empty message", "")):
        order = world.order(LIN, OrderSide.BUY, OrderType.LIMIT, "0.1", price="90.0")
        ctx.sim.faults.arm(RetCode(code=code, message=message), route=wire.create, name=f"h11-{label}")
        since, mark = world.sink.mark(), ctx.journal.mark()
        await ctx.within(execution_client.submit_order(SubmitOrder(order=order, ts_init=1)), "submit returns")
        answered = ctx.journal.entries(HttpEntry, mark, HttpMatch("POST", wire.create, fault=f"h11-{label}"))
        ctx.expect(
            answered, f"{label}: the venue answered the create with code {code}", "the fault did not fire"
        )
        sent_message = answered[0].response_json().get("retMsg", message) if answered else message
        rejected = await world.event(
            OrderRejected, order.client_order_id, since=since, what=f"{label}: OrderRejected"
        )
        if world.events(OrderAccepted, order.client_order_id, since):
            problems.append(f"{label}: OrderAccepted for a refused order")
        want = sent_message if sent_message else str(code)
        if want not in rejected.reason:
            problems.append(f"{label}: reason {rejected.reason!r} lacks {want!r}")
    ctx.expect(not problems, "the venue's message, else its code, in each rejection", "; ".join(problems))
