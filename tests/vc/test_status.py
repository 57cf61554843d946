"""Acceptance 3 and the W3C Bitstring Status List: encoding, bit order, entries, and status checks."""

from __future__ import annotations

import base64
import gzip
from typing import Any

import pytest

from msez.core import ValidationError
from msez.vc import (
    MIN_STATUS_LIST_BITS,
    Credential,
    Reason,
    Signer,
    StatusList,
    StatusListRegistry,
    add_proof,
    set_status,
    sign_credential,
    status_entry,
    status_list_credential,
    status_list_of,
    verify_credential,
)
from tests.vc.conftest import NOW, credential

LIST_ID = "https://zone.example/status/revocation/1"


def _list(signer: Signer, *, purpose: Any = "revocation", set_bits: tuple[int, ...] = ()) -> Credential:
    status_list = status_list_credential(list_id=LIST_ID, issuer=str(signer.did), purpose=purpose, valid_from=NOW)
    for index in set_bits:
        status_list = set_status(status_list, index, True)
    return sign_credential(status_list, signer, created=NOW)


def _holder_credential(signer: Signer, index: int, purpose: Any = "revocation") -> dict[str, Any]:
    document = {**credential(signer), "credentialStatus": status_entry(LIST_ID, index, purpose=purpose)}
    return add_proof(document, signer, created=NOW)


def test_revoked_fails_and_clearing_the_bit_verifies_again(alice: Signer) -> None:
    document = _holder_credential(alice, 94567)
    registry = StatusListRegistry((_list(alice),))
    assert verify_credential(document, status_source=registry, now=NOW).ok

    revoked = sign_credential(set_status(_list(alice), 94567, True), alice, created=NOW)
    registry.add(revoked)
    report = verify_credential(document, status_source=registry, now=NOW)
    assert report.reasons == (Reason.REVOKED,)
    assert report.findings[0].detail == f"revoked in status list {LIST_ID} at index 94567"
    assert all(p.ok for p in report.proofs)

    registry.add(sign_credential(set_status(revoked, 94567, False), alice, created=NOW))
    assert verify_credential(document, status_source=registry, now=NOW).ok


def test_suspended_is_reported_as_suspended(alice: Signer) -> None:
    registry = StatusListRegistry((_list(alice, purpose="suspension", set_bits=(7,)),))

    report = verify_credential(_holder_credential(alice, 7, "suspension"), status_source=registry, now=NOW)

    assert report.reasons == (Reason.SUSPENDED,)


def test_other_bits_do_not_affect_the_entry(alice: Signer) -> None:
    registry = StatusListRegistry((_list(alice, set_bits=(0, 6, 8, MIN_STATUS_LIST_BITS - 1)),))

    assert verify_credential(_holder_credential(alice, 7), status_source=registry, now=NOW).ok


@pytest.mark.parametrize(
    ("setup", "reason", "detail"),
    [
        pytest.param("missing", Reason.STATUS_UNRESOLVABLE, "is not available", id="list-not-in-source"),
        pytest.param("unsigned", Reason.STATUS_INVALID, "no-proofs", id="list-unsigned"),
        pytest.param("other-issuer", Reason.STATUS_INVALID, "is not issued and signed by", id="list-other-issuer"),
        pytest.param("purpose", Reason.STATUS_INVALID, "is for suspension, entry is revocation", id="purpose-mismatch"),
        pytest.param("index", Reason.STATUS_INVALID, "outside the list", id="index-out-of-range"),
        pytest.param("entry-type", Reason.STATUS_INVALID, "unsupported credentialStatus", id="unknown-entry-type"),
        pytest.param("entry-index", Reason.STATUS_INVALID, "base-10 integer string", id="index-not-a-string"),
    ],
)
def test_status_problems_fail_closed(alice: Signer, bob: Signer, setup: str, reason: Reason, detail: str) -> None:
    status_list = {
        "unsigned": status_list_credential(list_id=LIST_ID, issuer=str(alice.did), valid_from=NOW),
        "other-issuer": _list(bob),
        "purpose": _list(alice, purpose="suspension"),
    }.get(setup, _list(alice))
    registry = StatusListRegistry(() if setup == "missing" else (status_list,))
    overrides: dict[str, dict[str, Any]] = {
        "entry-type": {"type": "StatusList2021Entry"},
        "entry-index": {"statusListIndex": 3},
    }
    entry = status_entry(LIST_ID, MIN_STATUS_LIST_BITS if setup == "index" else 3) | overrides.get(setup, {})
    document = add_proof({**credential(alice), "credentialStatus": entry}, alice, created=NOW)

    report = verify_credential(document, status_source=registry, now=NOW)

    assert report.reasons == (reason,)
    assert detail in report.findings[0].detail


