"""Identifiers and compliance domains (reference-impl A 1.3, 1.4)."""

from __future__ import annotations

import pickle
import uuid
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from msez.core import (
    AssetId,
    Cnic,
    ComplianceDomain,
    CorridorId,
    Did,
    DisputeId,
    EntityId,
    JurisdictionId,
    MigrationId,
    Ntn,
    PassportNumber,
    ValidationError,
    WatcherId,
)

REFERENCE_DOMAINS = [
    "aml",
    "kyc",
    "sanctions",
    "tax",
    "securities",
    "corporate",
    "custody",
    "data_privacy",
    "licensing",
    "banking",
    "payments",
    "clearing",
    "settlement",
    "digital_assets",
    "employment",
    "immigration",
    "ip",
    "consumer_protection",
    "arbitration",
    "trade",
]


def test_compliance_domains_are_the_reference_twenty_in_order() -> None:
    assert [d.value for d in ComplianceDomain] == REFERENCE_DOMAINS
    assert str(ComplianceDomain.DATA_PRIVACY) == "data_privacy"


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        pytest.param("aml", ComplianceDomain.AML, id="exact"),
        pytest.param(" KYC ", ComplianceDomain.KYC, id="case-and-space"),
        pytest.param("data-privacy", ComplianceDomain.DATA_PRIVACY, id="dash"),
        pytest.param("Digital_Assets", ComplianceDomain.DIGITAL_ASSETS, id="mixed-case"),
    ],
)
def test_compliance_domain_parse(text: str, domain: ComplianceDomain) -> None:
    assert ComplianceDomain.parse(text) is domain


@pytest.mark.parametrize("text", [pytest.param("environment", id="unknown"), pytest.param(5, id="not-a-string")])
def test_compliance_domain_parse_refuses_listing_the_valid_names(text: Any) -> None:
    with pytest.raises(ValidationError, match=r"unknown compliance domain .*; expected one of: aml, kyc, .*, trade$"):
        ComplianceDomain.parse(text)


# --- DID --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "method", "specific"),
    [
        pytest.param("did:web:example.com", "web", "example.com", id="web"),
        pytest.param(
            "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            "key",
            "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
            id="key",
        ),
        pytest.param("did:ethr:0xabc123", "ethr", "0xabc123", id="ethr"),
        pytest.param("did:web:example.com:user:alice", "web", "example.com:user:alice", id="colons-in-id"),
    ],
)
def test_did_valid(text: str, method: str, specific: str) -> None:
    did = Did(text)
    assert (did, did.method, did.method_specific_id) == (text, method, specific)
    assert repr(did) == f"Did('{text}')"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("did:", id="empty"),
        pytest.param("did::x", id="empty-method"),
        pytest.param("did:Web:id", id="uppercase-method"),
        pytest.param("did:method:", id="empty-id"),
        pytest.param("did:we-b:x", id="dash-in-method"),
        pytest.param("web:example.com", id="no-did-prefix"),
        pytest.param("", id="blank"),
    ],
)
def test_did_invalid(text: str) -> None:
    with pytest.raises(ValidationError, match=r"^invalid DID .*: expected did:<method>:<id>"):
        Did(text)


def test_did_base_strips_the_fragment() -> None:
    assert Did("did:key:z6Mk#key-1").base == Did("did:key:z6Mk")
    assert Did("did:key:z6Mk").base == "did:key:z6Mk"


# --- Pakistan identifiers, passports, jurisdictions ----------------------------------------------------------


def test_ntn_keeps_leading_zeros() -> None:
    assert Ntn("0123456") == "0123456"


@pytest.mark.parametrize("text", ["123456", "12345678", "12345a7", "", "\uff11\uff12\uff13\uff14\uff15\uff16\uff17"])
def test_ntn_invalid(text: str) -> None:
    with pytest.raises(ValidationError, match=r"invalid NTN .*: expected exactly 7 digits"):
        Ntn(text)


