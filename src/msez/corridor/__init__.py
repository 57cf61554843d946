"""msez.corridor: corridors between zones (spec §40, §95).

Agreement layer: corridor module files and their schemas, trust anchors and the authority-registry chain, the
Corridor Definition and Agreement VCs, ruleset ``msez.corridor.verification.v1`` as one report (bindings, proofs,
signers, consistency, status lock, commitments, per-role thresholds, lawpacks), the VC generators, and the
``stack.lock`` corridor entries.

State channel: a corridor's genesis root, signed receipts chained by ``prev_root``/``next_root`` and committed
into a Merkle Mountain Range, streaming chain verification, checkpoints with inclusion and consistency proofs
(also as C2SP signed notes), watcher attestations and quorum, fork detection, the automatic fork choice and
authority resolutions, finality levels, the v2 lifecycle and settlement anchors checked against checkpoints.

:func:`state_channel_policy` joins the two: the policy of a corridor whose agreement layer verified.
"""

# agreement layer
from msez.corridor._activation import Activation, RoleCount
from msez.corridor._agreement import AGREEMENT_TYPES, Agreement, AgreementSet, PinnedLawpack, agreement_set_sha256

# state channel
from msez.corridor._anchor import verify_proof_binding, verify_settlement_anchor
from msez.corridor._canonical import AutomaticForkChoice, CanonicalChain, ForkPoint, build_canonical_chain
from msez.corridor._chain import ChainHead, ChainVerifier, verify_chain
from msez.corridor._channel import (
    CheckpointingPolicy,
    StateChannelPolicy,
    WatcherQuorum,
    parse_duration,
)
from msez.corridor._check import CheckedReceipt, ReceiptChecker
from msez.corridor._checkpoint import (
    CheckpointError,
    VerifiedCheckpoint,
    build_checkpoint,
    build_consistency_proof,
    checkpoint_digest,
    sign_checkpoint,
    trusted_head,
    verify_checkpoint,
    verify_consistency,
)
from msez.corridor._checks import Check, Rule
from msez.corridor._definition import DEFINITION_TYPES, RULESETS, Definition, LawpackCompatibility
from msez.corridor._envelope import (
    check_envelope,
    coerce_transition,
    envelope_artifacts,
    noop_envelope,
    transition_envelope,
)
from msez.corridor._finality import FinalityLevel, finality_of, finality_status
from msez.corridor._fork import (
    ForkEvidence,
    ForkResolutions,
    detect_fork,
    fork_alarm_credential,
    fork_resolution_credential,
    verified_resolution,
)
from msez.corridor._fork_choice import (
    ForkBranch,
    ForkChoice,
    ForkReason,
    attest_branch,
    choose_fork,
    equivocation_evidence,
    equivocation_report,
)
from msez.corridor._generate import agreement_credential, definition_credential, party_slug
from msez.corridor._genesis import genesis_root, genesis_roots
from msez.corridor._inclusion import build_inclusion_proof, verify_inclusion
from msez.corridor._lifecycle import (
    CORRIDOR_MACHINE,
    CorridorLifecycle,
    check_machine_document,
    machine_document,
)
from msez.corridor._lock_entries import corridor_lock_entries
from msez.corridor._module import (
    CORRIDOR_FILE,
    MAX_PARENT_DEPTH,
    CorridorModule,
    DirectorySource,
    FileSource,
    MemorySource,
    ModuleFile,
    RegistryChain,
)
from msez.corridor._policy import state_channel_policy
from msez.corridor._receipt import (
    check_receipt_shape,
    compute_next_root,
    new_receipt,
    next_root_preimage,
    normalize_digest_set,
    receipt_ref,
    seal_receipt,
    sign_receipt,
)
from msez.corridor._rejection import ForkDetectedError, ReceiptRejectedError, RejectReason
from msez.corridor._threshold import Threshold
from msez.corridor._tlog import (
    NoteKey,
    TlogCheckpoint,
    add_signature,
    sign_note,
    verify_checkpoint_note,
    verify_note,
)
from msez.corridor._transition_types import (
    TRANSITION_TYPES_RULES,
    TransitionTypeLock,
    build_transition_types_lock,
    registry_snapshot,
)
from msez.corridor._trust import (
    AUTHORITY_REGISTRY,
    CORRIDOR_AGREEMENT,
    CORRIDOR_DEFINITION,
    CORRIDOR_RECEIPT,
    CORRIDOR_WATCHER_ATTESTATION,
    REGISTRY_TYPES,
    AuthorityRegistry,
    TrustAnchor,
    TrustAnchors,
    TrustPolicy,
)
from msez.corridor._verify import ChannelTerms, CorridorReport, CorridorVerificationError, verify_corridor
from msez.corridor._watcher import (
    WatcherComparison,
    compare_watchers,
    head_commitment,
    head_commitment_of,
    watcher_attestation,
)

