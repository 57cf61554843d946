"""Corridor Agreement VCs (spec §40.4 rules 1-5 and 8, spec §95): each VC's checks, the cross-VC checks, the set digest.

Per VC: schema, corridor id, binding of ``definition_payload_sha256`` (and ``definition_vc_id`` when both ids are
present) to the definition, proofs, signers authorised for ``corridor_agreement``, the party-specific rule (a VC
with ``party`` is signed by ``party.id``, who is a participant in that role) and lawpack coverage and allow-list.
Across VCs: base consistency (the shared fields, ``state_channel`` included: parties must agree on the receipt
policy too; party-specific fields are ignored) and the status lock (one current VC per party).

A VC *speaks for* its party when the party signed it, or, without ``party``, for each authorised valid signer.
Only eligible VCs (schema, corridor id and binding hold) speak for anyone; activation counts their speakers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from msez.core import ArtifactRef, ContentDigest, Did, MsezError, Timestamp, digest_of
from msez.corridor._checks import Check, Rule, base_did, credential_checks, failed, passed, schema_checks
from msez.corridor._definition import Definition, LawpackCompatibility
from msez.corridor._module import CorridorModule, ModuleFile
from msez.corridor._trust import CORRIDOR_AGREEMENT, TrustPolicy, signer_checks
from msez.vc import KeyResolver

AGREEMENT_TYPES: Final = ("MSEZCorridorAgreementCredential", "MEZCorridorAgreementCredential")
BASE_FIELDS: Final = (
    "corridor_id",
    "definition_payload_sha256",
    "definition_vc_id",
    "participants",
    "activation",
    "terms",
    "state_channel",
)


@dataclass(frozen=True)
class PinnedLawpack:
    """One ``pinned_lawpacks[]`` entry."""

    jurisdiction_id: str
    domain: str
    digest: ContentDigest


@dataclass(frozen=True)
class Agreement:
    """One agreement VC as checked."""

    file: ModuleFile
    checks: tuple[Check, ...]
    subject: Mapping[str, Any] = field(default_factory=dict, repr=False)
    payload_sha256: ContentDigest | None = None
    eligible: bool = False
    speakers: tuple[Did, ...] = ()
    named_signers: tuple[Did, ...] = ()
    party: Did | None = None
    commitment: str | None = None
    pinned_lawpacks: tuple[PinnedLawpack, ...] = ()

    @property
    def party_role(self) -> str | None:
        party = self.subject.get("party")
        role = party.get("role") if isinstance(party, Mapping) else None
        return role if isinstance(role, str) else None


@dataclass(frozen=True)
class AgreementSet:
    """Every agreement VC, the cross-VC checks, the base (shared) subject and the agreement-set digest."""

    agreements: tuple[Agreement, ...]
    checks: tuple[Check, ...]
    base: Mapping[str, Any] = field(default_factory=dict, repr=False)
    set_sha256: ContentDigest | None = None

    @property
    def all_checks(self) -> tuple[Check, ...]:
        return (*(c for a in self.agreements for c in a.checks), *self.checks)


def agreement_set_sha256(
    corridor_id: str, definition_payload_sha256: ContentDigest, agreement_payloads: list[ContentDigest]
) -> ContentDigest:
    """Spec §95: SHA-256 of MCF ``{corridor_id, definition_payload_sha256, agreement_payload_sha256: sorted}``."""
    return digest_of(
        {
            "corridor_id": corridor_id,
            "definition_payload_sha256": definition_payload_sha256.hex,
            "agreement_payload_sha256": sorted(d.hex for d in agreement_payloads),
        }
    )


def check_agreements(
    module: CorridorModule,
    definition: Definition,
    policy: TrustPolicy,
    *,
    now: Timestamp | None,
    resolver: KeyResolver | None,
) -> AgreementSet:
    """Spec §40.5 step 3 up to (not including) thresholds: every agreement VC and the set."""
    agreements = tuple(
        _check_one(module, file, definition, policy, now=now, resolver=resolver) for file in module.agreements
    )
    parsed = [a for a in agreements if a.payload_sha256 is not None]
    base = next((a.subject for a in agreements if a.eligible), parsed[0].subject if parsed else {})
    checks = _consistency(agreements) + _status_lock(agreements)
    set_digest = None
    if module.corridor_id and definition.payload_sha256 and len(parsed) == len(agreements):
        set_digest = agreement_set_sha256(
            module.corridor_id, definition.payload_sha256, [a.payload_sha256 for a in parsed if a.payload_sha256]
        )
    return AgreementSet(agreements, tuple(checks), base, set_digest)


def _check_one(
    module: CorridorModule,
    file: ModuleFile,
    definition: Definition,
    policy: TrustPolicy,
    *,
    now: Timestamp | None,
    resolver: KeyResolver | None,
) -> Agreement:
    checks = schema_checks(file, "vc.corridor-agreement")
    if file.problem is not None:
        return Agreement(file, tuple(checks))
    subject = file.document.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    corridor_id = subject.get("corridor_id")
    checks.append(
        passed(Rule.CORRIDOR_ID, file.path, f"corridor_id {corridor_id}")
        if corridor_id == module.corridor_id
        else failed(Rule.CORRIDOR_ID, file.path, f"corridor_id {corridor_id!r}, expected {module.corridor_id!r}")
    )
    checks += _binding_checks(file.path, subject, definition)
    eligible = all(c.ok for c in checks)
    outcome = credential_checks(file, now=now, resolver=resolver)
    checks += [*outcome.checks, *signer_checks(policy, file.path, outcome.signers, CORRIDOR_AGREEMENT)]
    authorised = tuple(d for d in outcome.signers if policy.is_authorized(d, CORRIDOR_AGREEMENT))
    party = _party(subject)
    if party is not None:
        checks += _party_checks(file.path, subject, party, authorised)
    pins = _pins(subject.get("pinned_lawpacks"))
    checks += _lawpack_checks(file.path, pins, definition.lawpacks)
    commitment = subject.get("commitment")
    speakers = authorised if party is None else tuple(d for d in authorised if d == party)
    return Agreement(
        file,
        tuple(checks),
        subject,
        payload_sha256=file.payload_sha256(),
        eligible=eligible,
        speakers=speakers,
        named_signers=outcome.named,
        party=party,
        commitment=commitment if isinstance(commitment, str) else None,
        pinned_lawpacks=pins,
    )


def _binding_checks(path: str, subject: Mapping[str, Any], definition: Definition) -> list[Check]:
    """Rule 1: ``definition_payload_sha256`` (and ``definition_vc_id``) name this corridor's definition."""
    where = f"{path}: definition_payload_sha256"
    if definition.payload_sha256 is None:
        return [failed(Rule.BINDING, where, "the definition VC has no payload digest to bind to")]
    try:
        named = ArtifactRef.coerce(subject.get("definition_payload_sha256"), expected_type="vc").digest_sha256
    except MsezError as e:
        return [failed(Rule.BINDING, where, e.message)]
    expected = definition.payload_sha256
    checks = [
        passed(Rule.BINDING, where, f"matches the definition payload {expected.hex}")
        if named == expected
        else failed(Rule.BINDING, where, f"names {named.hex}, but the definition payload is {expected.hex}")
    ]
    named_id = subject.get("definition_vc_id")
    if named_id is not None and definition.credential_id is not None and named_id != definition.credential_id:
        detail = f"names {named_id!r}, but the definition VC id is {definition.credential_id!r}"
        checks.append(failed(Rule.BINDING, f"{path}: definition_vc_id", detail))
    return checks