@pytest.mark.parametrize(
    "text", [pytest.param("12345-1234567-1", id="dashed"), pytest.param("1234512345671", id="bare")]
)
def test_cnic_is_stored_without_dashes(text: str) -> None:
    cnic = Cnic(text)
    assert cnic == "1234512345671"
    assert cnic.formatted() == "12345-1234567-1"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param("12345-123456-71", "dashes must split the digits 5-7-1", id="dashes-wrong"),
        pytest.param("1234-51234567-1", "dashes must split the digits 5-7-1", id="dashes-shifted"),
        pytest.param("123451234567", "expected 13 digits", id="12-digits"),
        pytest.param("12345123456712", "expected 13 digits", id="14-digits"),
        pytest.param("123451234567x", "expected 13 digits", id="letter"),
    ],
)
def test_cnic_invalid(text: str, why: str) -> None:
    with pytest.raises(ValidationError, match=f"invalid CNIC .*: {why}"):
        Cnic(text)


def test_passport_number_is_trimmed_and_upper_cased() -> None:
    assert PassportNumber(" ab1234567 ") == "AB1234567"


@pytest.mark.parametrize("text", ["AB12", "A" * 21, "AB-123456", "ÄB123456", ""])
def test_passport_number_invalid(text: str) -> None:
    with pytest.raises(ValidationError, match=r"invalid passport number .*: expected 5 to 20 ASCII letters and digits"):
        PassportNumber(text)


def test_jurisdiction_id_is_any_non_blank_string_kept_as_given() -> None:
    assert JurisdictionId(" pk-rsez ") == " pk-rsez "
    with pytest.raises(ValidationError, match="invalid jurisdiction id '  ': must not be empty"):
        JurisdictionId("  ")


def test_identifiers_must_be_strings() -> None:
    with pytest.raises(ValidationError, match="NTN must be a string, got int"):
        Ntn(1234567)  # type: ignore[arg-type]


# --- typed UUIDs ------------------------------------------------------------------------------------------------

UUID_TYPES = [EntityId, CorridorId, MigrationId, WatcherId, AssetId, DisputeId]


@pytest.mark.parametrize("kind", UUID_TYPES, ids=lambda k: k.__name__)
def test_typed_uuid_new_is_canonical_v4(kind: type[EntityId]) -> None:
    value = kind.new()
    assert type(value) is kind
    assert uuid.UUID(value).version == 4
    assert value == str(uuid.UUID(value))


@pytest.mark.parametrize("kind", UUID_TYPES, ids=lambda k: k.__name__)
def test_typed_uuid_parse_normalises_and_refuses(kind: type[EntityId]) -> None:
    assert kind("6F9619FF-8B86-D011-B42D-00C04FC964FF") == "6f9619ff-8b86-d011-b42d-00c04fc964ff"
    with pytest.raises(ValidationError, match=rf"invalid {kind.kind} 'nope': expected a UUID"):
        kind("nope")


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)
    entity: EntityId
    corridor: CorridorId
    did: Did


def test_identifiers_as_pydantic_fields() -> None:
    entity, corridor = EntityId.new(), CorridorId.new()
    record = _Record.model_validate({"entity": entity.upper(), "corridor": corridor, "did": "did:web:x"})
    assert type(record.entity) is EntityId
    assert record.entity == entity
    assert record.model_dump(mode="json") == {"entity": entity, "corridor": corridor, "did": "did:web:x"}
    with pytest.raises(ValueError, match="expected did:<method>:<id>"):
        _Record.model_validate({"entity": entity, "corridor": corridor, "did": "did:Web:x"})


def test_identifiers_survive_pickling_and_stay_validated() -> None:
    cnic = Cnic("12345-1234567-1")
    assert pickle.loads(pickle.dumps(cnic)) == cnic
    assert type(pickle.loads(pickle.dumps(cnic))) is Cnic
