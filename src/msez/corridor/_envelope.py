"""Transition envelopes (spec 40.8): what a receipt says happened, committed by digest.

An envelope names a ``kind`` and commits to its payload by ``payload_sha256``; with the payload inline the
digest is ``SHA256(MCF(payload))`` and is recomputed on every check. Attachments are typed ArtifactRefs, or the
legacy ``{uri, digest_sha256}`` form without ``artifact_type``, which means a ``blob``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from msez.core import ArtifactRef, ContentDigest, MsezError, ValidationError, canonical_bytes, coerce_digest, digest_of
from msez.corridor._names import ENVELOPE_TYPE, ENVELOPE_TYPES

_KEYS: Final = frozenset(
    {"type", "kind", "schema", "schema_digest_sha256", "ruleset_digest_sha256", "zk_circuit_digest_sha256"}
    | {"registry_override", "payload", "payload_sha256", "attachments", "meta"}
)
DIGEST_FIELDS: Final = {
    "schema_digest_sha256": "schema",
    "ruleset_digest_sha256": "ruleset",
    "zk_circuit_digest_sha256": "circuit",
}
"""Envelope fields that carry a typed digest, and the artifact type each must name."""
_ABSENT: Final = object()
_HEX64: Final = re.compile(r"[0-9a-f]{64}\Z")


def transition_envelope(
    kind: str,
    *,
    payload: Any = _ABSENT,
    payload_sha256: str | ContentDigest | None = None,
    schema: str | None = None,
    digests: Mapping[str, str | ContentDigest] | None = None,
    registry_override: bool | None = None,
    attachments: Iterable[ArtifactRef | Mapping[str, Any]] = (),
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An envelope; ``payload_sha256`` is computed when ``payload`` is given, and required otherwise.

    Args:
        digests: any of ``schema_digest_sha256``, ``ruleset_digest_sha256``, ``zk_circuit_digest_sha256``.

    Raises:
        ValidationError: no payload and no digest, a payload that disagrees with ``payload_sha256``, or a
            malformed field.
    """
    envelope: dict[str, Any] = {"type": ENVELOPE_TYPE, "kind": kind}
    if schema is not None:
        envelope["schema"] = schema
    for name, value in (digests or {}).items():
        if name not in DIGEST_FIELDS:
            raise ValidationError(f"unknown envelope digest field {name!r}; expected one of {', '.join(DIGEST_FIELDS)}")
        envelope[name] = coerce_digest(value, expected_type=DIGEST_FIELDS[name]).hex
    if registry_override is not None:
        envelope["registry_override"] = registry_override
    if payload is not _ABSENT:
        envelope["payload"] = payload
        envelope["payload_sha256"] = digest_of(payload).hex
        if payload_sha256 is not None and coerce_digest(payload_sha256).hex != envelope["payload_sha256"]:
            raise ValidationError("payload_sha256 does not match the payload")
    elif payload_sha256 is not None:
        envelope["payload_sha256"] = coerce_digest(payload_sha256).hex
    else:
        raise ValidationError("an envelope needs a payload or a payload_sha256")
    refs = [a.to_json() if isinstance(a, ArtifactRef) else dict(a) for a in attachments]
    if refs:
        envelope["attachments"] = refs
    if meta is not None:
        envelope["meta"] = dict(meta)
    check_envelope(envelope)
    return envelope


def noop_envelope() -> dict[str, Any]:
    """Kind ``noop`` with payload ``{}`` (payload_sha256 ``44136fa3...``), the reference's default transition."""
    return transition_envelope("noop", payload={})


def coerce_transition(value: Any) -> dict[str, Any]:
    """The reference's ``--transition`` rules: ``None``/``{}`` is noop; an envelope stays; an object with a ``kind``
    keeps it and the other fields become the payload; any other value is the payload of kind ``generic``.

    Raises:
        ValidationError: an envelope that does not check.
    """
    if value is None or value == {}:
        return noop_envelope()
    if isinstance(value, Mapping) and value.get("type") in ENVELOPE_TYPES:
        check_envelope(value)
        return dict(value)
    if isinstance(value, Mapping) and isinstance(value.get("kind"), str):
        return transition_envelope(value["kind"], payload={k: v for k, v in value.items() if k != "kind"})
    return transition_envelope("generic", payload=value)


def check_envelope(envelope: Any) -> None:
    """Check shape, digests and the inline payload's commitment.

    Raises:
        ValidationError: naming the first problem.
    """
    if not isinstance(envelope, Mapping):
        raise ValidationError("transition must be an object")
    if not envelope.keys() <= _KEYS:
        raise ValidationError(f"transition has unknown field(s) {', '.join(sorted(envelope.keys() - _KEYS))}")
    if envelope.get("type") not in ENVELOPE_TYPES:
        raise ValidationError(f"transition type must be {ENVELOPE_TYPE}, got {envelope.get('type')!r}")
    if not isinstance(envelope.get("kind"), str) or not envelope["kind"]:
        raise ValidationError("transition kind must be a non-empty string")
    if "registry_override" in envelope and type(envelope["registry_override"]) is not bool:
        raise ValidationError("transition registry_override must be a boolean")
    claimed = _required(envelope, "payload_sha256")
    if not (type(claimed) is str and _HEX64.match(claimed)):
        claimed = digest_field(claimed, None).hex
    if "payload" in envelope and hashlib.sha256(canonical_bytes(envelope["payload"]).data).hexdigest() != claimed:
        raise ValidationError(f"payload_sha256 {claimed} does not match the inline payload")
    for name, kind in DIGEST_FIELDS.items():
        if name in envelope:
            digest_field(envelope[name], kind)
    if "attachments" in envelope:
        envelope_artifacts(envelope)


def _required(envelope: Mapping[str, Any], name: str) -> Any:
    if name not in envelope:
        raise ValidationError(f"transition has no {name}")
    return envelope[name]


def digest_field(value: Any, expected_type: str | None) -> ContentDigest:
    """The digest of a digest-or-ArtifactRef field (bare hex takes the quick path).

    Raises:
        ValidationError: malformed, or an ArtifactRef of another type than ``expected_type``.
    """
    if isinstance(value, str):
        return ContentDigest.parse(value)
    return coerce_digest(value, expected_type=expected_type)


def envelope_artifacts(envelope: Mapping[str, Any]) -> list[ArtifactRef]:
    """Every artifact the envelope commits to: typed digests and attachments (legacy attachments are blobs).

    Raises:
        ValidationError: a digest or attachment is malformed or of the wrong type.
    """
    refs = [
        ArtifactRef.coerce(envelope[name], expected_type=kind)
        for name, kind in DIGEST_FIELDS.items()
        if name in envelope
    ]
    attachments = envelope.get("attachments", [])
    if not isinstance(attachments, list):
        raise ValidationError("transition attachments must be a list")
    for index, item in enumerate(attachments):
        try:
            refs.append(_attachment(item))
        except MsezError as e:
            raise ValidationError(f"transition attachments[{index}]: {e}") from e
    return refs


def _attachment(item: Any) -> ArtifactRef:
    if isinstance(item, Mapping) and "artifact_type" not in item:
        if not isinstance(item.get("uri"), str):
            raise ValidationError("a legacy attachment needs uri and digest_sha256")
        return ArtifactRef.coerce({**item, "artifact_type": "blob"})
    return ArtifactRef.coerce(item)
