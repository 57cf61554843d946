"""The automatic fork choice (reference-impl A §5.2, Rust ``fork.rs``; absent from the spec prose).

Between two branches extending one (sequence, prev_root), in order:

1. a branch whose timestamp is more than 60 s after ``now`` is rejected (``FutureTimestamp``);
2. if the timestamps are more than 300 s apart (strictly), the earlier branch wins (``EarlierTimestamp``);
3. otherwise the branch with more verified watcher attestations wins (``MoreAttestations``): each distinct
   registered watcher key counts once; its Ed25519 signature (128 hex) covers the MCF of ``{candidate_root,
   height, parent_root, timestamp, watcher_key}`` (``watcher_key`` hex, ``height`` the fork's sequence), and
   ``candidate_root``/``parent_root``/``height`` must be the branch's;
4. otherwise the lexicographically smaller ``next_root`` wins (``LexicographicTiebreak``).

A watcher with valid attestations for both branches is equivocating: it is counted for neither and reported
(:func:`equivocation_report`, whose digest is slashing evidence for its watcher bond).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any, Final

from msez.core import CanonicalBytes, MsezError, Timestamp, ValidationError, canonical_bytes, digest_of
from msez.corridor._names import EQUIVOCATION_REPORT_TYPE
from msez.crypto import Signature, SigningKey, VerifyingKey
from msez.state import SLASHING_EVIDENCE, Evidence

MAX_FUTURE_DRIFT: Final = timedelta(seconds=60)
MAX_CLOCK_SKEW: Final = timedelta(seconds=300)


class ForkReason(StrEnum):
    FUTURE_TIMESTAMP = "FutureTimestamp"
    EARLIER_TIMESTAMP = "EarlierTimestamp"
    MORE_ATTESTATIONS = "MoreAttestations"
    LEXICOGRAPHIC_TIEBREAK = "LexicographicTiebreak"


@dataclass(frozen=True, slots=True)
class ForkBranch:
    """One candidate at a fork: the receipt's ``next_root`` and timestamp, and the point it extends."""

    sequence: int
    prev_root: str
    next_root: str
    timestamp: Timestamp

    @classmethod
    def of(cls, receipt: Mapping[str, Any]) -> ForkBranch:
        return cls(
            int(receipt["sequence"]),
            str(receipt["prev_root"]),
            str(receipt["next_root"]),
            Timestamp.parse(receipt["timestamp"]),
        )


_SIGNED_FIELDS: Final = ("candidate_root", "height", "parent_root", "timestamp", "watcher_key")


def _signed_bytes(fields: Mapping[str, Any]) -> CanonicalBytes:
    """MCF of ``{candidate_root, height, parent_root, timestamp, watcher_key}``: what a watcher signs."""
    return canonical_bytes({name: fields[name] for name in _SIGNED_FIELDS})


def attest_branch(branch: ForkBranch, key: SigningKey, *, at: Timestamp) -> dict[str, Any]:
    """A watcher's signed attestation that it saw ``branch`` (the JSON form :func:`choose_fork` reads)."""
    watcher_key = key.verifying_key.hex()
    fields = {
        "candidate_root": branch.next_root,
        "height": branch.sequence,
        "parent_root": branch.prev_root,
        "timestamp": str(at),
        "watcher_key": watcher_key,
    }
    signature = key.sign(_signed_bytes(fields)).hex()
    return {**fields, "signature": signature}


def _attested(document: Mapping[str, Any], branch: ForkBranch) -> str | None:
    """The watcher key if ``document`` is a valid attestation of ``branch``; ``None`` otherwise."""
    try:
        fields = {k: document[k] for k in _SIGNED_FIELDS}
        if (fields["candidate_root"], fields["height"], fields["parent_root"]) != (
            branch.next_root,
            branch.sequence,
            branch.prev_root,
        ):
            return None
        key = VerifyingKey.from_hex(str(fields["watcher_key"]))
        valid = key.is_valid(_signed_bytes(fields), Signature.from_hex(str(document["signature"])))
    except (MsezError, KeyError, TypeError):
        return None
    return key.hex() if valid else None


@dataclass(frozen=True)
class ForkChoice:
    """The outcome: winner, loser, the rule that decided, both verified counts and the equivocators."""

    winner: ForkBranch
    loser: ForkBranch
    reason: ForkReason
    winner_attestations: int
    loser_attestations: int
    equivocating: tuple[str, ...] = ()
    attestations: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.winner.sequence,
            "prev_root": self.winner.prev_root,
            "winner": self.winner.next_root,
            "loser": self.loser.next_root,
            "reason": self.reason.value,
            "winner_attestations": self.winner_attestations,
            "loser_attestations": self.loser_attestations,
            "equivocating_watchers": list(self.equivocating),
        }


