"""One test per rule of ruleset msez.corridor.verification.v1, each on an in-memory corridor with fresh keys."""

from __future__ import annotations

from typing import Any

import pytest

from msez.core import ArtifactRef, ContentDigest, Timestamp, digest_of, load_yaml
from msez.corridor import PinnedLawpack, Rule, Threshold, agreement_credential, verify_corridor
from msez.vc import add_proof
from tests.corridor.agreement.conftest import ISSUED, World, failing, new_signer, two_party_world

LAWPACK_A = ContentDigest("aa" * 32)
LAWPACK_B = ContentDigest("bb" * 32)


def test_world_fixture_activates(world: World) -> None:
    report = world.verify()
    assert report.ok and report.activated, report.summary()


def _shared_agreement(w: World, *signers: str) -> Any:
    """One agreement for all parties (no ``party``), signed by ``signers``."""
    w.manifest["agreement_vc_path"] = ["corridor.agreement.vc.json"]
    w.define()
    document = agreement_credential(w.module(), issuer=w.did("zone-a"), issued_at=ISSUED)
    for name in signers:
        document = add_proof(document, w.signer(name))
    w.put_json("corridor.agreement.vc.json", document)
    return w.verify()


def test_shared_agreement_signed_by_both_activates() -> None:
    report = _shared_agreement(w := two_party_world(), "zone-a", "zone-b")
    assert report.activated, report.summary()
    assert report.activation is not None
    assert report.activation.roles[0].parties == tuple(sorted([w.did("zone-a"), w.did("zone-b")]))


def test_missing_signer_leaves_the_threshold_unmet() -> None:
    report = _shared_agreement(two_party_world(), "zone-a")

    assert not report.activated
    assert failing(report) == [
        ("threshold", "activation zone_authority", "1 of 2 required (of 2): not met"),
        (
            "activation",
            "agreements",
            "not activated: activation threshold not met (zone_authority 1 of 2 required (of 2): not met)",
        ),
    ]


def test_missing_agreement_file_is_named() -> None:
    w = two_party_world()
    w.define()
    w.agree("zone-a")

    report = w.verify()

    missing = ("schema", "corridor.agreement.zone-b.vc.json", "corridor.agreement.zone-b.vc.json does not exist")
    assert missing in failing(report)
    assert ("threshold", "activation zone_authority", "1 of 2 required (of 2): not met") in failing(report)


def test_extra_unauthorised_signer_is_named(world: World) -> None:
    intruder = new_signer()
    path = "corridor.agreement.zone-a.vc.json"
    world.put_json(path, add_proof(world.json(path), intruder))

    report = world.verify()

    assert failing(report) == [
        ("signer", f"{path}: {intruder.did}", f"no trust anchor allows {intruder.did} to sign corridor_agreement"),
        ("activation", "agreements", "not activated: other checks failed (zone_authority 2 of 2 required (of 2): met)"),
    ]


def test_party_agreement_signed_by_someone_else_fails_the_party_rule() -> None:
    w = two_party_world()
    w.define()
    w.agree("zone-a", signers=[w.signer("zone-b")])
    w.agree("zone-b")

    report = w.verify()

    party = ("party", f"corridor.agreement.zone-a.vc.json: party {w.did('zone-a')}")
    assert (*party, "no valid, authorised proof by the party itself") in failing(report)
    assert ("threshold", "activation zone_authority", "1 of 2 required (of 2): not met") in failing(report)


def test_party_claiming_another_role_fails() -> None:
    w = two_party_world()
    w.define()
    w.agree("zone-a", edit=lambda s: s["party"].update(role="regulator"))
    w.agree("zone-b")

    report = w.verify()

    subject = f"corridor.agreement.zone-a.vc.json: party {w.did('zone-a')}"
    assert ("party", subject, "claims role 'regulator' but is listed as 'zone_authority'") in failing(report)


