"""msez.settlement: multilateral netting, settlement plans, anchors, corridor routing, multi-hop transfers, ISO 20022.

A domain package: it imports only ``msez.core``, ``msez.crypto`` and ``msez.schema``. Obligations (integer minor
units) are netted into balanced legs (the reference's greedy matching, or a leg-minimising mode) under optional
settlement windows and per-party liquidity limits; a netting result becomes a ``settlement-plan`` artifact whose
digest excludes its proof. Legs become pacs.008 messages; pacs.002 and camt.054 become leg status updates.
"""

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
    AnchorSide,
    Commitment,
    ProofBinding,
    SettlementAnchor,
    anchor_digest,
    binding_digest,
    check_anchor_refs,
    load_anchor,
    load_binding,
)
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
from msez.settlement._status import LegStatus, LegStatusUpdate, message_kind, parse_camt054, parse_pacs002
from msez.settlement._transfer import HopStatus, MultiHopTransfer, TransferOutcome, TransferPhase, TransferStep
from msez.settlement._verify import PlanReport, check_plan, verify_plan
from msez.settlement._window import SettlementWindow

__all__ = [
    "DEFAULT_ROUNDING",
    "PACS008_NS",
    "PLAN_ARTIFACT_TYPE",
    "AnchorCommitment",
    "AnchorError",
    "AnchorProblem",
    "AnchorReceipt",
    "AnchorSide",
    "AnchorStatus",
    "AnchorTarget",
    "Clock",
    "Commitment",
    "CommitReceipt",
    "CorridorEdge",
    "CorridorGraph",
    "CreditTransfer",
    "CurrencyTotal",
    "Deferral",
    "HopError",
    "HopParticipant",
    "HopRequest",
    "HopStatus",
    "InMemoryAnchorTarget",
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
    "SystemClock",
    "TransferOutcome",
    "TransferPhase",
    "TransferStep",
    "anchor_digest",
    "binding_digest",
    "build_pacs008",
    "build_plan",
    "check_anchor_refs",
    "check_plan",
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
    "store_plan",
    "to_minor_units",
    "validate_bic",
    "validate_iban",
    "validate_lei",
    "verify_plan",
]
