"""``msez about``, ``msez canon`` and ``msez digest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

import msez
from msez.cli._output import stdout, write_bytes
from msez.core import canonical_bytes, load_document, payload_bytes, sha256_digest

FileArg = Annotated[Path, typer.Argument(help="A JSON or YAML file.", show_default=False)]


def _load_value(path: Path, *, payload: bool) -> object:
    value = load_document(path)
    if payload:
        if not isinstance(value, dict):
            raise typer.BadParameter("--payload needs a JSON object at the top level")
        return {k: v for k, v in value.items() if k != "proof"}
    return value


def canon(file: FileArg) -> None:
    """Print the canonical bytes (MCF) of a JSON or YAML file."""
    write_bytes(canonical_bytes(load_document(file)).data + b"\n")


def digest(
    file: FileArg,
    payload: Annotated[bool, typer.Option("--payload", help="Drop a top-level `proof` first.")] = False,
) -> None:
    """Print the SHA-256 (64 hex) of a file's canonical bytes."""
    value = _load_value(file, payload=payload)
    if payload and isinstance(value, dict):
        stdout.print(sha256_digest(payload_bytes(value)).hex)
    else:
        stdout.print(sha256_digest(canonical_bytes(value)).hex)


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
    ("msez.store", "SQLite/PostgreSQL persistence, migrations, hash-chained audit log, Mass primitive records"),
    ("msez.api", "the zone node REST API: RBAC tokens, rate limits, error envelope, metrics (`msez serve`)"),
)