@pytest.mark.parametrize(
    ("file", "role"),
    [
        pytest.param("trust-anchors.yaml", "trust_anchors", id="trust-anchors"),
        pytest.param("key-rotation.yaml", "key_rotation", id="key-rotation"),
        pytest.param("corridor.yaml", "corridor_manifest", id="manifest"),
    ],
)
def test_wrong_file_binding_names_the_file(world: World, file: str, role: str) -> None:
    world.files[file] += b"# edited after signing\n"

    report = world.verify()

    (binding,) = [c for c in report.failures if c.rule is Rule.BINDING]
    assert binding.subject == f"corridor.vc.json: artifacts.{role} -> {file}"
    assert binding.detail.startswith("expected sha256 ")
    assert not report.activated


def test_wrong_definition_payload_binding(world: World) -> None:
    path = "corridor.agreement.zone-b.vc.json"
    world.agree("zone-b", edit=lambda s: s.update(definition_payload_sha256="00" * 32))

    report = world.verify()

    detail = f"names {'00' * 32}, but the definition payload is {report.definition_payload_sha256.hex}"  # type: ignore[union-attr]
    assert ("binding", f"{path}: definition_payload_sha256", detail) in failing(report)
    assert ("threshold", "activation zone_authority", "1 of 2 required (of 2): not met") in failing(report)
    assert path not in {a.file.path for a in report.agreements.agreements if a.eligible}  # type: ignore[union-attr]


def test_wrong_definition_vc_id(world: World) -> None:
    world.agree("zone-b", edit=lambda s: s.update(definition_vc_id="urn:other"))
    report = world.verify()
    subject = "corridor.agreement.zone-b.vc.json: definition_vc_id"
    assert any(c.subject == subject and c.detail.startswith("names 'urn:other'") for c in report.failures)


def test_canonical_digest_binding_is_accepted_and_reported() -> None:
    w = two_party_world()
    w.define()
    definition = w.json("corridor.vc.json")
    definition.pop("proof")
    canonical = digest_of(load_yaml(w.files["trust-anchors.yaml"]))
    ref = ArtifactRef(artifact_type="blob", digest_sha256=canonical)
    definition["credentialSubject"]["artifacts"]["trust_anchors"] = ref.to_json()
    w.put_json("corridor.vc.json", add_proof(definition, w.governance))

    report = w.verify()

    assert dict(report.definition.binding_modes)["trust_anchors"] == "canonical"
    assert report.definition.ok, report.summary()


def test_legacy_binding_naming_another_file_fails(world: World) -> None:
    definition = world.json("corridor.vc.json")
    definition.pop("proof")
    definition["credentialSubject"]["artifacts"]["key_rotation"]["path"] = "other.yaml"
    world.put_json("corridor.vc.json", add_proof(definition, world.governance))

    report = world.verify()

    detail = "legacy entry names path 'other.yaml', but corridor.yaml's file is key-rotation.yaml"
    assert ("binding", "corridor.vc.json: artifacts.key_rotation -> key-rotation.yaml", detail) in failing(report)


def test_definition_signed_by_a_zone_key_is_unauthorised() -> None:
    w = two_party_world()
    w.define(signer=w.signer("zone-a"))
    report = w.verify()
    did = w.did("zone-a")
    assert ("signer", f"corridor.vc.json: {did}", f"no trust anchor allows {did} to sign corridor_definition") in (
        failing(report)
    )


def test_duplicate_party_fails_the_status_lock() -> None:
    w = two_party_world()
    w.manifest["agreement_vc_path"].append("corridor.agreement.zone-a.v2.vc.json")
    w.define()
    w.agree("zone-a")
    w.agree("zone-b")
    w.agree("zone-a", path="corridor.agreement.zone-a.v2.vc.json")

    report = w.verify()

    paths = "corridor.agreement.zone-a.vc.json, corridor.agreement.zone-a.v2.vc.json"
    assert ("status-lock", f"party {w.did('zone-a')}", f"duplicate party: 2 VCs ({paths})") in failing(report)
    assert not report.activated


