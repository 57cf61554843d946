"""A corridor policy signed for by one fixed key, and worker-process bodies for the multi-process append tests
(a module of its own so ``spawn`` can import it)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from msez.core import Timestamp
from msez.corridor import StateChannelPolicy, new_receipt, sign_receipt, transition_envelope
from msez.crypto import SigningKey
from msez.store import AsyncReceiptWriter, Database, audit, receipts
from msez.vc import Signer

SIGNER = Signer.from_key(SigningKey.from_seed(bytes(range(1, 33))))
POLICY = StateChannelPolicy(
    corridor_id="org.momentum.msez.corridor.test.store",
    definition_payload_sha256="58" * 32,
    lawpack_digest_set=["1a" * 32],
    ruleset_digest_set=["3c" * 32],
    signer_roles={str(SIGNER.did): "zone_authority"},
    authorized_receipt_signers=[str(SIGNER.did)],
)


def build(sequence: int, prev_root: str, transition: Mapping[str, Any]) -> dict[str, Any]:
    receipt = new_receipt(
        corridor_id=POLICY.corridor_id,
        sequence=sequence,
        prev_root=prev_root,
        timestamp=Timestamp.now(),
        lawpack_digest_set=["1a" * 32],
        ruleset_digest_set=["3c" * 32],
        transition=transition,
    )
    return sign_receipt(receipt, SIGNER)


def draft(n: int) -> receipts.Draft:
    return receipts.Draft(transition_envelope("tick", payload={"n": n}), audit.Actor("system"), f"req-{n}")


def append_rounds(url: str, zone: str, corridor: str, rounds: int, asynchronous: bool) -> None:
    """``rounds`` batches of two receipts, through the driver-level path or the asyncio writer."""
    db = Database(url, pool_size=1)
    try:
        if asynchronous:
            asyncio.run(_async_rounds(url, db, zone, corridor, rounds))
            return
        for n in range(rounds):
            with db.write() as session:
                receipts.append_receipts(session, zone, corridor, [draft(n), draft(n)], build)
    finally:
        db.dispose()


async def _async_rounds(url: str, db: Database, zone: str, corridor: str, rounds: int) -> None:
    writer = AsyncReceiptWriter(url, db.engine.dialect, pool_size=1)
    try:
        for n in range(rounds):
            await writer.append(zone, corridor, [draft(n), draft(n)], build)
    finally:
        await writer.close()
