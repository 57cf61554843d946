"""File handling for ``msez corridor state``: the verifiers take objects, these helpers read and write the files.

Receipts stream from a JSON-lines file (one receipt per line), a JSON file holding one receipt or an array, or a
directory of ``*.json`` files taken in natural name order (``r2`` before ``r10``). Outputs are written to a temp
file in the same directory and moved into place, so a failed command never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._output import stdout, write_bytes
from msez.core import Timestamp, ValidationError, load_document, load_json
from msez.corridor import (
    TRANSITION_TYPES_RULES,
    ForkResolutions,
    ReceiptChecker,
    StateChannelPolicy,
    TransitionTypeLock,
    VerifiedCheckpoint,
    verify_checkpoint,
)
from msez.crypto import FileArtifactStore

PolicyOpt = Annotated[
    Path, typer.Option("--policy", help="State-channel policy JSON (MSEZCorridorStateChannelPolicy).")
]
ReceiptsOpt = Annotated[Path, typer.Option("--receipts", help="JSON-lines file, JSON file or directory of receipts.")]
KeyOpt = Annotated[Path, typer.Option("--key", help="Key file: private OKP JWK or {private_jwk, verificationMethod}.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")]
AtOpt = Annotated[str | None, typer.Option("--at", help="Judge dates at this RFC 3339 time (default: now).")]
ResolutionsOpt = Annotated[
    list[Path] | None, typer.Option("--fork-resolutions", help="A fork-resolution VC (repeatable).")
]
ThresholdOpt = Annotated[
    bool, typer.Option("--enforce-receipt-threshold", help="Apply the receipt-signing thresholds per role.")
]
StoreOpt = Annotated[list[Path] | None, typer.Option("--store", help="Artifact store root (repeatable).")]
_NATURAL = re.compile(r"(\d+)")


def load_object(path: Path) -> dict[str, Any]:
    value = load_document(path)
    if not isinstance(value, dict):
        raise ValidationError(f"{path}: expected a JSON object, got {type(value).__name__}")
    return value


def load_policy(path: Path) -> StateChannelPolicy:
    return StateChannelPolicy.from_json(load_object(path))


def iter_receipts(path: Path) -> Iterator[Any]:
    """Stream receipts from ``path`` (see the module docstring)."""
    if path.is_dir():
        for file in sorted(
            path.glob("*.json"), key=lambda p: [int(t) if t.isdigit() else t for t in _NATURAL.split(p.name)]
        ):
            yield load_json(file.read_bytes(), source=str(file))
        return
    with path.open("rb") as handle:
        start = handle.read(256).lstrip()
        handle.seek(0)
        if start.startswith(b"[") or path.suffix == ".json":
            value = load_json(handle.read(), source=str(path))
            yield from value if isinstance(value, list) else [value]
            return
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield load_json(line, source=f"{path}:{number}")


def write_json(path: Path | None, value: Any) -> None:
    """Indented JSON to ``path`` (atomically) or to stdout."""
    data = json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    if path is None:
        write_bytes(data)
        return
    write_text(path, data)


def write_text(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def say(text: str) -> None:
    """One result line on stdout, verbatim (DIDs contain ``:key:``, which rich would turn into an emoji)."""
    stdout.print(text, markup=False, emoji=False, highlight=False)


def when(text: str | None) -> Timestamp:
    return Timestamp.parse(text) if text is not None else Timestamp.now()


def store_of(roots: list[Path] | None) -> FileArtifactStore | None:
    return FileArtifactStore(roots, rules=TRANSITION_TYPES_RULES) if roots else None


def checker_of(
    policy: StateChannelPolicy,
    *,
    enforce: bool,
    store: FileArtifactStore | None = None,
    transition_types: Path | None = None,
) -> ReceiptChecker:
    lock = TransitionTypeLock.from_json(load_object(transition_types)) if transition_types is not None else None
    return ReceiptChecker(policy, enforce_thresholds=enforce, store=store, transition_types=lock)


def checkpoint_of(path: Path, policy: StateChannelPolicy) -> VerifiedCheckpoint:
    return verify_checkpoint(load_object(path), policy)


def resolutions_of(paths: list[Path] | None, policy: StateChannelPolicy, now: Timestamp) -> ForkResolutions | None:
    if not paths:
        return None
    return ForkResolutions.from_credentials([load_object(p) for p in paths], policy, now=now)
