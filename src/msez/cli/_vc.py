"""``msez vc``: key generation, signing, verification, payload hashes and Bitstring Status Lists.

Documents are written as indented JSON through a temp file in the same directory. Private keys are written with
mode 0600 and never printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, cast

import typer

from msez.cli._output import err, stdout, write_bytes, write_json
from msez.core import ConflictError, Timestamp, ValidationError, load_document, payload_digest
from msez.crypto import SigningKey
from msez.vc import (
    DEFAULT_KID,
    DEFAULT_SUITES,
    Credential,
    DidDocumentRegistry,
    DidResolver,
    Signer,
    StatusListRegistry,
    StatusPurpose,
    VerificationReport,
    add_proof,
    issuer_without_proof,
    load_signer,
    set_status,
    sign_credential,
    status_list_credential,
    verify_credential,
    write_private_jwk,
    write_public_jwk,
)

app = typer.Typer(help="Verifiable credentials: keys, signing, verification, status lists.", no_args_is_help=True)
status_app = typer.Typer(help="W3C Bitstring Status Lists: create a list, set or clear an entry.", no_args_is_help=True)
app.add_typer(status_app, name="status-list")

FileArg = Annotated[Path, typer.Argument(help="A JSON (or YAML) document.", show_default=False)]
KeyOpt = Annotated[Path, typer.Option("--key", help="Key file: private OKP JWK or {private_jwk, verificationMethod}.")]
SuiteOpt = Annotated[str, typer.Option("--suite", help=f"Proof suite: {', '.join(DEFAULT_SUITES.names)}.")]
OptionalKey = Annotated[Path | None, typer.Option("--key", help="Sign the result with this key file.")]


@app.command("keygen")
def keygen(
    *,
    out: Annotated[Path, typer.Option("--out", help="Private key file to write (mode 0600).")],
    public_out: Annotated[Path | None, typer.Option("--public-out", help="Also write the public JWK.")] = None,
    kid: Annotated[str, typer.Option("--kid", help="Key id; the method is <did:key>#<kid>.")] = DEFAULT_KID,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Generate an Ed25519 key as a private OKP JWK (the key itself is never printed)."""
    for path in (out, public_out):
        if path is not None and path.exists() and not force:
            raise ConflictError(f"{path} exists; use --force to overwrite")
    key = SigningKey.generate()
    write_private_jwk(out, key, kid=kid, overwrite=force)
    if public_out is not None:
        write_public_jwk(public_out, key.verifying_key, kid=kid, overwrite=force)
    _say(f"wrote {out} (mode 0600)" + (f" and {public_out}" if public_out else ""))
    _say(f"verificationMethod: {Signer.from_key(key, kid=kid).verification_method}")


@app.command("sign")
def sign(
    file: FileArg,
    *,
    key: KeyOpt,
    suite: SuiteOpt = "msez",
    out: Annotated[Path | None, typer.Option("--out", help="Output file (default <name>.signed.json).")] = None,
    verification_method: Annotated[
        str | None, typer.Option("--verification-method", help="DID URL to name in the proof.")
    ] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="proofPurpose.")] = "assertionMethod",
) -> None:
    """Append a proof over the document's payload (everything but `proof`); the payload is not changed."""
    document = _load_object(file)
    signer = load_signer(key)
    if verification_method is not None:
        signer = Signer(signer.key, verification_method)
    signed = add_proof(document, signer, suite=suite, purpose=purpose)
    target = out or file.with_name(file.name.removesuffix(".json") + ".signed.json")
    write_json(target, signed)
    count = len(signed["proof"]) if isinstance(signed["proof"], list) else 1
    _say(f"signed {target}: proof {count} by {signer.verification_method}")
    issuer = issuer_without_proof(signed)
    if issuer is not None:
        err(f"note: {issuer} (the issuer) has not signed; verifiers report issuer-not-a-signer until it does")


@app.command("verify")
def verify(
    file: FileArg,
    *,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    at: Annotated[str | None, typer.Option("--at", help="Judge validity dates at this RFC 3339 time.")] = None,
    status_list: Annotated[
        list[Path] | None, typer.Option("--status-list", help="A status list credential (repeatable).")
    ] = None,
    did_document: Annotated[
        list[Path] | None, typer.Option("--did-document", help="A DID document for non-did:key keys (repeatable).")
    ] = None,
) -> None:
    """Verify every proof, the validity dates and the status of a credential; exit 1 if anything fails."""
    document = _load_object(file)
    documents = DidDocumentRegistry(_load_object(p) for p in did_document or [])
    lists = StatusListRegistry(tuple(_load_object(p) for p in status_list or []))
    now = Timestamp.parse(at) if at is not None else None
    report = verify_credential(document, resolver=DidResolver(documents), status_source=lists, now=now)
    if as_json:
        write_bytes(json.dumps(report.to_json(), indent=2, ensure_ascii=False).encode("utf-8") + b"\n")
    else:
        _print_report(report)
    if not report.ok:
        raise typer.Exit(1)


