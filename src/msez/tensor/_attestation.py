"""Attestation references (reference-impl A §4.1) and their conservative expiry rule.

An attestation without ``expires_at`` never expires; one whose ``expires_at`` cannot be parsed counts as expired
(fail closed); otherwise it is expired when the evaluation time is strictly after the expiry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from msez.core import ContentDigest, Timestamp, ValidationError


@dataclass(frozen=True, slots=True)
class AttestationRef:
    """A reference to an attestation (a VC or registry record) backing a compliance cell."""

    attestation_id: str
    attestation_type: str
    issuer_did: str
    issued_at: str
    digest: ContentDigest
    expires_at: str | None = None
    _expiry: Timestamp | None = field(init=False, repr=False, compare=False, default=None)
    _bad_expiry: bool = field(init=False, repr=False, compare=False, default=False)

    def __post_init__(self) -> None:
        if self.expires_at is None:
            return
        try:
            object.__setattr__(self, "_expiry", Timestamp.parse(self.expires_at))
        except ValidationError:
            object.__setattr__(self, "_bad_expiry", True)

    def is_expired(self, now: Timestamp) -> bool:
        """Expired at ``now``: unparseable expiry is expired; no expiry never is."""
        if self._bad_expiry:
            return True
        return self._expiry is not None and now > self._expiry

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "attestation_id": self.attestation_id,
            "attestation_type": self.attestation_type,
            "issuer_did": self.issuer_did,
            "issued_at": self.issued_at,
            "digest": self.digest.hex,
        }
        if self.expires_at is not None:
            data["expires_at"] = self.expires_at
        return data
