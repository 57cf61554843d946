"""Settlement anchors and proof bindings (spec §40.12): data objects tying a plan to corridor checkpoints.

* A **settlement anchor** (artifact type ``settlement-anchor``) links the obligation corridor's checkpoint (with
  an optional receipt root and sequence) to the settlement corridor's checkpoint, optionally names the settlement
  plan, and lists proof bindings and raw proofs as ArtifactRefs. Its digest can be attached to receipts on either
  corridor.
* A **proof binding** (artifact type ``proof-binding``) binds one evidence artifact (``proof_ref``, e.g. a pacs.002
  or an MT103 PDF stored as a blob) to ``commitments`` (checkpoint digests, receipt roots, settlement-anchor or
  plan digests) for one ``binding_purpose`` such as ``settlement.confirmation``, so the evidence cannot be replayed
  for another settlement.

Both digests exclude the top-level ``proof``, so either can be signed (``sign_artifact``) and co-signed without
changing the digest it is stored and referenced under. Checkpoints are referenced by digest here; verifying an
anchor against them is :func:`msez.settlement.check_anchor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import Field, StrictInt, field_validator

from msez.core import ArtifactRef, ContentDigest, MsezError, ValidationError, payload_digest
from msez.crypto import ArtifactStore
from msez.schema import validate
from msez.settlement._signing import ArtifactReport, check_signatures
from msez.settlement._wire import Wire
from msez.vc import KeyResolver

ANCHOR_ARTIFACT_TYPE = "settlement-anchor"
BINDING_ARTIFACT_TYPE = "proof-binding"


def _ref_of_type(value: Any, expected: str) -> ArtifactRef:
    try:
        return ArtifactRef.coerce(value, expected_type=expected)
    except ValidationError as e:
        raise ValueError(e.message) from None


class AnchorSide(Wire):
    """One corridor's side of a settlement anchor."""

    corridor_id: str = Field(min_length=1)
    checkpoint_ref: ArtifactRef
    receipt_root: ContentDigest | None = None
    receipt_sequence: StrictInt | None = Field(default=None, ge=0)

    @field_validator("checkpoint_ref", mode="before")
    @classmethod
    def _checkpoint(cls, value: Any) -> ArtifactRef:
        return _ref_of_type(value, "checkpoint")


class SettlementAnchor(Wire):
    """Links an obligation corridor checkpoint to the settlement corridor checkpoint that settles it."""

    type: Literal["MSEZCorridorSettlementAnchor"] = "MSEZCorridorSettlementAnchor"
    settlement_id: str = Field(min_length=1)
    relationship: str = Field(default="settles", pattern=r"^[a-z][a-z_]{0,63}$")
    created_at: str
    obligation: AnchorSide
    settlement: AnchorSide
    settlement_plan_ref: ArtifactRef | None = None
    proof_bindings: tuple[ArtifactRef, ...] = ()
    proofs: tuple[ArtifactRef, ...] = ()
    notes: str | None = None
    proof: Any = None

    @field_validator("settlement_plan_ref", mode="before")
    @classmethod
    def _plan(cls, value: Any) -> ArtifactRef | None:
        return None if value is None else _ref_of_type(value, "settlement-plan")

    @field_validator("proof_bindings", mode="before")
    @classmethod
    def _bindings(cls, value: Any) -> tuple[ArtifactRef, ...]:
        return tuple(_ref_of_type(v, "proof-binding") for v in value)

    def refs(self) -> list[ArtifactRef]:
        """Every artifact this anchor names (checkpoints, plan, proof bindings, proofs)."""
        named = [self.obligation.checkpoint_ref, self.settlement.checkpoint_ref]
        if self.settlement_plan_ref is not None:
            named.append(self.settlement_plan_ref)
        return [*named, *self.proof_bindings, *self.proofs]


class Commitment(Wire):
    """One thing a proof binding commits to: ``kind`` (e.g. ``checkpoint``, ``receipt-root``) and a digest."""

    kind: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    digest_sha256: ContentDigest


