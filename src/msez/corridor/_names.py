"""Type names and domain tags of the corridor state channel.

We emit the msez family (``MSEZCorridorStateReceipt``, ``msez.corridor.state.genesis.v1``, ...) and accept the
later mez family (``MEZ...``, ``mez....``) wherever a document is read (decision D1). Each ``*_TYPE`` is what we
write; the matching ``*_TYPES`` set is what we accept.
"""

from __future__ import annotations

from typing import Final


def _family(suffix: str) -> tuple[str, frozenset[str]]:
    return f"MSEZ{suffix}", frozenset({f"MSEZ{suffix}", f"MEZ{suffix}"})


RECEIPT_TYPE, RECEIPT_TYPES = _family("CorridorStateReceipt")
ENVELOPE_TYPE, ENVELOPE_TYPES = _family("TransitionEnvelope")
CHECKPOINT_TYPE, CHECKPOINT_TYPES = _family("CorridorStateCheckpoint")
MMR_TYPE, MMR_TYPES = _family("ReceiptMMR")
INCLUSION_PROOF_TYPE, INCLUSION_PROOF_TYPES = _family("CorridorReceiptInclusionProof")
CONSISTENCY_PROOF_TYPE, CONSISTENCY_PROOF_TYPES = _family("CorridorCheckpointConsistencyProof")
WATCHER_ATTESTATION_VC, WATCHER_ATTESTATION_VCS = _family("CorridorWatcherAttestationCredential")
FORK_ALARM_VC, FORK_ALARM_VCS = _family("CorridorForkAlarmCredential")
FORK_RESOLUTION_VC, FORK_RESOLUTION_VCS = _family("CorridorForkResolutionCredential")
FORK_RESOLUTION_TYPE, FORK_RESOLUTION_TYPES = _family("CorridorForkResolution")
LIFECYCLE_TRANSITION_VC, LIFECYCLE_TRANSITION_VCS = _family("CorridorLifecycleTransitionCredential")
LIFECYCLE_TRANSITION_TYPE, LIFECYCLE_TRANSITION_TYPES = _family("CorridorLifecycleTransition")
DEFINITION_VC, DEFINITION_VCS = _family("CorridorDefinitionCredential")
AGREEMENT_VC, AGREEMENT_VCS = _family("CorridorAgreementCredential")
ANCHOR_VC, ANCHOR_VCS = _family("CorridorAnchorCredential")
AWARD_VC, AWARD_VCS = _family("ArbitrationAwardCredential")
FINALITY_STATUS_TYPE, FINALITY_STATUS_TYPES = _family("CorridorFinalityStatus")
FORK_INSPECT_TYPE, FORK_INSPECT_TYPES = _family("CorridorForkInspectReport")
EQUIVOCATION_REPORT_TYPE, EQUIVOCATION_REPORT_TYPES = _family("CorridorEquivocationReport")
STATE_MACHINE_TYPE, STATE_MACHINE_TYPES = _family("CorridorStateMachine")
POLICY_TYPE, POLICY_TYPES = _family("CorridorStateChannelPolicy")
LIFECYCLE_TYPE, LIFECYCLE_TYPES = _family("CorridorLifecycle")

GENESIS_TAG: Final = "msez.corridor.state.genesis.v1"
GENESIS_TAGS: Final = (GENESIS_TAG, "mez.corridor.state.genesis.v1")
SNAPSHOT_TAG: Final = "msez.transition-types.registry.snapshot.v1"
SNAPSHOT_TAGS: Final = frozenset({SNAPSHOT_TAG, "mez.transition-types.registry.snapshot.v1"})


def msez_name(type_name: str) -> str:
    """The msez spelling of a type name (``MEZCorridorForkAlarmCredential`` -> ``MSEZCorridorForkAlarmCredential``)."""
    return "MSEZ" + type_name[3:] if type_name.startswith("MEZ") else type_name
