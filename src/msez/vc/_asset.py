"""The smart-asset registry credential (reference-impl A 7, ``registry.rs``) and its ``asset_id`` binding.

``asset_id`` = SHA-256 of MCF(genesis without its informational ``asset_id``). The registry credential's subject
names the asset, its genesis artifact and the jurisdictions (harbors) it is bound to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from msez.core import ArtifactRef, ContentDigest, IntegrityError, Timestamp, ValidationError, digest_of
from msez.vc._model import Credential, new_credential

SMART_ASSET_REGISTRY_TYPE: Final = "MsezSmartAssetRegistryCredential"
_HEX64: Final = r"^[a-f0-9]{64}$"
_CLOSED = ConfigDict(frozen=True, extra="forbid")


class LawpackPin(BaseModel):
    model_config = _CLOSED

    jurisdiction_id: str = Field(min_length=1)
    domain: str = Field(min_length=1)
    lawpack_digest_sha256: str = Field(pattern=_HEX64)
    lawpack: ArtifactRef | None = None


class ComplianceProfile(BaseModel):
    model_config = _CLOSED

    allowed_transition_kinds: list[str] | None = None
    required_attestations: dict[str, list[str]] | None = None
    default_required_attestations: list[str] | None = None


class EnforcementProfile(BaseModel):
    model_config = _CLOSED

    intensity: str | None = None
    audit_frequency: str | None = None
    notes: str | None = None


class JurisdictionBinding(BaseModel):
    model_config = _CLOSED

    harbor_id: str = Field(min_length=1)
    binding_status: Literal["active", "suspended", "exited"]
    shard_role: str = "primary"
    lawpacks: list[LawpackPin] = []
    compliance_profile: ComplianceProfile = ComplianceProfile()
    enforcement_profile: EnforcementProfile | None = None
    effective_from: Timestamp | None = None
    effective_until: Timestamp | None = None
    notes: str | None = None


class SmartAssetRegistrySubject(BaseModel):
    """``credentialSubject`` of a ``MsezSmartAssetRegistryCredential``."""

    model_config = _CLOSED

    asset_id: str = Field(pattern=_HEX64)
    stack_spec_version: str = Field(min_length=1)
    asset_genesis: ArtifactRef
    asset_name: str | None = None
    asset_class: str | None = None
    jurisdiction_bindings: list[JurisdictionBinding] = []
    quorum_policy: dict[str, Any] | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def compute_asset_id(genesis: Mapping[str, Any]) -> ContentDigest:
    """SHA-256 of the canonical genesis document without its top-level ``asset_id``.

    Raises:
        CanonicalizationError: the genesis holds a float or another non-canonical value.
    """
    return digest_of({k: v for k, v in genesis.items() if k != "asset_id"})


def smart_asset_registry_credential(
    subject: SmartAssetRegistrySubject,
    *,
    issuer: str,
    issued_at: Timestamp | None = None,
    expires_at: Timestamp | None = None,
) -> Credential:
    """An unsigned registry credential, id ``urn:msez:vc:smart-asset-registry:<asset_id>``."""
    return new_credential(
        types=[SMART_ASSET_REGISTRY_TYPE],
        issuer=issuer,
        subject=subject.to_json(),
        issued_at=issued_at,
        expires_at=expires_at,
        credential_id=f"urn:msez:vc:smart-asset-registry:{subject.asset_id}",
    )


def verify_asset_id_binding(credential: Credential, genesis: Mapping[str, Any]) -> None:
    """Check that a registry credential names the asset that ``genesis`` creates.

    The subject's ``asset_id`` (and the genesis' own informational ``asset_id``, when present) must equal
    :func:`compute_asset_id`; ``asset_genesis.digest_sha256`` must be the digest of ``genesis`` as given or
    without its ``asset_id`` (the two coincide when it has none).

    Raises:
        ValidationError: not a smart-asset registry credential, or a malformed subject.
        IntegrityError: a digest does not match, naming expected and found.
    """
    if SMART_ASSET_REGISTRY_TYPE not in credential.types:
        raise ValidationError(f"not a {SMART_ASSET_REGISTRY_TYPE}: type is {list(credential.types)}")
    try:
        subject = SmartAssetRegistrySubject.model_validate(credential.subjects[0])
    except ValueError as e:
        raise ValidationError(f"invalid smart-asset registry subject: {e}") from None
    expected = compute_asset_id(genesis)
    if subject.asset_id != expected.hex:
        raise IntegrityError(f"asset_id binding: expected {expected.hex} from the genesis, found {subject.asset_id}")
    claimed = genesis.get("asset_id")
    if claimed is not None and claimed != expected.hex:
        raise IntegrityError(f"genesis asset_id {claimed!r} is not its own digest {expected.hex}")
    genesis_digest = subject.asset_genesis.digest_sha256
    if genesis_digest not in (expected, digest_of(genesis)):
        raise IntegrityError(f"asset_genesis digest {genesis_digest.hex} is not the digest of this genesis")
