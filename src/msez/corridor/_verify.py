"""Ruleset ``msez.corridor.verification.v1`` (spec §40.5; ``mez.`` accepted): the whole corridor, as one report.

Steps, in order (every step runs; the report lists each check):

1. Schemas: ``corridor.yaml``, trust anchors, key rotation (and, with their credentials, the definition,
   agreement and registry VCs).
2. Trust: trust anchors and the authority-registry chain (spec §40.2) give the signer policy.
3. Definition VC (spec §40.3): ruleset, corridor id, proofs and dates, signers (``corridor_definition``), the
   digest bindings of the three files.
4. Agreement VCs, when ``agreement_vc_path`` is set (spec §40.4): binding, proofs, signers
   (``corridor_agreement``), party proofs, base consistency, status lock, lawpack coverage and allow-list.
5. Activation: commitments and blockers, per-role unique-party thresholds, the effectiveFrom/Until window.

The report comes first; :meth:`CorridorReport.raise_for_failure` is the thin wrapper that raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from msez.core import ContentDigest, Did, Timestamp, VerificationError
from msez.corridor._activation import Activation, evaluate_activation, receipt_thresholds
from msez.corridor._agreement import AgreementSet, check_agreements, participant_roles
from msez.corridor._checks import Check, schema_checks
from msez.corridor._definition import RULESETS, Definition, check_definition
from msez.corridor._module import CorridorModule
from msez.corridor._threshold import Threshold
from msez.corridor._trust import CORRIDOR_RECEIPT, TrustPolicy, trust_policy
from msez.vc import KeyResolver, system_clock


@dataclass(frozen=True)
class ChannelTerms:
    """What the state channel needs from a verified corridor (:func:`state_channel_policy` builds the
    :class:`StateChannelPolicy` from it).

    Attributes:
        corridor_id: from ``corridor.yaml``.
        definition_payload_sha256: the definition VC's payload digest.
        agreement_set_sha256: spec §95; ``None`` without agreements.
        lawpack_digests: the union of every agreement's ``pinned_lawpacks`` digests.
        ruleset_digests: the definition's ``ruleset_digest_set``.
        receipt_thresholds: ``state_channel.receipt_signing.thresholds``, else the activation thresholds.
        roles: base DID -> role, from ``participants`` and then trust-anchor ``metadata.role``.
        receipt_signers: DIDs authorised for ``corridor_receipt`` (trust anchors and the effective registry).
        checkpointing: ``state_channel.checkpointing`` as written (or ``None``).
        watcher_quorum: ``state_channel.watcher_quorum`` as written (or ``None``).
        trust: the merged policy; ``trust.is_authorized(did, kind)`` for any other kind.
    """

    corridor_id: str
    definition_payload_sha256: ContentDigest
    agreement_set_sha256: ContentDigest | None
    lawpack_digests: frozenset[ContentDigest]
    ruleset_digests: frozenset[ContentDigest]
    receipt_thresholds: tuple[Threshold, ...]
    roles: Mapping[str, str]
    receipt_signers: frozenset[Did]
    checkpointing: Mapping[str, Any] | None
    watcher_quorum: Mapping[str, Any] | None
    trust: TrustPolicy = field(repr=False)


@dataclass(frozen=True)
class CorridorReport:
    """Every check of one corridor module, its digests and its activation."""

    name: str
    corridor_id: str | None
    checks: tuple[Check, ...]
    definition: Definition
    agreements: AgreementSet | None
    activation: Activation | None
    trust: TrustPolicy = field(repr=False)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    @property
    def activated(self) -> bool:
        return self.activation is not None and self.activation.activated

    @property
    def blockers(self) -> tuple[str, ...]:
        return self.activation.blockers if self.activation is not None else ()

    @property
    def definition_payload_sha256(self) -> ContentDigest | None:
        return self.definition.payload_sha256

    @property
    def agreement_set_sha256(self) -> ContentDigest | None:
        return self.agreements.set_sha256 if self.agreements is not None else None

    @property
    def agreement_payloads(self) -> dict[str, ContentDigest]:
        """Module-relative agreement path -> payload digest (parsable VCs only)."""
        found = self.agreements.agreements if self.agreements is not None else ()
        return {a.file.path: a.payload_sha256 for a in found if a.payload_sha256 is not None}

    @property
    def agreement_signers(self) -> tuple[Did, ...]:
        """Sorted base DIDs named by any agreement proof."""
        found = self.agreements.agreements if self.agreements is not None else ()
        return tuple(sorted({d for a in found for d in a.named_signers}))

    def channel_terms(self) -> ChannelTerms:
        """The state-channel inputs of this corridor.

        Raises:
            CorridorVerificationError: the corridor does not verify (terms come only from a verified corridor).
        """
        self.raise_for_failure()
        if self.corridor_id is None or self.definition.payload_sha256 is None:  # unreachable when ok
            raise CorridorVerificationError(self)
        base = self.agreements.base if self.agreements is not None else {}
        channel = base.get("state_channel")
        channel = channel if isinstance(channel, Mapping) else {}
        roles: dict[str, str] = {str(did): role for did, role in participant_roles(base).items()}
        for did in self.trust.anchors.dids:
            role = self.trust.anchors.role_of(did)
            if role is not None:
                roles.setdefault(did, role)
        pins = self.agreements.agreements if self.agreements is not None else ()
        return ChannelTerms(
            corridor_id=self.corridor_id,
            definition_payload_sha256=self.definition.payload_sha256,
            agreement_set_sha256=self.agreement_set_sha256,
            lawpack_digests=frozenset(p.digest for a in pins for p in a.pinned_lawpacks),
            ruleset_digests=frozenset(self.definition.ruleset_digests),
            receipt_thresholds=receipt_thresholds(base),
            roles=MappingProxyType(roles),
            receipt_signers=self.trust.authorized(CORRIDOR_RECEIPT),
            checkpointing=_section(channel, "checkpointing"),
            watcher_quorum=_section(channel, "watcher_quorum"),
            trust=self.trust,
        )

    def summary(self) -> str:
        """One line naming every failed check, or ``verified``."""
        if self.ok:
            return "verified"
        return "; ".join(f"{c.rule.value} {c.subject}: {c.detail}" for c in self.failures)

    def raise_for_failure(self) -> None:
        """Raise unless ``ok``.

        Raises:
            CorridorVerificationError: naming every failed check.
        """
        if not self.ok:
            raise CorridorVerificationError(self)

    def to_json(self) -> dict[str, Any]:
        digest = self.definition_payload_sha256
        return {
            "ruleset": RULESETS[0],
            "module": self.name,
            "corridor_id": self.corridor_id,
            "ok": self.ok,
            "definition_payload_sha256": digest.hex if digest else None,
            "definition_signers": list(self.definition.named_signers),
            "binding_modes": dict(self.definition.binding_modes),
            "agreement_set_sha256": self.agreement_set_sha256.hex if self.agreement_set_sha256 else None,
            "agreement_payload_sha256_by_path": {k: v.hex for k, v in self.agreement_payloads.items()},
            "agreement_signers": list(self.agreement_signers),
            "activation": self.activation.to_json() if self.activation is not None else None,
            "checks": [c.to_json() for c in self.checks],
        }


class CorridorVerificationError(VerificationError):
    """A corridor failed its ruleset; ``report`` holds every check."""

    def __init__(self, report: CorridorReport) -> None:
        super().__init__(f"corridor {report.corridor_id or report.name} does not verify: {report.summary()}")
        self.report = report


def verify_corridor(
    module: CorridorModule, *, now: Timestamp | None = None, resolver: KeyResolver | None = None
) -> CorridorReport:
    """Run ruleset ``msez.corridor.verification.v1`` over ``module`` (module docstring); never raises for bad input.

    Args:
        now: judge validity dates at this time (default: the wall clock).
        resolver: resolves proof keys (default: ``did:key`` only).
    """
    checks = schema_checks(module.manifest, "corridor")  # (1)
    policy, trust_checks = trust_policy(module, now=now, resolver=resolver)  # (2)
    checks += trust_checks + schema_checks(module.key_rotation, "key-rotation")
    definition = check_definition(module, policy, now=now, resolver=resolver)  # (3)
    checks += definition.checks
    agreements = activation = None
    if module.has_agreements:
        agreements = check_agreements(module, definition, policy, now=now, resolver=resolver)  # (4)
        checks += agreements.all_checks
        sound = all(c.ok for c in checks)
        activation, activation_checks = evaluate_activation(agreements, sound=sound, now=now or system_clock())  # (5)
        checks += activation_checks
    return CorridorReport(module.name, module.corridor_id, tuple(checks), definition, agreements, activation, policy)


def _section(channel: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    value = channel.get(name)
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else None
