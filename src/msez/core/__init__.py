"""msez.core: canonical form, digests, compliance domains, identifiers, time, errors, data sovereignty.

The bottom layer. Everything that is hashed or signed anywhere in msez goes through :func:`canonical_bytes`.
"""

from msez.core._canonical import (
    CanonicalBytes,
    canonical_bytes,
    canonical_value,
    format_utc,
    normalize_timestamp,
)
from msez.core._digest import (
    ARTIFACT_TYPE_PATTERN,
    ArtifactRef,
    ContentDigest,
    TaggedHasher,
    coerce_digest,
    digest_of,
    is_sha256_hex,
    payload_bytes,
    payload_digest,
    sha256_bytes,
    sha256_digest,
)
from msez.core._domain import ComplianceDomain
from msez.core._errors import (
    CanonicalizationError,
    ConflictError,
    CryptoError,
    IntegrityError,
    MsezError,
    NotFoundError,
    PolicyError,
    SchemaValidationError,
    StateTransitionError,
    ValidationError,
    VerificationError,
)
from msez.core._files import write_atomic
from msez.core._ids import (
    AssetId,
    Cnic,
    CorridorId,
    Did,
    DisputeId,
    EntityId,
    JurisdictionId,
    MigrationId,
    Ntn,
    PassportNumber,
    WatcherId,
)
from msez.core._loading import load_document, load_json, load_yaml
from msez.core._sovereignty import (
    DataCategory,
    SovereigntyDecision,
    SovereigntyEnforcer,
    SovereigntyPolicy,
)
from msez.core._time import Timestamp, parse_date

__all__ = [
    "ARTIFACT_TYPE_PATTERN",
    "ArtifactRef",
    "AssetId",
    "CanonicalBytes",
    "CanonicalizationError",
    "Cnic",
    "ComplianceDomain",
    "ConflictError",
    "ContentDigest",
    "CorridorId",
    "CryptoError",
    "DataCategory",
    "Did",
    "DisputeId",
    "EntityId",
    "IntegrityError",
    "JurisdictionId",
    "MigrationId",
    "MsezError",
    "NotFoundError",
    "Ntn",
    "PassportNumber",
    "PolicyError",
    "SchemaValidationError",
    "SovereigntyDecision",
    "SovereigntyEnforcer",
    "SovereigntyPolicy",
    "StateTransitionError",
    "TaggedHasher",
    "Timestamp",
    "ValidationError",
    "VerificationError",
    "WatcherId",
    "canonical_bytes",
    "canonical_value",
    "coerce_digest",
    "digest_of",
    "format_utc",
    "is_sha256_hex",
    "load_document",
    "load_json",
    "load_yaml",
    "normalize_timestamp",
    "parse_date",
    "payload_bytes",
    "payload_digest",
    "sha256_bytes",
    "sha256_digest",
    "write_atomic",
]
