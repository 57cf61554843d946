"""Random operation sequences never break the ledger or cap-table invariants (hypothesis, both backends).

Each example runs against the real database in a zone of its own, next to a plain-Python model of what the
state must be; every operation the model refuses must be refused by the store, leaving nothing behind.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from msez.core import ConflictError
from msez.store import Database, fiscal, ownership
from msez.store._models import HoldingRow, JournalEntryRow, PostingRow

EXTERNAL = 3  # index meaning "outside the zone" (no account on that side)
payments = st.lists(
    st.tuples(st.integers(0, EXTERNAL), st.integers(0, EXTERNAL), st.integers(1, 400)).filter(
        lambda op: op[0] != op[1]
    ),
    max_size=20,
)


@settings(max_examples=20)
@given(ops=payments)
def test_random_payments_keep_the_books_balanced(db: Database, ops: list[tuple[int, int, int]]) -> None:
    zone = f"ledger-{uuid.uuid4().hex}"
    with db.write() as session:
        accounts = [
            fiscal.open_account(
                session,
                zone,
                entity_id=str(uuid.uuid4()),
                account_type="operating",
                currency="PKR",
                allow_overdraft=i == 2,
            ).id
            for i in range(3)
        ]
    model, booked = defaultdict(int), 0
    for source, target, amount in ops:
        refused = source < EXTERNAL and source != 2 and model[source] < amount
        try:
            with db.write() as session:
                fiscal.make_payment(
                    session,
                    zone,
                    from_account_id=accounts[source] if source < EXTERNAL else None,
                    to_account_id=accounts[target] if target < EXTERNAL else None,
                    amount=amount,
                    currency="PKR",
                )
        except ConflictError as e:
            assert refused, f"unexpected refusal: {e}"
            assert "insufficient funds" in e.message
            continue
        assert not refused
        model[source] -= amount
        model[target] += amount
        booked += 1
    with db.read() as session:
        _check_books(session, zone, accounts, model, booked)


def _check_books(session, zone: str, accounts: list[str], model: dict[int, int], booked: int) -> None:  # type: ignore[no-untyped-def]
    for index, account_id in enumerate(accounts):
        account = fiscal.get_account(session, zone, account_id)
        posted = session.scalar(
            select(func.coalesce(func.sum(PostingRow.amount), 0)).where(PostingRow.account_id == account_id)
        )
        assert account.balance == posted == model[index]
        assert account.allow_overdraft or account.balance >= 0
    assert all(total == 0 for total in fiscal.trial_balance(session, zone).values())
    assert (
        session.scalar(select(func.count()).select_from(JournalEntryRow).where(JournalEntryRow.zone_id == zone))
        == booked
    )
    unbalanced = session.execute(
        select(PostingRow.entry_id)
        .where(PostingRow.zone_id == zone)
        .group_by(PostingRow.entry_id, PostingRow.currency)
        .having(func.sum(PostingRow.amount) != 0)
    ).all()
    assert unbalanced == []


HOLDERS = ["alice", "bob", "carol"]
share_ops = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(HOLDERS), st.sampled_from(HOLDERS), st.integers(1, 400)),
        st.tuples(st.just("transfer"), st.sampled_from(HOLDERS), st.sampled_from(HOLDERS), st.integers(1, 400)),
    ).filter(lambda op: op[0] == "issue" or op[1] != op[2]),
    max_size=20,
)
AUTHORISED = 1000


@settings(max_examples=20)
@given(ops=share_ops)
def test_random_issuances_and_transfers_never_exceed_authorised_shares(
    db: Database, ops: list[tuple[str, str, str, int]]
) -> None:
    zone = f"captable-{uuid.uuid4().hex}"
    with db.write() as session:
        table = ownership.create_cap_table(
            session, zone, str(uuid.uuid4()), [ownership.ShareClassSpec("common", AUTHORISED)]
        )
    model: dict[str, int] = defaultdict(int)
    for kind, first, second, shares in ops:
        refused = sum(model.values()) + shares > AUTHORISED if kind == "issue" else model[first] < shares
        try:
            with db.write() as session:
                if kind == "issue":
                    ownership.issue_shares(
                        session, zone, table.id, share_class="common", to_holder=first, shares=shares
                    )
                else:
                    ownership.transfer_shares(
                        session,
                        zone,
                        table.id,
                        share_class="common",
                        from_holder=first,
                        to_holder=second,
                        shares=shares,
                    )
        except ConflictError as e:
            assert refused, f"unexpected refusal: {e}"
            continue
        assert not refused
        if kind == "issue":
            model[first] += shares
        else:
            model[first] -= shares
            model[second] += shares
    with db.read() as session:
        stored = ownership.get_cap_table(session, zone, table.id).share_classes[0]
        negative = session.scalar(
            select(func.count()).select_from(HoldingRow).where(HoldingRow.zone_id == zone, HoldingRow.shares < 0)
        )
        movements = ownership.list_movements(session, zone, table.id, limit=1000)
    assert {h.holder_id: h.shares for h in stored.holdings} == {k: v for k, v in model.items() if v}
    assert stored.issued_shares == sum(model.values()) <= stored.authorized_shares
    assert negative == 0
    assert sum(m.shares for m in movements if m.kind == "issuance") == stored.issued_shares
