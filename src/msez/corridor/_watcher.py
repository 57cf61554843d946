"""Watchers (spec 40.11): attestation VCs over a checkpoint head, the head commitment, and ``watcher-compare``.

The head commitment is ``SHA256(MCF({corridor_id, genesis_root, receipt_count, final_state_root, mmr_root}))``
with exactly those keys and no tag (decision on spec open question 5; reference-impl B §14 vector 36 reproduces).

:func:`compare_watchers` reads attestation VCs and reports, in order:

1. exclusions: a VC that does not verify (at ``now``), is not a watcher attestation, is for another corridor, is
   not signed by its issuer, names a head commitment that does not recompute, comes from a watcher outside the
   registry, or is older than the staleness limit (or more than 60 s in the future);
2. forks: one ``receipt_count`` with two ``final_state_root`` values; a fork overrides any quorum;
3. lag: watchers behind the highest ``receipt_count``;
4. quorum per head: K of N distinct watchers, N the registry size (else the watchers observed), K from
   ``required``, ``K/N`` or ``majority`` (strictly more than N/2).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from msez.core import ContentDigest, MsezError, Timestamp, digest_of
from msez.corridor._chain import ChainHead
from msez.corridor._channel import StateChannelPolicy, WatcherQuorum, base_did
from msez.corridor._checkpoint import VerifiedCheckpoint
from msez.corridor._fork_choice import MAX_FUTURE_DRIFT
from msez.corridor._names import WATCHER_ATTESTATION_VC, WATCHER_ATTESTATION_VCS
from msez.vc import Credential, KeyResolver, new_credential, verify_credential


def head_commitment(
    *, corridor_id: str, genesis_root: str, receipt_count: int, final_state_root: str, mmr_root: str
) -> ContentDigest:
    """The timestamp-free digest of a chain head that attestations, anchors and awards are grouped by."""
    return digest_of(
        {
            "corridor_id": corridor_id.strip(),
            "genesis_root": genesis_root.lower(),
            "receipt_count": receipt_count,
            "final_state_root": final_state_root.lower(),
            "mmr_root": mmr_root.lower(),
        }
    )


def head_commitment_of(head: ChainHead) -> ContentDigest:
    """The head commitment of a verified chain head."""
    return head_commitment(
        corridor_id=head.corridor_id,
        genesis_root=head.genesis_root,
        receipt_count=head.receipt_count,
        final_state_root=head.final_state_root,
        mmr_root=head.mmr_root,
    )


def watcher_attestation(
    checkpoint: VerifiedCheckpoint,
    *,
    issuer: str,
    observed_at: Timestamp | None = None,
    no_fork_observed: bool = True,
    finality_level: str | None = None,
    credential_id: str | None = None,
) -> Credential:
    """An unsigned watcher attestation of ``checkpoint``'s head (sign it with :func:`msez.vc.sign_credential`)."""
    head = checkpoint.head
    subject: dict[str, Any] = {
        "corridor_id": head.corridor_id,
        "genesis_root": head.genesis_root,
        "checkpoint_digest_sha256": {"artifact_type": "checkpoint", "digest_sha256": checkpoint.digest.hex},
        "receipt_count": head.receipt_count,
        "final_state_root": head.final_state_root,
        "mmr_root": checkpoint.root,
        "observed_at": str(observed_at or Timestamp.now()),
        "no_fork_observed": no_fork_observed,
        "head_commitment_digest_sha256": head_commitment_of(head).hex,
    }
    if finality_level is not None:
        subject["finality_level"] = finality_level
    return new_credential(
        types=[WATCHER_ATTESTATION_VC],
        issuer=issuer,
        subject=subject,
        issued_at=observed_at,
        credential_id=credential_id or f"urn:msez:vc:corridor-watcher:{head.corridor_id}:{uuid.uuid4()}",
    )


