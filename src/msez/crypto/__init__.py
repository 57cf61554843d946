"""msez.crypto: Ed25519 and did:key, the Merkle Mountain Range, and the content-addressed artifact store."""

from msez.crypto import mmr
from msez.crypto._cas import (
    DEFAULT_RULES,
    ArtifactStore,
    DigestRule,
    FileArtifactStore,
    MemoryArtifactStore,
    artifact_type,
    json_digest,
    json_payload_digest,
)
from msez.crypto._ed25519 import Signature, SigningKey, VerifyingKey, b64url_decode, b64url_encode

__all__ = [
    "DEFAULT_RULES",
    "ArtifactStore",
    "DigestRule",
    "FileArtifactStore",
    "MemoryArtifactStore",
    "Signature",
    "SigningKey",
    "VerifyingKey",
    "artifact_type",
    "b64url_decode",
    "b64url_encode",
    "json_digest",
    "json_payload_digest",
    "mmr",
]
