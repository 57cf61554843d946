"""The agreement-set digest (spec §95): order-free, blind to re-issued proofs, sensitive to any agreement edit."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from msez.core import ContentDigest, Timestamp
from msez.corridor import agreement_set_sha256
from msez.vc import add_proof
from tests.corridor.agreement.conftest import World, two_party_world

digests = st.lists(st.binary(min_size=32, max_size=32).map(ContentDigest.from_bytes), max_size=6)


@given(payloads=digests, definition=st.binary(min_size=32, max_size=32).map(ContentDigest.from_bytes))
def test_set_digest_is_the_canonical_sorted_object_and_ignores_order(
    payloads: list[ContentDigest], definition: ContentDigest
) -> None:
    expected = json.dumps(
        {
            "agreement_payload_sha256": sorted(d.hex for d in payloads),
            "corridor_id": "c",
            "definition_payload_sha256": definition.hex,
        },
        separators=(",", ":"),
    ).encode()
    assert agreement_set_sha256("c", definition, payloads).hex == hashlib.sha256(expected).hexdigest()
    assert agreement_set_sha256("c", definition, payloads[::-1]) == agreement_set_sha256("c", definition, payloads)


def test_reissuing_proofs_keeps_the_set_digest_and_editing_changes_it(world: World) -> None:
    before = world.verify().agreement_set_sha256
    path = "corridor.agreement.zone-a.vc.json"
    document = world.json(path)
    document.pop("proof")
    world.put_json(path, add_proof(document, world.signer("zone-a"), created=Timestamp.parse("2026-03-01T00:00:00Z")))
    assert world.verify().agreement_set_sha256 == before

    world.agree("zone-a", terms_ref="urn:msez:terms:v2")
    assert world.verify().agreement_set_sha256 != before


def test_parties_issuing_at_different_times_share_the_base_terms() -> None:
    w = two_party_world()
    w.define()
    w.agree("zone-a", issued_at=Timestamp.parse("2026-02-01T00:00:00Z"))
    w.agree("zone-b", issued_at=Timestamp.parse("2026-04-01T09:30:00Z"))

    report = w.verify()

    assert report.activated, report.summary()
    assert w.json("corridor.agreement.zone-b.vc.json")["credentialSubject"]["activation"]["effectiveFrom"] == (
        "2026-01-01T00:00:00Z"
    )
