"""Bybit mutants of the outcome-policy, reconciliation and factory groups (catalogue 10-12).

Each changes one step of the execution client or the instrument provider of the real Bybit
build: how a command whose answer was lost is settled, what reconciliation reads on connect, how
the provider filters what it loads.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from adapters.bybit.mutants._kit import Target, mutant, unchanged
from adapters.contract.errors import FatalAdapterError, RateLimited, RetryableTransportError
from adapters.model.enums import PositionSide
from adapters.model.reports import PositionStatusReport

__all__ = [
    "load_ids_keeps_everything",
    "no_fill_history_on_connect",
    "no_reconciliation_before_first_order",
    "rejects_on_unknown_submit_outcome",
    "short_positions_reported_long",
    "unknown_amend_outcome_rejected",
    "unknown_cancel_outcome_rejected",
    "unknown_provider_filter_ignored",
    "whole_batch_failure_rejects_each",
]

# ------------------------------------------------------------------------- 10. outcome policy


@mutant(
    "an unknown submit outcome (5xx, timeout, rate limit) becomes OrderRejected",
    groups=["outcome"],
    expected=["OP-01"],
)
def rejects_on_unknown_submit_outcome(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return

    # The adapter settles a lost create answer in _settle_create (query, then maybe resend);
    # the mutant gives up at once and reports the unknown outcome as a rejection.
    async def settle_create(order: Any, tracked: Any, error: Exception) -> None:
        execution._reject(tracked, f"submit failed: {error}")

    execution._settle_create = settle_create


@mutant(
    "an unknown amend outcome (5xx, timeout, rate limit) becomes OrderModifyRejected",
    groups=["outcome"],
    expected=["OP-02"],
)
def unknown_amend_outcome_rejected(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return

    # The adapter settles a lost amend answer in _settle_amend (query, maybe resend); the mutant
    # reports the unknown outcome as a refusal, though the amend may have landed.
    async def settle_amend(command: Any, tracked: Any, error: Exception) -> None:
        execution._modify_rejected(command, tracked, f"modify failed: {error}")

    execution._settle_amend = settle_amend


@mutant(
    "an unknown cancel outcome (5xx, timeout, rate limit) becomes OrderCancelRejected",
    groups=["outcome"],
    expected=["OP-02"],
)
def unknown_cancel_outcome_rejected(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return

    # The adapter asks the venue whether the order is still open (_cancel_still_needed); the
    # mutant gives up at once and reports a refusal, though the cancel may have happened.
    async def cancel_still_needed(command: Any, lost: Exception) -> bool:
        execution._cancel_rejected(command, f"cancel failed: {lost}")
        return False

    execution._cancel_still_needed = cancel_still_needed


@mutant(
    "a whole-batch failure (5xx) of a batch cancel rejects every item",
    groups=["outcome"],
    expected=["OP-03"],
)
def whole_batch_failure_rejects_each(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    original = execution.batch_cancel_orders

    async def batch_cancel_orders(command: Any) -> None:
        try:
            await original(command)
        except (RetryableTransportError, RateLimited) as exc:
            for cancel in command.cancels:
                execution._cancel_rejected(cancel, f"batch cancel failed: {exc}")

    execution.batch_cancel_orders = batch_cancel_orders


# ----------------------------------------------------------------------- 11. reconciliation


@mutant(
    "reconciliation runs after connect returns, racing the first order",
    groups=["reconciliation"],
    expected=["RS-01"],
)
def no_reconciliation_before_first_order(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    original = execution._reconcile
    tasks: set[asyncio.Task[None]] = set()

    async def reconcile_on_first_submit() -> None:
        # connect() returns without having reconciled; the first submit goes out, then it runs.
        submit = execution.submit_order

        async def submit_then_reconcile(command: Any) -> None:
            execution.submit_order = submit
            await submit(command)
            task = asyncio.create_task(original())
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        execution.submit_order = submit_then_reconcile

    execution._reconcile = reconcile_on_first_submit


def _short_as_long(event: Any) -> Any:
    if isinstance(event, PositionStatusReport) and event.position_side is PositionSide.SHORT:
        return dataclasses.replace(event, position_side=PositionSide.LONG)
    return event


@mutant(
    "short positions are reported LONG (the sign of size is dropped)",
    groups=["reconciliation"],
    expected=["RS-04"],
    rewrite_event=_short_as_long,
)
def short_positions_reported_long(t: Target) -> None:
    unchanged(t)


@mutant(
    "reconciliation on connect reads open orders and positions but no fill history",
    groups=["reconciliation"],
    expected=["RS-02"],
)
def no_fill_history_on_connect(t: Target) -> None:
    execution: Any = t.clients.execution
    if execution is None:
        return
    original = execution._mass_status

    async def mass_status(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(await original(*args, **kwargs), fill_reports=())

    execution._mass_status = mass_status


# ---------------------------------------------------------------------------- 12. factories


@mutant(
    "load_ids_async loads every instrument, not only the requested ids",
    groups=["factories"],
    expected=["F-04"],
)
def load_ids_keeps_everything(t: Target) -> None:
    provider: Any = t.clients.provider

    async def load_ids_async(instrument_ids: Any, filters: Any = None) -> None:
        await provider.load_all_async(filters)

    provider.load_ids_async = load_ids_async


@mutant(
    "an unknown provider filter key is ignored (everything loads) instead of refused",
    groups=["factories"],
    expected=["F-04"],
)
def unknown_provider_filter_ignored(t: Target) -> None:
    provider: Any = t.clients.provider
    original = provider.load_all_async

    async def load_all_async(filters: Any = None) -> None:
        try:
            await original(filters)
        except FatalAdapterError:
            await original(None)

    provider.load_all_async = load_all_async
