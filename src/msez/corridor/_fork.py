"""Forks (spec 40.11): detection, the fork-alarm VC, the fork-resolution VC and the resolutions a chain obeys.

A fork is two valid receipts with the same ``(corridor_id, sequence, prev_root)`` and different ``next_root``.
A fork-resolution VC names the chosen ``next_root`` for one ``(sequence, prev_root)``. It binds only when it
verifies and at least one valid proof is by a ``zone_authority`` party of the corridor; such a resolution
overrides the automatic fork choice (decision on spec open question 13). Unsigned resolution objects are refused:
they could otherwise overrule the automatic rule without anyone answering for it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from msez.core import ConflictError, Timestamp, ValidationError, VerificationError, payload_digest
from msez.corridor._channel import StateChannelPolicy, base_did
from msez.corridor._check import ReceiptChecker
from msez.corridor._fork_choice import ForkChoice
from msez.corridor._names import (
    FORK_ALARM_VC,
    FORK_RESOLUTION_TYPE,
    FORK_RESOLUTION_TYPES,
    FORK_RESOLUTION_VC,
    FORK_RESOLUTION_VCS,
)
from msez.corridor._receipt import receipt_ref
from msez.corridor._rejection import ForkDetectedError
from msez.crypto import ArtifactStore
from msez.vc import Credential, KeyResolver, new_credential, verify_credential

RESOLVING_ROLE = "zone_authority"


@dataclass(frozen=True)
class ForkEvidence:
    """Two valid receipts that fork the chain at ``sequence``."""

    corridor_id: str
    sequence: int
    prev_root: str
    receipt_a: Mapping[str, Any]
    receipt_b: Mapping[str, Any]

    @classmethod
    def of(cls, error: ForkDetectedError) -> ForkEvidence:
        """The first two receipts of a detected fork."""
        a, b = error.receipts[:2]
        return cls(str(a["corridor_id"]), error.sequence or 0, error.prev_root, a, b)


def detect_fork(receipt_a: Mapping[str, Any], receipt_b: Mapping[str, Any], checker: ReceiptChecker) -> ForkEvidence:
    """Check that two receipts are a fork: both pass every receipt check (thresholds included) and extend the same
    point with different roots.

    Raises:
        ReceiptRejectedError: one receipt is invalid. ValidationError: valid, but not a fork.
    """
    a, b = checker.check(receipt_a), checker.check(receipt_b)
    for checked in (a, b):
        checker.check_thresholds(checked.sequence, checked.signers)
    if (a.sequence, a.prev_root) != (b.sequence, b.prev_root):
        raise ValidationError(
            f"not a fork: receipts extend ({a.sequence}, {a.prev_root[:16]}...) and "
            f"({b.sequence}, {b.prev_root[:16]}...)"
        )
    if a.next_root == b.next_root:
        raise ValidationError("not a fork: both receipts have the same next_root")
    return ForkEvidence(checker.policy.corridor_id, a.sequence, a.prev_root, receipt_a, receipt_b)


def fork_alarm_credential(
    fork: ForkEvidence,
    *,
    issuer: str,
    detected_at: Timestamp | None = None,
    store: ArtifactStore | None = None,
    credential_id: str | None = None,
    notes: str | None = None,
) -> Credential:
    """An unsigned fork-alarm VC citing both receipts as blobs (stored in ``store`` when given)."""
    refs = []
    for receipt in (fork.receipt_a, fork.receipt_b):
        ref = store.put_json("blob", dict(receipt)) if store is not None else receipt_ref(receipt)
        refs.append({"artifact_type": "blob", "digest_sha256": ref.digest_sha256.hex})
    subject: dict[str, Any] = {
        "corridor_id": fork.corridor_id,
        "detected_at": str(detected_at or Timestamp.now()),
        "sequence": fork.sequence,
        "prev_root": fork.prev_root,
        "next_root_a": fork.receipt_a["next_root"],
        "next_root_b": fork.receipt_b["next_root"],
        "receipt_a": refs[0],
        "receipt_b": refs[1],
    }
    if notes is not None:
        subject["notes"] = notes
    return new_credential(
        types=[FORK_ALARM_VC],
        issuer=issuer,
        subject=subject,
        issued_at=detected_at,
        credential_id=credential_id or f"urn:msez:vc:corridor-fork-alarm:{fork.corridor_id}:{uuid.uuid4()}",
    )


def fork_resolution_credential(
    *,
    corridor_id: str,
    sequence: int,
    prev_root: str,
    chosen_next_root: str,
    issuer: str,
    candidates: Iterable[str] = (),
    resolved_at: Timestamp | None = None,
    reason: str | None = None,
    automatic: ForkChoice | None = None,
    resolution_id: str | None = None,
) -> Credential:
    """An unsigned fork-resolution VC; ``automatic`` records what the automatic rule chose, for the record."""
    resolution = resolution_id or f"urn:msez:corridor-fork-resolution:{corridor_id}:{sequence}:{uuid.uuid4()}"
    subject: dict[str, Any] = {
        "type": FORK_RESOLUTION_TYPE,
        "corridor_id": corridor_id,
        "sequence": sequence,
        "prev_root": prev_root,
        "chosen_next_root": chosen_next_root,
        "resolved_at": str(resolved_at or Timestamp.now()),
        "resolution_id": resolution,
        "candidates": [{"next_root": root} for root in sorted({*candidates, chosen_next_root})],
    }
    if reason is not None:
        subject["reason"] = reason
    if automatic is not None:
        subject["meta"] = {"automatic_fork_choice": automatic.to_json()}
    return new_credential(
        types=[FORK_RESOLUTION_VC], issuer=issuer, subject=subject, issued_at=resolved_at, credential_id=resolution
    )


@dataclass(frozen=True, slots=True)
class Resolution:
    chosen_next_root: str
    sources: tuple[str, ...]
    """Payload digests of the resolution VCs that chose it."""


@dataclass
class ForkResolutions:
    """Binding resolutions by ``(sequence, prev_root)``; see :meth:`from_credentials`."""

    corridor_id: str
    by_point: dict[tuple[int, str], Resolution] = field(default_factory=dict)

    def get(self, sequence: int, prev_root: str) -> Resolution | None:
        return self.by_point.get((sequence, prev_root))

    def add(self, sequence: int, prev_root: str, chosen: str, source: str) -> None:
        """Record a resolution.

        Raises:
            ConflictError: another resolution chose a different root for the same point.
        """
        existing = self.by_point.get((sequence, prev_root))
        if existing is not None and existing.chosen_next_root != chosen:
            raise ConflictError(
                f"fork resolutions disagree at sequence {sequence}: {existing.chosen_next_root} and {chosen}"
            )
        sources = (*existing.sources, source) if existing else (source,)
        self.by_point[(sequence, prev_root)] = Resolution(chosen, sources)

    @classmethod
    def from_credentials(
        cls,
        documents: Iterable[Mapping[str, Any]],
        policy: StateChannelPolicy,
        *,
        resolver: KeyResolver | None = None,
        now: Timestamp | None = None,
    ) -> ForkResolutions:
        """Verify fork-resolution VCs and collect them.

        Raises:
            VerificationError: a VC does not verify or no valid proof is by a ``zone_authority`` party.
            ValidationError: not a fork-resolution VC for this corridor. ConflictError: two disagree.
        """
        out = cls(policy.corridor_id)
        for document in documents:
            subject = verified_resolution(document, policy, resolver=resolver, now=now)
            out.add(
                subject["sequence"], subject["prev_root"], subject["chosen_next_root"], payload_digest(document).hex
            )
        return out


def verified_resolution(
    document: Mapping[str, Any],
    policy: StateChannelPolicy,
    *,
    resolver: KeyResolver | None = None,
    now: Timestamp | None = None,
) -> Mapping[str, Any]:
    """The subject of a fork-resolution VC that binds this corridor (see the module docstring).

    Raises:
        ValidationError, VerificationError: as :meth:`ForkResolutions.from_credentials`.
    """
    credential = Credential.from_json(document)
    if not FORK_RESOLUTION_VCS & set(credential.types):
        raise ValidationError(f"not a fork-resolution VC: type {list(credential.types)}")
    subject = credential.subjects[0]
    if (
        subject.get("type", FORK_RESOLUTION_TYPE) not in FORK_RESOLUTION_TYPES
        or subject.get("corridor_id") != policy.corridor_id
    ):
        raise ValidationError(f"the fork resolution is not for corridor {policy.corridor_id!r}")
    for name in ("sequence", "prev_root", "chosen_next_root"):
        if name not in subject:
            raise ValidationError(f"the fork resolution has no {name}")
    report = verify_credential(document, resolver=resolver, now=now)
    if not report.ok:
        raise VerificationError(f"fork resolution does not verify: {report.summary()}")
    if not any(policy.role_of(base_did(m)) == RESOLVING_ROLE for m in report.valid_methods):
        raise VerificationError(f"fork resolution is not signed by a {RESOLVING_ROLE} party of the corridor")
    return subject