def test_no_status_source_means_status_cannot_be_checked(alice: Signer) -> None:
    assert verify_credential(_holder_credential(alice, 1), now=NOW).reasons == (Reason.STATUS_UNRESOLVABLE,)


def test_encoded_list_is_multibase_base64url_gzip_of_16_kib() -> None:
    encoded = StatusList.new().with_status(0, True).with_status(9, True).encode()

    assert encoded.startswith("uH4sI")
    assert "=" not in encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) == MIN_STATUS_LIST_BITS // 8
    assert bits[:2] == bytes([0b1000_0000, 0b0100_0000])  # index 0 is the left-most bit
    assert StatusList.new().encode() == StatusList.new().encode()  # GZIP mtime 0: deterministic


def test_decode_round_trips_and_accepts_the_status_list_2021_form() -> None:
    status_list = StatusList.new(MIN_STATUS_LIST_BITS * 2).with_status(200_000, True)

    assert StatusList.decode(status_list.encode()) == status_list
    assert StatusList.decode(status_list.encode()[1:]) == status_list
    assert StatusList.decode(status_list.encode()).get(200_000)


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        pytest.param("u" + base64.urlsafe_b64encode(gzip.compress(bytes(100))).decode(), "minimum", id="too-short"),
        pytest.param("uH4sIAAAA", "not base64url GZIP", id="truncated"),
        pytest.param("u!!!", "not base64url GZIP", id="alphabet"),
    ],
)
def test_decode_rejects(encoded: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        StatusList.decode(encoded)


@pytest.mark.parametrize("size", [MIN_STATUS_LIST_BITS - 8, MIN_STATUS_LIST_BITS + 1], ids=["small", "ragged"])
def test_new_rejects_bad_sizes(size: int) -> None:
    with pytest.raises(ValidationError, match=f"got {size}"):
        StatusList.new(size)


def test_status_list_credential_shape(alice: Signer) -> None:
    status_list = status_list_credential(list_id=LIST_ID, issuer=str(alice.did), purpose="suspension")

    assert status_list.data_model == "2.0"
    assert status_list.types == ("VerifiableCredential", "BitstringStatusListCredential")
    assert status_list.subjects[0]["id"] == f"{LIST_ID}#list"
    assert status_list_of(status_list)[0] == "suspension"
    assert status_entry(LIST_ID, 5) == {
        "id": f"{LIST_ID}#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": LIST_ID,
    }


def test_set_status_drops_proofs_and_checks_the_index(alice: Signer) -> None:
    signed = _list(alice)

    updated = set_status(signed, 3, True)

    assert updated.proof is None
    assert status_list_of(updated)[1].get(3)
    with pytest.raises(ValidationError, match="status index 131072 is outside the list"):
        set_status(signed, MIN_STATUS_LIST_BITS, True)


def test_registry_refuses_what_is_not_a_status_list(alice: Signer) -> None:
    with pytest.raises(ValidationError, match="not a BitstringStatusListCredential"):
        StatusListRegistry((credential(alice),))
