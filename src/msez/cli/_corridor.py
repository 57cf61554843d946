"""``msez corridor``: verify a corridor module (ruleset msez.corridor.verification.v1), its activation status, and
the definition and agreement VC generators.

Exit codes: 0 verified (or written), 1 checked and found failing, 2 operational error (no module, bad input).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._output import err, stdout, write_bytes, write_json
from msez.core import ArtifactRef, ConflictError, MsezError, Timestamp, ValidationError, load_document
from msez.corridor import (
    CorridorModule,
    CorridorReport,
    PinnedLawpack,
    Threshold,
    agreement_credential,
    definition_credential,
    party_slug,
    verify_corridor,
)
from msez.crypto import FileArtifactStore
from msez.vc import Signer, add_proof, load_signer

corridor_app = typer.Typer(
    help="Corridors: verify bindings, proofs and activation; generate definition and agreement VCs.",
    no_args_is_help=True,
)

PathArg = Annotated[Path, typer.Argument(help="A corridor module directory or its corridor.yaml.", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Judge validity dates at this RFC 3339 time.")]
StoreOpt = Annotated[
    list[Path] | None, typer.Option("--store-root", help="Artifact store root for parent registry digests.")
]
KeyOpt = Annotated[Path | None, typer.Option("--key", help="Sign the result with this key file.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Output file (default: in the module directory).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]
IdOpt = Annotated[str | None, typer.Option("--id", help="Credential id (default urn:msez:vc:corridor-<kind>:<id>).")]
PinOpt = Annotated[list[str] | None, typer.Option(help="<jurisdiction>:<domain>:<sha256> (repeatable).")]


def _report(path: Path, at: str | None, store_root: list[Path] | None) -> CorridorReport:
    store = FileArtifactStore(store_root) if store_root else None
    module = CorridorModule.load(path, store=store)
    return verify_corridor(module, now=Timestamp.parse(at) if at else None)


@corridor_app.command("verify")
def verify(path: PathArg, *, as_json: JsonOpt = False, at: AtOpt = None, store_root: StoreOpt = None) -> None:
    """Verify a corridor: schemas, definition bindings and proofs, signers, agreements, activation."""
    report = _report(path, at, store_root)
    if as_json:
        _json(report.to_json())
    else:
        for check in report.checks:
            _say(str(check))
        _say(f"corridor {report.corridor_id}: {_activation_line(report)}")
    if not report.ok:
        err(f"FAILED: {len(report.failures)} check(s) failed")
        raise typer.Exit(1)
    if not as_json:
        _say("VERIFIED")


@corridor_app.command("status")
def status(path: PathArg, *, as_json: JsonOpt = False, at: AtOpt = None, store_root: StoreOpt = None) -> None:
    """Activation status: per-role counts, blockers, digests; exit 1 unless the corridor verifies."""
    report = _report(path, at, store_root)
    if as_json:
        _json(_status_json(report))
    else:
        _print_status(report)
    if not report.ok:
        raise typer.Exit(1)


def _status_json(report: CorridorReport) -> dict[str, Any]:
    full = report.to_json()
    keep = ("corridor_id", "ok", "definition_payload_sha256", "agreement_set_sha256", "activation")
    return {**{k: full[k] for k in keep}, "definition_ok": report.definition.ok}


def _print_status(report: CorridorReport) -> None:
    digest = report.definition_payload_sha256
    _say(f"corridor {report.corridor_id}")
    _say(f"definition: {'ok' if report.definition.ok else 'FAILED'} (payload sha256 {digest.hex if digest else '?'})")
    if report.activation is None:
        _say("agreements: none configured")
    else:
        set_digest = report.agreement_set_sha256
        _say(f"agreement set sha256: {set_digest.hex if set_digest else '?'}")
        _say(f"activation: {report.activation.state}")
        for role in report.activation.roles:
            _say(f"  {role.role}: {role.tally} [{', '.join(role.parties)}]")
        for blocker in report.activation.blockers:
            _say(f"  blocker: {blocker}")
    for check in report.failures:
        _say(str(check))


def _activation_line(report: CorridorReport) -> str:
    if report.activation is None:
        return "no agreements configured"
    counts = ", ".join(str(r) for r in report.activation.roles)
    blockers = f"; blockers {', '.join(report.blockers)}" if report.blockers else ""
    return f"{report.activation.state} ({counts}){blockers}"


@corridor_app.command("vc-init-definition")
def vc_init_definition(
    path: PathArg,
    *,
    issuer: Annotated[str | None, typer.Option(help="Issuer DID (default: the --key's DID).")] = None,
    credential_id: IdOpt = None,
    ruleset: Annotated[str | None, typer.Option(help="Default: corridor.yaml's verification_ruleset.")] = None,
    require_domain: Annotated[list[str] | None, typer.Option(help="Lawpack domain every agreement must pin.")] = None,
    allow_lawpack: PinOpt = None,
    version: Annotated[str | None, typer.Option(help="credentialSubject.version.")] = None,
    maintainer: Annotated[str | None, typer.Option(help="credentialSubject.maintainer.")] = None,
    out: OutOpt = None,
    key: KeyOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write a Corridor Definition VC binding the module's files (unsigned unless --key)."""
    module = CorridorModule.load(path)
    signer = load_signer(key) if key is not None else None
    document = definition_credential(
        module,
        issuer=_issuer(issuer, signer),
        credential_id=credential_id,
        ruleset=ruleset,
        required_domains=require_domain or (),
        allowed_lawpacks=[_parse_pin(p) for p in allow_lawpack or []],
        version=version,
        maintainer=maintainer,
    )
    default = _module_dir(path) / ("corridor.vc.json" if signer else "corridor.vc.unsigned.json")
    _emit(document, out or default, signer, force)