def _party(subject: Mapping[str, Any]) -> Did | None:
    party = subject.get("party")
    return base_did(party.get("id")) if isinstance(party, Mapping) else None


def _party_checks(path: str, subject: Mapping[str, Any], party: Did, authorised: tuple[Did, ...]) -> list[Check]:
    """Rule 3: the party signed its own VC; the party is a participant in the role it claims."""
    where = f"{path}: party {party}"
    checks = [
        passed(Rule.PARTY, where, "signed by the party")
        if party in authorised
        else failed(Rule.PARTY, where, "no valid, authorised proof by the party itself")
    ]
    role = subject["party"].get("role")
    roles = participant_roles(subject)
    if roles.get(party) != role:
        listed = f"is listed as {roles[party]!r}" if party in roles else "is not among the participants"
        checks.append(failed(Rule.PARTY, where, f"claims role {role!r} but {listed}"))
    return checks


def participant_roles(subject: Mapping[str, Any]) -> dict[Did, str]:
    """``participants[]`` as base DID -> role."""
    roles: dict[Did, str] = {}
    for entry in subject.get("participants") or []:
        did = base_did(entry.get("id")) if isinstance(entry, Mapping) else None
        if did is not None and isinstance(entry.get("role"), str):
            roles.setdefault(did, entry["role"])
    return roles


