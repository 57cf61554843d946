"""``msez settle``: netting plans (signed), plan verification, pacs.008 generation, ISO 20022 parsing, corridor routing;
settlement anchors and proof bindings live in ``_settle_anchor``."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli import _settle_anchor
from msez.cli._output import write_bytes
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
from msez.core import ValidationError, load_document, write_atomic
from msez.settlement import (
    CorridorGraph,
    LegStatusUpdate,
    NettingMode,
    PartyAccount,
    SettlementLeg,
    SettlementPlan,
    build_pacs008,
    build_plan,
    check_plan,
    message_kind,
    net,
    pacs008_xml,
    parse_camt054,
    parse_pacs002,
    parse_pacs008,
    plan_digest,
    read_edges,
    read_limits,
    read_obligations,
    read_parties,
    sign_artifact,
    store_plan,
)

app = typer.Typer(
    help="Netting, signed settlement plans, anchors and proof bindings, ISO 20022 messages and corridor routing.",
    no_args_is_help=True,
)
app.command("anchor-init")(_settle_anchor.anchor_init)
app.command("anchor-verify")(_settle_anchor.anchor_verify)
app.add_typer(_settle_anchor.binding_app, name="proof-binding")

PlanArg = Annotated[Path, typer.Argument(help="A settlement plan (JSON).", show_default=False)]


@app.command("plan")
def plan(
    *,
    input_file: Annotated[Path, typer.Option("--input", help="Obligations (JSON/YAML).", show_default=False)],
    mode: Annotated[NettingMode, typer.Option(help="greedy (as the reference) or min-legs.")] = NettingMode.GREEDY,
    limits: Annotated[Path | None, typer.Option(help="Per-party liquidity limits (JSON/YAML).")] = None,
    out: Annotated[Path | None, typer.Option(help="Default: settlement-plan.<digest>.json.")] = None,
    store: StoreOpt = None,
    created_at: CreatedOpt = None,
    plan_id: Annotated[str | None, typer.Option(help="Default: urn:msez:settlement-plan:<uuid>.")] = None,
    issuer: Annotated[str | None, typer.Option(help="Issuer DID recorded in the plan (default: the --key's).")] = None,
    sign: SignOpt = False,
    key: KeyOpt = None,
    suite: SuiteOpt = "msez",
) -> None:
    """Net obligations into a settlement plan; --sign --key appends a proof (the digest does not change)."""
    signer = signer_of(sign, key)
    request = load_document(input_file)
    corridor_id = request.get("corridor_id") if isinstance(request, dict) else None
    result = net(
        read_obligations(request),
        mode=mode,
        limits=read_limits(load_document(limits)) if limits else (),
    )
    document = build_plan(
        result,
        plan_id=plan_id or f"urn:msez:settlement-plan:{uuid.uuid4()}",
        created_at=timestamp(created_at),
        issuer=issuer or (str(signer.did) if signer else None),
        corridor_id=corridor_id if isinstance(corridor_id, str) else None,
    )
    if signer is not None:
        document = sign_artifact(document, signer, suite=suite)
    digest = plan_digest(document)
    target = out or Path(f"settlement-plan.{digest.hex}.json")
    write_atomic(target, json_bytes(document.to_json()))
    say(f"{digest.hex}  {target}")
    say(
        f"{len(result.legs)} legs from {len(result.obligations)} obligations ({len(result.deferred)} deferred); "
        f"gross {result.gross_total}, net {result.net_total}, reduction {result.reduction_bps} bps"
    )
    if signer is not None:
        say(f"signed by {signer.verification_method} ({suite})")
    target_store = store_of(store)
    if target_store is not None:
        ref = store_plan(target_store, document)
        say(f"stored {ref.artifact_type}/{ref.digest_sha256.hex}")


def _load_plan(path: Path) -> SettlementPlan:
    return SettlementPlan.from_json(load_document(path), source=str(path))


@app.command("verify")
def verify(plan: PlanArg, *, signer: SignerOpt = None) -> None:
    """Check a plan (schema, balance per currency, positions, totals, limits) and every proof on it; exit 1 on any
    failure. Prints its digest."""
    document = load_object(plan)
    SettlementPlan.from_json(document, source=str(plan))
    report = check_plan(document, required_signers=signer or ())
    print_signatures(report.signatures)
    for failure in report.failures:
        say(f"FAIL {failure}")
    if not report.ok:
        raise typer.Exit(1)
    say(f"PLAN OK {report.digest.hex}")


def _accounts(
    plan: SettlementPlan, listed: dict[str, PartyAccount], debtor: str, creditor: str
) -> dict[str, PartyAccount]:
    payers = {leg.from_party for leg in plan.legs}
    accounts = dict(listed)
    for leg in plan.legs:
        for party in (leg.from_party, leg.to_party):
            if party not in accounts:
                agent = debtor if party in payers else creditor
                accounts[party] = PartyAccount(party, party, agent, account=party)
    return accounts


@app.command("pacs008")
def pacs008(
    plan: PlanArg,
    *,
    debtor_agent: Annotated[
        str, typer.Option(help="Instructing agent BIC; agent of unlisted payers.", show_default=False)
    ],
    out: Annotated[Path, typer.Option(help="Where to write the pacs.008 XML.", show_default=False)],
    creditor_agent: Annotated[str | None, typer.Option(help="Agent BIC of unlisted receivers.")] = None,
    parties: Annotated[Path | None, typer.Option(help="Party accounts (name, agent_bic, iban/account, lei).")] = None,
    created_at: Annotated[str | None, typer.Option(help="RFC 3339; default now.")] = None,
) -> None:
    """Write one pacs.008.001.10 message paying every leg of a verified plan."""
    document = _load_plan(plan)
    report = check_plan(document)
    if not report.ok:
        raise ValidationError(f"{plan}: plan does not verify: {report.all_failures()[0]}")
    listed = read_parties(load_document(parties)) if parties else {}
    accounts = _accounts(document, listed, debtor_agent, creditor_agent or debtor_agent)
    legs = [SettlementLeg(x.leg_id, x.from_party, x.to_party, x.currency, x.amount) for x in document.legs]
    message = build_pacs008(legs, accounts, instructing_agent=debtor_agent, created_at=timestamp(created_at))
    write_atomic(out, pacs008_xml(message))
    say(f"{message.message_id}  {len(legs)} transactions  {out}")


def _update_json(update: LegStatusUpdate) -> dict[str, Any]:
    fields = {k: getattr(update, k) for k in update.__slots__}
    return {k: str(v) for k, v in fields.items() if v is not None}


@app.command("parse")
def parse(file: Annotated[Path, typer.Argument(help="A pacs.008, pacs.002 or camt.054 XML file.")]) -> None:
    """Print what an ISO 20022 message says as JSON: legs (pacs.008) or leg status updates."""
    try:
        data = file.read_bytes()
    except OSError as e:
        raise ValidationError(f"{file}: cannot read: {e.strerror}") from None
    kind = message_kind(data)
    value: dict[str, Any] = {"message": kind}
    if kind == "pacs.008":
        message = parse_pacs008(data)
        value["message_id"] = message.message_id
        value["legs"] = [
            {**{k: getattr(t.leg, k) for k in t.leg.__slots__}, "end_to_end_id": t.end_to_end_id, "uetr": t.uetr}
            for t in message.transfers
        ]
    else:
        updates = parse_pacs002(data) if kind == "pacs.002" else parse_camt054(data)
        value["updates"] = [_update_json(u) for u in updates]
    write_bytes(json_bytes(value))


@app.command("route")
def route(
    edges: Annotated[Path, typer.Option(help="Corridor edges (JSON/YAML).", show_default=False)],
    source: Annotated[str, typer.Option("--from", help="Source jurisdiction.", show_default=False)],
    target: Annotated[str, typer.Option("--to", help="Target jurisdiction.", show_default=False)],
) -> None:
    """The cheapest corridor route by fee, with its settlement time."""
    found = CorridorGraph(read_edges(load_document(edges))).route(source, target)
    if found is None:
        say(f"no route from {source} to {target}")
        raise typer.Exit(1)
    for hop in found.hops:
        say(f"{hop.source} -> {hop.target}  {hop.corridor_id}  {hop.fee_bps} bps")
    say(f"{found.hop_count} hops, {found.total_fee_bps} bps, {found.total_settlement_time_secs} s")
