"""``msez about``, ``msez canon`` and ``msez digest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import msez
from msez.cli._output import stdout, write_bytes
from msez.core import (
    CanonicalBytes,
    CanonicalizationError,
    ValidationError,
    canonical_bytes,
    load_document,
    payload_bytes,
    sha256_digest,
)

FileArg = Annotated[Path, typer.Argument(help="A JSON or YAML file.", show_default=False)]


def _canonical_file(path: Path, *, payload: bool = False) -> CanonicalBytes:
    """Canonical bytes of a JSON/YAML file (without its top-level ``proof`` if ``payload``); errors name the file."""
    value = load_document(path)
    try:
        if not payload:
            return canonical_bytes(value)
        if not isinstance(value, dict):
            raise ValidationError(f"{path}: --payload needs a JSON object at the top level, got {type(value).__name__}")
        return payload_bytes(value)
    except CanonicalizationError as e:
        raise CanonicalizationError(e.reason, path=e.path, file=str(path)) from e


def canon(file: FileArg) -> None:
    """Print the canonical bytes (MCF) of a JSON or YAML file."""
    write_bytes(_canonical_file(file).data + b"\n")


def digest(
    file: FileArg,
    payload: Annotated[bool, typer.Option("--payload", help="Drop a top-level `proof` first.")] = False,
) -> None:
    """Print the SHA-256 (64 hex) of a file's canonical bytes."""
    stdout.print(sha256_digest(_canonical_file(file, payload=payload)).hex)


def about() -> None:
    """Show what this msez installation provides."""
    table = Table(title=f"msez {msez.__version__}: the Momentum SEZ Stack in Python", show_lines=False)
    table.add_column("package")
    table.add_column("provides")
    for name, what in _PACKAGES:
        table.add_row(name, what)
    stdout.print(table)
    stdout.print("Run `msez --help` for the commands.")


_PACKAGES = (
    ("msez.core", "canonical form (MCF), digests, ArtifactRef, 20 compliance domains, ids, time, errors"),
    ("msez.crypto", "Ed25519 and did:key, Merkle Mountain Range with consistency proofs, artifact store"),
    (
        "msez.zone",
        "modules, profiles, zones: validation, resolution, rendering, overlays, build, stack.lock, conformance",
    ),
    ("msez.settlement", "netting, signed plans, anchors (cross-corridor), routing, two-phase transfers, ISO 20022"),
    ("msez.vc", "verifiable credentials: proof suites, multi-party signing, did resolution, status lists"),
    ("msez.state", "table-driven lifecycle engine: entity, licence, migration saga, watcher bond machines"),
    ("msez.tensor", "compliance lattice and 20-domain tensor with explained results, commitments, manifold routing"),
    ("msez.pack", "lawpacks (AKN, C14N, eId index), regpacks with sanctions screening, licensepacks"),
    (
        "msez.corridor",
        "corridors: definition and agreement VCs, trust and registry chains, activation; the state channel they "
        "govern (signed receipts, streaming verification, MMR checkpoints and proofs, signed notes, watchers, "
        "forks, finality, v2 lifecycle)",
    ),
    ("msez.store", "SQLite/PostgreSQL persistence, migrations, hash-chained audit log, Mass primitive records"),
    ("msez.api", "the zone node REST API: RBAC tokens, rate limits, error envelope, metrics (`msez serve`)"),
)
