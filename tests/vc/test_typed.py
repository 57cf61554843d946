"""Typed credentials: smart-asset registry with its asset_id binding, compliance, formation and ownership."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from msez.core import IntegrityError, ValidationError, digest_of
from msez.schema import default_registry
from msez.vc import (
    ComplianceAttestationSubject,
    FormationComplianceSubject,
    OwnershipComplianceSubject,
    Signer,
    SmartAssetRegistrySubject,
    compliance_attestation_credential,
    compute_asset_id,
    formation_compliance_credential,
    new_credential,
    ownership_compliance_credential,
    sign_credential,
    smart_asset_registry_credential,
    verify_asset_id_binding,
    verify_credential,
)
from tests.vc.conftest import NOW

GENESIS: dict[str, Any] = {
    "type": "SmartAssetGenesis",
    "stack_spec_version": "0.4.44",
    "created_at": "2026-01-01T00:00:00Z",
    "asset_name": "Karachi Tower unit 7",
    "asset_class": "property",
}
COMMITMENT = "ab" * 32


def _registry_subject(asset_id: str | None = None) -> SmartAssetRegistrySubject:
    asset_id = asset_id or compute_asset_id(GENESIS).hex
    return SmartAssetRegistrySubject.model_validate(
        {
            "asset_id": asset_id,
            "stack_spec_version": "0.4.44",
            "asset_genesis": {"artifact_type": "smart-asset-genesis", "digest_sha256": asset_id},
            "asset_class": "property",
            "jurisdiction_bindings": [
                {
                    "harbor_id": "pk-rsez",
                    "binding_status": "active",
                    "lawpacks": [{"jurisdiction_id": "pk", "domain": "civil", "lawpack_digest_sha256": "cd" * 32}],
                    "compliance_profile": {"allowed_transition_kinds": ["transfer"]},
                }
            ],
        }
    )


def test_asset_id_is_the_digest_of_genesis_without_asset_id() -> None:
    expected = digest_of(GENESIS)

    assert compute_asset_id(GENESIS) == expected
    assert compute_asset_id({**GENESIS, "asset_id": "anything"}) == expected


def test_registry_credential_signs_verifies_and_binds(alice: Signer) -> None:
    credential = sign_credential(
        smart_asset_registry_credential(_registry_subject(), issuer=str(alice.did), issued_at=NOW), alice, created=NOW
    )

    assert credential.id == f"urn:msez:vc:smart-asset-registry:{compute_asset_id(GENESIS).hex}"
    assert credential.types == ("VerifiableCredential", "MsezSmartAssetRegistryCredential")
    assert verify_credential(credential, now=NOW).ok
    assert default_registry().errors(credential.to_json(), "vc.smart-asset-registry") == []
    verify_asset_id_binding(credential, GENESIS)
    verify_asset_id_binding(credential, {**GENESIS, "asset_id": compute_asset_id(GENESIS).hex})


def test_binding_mismatch_is_detected(alice: Signer) -> None:
    credential = smart_asset_registry_credential(_registry_subject(), issuer=str(alice.did), issued_at=NOW)
    other = {**GENESIS, "asset_name": "Karachi Tower unit 8"}

    with pytest.raises(IntegrityError, match=f"expected {compute_asset_id(other).hex} from the genesis, found"):
        verify_asset_id_binding(credential, other)
    with pytest.raises(IntegrityError, match="is not its own digest"):
        verify_asset_id_binding(credential, {**GENESIS, "asset_id": "00" * 32})


def test_genesis_ref_must_name_the_genesis(alice: Signer) -> None:
    subject = _registry_subject().model_copy(update={"asset_genesis": _registry_subject("ee" * 32).asset_genesis})
    credential = smart_asset_registry_credential(subject, issuer=str(alice.did), issued_at=NOW)

    with pytest.raises(IntegrityError, match="asset_genesis digest eeee"):
        verify_asset_id_binding(credential, GENESIS)


def test_binding_needs_a_registry_credential(alice: Signer) -> None:
    plain = new_credential(types=["Other"], issuer=str(alice.did), subject={}, issued_at=NOW)

    with pytest.raises(ValidationError, match="not a MsezSmartAssetRegistryCredential"):
        verify_asset_id_binding(plain, GENESIS)


@pytest.mark.parametrize("asset_id", [pytest.param("AB" * 32, id="uppercase"), pytest.param("ab" * 31, id="short")])
def test_registry_subject_rejects_malformed_asset_ids(asset_id: str) -> None:
    with pytest.raises(PydanticValidationError, match="asset_id"):
        _registry_subject(asset_id)


def _compliance_fields() -> dict[str, Any]:
    return {
        "jurisdiction_id": "pk-rsez",
        "domain_states": {"aml": "compliant", "Sanctions": "compliant", "tax": "pending"},
        "tensor_commitment": COMMITMENT,
        "evaluated_at": "2026-01-15T11:59:00Z",
    }


def test_compliance_attestation_credential(alice: Signer) -> None:
    subject = ComplianceAttestationSubject.model_validate({"asset_id": "asset-1", **_compliance_fields()})

    credential = compliance_attestation_credential(subject, issuer=str(alice.did), issued_at=NOW)

    assert credential.id == "urn:msez:vc:compliance:asset-1:20260115T120000Z"
    assert credential.subjects[0]["domain_states"] == {"aml": "compliant", "sanctions": "compliant", "tax": "pending"}
    assert credential.subjects[0]["tensor_commitment"] == COMMITMENT
    assert default_registry().errors(credential.to_json(), "vc.compliance-attestation") == []
    assert verify_credential(sign_credential(credential, alice, suite="ed25519-2020", created=NOW), now=NOW).ok


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({}, "names an asset_id or an entity_id", id="no-subject"),
        pytest.param(
            {"entity_id": "e", "domain_states": {"astrology": "compliant"}}, "unknown compliance domain", id="domain"
        ),
        pytest.param({"entity_id": "e", "domain_states": {"aml": "fine"}}, "domain_states.aml", id="state"),
        pytest.param({"entity_id": "e", "tensor_commitment": "xyz"}, "tensor_commitment", id="commitment"),
    ],
)
def test_compliance_subject_validation(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PydanticValidationError, match=message):
        ComplianceAttestationSubject.model_validate({**_compliance_fields(), **change})


def test_formation_compliance_credential(alice: Signer) -> None:
    subject = FormationComplianceSubject.model_validate(
        {
            "entity_id": "e-1",
            "legal_name": "Indus Traders (Pvt) Ltd",
            "entity_type": "private_limited",
            **_compliance_fields(),
        }
    )

    credential = formation_compliance_credential(subject, issuer=str(alice.did), issued_at=NOW)

    assert credential.id == "urn:msez:vc:formation:e-1:20260115T120000Z"
    assert "MsezFormationComplianceCredential" in credential.types
    assert default_registry().errors(credential.to_json(), "vc.formation-compliance") == []


def test_ownership_compliance_credential(alice: Signer) -> None:
    share_classes = [{"name": "ordinary", "authorized_shares": 1000, "issued_shares": 400}]
    subject = OwnershipComplianceSubject.model_validate(
        {"entity_id": "e-1", "share_classes": share_classes, **_compliance_fields()}
    )

    credential = ownership_compliance_credential(subject, issuer=str(alice.did), issued_at=NOW)

    assert credential.id == "urn:msez:vc:ownership:e-1:20260115T120000Z"
    assert default_registry().errors(credential.to_json(), "vc.ownership-compliance") == []
    with pytest.raises(PydanticValidationError, match="1001 issued exceeds 1000 authorised"):
        OwnershipComplianceSubject.model_validate(
            {**subject.to_json(), "share_classes": [{**share_classes[0], "issued_shares": 1001}]}
        )


def test_typed_schemas_reject_other_shapes(alice: Signer) -> None:
    subject = FormationComplianceSubject.model_validate(
        {"entity_id": "e-1", "legal_name": "X", "entity_type": "llc", **_compliance_fields()}
    )
    document = formation_compliance_credential(subject, issuer=str(alice.did), issued_at=NOW).to_json()
    document["credentialSubject"]["surprise"] = 1

    errors = default_registry().errors(document, "vc.formation-compliance")

    assert [e.path for e in errors] == ["$.credentialSubject"]
    assert "surprise" in errors[0].reason
