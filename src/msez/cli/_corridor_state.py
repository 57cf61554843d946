"""``msez corridor state``: the corridor state channel (spec 40.6-40.12) on files.

Chain commands live here (genesis root, receipts, verification, checkpoints, proofs, signed notes); watcher,
fork, finality and lifecycle commands are in :mod:`msez.cli._corridor_state_watch` and register on the same
group. Verification failures print ``FAIL ...`` on stderr and exit 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli import _corridor_state_watch as watch
from msez.cli._corridor_state_io import (
    AtOpt,
    Channel,
    CorridorOpt,
    KeyOpt,
    OutOpt,
    PolicyOpt,
    ReceiptsOpt,
    ResolutionsOpt,
    StoreOpt,
    ThresholdOpt,
    checker_of,
    checkpoint_of,
    iter_receipts,
    load_channel,
    load_object,
    resolutions_of,
    say,
    store_of,
    when,
    write_json,
    write_text,
)
from msez.cli._output import err
from msez.core import ValidationError, VerificationError
from msez.corridor import (
    CanonicalChain,
    CheckedReceipt,
    CheckpointError,
    NoteKey,
    ReceiptRejectedError,
    TlogCheckpoint,
    build_canonical_chain,
    build_checkpoint,
    build_consistency_proof,
    build_inclusion_proof,
    coerce_transition,
    genesis_roots,
    new_receipt,
    sign_checkpoint,
    sign_note,
    sign_receipt,
    trusted_head,
    verify_checkpoint_note,
    verify_consistency,
    verify_inclusion,
)
from msez.crypto.mmr import MerkleMountainRange
from msez.vc import load_signer

state_app = typer.Typer(
    help="Corridor state channel: receipts, checkpoints, proofs, watchers, forks.", no_args_is_help=True
)


def genesis_root(*, corridor: CorridorOpt = None, policy: PolicyOpt = None) -> None:
    """Print the corridor's genesis root (msez tag)."""
    say(genesis_roots(load_channel(policy, corridor).policy)[0].hex)


def receipt_init(
    *,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    sequence: Annotated[int, typer.Option("--sequence", min=0)] = 0,
    prev_root: Annotated[str, typer.Option("--prev-root", help="64 hex, or 'genesis'.")] = "genesis",
    timestamp: Annotated[str | None, typer.Option("--timestamp")] = None,
    transition: Annotated[Path | None, typer.Option("--transition", help="Transition JSON (default noop).")] = None,
    transition_types: Annotated[
        Path | None, typer.Option("--transition-types", help="Registry lock (default: the corridor's).")
    ] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Sign the receipt with this key.")] = None,
    out: OutOpt = None,
) -> None:
    """Write a receipt sealed with its next_root (signed with --key); with a registry lock, the transition's
    digests are filled from it and the receipt names the lock's snapshot digest."""
    channel = load_channel(policy, corridor, transition_types=transition_types)
    loaded, lock = channel.policy, channel.transition_types
    envelope = coerce_transition(load_object(transition) if transition is not None else None)
    registry = None
    if lock is not None:
        envelope, registry = lock.filled(envelope), lock.snapshot_digest
    receipt = new_receipt(
        corridor_id=loaded.corridor_id,
        sequence=sequence,
        prev_root=genesis_roots(loaded)[0].hex if prev_root in ("genesis", "genesis_root") else prev_root,
        timestamp=when(timestamp),
        lawpack_digest_set=loaded.lawpack_digest_set,
        ruleset_digest_set=loaded.ruleset_digest_set,
        transition=envelope,
        transition_type_registry_digest_sha256=registry,
    )
    if key is not None:
        receipt = sign_receipt(receipt, load_signer(key))
    write_json(out, receipt)


def receipt_sign(
    file: Annotated[Path, typer.Argument(help="Receipt JSON.")], *, key: KeyOpt, out: OutOpt = None
) -> None:
    """Add a proof to a receipt (co-signing keeps the earlier proofs); writes in place unless --out."""
    signer = load_signer(key)
    write_json(out or file, sign_receipt(load_object(file), signer))
    say(f"signed receipt by {signer.verification_method}")


