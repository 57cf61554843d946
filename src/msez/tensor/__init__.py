"""msez.tensor: the compliance lattice, the 20-domain tensor with explained evaluations, commitments.

Every evaluation returns a :class:`DomainResult` per domain saying which rule decided it, on which evidence and
attestations, under which legal provision (AKN ``eId``) and which pack. The compliance manifold (routing between
jurisdictions) lives in :mod:`msez.tensor.manifold`.
"""

from msez.tensor._attestation import AttestationRef
from msez.tensor._commitment import (
    SCHEMA_VERSION,
    TensorCommitment,
    commitment_digest,
    commitment_payload,
    merkle_root,
)
from msez.tensor._evaluators import (
    ATTESTED_DOMAINS,
    EXTENDED_DOMAINS,
    AttestedDomainEvaluator,
    DomainEvaluator,
    ExtendedDomainEvaluator,
    default_evaluator,
)
from msez.tensor._lattice import ComplianceState, join_all, meet_all
from msez.tensor._packs import (
    AttestationEvaluator,
    AttestationSource,
    FilerStatusSource,
    LicenceVerifier,
    LicensingEvaluator,
    SanctionsEvaluator,
    SanctionsScreener,
    ScreeningMatch,
    ScreeningOutcome,
    TaxEvaluator,
)
from msez.tensor._result import Citation, DomainResult, EvaluationContext, StoredCell, Subject
from msez.tensor._tensor import ALL_DOMAINS, ComplianceTensor, Evaluation, Evaluators, JurisdictionConfig
from msez.tensor._wire import evaluation_request_from_json, tensor_from_json, tensor_to_json

__all__ = [
    "ALL_DOMAINS",
    "ATTESTED_DOMAINS",
    "EXTENDED_DOMAINS",
    "SCHEMA_VERSION",
    "AttestationEvaluator",
    "AttestationRef",
    "AttestationSource",
    "AttestedDomainEvaluator",
    "Citation",
    "ComplianceState",
    "ComplianceTensor",
    "DomainEvaluator",
    "DomainResult",
    "Evaluation",
    "EvaluationContext",
    "Evaluators",
    "ExtendedDomainEvaluator",
    "FilerStatusSource",
    "JurisdictionConfig",
    "LicenceVerifier",
    "LicensingEvaluator",
    "SanctionsEvaluator",
    "SanctionsScreener",
    "ScreeningMatch",
    "ScreeningOutcome",
    "StoredCell",
    "Subject",
    "TaxEvaluator",
    "TensorCommitment",
    "commitment_digest",
    "commitment_payload",
    "default_evaluator",
    "evaluation_request_from_json",
    "join_all",
    "meet_all",
    "merkle_root",
    "tensor_from_json",
    "tensor_to_json",
]
