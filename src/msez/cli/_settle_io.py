"""Shared pieces of ``msez settle``: JSON output, signing options, and printing signature reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._output import stdout
from msez.core import Timestamp, ValidationError, load_document
from msez.crypto import FileArtifactStore
from msez.settlement import SignatureReport
from msez.vc import DEFAULT_SUITES, Signer, load_signer

SignOpt = Annotated[bool, typer.Option("--sign", help="Append a proof over the payload (needs --key).")]
KeyOpt = Annotated[
    Path | None, typer.Option("--key", help="Key file: private OKP JWK or {private_jwk, verificationMethod}.")
]
SuiteOpt = Annotated[str, typer.Option("--suite", help=f"Proof suite: {', '.join(DEFAULT_SUITES.names)}.")]
SignerOpt = Annotated[
    list[str] | None, typer.Option("--signer", help="A DID that must have a valid proof (repeatable).")
]
StoreOpt = Annotated[Path | None, typer.Option("--store", help="Artifact store root.")]
CreatedOpt = Annotated[str | None, typer.Option("--created-at", help="RFC 3339; default now.")]


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def timestamp(text: str | None) -> Timestamp:
    return Timestamp.parse(text) if text else Timestamp.now()


def say(text: str) -> None:
    """One result line on stdout, verbatim (DIDs contain ``:key:``, which rich would turn into an emoji)."""
    stdout.print(text, markup=False, emoji=False)


def load_object(path: Path) -> dict[str, Any]:
    value = load_document(path)
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a JSON object, got {type(value).__name__}")
    return value


def signer_of(sign: bool, key: Path | None) -> Signer | None:
    """The signer for ``--sign --key``; ``--key`` alone is refused so nobody thinks a file was signed."""
    if sign != (key is not None):
        raise typer.BadParameter("--sign and --key go together")
    return load_signer(key) if key is not None else None


def store_of(root: Path | None) -> FileArtifactStore | None:
    return FileArtifactStore([root]) if root is not None else None


def print_signatures(report: SignatureReport) -> None:
    """One line per proof (``PROOF <i> OK|FAIL``), one per missing signer, or ``UNSIGNED``."""
    if not report.signed:
        say("UNSIGNED (no proof)")
    for p in report.proofs:
        detail = f"  {p.reason}: {p.detail}" if not p.ok else ""
        say(f"PROOF {p.index} {'OK' if p.ok else 'FAIL'} {p.verification_method} ({p.proof_type}){detail}")
    for did in report.missing:
        say(f"FAIL no valid proof by required signer {did}")
