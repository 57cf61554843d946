"""Fiscal (Mass primitive, spec §12): accounts, payments and the double-entry ledger in integer minor units.

Every movement of money is one journal entry whose postings sum to zero per currency; an account's ``balance``
is the sum of its postings, kept on the row so reads are cheap and updated in the same transaction. Money from
or to the outside world passes through the zone's *external* account for the currency (created on first use,
allowed to go negative), so the books of a zone always sum to zero. Accounts are locked in id order before
their balances are read, so concurrent payments neither lose updates nor deadlock; an account without an
overdraft facility is refused a debit past zero, and a CHECK constraint backs that rule.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from msez.core import ConflictError, NotFoundError, Ntn, ValidationError
from msez.store._base import utcnow
from msez.store._db import lock_key
from msez.store._models import AccountRow, JournalEntryRow, PaymentRow, PostingRow

MAX_AMOUNT = 10**15
_BALANCE_LIMIT = 2**63 - 1
_CURRENCY = re.compile(r"[A-Z]{3}\Z")


@dataclass(frozen=True)
class Account:
    id: str
    zone_id: str
    entity_id: str | None
    kind: str
    account_type: str
    currency: str
    ntn: str | None
    allow_overdraft: bool
    balance: int
    created_at: datetime


@dataclass(frozen=True)
class Posting:
    entry_id: str
    line: int
    account_id: str
    currency: str
    amount: int
    created_at: datetime


@dataclass(frozen=True)
class Payment:
    id: str
    from_account_id: str
    to_account_id: str
    amount: int
    currency: str
    reference: str | None
    entry_id: str
    created_at: datetime


def check_currency(currency: str) -> str:
    """Raises: ValidationError: not three upper-case letters (ISO 4217 form)."""
    if not _CURRENCY.match(currency):
        raise ValidationError(f"currency must be three upper-case letters (ISO 4217), got {currency!r}")
    return currency


def open_account(
    session: Session,
    zone_id: str,
    *,
    entity_id: str,
    account_type: str,
    currency: str,
    ntn: Ntn | None = None,
    allow_overdraft: bool = False,
) -> Account:
    """Open an entity's account with a zero balance."""
    row = AccountRow(
        id=str(uuid.uuid4()),
        zone_id=zone_id,
        entity_id=entity_id,
        kind="entity",
        account_type=account_type,
        currency=check_currency(currency),
        ntn=ntn,
        allow_overdraft=allow_overdraft,
        balance=0,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return _account(row)


def get_account(session: Session, zone_id: str, account_id: str) -> Account:
    """Raises: NotFoundError."""
    return _account(_account_row(session, zone_id, account_id))


def list_accounts(
    session: Session, zone_id: str, *, entity_id: str | None = None, offset: int = 0, limit: int = 100
) -> list[Account]:
    query = select(AccountRow).where(AccountRow.zone_id == zone_id, AccountRow.kind == "entity")
    if entity_id is not None:
        query = query.where(AccountRow.entity_id == entity_id)
    rows = session.scalars(query.order_by(AccountRow.created_at, AccountRow.id).offset(offset).limit(limit))
    return [_account(row) for row in rows]


def link_account_ntn(session: Session, zone_id: str, account_id: str, ntn: Ntn) -> Account:
    """Link the FBR National Tax Number of the account holder. Raises: NotFoundError, ConflictError."""
    row = _account_row(session, zone_id, account_id, lock=True)
    if row.ntn is not None and row.ntn != ntn:
        raise ConflictError(f"account {account_id} is already linked to NTN {row.ntn}")
    row.ntn = ntn
    session.flush()
    return _account(row)


def external_account(session: Session, zone_id: str, currency: str) -> Account:
    """The zone's account for money entering or leaving in ``currency`` (created on first use)."""
    check_currency(currency)
    lock_key(session, "external-account", f"{zone_id}\x00{currency}")
    row = session.scalar(
        select(AccountRow).where(
            AccountRow.zone_id == zone_id, AccountRow.kind == "external", AccountRow.currency == currency
        )
    )
    if row is None:
        row = AccountRow(
            id=str(uuid.uuid4()),
            zone_id=zone_id,
            entity_id=None,
            kind="external",
            account_type="external",
            currency=currency,
            ntn=None,
            allow_overdraft=True,
            balance=0,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
    return _account(row)


def post_entry(
    session: Session, zone_id: str, *, kind: str, reference: str | None, legs: Sequence[tuple[str, int]]
) -> tuple[str, list[Posting]]:
    """Post one balanced journal entry: ``legs`` are ``(account_id, signed amount)`` (credit positive).

    Returns:
        The entry id and its postings.

    Raises:
        ValidationError: fewer than two legs, a zero amount, or legs that do not sum to zero per currency.
        NotFoundError: an account does not exist in this zone.
        ConflictError: a debit would take an account without overdraft below zero.
    """
    if len(legs) < 2 or any(amount == 0 for _, amount in legs):
        raise ValidationError("a journal entry needs at least two non-zero legs")
    accounts = _lock_accounts(session, zone_id, sorted({account_id for account_id, _ in legs}))
    _check_balanced([(accounts[a].currency, amount) for a, amount in legs])
    entry_id, now = str(uuid.uuid4()), utcnow()
    session.add(JournalEntryRow(zone_id=zone_id, id=entry_id, kind=kind, reference=reference, created_at=now))
    session.flush()
    postings = []
    for line, (account_id, amount) in enumerate(legs):
        _apply(accounts[account_id], amount)
        posting = PostingRow(
            zone_id=zone_id,
            entry_id=entry_id,
            line=line,
            account_id=account_id,
            currency=accounts[account_id].currency,
            amount=amount,
            created_at=now,
        )
        session.add(posting)
        postings.append(_posting(posting))
    session.flush()
    return entry_id, postings


def make_payment(
    session: Session,
    zone_id: str,
    *,
    from_account_id: str | None,
    to_account_id: str | None,
    amount: int,
    currency: str,
    reference: str | None = None,
) -> Payment:
    """Pay ``amount`` minor units; a missing side is the zone's external account (a deposit or a withdrawal).

    Raises:
        ValidationError: neither side given, the same account twice, an amount out of range, or a currency
            that is not the accounts' currency.
        NotFoundError: an account does not exist.
        ConflictError: insufficient funds.
    """
    check_currency(currency)
    if from_account_id is None and to_account_id is None:
        raise ValidationError("a payment needs from_account_id, to_account_id or both")
    if from_account_id == to_account_id:
        raise ValidationError("a payment needs two different accounts")
    if not 0 < amount <= MAX_AMOUNT:
        raise ValidationError(f"amount must be between 1 and {MAX_AMOUNT} minor units, got {amount}")
    for account_id in (from_account_id, to_account_id):
        if account_id is not None and (held := get_account(session, zone_id, account_id).currency) != currency:
            raise ValidationError(f"account {account_id} holds {held}, the payment is in {currency}")
    source = from_account_id or external_account(session, zone_id, currency).id
    target = to_account_id or external_account(session, zone_id, currency).id
    entry_id, postings = post_entry(
        session, zone_id, kind="payment", reference=reference, legs=[(source, -amount), (target, amount)]
    )
    row = PaymentRow(
        zone_id=zone_id,
        id=str(uuid.uuid4()),
        from_account_id=source,
        to_account_id=target,
        amount=amount,
        currency=currency,
        reference=reference,
        entry_id=entry_id,
        created_at=postings[0].created_at,
    )
    session.add(row)
    session.flush()
    return _payment(row)


def get_payment(session: Session, zone_id: str, payment_id: str) -> Payment:
    """Raises: NotFoundError."""
    row = session.get(PaymentRow, (zone_id, payment_id))
    if row is None:
        raise NotFoundError(f"payment {payment_id} not found")
    return _payment(row)


def account_postings(
    session: Session, zone_id: str, account_id: str, *, offset: int = 0, limit: int = 100
) -> list[Posting]:
    """The ledger lines of one account, oldest first. Raises: NotFoundError."""
    _account_row(session, zone_id, account_id)
    rows = session.scalars(
        select(PostingRow)
        .where(PostingRow.zone_id == zone_id, PostingRow.account_id == account_id)
        .order_by(PostingRow.created_at, PostingRow.entry_id, PostingRow.line)
        .offset(offset)
        .limit(limit)
    )
    return [_posting(row) for row in rows]


def trial_balance(session: Session, zone_id: str) -> dict[str, int]:
    """Sum of all postings per currency; zero for every currency in sound books."""
    rows = session.execute(
        select(PostingRow.currency, func.sum(PostingRow.amount))
        .where(PostingRow.zone_id == zone_id)
        .group_by(PostingRow.currency)
        .order_by(PostingRow.currency)
    )
    return {currency: int(total) for currency, total in rows}


def _check_balanced(legs: Sequence[tuple[str, int]]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for currency, amount in legs:
        totals[currency] += amount
    unbalanced = {c: t for c, t in totals.items() if t != 0}
    if unbalanced:
        raise ValidationError(f"journal entry does not balance: per-currency totals {unbalanced}")


def _lock_accounts(session: Session, zone_id: str, account_ids: list[str]) -> dict[str, AccountRow]:
    rows = session.scalars(
        select(AccountRow)
        .where(AccountRow.zone_id == zone_id, AccountRow.id.in_(account_ids))
        .order_by(AccountRow.id)
        .with_for_update()
    ).all()
    found = {row.id: row for row in rows}
    missing = [a for a in account_ids if a not in found]
    if missing:
        raise NotFoundError(f"account {missing[0]} not found")
    return found


def _apply(row: AccountRow, amount: int) -> None:
    new_balance = row.balance + amount
    if new_balance < 0 and not row.allow_overdraft:
        raise ConflictError(
            f"insufficient funds in account {row.id}: balance {row.balance} {row.currency}, debit {-amount}"
        )
    if abs(new_balance) > _BALANCE_LIMIT:
        raise ConflictError(f"account {row.id} balance would leave the 64-bit range")
    row.balance = new_balance


def _account_row(session: Session, zone_id: str, account_id: str, *, lock: bool = False) -> AccountRow:
    row = session.get(AccountRow, account_id, with_for_update=lock or None)
    if row is None or row.zone_id != zone_id:
        raise NotFoundError(f"account {account_id} not found")
    return row


def _account(row: AccountRow) -> Account:
    return Account(
        row.id,
        row.zone_id,
        row.entity_id,
        row.kind,
        row.account_type,
        row.currency,
        row.ntn,
        row.allow_overdraft,
        row.balance,
        row.created_at,
    )


def _posting(row: PostingRow) -> Posting:
    return Posting(row.entry_id, row.line, row.account_id, row.currency, row.amount, row.created_at)


def _payment(row: PaymentRow) -> Payment:
    return Payment(
        row.id,
        row.from_account_id,
        row.to_account_id,
        row.amount,
        row.currency,
        row.reference,
        row.entry_id,
        row.created_at,
    )