@app.command("payload-hash")
def payload_hash(file: FileArg) -> None:
    """Print the SHA-256 of the canonical payload (the document without `proof`)."""
    _say(payload_digest(_load_object(file)).hex)


@status_app.command("create")
def status_create(
    *,
    out: Annotated[Path, typer.Option("--out", help="Status list credential file to write.")],
    list_id: Annotated[str, typer.Option("--id", help="The list's URL; credentials name it in credentialStatus.")],
    issuer: Annotated[str | None, typer.Option("--issuer", help="Issuer DID (default: the --key's DID).")] = None,
    purpose: Annotated[str, typer.Option("--purpose", help="revocation or suspension.")] = "revocation",
    size: Annotated[int, typer.Option("--size", help="Entries (bits), >= 131072, multiple of 8.")] = 131_072,
    key: OptionalKey = None,
    suite: SuiteOpt = "msez",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Create a status list credential with every entry clear."""
    if out.exists() and not force:
        raise ConflictError(f"{out} exists; use --force to overwrite")
    signer = load_signer(key) if key is not None else None
    issuer = issuer or (str(signer.did) if signer is not None else None)
    if issuer is None:
        raise typer.BadParameter("give --issuer or --key")
    credential = status_list_credential(list_id=list_id, issuer=issuer, purpose=_purpose(purpose), size=size)
    write_json(out, _maybe_sign(credential, signer, suite).to_json())
    _say(f"wrote {out}: {purpose} list {list_id} with {size} entries" + ("" if signer else " (unsigned)"))


@status_app.command("set")
def status_set(file: FileArg, index: int, key: OptionalKey = None, suite: SuiteOpt = "msez") -> None:
    """Set entry INDEX (revoke or suspend). Drops the old proofs; re-signs with --key."""
    _update_status(file, index, True, key, suite)


@status_app.command("clear")
def status_clear(file: FileArg, index: int, key: OptionalKey = None, suite: SuiteOpt = "msez") -> None:
    """Clear entry INDEX (reinstate). Drops the old proofs; re-signs with --key."""
    _update_status(file, index, False, key, suite)


def _update_status(file: Path, index: int, value: bool, key: Path | None, suite: str) -> None:
    signer = load_signer(key) if key is not None else None
    updated = _maybe_sign(set_status(Credential.from_json(_load_object(file)), index, value), signer, suite)
    write_json(file, updated.to_json())
    state = "set" if value else "cleared"
    _say(f"{state} entry {index} in {file}" + ("" if signer else " (unsigned: sign it before publishing)"))


def _maybe_sign(credential: Credential, signer: Signer | None, suite: str) -> Credential:
    return credential if signer is None else sign_credential(credential, signer, suite=suite)


def _purpose(text: str) -> StatusPurpose:
    if text not in ("revocation", "suspension"):
        raise typer.BadParameter(f"--purpose must be revocation or suspension, got {text!r}")
    return cast(StatusPurpose, text)


def _print_report(report: VerificationReport) -> None:
    for p in report.proofs:
        head = f"{'OK  ' if p.ok else 'FAIL'} proof[{p.index}] {p.proof_type or '?'} {p.verification_method or '?'}"
        _say(head if p.ok else f"{head}: {p.reason}: {p.detail}")
    for f in report.findings:
        _say(f"FAIL credential: {f.reason}: {f.detail}")
    valid = sum(p.ok for p in report.proofs)
    if report.ok:
        _say(f"verified ({valid}/{len(report.proofs)} proofs)")
    else:
        err(f"NOT verified: {', '.join(report.reasons)} ({valid}/{len(report.proofs)} proofs valid)")


def _say(text: str) -> None:
    """One result line on stdout, verbatim (DIDs contain ``:key:``, which rich would turn into an emoji)."""
    stdout.print(text, markup=False, emoji=False, highlight=False)


def _load_object(path: Path) -> dict[str, Any]:
    value = load_document(path)
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a JSON object at the top level, got {type(value).__name__}")
    return value
