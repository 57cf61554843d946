"""Worker-process bodies for the multi-process tests (a module of its own so ``spawn`` can import it)."""

from __future__ import annotations

from msez.store import Database, audit, fiscal, lock_key, ownership


def hammer(url: str, zone: str, account_id: str, cap_table_id: str, rounds: int) -> None:
    """Each round: one audit append, one deposit of 1 into the shared account, one issuance of 1 share."""
    db = Database(url, pool_size=1)
    try:
        for i in range(rounds):
            with db.write() as session:
                lock_key(session, "corridor", zone)
                audit.append_audit(
                    session,
                    zone_id=zone,
                    stream="corridor:shared",
                    actor=audit.Actor("system"),
                    action="tick",
                    details={"i": i},
                )
            with db.write() as session:
                fiscal.make_payment(
                    session, zone, from_account_id=None, to_account_id=account_id, amount=1, currency="PKR"
                )
            with db.write() as session:
                ownership.issue_shares(session, zone, cap_table_id, share_class="common", to_holder="h", shares=1)
    finally:
        db.dispose()
