"""Activation (spec §40.4 rules 6, 7 and 9): commitments, blockers and per-role unique-party thresholds.

Activation also needs now within ``activation.effectiveFrom`` (inclusive) and ``effectiveUntil`` (exclusive).
Each eligible agreement VC speaks for its parties (see :mod:`msez.corridor._agreement`). A commitment is
affirmative when it is absent (a signature alone agrees) or listed in ``activation.accept_commitments`` (default
``["agree"]``); any other commitment blocks activation regardless of thresholds and is reported as
``"<partyDid>:<commitment>"``. Per threshold role, the *unique* parties with an affirmative commitment count; the
role is ``party.role`` for a party-specific VC, else the signer's role among ``participants``.

Threshold ``of`` (spec open question 6, docs/decisions.md): for activation thresholds it is the number of
participants in that role, and a threshold whose ``of`` differs, or whose ``required`` exceeds ``of``, fails. It
is a consistency check; counting never depends on it. Receipt-signing thresholds (which allow 0) are passed on as
they are; without them the activation thresholds apply (rule 9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from msez.core import Did, Timestamp, ValidationError
from msez.corridor._agreement import AgreementSet, participant_roles
from msez.corridor._checks import Check, Rule, failed, passed
from msez.corridor._threshold import Threshold

DEFAULT_ACCEPT: Final = ("agree",)


@dataclass(frozen=True)
class RoleCount:
    """A threshold and the unique parties that count towards it."""

    threshold: Threshold
    parties: tuple[Did, ...]

    @property
    def role(self) -> str:
        return self.threshold.role

    @property
    def count(self) -> int:
        return len(self.parties)

    @property
    def met(self) -> bool:
        return self.count >= self.threshold.required

    @property
    def tally(self) -> str:
        """E.g. ``2 of 2 required (of 2): met``."""
        of = f" (of {self.threshold.of})" if self.threshold.of is not None else ""
        return f"{self.count} of {self.threshold.required} required{of}: {'met' if self.met else 'not met'}"

    def __str__(self) -> str:
        return f"{self.role} {self.tally}"

    def to_json(self) -> dict[str, Any]:
        return {**self.threshold.to_json(), "count": self.count, "met": self.met, "parties": list(self.parties)}


@dataclass(frozen=True)
class Activation:
    """The activation verdict: ``activated`` only with every threshold met, no blocker and no failed check."""

    roles: tuple[RoleCount, ...]
    blockers: tuple[str, ...]
    accept_commitments: tuple[str, ...]
    activated: bool

    @property
    def thresholds_met(self) -> bool:
        return bool(self.roles) and all(r.met for r in self.roles)

    @property
    def state(self) -> str:
        """``activated``, ``blocked`` (a non-affirmative commitment) or ``not-activated``."""
        return "activated" if self.activated else ("blocked" if self.blockers else "not-activated")

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "activated": self.activated,
            "blockers": list(self.blockers),
            "accept_commitments": list(self.accept_commitments),
            "thresholds": [r.to_json() for r in self.roles],
        }


def activation_thresholds(base: Mapping[str, Any]) -> tuple[Threshold, ...]:
    activation = base.get("activation")
    return Threshold.parse_all(activation.get("thresholds") if isinstance(activation, Mapping) else None)


def receipt_thresholds(base: Mapping[str, Any]) -> tuple[Threshold, ...]:
    """``state_channel.receipt_signing.thresholds``, else the activation thresholds (rule 9)."""
    channel = base.get("state_channel")
    signing = channel.get("receipt_signing") if isinstance(channel, Mapping) else None
    if isinstance(signing, Mapping) and isinstance(signing.get("thresholds"), list):
        return Threshold.parse_all(signing["thresholds"])
    return activation_thresholds(base)


def evaluate_activation(agreements: AgreementSet, *, sound: bool, now: Timestamp) -> tuple[Activation, list[Check]]:
    """Count parties, collect blockers and judge activation at ``now``; ``sound`` is false when another check failed."""
    base = agreements.base
    activation = base.get("activation")
    activation = activation if isinstance(activation, Mapping) else {}
    accept = tuple(activation.get("accept_commitments") or DEFAULT_ACCEPT)
    roles = participant_roles(base)
    counted, blockers, checks = _count(agreements, accept, roles)
    thresholds = activation_thresholds(base)
    checks += _of_checks(thresholds, roles) + _window_checks(activation, now)
    counts = tuple(RoleCount(t, tuple(sorted(counted.get(t.role, ())))) for t in thresholds)
    checks += [Check(Rule.THRESHOLD, f"activation {c.role}", c.met, c.tally) for c in counts]
    activated = sound and bool(counts) and all(c.ok for c in checks)  # blockers failed a commitment check
    result = Activation(counts, tuple(dict.fromkeys(blockers)), accept, activated)
    checks.append(_verdict(result))
    return result, checks


def _count(
    agreements: AgreementSet, accept: tuple[str, ...], roles: Mapping[Did, str]
) -> tuple[dict[str, set[Did]], list[str], list[Check]]:
    """Affirmative speakers by role, blockers, and one failed check per blocker."""
    counted: dict[str, set[Did]] = {}
    blockers: list[str] = []
    checks: list[Check] = []
    for agreement in (a for a in agreements.agreements if a.eligible):
        commitment = agreement.commitment
        for did in agreement.speakers:
            if commitment is not None and commitment not in accept:
                blockers.append(f"{did}:{commitment}")
                detail = f"commits {commitment!r}, not one of {list(accept)}: blocks activation"
                checks.append(failed(Rule.COMMITMENT, f"{agreement.file.path}: {did}", detail))
                continue
            role = agreement.party_role if agreement.party is not None else roles.get(did)
            if role is not None:
                counted.setdefault(role, set()).add(did)
    return counted, blockers, checks


def _window_checks(activation: Mapping[str, Any], now: Timestamp) -> list[Check]:
    """``effectiveFrom`` <= now < ``effectiveUntil`` (each when present)."""
    checks: list[Check] = []
    start, end = _instant(activation, "effectiveFrom", checks), _instant(activation, "effectiveUntil", checks)
    if start is not None and now < start:
        checks.append(failed(Rule.ACTIVATION, "activation window", f"effectiveFrom {start} is after now ({now})"))
    if end is not None and not now < end:
        checks.append(failed(Rule.ACTIVATION, "activation window", f"effectiveUntil {end} has passed (now {now})"))
    return checks


def _instant(activation: Mapping[str, Any], name: str, problems: list[Check]) -> Timestamp | None:
    value = activation.get(name)
    if value is None:
        return None
    try:
        return Timestamp.parse(value)
    except ValidationError as e:
        problems.append(failed(Rule.ACTIVATION, "activation window", f"{name}: {e.message}"))
        return None


def _of_checks(thresholds: tuple[Threshold, ...], roles: Mapping[Did, str]) -> list[Check]:
    checks = []
    for t in thresholds:
        if t.of is None:
            continue
        listed = sum(1 for r in roles.values() if r == t.role)
        where = f"activation {t.role}"
        if t.of != listed:
            checks.append(failed(Rule.THRESHOLD, where, f"of {t.of}, but {listed} participant(s) have role {t.role}"))
        elif t.required > t.of:
            checks.append(failed(Rule.THRESHOLD, where, f"required {t.required} exceeds of {t.of}"))
    return checks


def _verdict(activation: Activation) -> Check:
    pattern = ", ".join(str(r) for r in activation.roles) or "no activation thresholds"
    if activation.activated:
        return passed(Rule.ACTIVATION, "agreements", f"activated: {pattern}")
    reasons = []
    if activation.blockers:
        reasons.append(f"blocked by {', '.join(activation.blockers)}")
    if not activation.thresholds_met:
        reasons.append("activation threshold not met")
    if not reasons:
        reasons.append("other checks failed")
    return failed(Rule.ACTIVATION, "agreements", f"not activated: {'; '.join(reasons)} ({pattern})")
