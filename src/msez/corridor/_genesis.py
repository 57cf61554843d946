"""The genesis root of a corridor's state channel (spec 40.6).

``genesis_root = SHA256(MCF({tag, corridor_id, definition_payload_sha256, agreement_set_sha256,
lawpack_digest_set, ruleset_digest_set}))`` with both digest sets as sorted, de-duplicated bare hex. Without an
agreement set the field is ``""``, as the reference writes it. We emit the msez tag; :func:`genesis_roots` also
gives the root under the mez tag so a verifier can accept a chain started by either family (decision D1).
"""

from __future__ import annotations

from msez.core import ContentDigest, digest_of
from msez.corridor._channel import StateChannelPolicy
from msez.corridor._names import GENESIS_TAG, GENESIS_TAGS


def genesis_root(policy: StateChannelPolicy, *, tag: str = GENESIS_TAG) -> ContentDigest:
    """The genesis root of ``policy``'s corridor under ``tag``."""
    agreement = policy.agreement_set_sha256
    return digest_of(
        {
            "tag": tag,
            "corridor_id": policy.corridor_id,
            "definition_payload_sha256": policy.definition_payload_sha256.hex,
            "agreement_set_sha256": agreement.hex if agreement is not None else "",
            "lawpack_digest_set": sorted(d.hex for d in policy.lawpack_digest_set),
            "ruleset_digest_set": sorted(d.hex for d in policy.ruleset_digest_set),
        }
    )


def genesis_roots(policy: StateChannelPolicy) -> tuple[ContentDigest, ...]:
    """The genesis root under each accepted tag, the emitted (msez) one first."""
    return tuple(genesis_root(policy, tag=tag) for tag in GENESIS_TAGS)
