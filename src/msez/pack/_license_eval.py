"""Licence compliance (reference-impl A 6.3, spec 98): evaluation of an activity on a date, holder verification,
deltas between two licensepacks and staleness against a zone's refresh policy."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from msez.core import Timestamp, ValidationError


class LicenseStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    PENDING = "pending"
    SURRENDERED = "surrendered"


class LicenseComplianceState(StrEnum):
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    PENDING = "PENDING"
    SUSPENDED = "SUSPENDED"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class LicenseRecord:
    """The fields of a licence that compliance reads; ``raw`` is the licence as stored."""

    license_id: str
    status: str
    holder_id: str
    holder_did: str | None
    expiry_date: str | None
    permitted_activities: tuple[str, ...]
    permissions: tuple[Mapping[str, Any], ...]
    restrictions: tuple[Mapping[str, Any], ...]
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> LicenseRecord:
        return cls(
            license_id=str(value.get("license_id", "")),
            status=str(value.get("status", "")),
            holder_id=str(value.get("holder_id", "")),
            holder_did=value.get("holder_did"),
            expiry_date=value.get("expiry_date"),
            permitted_activities=tuple(value.get("permitted_activities") or ()),
            permissions=tuple(value.get("permissions") or ()),
            restrictions=tuple(value.get("restrictions") or ()),
            raw=value,
        )


@dataclass(frozen=True)
class LicenseEvaluation:
    state: LicenseComplianceState
    reason: str
    license_id: str | None


def evaluate_compliance(
    license: LicenseRecord, activity: str, on: date, *, jurisdiction: str | None = None
) -> LicenseEvaluation:
    """Evaluate ``activity`` under ``license`` on ``on``, in the reference order: suspended; pending; revoked,
    expired or surrendered; expiry date passed; activity not permitted; blocked by a restriction; compliant.
    ``jurisdiction`` additionally applies geographic restrictions (``*`` blocks all but the allowed list)."""
    state, lid = LicenseComplianceState, license.license_id
    if license.status == LicenseStatus.SUSPENDED:
        return LicenseEvaluation(state.SUSPENDED, f"licence {lid} is suspended", lid)
    if license.status == LicenseStatus.PENDING:
        return LicenseEvaluation(state.PENDING, f"licence {lid} is pending", lid)
    if license.status != LicenseStatus.ACTIVE:
        return LicenseEvaluation(state.NON_COMPLIANT, f"licence {lid} is {license.status or 'without status'}", lid)
    if license.expiry_date and _before(license.expiry_date, on):
        return LicenseEvaluation(state.NON_COMPLIANT, f"licence {lid} expired on {license.expiry_date}", lid)
    if not permits_activity(license, activity):
        return LicenseEvaluation(state.NON_COMPLIANT, f"licence {lid} does not permit {activity!r}", lid)
    blocking = _blocking_restriction(license, activity, jurisdiction)
    if blocking is not None:
        return LicenseEvaluation(state.NON_COMPLIANT, f"licence {lid}: restriction {blocking} blocks {activity!r}", lid)
    return LicenseEvaluation(state.COMPLIANT, f"licence {lid} is active and permits {activity!r}", lid)


def permits_activity(license: LicenseRecord, activity: str) -> bool:
    """A non-empty ``permitted_activities`` is an allow-list; otherwise an active permission for the activity."""
    if license.permitted_activities:
        return activity in license.permitted_activities
    return any(p.get("activity") == activity and p.get("status", "active") == "active" for p in license.permissions)


def _blocking_restriction(license: LicenseRecord, activity: str, jurisdiction: str | None) -> str | None:
    for restriction in license.restrictions:
        if restriction.get("status", "active") != "active":
            continue
        name = str(restriction.get("restriction_id", "?"))
        if activity in (restriction.get("blocked_activities") or ()):
            return name
        blocked = restriction.get("blocked_jurisdictions") or ()
        allowed = restriction.get("allowed_jurisdictions") or ()
        if jurisdiction is not None and (jurisdiction in blocked or ("*" in blocked and jurisdiction not in allowed)):
            return name
    return None


def _before(text: str, on: date) -> bool:
    """``text < on``, as dates when ``text`` is one, else as strings (the reference's fallback)."""
    try:
        return date.fromisoformat(text[:10]) < on
    except ValueError:
        return text < on.isoformat()


class LicenseCheck(NamedTuple):
    """``verify_license`` result: ``(valid, state, license_id)``."""

    valid: bool
    state: LicenseComplianceState
    license_id: str | None


def verify_license(licenses: Sequence[LicenseRecord], holder_did: str, activity: str, on: date) -> LicenseCheck:
    """Is ``holder_did`` licensed for ``activity`` on ``on``? The first compliant licence (by id) wins; otherwise
    SUSPENDED if any is suspended, else PENDING if any is pending, else NON_COMPLIANT."""
    if not holder_did or not licenses:
        return LicenseCheck(False, LicenseComplianceState.NON_COMPLIANT, None)
    evaluations = [evaluate_compliance(lic, activity, on) for lic in sorted(licenses, key=lambda x: x.license_id)]
    for wanted in (LicenseComplianceState.COMPLIANT, LicenseComplianceState.SUSPENDED, LicenseComplianceState.PENDING):
        for evaluation in evaluations:
            if evaluation.state == wanted:
                return LicenseCheck(wanted == LicenseComplianceState.COMPLIANT, wanted, evaluation.license_id)
    return LicenseCheck(False, LicenseComplianceState.NON_COMPLIANT, evaluations[0].license_id)


@dataclass(frozen=True)
class LicensepackDelta:
    """Licences granted, revoked, suspended and reinstated between two licensepacks (ids sorted)."""

    granted: tuple[str, ...]
    revoked: tuple[str, ...]
    suspended: tuple[str, ...]
    reinstated: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "licenses_granted": len(self.granted),
            "licenses_revoked": len(self.revoked),
            "licenses_suspended": len(self.suspended),
            "licenses_reinstated": len(self.reinstated),
            "details": {
                "granted": list(self.granted),
                "revoked": list(self.revoked),
                "suspended": list(self.suspended),
                "reinstated": list(self.reinstated),
            },
        }


