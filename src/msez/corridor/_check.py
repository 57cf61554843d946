"""Per-receipt checks that need no chain state (spec 40.7-40.9): the stateless half of chain verification.

:meth:`ReceiptChecker.check` runs, in order, and raises :class:`ReceiptRejectedError` at the first failure:

1. shape: the closed ``corridor.receipt`` shape, at least one proof (40.7);
2. corridor: ``corridor_id`` is the policy's;
3. commitment: ``next_root`` recomputes (40.7 I-RECEIPT-COMMIT), reusing the signing payload's canonical bytes;
4. digest-set binding (40.7): ``lawpack_digest_set`` equals the pinned lawpacks; ``ruleset_digest_set`` lies
   within the corridor's rulesets and holds the state-transition ruleset when the policy names one;
5. transition (40.8, 40.9): the envelope checks (inline payload digest recomputed); a registry digest equals
   the pinned one; with a lock, the kind and its digests match the registry;
6. proofs: every proof verifies over the payload and every signer is an authorised receipt signer (40.2);
7. artifacts (``--require-artifacts``): every committed digest resolves in the artifact store.

Receipt-signing thresholds (40.4 rule 9) are a separate step, :meth:`ReceiptChecker.check_thresholds`, because
the fork-aware builder counts the signers of identical copies of a receipt together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from msez.core import ArtifactRef, CanonicalizationError, MsezError, ValidationError
from msez.corridor._channel import StateChannelPolicy, base_did
from msez.corridor._envelope import check_envelope, digest_field, envelope_artifacts
from msez.corridor._receipt import (
    check_receipt_shape,
    compute_next_root,
    next_root_from_payload,
    normalize_digest_set,
)
from msez.corridor._rejection import ReceiptRejectedError, RejectReason
from msez.corridor._transition_types import TransitionTypeLock
from msez.crypto import ArtifactStore
from msez.vc import ASSERTION, DEFAULT_SUITES, DidKeyResolver, KeyResolver, Payload, ProofError, SuiteRegistry

_ZK_TYPES = {"circuit_digest_sha256": "circuit", "verifier_key_digest_sha256": "proof-key", "proof_sha256": "blob"}


@dataclass(frozen=True, slots=True)
class CheckedReceipt:
    """A receipt that passed :meth:`ReceiptChecker.check`, with what linking and thresholds need."""

    receipt: Mapping[str, Any]
    sequence: int
    prev_root: str
    next_root: str
    timestamp: str
    signers: frozenset[str]
    lawpack_digest_set: tuple[str, ...]
    ruleset_digest_set: tuple[str, ...]


class ReceiptChecker:
    """Checks single receipts against a :class:`StateChannelPolicy` (see the module docstring)."""

    def __init__(
        self,
        policy: StateChannelPolicy,
        *,
        resolver: KeyResolver | None = None,
        suites: SuiteRegistry = DEFAULT_SUITES,
        enforce_thresholds: bool = False,
        store: ArtifactStore | None = None,
        transition_types: TransitionTypeLock | None = None,
    ) -> None:
        """Args:
        enforce_thresholds: apply the policy's receipt-signing thresholds (``--enforce-receipt-threshold``).
        store: resolve every committed digest here (``--require-artifacts``).
        transition_types: the pinned registry lock; kinds and digests of transitions are checked against it.
        """
        self.policy = policy
        self.enforce_thresholds = enforce_thresholds
        self._resolver = resolver or DidKeyResolver()
        self._suites = suites
        self._store = store
        self._types = transition_types
        self._lawpacks = sorted(d.hex for d in policy.lawpack_digest_set)
        self._rulesets = sorted(d.hex for d in policy.ruleset_digest_set)
        self._ruleset_pool = frozenset(self._rulesets)
        self._resolved: set[tuple[str, str]] = set()
        self._meets: set[frozenset[str]] = set()  # signer sets known to meet the thresholds

    def check(self, receipt: Any) -> CheckedReceipt:
        """Run steps 1-7.

        Raises:
            ReceiptRejectedError: the first failing step, with its reason and the receipt's sequence.
        """
        check_receipt_shape(receipt)  # (1)
        sequence: int = receipt["sequence"]
        if receipt["corridor_id"] != self.policy.corridor_id:  # (2)
            self._reject(
                RejectReason.WRONG_CORRIDOR,
                f"corridor_id {receipt['corridor_id']!r}, expected {self.policy.corridor_id!r}",
                sequence,
            )
        payload = Payload(receipt)
        self._check_commitment(receipt, payload, sequence)  # (3)
        lawpacks, rulesets = self._check_digest_sets(receipt, sequence)  # (4)
        self._check_transition(receipt, sequence)  # (5)
        signers = self._check_proofs(receipt, payload, sequence)  # (6)
        if self._store is not None:  # (7)
            self._check_artifacts(receipt, sequence)
        return CheckedReceipt(
            receipt,
            sequence,
            receipt["prev_root"],
            receipt["next_root"],
            receipt["timestamp"],
            signers,
            lawpacks,
            rulesets,
        )

    def check_thresholds(self, sequence: int, signers: frozenset[str]) -> None:
        """The receipt-signing thresholds, when enforced: per role, distinct valid signers >= required.

        Raises:
            ReceiptRejectedError: ``threshold-not-met`` naming each role that falls short.
        """
        if not self.enforce_thresholds or signers in self._meets:
            return
        short = []
        for threshold in self.policy.receipt_thresholds:
            have = sum(1 for did in signers if self.policy.role_of(did) == threshold.role)
            if have < threshold.required:
                short.append(f"{threshold.role} {have} of {threshold.required} required")
        if short:
            self._reject(RejectReason.THRESHOLD_NOT_MET, "; ".join(short), sequence)
        if len(self._meets) < 1024:
            self._meets.add(signers)

    @staticmethod
    def _reject(reason: RejectReason, detail: str, sequence: int) -> NoReturn:
        raise ReceiptRejectedError(reason, detail, sequence=sequence)

    def _check_commitment(self, receipt: Mapping[str, Any], payload: Payload, sequence: int) -> None:
        try:
            normal = receipt["lawpack_digest_set"] == self._lawpacks and receipt["ruleset_digest_set"] == self._rulesets
            computed = (
                next_root_from_payload(payload.bytes.data, receipt, sets_normal=normal)
                or compute_next_root(receipt).hex
            )
        except (CanonicalizationError, ValidationError) as e:
            raise ReceiptRejectedError(RejectReason.MALFORMED, e.message, sequence=sequence) from e
        if computed != receipt["next_root"]:
            self._reject(
                RejectReason.NEXT_ROOT_MISMATCH, f"next_root {receipt['next_root']}, recomputed {computed}", sequence
            )

    def _check_digest_sets(self, receipt: Mapping[str, Any], sequence: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        lawpacks, rulesets = receipt["lawpack_digest_set"], receipt["ruleset_digest_set"]
        try:
            if lawpacks != self._lawpacks:
                lawpacks = normalize_digest_set(lawpacks, artifact_type="lawpack")
            if rulesets != self._rulesets:
                rulesets = normalize_digest_set(rulesets, artifact_type="ruleset")
        except ValidationError as e:
            raise ReceiptRejectedError(RejectReason.MALFORMED, e.message, sequence=sequence) from e
        if lawpacks != self._lawpacks:
            self._reject(
                RejectReason.LAWPACK_SET, _set_difference(lawpacks, self._lawpacks, "pinned lawpacks"), sequence
            )
        if rulesets != self._rulesets:
            extra = sorted(set(rulesets) - self._ruleset_pool)
            if extra:
                self._reject(RejectReason.RULESET_SET, f"rulesets outside the corridor's: {', '.join(extra)}", sequence)
        required = self.policy.state_transition_ruleset_sha256
        if required is not None and required.hex not in rulesets:
            self._reject(RejectReason.RULESET_SET, f"the state-transition ruleset {required.hex} is missing", sequence)
        return tuple(lawpacks), tuple(rulesets)

    def _check_transition(self, receipt: Mapping[str, Any], sequence: int) -> None:
        try:
            pinned = self.policy.transition_type_registry_sha256
            named = receipt.get("transition_type_registry_digest_sha256")
            if named is not None:
                digest = digest_field(named, "transition-types")
                if pinned is not None and digest != pinned:
                    raise ValidationError(f"transition-type registry {digest.hex} is not the pinned {pinned.hex}")
            envelope = receipt.get("transition")
            if envelope is not None:
                check_envelope(envelope)
                if self._types is not None:
                    self._types.check_envelope(envelope)
                self._check_zk_circuit(receipt, envelope)
        except MsezError as e:
            raise ReceiptRejectedError(RejectReason.TRANSITION, e.message, sequence=sequence) from e

    @staticmethod
    def _check_zk_circuit(receipt: Mapping[str, Any], envelope: Mapping[str, Any]) -> None:
        zk = receipt.get("zk")
        if not (isinstance(zk, Mapping) and "circuit_digest_sha256" in zk and "zk_circuit_digest_sha256" in envelope):
            return
        if digest_field(zk["circuit_digest_sha256"], "circuit") != digest_field(
            envelope["zk_circuit_digest_sha256"], "circuit"
        ):
            raise ValidationError("transition zk_circuit_digest_sha256 differs from zk.circuit_digest_sha256")

    def _check_proofs(self, receipt: Mapping[str, Any], payload: Payload, sequence: int) -> frozenset[str]:
        proofs = receipt["proof"] if isinstance(receipt["proof"], list) else [receipt["proof"]]
        signers = set()
        for index, proof in enumerate(proofs):
            suite = self._suites.for_proof(proof)
            if suite is None:
                self._reject(
                    RejectReason.BAD_SIGNATURE, f"proof[{index}]: unsupported type {proof.get('type')!r}", sequence
                )
            try:
                suite.verify(payload, proof, self._resolver, purpose=ASSERTION)
            except ProofError as e:
                self._reject(RejectReason.BAD_SIGNATURE, f"proof[{index}] {e.reason.value}: {e.detail}", sequence)
            did = base_did(proof["verificationMethod"])
            if did not in self.policy.authorized_receipt_signers:
                self._reject(
                    RejectReason.UNAUTHORISED_SIGNER,
                    f"proof[{index}] signer {did} is not authorised to sign receipts (corridor_receipt)",
                    sequence,
                )
            signers.add(did)
        return frozenset(signers)

    def _check_artifacts(self, receipt: Mapping[str, Any], sequence: int) -> None:
        for kind, digest in _committed(receipt):
            if (kind, digest) in self._resolved:
                continue
            try:
                self._store.resolve(kind, digest)  # type: ignore[union-attr]
            except MsezError as e:
                self._reject(RejectReason.MISSING_ARTIFACT, f"{kind}/{digest}: {e.message}", sequence)
            self._resolved.add((kind, digest))


def _committed(receipt: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every (artifact type, digest) the receipt commits to (spec 40.9 ``--require-artifacts``)."""
    for field, kind in (("lawpack_digest_set", "lawpack"), ("ruleset_digest_set", "ruleset")):
        for digest in normalize_digest_set(receipt[field], artifact_type=kind):
            yield kind, digest
    if "transition_type_registry_digest_sha256" in receipt:
        yield (
            "transition-types",
            digest_field(receipt["transition_type_registry_digest_sha256"], "transition-types").hex,
        )
    envelope = receipt.get("transition")
    refs: list[ArtifactRef] = envelope_artifacts(envelope) if isinstance(envelope, Mapping) else []
    zk = receipt.get("zk")
    for field, kind in _ZK_TYPES.items():
        if isinstance(zk, Mapping) and field in zk:
            refs.append(ArtifactRef.coerce(zk[field], expected_type=kind))
    for ref in refs:
        yield ref.artifact_type, ref.digest_sha256.hex


def _set_difference(got: list[str], expected: list[str], what: str) -> str:
    extra, missing = sorted(set(got) - set(expected)), sorted(set(expected) - set(got))
    parts = ([f"not pinned: {', '.join(extra)}"] if extra else []) + (
        [f"missing: {', '.join(missing)}"] if missing else []
    )
    return f"must equal the {what}; " + "; ".join(parts)
