"""``msez corridor state`` watcher, fork, finality and lifecycle commands (registered by ``_corridor_state``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from msez.cli._corridor_state_io import (
    AtOpt,
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
)
from msez.cli._output import err
from msez.core import ValidationError, load_document
from msez.corridor import (
    AutomaticForkChoice,
    CorridorLifecycle,
    WatcherQuorum,
    build_canonical_chain,
    compare_watchers,
    detect_fork,
    finality_of,
    finality_status,
    fork_alarm_credential,
    fork_resolution_credential,
    trusted_head,
    watcher_attestation,
)
from msez.vc import load_signer, new_credential, sign_credential

VcsOpt = Annotated[list[Path] | None, typer.Option("--vcs", help="A watcher attestation VC (repeatable).")]


def watcher_attest(
    *,
    checkpoint_file: Annotated[Path, typer.Option("--checkpoint")],
    key: KeyOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    observed_at: Annotated[str | None, typer.Option("--observed-at")] = None,
    finality_level: Annotated[str | None, typer.Option("--finality-level")] = None,
    fork_observed: Annotated[bool, typer.Option("--fork-observed", help="Say a fork was observed.")] = False,
    out: OutOpt = None,
) -> None:
    """Write a signed watcher attestation of a checkpoint's head (with its head commitment)."""
    signer = load_signer(key)
    verified = checkpoint_of(checkpoint_file, load_channel(policy, corridor).policy)
    unsigned = watcher_attestation(
        verified,
        issuer=str(signer.did),
        observed_at=when(observed_at),
        no_fork_observed=not fork_observed,
        finality_level=finality_level,
    )
    write_json(out, sign_credential(unsigned, signer).to_json())


def watcher_compare(
    *,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    vcs: VcsOpt = None,
    at: AtOpt = None,
    quorum_threshold: Annotated[str | None, typer.Option("--quorum-threshold", help="'majority' or 'K/N'.")] = None,
    max_staleness: Annotated[str | None, typer.Option("--max-staleness", help="1h, PT1H or 86400.")] = None,
    fail_on_lag: Annotated[bool, typer.Option("--fail-on-lag")] = False,
    require_quorum: Annotated[bool, typer.Option("--require-quorum")] = False,
    out: OutOpt = None,
) -> None:
    """Compare watcher attestations: a fork (exit 1) overrides any quorum; report lag and K-of-N quorum."""
    loaded = load_channel(policy, corridor, at=at).policy
    quorum = loaded.watcher_quorum
    changes: dict[str, Any] = {}
    if quorum_threshold is not None:
        changes |= {"threshold": quorum_threshold, "required": None}
    if max_staleness is not None:
        changes |= {"max_staleness": max_staleness, "max_staleness_seconds": None}
    quorum = WatcherQuorum.model_validate(quorum.model_dump() | changes)
    result = compare_watchers([load_object(p) for p in vcs or []], loaded, now=when(at), quorum=quorum)
    write_json(out, result.to_json())
    failures = [
        ("FORK: watchers report different heads at one receipt count", result.fork),
        ("LAG: watchers behind the highest head", fail_on_lag and bool(result.lagging())),
        ("NO QUORUM", require_quorum and result.quorum_head() is None),
    ]
    for message, failed in failures:
        if failed:
            err(f"FAIL {message}")
    if any(failed for _, failed in failures):
        raise typer.Exit(1)


def fork_alarm(
    *,
    receipt_a: Annotated[Path, typer.Option("--receipt-a")],
    receipt_b: Annotated[Path, typer.Option("--receipt-b")],
    key: KeyOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    detected_at: Annotated[str | None, typer.Option("--detected-at")] = None,
    store: StoreOpt = None,
    enforce_receipt_threshold: ThresholdOpt = False,
    out: OutOpt = None,
) -> None:
    """Check that two receipts fork the chain and write a signed fork-alarm VC (receipts stored as blobs)."""
    channel = load_channel(policy, corridor)
    fork = detect_fork(
        load_object(receipt_a), load_object(receipt_b), checker_of(channel, enforce=enforce_receipt_threshold)
    )
    signer = load_signer(key)
    unsigned = fork_alarm_credential(fork, issuer=str(signer.did), detected_at=when(detected_at), store=store_of(store))
    write_json(out, sign_credential(unsigned, signer).to_json())


def fork_inspect(
    *,
    receipts: ReceiptsOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    fork_resolutions: ResolutionsOpt = None,
    from_checkpoint: Annotated[Path | None, typer.Option("--from-checkpoint")] = None,
    attestations: Annotated[
        Path | None, typer.Option("--attestations", help="JSON list of watcher branch attestations (automatic choice).")
    ] = None,
    enforce_receipt_threshold: ThresholdOpt = False,
    at: AtOpt = None,
    out: OutOpt = None,
) -> None:
    """Report receipts, fork points and their resolution, and the canonical head (always exits 0)."""
    channel, now = load_channel(policy, corridor, at=at), when(at)
    loaded = channel.policy
    start, digest = None, None
    if from_checkpoint is not None:
        verified = checkpoint_of(from_checkpoint, loaded)
        start, digest = trusted_head(verified), verified.digest.hex
    automatic = None
    if attestations is not None:
        votes = load_document(attestations)
        if not isinstance(votes, list):
            raise ValidationError(f"{attestations}: expected a JSON list of branch attestations")
        automatic = AutomaticForkChoice(tuple(votes), loaded.authorized_watchers, now)
    chain = build_canonical_chain(
        iter_receipts(receipts),
        loaded,
        checker=checker_of(channel, enforce=enforce_receipt_threshold),
        start=start,
        resolutions=resolutions_of(fork_resolutions, loaded, now),
        automatic=automatic,
        strict=False,
    )
    write_json(out, chain.report(from_checkpoint=digest))


