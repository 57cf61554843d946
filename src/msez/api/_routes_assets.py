"""``/v1/assets``: smart assets (audit stream ``assets``).

Genesis builds the genesis document (``SmartAssetGenesis``: names, type, class, owner, identifiers, metadata,
the zone as creator and home harbor, the creation time) and names the asset by
``msez.vc.compute_asset_id`` of it. The zone admin issues the smart-asset registry credential (bound to the
zone's pinned lawpacks) and, when the evaluation passes, the compliance attestation credential; evaluations
with explanations are recorded on the asset. Entity operators create, read and evaluate their own assets.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import Field, StringConstraints

from msez.api._assess import Assessment, Assessor, asset_subject
from msez.api._auth import Caller, Role
from msez.api._compliance_wire import EvaluateIn, EvaluationOut, IssuedOut, issued_out
from msez.api._node import Context, Tx, WriteOp
from msez.api._wire import Ctx, In, Name, Out, Paging, Text255, WriteOut
from msez.core import ArtifactRef, Timestamp
from msez.store import assets, utcnow
from msez.vc import (
    ComplianceAttestationSubject,
    ComplianceProfile,
    JurisdictionBinding,
    SmartAssetRegistrySubject,
    compliance_attestation_credential,
    compute_asset_id,
    smart_asset_registry_credential,
    verify_asset_id_binding,
)
from msez.zone import STACK_SPEC_VERSION

router = APIRouter(prefix="/v1/assets", tags=["assets"])
STREAM = "assets"
AssetId = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 hex of the genesis document")]
IdentifierType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
IdentifierValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
JurisdictionText = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]


class GenesisIn(In):
    asset_type: Text255
    asset_name: Text255
    asset_class: Name | None = None
    description: Description | None = None
    owner_entity_id: uuid.UUID | None = None
    jurisdiction_id: JurisdictionText | None = Field(default=None, description="Default: the zone's jurisdiction")
    identifiers: dict[IdentifierType, IdentifierValue] = Field(
        default_factory=dict, max_length=10, description="Screened for sanctions, e.g. {'imo': 'IMO 9384297'}"
    )
    metadata: dict[str, Any] = Field(default_factory=dict, description="Canonical JSON: no floats")


class RegistryIn(In):
    compliance_profile: ComplianceProfile | None = None
    notes: Description | None = None


class AssetOut(WriteOut):
    id: str
    zone_id: str
    asset_type: str
    asset_name: str
    jurisdiction_id: str
    owner_entity_id: str | None
    status: str
    compliance_status: str
    last_evaluated_at: datetime | None
    last_evaluation: dict[str, Any]
    genesis: dict[str, Any]
    registry_credential_id: str | None
    created_at: datetime
    updated_at: datetime


class RegisteredOut(Out):
    asset: AssetOut
    credential: dict[str, Any]
    attestation_id: str


@router.post("/genesis", status_code=201, summary="Create a smart asset from a genesis document (orchestrated)")
def genesis(body: GenesisIn, ctx: Ctx) -> AssetOut:
    owner = str(body.owner_entity_id) if body.owner_entity_id else None
    if owner is None:
        ctx.caller.require(Role.ZONE_ADMIN)
    else:
        ctx.caller.require_entity(owner)
    document = _genesis(ctx, body, owner)
    asset_id = compute_asset_id(document).hex
    document["asset_id"] = asset_id
    jurisdiction = document["jurisdiction_id"]

    def work(tx: Tx) -> assets.SmartAsset:
        if owner is not None:
            tx.require_entity(owner)
        asset = assets.create_asset(
            tx.session,
            tx.zone_id,
            asset_id,
            asset_type=body.asset_type,
            asset_name=body.asset_name,
            jurisdiction_id=jurisdiction,
            owner_entity_id=owner,
            genesis=document,
        )
        tx.audit(STREAM, "asset.genesis", subject=asset_id, details={"asset_type": body.asset_type, "owner": owner})
        return asset

    request = {"asset_id": asset_id, "asset_name": body.asset_name, "identifiers": dict(body.identifiers)}
    return AssetOut.written(ctx.write(WriteOp("assets", "asset.genesis", owner, request), work))


@router.get("", summary="Smart assets, oldest first (an operator sees its own)")
def list_assets(
    ctx: Ctx, paging: Paging, owner_entity_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[AssetOut]:
    wanted = str(owner_entity_id) if owner_entity_id else None
    if ctx.caller.role is Role.ENTITY_OPERATOR:
        ctx.caller.require_read(wanted or ctx.caller.entity_id)
        wanted = ctx.caller.entity_id
    found = ctx.read(
        lambda s: assets.list_assets(s, ctx.zone_id, owner_entity_id=wanted, offset=paging.offset, limit=paging.limit)
    )
    return [AssetOut.of(a) for a in found]


@router.get("/{asset_id}", summary="A smart asset with its genesis and latest evaluation")
def get_asset(asset_id: AssetId, ctx: Ctx) -> AssetOut:
    asset = ctx.read(lambda s: assets.get_asset(s, ctx.zone_id, asset_id))
    ctx.caller.require_read(asset.owner_entity_id)
    return AssetOut.of(asset)


@router.post("/{asset_id}/credentials/registry", status_code=201, summary="Issue the registry credential (zone admin)")
def registry_credential(asset_id: AssetId, ctx: Ctx, body: RegistryIn | None = None) -> RegisteredOut:
    ctx.caller.require(Role.ZONE_ADMIN)
    request = body or RegistryIn()

    def work(tx: Tx) -> RegisteredOut:
        asset = assets.get_asset(tx.session, tx.zone_id, asset_id)
        credential = smart_asset_registry_credential(_registry_subject(ctx, asset, request), issuer=ctx.node.issuer.did)
        verify_asset_id_binding(credential, asset.genesis)
        issued = ctx.node.issuer.issue(tx, credential, entity_id=asset.owner_entity_id, asset_id=asset_id)
        registered = assets.mark_registered(tx.session, tx.zone_id, asset_id, issued.credential_id)
        tx.audit(STREAM, "asset.register", subject=asset_id, details={"credential_id": issued.credential_id})
        return RegisteredOut(
            asset=AssetOut.of(registered), credential=dict(issued.document), attestation_id=issued.attestation_id
        )

    return ctx.write(WriteOp("assets", "asset.register", None, {"asset_id": asset_id}), work).result


@router.post("/{asset_id}/compliance/evaluate", summary="Evaluate compliance, with an explanation per domain")
def evaluate(asset_id: AssetId, body: EvaluateIn, ctx: Ctx) -> EvaluationOut:
    def work(tx: Tx) -> EvaluationOut:
        asset = _writable(tx, ctx.caller, asset_id)
        assessment = _assess(tx, ctx.node.assessor, asset, body)
        _record(tx, asset_id, assessment)
        return EvaluationOut.of_assessment(assessment, asset_id)

    return ctx.write(WriteOp("assets", "asset.evaluate", None, {"asset_id": asset_id}), work).result


@router.post(
    "/{asset_id}/credentials/compliance",
    status_code=201,
    summary="Issue the compliance credential when the evaluation passes (zone admin)",
)
def compliance_credential(asset_id: AssetId, body: EvaluateIn, ctx: Ctx) -> IssuedOut:
    ctx.caller.require(Role.ZONE_ADMIN)

    def work(tx: Tx) -> IssuedOut:
        asset = assets.get_asset(tx.session, tx.zone_id, asset_id)
        assessment = _assess(tx, ctx.node.assessor, asset, body)
        assessment.require_passing(f"asset {asset_id}")
        _record(tx, asset_id, assessment)
        evaluation = assessment.evaluation
        subject = ComplianceAttestationSubject(
            asset_id=asset_id,
            entity_id=asset.owner_entity_id,
            jurisdiction_id=evaluation.jurisdiction_id,
            domain_states=assessment.domain_states(),
            tensor_commitment=evaluation.commitment().digest,
            evaluated_at=evaluation.evaluated_at,
            evaluation_aggregate=assessment.aggregate.value,
        )
        credential = compliance_attestation_credential(
            subject, issuer=ctx.node.issuer.did, issued_at=evaluation.evaluated_at
        )
        issued = ctx.node.issuer.issue(
            tx, credential, entity_id=asset.owner_entity_id, asset_id=asset_id, summary=assessment.minimised()
        )
        return issued_out(issued.document, issued.attestation_id, assessment, asset_id)

    return ctx.write(WriteOp("assets", "asset.compliance_credential", None, {"asset_id": asset_id}), work).result


def _genesis(ctx: Context, body: GenesisIn, owner: str | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": "SmartAssetGenesis",
        "stack_spec_version": STACK_SPEC_VERSION,
        "created_at": str(Timestamp(utcnow())),
        "asset_name": body.asset_name,
        "asset_type": body.asset_type,
        "creator": ctx.node.issuer.did,
        "home_harbor_id": ctx.zone_id,
        "jurisdiction_id": body.jurisdiction_id or ctx.node.settings.jurisdiction_id,
        "initial_metadata": body.metadata,
    }
    optional = {
        "asset_class": body.asset_class,
        "description": body.description,
        "owner_entity_id": owner,
        "identifiers": dict(body.identifiers) or None,
    }
    document.update({k: v for k, v in optional.items() if v is not None})
    return document


def _registry_subject(ctx: Context, asset: assets.SmartAsset, request: RegistryIn) -> SmartAssetRegistrySubject:
    binding = JurisdictionBinding(
        harbor_id=ctx.zone_id,
        binding_status="active",
        lawpacks=list(ctx.node.zone.lawpacks),
        compliance_profile=request.compliance_profile or ComplianceProfile(),
    )
    return SmartAssetRegistrySubject(
        asset_id=asset.id,
        stack_spec_version=str(asset.genesis.get("stack_spec_version", STACK_SPEC_VERSION)),
        asset_genesis=ArtifactRef(artifact_type="smart-asset-genesis", digest_sha256=compute_asset_id(asset.genesis)),
        asset_name=asset.asset_name,
        asset_class=asset.genesis.get("asset_class"),
        jurisdiction_bindings=[binding],
        notes=request.notes,
    )


def _writable(tx: Tx, caller: Caller, asset_id: str) -> assets.SmartAsset:
    asset = assets.get_asset(tx.session, tx.zone_id, asset_id)
    if asset.owner_entity_id is None:
        caller.require(Role.ZONE_ADMIN)
    else:
        caller.require_entity(asset.owner_entity_id)
    return asset


def _assess(tx: Tx, assessor: Assessor, asset: assets.SmartAsset, body: EvaluateIn) -> Assessment:
    identifiers: Mapping[str, str] = asset.genesis.get("identifiers") or {}
    subject, parties, recorded = asset_subject(
        tx.session,
        tx.zone_id,
        asset_id=asset.id,
        name=asset.asset_name,
        identifiers=identifiers,
        owner_id=asset.owner_entity_id,
        activity=body.activity,
    )
    cells = body.cells(tx.caller, tx.node.issuer.did)
    return assessor.assess(
        tx.session, subject, parties=parties, domains=body.domain_list(), cells=cells, recorded=recorded
    )


def _record(tx: Tx, asset_id: str, assessment: Assessment) -> None:
    summary = assessment.minimised()
    assets.record_evaluation(
        tx.session,
        tx.zone_id,
        asset_id,
        status=assessment.aggregate.value,
        summary=summary,
        at=assessment.evaluation.evaluated_at.datetime,
    )
    tx.audit(STREAM, "asset.evaluate", subject=asset_id, details={"aggregate": summary["aggregate"]})