__all__ = [
    "Threshold",
    # agreement layer
    "AGREEMENT_TYPES",
    "AUTHORITY_REGISTRY",
    "CORRIDOR_AGREEMENT",
    "CORRIDOR_DEFINITION",
    "CORRIDOR_FILE",
    "CORRIDOR_RECEIPT",
    "CORRIDOR_WATCHER_ATTESTATION",
    "DEFINITION_TYPES",
    "MAX_PARENT_DEPTH",
    "REGISTRY_TYPES",
    "RULESETS",
    "Activation",
    "Agreement",
    "AgreementSet",
    "AuthorityRegistry",
    "ChannelTerms",
    "Check",
    "CorridorModule",
    "CorridorReport",
    "CorridorVerificationError",
    "Definition",
    "DirectorySource",
    "FileSource",
    "LawpackCompatibility",
    "MemorySource",
    "ModuleFile",
    "PinnedLawpack",
    "RegistryChain",
    "RoleCount",
    "Rule",
    "TrustAnchor",
    "TrustAnchors",
    "TrustPolicy",
    "agreement_credential",
    "agreement_set_sha256",
    "corridor_lock_entries",
    "definition_credential",
    "party_slug",
    "verify_corridor",
    # state channel
    "CORRIDOR_MACHINE",
    "TRANSITION_TYPES_RULES",
    "AutomaticForkChoice",
    "CanonicalChain",
    "ChainHead",
    "ChainVerifier",
    "CheckedReceipt",
    "CheckpointError",
    "CheckpointingPolicy",
    "CorridorLifecycle",
    "FinalityLevel",
    "ForkBranch",
    "ForkChoice",
    "ForkDetectedError",
    "ForkEvidence",
    "ForkPoint",
    "ForkReason",
    "ForkResolutions",
    "NoteKey",
    "ReceiptChecker",
    "ReceiptRejectedError",
    "RejectReason",
    "StateChannelPolicy",
    "TlogCheckpoint",
    "TransitionTypeLock",
    "VerifiedCheckpoint",
    "WatcherComparison",
    "WatcherQuorum",
    "add_signature",
    "attest_branch",
    "build_canonical_chain",
    "build_checkpoint",
    "build_consistency_proof",
    "build_inclusion_proof",
    "build_transition_types_lock",
    "check_envelope",
    "check_machine_document",
    "check_receipt_shape",
    "checkpoint_digest",
    "choose_fork",
    "coerce_transition",
    "compare_watchers",
    "compute_next_root",
    "detect_fork",
    "envelope_artifacts",
    "equivocation_evidence",
    "equivocation_report",
    "finality_of",
    "finality_status",
    "fork_alarm_credential",
    "fork_resolution_credential",
    "genesis_root",
    "genesis_roots",
    "head_commitment",
    "head_commitment_of",
    "machine_document",
    "new_receipt",
    "next_root_preimage",
    "noop_envelope",
    "normalize_digest_set",
    "parse_duration",
    "receipt_ref",
    "registry_snapshot",
    "seal_receipt",
    "sign_checkpoint",
    "sign_note",
    "sign_receipt",
    "state_channel_policy",
    "transition_envelope",
    "trusted_head",
    "verified_resolution",
    "verify_chain",
    "verify_checkpoint",
    "verify_checkpoint_note",
    "verify_consistency",
    "verify_inclusion",
    "verify_note",
    "verify_proof_binding",
    "verify_settlement_anchor",
    "watcher_attestation",
]