def choose_fork(
    a: ForkBranch,
    b: ForkBranch,
    *,
    attestations: Iterable[Mapping[str, Any]],
    registered: Iterable[str],
    now: Timestamp,
) -> ForkChoice:
    """Apply rules 1-4 of the module docstring.

    Args:
        registered: the registered watchers, as hex public keys or ``did:key`` DIDs.

    Raises:
        ValidationError: the branches do not extend one point, or both are too far in the future.
    """
    if (a.sequence, a.prev_root) != (b.sequence, b.prev_root) or a.next_root == b.next_root:
        raise ValidationError("fork choice needs two different branches extending one (sequence, prev_root)")
    documents = list(attestations)
    keys = _registered_keys(registered)
    seen = {branch.next_root: _valid_watchers(documents, branch, keys) for branch in (a, b)}
    equivocating = tuple(sorted(seen[a.next_root].keys() & seen[b.next_root].keys()))
    count = {root: len(watchers.keys() - set(equivocating)) for root, watchers in seen.items()}
    winner, reason = _decide(a, b, count, now)
    loser = b if winner is a else a
    evidence = {root: tuple(d for w in sorted(watchers) for d in watchers[w]) for root, watchers in seen.items()}
    return ForkChoice(winner, loser, reason, count[winner.next_root], count[loser.next_root], equivocating, evidence)


def _decide(a: ForkBranch, b: ForkBranch, count: Mapping[str, int], now: Timestamp) -> tuple[ForkBranch, ForkReason]:
    latest = now + MAX_FUTURE_DRIFT
    future = [branch for branch in (a, b) if branch.timestamp > latest]  # (1)
    if len(future) == 2:
        raise ValidationError(f"both branches are more than 60 s after {now}")
    if future:
        return (b if future[0] is a else a), ForkReason.FUTURE_TIMESTAMP
    if abs(a.timestamp - b.timestamp) > MAX_CLOCK_SKEW:  # (2)
        return (a if a.timestamp < b.timestamp else b), ForkReason.EARLIER_TIMESTAMP
    if count[a.next_root] != count[b.next_root]:  # (3)
        return (a if count[a.next_root] > count[b.next_root] else b), ForkReason.MORE_ATTESTATIONS
    return (a if a.next_root <= b.next_root else b), ForkReason.LEXICOGRAPHIC_TIEBREAK  # (4)


def _registered_keys(registered: Iterable[str]) -> frozenset[str]:
    out = set()
    for entry in registered:
        try:
            out.add(
                VerifyingKey.from_did(entry).hex() if entry.startswith("did:") else VerifyingKey.from_hex(entry).hex()
            )
        except MsezError:
            continue  # a registered watcher without an Ed25519 did:key cannot sign fork attestations
    return frozenset(out)


def _valid_watchers(
    documents: list[Mapping[str, Any]], branch: ForkBranch, keys: frozenset[str]
) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for document in documents:
        watcher = _attested(document, branch) if isinstance(document, Mapping) else None
        if watcher is not None and watcher in keys:
            out.setdefault(watcher, []).append(document)
    return out


def equivocation_report(choice: ForkChoice, *, corridor_id: str) -> dict[str, Any]:
    """The report of watchers that attested both branches, with their attestations as evidence."""
    watchers = []
    for key in choice.equivocating:
        attested = [
            d
            for root in (choice.winner.next_root, choice.loser.next_root)
            for d in choice.attestations[root]
            if str(d.get("watcher_key", "")).lower() == key
        ]
        watchers.append({"watcher_key": key, "did": str(VerifyingKey.from_hex(key).did), "attestations": attested})
    return {
        "type": EQUIVOCATION_REPORT_TYPE,
        "corridor_id": corridor_id,
        "sequence": choice.winner.sequence,
        "prev_root": choice.winner.prev_root,
        "candidates": sorted((choice.winner.next_root, choice.loser.next_root)),
        "watchers": watchers,
    }


def equivocation_evidence(report: Mapping[str, Any]) -> Evidence:
    """The report as ``slashing_evidence`` for :meth:`msez.state.WatcherBond.slash` (condition Equivocation)."""
    return Evidence(SLASHING_EVIDENCE, digest_of(dict(report)))
