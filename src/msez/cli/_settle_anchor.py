"""``msez settle anchor-init|anchor-verify`` and ``msez settle proof-binding init|verify`` (spec 40.12).

An anchor names each corridor's checkpoint by payload digest (and a receipt by its ``next_root``), the plan it
settles, proof bindings and raw evidence. With ``--store`` everything it names is stored too, so ``anchor-verify
--store`` can resolve it all by digest.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._corridor_state_io import load_policy
from msez.cli._settle_io import (
    CreatedOpt,
    KeyOpt,
    SignerOpt,
    SignOpt,
    StoreOpt,
    SuiteOpt,
    json_bytes,
    load_object,
    print_signatures,
    say,
    signer_of,
    store_of,
    timestamp,
)
from msez.core import ArtifactRef, ContentDigest, ValidationError, payload_digest, sha256_bytes, write_atomic
from msez.crypto import ArtifactStore
from msez.settlement import (
    ANCHOR_ARTIFACT_TYPE,
    BINDING_ARTIFACT_TYPE,
    PLAN_ARTIFACT_TYPE,
    AnchorEvidence,
    AnchorSide,
    Commitment,
    ProofBinding,
    SettlementAnchor,
    check_anchor,
    check_binding,
    load_anchor,
    load_binding,
    sign_artifact,
    store_anchor,
    store_binding,
)

binding_app = typer.Typer(help="Proof bindings: evidence bound to commitments for one purpose.", no_args_is_help=True)

FileOpt = Annotated[Path | None, typer.Option(show_default=False)]
FilesOpt = Annotated[list[Path] | None, typer.Option(show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Default: <artifact-type>.<digest>.json.")]


def _side(checkpoint: Path, receipt: Path | None, corridor_id: str | None) -> tuple[AnchorSide, dict[str, Any]]:
    document = load_object(checkpoint)
    named: dict[str, Any] = {}
    if receipt is not None:
        value = load_object(receipt)
        named = {"receipt_root": value.get("next_root"), "receipt_sequence": value.get("sequence")}
    side = AnchorSide(
        corridor_id=corridor_id or document.get("corridor_id", ""),
        checkpoint_ref=ArtifactRef(artifact_type="checkpoint", digest_sha256=payload_digest(document)),
        **named,
    )
    return side, document


def _refs(kind: str, paths: list[Path] | None) -> tuple[tuple[ArtifactRef, ...], list[dict[str, Any]]]:
    documents = [load_object(p) for p in paths or []]
    return tuple(ArtifactRef(artifact_type=kind, digest_sha256=payload_digest(d)) for d in documents), documents


def _blobs(paths: list[Path] | None) -> list[tuple[ArtifactRef, bytes]]:
    out = []
    for path in paths or []:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ValidationError(f"{path}: cannot read: {e.strerror}") from None
        out.append((ArtifactRef(artifact_type="blob", digest_sha256=sha256_bytes(data)), data))
    return out


def _write(out: Path | None, kind: str, digest: ContentDigest, document: dict[str, Any]) -> None:
    target = out or Path(f"{kind}.{digest.hex}.json")
    write_atomic(target, json_bytes(document))
    say(f"{digest.hex}  {target}")


def anchor_init(
    *,
    obligation_checkpoint: Annotated[Path, typer.Option(help="The obligation corridor's checkpoint.")],
    settlement_checkpoint: Annotated[Path, typer.Option(help="The settlement corridor's checkpoint.")],
    obligation_receipt: FileOpt = None,
    settlement_receipt: FileOpt = None,
    obligation_corridor_id: Annotated[str | None, typer.Option(help="Default: the checkpoint's.")] = None,
    settlement_corridor_id: Annotated[str | None, typer.Option(help="Default: the checkpoint's.")] = None,
    plan: Annotated[Path | None, typer.Option(help="The settlement plan this anchor settles.")] = None,
    proof_binding: FilesOpt = None,
    proof: Annotated[list[Path] | None, typer.Option(help="Raw evidence, referenced as a blob (repeatable).")] = None,
    settlement_id: Annotated[str | None, typer.Option(help="Default: urn:uuid:<uuid4>.")] = None,
    relationship: Annotated[str, typer.Option(help="settles, netting_for, collateral_for, ...")] = "settles",
    notes: Annotated[str | None, typer.Option()] = None,
    created_at: CreatedOpt = None,
    out: OutOpt = None,
    store: StoreOpt = None,
    sign: SignOpt = False,
    key: KeyOpt = None,
    suite: SuiteOpt = "msez",
) -> None:
    """Write a settlement anchor linking both corridors' checkpoints (and receipts) to a plan; sign with --sign."""
    signer = signer_of(sign, key)
    obligation, obligation_doc = _side(obligation_checkpoint, obligation_receipt, obligation_corridor_id)
    settlement, settlement_doc = _side(settlement_checkpoint, settlement_receipt, settlement_corridor_id)
    plan_refs, plans = _refs(PLAN_ARTIFACT_TYPE, [plan] if plan else [])
    binding_refs, bindings = _refs(BINDING_ARTIFACT_TYPE, proof_binding)
    blobs = _blobs(proof)
    anchor = SettlementAnchor(
        settlement_id=settlement_id or f"urn:uuid:{uuid.uuid4()}",
        relationship=relationship,
        created_at=str(timestamp(created_at)),
        obligation=obligation,
        settlement=settlement,
        settlement_plan_ref=plan_refs[0] if plan_refs else None,
        proof_bindings=binding_refs,
        proofs=tuple(ref for ref, _ in blobs),
        notes=notes,
    )
    anchor = sign_artifact(anchor, signer, suite=suite) if signer else anchor
    digest = payload_digest(anchor.to_json())
    _write(out, ANCHOR_ARTIFACT_TYPE, digest, anchor.to_json())
    target = store_of(store)
    if target is not None:
        _store_all(target, [("checkpoint", obligation_doc), ("checkpoint", settlement_doc)], plans, bindings, blobs)
        ref = store_anchor(target, anchor)
        say(f"stored {ref.artifact_type}/{ref.digest_sha256.hex} and the artifacts it names")