def _pins(value: Any) -> tuple[PinnedLawpack, ...]:
    pins = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, Mapping):
            continue
        try:
            digest = ArtifactRef.coerce(entry.get("lawpack_digest_sha256"), expected_type="lawpack").digest_sha256
        except MsezError:
            continue  # the schema check names it
        pins.append(PinnedLawpack(str(entry.get("jurisdiction_id")), str(entry.get("domain")), digest))
    return tuple(pins)


def _lawpack_checks(path: str, pins: tuple[PinnedLawpack, ...], compat: LawpackCompatibility) -> list[Check]:
    """Rule 8: pins cover every required domain; with an allow-list, every pinned digest is allowed."""
    checks = []
    if compat.required_domains:
        missing = [d for d in compat.required_domains if d not in {p.domain for p in pins}]
        checks.append(
            failed(Rule.LAWPACK_COVERAGE, path, f"pins no lawpack for required domain(s) {', '.join(missing)}")
            if missing
            else passed(Rule.LAWPACK_COVERAGE, path, f"pins {', '.join(compat.required_domains)}")
        )
    if compat.allowed is not None:
        for i, pin in enumerate(pins):
            allowed = pin.digest in compat.allowed.get((pin.jurisdiction_id, pin.domain), frozenset())
            verdict = "is allowed" if allowed else "is not in the definition's allow-list"
            where = f"{path}: pinned_lawpacks[{i}]"
            detail = f"{pin.jurisdiction_id}/{pin.domain} {pin.digest.hex} {verdict}"
            checks.append(Check(Rule.LAWPACK_ALLOW_LIST, where, allowed, detail))
    return checks


def _consistency(agreements: tuple[Agreement, ...]) -> list[Check]:
    """Rule 4: every VC carries the same base fields as the first one."""
    parsed = [a for a in agreements if a.payload_sha256 is not None]
    if len(parsed) < 2:
        return []
    first, checks = parsed[0], []
    for other in parsed[1:]:
        for name in BASE_FIELDS:
            if other.subject.get(name) != first.subject.get(name):
                where = f"{other.file.path}: {name}"
                checks.append(failed(Rule.CONSISTENCY, where, f"differs from {first.file.path}"))
    if not checks:
        checks.append(passed(Rule.CONSISTENCY, "agreements", f"{len(parsed)} VCs agree on the base terms"))
    return checks


def _status_lock(agreements: tuple[Agreement, ...]) -> list[Check]:
    """Rule 5: at most one current VC per ``party.id``."""
    by_party: dict[Did, list[str]] = {}
    for agreement in agreements:
        if agreement.party is not None:
            by_party.setdefault(agreement.party, []).append(agreement.file.path)
    return [
        failed(Rule.STATUS_LOCK, f"party {party}", f"duplicate party: {len(paths)} VCs ({', '.join(paths)})")
        for party, paths in by_party.items()
        if len(paths) > 1
    ]