@pytest.mark.parametrize("commitment", ["withdraw", "suspend"])
def test_non_affirmative_commitment_blocks_activation(commitment: str) -> None:
    w = two_party_world()
    w.define()
    w.agree("zone-a")
    w.agree("zone-b", commitment=commitment)

    report = w.verify()

    blocker = f"{w.did('zone-b')}:{commitment}"
    assert report.blockers == (blocker,)
    assert report.activation is not None and report.activation.state == "blocked"
    detail = f"commits {commitment!r}, not one of ['agree']: blocks activation"
    assert ("commitment", f"corridor.agreement.zone-b.vc.json: {w.did('zone-b')}", detail) in failing(report)
    verdict = next(c for c in report.failures if c.rule is Rule.ACTIVATION)
    assert verdict.detail.startswith(f"not activated: blocked by {blocker}")


def test_accept_commitments_widens_what_counts() -> None:
    w = two_party_world()
    w.define()
    accept = ["agree", "consent"]
    w.agree("zone-a", accept_commitments=accept)
    w.agree("zone-b", accept_commitments=accept, commitment="consent")
    assert w.verify().activated


def test_base_consistency_names_the_differing_field(world: World) -> None:
    world.agree("zone-b", thresholds=[Threshold("zone_authority", 1, 2)])

    report = world.verify()

    assert (
        "consistency",
        "corridor.agreement.zone-b.vc.json: activation",
        "differs from corridor.agreement.zone-a.vc.json",
    ) in (failing(report))
    # the state channel terms are shared terms too
    assert "corridor.agreement.zone-b.vc.json: state_channel" in {c.subject for c in report.failures}


def test_threshold_of_must_match_the_participants() -> None:
    w = two_party_world()
    w.define()
    for party in ("zone-a", "zone-b"):
        w.agree(party, thresholds=[Threshold("zone_authority", 2, 3)])

    report = w.verify()

    assert ("threshold", "activation zone_authority", "of 3, but 2 participant(s) have role zone_authority") in (
        failing(report)
    )
    assert not report.activated


def test_threshold_required_above_of_fails() -> None:
    w = two_party_world()
    w.define()
    for party in ("zone-a", "zone-b"):
        w.agree(party, thresholds=[Threshold("zone_authority", 3, 2)])
    report = w.verify()
    assert ("threshold", "activation zone_authority", "required 3 exceeds of 2") in failing(report)


def _lawpack_world(pins_a: list[PinnedLawpack], **definition: Any) -> World:
    w = two_party_world()
    w.define(**definition)
    w.agree("zone-a", pins=pins_a)
    w.agree("zone-b", pins=[PinnedLawpack("b", "civil", LAWPACK_B), PinnedLawpack("b", "financial", LAWPACK_B)])
    return w


def test_lawpack_coverage_fails_for_a_missing_domain() -> None:
    w = _lawpack_world([PinnedLawpack("a", "civil", LAWPACK_A)], required_domains=["civil", "financial"])

    report = w.verify()

    assert failing(report)[0] == (
        "lawpack-coverage",
        "corridor.agreement.zone-a.vc.json",
        "pins no lawpack for required domain(s) financial",
    )
    assert ("lawpack-coverage", "corridor.agreement.zone-b.vc.json", "pins civil, financial") in [
        (c.rule.value, c.subject, c.detail) for c in report.checks
    ]


def test_lawpack_allow_list_rejects_an_unlisted_digest() -> None:
    allowed = [PinnedLawpack("a", "civil", LAWPACK_A), PinnedLawpack("b", "civil", LAWPACK_B)]
    allowed.append(PinnedLawpack("b", "financial", LAWPACK_B))
    w = _lawpack_world([PinnedLawpack("a", "civil", LAWPACK_B)], allowed_lawpacks=allowed)

    report = w.verify()

    assert failing(report)[0] == (
        "lawpack-allow-list",
        "corridor.agreement.zone-a.vc.json: pinned_lawpacks[0]",
        f"a/civil {LAWPACK_B.hex} is not in the definition's allow-list",
    )


