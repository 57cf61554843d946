"""Who may sign what (spec §40.1, §40.2): trust anchors, the authority-registry chain, and the merged policy.

A signer is authorised for an attestation kind (``corridor_definition``, ``corridor_agreement``,
``corridor_receipt``, ``corridor_watcher_attestation``, ``authority_registry``; ``*`` grants all) when a DID trust
anchor allows it and, if the corridor has authority registries, the effective (last) registry allows it too. The
chain is checked pairwise: the root registry's issuer must be a trust anchor for ``authority_registry``, each
child's issuer must be allowed ``authority_registry`` by its parent, and each registry must be signed by its own
issuer. A broken chain fails closed: nobody is authorised. Signers are compared by base DID (fragment stripped).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from msez.core import Did, Timestamp
from msez.corridor._checks import Check, Rule, base_did, credential_checks, failed, schema_checks
from msez.corridor._module import CorridorModule, ModuleFile
from msez.vc import KeyResolver

CORRIDOR_DEFINITION: Final = "corridor_definition"
CORRIDOR_AGREEMENT: Final = "corridor_agreement"
CORRIDOR_RECEIPT: Final = "corridor_receipt"
CORRIDOR_WATCHER_ATTESTATION: Final = "corridor_watcher_attestation"
AUTHORITY_REGISTRY: Final = "authority_registry"
WILDCARD: Final = "*"
REGISTRY_TYPES: Final = ("MSEZAuthorityRegistryCredential", "MEZAuthorityRegistryCredential")


def _allows(allowed: frozenset[str], kind: str) -> bool:
    return kind in allowed or WILDCARD in allowed


@dataclass(frozen=True)
class TrustAnchor:
    """One ``trust_anchors[]`` entry; ``did`` is the base DID of a ``type: did`` identifier."""

    anchor_id: str
    did: Did | None
    allowed: frozenset[str]
    role: str | None = None

    def allows(self, kind: str) -> bool:
        return _allows(self.allowed, kind)


@dataclass(frozen=True)
class TrustAnchors:
    """The parsed ``trust-anchors.yaml`` (entries that are not well-formed are skipped; the schema check names them)."""

    anchors: tuple[TrustAnchor, ...] = ()

    @classmethod
    def parse(cls, value: Any) -> TrustAnchors:
        entries = value.get("trust_anchors") if isinstance(value, Mapping) else None
        out = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("allowed_attestations"), list):
                continue
            did = base_did(entry.get("identifier")) if entry.get("type") == "did" else None
            metadata = entry.get("metadata")
            role = metadata.get("role") if isinstance(metadata, Mapping) else None
            allowed = frozenset(a for a in entry["allowed_attestations"] if isinstance(a, str))
            out.append(TrustAnchor(str(entry.get("anchor_id")), did, allowed, role if isinstance(role, str) else None))
        return cls(tuple(out))

    def allows(self, did: str, kind: str) -> bool:
        return any(a.did == did and a.allows(kind) for a in self.anchors)

    def role_of(self, did: str) -> str | None:
        """The ``metadata.role`` of the first anchor for ``did``."""
        return next((a.role for a in self.anchors if a.did == did and a.role), None)

    @property
    def dids(self) -> tuple[Did, ...]:
        return tuple(dict.fromkeys(a.did for a in self.anchors if a.did is not None))


@dataclass(frozen=True)
class AuthorityRegistry:
    """An authority registry credential's allow-list (spec §40.2): base DID -> allowed attestation kinds."""

    registry_id: str
    issuer: Did | None
    authorities: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, document: Mapping[str, Any]) -> AuthorityRegistry:
        subject = document.get("credentialSubject")
        subject = subject if isinstance(subject, Mapping) else {}
        authorities: dict[str, frozenset[str]] = {}
        for entry in subject.get("authorities") or []:
            did = base_did(entry.get("did", entry.get("id"))) if isinstance(entry, Mapping) else None
            if did is None:
                continue
            allowed = entry.get("allowed_attestations")
            kinds = [allowed] if isinstance(allowed, str) else (allowed if isinstance(allowed, list) else [])
            authorities[did] = authorities.get(did, frozenset()) | {k for k in kinds if isinstance(k, str)}
        issuer = document.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        return cls(str(subject.get("registry_id", "?")), base_did(issuer), authorities)

    def allows(self, did: str, kind: str) -> bool:
        allowed = self.authorities.get(did)
        return allowed is not None and _allows(allowed, kind)


