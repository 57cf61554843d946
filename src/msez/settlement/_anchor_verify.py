"""Verifying a settlement anchor end to end: both corridors' checkpoints, the receipts it names, the plan.

:func:`check_anchor` reports every failure instead of stopping at the first (the CLI prints them all):

1. the ``corridor.settlement-anchor`` schema;
2. each side's checkpoint (supplied, or resolved from the artifact store by its ``checkpoint_ref``) verifies under
   that side's corridor policy, which must be the side's corridor;
3. each side's receipt, when supplied, is the one the anchor names (``receipt_root``, ``receipt_sequence``) and
   verifies under that side's policy (signers, thresholds), placed in the checkpoint by its inclusion proof, or as
   the checkpoint's head;
4. ``msez.corridor.verify_settlement_anchor``: checkpoint refs and corridors, receipt roots in the checkpoints'
   MMRs, and every listed proof binding (supplied or resolved from the store) committing only to verified
   digests; each binding's own proofs verify;
5. the settlement plan (supplied or resolved by ``settlement_plan_ref``) is the one named and passes every plan
   check and its proofs; with a store, every raw proof in ``proofs`` resolves;
6. the anchor's own proofs verify and each required signer has a valid one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from msez.core import ContentDigest, MsezError, ValidationError, load_json, payload_digest
from msez.corridor import (
    ReceiptChecker,
    StateChannelPolicy,
    VerifiedCheckpoint,
    verify_checkpoint,
    verify_inclusion,
    verify_settlement_anchor,
)
from msez.crypto import ArtifactStore
from msez.settlement._binding import BINDING_ARTIFACT_TYPE, SettlementAnchor, load_anchor
from msez.settlement._plan import PLAN_ARTIFACT_TYPE
from msez.settlement._signing import SignatureReport, check_signatures
from msez.settlement._verify import PlanReport, check_plan
from msez.vc import KeyResolver

SIDES = ("obligation", "settlement")
_T = TypeVar("_T")


@dataclass(frozen=True)
class AnchorEvidence:
    """What a verifier holds for one side of an anchor: the corridor's policy and, optionally, its checkpoint
    (else resolved from the store), the named receipt and that receipt's inclusion proof."""

    policy: StateChannelPolicy
    checkpoint: Mapping[str, Any] | None = None
    receipt: Mapping[str, Any] | None = None
    inclusion_proof: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class AnchorReport:
    """The anchor's digest, the verified checkpoints by side, every failure, its signatures and the plan's report."""

    digest: ContentDigest
    checkpoints: Mapping[str, ContentDigest]
    failures: tuple[str, ...]
    signatures: SignatureReport
    plan: PlanReport | None = None

    @property
    def ok(self) -> bool:
        return not self.failures and self.signatures.ok and (self.plan is None or self.plan.ok)

    def all_failures(self) -> tuple[str, ...]:
        plan = tuple(f"plan: {f}" for f in self.plan.all_failures()) if self.plan is not None else ()
        return (*self.failures, *plan, *self.signatures.failures())


def check_anchor(
    anchor: SettlementAnchor | Mapping[str, Any],
    *,
    obligation: AnchorEvidence,
    settlement: AnchorEvidence,
    store: ArtifactStore | None = None,
    proof_bindings: Iterable[Mapping[str, Any]] = (),
    plan: Mapping[str, Any] | None = None,
    required_signers: Iterable[str] = (),
    resolver: KeyResolver | None = None,
) -> AnchorReport:
    """Run steps 1-6 of the module docstring.

    Raises:
        SchemaValidationError, ValidationError: step 1 (not a settlement anchor at all).
    """
    document = anchor.to_json() if isinstance(anchor, SettlementAnchor) else dict(anchor)
    model = anchor if isinstance(anchor, SettlementAnchor) else load_anchor(document)  # (1)
    run = _Run(model, {"obligation": obligation, "settlement": settlement}, store, resolver)
    verified = {side: cp for side in SIDES if (cp := run.checkpoint(side)) is not None}  # (2)
    for side, checkpoint in verified.items():
        run.receipt(side, checkpoint)  # (3)
    if len(verified) == len(SIDES):
        run.bindings(document, verified, list(proof_bindings))  # (4)
    plan_report = run.plan(plan)  # (5)
    if store is not None:
        for ref in model.proofs:
            run.attempt(f"proof {ref.artifact_type}/{ref.digest_sha256.hex}", partial(store.resolve_ref, ref))
    return AnchorReport(
        digest=payload_digest(document),
        checkpoints={side: cp.digest for side, cp in verified.items()},
        failures=tuple(run.failures),
        signatures=check_signatures(document, required=required_signers, resolver=resolver),  # (6)
        plan=plan_report,
    )


