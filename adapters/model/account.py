"""Account state: balances per currency and margins, as the venue reports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from adapters.model._checks import check_ts, check_type, freeze_tuple
from adapters.model.enums import AccountType
from adapters.model.errors import ModelValueError
from adapters.model.identifiers import AccountId, InstrumentId
from adapters.model.objects import Currency, Money

__all__ = ["AccountBalance", "AccountState", "MarginBalance"]


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """One currency's balance: ``total == locked + free``, all in the same currency."""

    total: Money
    locked: Money
    free: Money

    def __post_init__(self) -> None:
        """Raises: ModelValueError on mixed currencies or total != locked + free."""
        for name in ("total", "locked", "free"):
            check_type("AccountBalance", name, getattr(self, name), Money)
        if not self.total.currency == self.locked.currency == self.free.currency:
            raise ModelValueError(
                f"AccountBalance amounts must share a currency, got {self.total}, {self.locked}, {self.free}"
            )
        if self.total.value != self.locked.value + self.free.value:
            raise ModelValueError(
                f"AccountBalance: total {self.total} must equal locked {self.locked} + free {self.free}"
            )

    @property
    def currency(self) -> Currency:
        """The balance's currency."""
        return self.total.currency


@dataclass(frozen=True, slots=True)
class MarginBalance:
    """Initial and maintenance margin, for one instrument or (``instrument_id`` None) the account."""

    initial: Money
    maintenance: Money
    instrument_id: InstrumentId | None = None

    def __post_init__(self) -> None:
        """Raises: ModelValueError on mixed currencies or wrong types."""
        check_type("MarginBalance", "initial", self.initial, Money)
        check_type("MarginBalance", "maintenance", self.maintenance, Money)
        check_type("MarginBalance", "instrument_id", self.instrument_id, InstrumentId, optional=True)
        if self.initial.currency != self.maintenance.currency:
            raise ModelValueError("MarginBalance: initial and maintenance must share a currency")


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountState:
    """An account's balances and margins at ``ts_event``.

    ``reported`` is True when the venue reported the state, False when the adapter computed it.
    ``base_currency`` is set for single-currency accounts, None for multi-currency ones.
    """

    account_id: AccountId
    account_type: AccountType
    base_currency: Currency | None
    reported: bool
    balances: tuple[AccountBalance, ...]
    ts_event: int
    ts_init: int
    margins: tuple[MarginBalance, ...] = ()
    event_id: UUID = field(default_factory=uuid4)

    def __post_init__(self) -> None:
        """Raises: ModelValueError on wrong types or two balances for one currency."""
        check_type("AccountState", "account_id", self.account_id, AccountId)
        check_type("AccountState", "account_type", self.account_type, AccountType)
        check_type("AccountState", "base_currency", self.base_currency, Currency, optional=True)
        check_ts("AccountState", ts_event=self.ts_event, ts_init=self.ts_init)
        for balance in freeze_tuple(self, "balances"):
            check_type("AccountState", "balances[]", balance, AccountBalance)
        for margin in freeze_tuple(self, "margins"):
            check_type("AccountState", "margins[]", margin, MarginBalance)
        codes = [b.currency.code for b in self.balances]
        if len(set(codes)) != len(codes):
            raise ModelValueError(f"AccountState has two balances for one currency: {codes}")

    def balance(self, currency: Currency | str) -> AccountBalance | None:
        """The balance of ``currency`` (a Currency or a code), if reported."""
        code = currency if isinstance(currency, str) else currency.code
        return next((b for b in self.balances if b.currency.code == code), None)
