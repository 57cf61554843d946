"""msez.settlement: multilateral netting, settlement plans, anchors, corridor routing, multi-hop transfers, ISO 20022.

A domain package above ``msez.corridor`` and ``msez.vc``. Obligations (integer minor units) are netted into balanced
legs (the reference's greedy matching, or a leg-minimising mode) under optional settlement windows and per-party
liquidity limits; a netting result becomes a ``settlement-plan`` artifact whose digest excludes its proofs, so it
can be signed and co-signed. Settlement anchors and proof bindings tie a plan to corridor checkpoints and are
verified against both corridors' policies. Checkpoints are anchored in an external log through an
``AnchorTarget``: the reference's in-memory target, or another corridor's receipt log (cross-corridor anchoring,
verifiable from either side). Legs become pacs.008 messages; pacs.002 and camt.054 become leg status updates.
"""

from msez.settlement._anchor_verify import AnchorEvidence, AnchorReport, check_anchor
from msez.settlement._anchoring import (
    AnchorCommitment,
    AnchorError,
    AnchorProblem,
    AnchorReceipt,
    AnchorStatus,
    AnchorTarget,
    InMemoryAnchorTarget,
)
from msez.settlement._binding import (
    ANCHOR_ARTIFACT_TYPE,
    BINDING_ARTIFACT_TYPE,
    AnchorSide,
    Commitment,
    ProofBinding,
    SettlementAnchor,
    anchor_digest,
    binding_digest,
    check_anchor_refs,
    check_binding,
    load_anchor,
    load_binding,
    store_anchor,
    store_binding,
)
from msez.settlement._cross_anchor import (
    ANCHOR_KIND,
    AnchoredCheckpoint,
    CorridorAnchorTarget,
    anchored_checkpoint,
    checkpoint_anchor_envelope,
)
from msez.settlement._cross_verify import CrossAnchor, verify_anchor_checkpoint, verify_anchor_inclusion
from msez.settlement._currency import DEFAULT_ROUNDING, format_minor_units, minor_units, to_minor_units
from msez.settlement._hops import (
    Clock,
    CommitReceipt,
    HopError,
    HopParticipant,
    HopRequest,
    InMemoryHopParticipant,
    ManualClock,
    PrepareReceipt,
    SystemClock,
    commit_receipt_digest,
    prepare_receipt_digest,
)
from msez.settlement._input import read_edges, read_limits, read_obligations, read_parties
from msez.settlement._iso_ids import PartyAccount, validate_bic, validate_iban, validate_lei
from msez.settlement._legs import CurrencyTotal, NetPosition, NettingMode, SettlementLeg, greedy_transfers
from msez.settlement._limits import Deferral, PartyLimit
from msez.settlement._log import CorridorLog, InMemoryCorridorLog
from msez.settlement._netting import NettingResult, net
from msez.settlement._obligation import Obligation, ObligationBook, ObligationError, ObligationProblem
from msez.settlement._pacs008 import (
    PACS008_NS,
    CreditTransfer,
    Pacs008Message,
    build_pacs008,
    format_amount,
    pacs008_xml,
    parse_pacs008,
)
from msez.settlement._plan import (
    PLAN_ARTIFACT_TYPE,
    PlanWindow,
    SettlementPlan,
    build_plan,
    plan_digest,
    store_plan,
)
from msez.settlement._routing import CorridorEdge, CorridorGraph, Route
from msez.settlement._signing import ArtifactReport, SignatureReport, check_signatures, sign_artifact
from msez.settlement._status import LegStatus, LegStatusUpdate, message_kind, parse_camt054, parse_pacs002
from msez.settlement._transfer import HopStatus, MultiHopTransfer, TransferOutcome, TransferPhase, TransferStep
from msez.settlement._verify import PlanReport, check_plan, verify_plan
from msez.settlement._window import SettlementWindow

__all__ = [
    "ANCHOR_ARTIFACT_TYPE",
    "ANCHOR_KIND",
    "BINDING_ARTIFACT_TYPE",
    "DEFAULT_ROUNDING",
    "PACS008_NS",
    "PLAN_ARTIFACT_TYPE",
    "AnchorCommitment",
    "AnchorError",
    "AnchorEvidence",
    "AnchorProblem",
    "AnchorReceipt",
    "AnchorReport",
    "AnchorSide",
    "AnchorStatus",
    "AnchorTarget",
    "AnchoredCheckpoint",
    "ArtifactReport",
    "Clock",
    "CommitReceipt",
    "Commitment",
    "CorridorAnchorTarget",
    "CorridorEdge",
    "CorridorGraph",
    "CorridorLog",
    "CreditTransfer",
    "CrossAnchor",
    "CurrencyTotal",
    "Deferral",
    "HopError",
    "HopParticipant",
    "HopRequest",
    "HopStatus",
    "InMemoryAnchorTarget",
    "InMemoryCorridorLog",
    "InMemoryHopParticipant",
    "LegStatus",
    "LegStatusUpdate",
    "ManualClock",
    "MultiHopTransfer",
    "NetPosition",
    "NettingMode",
    "NettingResult",
    "Obligation",
    "ObligationBook",
    "ObligationError",
    "ObligationProblem",
    "Pacs008Message",
    "PartyAccount",
    "PartyLimit",
    "PlanReport",
    "PlanWindow",
    "PrepareReceipt",
    "ProofBinding",
    "Route",
    "SettlementAnchor",
    "SettlementLeg",
    "SettlementPlan",
    "SettlementWindow",
    "SignatureReport",
    "SystemClock",
    "TransferOutcome",
    "TransferPhase",
    "TransferStep",
    "anchor_digest",
    "anchored_checkpoint",
    "binding_digest",
    "build_pacs008",
    "build_plan",
    "check_anchor",
    "check_anchor_refs",
    "check_binding",
    "check_plan",
    "check_signatures",
    "checkpoint_anchor_envelope",
    "commit_receipt_digest",
    "format_amount",
    "format_minor_units",
    "greedy_transfers",
    "load_anchor",
    "load_binding",
    "message_kind",
    "minor_units",
    "net",
    "pacs008_xml",
    "parse_camt054",
    "parse_pacs002",
    "parse_pacs008",
    "plan_digest",
    "prepare_receipt_digest",
    "read_edges",
    "read_limits",
    "read_obligations",
    "read_parties",
    "sign_artifact",
    "store_anchor",
    "store_binding",
    "store_plan",
    "to_minor_units",
    "validate_bic",
    "validate_iban",
    "validate_lei",
    "verify_anchor_checkpoint",
    "verify_anchor_inclusion",
    "verify_plan",
]