class _Run:
    """One anchor check in progress: its inputs and the failures found so far."""

    def __init__(
        self,
        anchor: SettlementAnchor,
        evidence: Mapping[str, AnchorEvidence],
        store: ArtifactStore | None,
        resolver: KeyResolver | None,
    ) -> None:
        self.anchor, self.evidence, self.store, self.resolver = anchor, evidence, store, resolver
        self.failures: list[str] = []

    def attempt(self, what: str, step: Callable[[], _T]) -> _T | None:
        """Run ``step``; record a failure named ``what`` if it raises an msez error."""
        try:
            return step()
        except MsezError as e:
            self.failures.append(f"{what}: {e}")
            return None

    def resolve_json(self, kind: str, digest: ContentDigest) -> Any:
        if self.store is None:
            raise ValidationError(f"{kind} {digest.hex} was not supplied and there is no artifact store")
        return load_json(self.store.resolve(kind, digest))

    def checkpoint(self, side: str) -> VerifiedCheckpoint | None:
        named, evidence = getattr(self.anchor, side), self.evidence[side]

        def verify() -> VerifiedCheckpoint:
            if evidence.policy.corridor_id != named.corridor_id:
                raise ValidationError(
                    f"the policy is for {evidence.policy.corridor_id!r}, the anchor names {named.corridor_id!r}"
                )
            document = evidence.checkpoint
            if document is None:
                document = self.resolve_json("checkpoint", named.checkpoint_ref.digest_sha256)
            return verify_checkpoint(document, evidence.policy, resolver=self.resolver)

        return self.attempt(f"{side} checkpoint", verify)

    def receipt(self, side: str, checkpoint: VerifiedCheckpoint) -> None:
        named, evidence = getattr(self.anchor, side), self.evidence[side]
        if evidence.receipt is None:
            return
        receipt = evidence.receipt
        checker = ReceiptChecker(evidence.policy, resolver=self.resolver, enforce_thresholds=True)

        def verify() -> None:
            root = named.receipt_root.hex if named.receipt_root is not None else None
            if root is None or receipt.get("next_root") != root:
                raise ValidationError(f"its next_root is not the anchor's receipt_root {root}")
            if named.receipt_sequence is not None and receipt.get("sequence") != named.receipt_sequence:
                raise ValidationError(f"its sequence is not the anchor's receipt_sequence {named.receipt_sequence}")
            if evidence.inclusion_proof is not None:
                verify_inclusion(receipt, evidence.inclusion_proof, checkpoint, checker)
                return
            checked = checker.check(receipt)
            checker.check_thresholds(checked.sequence, checked.signers)
            if checked.next_root != checkpoint.head.final_state_root:
                raise ValidationError("it is not the checkpoint's head and no inclusion proof was supplied")

        self.attempt(f"{side} receipt", verify)

    def bindings(
        self,
        document: Mapping[str, Any],
        checkpoints: Mapping[str, VerifiedCheckpoint],
        supplied: list[Mapping[str, Any]],
    ) -> None:
        have = {payload_digest(b) for b in supplied}
        for ref in self.anchor.proof_bindings:
            if ref.digest_sha256 not in have:
                resolved = self.attempt(
                    f"proof binding {ref.digest_sha256.hex}",
                    partial(self.resolve_json, BINDING_ARTIFACT_TYPE, ref.digest_sha256),
                )
                supplied += [resolved] if resolved is not None else []
        proofs = {side: e.inclusion_proof for side, e in self.evidence.items() if e.inclusion_proof is not None}
        self.attempt(
            "anchor",
            lambda: verify_settlement_anchor(
                document,
                obligation=checkpoints["obligation"],
                settlement=checkpoints["settlement"],
                inclusion_proofs=proofs,
                proof_bindings=supplied,
                store=self.store,
            ),
        )
        for binding in supplied:
            failures = check_signatures(binding, resolver=self.resolver).failures()
            self.failures += [f"proof binding {payload_digest(binding).hex}: {f}" for f in failures]

    def plan(self, plan: Mapping[str, Any] | None) -> PlanReport | None:
        ref = self.anchor.settlement_plan_ref
        if ref is None:
            if plan is not None:
                self.failures.append("plan: a plan was supplied but the anchor names none")
            return None

        def check() -> PlanReport:
            document = plan if plan is not None else self.resolve_json(PLAN_ARTIFACT_TYPE, ref.digest_sha256)
            if payload_digest(document) != ref.digest_sha256:
                raise ValidationError(
                    f"its digest is {payload_digest(document).hex}, the anchor names {ref.digest_sha256.hex}"
                )
            return check_plan(document, resolver=self.resolver)

        return self.attempt("plan", check)
