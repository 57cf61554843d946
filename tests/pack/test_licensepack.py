"""Licensepacks: digest order, tamper detection naming the member, compliance evaluation in the reference order,
holder verification, deltas and staleness."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from msez.core import Timestamp, ValidationError, canonical_bytes
from msez.pack import (
    LICENSEPACK,
    LicenseComplianceState,
    Licensepack,
    LicenseRecord,
    PackIntegrityError,
    RefreshPolicy,
    build_licensepack,
    check_pack,
    evaluate_compliance,
    licensepack_delta,
    licensepack_digest,
    licensepack_metadata,
    pack_lock,
    refresh_policy,
    staleness,
    verify_licensepack,
)
from tests.conftest import REPO
from tests.pack.test_regpack import _leaves, changed_copy

SOURCE = REPO / "packs/pk-rsez/licensepacks/financial"
DID = "did:web:rsez.example.pk:entities:"
State = LicenseComplianceState


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_licensepack(SOURCE)


def test_digest_order_is_reference_impl_a_6_3(document: dict[str, Any]) -> None:
    def cb(value: Any) -> bytes:
        return canonical_bytes(value).data

    hasher = hashlib.sha256(b"msez-licensepack-v1\0" + cb(licensepack_metadata(document)) + b"\0")
    for item in sorted(document["license_types"], key=lambda x: x["license_type_id"]):
        hasher.update(f"license-types/{item['license_type_id']}\0".encode() + cb(item) + b"\0")
    for lic in sorted(document["licenses"], key=lambda x: x["license_id"]):
        hasher.update(f"licenses/{lic['license_id']}\0".encode() + cb(lic) + b"\0")
        for section, key in (
            ("conditions", "condition_id"),
            ("permissions", "permission_id"),
            ("restrictions", "restriction_id"),
        ):
            for item in sorted(lic.get(section, []), key=lambda x: x[key]):
                hasher.update(f"licenses/{lic['license_id']}/{section}/{item[key]}\0".encode() + cb(item) + b"\0")
    for holder in sorted(document["holders"], key=lambda x: x["holder_id"]):
        hasher.update(f"holders/{holder['holder_id']}\0".encode() + cb(holder) + b"\0")
    assert licensepack_digest(document).hex == hasher.hexdigest()


def _member(document: dict[str, Any], path: tuple[Any, ...]) -> str:
    section = {"license_types": ("license-types", "license_type_id"), "licenses": ("licenses", "license_id"),
               "holders": ("holders", "holder_id")}  # fmt: skip
    if path[0] in section:
        prefix, key = section[path[0]]
        return f"{prefix}/{document[path[0]][path[1]][key]}"
    return f"metadata/{path[0]}"


def test_changing_any_field_changes_the_digest_and_verify_names_it(document: dict[str, Any]) -> None:
    lock = pack_lock(LICENSEPACK, document, artifact_path="dist/x.licensepack.json")
    digest = licensepack_digest(document)
    for path in _leaves(document):
        changed = changed_copy(document, path)
        assert licensepack_digest(changed) != digest, path
        with pytest.raises(PackIntegrityError) as caught:
            verify_licensepack(changed, lock=lock)
        assert _member(document, path) in str(caught.value), path


def test_mez_tag_and_expected_digest(document: dict[str, Any]) -> None:
    mez = licensepack_digest(document, tag="mez-licensepack-v1")
    assert verify_licensepack(document, expected=mez).tag == "mez-licensepack-v1"
    with pytest.raises(PackIntegrityError, match="licensepack: hashes to"):
        verify_licensepack({**document, "license": "MIT"}, expected=licensepack_digest(document))


def test_committed_example_lock_is_current(document: dict[str, Any]) -> None:
    assert check_pack(LICENSEPACK, document, lock_dir=SOURCE) == []


def test_reordered_inputs_in_another_directory_give_the_same_pack(document: dict[str, Any], tmp_path: Path) -> None:
    other = tmp_path / "elsewhere" / "financial"
    files = sorted(p for p in SOURCE.rglob("*") if p.is_file() and p.name != "licensepack.lock.json")
    for index, path in enumerate(reversed(files)):  # created in reverse order, renamed so they sort reversed
        relative = path.relative_to(SOURCE)
        name = relative.name if relative.parent == Path() else f"{index:03d}-{relative.name}"
        target = other / relative.parent / name
        target.parent.mkdir(parents=True, exist_ok=True)
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))  # re-serialised: other layout, keys reordered
        reordered = dict(reversed(loaded.items())) if isinstance(loaded, dict) else loaded
        target.write_text(yaml.safe_dump(reordered, sort_keys=False, indent=4), encoding="utf-8")

    rebuilt = build_licensepack(other)

    assert canonical_bytes(rebuilt).data == canonical_bytes(document).data
    assert licensepack_digest(rebuilt) == licensepack_digest(document)


def _license(**fields: Any) -> LicenseRecord:
    base = {"license_id": "L-1", "status": "active", "holder_id": "h", "permitted_activities": ["lending"]}
    return LicenseRecord.from_json({**base, **fields})


DAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("fields", "activity", "state", "reason"),
    [
        pytest.param(
            {"status": "suspended", "expiry_date": "2020-01-01"},
            "x",
            State.SUSPENDED,
            "is suspended",
            id="suspended-first",
        ),
        pytest.param(
            {"status": "pending", "permitted_activities": []}, "lending", State.PENDING, "is pending", id="pending"
        ),
        pytest.param({"status": "revoked"}, "lending", State.NON_COMPLIANT, "is revoked", id="revoked"),
        pytest.param({"status": "surrendered"}, "lending", State.NON_COMPLIANT, "is surrendered", id="surrendered"),
        pytest.param(
            {"expiry_date": "2026-01-14"}, "lending", State.NON_COMPLIANT, "expired on 2026-01-14", id="expired"
        ),
        pytest.param(
            {"expiry_date": "2026-01-15"}, "lending", State.COMPLIANT, "permits 'lending'", id="expires-today"
        ),
        pytest.param({}, "deposits", State.NON_COMPLIANT, "does not permit 'deposits'", id="not-permitted"),
        pytest.param(
            {"restrictions": [{"restriction_id": "r1", "blocked_activities": ["lending"]}]},
            "lending",
            State.NON_COMPLIANT,
            "restriction r1 blocks 'lending'",
            id="restricted",
        ),
        pytest.param(
            {"permitted_activities": [], "permissions": [{"permission_id": "p", "activity": "lending"}]},
            "lending",
            State.COMPLIANT,
            "is active and permits",
            id="permission-object",
        ),
        pytest.param(
            {
                "permitted_activities": [],
                "permissions": [{"permission_id": "p", "activity": "lending", "status": "suspended"}],
            },
            "lending",
            State.NON_COMPLIANT,
            "does not permit",
            id="suspended-permission",
        ),
    ],
)
def test_evaluation_follows_the_reference_order(
    fields: dict[str, Any], activity: str, state: LicenseComplianceState, reason: str
) -> None:
    evaluation = evaluate_compliance(_license(**fields), activity, DAY)
    assert evaluation.state == state
    assert reason in evaluation.reason


def test_geographic_restriction() -> None:
    lic = _license(
        restrictions=[{"restriction_id": "geo", "blocked_jurisdictions": ["*"], "allowed_jurisdictions": ["pk"]}]
    )
    assert evaluate_compliance(lic, "lending", DAY, jurisdiction="pk").state == State.COMPLIANT
    assert evaluate_compliance(lic, "lending", DAY, jurisdiction="ir").reason.endswith(
        "restriction geo blocks 'lending'"
    )


@pytest.mark.parametrize(
    ("holder", "activity", "expected"),
    [
        pytest.param(
            "margalla-crest", "term_finance", (True, State.COMPLIANT, "lic:secp:2023-ifs-0142"), id="compliant"
        ),
        pytest.param(
            "margalla-crest",
            "investment_advisory",
            (True, State.COMPLIANT, "lic:secp:2024-adv-0021"),
            id="second-licence",
        ),
        pytest.param(
            "margalla-crest",
            "deposit_taking",
            (False, State.NON_COMPLIANT, "lic:secp:2023-ifs-0142"),
            id="not-permitted",
        ),
        pytest.param(
            "saffron-quay", "lease_finance", (False, State.SUSPENDED, "lic:secp:2022-lease-0031"), id="suspended"
        ),
        pytest.param(
            "chenab-advisory", "investment_advisory", (False, State.PENDING, "lic:secp:2025-adv-0044"), id="pending"
        ),
        pytest.param(
            "makran-tide", "lease_finance", (False, State.NON_COMPLIANT, "lic:secp:2021-lease-0018"), id="expired"
        ),
        pytest.param(
            "ravi-meridian", "margin_financing", (False, State.NON_COMPLIANT, "lic:secp:2025-brk-0213"), id="restricted"
        ),
        pytest.param(
            "karakoram-ledger", "nano_lending", (True, State.COMPLIANT, "lic:secp:2025-dl-0007"), id="permission"
        ),
        pytest.param("nobody", "lending", (False, State.NON_COMPLIANT, None), id="no-licence"),
    ],
)
def test_verify_license_on_the_example_registry(
    document: dict[str, Any], holder: str, activity: str, expected: tuple[bool, State, str | None]
) -> None:
    assert tuple(Licensepack(document).verify_license(DID + holder, activity, DAY)) == expected


def test_empty_did_is_not_valid(document: dict[str, Any]) -> None:
    assert tuple(Licensepack(document).verify_license("", "x", DAY)) == (False, State.NON_COMPLIANT, None)


def test_delta(document: dict[str, Any]) -> None:
    after = json.loads(json.dumps(document))
    by_id = {lic["license_id"]: lic for lic in after["licenses"]}
    by_id["lic:secp:2022-lease-0031"]["status"] = "active"  # reinstated
    by_id["lic:secp:2024-amc-0009"]["status"] = "suspended"
    by_id["lic:secp:2025-brk-0213"]["status"] = "revoked"
    after["licenses"] = [lic for lic in after["licenses"] if lic["license_id"] != "lic:secp:2024-adv-0021"]
    after["licenses"].append({**by_id["lic:secp:2023-ifs-0142"], "license_id": "lic:secp:2026-new-0001"})
    delta = licensepack_delta(document, after)
    assert delta.granted == ("lic:secp:2026-new-0001",)
    assert delta.reinstated == ("lic:secp:2022-lease-0031",)
    assert delta.suspended == ("lic:secp:2024-amc-0009",)
    assert delta.revoked == ("lic:secp:2024-adv-0021", "lic:secp:2025-brk-0213")
    assert delta.to_json()["licenses_revoked"] == 2


def test_build_with_previous_records_digest_and_delta(document: dict[str, Any]) -> None:
    rebuilt = build_licensepack(SOURCE, previous=document)
    assert rebuilt["previous_licensepack_digest"] == f"sha256:{licensepack_digest(document).hex}"
    assert rebuilt["delta"] == {
        "licenses_granted": 0,
        "licenses_revoked": 0,
        "licenses_suspended": 0,
        "licenses_reinstated": 0,
    }


@pytest.mark.parametrize(
    ("zone", "domain", "expected"),
    [
        pytest.param(
            {"licensepack_refresh_policy": {"financial": "hourly, max 4h staleness"}},
            "financial",
            RefreshPolicy("hourly", 4),
            id="free-text",
        ),
        pytest.param(
            {"licensepack_refresh_policy": {"default": {"refresh_frequency": "daily", "max_staleness_hours": 48}}},
            "trade",
            RefreshPolicy("daily", 48),
            id="old-schema-default",
        ),
        pytest.param(
            {"licensepack_refresh_policy": {"financial": {"frequency": "hourly", "max_staleness_hours": 2}}},
            "financial",
            RefreshPolicy("hourly", 2),
            id="new-schema",
        ),
        pytest.param({}, "financial", None, id="none"),
    ],
)
def test_refresh_policy(zone: dict[str, Any], domain: str, expected: RefreshPolicy | None) -> None:
    assert refresh_policy(zone, domain) == expected


def test_unreadable_refresh_policy() -> None:
    with pytest.raises(ValidationError, match=r"licensepack_refresh_policy\.financial: cannot read 'soon'"):
        refresh_policy({"licensepack_refresh_policy": {"financial": "soon"}}, "financial")


def test_staleness(document: dict[str, Any]) -> None:
    policy = RefreshPolicy("hourly", 4)
    fresh = staleness(document, policy, Timestamp.parse("2026-01-15T10:00:00Z"))
    assert (fresh.age_seconds, fresh.stale) == (4 * 3600, False)
    assert staleness(document, policy, Timestamp.parse("2026-01-15T10:00:01Z")).stale


def test_build_rejects_duplicate_ids(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(SOURCE, tmp_path / "lp")
    shutil.copy(tmp_path / "lp/holders/h-sutlej-arc.yaml", tmp_path / "lp/holders/copy.yaml")
    with pytest.raises(ValidationError, match="duplicate holder_id: h-sutlej-arc"):
        build_licensepack(tmp_path / "lp")
