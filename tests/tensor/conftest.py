"""Small real in-memory implementations of the pack protocols, and attestation helpers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from msez.core import ComplianceDomain, digest_of
from msez.tensor import AttestationRef

NOW = "2026-01-15T12:00:00Z"


def attestation(
    att_id: str, kind: str = "kyc_verification", expires: str | None = "2027-01-01T00:00:00Z"
) -> AttestationRef:
    return AttestationRef(
        att_id, kind, "did:key:z6MkIssuer", "2025-01-01T00:00:00Z", digest_of({"id": att_id}), expires
    )


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float
    field: str
    explanation: str


@dataclass(frozen=True)
class Outcome:
    matches: tuple[Match, ...]


@dataclass
class ListScreener:
    """Exact normalised-name and identifier screening over a short list: {entry_id: (name, {type: value})}."""

    entries: Mapping[str, tuple[str, Mapping[str, str]]]

    def screen(self, name: str, identifiers: Sequence[tuple[str, str]]) -> Outcome:
        hits = []
        for entry_id, (listed, ids) in self.entries.items():
            if _norm(listed) == _norm(name):
                hits.append(Match(entry_id, 1.0, "primary_name", f"normalised name equals {listed!r}"))
            for kind, value in identifiers:
                if ids.get(kind, "").upper() == value.upper():
                    hits.append(Match(entry_id, 1.0, f"identifier:{kind}", f"{kind} {value} is listed"))
        return Outcome(tuple(hits))


@dataclass
class LicenceRegistry:
    """{holder_did: [(licence_id, status, activities, expiry)]}; the first compliant licence wins."""

    licences: Mapping[str, list[tuple[str, str, set[str], date]]] = field(default_factory=dict)

    def verify_license(self, holder_did: str, activity: str, on: date) -> tuple[bool, str, str | None]:
        states = []
        for licence_id, status, activities, expiry in self.licences.get(holder_did, []):
            if status == "active" and on <= expiry and activity in activities:
                return True, "COMPLIANT", licence_id
            states.append(("SUSPENDED" if status == "suspended" else "NON_COMPLIANT", licence_id))
        for wanted in ("SUSPENDED", "NON_COMPLIANT"):
            for state, licence_id in states:
                if state == wanted:
                    return False, state, licence_id
        return False, "NON_COMPLIANT", None


@dataclass
class AttestationStore:
    by_entity: Mapping[tuple[str, ComplianceDomain], list[AttestationRef]] = field(default_factory=dict)

    def attestations_for(self, entity_id: str, domain: ComplianceDomain) -> Sequence[AttestationRef]:
        return self.by_entity.get((entity_id, domain), [])


@dataclass
class FilerList:
    statuses: Mapping[str, str] = field(default_factory=dict)

    def filer_status(self, ntn: str, on: date) -> str | None:
        return self.statuses.get(ntn)
