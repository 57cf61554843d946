"""Joining the two halves: the state-channel policy of a corridor whose agreement layer verified.

``state_channel_policy(report)`` takes :meth:`CorridorReport.channel_terms` (which refuses a corridor that did not
verify) and fills :class:`StateChannelPolicy`: genesis inputs, the lawpack and ruleset digest sets receipts must
bind, receipt-signing thresholds, party roles, and who may sign receipts, checkpoints and watcher attestations.
"""

from __future__ import annotations

from msez.core import ContentDigest
from msez.corridor._channel import CheckpointingPolicy, StateChannelPolicy, WatcherQuorum
from msez.corridor._trust import CORRIDOR_WATCHER_ATTESTATION
from msez.corridor._verify import CorridorReport


def state_channel_policy(
    report: CorridorReport,
    *,
    transition_type_registry_sha256: ContentDigest | None = None,
    state_transition_ruleset_sha256: ContentDigest | None = None,
) -> StateChannelPolicy:
    """The state-channel policy of a verified corridor.

    Raises:
        CorridorVerificationError: the corridor did not verify. ValidationError: its ``state_channel`` settings
            are malformed.
    """
    terms = report.channel_terms()
    return StateChannelPolicy.from_json(
        {
            "corridor_id": terms.corridor_id,
            "definition_payload_sha256": terms.definition_payload_sha256.hex,
            "agreement_set_sha256": terms.agreement_set_sha256.hex if terms.agreement_set_sha256 else None,
            "lawpack_digest_set": sorted(d.hex for d in terms.lawpack_digests),
            "ruleset_digest_set": sorted(d.hex for d in terms.ruleset_digests),
            "receipt_thresholds": [t.to_json() for t in terms.receipt_thresholds],
            "signer_roles": dict(terms.roles),
            "authorized_receipt_signers": sorted(terms.receipt_signers),
            "authorized_watchers": sorted(terms.trust.authorized(CORRIDOR_WATCHER_ATTESTATION)),
            "watcher_quorum": WatcherQuorum.model_validate(dict(terms.watcher_quorum or {})).model_dump(),
            "checkpointing": CheckpointingPolicy.model_validate(dict(terms.checkpointing or {})).model_dump(),
            "transition_type_registry_sha256": (
                transition_type_registry_sha256.hex if transition_type_registry_sha256 else None
            ),
            "state_transition_ruleset_sha256": (
                state_transition_ruleset_sha256.hex if state_transition_ruleset_sha256 else None
            ),
        }
    )
