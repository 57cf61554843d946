"""The fork-aware canonical chain (spec 40.11, reference-impl B 6.3) and the ``fork-inspect`` report.

Receipts are streamed in sequence order and grouped by sequence, so memory holds one sequence's candidates. Per
group: every receipt gets the per-receipt checks; copies of one receipt (same ``prev_root`` and ``next_root``)
merge their signers before the thresholds are applied; receipts that descend from an abandoned branch are set
aside as unreachable. One candidate extends the chain. Several are a fork point, resolved by a binding
fork-resolution VC, else by the automatic fork choice when it is enabled; otherwise the fork is unresolved.

In strict mode (``verify``) the first invalid receipt, broken link or unresolved fork raises; otherwise
(``fork-inspect``) everything is recorded and the walk stops extending at an unresolved fork.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from msez.core import Timestamp, ValidationError
from msez.corridor._chain import ChainHead, ChainVerifier
from msez.corridor._channel import StateChannelPolicy
from msez.corridor._check import CheckedReceipt, ReceiptChecker
from msez.corridor._fork import ForkResolutions
from msez.corridor._fork_choice import ForkBranch, ForkChoice, choose_fork
from msez.corridor._names import FORK_INSPECT_TYPE
from msez.corridor._rejection import ForkDetectedError, ReceiptRejectedError
from msez.corridor._watcher import head_commitment_of


@dataclass(frozen=True)
class AutomaticForkChoice:
    """Inputs of the automatic fork choice: branch attestations, the registered watchers, and now."""

    attestations: tuple[Mapping[str, Any], ...]
    registered: frozenset[str]
    now: Timestamp


@dataclass
class ForkPoint:
    """Candidates at one (sequence, prev_root) and how (or whether) the fork was resolved."""

    sequence: int
    prev_root: str
    candidates: dict[str, CheckedReceipt]
    chosen: str | None = None
    resolved_by: str | None = None
    resolution_sources: tuple[str, ...] = ()
    automatic: ForkChoice | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "prev_root": self.prev_root,
            "candidates": [
                {
                    "next_root": root,
                    "timestamp": c.timestamp,
                    "signer_count": len(c.signers),
                    "signers": sorted(c.signers),
                }
                for root, c in sorted(self.candidates.items())
            ],
            "chosen_next_root": self.chosen,
            "resolved": self.chosen is not None,
            "resolved_by": self.resolved_by,
            "resolution_sources": list(self.resolution_sources),
            "automatic_choice": None if self.automatic is None else self.automatic.to_json(),
        }


@dataclass
class CanonicalChain:
    """The result of :func:`build_canonical_chain`."""

    head: ChainHead
    total: int = 0
    valid: int = 0
    invalid: list[dict[str, Any]] = field(default_factory=list)
    unreachable: list[dict[str, Any]] = field(default_factory=list)
    forks: list[ForkPoint] = field(default_factory=list)
    stopped_at: int | None = None
    """The sequence of an unresolved fork where the walk stopped extending (non-strict mode)."""
    errors: list[str] = field(default_factory=list)

    def report(self, *, from_checkpoint: str | None = None) -> dict[str, Any]:
        """The ``fork-inspect`` report."""
        unresolved = [f for f in self.forks if f.chosen is None]
        recommendations, warnings = [], []
        if unresolved:
            at = ", ".join(str(f.sequence) for f in unresolved)
            recommendations.append(f"UNRESOLVED_FORKS: forks at sequence {at}; HALT corridor lifecycle until resolved.")
        if self.invalid:
            recommendations.append(f"INVALID_RECEIPTS_PRESENT: {len(self.invalid)} receipt(s) failed verification.")
        for point in self.forks:
            if (
                point.automatic is not None
                and point.resolved_by == "authority"
                and point.automatic.winner.next_root != point.chosen
            ):
                warnings.append(f"AUTHORITY_OVERRIDES_AUTOMATIC_CHOICE at sequence {point.sequence}")
        if self.unreachable:
            warnings.append(f"{len(self.unreachable)} receipt(s) do not extend the canonical chain")
        head = self.head
        return {
            "type": FORK_INSPECT_TYPE,
            "corridor_id": head.corridor_id,
            "genesis_root": head.genesis_root,
            "from_checkpoint": from_checkpoint,
            "receipts": {
                "total": self.total,
                "valid": self.valid,
                "invalid": len(self.invalid),
                "invalid_details": self.invalid,
                "unreachable": self.unreachable,
            },
            "forks": {
                "total": len(self.forks),
                "resolved": len(self.forks) - len(unresolved),
                "unresolved": len(unresolved),
                "points": [f.to_json() for f in self.forks],
            },
            "canonical_head": {
                "receipt_count": head.receipt_count,
                "final_state_root": head.final_state_root,
                "last_sequence": head.receipt_count - 1 if head.receipt_count else None,
                "mmr_root": head.mmr_root,
                "head_commitment_digest_sha256": head_commitment_of(head).hex,
            },
            "recommendations": recommendations,
            "warnings": warnings,
            "errors": [*self.errors, *(f"unresolved fork at sequence {f.sequence}" for f in unresolved)],
        }


class _Builder:
    def __init__(
        self,
        verifier: ChainVerifier,
        *,
        resolutions: ForkResolutions | None,
        automatic: AutomaticForkChoice | None,
        strict: bool,
    ) -> None:
        self.verifier = verifier
        self.checker = verifier.checker
        self.resolutions = resolutions
        self.automatic = automatic
        self.strict = strict
        self.abandoned: set[str] = set()
        self.result = CanonicalChain(verifier.head)

    def flush(self, group: list[tuple[int, Any]]) -> None:
        candidates: dict[str, CheckedReceipt] = {}
        first_index: dict[str, int] = {}
        for index, receipt in group:
            checked = self._checked(index, receipt)
            if checked is None or not self._links(index, checked):
                continue
            prior = candidates.get(checked.next_root)
            if prior is not None:
                checked = CheckedReceipt(
                    prior.receipt,
                    prior.sequence,
                    prior.prev_root,
                    prior.next_root,
                    prior.timestamp,
                    prior.signers | checked.signers,
                    prior.lawpack_digest_set,
                    prior.ruleset_digest_set,
                )
            candidates[checked.next_root] = checked
            first_index.setdefault(checked.next_root, index)
        passing = {root: c for root, c in candidates.items() if self._meets_thresholds(first_index[root], c)}
        if len(passing) == 1:
            self._extend(next(iter(passing.values())))
        elif passing:
            self._fork(passing)

    def _checked(self, index: int, receipt: Mapping[str, Any]) -> CheckedReceipt | None:
        try:
            checked = self.checker.check(receipt)
        except ReceiptRejectedError as e:
            self._invalid(index, e)
            return None
        self.result.valid += 1
        return checked

    def _invalid(self, index: int, error: ReceiptRejectedError) -> None:
        if self.strict:
            raise error
        self.result.invalid.append(
            {"index": index, "sequence": error.sequence, "reason": error.reason.value, "detail": error.detail}
        )

    def _links(self, index: int, checked: CheckedReceipt) -> bool:
        if checked.prev_root in self.abandoned:
            self.abandoned.add(checked.next_root)
            self.result.unreachable.append(
                {
                    "index": index,
                    "sequence": checked.sequence,
                    "next_root": checked.next_root,
                    "reason": "descends from a losing branch",
                }
            )
            return False
        try:
            self.verifier.check_link(checked.sequence, checked.prev_root)
        except ReceiptRejectedError as e:
            if self.strict:
                raise
            self.result.unreachable.append(
                {"index": index, "sequence": checked.sequence, "next_root": checked.next_root, "reason": e.detail}
            )
            return False
        return True

    def _meets_thresholds(self, index: int, checked: CheckedReceipt) -> bool:
        try:
            self.checker.check_thresholds(checked.sequence, checked.signers)
        except ReceiptRejectedError as e:
            self.result.valid -= 1
            self._invalid(index, e)
            return False
        return True

    def _extend(self, checked: CheckedReceipt) -> None:
        self.verifier.extend(checked)

    def _fork(self, candidates: dict[str, CheckedReceipt]) -> None:
        first = next(iter(candidates.values()))
        point = ForkPoint(first.sequence, first.prev_root, candidates)
        self.result.forks.append(point)
        if self.automatic is not None:
            point.automatic = _tournament(list(candidates.values()), self.automatic)
        resolution = self.resolutions.get(point.sequence, point.prev_root) if self.resolutions else None
        if resolution is not None and resolution.chosen_next_root in candidates:
            point.chosen, point.resolved_by = resolution.chosen_next_root, "authority"
            point.resolution_sources = resolution.sources
        elif resolution is not None:
            problem = (
                f"the fork resolution at sequence {point.sequence} chooses {resolution.chosen_next_root}, "
                "which is not a candidate"
            )
            if self.strict:
                raise ValidationError(problem)
            self.result.errors.append(problem)
        elif point.automatic is not None:
            point.chosen, point.resolved_by = point.automatic.winner.next_root, "automatic"
        if point.chosen is None:
            if self.strict:
                raise ForkDetectedError(
                    sequence=point.sequence,
                    prev_root=point.prev_root,
                    receipts=[c.receipt for c in candidates.values()],
                    detail=f"{len(candidates)} valid receipts and no binding fork resolution",
                )
            self.result.stopped_at = point.sequence
            self.abandoned.update(candidates)
            return
        self.abandoned.update(root for root in candidates if root != point.chosen)
        self._extend(candidates[point.chosen])


def _tournament(candidates: list[CheckedReceipt], automatic: AutomaticForkChoice) -> ForkChoice:
    branches = [ForkBranch(c.sequence, c.prev_root, c.next_root, Timestamp.parse(c.timestamp)) for c in candidates]
    choice = choose_fork(
        branches[0],
        branches[1],
        attestations=automatic.attestations,
        registered=automatic.registered,
        now=automatic.now,
    )
    for branch in branches[2:]:
        choice = choose_fork(
            choice.winner,
            branch,
            attestations=automatic.attestations,
            registered=automatic.registered,
            now=automatic.now,
        )
    return choice


def build_canonical_chain(
    receipts: Iterable[Mapping[str, Any]],
    policy: StateChannelPolicy,
    *,
    checker: ReceiptChecker | None = None,
    start: ChainHead | None = None,
    resolutions: ForkResolutions | None = None,
    automatic: AutomaticForkChoice | None = None,
    strict: bool = True,
    on_extend: Callable[[CheckedReceipt], None] | None = None,
) -> CanonicalChain:
    """Walk ``receipts`` (in sequence order) to the canonical head; see the module docstring.

    Raises:
        ReceiptRejectedError: strict mode, the first invalid receipt or broken link. ForkDetectedError: strict
            mode, an unresolved fork. ValidationError: a resolution chooses a root that is not a candidate.
    """
    verifier = ChainVerifier(policy, checker=checker, start=start, on_extend=on_extend)
    builder = _Builder(verifier, resolutions=resolutions, automatic=automatic, strict=strict)
    group: list[tuple[int, Any]] = []
    group_sequence: Any = None
    first = start.receipt_count if start is not None else 0
    for index, receipt in enumerate(receipts):
        sequence = receipt.get("sequence") if isinstance(receipt, Mapping) else None
        if type(sequence) is int and sequence < first:
            continue
        builder.result.total += 1
        if group and (sequence != group_sequence or type(sequence) is not int):
            builder.flush(group)
            group = []
        group.append((index, receipt))
        group_sequence = sequence
    if group:
        builder.flush(group)
    builder.result.head = verifier.head
    return builder.result
