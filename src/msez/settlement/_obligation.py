"""Obligations (who owes whom how much, in integer minor units) and their validation in the reference order.

Reference-impl A §5.3: amount <= 0 -> invalid amount; from == to -> invalid parties; an empty (trimmed) party
-> invalid parties; an empty currency -> invalid currency; a repeated (from, to, amount, currency, corridor)
-> duplicate obligation (the corridor shown as "none" when absent).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from msez.core import ValidationError


class ObligationProblem(StrEnum):
    """Why an obligation was refused (the reference's NettingError variants)."""

    INVALID_AMOUNT = "invalid_amount"
    INVALID_PARTIES = "invalid_parties"
    INVALID_CURRENCY = "invalid_currency"
    DUPLICATE = "duplicate_obligation"


class ObligationError(ValidationError):
    """An obligation was refused; ``problem`` says which reference rule it broke."""

    def __init__(self, problem: ObligationProblem, message: str) -> None:
        super().__init__(f"{problem.value}: {message}")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Obligation:
    """``from_party`` owes ``to_party`` ``amount`` minor units of ``currency``. Validated on construction.

    ``priority`` orders deferral under liquidity limits: lower priority is deferred first.
    """

    from_party: str
    to_party: str
    amount: int
    currency: str
    corridor_id: str | None = None
    priority: int = 0

    def __post_init__(self) -> None:
        amount = self.amount
        if type(amount) is not int or amount <= 0:
            raise ObligationError(
                ObligationProblem.INVALID_AMOUNT, f"amount must be a positive integer, got {amount!r}"
            )
        if not isinstance(self.from_party, str) or not isinstance(self.to_party, str):
            raise ObligationError(ObligationProblem.INVALID_PARTIES, "party ids must be strings")
        if self.from_party == self.to_party:
            raise ObligationError(ObligationProblem.INVALID_PARTIES, f"party {self.from_party!r} owes itself")
        if not self.from_party.strip() or not self.to_party.strip():
            raise ObligationError(ObligationProblem.INVALID_PARTIES, "party ids must not be empty")
        if not isinstance(self.currency, str) or not self.currency.strip():
            raise ObligationError(ObligationProblem.INVALID_CURRENCY, "currency must not be empty")
        if self.corridor_id == "":
            object.__setattr__(self, "corridor_id", None)  # the reference keys duplicates on corridor or ""
        if type(self.priority) is not int:
            raise ValidationError(f"priority must be an integer, got {self.priority!r}")

    @property
    def key(self) -> tuple[str, str, int, str, str | None]:
        """The duplicate-detection key: (from, to, amount, currency, corridor); an empty corridor is None."""
        return (self.from_party, self.to_party, self.amount, self.currency, self.corridor_id)

    def describe(self) -> str:
        corridor = self.corridor_id or "none"
        return f"{self.from_party}->{self.to_party} {self.amount} {self.currency} (corridor {corridor})"


def duplicate_error(obligation: Obligation) -> ObligationError:
    return ObligationError(ObligationProblem.DUPLICATE, f"obligation {obligation.describe()} is already present")


class ObligationBook:
    """Obligations accepted so far, each checked on arrival (duplicates included)."""

    def __init__(self, obligations: Iterable[Obligation] = ()) -> None:
        self._obligations: list[Obligation] = []
        self._keys: set[tuple[str, str, int, str, str | None]] = set()
        self.extend(obligations)

    def add(self, obligation: Obligation) -> None:
        """Accept one obligation.

        Raises:
            ObligationError: the same (from, to, amount, currency, corridor) is already in the book.
        """
        key = obligation.key
        if key in self._keys:
            raise duplicate_error(obligation)
        self._keys.add(key)
        self._obligations.append(obligation)

    def extend(self, obligations: Iterable[Obligation]) -> None:
        for obligation in obligations:
            self.add(obligation)

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        return tuple(self._obligations)

    def __len__(self) -> int:
        return len(self._obligations)