@dataclass(frozen=True, slots=True)
class Observation:
    """One counted attestation: who saw which head, and when."""

    watcher: str
    observed_at: Timestamp
    receipt_count: int
    final_state_root: str
    head_commitment: str


@dataclass
class WatcherComparison:
    """The result of :func:`compare_watchers`; ``to_json`` is the report the CLI prints."""

    corridor_id: str
    as_of: Timestamp
    registry_size: int
    quorum: WatcherQuorum
    observations: list[Observation] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)

    @property
    def watcher_count(self) -> int:
        """N: the registry size, else the distinct watchers observed."""
        return self.registry_size or len({o.watcher for o in self.observations})

    @property
    def required_count(self) -> int:
        return self.quorum.required_count(self.watcher_count)

    def forks(self) -> list[dict[str, Any]]:
        """Each receipt count at which watchers report different heads, with who reported which."""
        by_count: dict[int, dict[str, set[str]]] = {}
        for o in self.observations:
            by_count.setdefault(o.receipt_count, {}).setdefault(o.final_state_root, set()).add(o.watcher)
        return [
            {"receipt_count": count, "final_state_roots": {root: sorted(w) for root, w in sorted(roots.items())}}
            for count, roots in sorted(by_count.items())
            if len(roots) > 1
        ]

    def heads(self) -> list[dict[str, Any]]:
        """Each attested head, highest first, with its distinct watchers and whether it meets the quorum."""
        grouped: dict[str, tuple[Observation, set[str]]] = {}
        for o in self.observations:
            grouped.setdefault(o.head_commitment, (o, set()))[1].add(o.watcher)
        rows = sorted(grouped.values(), key=lambda item: (-item[0].receipt_count, item[0].head_commitment))
        return [
            {
                "head_commitment_digest_sha256": o.head_commitment,
                "receipt_count": o.receipt_count,
                "final_state_root": o.final_state_root,
                "watchers": sorted(watchers),
                "confirmed_count": len(watchers),
                "quorum_met": len(watchers) >= self.required_count,
            }
            for o, watchers in rows
        ]

    @property
    def fork(self) -> bool:
        return bool(self.forks())

    def lagging(self) -> list[str]:
        """Watchers whose latest observation is below the highest receipt count."""
        if not self.observations:
            return []
        top = max(o.receipt_count for o in self.observations)
        latest: dict[str, int] = {}
        for o in self.observations:
            latest[o.watcher] = max(latest.get(o.watcher, 0), o.receipt_count)
        return sorted(w for w, count in latest.items() if count < top)

    def quorum_head(self) -> dict[str, Any] | None:
        """The highest head that meets the quorum; ``None`` on a fork (a fork alarm overrides any quorum)."""
        if self.fork:
            return None
        return next((h for h in self.heads() if h["quorum_met"]), None)

    @property
    def status(self) -> str:
        if self.fork:
            return "fork"
        return "ok" if self.quorum_head() is not None else "no-quorum"

    def to_json(self) -> dict[str, Any]:
        quorum_head = self.quorum_head()
        return {
            "corridor_id": self.corridor_id,
            "as_of": str(self.as_of),
            "status": self.status,
            "fork": self.fork,
            "forks": self.forks(),
            "lag": bool(self.lagging()),
            "lagging_watchers": self.lagging(),
            "quorum": {
                "threshold": self.quorum.threshold if self.quorum.required is None else str(self.quorum.required),
                "required_count": self.required_count,
                "of": self.watcher_count,
                "n_from": "registry" if self.registry_size else "observed",
                "quorum_met": quorum_head is not None,
                "head_commitment_digest_sha256": None
                if quorum_head is None
                else quorum_head["head_commitment_digest_sha256"],
            },
            "heads": self.heads(),
            "excluded": self.excluded,
        }