def _walk(
    channel: Channel,
    receipts: Path,
    *,
    enforce: bool,
    store: list[Path] | None = None,
    from_checkpoint: Path | None = None,
    resolutions: list[Path] | None = None,
    at: str | None = None,
    on_extend: Callable[[CheckedReceipt], None] | None = None,
) -> CanonicalChain:
    policy = channel.policy
    start = trusted_head(checkpoint_of(from_checkpoint, policy)) if from_checkpoint is not None else None
    return build_canonical_chain(
        iter_receipts(receipts),
        policy,
        checker=checker_of(channel, enforce=enforce, store=store_of(store)),
        start=start,
        resolutions=resolutions_of(resolutions, policy, when(at)),
        on_extend=on_extend,
    )


def _collect(
    mmr: MerkleMountainRange, size: int, found: dict[int, Any] | None = None
) -> Callable[[CheckedReceipt], None]:
    """A sink filling ``mmr`` with the first ``size`` canonical receipts (and keeping those asked for)."""

    def sink(checked: CheckedReceipt) -> None:
        if mmr.size < size:
            mmr.append(checked.next_root)
            if found is not None and checked.sequence in found:
                found[checked.sequence] = checked.receipt

    return sink


def verify(
    *,
    receipts: ReceiptsOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    enforce_receipt_threshold: ThresholdOpt = False,
    require_artifacts: Annotated[bool, typer.Option("--require-artifacts")] = False,
    store: StoreOpt = None,
    from_checkpoint: Annotated[Path | None, typer.Option("--from-checkpoint")] = None,
    fork_resolutions: ResolutionsOpt = None,
    transition_types: Annotated[Path | None, typer.Option("--transition-types")] = None,
    at: AtOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Stream-verify a receipt chain; print the head, or FAIL with the receipt's sequence and reason."""
    if require_artifacts and not store:
        store = [Path("dist/artifacts")]
    channel = load_channel(policy, corridor, at=at, transition_types=transition_types)
    try:
        chain = _walk(
            channel,
            receipts,
            enforce=enforce_receipt_threshold,
            store=store if require_artifacts else None,
            from_checkpoint=from_checkpoint,
            resolutions=fork_resolutions,
            at=at,
        )
    except (ReceiptRejectedError, CheckpointError) as e:
        err(f"FAIL {e}")
        raise typer.Exit(1) from e
    head = chain.head
    if as_json:
        write_json(
            None,
            {
                "ok": True,
                "receipt_count": head.receipt_count,
                "final_state_root": head.final_state_root,
                "mmr_root": head.mmr_root,
                "forks_resolved": len(chain.forks),
            },
        )
    else:
        say(f"OK {head.receipt_count} receipts; final_state_root {head.final_state_root}; mmr_root {head.mmr_root}")


def checkpoint(
    *,
    receipts: ReceiptsOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    key: Annotated[Path | None, typer.Option("--key", help="Sign the checkpoint with this key.")] = None,
    timestamp: Annotated[str | None, typer.Option("--timestamp")] = None,
    enforce_receipt_threshold: ThresholdOpt = False,
    fork_resolutions: ResolutionsOpt = None,
    out: OutOpt = None,
) -> None:
    """Verify the chain and write a checkpoint of its head (MMR root and peaks)."""
    channel = load_channel(policy, corridor)
    chain = _walk(channel, receipts, enforce=enforce_receipt_threshold, resolutions=fork_resolutions)
    document = build_checkpoint(chain.head, timestamp=when(timestamp))
    write_json(out, sign_checkpoint(document, load_signer(key)) if key is not None else document)


def inclusion_proof(
    *,
    receipts: ReceiptsOpt,
    sequence: Annotated[int, typer.Option("--sequence", min=0)],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    fork_resolutions: ResolutionsOpt = None,
    out: OutOpt = None,
) -> None:
    """Write the inclusion proof of receipt SEQUENCE against a checkpoint."""
    channel = load_channel(policy, corridor)
    verified = checkpoint_of(checkpoint_file, channel.policy)
    mmr, found = MerkleMountainRange(), {sequence: None}
    _walk(channel, receipts, enforce=False, resolutions=fork_resolutions, on_extend=_collect(mmr, verified.size, found))
    receipt = found[sequence]
    if receipt is None:
        raise ValidationError(f"receipt {sequence} is not in the first {verified.size} canonical receipts")
    write_json(out, build_inclusion_proof(mmr, receipt, checkpoint=verified))


def verify_inclusion_cmd(
    *,
    receipt: Annotated[Path, typer.Option("--receipt")],
    proof: Annotated[Path, typer.Option("--proof")],
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    enforce_receipt_threshold: ThresholdOpt = False,
) -> None:
    """Verify a receipt, its inclusion proof and the checkpoint it is proven against."""
    channel = load_channel(policy, corridor)
    try:
        verified = checkpoint_of(checkpoint_file, channel.policy)
        checked = verify_inclusion(
            load_object(receipt), load_object(proof), verified, checker_of(channel, enforce=enforce_receipt_threshold)
        )
    except (ReceiptRejectedError, CheckpointError) as e:
        err(f"FAIL {e}")
        raise typer.Exit(1) from e
    say(f"OK receipt {checked.sequence} is in checkpoint {verified.digest.hex} (size {verified.size})")


def consistency_proof(
    *,
    receipts: ReceiptsOpt,
    old: Annotated[Path, typer.Option("--old", help="The older checkpoint.")],
    new: Annotated[Path, typer.Option("--new", help="The newer checkpoint.")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    out: OutOpt = None,
) -> None:
    """Write the proof that the older checkpoint's MMR is a prefix of the newer one's."""
    channel = load_channel(policy, corridor)
    old_cp, new_cp = checkpoint_of(old, channel.policy), checkpoint_of(new, channel.policy)
    mmr = MerkleMountainRange()
    _walk(channel, receipts, enforce=False, on_extend=_collect(mmr, new_cp.size))
    write_json(out, build_consistency_proof(mmr, old_cp, new_cp))


def verify_consistency_cmd(
    *,
    proof: Annotated[Path, typer.Option("--proof")],
    old: Annotated[Path, typer.Option("--old")],
    new: Annotated[Path, typer.Option("--new")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
) -> None:
    """Verify a consistency proof between two checkpoints (sizes and roots come from the checkpoints)."""
    loaded = load_channel(policy, corridor).policy
    try:
        verify_consistency(load_object(proof), checkpoint_of(old, loaded), checkpoint_of(new, loaded))
    except CheckpointError as e:
        err(f"FAIL {e}")
        raise typer.Exit(1) from e
    say("OK consistent")


def checkpoint_note(
    *,
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint")],
    key: KeyOpt,
    name: Annotated[str, typer.Option("--name", help="The signer's key name in the note.")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    origin: Annotated[str | None, typer.Option("--origin", help="Default msez.corridor/<corridor_id>.")] = None,
    out: OutOpt = None,
) -> None:
    """Write a checkpoint as a C2SP tlog-checkpoint signed note; print the verifier key on stderr."""
    loaded = load_channel(policy, corridor).policy
    verified = checkpoint_of(checkpoint_file, loaded)
    body = TlogCheckpoint.from_checkpoint(verified, origin=origin or f"msez.corridor/{loaded.corridor_id}").body()
    signer = load_signer(key)
    note = sign_note(body, name, signer.key)
    if out is None:
        say(note.rstrip("\n"))
    else:
        write_text(out, note.encode("utf-8"))
    err(f"verifier key: {NoteKey(name, signer.verifying_key).vkey()}")


def verify_note(
    note: Annotated[Path, typer.Argument(help="A signed note.")],
    *,
    vkey: Annotated[list[str], typer.Option("--vkey", help="Verifier key <name>+<id>+<key> (repeatable).")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    checkpoint_file: Annotated[Path | None, typer.Option("--checkpoint", help="Also match this checkpoint.")] = None,
) -> None:
    """Verify a checkpoint note's signatures (and, with --corridor or --policy, that it states the checkpoint)."""
    keys = {k.name: k for k in (NoteKey.parse(v) for v in vkey)}
    verified = None
    if checkpoint_file is not None:
        verified = checkpoint_of(checkpoint_file, load_channel(policy, corridor).policy)
    try:
        parsed, names = verify_checkpoint_note(note.read_text(encoding="utf-8"), keys, checkpoint=verified)
    except VerificationError as e:
        err(f"FAIL {e}")
        raise typer.Exit(1) from e
    say(f"OK {parsed.origin} size {parsed.size} signed by {', '.join(names)}")


_COMMANDS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("genesis-root", genesis_root),
    ("receipt-init", receipt_init),
    ("receipt-sign", receipt_sign),
    ("verify", verify),
    ("checkpoint", checkpoint),
    ("inclusion-proof", inclusion_proof),
    ("verify-inclusion", verify_inclusion_cmd),
    ("consistency-proof", consistency_proof),
    ("verify-consistency", verify_consistency_cmd),
    ("checkpoint-note", checkpoint_note),
    ("verify-note", verify_note),
    *watch.COMMANDS,
)
for _name, _command in _COMMANDS:
    state_app.command(_name)(_command)
