"""An in-memory corridor world: fresh keys, trust anchors, definition, agreements and registries, no disk.

Like python-tuf's repository simulator, :class:`World` keeps every corridor file as bytes and hands out a
:class:`~msez.corridor.CorridorModule` over them; tests change one thing and verify.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from msez.core import Timestamp
from msez.corridor import (
    CorridorModule,
    CorridorReport,
    PinnedLawpack,
    Threshold,
    agreement_credential,
    definition_credential,
    verify_corridor,
)
from msez.crypto import MemoryArtifactStore, SigningKey
from msez.vc import Signer, add_proof, new_credential

ISSUED = Timestamp.parse("2026-01-01T00:00:00Z")
NOW = Timestamp.parse("2026-06-01T00:00:00Z")
CORRIDOR_ID = "org.momentum.msez.corridor.test.world"


def new_signer() -> Signer:
    return Signer.from_key(SigningKey.generate())


@dataclass
class World:
    """A corridor between named parties; every file is bytes in ``files``."""

    parties: dict[str, tuple[Signer, str]]
    governance: Signer = field(default_factory=new_signer)
    files: dict[str, bytes] = field(default_factory=dict)
    anchors: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    store: MemoryArtifactStore = field(default_factory=MemoryArtifactStore)

    def __post_init__(self) -> None:
        self.anchors = [self.anchor("governance", self.governance, ["corridor_definition"], "corridor_governance")]
        for name, (signer, role) in self.parties.items():
            self.anchors.append(self.anchor(name, signer, ["corridor_agreement", "corridor_receipt"], role))
        self.manifest = {
            "corridor_id": CORRIDOR_ID,
            "participants": [str(s.did) for s, _ in self.parties.values()],
            "settlement": {"type": "fiat-correspondent", "currency": "USD"},
            "recognition": {"passporting": []},
            "attestations": {"required": []},
            "trust_anchors_path": "trust-anchors.yaml",
            "key_rotation_path": "key-rotation.yaml",
            "definition_vc_path": "corridor.vc.json",
            "agreement_vc_path": [f"corridor.agreement.{name}.vc.json" for name in self.parties],
            "verification_ruleset": "msez.corridor.verification.v1",
        }
        rotation = {"rotation_days": 90, "grace_days": 7, "max_key_age_days": 365, "revocation": {"method": "manual"}}
        self.put_yaml("key-rotation.yaml", {"version": 1, "policy": rotation})
        self.write_setup()

    @staticmethod
    def anchor(anchor_id: str, signer: Signer, allowed: Sequence[str], role: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "anchor_id": anchor_id,
            "type": "did",
            "identifier": signer.verification_method,
            "allowed_attestations": list(allowed),
        }
        if role is not None:
            entry["metadata"] = {"role": role}
        return entry

    def signer(self, party: str) -> Signer:
        return self.parties[party][0]

    def did(self, party: str) -> str:
        return str(self.signer(party).did)

    def put_yaml(self, path: str, value: Any) -> None:
        self.files[path] = yaml.safe_dump(value, sort_keys=False).encode()

    def put_json(self, path: str, value: Any) -> None:
        self.files[path] = (json.dumps(value, indent=2) + "\n").encode()

    def json(self, path: str) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.files[path])
        return value

    def write_setup(self) -> None:
        """(Re)write corridor.yaml and trust-anchors.yaml from ``manifest`` and ``anchors``."""
        self.put_yaml("corridor.yaml", self.manifest)
        self.put_yaml("trust-anchors.yaml", {"version": 1, "trust_anchors": self.anchors})

    def module(self) -> CorridorModule:
        return CorridorModule.from_files(self.files, name="world", store=self.store)

    def verify(self) -> CorridorReport:
        return verify_corridor(self.module(), now=NOW)

    def define(self, *, signer: Signer | None = None, **options: Any) -> dict[str, Any]:
        """Write and sign ``corridor.vc.json`` (by the governance key unless ``signer``)."""
        self.write_setup()
        document = definition_credential(self.module(), issuer=str(self.governance.did), issued_at=ISSUED, **options)
        signed = add_proof(document, signer or self.governance, created=ISSUED)
        self.put_json("corridor.vc.json", signed)
        return signed

    def agree(
        self,
        party: str,
        *,
        commitment: str = "agree",
        thresholds: Sequence[Threshold] = (),
        pins: Sequence[PinnedLawpack] = (),
        signers: Sequence[Signer] | None = None,
        path: str | None = None,
        edit: Callable[[dict[str, Any]], None] | None = None,
        **options: Any,
    ) -> str:
        """Write a party-specific agreement signed by the party (or ``signers``); corridor.yaml must list ``path``."""
        document = agreement_credential(
            self.module(),
            party=self.did(party),
            commitment=commitment,
            thresholds=thresholds,
            pinned_lawpacks=pins,
            **{"issued_at": ISSUED, **options},
        )
        if edit is not None:
            edit(document["credentialSubject"])
        for signer in [self.signer(party)] if signers is None else signers:
            document = add_proof(document, signer, created=ISSUED)
        path = path or f"corridor.agreement.{party}.vc.json"
        self.put_json(path, document)
        return path

    def registry(
        self,
        path: str,
        issuer: Signer,
        authorities: Sequence[tuple[Signer, Sequence[str] | str]],
        *,
        parent: Any = None,
        signers: Sequence[Signer] | None = None,
    ) -> dict[str, Any]:
        """Write an authority registry VC issued (and signed) by ``issuer``."""
        subject: dict[str, Any] = {
            "registry_id": path.removesuffix(".vc.json"),
            "authorities": [
                {"did": str(s.did), "allowed_attestations": a if isinstance(a, str) else list(a)}
                for s, a in authorities
            ],
        }
        if parent is not None:
            subject["parent_registry_ref"] = parent
        document = new_credential(
            types=["MSEZAuthorityRegistryCredential"], issuer=str(issuer.did), subject=subject, issued_at=ISSUED
        ).to_json()
        for signer in [issuer] if signers is None else signers:
            document = add_proof(document, signer, created=ISSUED)
        self.put_json(path, document)
        return document


def two_party_world() -> World:
    return World({"zone-a": (new_signer(), "zone_authority"), "zone-b": (new_signer(), "zone_authority")})


@pytest.fixture
def world() -> World:
    """Two zone authorities, a definition signed by governance, both party agreements (2-of-2): activated."""
    w = two_party_world()
    w.define()
    w.agree("zone-a")
    w.agree("zone-b")
    return w


def failing(report: CorridorReport) -> list[tuple[str, str, str]]:
    """``(rule, subject, detail)`` of every failed check."""
    return [(c.rule.value, c.subject, c.detail) for c in report.failures]
