"""File handling for ``msez corridor state``: the verifiers take objects, these helpers read and write the files.

Every command checks against a state channel given as ``--corridor PATH`` (the normal way: a corridor module that
is verified with ``msez.corridor.verification.v1`` and whose policy is derived by ``state_channel_policy``, with the
transition-type registry lock its ``corridor.yaml`` names) or ``--policy FILE`` (a policy JSON written elsewhere).
The lock path in ``corridor.yaml`` is resolved in the module directory, then at the repository root (the
reference's ``registries/transition-types.lock.json`` lives there).

Receipts stream from a JSON-lines file (one receipt per line), a JSON file holding one receipt or an array, or a
directory of ``*.json`` files taken in natural name order (``r2`` before ``r10``). Outputs are written to a temp
file in the same directory and moved into place, so a failed command never leaves a half-written file. The
artifact store knows the pack digest rules as well as the transition-type lock rule, so ``--require-artifacts``
resolves lawpacks stored as zips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._output import stdout, write_bytes
from msez.cli._packs import repo_root
from msez.core import NotFoundError, Timestamp, ValidationError, load_document, load_json, write_atomic
from msez.corridor import (
    TRANSITION_TYPES_RULES,
    CorridorModule,
    ForkResolutions,
    ReceiptChecker,
    StateChannelPolicy,
    TransitionTypeLock,
    VerifiedCheckpoint,
    state_channel_policy,
    verify_checkpoint,
    verify_corridor,
)
from msez.crypto import FileArtifactStore
from msez.pack import PACK_DIGEST_RULES

CorridorOpt = Annotated[
    Path | None,
    typer.Option("--corridor", help="Corridor module (directory or corridor.yaml): verified, its policy derived."),
]
PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", help="Instead of --corridor: a state-channel policy JSON file.")
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
    """A state-channel policy JSON file."""
    return StateChannelPolicy.from_json(load_object(path))


@dataclass(frozen=True)
class Channel:
    """What the commands check against: the state-channel policy and the pinned transition-type registry lock."""

    policy: StateChannelPolicy
    transition_types: TransitionTypeLock | None = None


def load_channel(
    policy: Path | None, corridor: Path | None, *, at: str | None = None, transition_types: Path | None = None
) -> Channel:
    """The channel of ``--corridor`` (verified at ``at``, default now) or ``--policy``; an explicit
    ``--transition-types`` lock replaces the corridor's.

    Raises:
        typer.BadParameter: neither or both given. CorridorVerificationError: the corridor does not verify.
        NotFoundError: the corridor names a registry lock that is not there.
    """
    if policy is not None and corridor is not None:
        raise typer.BadParameter("--corridor and --policy exclude each other")
    lock = TransitionTypeLock.from_json(load_object(transition_types)) if transition_types is not None else None
    if corridor is None:
        if policy is None:
            raise typer.BadParameter("give --corridor PATH (a corridor module) or --policy FILE")
        return Channel(load_policy(policy), lock)
    module = CorridorModule.load(corridor)
    report = verify_corridor(module, now=Timestamp.parse(at) if at else None)
    lock = lock or _corridor_lock(module, corridor)
    derived = state_channel_policy(report, transition_type_registry_sha256=lock.snapshot_digest if lock else None)
    return Channel(derived, lock)


def _corridor_lock(module: CorridorModule, corridor: Path) -> TransitionTypeLock | None:
    named = module.transition_types_lock_path
    if named is None:
        return None
    directory = corridor.parent if corridor.is_file() else corridor
    for base in (directory, repo_root(directory)):
        if (base / named).is_file():
            return TransitionTypeLock.from_json(load_object(base / named))
    raise NotFoundError(
        f"{corridor}: state_channel.transition_type_registry_lock_path {named} is neither in the module nor at the "
        f"repository root"
    )


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
    write_atomic(path, data, mode=0o644)


def say(text: str) -> None:
    """One result line on stdout, verbatim (DIDs contain ``:key:``, which rich would turn into an emoji)."""
    stdout.print(text, markup=False, emoji=False, highlight=False)


def when(text: str | None) -> Timestamp:
    return Timestamp.parse(text) if text is not None else Timestamp.now()


def store_of(roots: list[Path] | None) -> FileArtifactStore | None:
    """A file store over ``roots`` that recomputes pack and transition-type lock digests (``None`` without roots)."""
    return FileArtifactStore(roots, rules={**PACK_DIGEST_RULES, **TRANSITION_TYPES_RULES}) if roots else None


def checker_of(channel: Channel, *, enforce: bool, store: FileArtifactStore | None = None) -> ReceiptChecker:
    return ReceiptChecker(
        channel.policy, enforce_thresholds=enforce, store=store, transition_types=channel.transition_types
    )


def checkpoint_of(path: Path, policy: StateChannelPolicy) -> VerifiedCheckpoint:
    return verify_checkpoint(load_object(path), policy)


def resolutions_of(paths: list[Path] | None, policy: StateChannelPolicy, now: Timestamp) -> ForkResolutions | None:
    if not paths:
        return None
    return ForkResolutions.from_credentials([load_object(p) for p in paths], policy, now=now)
