"""Unsigned Corridor Definition and Agreement VCs from a corridor module (reference ``vc-init-definition`` /
``vc-init-agreement``), in the msez naming; sign them with ``msez vc sign`` (or :func:`msez.vc.add_proof`).

The definition binds the module's three files by their raw-bytes SHA-256 in the legacy ``{path, sha256}`` form,
as the reference writes them. An agreement lists ``corridor.yaml``'s participants with their roles (the party's
``role`` argument, else the trust anchor's ``metadata.role``) and, unless thresholds are given, requires every
participant of each role (unanimity), for activation and for receipt signing alike. A party-specific agreement
adds ``party``, ``commitment`` and ``pinned_lawpacks``. Every generated VC is schema-checked before it is returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from msez.core import NotFoundError, Timestamp, ValidationError, sha256_bytes
from msez.corridor._activation import DEFAULT_ACCEPT
from msez.corridor._agreement import PinnedLawpack
from msez.corridor._checks import base_did
from msez.corridor._definition import RULESETS
from msez.corridor._module import CorridorModule, ModuleFile
from msez.corridor._threshold import Threshold
from msez.corridor._trust import TrustAnchors
from msez.schema import validate
from msez.vc import MSEZ_CONTEXT, new_credential

CORRIDOR_CONTEXT: Final = "https://schemas.momentum-sez.org/contexts/msez/corridor/v1"
DEFINITION_TYPE: Final = "MSEZCorridorDefinitionCredential"
AGREEMENT_TYPE: Final = "MSEZCorridorAgreementCredential"


def definition_credential(
    module: CorridorModule,
    *,
    issuer: str,
    credential_id: str | None = None,
    ruleset: str | None = None,
    required_domains: Sequence[str] = (),
    allowed_lawpacks: Sequence[PinnedLawpack] = (),
    version: str | None = None,
    maintainer: str | None = None,
    issued_at: Timestamp | None = None,
) -> dict[str, Any]:
    """An unsigned ``MSEZCorridorDefinitionCredential`` binding the module's files.

    Raises:
        NotFoundError: a bound file does not exist. ValidationError: the module has no corridor id.
    """
    corridor_id = _corridor_id(module)
    subject: dict[str, Any] = {
        "corridor_id": corridor_id,
        "ruleset": ruleset or module.ruleset or RULESETS[0],
        "artifacts": {
            "corridor_manifest": _file_binding(module.manifest),
            "trust_anchors": _file_binding(module.trust_anchors),
            "key_rotation": _file_binding(module.key_rotation),
        },
    }
    if required_domains or allowed_lawpacks:
        subject["lawpack_compatibility"] = _compatibility(required_domains, allowed_lawpacks)
    subject.update(_optional(version=version, maintainer=maintainer))
    return _credential(
        DEFINITION_TYPE,
        issuer,
        subject,
        credential_id or f"urn:msez:vc:corridor-definition:{corridor_id}",
        issued_at,
        schema="vc.corridor-definition",
    )


def agreement_credential(
    module: CorridorModule,
    *,
    issuer: str | None = None,
    party: str | None = None,
    role: str | None = None,
    commitment: str = "agree",
    accept_commitments: Sequence[str] = DEFAULT_ACCEPT,
    thresholds: Sequence[Threshold] = (),
    terms_ref: str | None = None,
    pinned_lawpacks: Sequence[PinnedLawpack] = (),
    credential_id: str | None = None,
    version: str | None = None,
    maintainer: str | None = None,
    effective_from: Timestamp | None = None,
    issued_at: Timestamp | None = None,
) -> dict[str, Any]:
    """An unsigned ``MSEZCorridorAgreementCredential`` for the module's definition (party-specific with ``party``).

    ``effective_from`` (``activation.effectiveFrom`` and ``receipt_signing.effectiveFrom``) defaults to the
    definition's ``issuanceDate``, so parties issuing their agreements at different times agree on the base terms.

    Raises:
        NotFoundError: the module has no definition VC.
        ValidationError: no issuer, a participant whose role cannot be inferred, or a party that is not a participant.
    """
    corridor_id = _corridor_id(module)
    definition = module.definition
    digest = definition.payload_sha256() if definition is not None else None
    if definition is None or digest is None:
        raise NotFoundError(f"{module.name}: no readable definition VC to bind the agreement to")
    effective = str(effective_from) if effective_from is not None else _issuance(definition.document)
    participants = _participants(module, party, role)
    unanimity = _unanimity(participants)
    rules = tuple(thresholds) or unanimity
    subject: dict[str, Any] = {"corridor_id": corridor_id}
    subject.update(_optional(definition_vc_id=definition.document.get("id")))
    subject["definition_payload_sha256"] = digest.hex
    subject["participants"] = participants
    subject["activation"] = {
        "thresholds": [t.to_json() for t in rules],
        **_optional(effectiveFrom=effective),
        "accept_commitments": list(accept_commitments),
    }
    receipt_rules = [_with_of(t, unanimity) for t in rules]
    subject["state_channel"] = {"receipt_signing": {"thresholds": receipt_rules, **_optional(effectiveFrom=effective)}}
    subject["terms"] = {"reference": terms_ref or f"urn:msez:terms:{corridor_id}"}
    subject.update(_optional(version=version, maintainer=maintainer))
    suffix = ""
    if party is not None:
        entry = next(p for p in participants if p["id"] == base_did(party))
        subject["party"] = {"id": entry["id"], "role": entry["role"]}
        subject["commitment"] = commitment
        if pinned_lawpacks:
            subject["pinned_lawpacks"] = [_pin(p) for p in _distinct(pinned_lawpacks)]
        suffix = ":" + party_slug(party)
    if issuer is None and party is None:
        raise ValidationError("an agreement needs an issuer (or a party, who then issues it)")
    return _credential(
        AGREEMENT_TYPE,
        issuer or str(party),
        subject,
        credential_id or f"urn:msez:vc:corridor-agreement:{corridor_id}{suffix}",
        issued_at,
        schema="vc.corridor-agreement",
    )


def party_slug(party: str) -> str:
    """The reference's file and id slug: non-alphanumerics become ``-``, cut to 32 characters."""
    return re.sub(r"[^A-Za-z0-9]", "-", party)[:32]