def compare_watchers(
    attestations: Iterable[Mapping[str, Any]],
    policy: StateChannelPolicy,
    *,
    now: Timestamp,
    quorum: WatcherQuorum | None = None,
    resolver: KeyResolver | None = None,
) -> WatcherComparison:
    """Run steps 1-4 of the module docstring over ``attestations``; never raises for a bad attestation."""
    chosen = quorum or policy.watcher_quorum
    result = WatcherComparison(policy.corridor_id, now, len(policy.authorized_watchers), chosen)
    oldest = now + timedelta(seconds=-chosen.staleness_seconds())
    for index, document in enumerate(attestations):
        try:
            observation = _observe(document, policy, now, resolver)
        except _ExcludedError as e:
            result.excluded.append({"index": index, "watcher": e.watcher, "reason": e.reason, "detail": e.detail})
            continue
        if observation.observed_at < oldest:
            detail = f"observed_at {observation.observed_at} is older than {chosen.staleness_seconds()} s"
            result.excluded.append(
                {"index": index, "watcher": observation.watcher, "reason": "stale", "detail": detail}
            )
            continue
        result.observations.append(observation)
    return result


class _ExcludedError(Exception):
    def __init__(self, reason: str, detail: str, watcher: str | None = None) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.watcher = reason, detail, watcher


def _observe(
    document: Mapping[str, Any], policy: StateChannelPolicy, now: Timestamp, resolver: KeyResolver | None
) -> Observation:
    try:
        credential = Credential.from_json(document)
    except MsezError as e:
        raise _ExcludedError("malformed", e.message) from e
    watcher = base_did(credential.issuer_id)
    if not WATCHER_ATTESTATION_VCS & set(credential.types):
        raise _ExcludedError("not-a-watcher-attestation", f"type {list(credential.types)}", watcher)
    report = verify_credential(document, resolver=resolver, now=now)
    if not report.ok:
        raise _ExcludedError("does-not-verify", report.summary(), watcher)
    if watcher not in {base_did(m) for m in report.valid_methods}:
        raise _ExcludedError("not-signed-by-issuer", f"no valid proof by the issuer {watcher}", watcher)
    if policy.authorized_watchers and watcher not in policy.authorized_watchers:
        raise _ExcludedError(
            "unregistered", f"{watcher} is not a registered watcher (corridor_watcher_attestation)", watcher
        )
    try:
        return _subject_observation(credential.subjects[0], policy, watcher, now)
    except (MsezError, KeyError, TypeError, AttributeError) as e:
        raise _ExcludedError("malformed", f"credentialSubject: {e}", watcher) from e


def _subject_observation(
    subject: Mapping[str, Any], policy: StateChannelPolicy, watcher: str, now: Timestamp
) -> Observation:
    if subject["corridor_id"] != policy.corridor_id:
        raise _ExcludedError("wrong-corridor", f"attests corridor {subject['corridor_id']!r}", watcher)
    observed_at = Timestamp.parse(subject["observed_at"])
    if observed_at > now + MAX_FUTURE_DRIFT:
        raise _ExcludedError("future", f"observed_at {observed_at} is after {now}", watcher)
    count, root = subject["receipt_count"], str(subject["final_state_root"]).lower()
    if type(count) is not int:
        raise TypeError("receipt_count must be an integer")
    commitment = str(subject.get("head_commitment_digest_sha256", ""))
    if "genesis_root" in subject and "mmr_root" in subject:
        computed = head_commitment(
            corridor_id=subject["corridor_id"],
            genesis_root=subject["genesis_root"],
            receipt_count=count,
            final_state_root=root,
            mmr_root=subject["mmr_root"],
        ).hex
        if commitment and commitment != computed:
            raise _ExcludedError("bad-head-commitment", f"{commitment} does not recompute ({computed})", watcher)
        commitment = computed
    if not commitment:
        raise _ExcludedError("malformed", "no head commitment and no genesis_root/mmr_root to compute it", watcher)
    return Observation(watcher, observed_at, count, root, commitment)
