"""``/v1/regulator``: the regulator console (spec §71; reference-impl A §12.6 shapes over what the node stores).

Read-only (the attestation query is a POST that only reads, so regulators may send it), RBAC-gated (regulator or
zone admin), audited on every attempt by the node middleware, and data-minimised: attestations name entities,
assets and credentials by id and documents by digest; the summary and dashboard are counts, states, pinned
pack digests and audit stream sizes, never names or national identifiers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field, StringConstraints
from sqlalchemy.orm import Session

from msez.api._auth import Role
from msez.api._node import Context
from msez.api._wire import MAX_PAGE, Ctx, In, Out
from msez.store import assets, attestations, credentials, entities, licences, overview, utcnow

router = APIRouter(prefix="/v1/regulator", tags=["regulator"])
QUERY_PATH = "/v1/regulator/query/attestations"
AttestationType = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Jurisdiction = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Status = Literal["ACTIVE", "PENDING", "SUSPENDED", "REVOKED", "EXPIRED"]
RECENT = 50


class AttestationQueryIn(In):
    jurisdiction_id: Jurisdiction | None = None
    entity_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f-]{36}$")] | None = None
    asset_id: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None
    attestation_type: AttestationType | None = None
    status: Status | None = None
    issued_since: datetime | None = None
    issued_until: datetime | None = None
    limit: int = Field(default=100, ge=1, le=MAX_PAGE)
    offset: int = Field(default=0, ge=0, le=2**62)


class AttestationOut(Out):
    id: str
    attestation_type: str
    issuer: str
    status: str
    jurisdiction_id: str
    entity_id: str | None
    asset_id: str | None
    credential_id: str | None
    digest: str
    issued_at: datetime
    expires_at: datetime | None
    details: dict[str, Any]


class AttestationPage(Out):
    count: int
    total: int
    limit: int
    offset: int
    results: list[AttestationOut]


class SummaryOut(Out):
    zone_id: str
    jurisdiction_id: str
    generated_at: datetime
    total_entities: int
    entities_by_state: dict[str, int]
    total_assets: int
    assets_by_compliance: dict[str, int]
    total_attestations: int
    attested_entities: int
    total_credentials: int
    credentials_by_status: dict[str, int]
    total_licences: int
    licences_by_state: dict[str, int]


class DashboardOut(Out):
    zone: dict[str, Any]
    compliance: dict[str, Any]
    credentials: dict[str, Any]
    licences: dict[str, Any]
    activity: dict[str, Any]
    health: dict[str, Any]


@router.post("/query/attestations", summary="Query attestations (exact-match filters, newest first)")
def query_attestations(body: AttestationQueryIn, ctx: Ctx) -> AttestationPage:
    ctx.caller.require(Role.REGULATOR)
    wanted = attestations.AttestationFilter(
        jurisdiction_id=body.jurisdiction_id,
        entity_id=body.entity_id,
        asset_id=body.asset_id,
        attestation_type=body.attestation_type,
        status=body.status,
        since=body.issued_since,
        until=body.issued_until,
    )
    total, found = ctx.read(
        lambda s: attestations.query_attestations(s, ctx.zone_id, wanted, offset=body.offset, limit=body.limit)
    )
    results = [AttestationOut.of(a) for a in found]
    return AttestationPage(count=len(results), total=total, limit=body.limit, offset=body.offset, results=results)


@router.get("/summary", summary="Counts of the zone's registry")
def summary(ctx: Ctx) -> SummaryOut:
    ctx.caller.require(Role.REGULATOR)
    return ctx.read(lambda s: _summary(s, ctx.zone_id, ctx.node.settings.jurisdiction_id))


@router.get("/dashboard", summary="The zone at a glance: packs, compliance, credentials, activity, health")
def dashboard(ctx: Ctx) -> DashboardOut:
    ctx.caller.require(Role.REGULATOR)

    def work(session: Session) -> DashboardOut:
        totals = _summary(session, ctx.zone_id, ctx.node.settings.jurisdiction_id)
        recent = attestations.query_attestations(session, ctx.zone_id, attestations.AttestationFilter(), limit=RECENT)
        evaluated = assets.list_assets(session, ctx.zone_id, limit=100)
        streams = overview.audit_streams(session, ctx.zone_id)
        return _dashboard(ctx, totals, recent[1], evaluated, streams)

    return ctx.read(work)


def _summary(session: Session, zone_id: str, jurisdiction_id: str) -> SummaryOut:
    by_state = entities.count_by_state(session, zone_id)
    by_compliance = assets.count_by_compliance(session, zone_id)
    total, attested = attestations.totals(session, zone_id)
    by_status = credentials.count_by_status(session, zone_id)
    licence_states = licences.count_by_state(session, zone_id)
    return SummaryOut(
        zone_id=zone_id,
        jurisdiction_id=jurisdiction_id,
        generated_at=utcnow(),
        total_entities=sum(by_state.values()),
        entities_by_state=by_state,
        total_assets=sum(by_compliance.values()),
        assets_by_compliance=by_compliance,
        total_attestations=total,
        attested_entities=attested,
        total_credentials=sum(by_status.values()),
        credentials_by_status=by_status,
        total_licences=sum(licence_states.values()),
        licences_by_state=licence_states,
    )


def _dashboard(
    ctx: Context,
    totals: SummaryOut,
    recent: list[attestations.Attestation],
    evaluated: list[assets.SmartAsset],
    streams: dict[str, int],
) -> DashboardOut:
    by_compliance = totals.assets_by_compliance
    return DashboardOut(
        zone=_zone_section(ctx, totals),
        compliance={
            "assets": [_asset_row(a) for a in evaluated],
            "by_status": by_compliance,
            "fully_compliant_count": by_compliance.get("compliant", 0),
            "has_blocking_count": sum(n for s, n in by_compliance.items() if s in ("non_compliant", "pending")),
            "unevaluated_count": by_compliance.get(assets.UNEVALUATED, 0),
        },
        credentials={"total": totals.total_credentials, "by_status": totals.credentials_by_status},
        licences={"total": totals.total_licences, "by_state": totals.licences_by_state},
        activity={"audit_streams": _rolled(streams), "recent_attestations": [_recent_row(a) for a in recent]},
        health={
            "entities_suspended": totals.entities_by_state.get("Suspended", 0),
            "assets_with_blocking_compliance": by_compliance.get("non_compliant", 0),
            "credentials_revoked": totals.credentials_by_status.get("revoked", 0),
            "regulator_requests": streams.get("regulator", 0),
        },
    )


def _zone_section(ctx: Context, totals: SummaryOut) -> dict[str, Any]:
    zone, issuer = ctx.node.zone, ctx.node.issuer
    return {
        "zone_id": ctx.zone_id,
        "jurisdiction_id": zone.jurisdiction_id,
        "zone_name": ctx.node.settings.zone_name,
        "zone_did": issuer.did,
        "zone_public_key": issuer.signer.verifying_key.jwk(kid="key-1"),
        "snapshot_at": totals.generated_at.isoformat(),
        "applicable_domains": [d.value for d in zone.applicable_domains],
        "domain_count": len(zone.applicable_domains),
        "packs": [p.to_json() for p in zone.packs],
        "entity_count": totals.total_entities,
        "asset_count": totals.total_assets,
        "attestation_count": totals.total_attestations,
    }


def _asset_row(asset: assets.SmartAsset) -> dict[str, Any]:
    return {
        "asset_id": asset.id,
        "asset_type": asset.asset_type,
        "jurisdiction_id": asset.jurisdiction_id,
        "compliance_status": asset.compliance_status,
        "last_evaluated": asset.last_evaluated_at.isoformat() if asset.last_evaluated_at else None,
        "blocking_domains": list(asset.last_evaluation.get("blocking_domains", [])),
    }


def _recent_row(attestation: attestations.Attestation) -> dict[str, Any]:
    return {
        "attestation_type": attestation.attestation_type,
        "issued_at": attestation.issued_at.isoformat(),
        "status": attestation.status,
        "entity_id": attestation.entity_id,
        "asset_id": attestation.asset_id,
        "digest": attestation.digest,
    }


def _rolled(streams: dict[str, int]) -> dict[str, int]:
    """Stream sizes, per-record streams (``consent:<id>``) rolled up as ``consent:*``."""
    rolled: dict[str, int] = {}
    for stream, size in streams.items():
        name = stream.split(":", 1)[0] + (":*" if ":" in stream else "")
        rolled[name] = rolled.get(name, 0) + size
    return rolled