def _store_all(
    store: ArtifactStore,
    checkpoints: list[tuple[str, dict[str, Any]]],
    plans: list[dict[str, Any]],
    bindings: list[dict[str, Any]],
    blobs: list[tuple[ArtifactRef, bytes]],
) -> None:
    for kind, document in [*checkpoints, *((PLAN_ARTIFACT_TYPE, p) for p in plans)]:
        store.put_json(kind, document)
    for binding in bindings:
        store.put_json(BINDING_ARTIFACT_TYPE, binding)
    for _, data in blobs:
        store.put_blob(data)


def _optional(path: Path | None) -> dict[str, Any] | None:
    return load_object(path) if path is not None else None


def anchor_verify(
    anchor: Annotated[Path, typer.Argument(help="A settlement anchor (JSON).", show_default=False)],
    *,
    obligation_policy: Annotated[Path, typer.Option(help="The obligation corridor's state-channel policy.")],
    settlement_policy: Annotated[Path, typer.Option(help="The settlement corridor's state-channel policy.")],
    store: StoreOpt = None,
    obligation_checkpoint: FileOpt = None,
    settlement_checkpoint: FileOpt = None,
    obligation_receipt: FileOpt = None,
    settlement_receipt: FileOpt = None,
    obligation_proof: Annotated[Path | None, typer.Option(help="Inclusion proof of the obligation receipt.")] = None,
    settlement_proof: Annotated[Path | None, typer.Option(help="Inclusion proof of the settlement receipt.")] = None,
    proof_binding: FilesOpt = None,
    plan: FileOpt = None,
    signer: SignerOpt = None,
) -> None:
    """Verify an anchor against both corridors: checkpoints (given, or from --store) under each policy, receipts and
    inclusion proofs, proof bindings, the plan and every proof; exit 1 on any failure."""
    document = load_object(anchor)
    load_anchor(document, source=str(anchor))
    report = check_anchor(
        document,
        obligation=AnchorEvidence(
            load_policy(obligation_policy),
            _optional(obligation_checkpoint),
            _optional(obligation_receipt),
            _optional(obligation_proof),
        ),
        settlement=AnchorEvidence(
            load_policy(settlement_policy),
            _optional(settlement_checkpoint),
            _optional(settlement_receipt),
            _optional(settlement_proof),
        ),
        store=store_of(store),
        proof_bindings=[load_object(p) for p in proof_binding or []],
        plan=_optional(plan),
        required_signers=signer or (),
    )
    print_signatures(report.signatures)
    for side, digest in report.checkpoints.items():
        say(f"CHECKPOINT OK {side} {digest.hex}")
    plan_failures = report.plan.all_failures() if report.plan is not None else ()
    for failure in (*report.failures, *(f"plan: {f}" for f in plan_failures)):
        say(f"FAIL {failure}")
    if not report.ok:
        raise typer.Exit(1)
    say(f"ANCHOR OK {report.digest.hex}")


