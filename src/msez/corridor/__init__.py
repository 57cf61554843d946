"""msez.corridor: corridors between zones (spec §40, §95).

Agreement layer: corridor module files and their schemas, trust anchors and the authority-registry chain, the
Corridor Definition and Agreement VCs, ruleset ``msez.corridor.verification.v1`` as one report (bindings, proofs,
signers, consistency, status lock, commitments, per-role thresholds, lawpacks), the VC generators, and the
``stack.lock`` corridor entries.
"""

# agreement layer
from msez.corridor._activation import Activation, RoleCount, Threshold
from msez.corridor._agreement import AGREEMENT_TYPES, Agreement, AgreementSet, PinnedLawpack, agreement_set_sha256
from msez.corridor._checks import Check, Rule
from msez.corridor._definition import DEFINITION_TYPES, RULESETS, Definition, LawpackCompatibility
from msez.corridor._generate import agreement_credential, definition_credential, party_slug
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

__all__ = [
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
    "Threshold",
    "TrustAnchor",
    "TrustAnchors",
    "TrustPolicy",
    "agreement_credential",
    "agreement_set_sha256",
    "corridor_lock_entries",
    "definition_credential",
    "party_slug",
    "verify_corridor",
]