@dataclass(frozen=True)
class TrustPolicy:
    """Trust anchors merged with the effective authority registry.

    ``registry`` is ``None`` when the corridor configures no registry; ``registry_ok`` is false when it does and
    the chain failed, which denies every signer.
    """

    anchors: TrustAnchors
    registry: AuthorityRegistry | None = None
    registry_ok: bool = True

    def is_authorized(self, did: str, kind: str) -> bool:
        """``did`` (a DID or DID URL) may sign attestations of ``kind``."""
        base = did.split("#", 1)[0]
        if not self.registry_ok or not self.anchors.allows(base, kind):
            return False
        return self.registry is None or self.registry.allows(base, kind)

    def authorized(self, kind: str) -> frozenset[Did]:
        """Every anchored DID that may sign ``kind`` (e.g. the receipt signers for ``corridor_receipt``)."""
        return frozenset(d for d in self.anchors.dids if self.is_authorized(d, kind))

    def explain(self, did: str, kind: str) -> str:
        """Why ``did`` is or is not authorised for ``kind`` (for reports)."""
        if not self.registry_ok:
            return "the authority-registry chain does not verify, so no signer is authorised"
        if not self.anchors.allows(did, kind):
            return f"no trust anchor allows {did} to sign {kind}"
        if self.registry is not None and not self.registry.allows(did, kind):
            return f"the effective authority registry {self.registry.registry_id} does not allow {did} to sign {kind}"
        via = "" if self.registry is None else f" and registry {self.registry.registry_id}"
        return f"authorised for {kind} (trust anchors{via})"


def signer_checks(policy: TrustPolicy, path: str, signers: Iterable[Did], kind: str) -> list[Check]:
    """One check per signer: authorised for ``kind`` by ``policy``."""
    return [
        Check(Rule.SIGNER, f"{path}: {did}", policy.is_authorized(did, kind), policy.explain(did, kind))
        for did in signers
    ]


def trust_policy(
    module: CorridorModule, *, now: Timestamp | None, resolver: KeyResolver | None
) -> tuple[TrustPolicy, list[Check]]:
    """The module's trust policy, with the checks of the trust anchors file and the registry chain."""
    checks = schema_checks(module.trust_anchors, "trust-anchors")
    anchors = TrustAnchors.parse(module.trust_anchors.value) if all(c.ok for c in checks) else TrustAnchors()
    if not module.registries:
        return TrustPolicy(anchors), checks
    chain = module.registry_chain()
    checks += [failed(Rule.REGISTRY, "authority_registry_vc_path", p) for p in chain.problems]
    parent: AuthorityRegistry | None = None
    ok = not chain.problems
    for file in chain.files:
        registry, file_checks = _registry_checks(file, parent, anchors, now=now, resolver=resolver)
        ok = ok and all(c.ok for c in file_checks)
        checks += file_checks
        parent = registry
    policy = TrustPolicy(anchors, parent, registry_ok=ok)
    if ok and parent is not None:
        checks += _anchors_in_registry(anchors, parent)
    return policy, checks


def _registry_checks(
    file: ModuleFile,
    parent: AuthorityRegistry | None,
    anchors: TrustAnchors,
    *,
    now: Timestamp | None,
    resolver: KeyResolver | None,
) -> tuple[AuthorityRegistry, list[Check]]:
    checks = schema_checks(file, "vc.authority-registry")
    outcome = credential_checks(file, now=now, resolver=resolver)
    checks += outcome.checks
    registry = AuthorityRegistry.parse(file.document)
    issuer = registry.issuer
    if file.problem is not None:
        return registry, checks
    subject = f"{file.path}: issuer {issuer}"
    if issuer is None or issuer not in outcome.signers:
        checks.append(failed(Rule.REGISTRY, subject, "the registry is not signed by its issuer"))
    if issuer is None:
        return registry, checks
    if parent is None:
        allowed, by = anchors.allows(issuer, AUTHORITY_REGISTRY), "the trust anchors"
    else:
        allowed, by = parent.allows(issuer, AUTHORITY_REGISTRY), f"parent registry {parent.registry_id}"
    verdict = "authorised" if allowed else "not authorised"
    checks.append(Check(Rule.REGISTRY, subject, allowed, f"{verdict} for {AUTHORITY_REGISTRY} by {by}"))
    return registry, checks


def _anchors_in_registry(anchors: TrustAnchors, registry: AuthorityRegistry) -> list[Check]:
    """Spec §40.2: trust-anchors.yaml introduces no signer absent from the effective registry."""
    checks = []
    for anchor in anchors.anchors:
        if anchor.did is None or anchor.allowed <= {AUTHORITY_REGISTRY}:
            continue
        listed = anchor.did in registry.authorities
        detail = "listed" if listed else f"absent from the effective registry {registry.registry_id}"
        checks.append(Check(Rule.REGISTRY, f"trust anchor {anchor.anchor_id} ({anchor.did})", listed, detail))
    return checks
