"""Finality of a chain head over the six levels (spec 40.11, reference-impl B 6.7).

``proposed < receipt_signed < checkpoint_signed < watcher_quorum < l1_anchored < legally_recognized``. The level
of a verified head is the highest one whose evidence is supplied and matches the head:

* ``receipt_signed``: the head has at least one verified receipt;
* ``checkpoint_signed``: a verified checkpoint with the head's count, final root and MMR root;
* ``watcher_quorum``: a watcher comparison whose quorum head is this head, with no fork reported;
* ``l1_anchored`` / ``legally_recognized``: an anchor VC / arbitration award VC that verifies and names the head
  commitment.

Evidence that does not match is reported in ``warnings`` rather than ignored silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from msez.core import MsezError, Timestamp, ValidationError, payload_digest
from msez.corridor._chain import ChainHead
from msez.corridor._checkpoint import VerifiedCheckpoint
from msez.corridor._names import ANCHOR_VCS, AWARD_VCS, FINALITY_STATUS_TYPE, FINALITY_STATUS_TYPES
from msez.corridor._watcher import WatcherComparison, head_commitment_of
from msez.vc import Credential, KeyResolver, verify_credential


class FinalityLevel(IntEnum):
    PROPOSED = 0
    RECEIPT_SIGNED = 1
    CHECKPOINT_SIGNED = 2
    WATCHER_QUORUM = 3
    L1_ANCHORED = 4
    LEGALLY_RECOGNIZED = 5

    @property
    def label(self) -> str:
        """The JSON name, e.g. ``receipt_signed``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> FinalityLevel:
        """Raises: ValidationError: not one of the six level names."""
        for level in cls:
            if text == level.label:
                return level
        raise ValidationError(f"unknown finality level {text!r}; expected one of: {', '.join(x.label for x in cls)}")


def finality_status(
    head: ChainHead,
    *,
    as_of: Timestamp,
    checkpoint: VerifiedCheckpoint | None = None,
    watchers: WatcherComparison | None = None,
    anchors: Iterable[Mapping[str, Any]] = (),
    awards: Iterable[Mapping[str, Any]] = (),
    resolver: KeyResolver | None = None,
) -> dict[str, Any]:
    """The ``corridor.finality-status`` document of ``head`` given the evidence (see the module docstring)."""
    commitment = head_commitment_of(head).hex
    level = FinalityLevel.RECEIPT_SIGNED if head.receipt_count else FinalityLevel.PROPOSED
    evidence: dict[str, Any] = {}
    warnings: list[str] = []
    if checkpoint is not None:
        if _matches(checkpoint, head):
            level = max(level, FinalityLevel.CHECKPOINT_SIGNED)
            evidence["checkpoint"] = {"artifact_type": "checkpoint", "digest_sha256": checkpoint.digest.hex}
        else:
            warnings.append(f"checkpoint {checkpoint.digest.hex} is not of this head")
    if watchers is not None:
        level = max(level, _watcher_level(watchers, commitment, evidence, warnings))
    anchored = _matching(
        anchors, ANCHOR_VCS, commitment=commitment, now=as_of, resolver=resolver, warnings=warnings, what="anchor"
    )
    if anchored:
        level = max(level, FinalityLevel.L1_ANCHORED)
        evidence["anchors"] = anchored
    recognised = _matching(
        awards, AWARD_VCS, commitment=commitment, now=as_of, resolver=resolver, warnings=warnings, what="award"
    )
    if recognised:
        level = max(level, FinalityLevel.LEGALLY_RECOGNIZED)
        evidence["disputes"] = recognised
    status: dict[str, Any] = {
        "type": FINALITY_STATUS_TYPE,
        "corridor_id": head.corridor_id,
        "as_of": str(as_of),
        "finality_level": level.label,
        "receipt_count": head.receipt_count,
        "final_state_root": head.final_state_root,
        "mmr_root": head.mmr_root,
        "head_commitment_digest_sha256": commitment,
        "evidence": evidence,
    }
    if warnings:
        status["warnings"] = warnings
    return status


def _matches(checkpoint: VerifiedCheckpoint, head: ChainHead) -> bool:
    other = checkpoint.head
    return (other.receipt_count, other.final_state_root, checkpoint.root) == (
        head.receipt_count,
        head.final_state_root,
        head.mmr_root,
    )


def _watcher_level(
    watchers: WatcherComparison, commitment: str, evidence: dict[str, Any], warnings: list[str]
) -> FinalityLevel:
    if watchers.fork:
        warnings.append("watchers report a fork; watcher quorum is not counted")
        return FinalityLevel.PROPOSED
    head = next((h for h in watchers.heads() if h["head_commitment_digest_sha256"] == commitment), None)
    evidence["watcher_quorum"] = {
        "required_count": watchers.required_count,
        "confirmed_count": 0 if head is None else head["confirmed_count"],
        "quorum_met": head is not None and head["quorum_met"],
        "watcher_ids": [] if head is None else head["watchers"],
    }
    return FinalityLevel.WATCHER_QUORUM if head is not None and head["quorum_met"] else FinalityLevel.PROPOSED


def _matching(
    documents: Iterable[Mapping[str, Any]],
    types: frozenset[str],
    *,
    commitment: str,
    now: Timestamp,
    resolver: KeyResolver | None,
    warnings: list[str],
    what: str,
) -> list[dict[str, str]]:
    refs = []
    for index, document in enumerate(documents):
        try:
            credential = Credential.from_json(document)
        except MsezError as e:
            warnings.append(f"{what}[{index}] is not a credential: {e.message}")
            continue
        subject = credential.subjects[0]
        report = verify_credential(document, resolver=resolver, now=now)
        if not types & set(credential.types) or subject.get("head_commitment_digest_sha256") != commitment:
            warnings.append(f"{what}[{index}] does not name this head")
        elif not report.ok:
            warnings.append(f"{what}[{index}] does not verify: {report.summary()}")
        else:
            refs.append({"artifact_type": "vc", "digest_sha256": payload_digest(document).hex})
    return refs


def finality_of(status: Mapping[str, Any], *, corridor_id: str) -> tuple[FinalityLevel, int]:
    """The level and receipt count of a finality-status document for ``corridor_id``.

    Raises:
        ValidationError: not a finality status of that corridor.
    """
    if not isinstance(status, Mapping) or status.get("type") not in FINALITY_STATUS_TYPES:
        raise ValidationError(f"expected a {FINALITY_STATUS_TYPE} document")
    if status.get("corridor_id") != corridor_id:
        raise ValidationError(f"the finality status is for corridor {status.get('corridor_id')!r}, not {corridor_id!r}")
    count = status.get("receipt_count")
    if type(count) is not int or count < 0:
        raise ValidationError("the finality status has no receipt_count")
    return FinalityLevel.parse(str(status.get("finality_level"))), count