class ProofBinding(Wire):
    """Binds evidence (``proof_ref``) to commitments for one purpose, so it cannot be replayed elsewhere."""

    type: Literal["MSEZProofBinding"] = "MSEZProofBinding"
    binding_purpose: str = Field(min_length=1)
    proof_ref: ArtifactRef
    commitments: tuple[Commitment, ...] = Field(min_length=1)
    issued_at: str
    issuer: str | None = None
    notes: str | None = None
    proof: Any = None


def anchor_digest(anchor: SettlementAnchor) -> ContentDigest:
    """SHA-256 of the anchor's canonical bytes without ``proof``."""
    return payload_digest(anchor.to_json())


def binding_digest(binding: ProofBinding) -> ContentDigest:
    """SHA-256 of the binding's canonical bytes without ``proof``."""
    return payload_digest(binding.to_json())


def load_anchor(value: Any, *, source: str | None = None) -> SettlementAnchor:
    """Check ``value`` against ``corridor.settlement-anchor`` and load it.

    Raises:
        SchemaValidationError, ValidationError: not a settlement anchor.
    """
    validate(value, "corridor.settlement-anchor", file=source)
    return SettlementAnchor.load(value, source=source)


def load_binding(value: Any, *, source: str | None = None) -> ProofBinding:
    """Check ``value`` against ``proof-binding`` and load it.

    Raises:
        SchemaValidationError, ValidationError: not a proof binding.
    """
    validate(value, "proof-binding", file=source)
    return ProofBinding.load(value, source=source)


def check_anchor_refs(anchor: SettlementAnchor, store: ArtifactStore) -> tuple[str, ...]:
    """Resolve every artifact the anchor names in ``store`` (digests recomputed); report each that fails."""
    failures = []
    for ref in anchor.refs():
        try:
            store.resolve_ref(ref)
        except MsezError as e:
            failures.append(f"{ref.artifact_type}/{ref.digest_sha256.hex}: {e}")
    return tuple(failures)


def store_anchor(store: ArtifactStore, anchor: SettlementAnchor) -> ArtifactRef:
    """Put the anchor in the artifact store as type ``settlement-anchor`` (idempotent; digest = payload digest)."""
    return store.put_json(ANCHOR_ARTIFACT_TYPE, anchor.to_json())


def store_binding(store: ArtifactStore, binding: ProofBinding) -> ArtifactRef:
    """Put the binding in the artifact store as type ``proof-binding`` (idempotent; digest = payload digest)."""
    return store.put_json(BINDING_ARTIFACT_TYPE, binding.to_json())


def check_binding(
    binding: ProofBinding | Mapping[str, Any],
    *,
    purpose: str | None = None,
    store: ArtifactStore | None = None,
    required_signers: Iterable[str] = (),
    resolver: KeyResolver | None = None,
) -> ArtifactReport:
    """Check a proof binding on its own: the purpose it is bound for, that its evidence resolves in ``store``, and
    its proofs. Whether its commitments are verified is for the verifier of what it binds to
    (:func:`msez.settlement.check_anchor`).

    Raises:
        SchemaValidationError, ValidationError: not a proof binding.
    """
    document = binding.to_json() if isinstance(binding, ProofBinding) else dict(binding)
    model = binding if isinstance(binding, ProofBinding) else load_binding(document)
    failures = []
    if purpose is not None and model.binding_purpose != purpose:
        failures.append(f"the binding is for {model.binding_purpose!r}, not {purpose!r}")
    if store is not None:
        try:
            store.resolve_ref(model.proof_ref)
        except MsezError as e:
            failures.append(f"evidence {model.proof_ref.artifact_type}/{model.proof_ref.digest_sha256.hex}: {e}")
    signatures = check_signatures(document, required=required_signers, resolver=resolver)
    return ArtifactReport(payload_digest(document), tuple(failures), signatures)