def fork_resolve(
    *,
    sequence: Annotated[int, typer.Option("--sequence", min=0)],
    prev_root: Annotated[str, typer.Option("--prev-root")],
    chosen_next_root: Annotated[str, typer.Option("--chosen-next-root")],
    key: KeyOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    candidate: Annotated[list[str] | None, typer.Option("--candidate", help="Another candidate next_root.")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    resolved_at: Annotated[str | None, typer.Option("--resolved-at")] = None,
    out: OutOpt = None,
) -> None:
    """Write a signed fork-resolution VC (binding when the key is a zone_authority party's)."""
    loaded, signer = load_channel(policy, corridor).policy, load_signer(key)
    unsigned = fork_resolution_credential(
        corridor_id=loaded.corridor_id,
        sequence=sequence,
        prev_root=prev_root,
        chosen_next_root=chosen_next_root,
        issuer=str(signer.did),
        candidates=candidate or [],
        resolved_at=when(resolved_at),
        reason=reason,
    )
    write_json(out, sign_credential(unsigned, signer).to_json())


def finality(
    *,
    receipts: ReceiptsOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    checkpoint_file: Annotated[Path | None, typer.Option("--checkpoint")] = None,
    watcher_vcs: Annotated[list[Path] | None, typer.Option("--watcher-vcs", help="Watcher attestation VC.")] = None,
    anchors: Annotated[list[Path] | None, typer.Option("--anchors", help="Anchor VC naming the head.")] = None,
    awards: Annotated[list[Path] | None, typer.Option("--awards", help="Arbitration award VC naming the head.")] = None,
    fork_resolutions: ResolutionsOpt = None,
    at: AtOpt = None,
    out: OutOpt = None,
) -> None:
    """Verify the chain and write its finality status over the six levels."""
    channel, now = load_channel(policy, corridor, at=at), when(at)
    loaded = channel.policy
    chain = build_canonical_chain(
        iter_receipts(receipts),
        loaded,
        checker=checker_of(channel, enforce=True),
        resolutions=resolutions_of(fork_resolutions, loaded, now),
    )
    watchers = None
    if watcher_vcs:
        watchers = compare_watchers([load_object(p) for p in watcher_vcs], loaded, now=now)
    status = finality_status(
        chain.head,
        as_of=now,
        checkpoint=checkpoint_of(checkpoint_file, loaded) if checkpoint_file else None,
        watchers=watchers,
        anchors=[load_object(p) for p in anchors or []],
        awards=[load_object(p) for p in awards or []],
    )
    write_json(out, status)


def lifecycle_vc(
    *,
    from_state: Annotated[str, typer.Option("--from")],
    to_state: Annotated[str, typer.Option("--to")],
    key: KeyOpt,
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    at: Annotated[str | None, typer.Option("--at", help="transitioned_at (default now).")] = None,
    out: OutOpt = None,
) -> None:
    """Write a signed lifecycle-transition VC asking to move the corridor FROM -> TO."""
    loaded, signer, moment = load_channel(policy, corridor).policy, load_signer(key), when(at)
    subject: dict[str, Any] = {
        "type": "MSEZCorridorLifecycleTransition",
        "corridor_id": loaded.corridor_id,
        "from_state": from_state,
        "to_state": to_state,
        "transitioned_at": str(moment),
    }
    if reason is not None:
        subject["reason"] = reason
    unsigned = new_credential(
        types=["MSEZCorridorLifecycleTransitionCredential"], issuer=str(signer.did), subject=subject, issued_at=moment
    )
    write_json(out, sign_credential(unsigned, signer).to_json())


def lifecycle(
    state_file: Annotated[Path, typer.Argument(help="The corridor's lifecycle record (JSON).")],
    *,
    transition: Annotated[Path, typer.Option("--transition", help="Signed lifecycle-transition VC.")],
    corridor: CorridorOpt = None,
    policy: PolicyOpt = None,
    evidence: Annotated[list[Path] | None, typer.Option("--evidence", help="An evidence VC (repeatable).")] = None,
    store: StoreOpt = None,
    finality_status_file: Annotated[Path | None, typer.Option("--finality-status")] = None,
    init: Annotated[bool, typer.Option("--init", help="Start a new record in DRAFT if the file is missing.")] = False,
    at: AtOpt = None,
) -> None:
    """Apply a lifecycle-transition VC with its evidence to the record in STATE_FILE (rewritten in place)."""
    loaded = load_channel(policy, corridor, at=at).policy
    if state_file.exists():
        record = CorridorLifecycle.from_json(load_object(state_file))
    elif init:
        record = CorridorLifecycle(loaded.corridor_id)
    else:
        raise ValidationError(f"{state_file} does not exist (use --init to start a corridor in DRAFT)")
    level = None
    if finality_status_file is not None:
        level, _ = finality_of(load_object(finality_status_file), corridor_id=loaded.corridor_id)
    step = record.apply(
        load_object(transition),
        loaded,
        evidence=[load_object(p) for p in evidence or []],
        store=store_of(store),
        finality=level,
        now=when(at),
    )
    write_json(state_file, record.to_json())
    say(f"{step.from_state} -> {step.to_state} ({step.transition}); evidence {len(step.evidence)}")


COMMANDS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("watcher-attest", watcher_attest),
    ("watcher-compare", watcher_compare),
    ("fork-alarm", fork_alarm),
    ("fork-inspect", fork_inspect),
    ("fork-resolve", fork_resolve),
    ("finality-status", finality),
    ("lifecycle-vc", lifecycle_vc),
    ("lifecycle", lifecycle),
)