@corridor_app.command("vc-init-agreement")
def vc_init_agreement(
    path: PathArg,
    *,
    issuer: Annotated[str | None, typer.Option(help="Issuer DID (default: --party, else the --key's DID).")] = None,
    party: Annotated[str | None, typer.Option(help="Make it party-specific for this participant DID.")] = None,
    role: Annotated[str | None, typer.Option(help="The party's role (default: its trust anchor's role).")] = None,
    commitment: Annotated[str, typer.Option(help="The party's commitment (agree, suspend, withdraw, ...).")] = "agree",
    accept_commitments: Annotated[str, typer.Option(help="Comma list of affirmative commitments.")] = "agree",
    threshold: Annotated[
        list[str] | None, typer.Option(help="<role>:<required>[/<of>] (repeatable; default unanimity per role).")
    ] = None,
    terms_ref: Annotated[str | None, typer.Option(help="terms.reference (default urn:msez:terms:<id>).")] = None,
    effective_from: Annotated[
        str | None, typer.Option(help="RFC 3339 effectiveFrom (default: the definition's issuanceDate).")
    ] = None,
    from_zone_lock: Annotated[Path | None, typer.Option(help="Pin the lawpacks of this stack.lock.")] = None,
    pinned_lawpack: PinOpt = None,
    credential_id: IdOpt = None,
    version: Annotated[str | None, typer.Option(help="credentialSubject.version.")] = None,
    maintainer: Annotated[str | None, typer.Option(help="credentialSubject.maintainer.")] = None,
    out: OutOpt = None,
    key: KeyOpt = None,
    force: ForceOpt = False,
) -> None:
    """Write a Corridor Agreement VC for the module's definition (unsigned unless --key)."""
    module = CorridorModule.load(path)
    signer = load_signer(key) if key is not None else None
    pins = [_parse_pin(p) for p in pinned_lawpack or []]
    if from_zone_lock is not None:
        pins = _lock_pins(from_zone_lock) + pins
    document = agreement_credential(
        module,
        issuer=issuer or party or (str(signer.did) if signer else None),
        party=party,
        role=role,
        commitment=commitment,
        accept_commitments=[c.strip() for c in accept_commitments.split(",") if c.strip()],
        thresholds=[_parse_threshold(t) for t in threshold or []],
        terms_ref=terms_ref,
        effective_from=Timestamp.parse(effective_from) if effective_from else None,
        pinned_lawpacks=pins,
        credential_id=credential_id,
        version=version,
        maintainer=maintainer,
    )
    name = "corridor.agreement" + (f".{party_slug(party)}" if party else "")
    default = _module_dir(path) / f"{name}.{'vc' if signer else 'unsigned'}.json"
    _emit(document, out or default, signer, force)


def _emit(document: dict[str, Any], target: Path, signer: Signer | None, force: bool) -> None:
    if target.exists() and not force:
        raise ConflictError(f"{target} exists; use --force to overwrite")
    if signer is not None:
        document = add_proof(document, signer)
    write_json(target, document)
    _say(f"wrote {target}" + ("" if signer else " (unsigned: sign it with msez vc sign)"))


def _issuer(issuer: str | None, signer: Signer | None) -> str:
    if issuer is not None:
        return issuer
    if signer is None:
        raise typer.BadParameter("give --issuer or --key")
    return str(signer.did)


def _module_dir(path: Path) -> Path:
    return path.parent if path.is_file() else path


def _parse_pin(text: str) -> PinnedLawpack:
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not all(parts):
        raise ValidationError(f"expected <jurisdiction>:<domain>:<sha256>, got {text!r}")
    return PinnedLawpack(parts[0], parts[1], ArtifactRef.coerce(parts[2], expected_type="lawpack").digest_sha256)


def _parse_threshold(text: str) -> Threshold:
    match = re.fullmatch(r"(.+):([0-9]+)(?:/([0-9]+))?", text)
    if match is None:
        raise ValidationError(f"expected <role>:<required>[/<of>], got {text!r}")
    role, required, of = match.groups()
    return Threshold(role, int(required), int(of) if of else None)


def _lock_pins(path: Path) -> list[PinnedLawpack]:
    lock = load_document(path)
    pins = []
    for entry in lock.get("lawpacks", []) if isinstance(lock, dict) else []:
        try:
            digest = ArtifactRef.coerce(entry["lawpack_digest_sha256"], expected_type="lawpack").digest_sha256
            pins.append(PinnedLawpack(str(entry["jurisdiction_id"]), str(entry["domain"]), digest))
        except (MsezError, KeyError, TypeError):
            continue  # a MISSING (or malformed) lawpack entry pins nothing
    return pins


def _json(value: Any) -> None:
    write_bytes(json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8") + b"\n")


def _say(text: str) -> None:
    stdout.print(text, markup=False, emoji=False, highlight=False)