def _corridor_id(module: CorridorModule) -> str:
    if module.corridor_id is None:
        raise ValidationError(f"{module.name}: corridor.yaml has no corridor_id")
    return module.corridor_id


def _file_binding(file: ModuleFile) -> dict[str, str]:
    if file.raw is None:
        raise NotFoundError(f"{file.path} does not exist; the definition must bind it")
    return {"path": file.path, "sha256": sha256_bytes(file.raw).hex}


def _compatibility(required: Sequence[str], allowed: Sequence[PinnedLawpack]) -> dict[str, Any]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for pin in _distinct(allowed):
        grouped.setdefault((pin.jurisdiction_id, pin.domain), []).append(pin.digest.hex)
    out: dict[str, Any] = {"required_domains": list(dict.fromkeys(required))}
    if grouped:
        out["allowed"] = [
            {"jurisdiction_id": j, "domain": d, "digests_sha256": digests} for (j, d), digests in grouped.items()
        ]
    return out


def _participants(module: CorridorModule, party: str | None, role: str | None) -> list[dict[str, Any]]:
    anchors = TrustAnchors.parse(module.trust_anchors.value)
    party_did = base_did(party) if party is not None else None
    if party is not None and party_did is None:
        raise ValidationError(f"party {party!r} is not a DID")
    listed = module.manifest.document.get("participants") or []
    dids = [d for p in listed if (d := base_did(p)) is not None]
    if party_did is not None and party_did not in dids:
        raise ValidationError(f"party {party_did} is not among corridor.yaml's participants")
    if not dids:
        raise ValidationError(f"{module.name}: corridor.yaml lists no participants")
    out = []
    for did in dids:
        found = role if did == party_did and role else anchors.role_of(did)
        if found is None:
            raise ValidationError(f"cannot infer the role of participant {did}: set metadata.role on its trust anchor")
        out.append({"id": str(did), "role": found})
    return out


def _unanimity(participants: Iterable[Mapping[str, Any]]) -> tuple[Threshold, ...]:
    counts: dict[str, int] = {}
    for p in participants:
        counts[p["role"]] = counts.get(p["role"], 0) + 1
    return tuple(Threshold(r, n, n) for r, n in counts.items())


def _with_of(rule: Threshold, unanimity: tuple[Threshold, ...]) -> dict[str, Any]:
    """A receipt-signing threshold (``of`` is required there): ``of`` defaults to the role's participant count."""
    listed = next((t.required for t in unanimity if t.role == rule.role), rule.required)
    return {"role": rule.role, "required": rule.required, "of": listed if rule.of is None else rule.of}


def _distinct(pins: Iterable[PinnedLawpack]) -> list[PinnedLawpack]:
    return list(dict.fromkeys(pins))


def _pin(pin: PinnedLawpack) -> dict[str, str]:
    return {"jurisdiction_id": pin.jurisdiction_id, "domain": pin.domain, "lawpack_digest_sha256": pin.digest.hex}


def _issuance(document: Mapping[str, Any]) -> str | None:
    value = document.get("issuanceDate", document.get("validFrom"))
    return str(Timestamp.parse(value)) if isinstance(value, str) else None


def _optional(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


def _credential(
    kind: str, issuer: str, subject: dict[str, Any], credential_id: str, issued_at: Timestamp | None, *, schema: str
) -> dict[str, Any]:
    document = new_credential(
        types=[kind],
        issuer=issuer,
        subject=subject,
        issued_at=issued_at,
        credential_id=credential_id,
        contexts=(MSEZ_CONTEXT, CORRIDOR_CONTEXT),
    ).to_json()
    validate(document, schema, file=credential_id)
    return document
