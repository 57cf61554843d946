"""``/v1/fiscal``: accounts, payments, balances and ledger entries in integer minor units (stream ``fiscal``).

Entity operators open accounts and pay from their own entity's accounts; deposits from outside the zone (no
``from_account_id``) and overdraft facilities are for zone admins.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field, StringConstraints, model_validator
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._node import Context, Tx, WriteOp
from msez.api._wire import Ctx, In, Out, Paging, Reference, WriteOut
from msez.core import Ntn, PolicyError
from msez.store import fiscal

router = APIRouter(prefix="/v1/fiscal", tags=["fiscal"])
STREAM = "fiscal"
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
AccountType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
MinorUnits = Annotated[int, Field(ge=1, le=fiscal.MAX_AMOUNT, description="Integer minor units (paisa, cents)")]


class AccountIn(In):
    entity_id: uuid.UUID
    account_type: AccountType
    currency: Currency
    ntn: Ntn | None = None
    allow_overdraft: bool = False


class NtnIn(In):
    ntn: Ntn


class PaymentIn(In):
    from_account_id: uuid.UUID | None = None
    to_account_id: uuid.UUID | None = None
    amount: MinorUnits
    currency: Currency
    reference: Reference | None = None

    @model_validator(mode="after")
    def _two_sides(self) -> PaymentIn:
        if self.from_account_id is None and self.to_account_id is None:
            raise ValueError("a payment needs from_account_id, to_account_id or both")
        if self.from_account_id == self.to_account_id:
            raise ValueError("a payment needs two different accounts")
        return self


class AccountOut(WriteOut):
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


class BalanceOut(Out):
    account_id: str
    currency: str
    balance: int


class PostingOut(Out):
    entry_id: str
    line: int
    account_id: str
    currency: str
    amount: int
    created_at: datetime


class PaymentOut(WriteOut):
    id: str
    from_account_id: str
    to_account_id: str
    amount: int
    currency: str
    reference: str | None
    entry_id: str
    created_at: datetime


class TrialBalanceOut(Out):
    zone_id: str
    totals: dict[str, int]
    balanced: bool


@router.post("/accounts", status_code=201, summary="Open an account")
def open_account(body: AccountIn, ctx: Ctx) -> AccountOut:
    entity_id = str(body.entity_id)
    ctx.caller.require_entity(entity_id)
    if body.allow_overdraft:
        ctx.caller.require(Role.ZONE_ADMIN)

    def work(tx: Tx) -> fiscal.Account:
        tx.require_entity(entity_id)
        account = fiscal.open_account(
            tx.session,
            tx.zone_id,
            entity_id=entity_id,
            account_type=body.account_type,
            currency=body.currency,
            ntn=body.ntn,
            allow_overdraft=body.allow_overdraft,
        )
        tx.audit(STREAM, "account.open", subject=account.id, details={"entity_id": entity_id})
        return account

    op = WriteOp("fiscal", "account.open", entity_id, body.model_dump(mode="json"))
    return AccountOut.written(ctx.write(op, work))


@router.get("/accounts", summary="Accounts, optionally of one entity")
def list_accounts(ctx: Ctx, paging: Paging, entity_id: Annotated[uuid.UUID | None, Query()] = None) -> list[AccountOut]:
    wanted = str(entity_id) if entity_id else ctx.caller.entity_id if ctx.caller.role is Role.ENTITY_OPERATOR else None
    ctx.caller.require_read(wanted)
    accounts = ctx.read(
        lambda s: fiscal.list_accounts(s, ctx.zone_id, entity_id=wanted, offset=paging.offset, limit=paging.limit)
    )
    return [AccountOut.of(a) for a in accounts]


@router.get("/accounts/{account_id}", summary="An account")
def get_account(account_id: uuid.UUID, ctx: Ctx) -> AccountOut:
    return AccountOut.of(_readable_account(ctx, str(account_id)))


@router.get("/accounts/{account_id}/balance", summary="An account's balance")
def get_balance(account_id: uuid.UUID, ctx: Ctx) -> BalanceOut:
    account = _readable_account(ctx, str(account_id))
    return BalanceOut(account_id=account.id, currency=account.currency, balance=account.balance)


@router.get("/accounts/{account_id}/entries", summary="An account's ledger postings, oldest first")
def list_entries(account_id: uuid.UUID, ctx: Ctx, paging: Paging) -> list[PostingOut]:
    account = _readable_account(ctx, str(account_id))
    postings = ctx.read(
        lambda s: fiscal.account_postings(s, ctx.zone_id, account.id, offset=paging.offset, limit=paging.limit)
    )
    return [PostingOut.of(p) for p in postings]


@router.post("/accounts/{account_id}/ntn", summary="Link the holder's NTN to an account")
def link_ntn(account_id: uuid.UUID, body: NtnIn, ctx: Ctx) -> AccountOut:
    account_key = str(account_id)

    def resolve(session: Session) -> WriteOp:
        account = fiscal.get_account(session, ctx.zone_id, account_key)
        _require_owner(ctx, account)
        return WriteOp("fiscal", "account.link_ntn", account.entity_id, {"account_id": account_key, "ntn": body.ntn})

    def work(tx: Tx) -> fiscal.Account:
        account = fiscal.link_account_ntn(tx.session, tx.zone_id, account_key, body.ntn)
        tx.audit(STREAM, "account.link_ntn", subject=account.id, details={"ntn": body.ntn})
        return account

    return AccountOut.written(ctx.write(resolve, work))


@router.post("/payments", status_code=201, summary="Pay between accounts (or in/out of the zone)")
def make_payment(body: PaymentIn, ctx: Ctx) -> PaymentOut:
    source = str(body.from_account_id) if body.from_account_id else None
    target = str(body.to_account_id) if body.to_account_id else None
    if source is None:
        ctx.caller.require(Role.ZONE_ADMIN)

    def resolve(session: Session) -> WriteOp:
        payer = fiscal.get_account(session, ctx.zone_id, source) if source else None
        if payer is not None:
            _require_owner(ctx, payer)
        return WriteOp("fiscal", "payment.create", payer.entity_id if payer else None, body.model_dump(mode="json"))

    def work(tx: Tx) -> fiscal.Payment:
        payment = fiscal.make_payment(
            tx.session,
            tx.zone_id,
            from_account_id=source,
            to_account_id=target,
            amount=body.amount,
            currency=body.currency,
            reference=body.reference,
        )
        details = {"from": payment.from_account_id, "to": payment.to_account_id, "amount": payment.amount}
        tx.audit(STREAM, "payment.create", subject=payment.id, details={**details, "currency": payment.currency})
        return payment

    return PaymentOut.written(ctx.write(resolve, work))


@router.get("/payments/{payment_id}", summary="A payment")
def get_payment(payment_id: uuid.UUID, ctx: Ctx) -> PaymentOut:
    def work(session: Session) -> fiscal.Payment:
        payment = fiscal.get_payment(session, ctx.zone_id, str(payment_id))
        if ctx.caller.role is Role.ENTITY_OPERATOR:
            owners = {
                fiscal.get_account(session, ctx.zone_id, a).entity_id
                for a in (payment.from_account_id, payment.to_account_id)
            }
            if ctx.caller.entity_id not in owners:
                raise PolicyError(f"entity operator of {ctx.caller.entity_id} is not a party to payment {payment.id}")
        return payment

    return PaymentOut.of(ctx.read(work))


@router.get("/trial-balance", summary="Sum of all postings per currency (zero in sound books)")
def trial_balance(ctx: Ctx) -> TrialBalanceOut:
    ctx.caller.require(Role.REGULATOR)
    totals = ctx.read(lambda s: fiscal.trial_balance(s, ctx.zone_id))
    return TrialBalanceOut(zone_id=ctx.zone_id, totals=totals, balanced=all(v == 0 for v in totals.values()))


def _readable_account(ctx: Context, account_id: str) -> fiscal.Account:
    account = ctx.read(lambda s: fiscal.get_account(s, ctx.zone_id, account_id))
    ctx.caller.require_read(account.entity_id)
    return account


def _require_owner(ctx: Context, account: fiscal.Account) -> None:
    if account.entity_id is None:
        ctx.caller.require(Role.ZONE_ADMIN)
    else:
        ctx.caller.require_entity(account.entity_id)