def licensepack_delta(previous: Mapping[str, Any], current: Mapping[str, Any]) -> LicensepackDelta:
    """The reference's ``compute_delta``: new and active -> granted, new and suspended -> suspended, removed
    while active -> revoked, suspended -> active = reinstated, -> suspended = suspended, -> revoked = revoked."""
    before = {str(x.get("license_id")): str(x.get("status")) for x in previous.get("licenses") or []}
    after = {str(x.get("license_id")): str(x.get("status")) for x in current.get("licenses") or []}
    out: dict[str, list[str]] = {"granted": [], "revoked": [], "suspended": [], "reinstated": []}
    for license_id in sorted(before.keys() | after.keys()):
        old, new = before.get(license_id), after.get(license_id)
        if old is None:
            kind = {"active": "granted", "suspended": "suspended"}.get(str(new))
        elif new is None:
            kind = "revoked" if old == "active" else None
        elif old == new:
            kind = None
        elif old == "suspended" and new == "active":
            kind = "reinstated"
        else:
            kind = {"suspended": "suspended", "revoked": "revoked"}.get(new)
        if kind:
            out[kind].append(license_id)
    return LicensepackDelta(*(tuple(out[k]) for k in ("granted", "revoked", "suspended", "reinstated")))


@dataclass(frozen=True)
class RefreshPolicy:
    """A zone's licensepack refresh policy for one domain."""

    frequency: str
    max_staleness_hours: int


_FREE_TEXT = re.compile(r"(hourly|daily|weekly).*?max\s+(\d+)\s*h", re.IGNORECASE)


def refresh_policy(zone: Mapping[str, Any], domain: str) -> RefreshPolicy | None:
    """``licensepack_refresh_policy[domain]`` or ``[default]`` of a zone document. Accepts the old schema's
    ``refresh_frequency``, the new ``frequency`` and the free text of the GENESIS zones ("hourly, max 4h
    staleness").

    Raises:
        ValidationError: a policy that is present but unreadable.
    """
    policies = zone.get("licensepack_refresh_policy") or {}
    value = policies.get(domain, policies.get("default"))
    if value is None:
        return None
    if isinstance(value, str):
        match = _FREE_TEXT.search(value)
        if match is None:
            raise ValidationError(f"licensepack_refresh_policy.{domain}: cannot read {value!r}")
        return RefreshPolicy(match.group(1).lower(), int(match.group(2)))
    hours = value.get("max_staleness_hours") if isinstance(value, Mapping) else None
    if not isinstance(hours, int) or isinstance(hours, bool) or hours < 1:
        raise ValidationError(f"licensepack_refresh_policy.{domain}: max_staleness_hours must be an integer >= 1")
    return RefreshPolicy(str(value.get("frequency") or value.get("refresh_frequency") or "daily"), hours)


@dataclass(frozen=True)
class Staleness:
    age_seconds: int
    max_staleness_hours: int

    @property
    def stale(self) -> bool:
        return self.age_seconds > self.max_staleness_hours * 3600


def staleness(document: Mapping[str, Any], policy: RefreshPolicy, now: Timestamp) -> Staleness:
    """How old the licensepack's ``snapshot_timestamp`` is at ``now``, against the policy."""
    taken = Timestamp.parse(str(document.get("snapshot_timestamp", "")))
    return Staleness(int((now - taken).total_seconds()), policy.max_staleness_hours)
