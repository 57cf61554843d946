"""The state-channel policy: everything receipt, checkpoint and watcher verification needs from the agreement.

:class:`StateChannelPolicy` is built from a verified corridor module by :func:`state_channel_policy`
(``msez corridor state ... --corridor PATH``) or read from JSON (``--policy FILE``). It carries the genesis inputs
(spec 40.6), the digest sets every receipt must bind (40.7), the receipt-signing thresholds by role (40.4 rule 9;
the agreement layer substitutes the activation thresholds when the agreement names none), the role of each party
DID, the DIDs allowed to sign receipts and checkpoints (trust anchors ``corridor_receipt`` merged with the
authority registry), the registered watchers (``corridor_watcher_attestation``), the watcher quorum and the
checkpointing settings.

DIDs are stored without their ``#fragment``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator

from msez.core import ContentDigest, ValidationError
from msez.corridor._names import POLICY_TYPE, POLICY_TYPES
from msez.corridor._threshold import Threshold
from msez.state import parse_model

_K_OF_N = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*\Z")
_DURATION = re.compile(r"\s*(\d+)\s*([smhd]?)\s*\Z", re.IGNORECASE)
_ISO_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_MAX_STALENESS = 3600


def base_did(method: str) -> str:
    """A verification method or DID without its ``#fragment``."""
    return method.split("#", 1)[0]


def parse_duration(text: str | int) -> int:
    """Seconds in ``86400``, ``90s``/``15m``/``1h``/``2d`` (any case) or ISO 8601 ``P1D``/``PT1H30M``/``P1DT2H``.

    Raises:
        ValidationError: any other form (the reference silently read it as 0; we refuse it).
    """
    if isinstance(text, int) and not isinstance(text, bool):
        if text < 0:
            raise ValidationError(f"a duration must not be negative, got {text}")
        return text
    if not isinstance(text, str):
        raise ValidationError(f"a duration must be a string or integer seconds, got {type(text).__name__}")
    short = _DURATION.match(text)
    if short is not None:
        return int(short.group(1)) * _UNIT_SECONDS[short.group(2).lower()]
    iso = _ISO_DURATION.match(text.strip().upper())
    if iso is not None and any(iso.groups()):
        days, hours, minutes, seconds = (int(g or 0) for g in iso.groups())
        return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
    raise ValidationError(f"invalid duration {text!r}: expected seconds (86400), 1h / 30m / 2d, or ISO 8601 PT1H / P1D")


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WatcherQuorum(_Wire):
    """``state_channel.watcher_quorum``: ``majority`` (strictly more than N/2) or ``K/N``; ``required`` wins."""

    mode: Literal["optional", "required"] = "optional"
    threshold: str = "majority"
    required: int | None = Field(default=None, ge=1, strict=True)
    of: int | None = Field(default=None, ge=1, strict=True)
    max_staleness: str | None = None
    max_staleness_seconds: int | None = Field(default=None, ge=0, strict=True)

    @field_validator("threshold")
    @classmethod
    def _threshold(cls, value: str) -> str:
        if value != "majority" and not _K_OF_N.match(value):
            raise ValueError(f"threshold must be 'majority' or 'K/N', got {value!r}")
        return value

    @field_validator("max_staleness")
    @classmethod
    def _staleness(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_duration(value)
            except ValidationError as e:
                raise ValueError(e.message) from None
        return value

    def required_count(self, watchers: int) -> int:
        """K for N = ``watchers``: ``required`` if set, else K of ``K/N``, else ``N // 2 + 1`` (majority)."""
        if self.required is not None:
            return self.required
        k_of_n = _K_OF_N.match(self.threshold)
        if k_of_n is not None:
            return int(k_of_n.group(1))
        return watchers // 2 + 1

    def staleness_seconds(self) -> int:
        """``max_staleness_seconds``, else ``max_staleness`` parsed, else one hour (the reference's default)."""
        if self.max_staleness_seconds is not None:
            return self.max_staleness_seconds
        return parse_duration(self.max_staleness) if self.max_staleness is not None else DEFAULT_MAX_STALENESS


class CheckpointingPolicy(_Wire):
    """``state_channel.checkpointing``; ``thresholds`` apply to checkpoint signers like receipt thresholds."""

    mode: Literal["optional", "required"] = "optional"
    finality: Literal["soft", "hard"] = "soft"
    max_receipts_between_checkpoints: int | None = Field(default=None, ge=1, strict=True)
    max_seconds_between_checkpoints: int | None = Field(default=None, ge=1, strict=True)
    thresholds: tuple[Threshold, ...] = ()


def _dids(values: Iterable[str]) -> frozenset[str]:
    out = set()
    for value in values:
        if not isinstance(value, str) or not value.startswith("did:"):
            raise ValueError(f"expected a DID, got {value!r}")
        out.add(base_did(value))
    return frozenset(out)


class StateChannelPolicy(_Wire):
    """What the state channel of one corridor is bound to and who may sign for it (see the module docstring)."""

    type: str = POLICY_TYPE
    corridor_id: str = Field(min_length=1)
    definition_payload_sha256: ContentDigest
    agreement_set_sha256: ContentDigest | None = None
    lawpack_digest_set: frozenset[ContentDigest] = frozenset()
    ruleset_digest_set: frozenset[ContentDigest] = frozenset()
    receipt_thresholds: tuple[Threshold, ...] = ()
    signer_roles: dict[str, str] = Field(default_factory=dict)
    authorized_receipt_signers: frozenset[str] = frozenset()
    authorized_watchers: frozenset[str] = frozenset()
    watcher_quorum: WatcherQuorum = WatcherQuorum()
    checkpointing: CheckpointingPolicy = CheckpointingPolicy()
    transition_type_registry_sha256: ContentDigest | None = None
    state_transition_ruleset_sha256: ContentDigest | None = None

    @field_validator("type")
    @classmethod
    def _type(cls, value: str) -> str:
        if value not in POLICY_TYPES:
            raise ValueError(f"type must be {POLICY_TYPE}, got {value!r}")
        return value

    @field_validator("signer_roles", mode="before")
    @classmethod
    def _roles(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {base_did(did): role for did, role in value.items()} if all(isinstance(d, str) for d in value) else value

    @field_validator("authorized_receipt_signers", "authorized_watchers", mode="before")
    @classmethod
    def _did_set(cls, value: Any) -> Any:
        return _dids(value) if isinstance(value, list | tuple | set | frozenset) else value

    @field_serializer("lawpack_digest_set", "ruleset_digest_set")
    def _sorted_digests(self, value: frozenset[ContentDigest]) -> list[str]:
        return sorted(d.hex for d in value)

    @field_serializer("authorized_receipt_signers", "authorized_watchers")
    def _sorted_dids(self, value: frozenset[str]) -> list[str]:
        return sorted(value)

    def role_of(self, did: str) -> str | None:
        """The role of the party with this DID (a ``#fragment`` is ignored)."""
        return self.signer_roles.get(base_did(did))

    def dids_with_role(self, role: str) -> frozenset[str]:
        return frozenset(did for did, held in self.signer_roles.items() if held == role)

    @classmethod
    def from_json(cls, value: Any) -> StateChannelPolicy:
        """Read the JSON form.

        Raises:
            ValidationError: malformed, naming the first offending field.
        """
        if not isinstance(value, dict):
            raise ValidationError(f"a state-channel policy must be a JSON object, got {type(value).__name__}")
        return parse_model(cls, value)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)