def _commitment(text: str) -> Commitment:
    kind, sep, digest = text.partition(":")
    if not sep:
        raise typer.BadParameter(f"--commit wants KIND:DIGEST, got {text!r}")
    return Commitment(kind=kind, digest_sha256=ContentDigest.parse(digest))


@binding_app.command("init")
def binding_init(
    *,
    purpose: Annotated[str, typer.Option(help="binding_purpose, e.g. settlement.confirmation.", show_default=False)],
    evidence: Annotated[Path, typer.Option(help="The evidence file (referenced as a blob).", show_default=False)],
    commit: Annotated[list[str] | None, typer.Option(help="KIND:DIGEST committed to (repeatable).")] = None,
    checkpoint: Annotated[list[Path] | None, typer.Option(help="A checkpoint committed to (repeatable).")] = None,
    settlement_anchor: Annotated[list[Path] | None, typer.Option(help="An anchor committed to (repeatable).")] = None,
    issuer: Annotated[str | None, typer.Option(help="Issuer DID (default: the --key's).")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    issued_at: Annotated[str | None, typer.Option(help="RFC 3339; default now.")] = None,
    out: OutOpt = None,
    store: StoreOpt = None,
    sign: SignOpt = False,
    key: KeyOpt = None,
    suite: SuiteOpt = "msez",
) -> None:
    """Write a proof binding of evidence to commitments for one purpose; sign with --sign."""
    signer = signer_of(sign, key)
    ((evidence_ref, data),) = _blobs([evidence])
    commitments = [_commitment(c) for c in commit or []]
    commitments += [
        Commitment(kind="checkpoint", digest_sha256=payload_digest(load_object(p))) for p in checkpoint or []
    ]
    commitments += [
        Commitment(kind="settlement-anchor", digest_sha256=payload_digest(load_object(p)))
        for p in settlement_anchor or []
    ]
    binding = ProofBinding(
        binding_purpose=purpose,
        proof_ref=evidence_ref,
        commitments=tuple(commitments),
        issued_at=str(timestamp(issued_at)),
        issuer=issuer or (str(signer.did) if signer else None),
        notes=notes,
    )
    binding = sign_artifact(binding, signer, suite=suite) if signer else binding
    _write(out, BINDING_ARTIFACT_TYPE, payload_digest(binding.to_json()), binding.to_json())
    target = store_of(store)
    if target is not None:
        target.put_blob(data)
        ref = store_binding(target, binding)
        say(f"stored {ref.artifact_type}/{ref.digest_sha256.hex} and its evidence")


@binding_app.command("verify")
def binding_verify(
    binding: Annotated[Path, typer.Argument(help="A proof binding (JSON).", show_default=False)],
    *,
    purpose: Annotated[str | None, typer.Option(help="The purpose it must be bound for.")] = None,
    store: StoreOpt = None,
    signer: SignerOpt = None,
) -> None:
    """Check a proof binding: schema, purpose, evidence resolves (--store), every proof; exit 1 on any failure."""
    document = load_object(binding)
    load_binding(document, source=str(binding))
    report = check_binding(document, purpose=purpose, store=store_of(store), required_signers=signer or ())
    print_signatures(report.signatures)
    for failure in report.failures:
        say(f"FAIL {failure}")
    if not report.ok:
        raise typer.Exit(1)
    say(f"BINDING OK {report.digest.hex}")