def test_lawpacks_within_coverage_and_allow_list_activate() -> None:
    pins = [PinnedLawpack("a", "civil", LAWPACK_A), PinnedLawpack("a", "financial", LAWPACK_A)]
    allowed = [*pins, PinnedLawpack("b", "civil", LAWPACK_B), PinnedLawpack("b", "financial", LAWPACK_B)]
    w = _lawpack_world(pins, required_domains=["civil", "financial"], allowed_lawpacks=allowed)
    report = w.verify()
    assert report.activated, report.summary()
    assert report.channel_terms().lawpack_digests == {LAWPACK_A, LAWPACK_B}


def test_agreement_for_another_corridor_fails(world: World) -> None:
    world.agree("zone-b", edit=lambda s: s.update(corridor_id="org.other"))
    report = world.verify()
    assert (
        "corridor-id",
        "corridor.agreement.zone-b.vc.json",
        "corridor_id 'org.other', expected 'org.momentum.msez.corridor.test.world'",
    ) in failing(report)


def test_unsupported_ruleset_fails(world: World) -> None:
    world.manifest["verification_ruleset"] = "acme.corridor.v9"
    world.define()
    report = world.verify()
    detail = (
        "unsupported ruleset 'acme.corridor.v9'; expected msez.corridor.verification.v1 or mez.corridor.verification.v1"
    )
    assert ("ruleset", "corridor.yaml: verification_ruleset", detail) in failing(report)


def test_missing_trust_anchors_fail_closed(world: World) -> None:
    del world.files["trust-anchors.yaml"]
    report = world.verify()
    assert ("schema", "trust-anchors.yaml", "trust-anchors.yaml does not exist") in failing(report)
    assert {c.rule for c in report.failures} >= {Rule.SCHEMA, Rule.SIGNER, Rule.BINDING}
    assert not report.activated


def test_schema_violation_is_named(world: World) -> None:
    world.manifest["title"] = "not allowed by the closed corridor schema"
    world.define()
    report = world.verify()
    (schema,) = [c for c in report.failures if c.rule is Rule.SCHEMA]
    assert schema.subject == "corridor.yaml: $" and "title" in schema.detail


def test_expired_definition_fails_validity(world: World) -> None:
    report = verify_corridor(world.module(), now=Timestamp.parse("2025-01-01T00:00:00Z"))
    (validity, *_) = [c for c in report.failures if c.rule is Rule.VALIDITY]
    assert validity.subject == "corridor.vc.json"
    assert validity.detail.startswith("not-yet-valid: issuanceDate 2026-01-01T00:00:00Z is more than 60 s after")


def test_raise_for_failure_names_every_failure(world: World) -> None:
    world.files["key-rotation.yaml"] += b"\n"
    report = world.verify()
    with pytest.raises(Exception, match=r"does not verify: binding corridor.vc.json: artifacts.key_rotation") as info:
        report.raise_for_failure()
    assert info.value.report is report  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="does not verify"):
        report.channel_terms()


@pytest.mark.parametrize(
    ("edit", "detail"),
    [
        pytest.param(
            {"effectiveFrom": "2026-09-01T00:00:00Z"},
            "effectiveFrom 2026-09-01T00:00:00Z is after now (2026-06-01T00:00:00Z)",
            id="not-yet",
        ),
        pytest.param(
            {"effectiveUntil": "2026-06-01T00:00:00Z"},
            "effectiveUntil 2026-06-01T00:00:00Z has passed (now 2026-06-01T00:00:00Z)",
            id="ended",
        ),
    ],
)
def test_activation_window(edit: dict[str, str], detail: str) -> None:
    w = two_party_world()
    w.define()
    for party in ("zone-a", "zone-b"):
        w.agree(party, edit=lambda s: s["activation"].update(edit))

    report = w.verify()

    assert ("activation", "activation window", detail) in failing(report)
    assert not report.activated
