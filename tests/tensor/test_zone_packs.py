"""The pack-backed evaluators over the Pakistan zone's real packs (msez.pack), as a zone node wires them."""

from __future__ import annotations

from datetime import date

import pytest

from msez.core import ComplianceDomain, ContentDigest, load_json
from msez.pack import Licensepack, SanctionsScreener, build_licensepack, build_regpack
from msez.state import ManualClock
from msez.tensor import (
    ComplianceState,
    ComplianceTensor,
    Evaluators,
    JurisdictionConfig,
    LicensingEvaluator,
    SanctionsEvaluator,
    Subject,
)
from tests.conftest import REPO

PACKS = REPO / "packs/pk-rsez"
D, S = ComplianceDomain, ComplianceState


def _pinned(lock: str, kind: str) -> ContentDigest:
    return ContentDigest.parse(load_json((PACKS / lock).read_bytes())[f"{kind}_digest_sha256"])


@pytest.fixture(scope="module")
def tensor() -> ComplianceTensor:
    screener = SanctionsScreener.from_regpack(build_regpack(PACKS / "regpacks/sanctions"))
    licences = Licensepack(build_licensepack(PACKS / "licensepacks/financial"))
    config = JurisdictionConfig("pk-rsez")
    evaluators = Evaluators(
        config,
        [
            SanctionsEvaluator(screener, pack_digest=_pinned("regpacks/sanctions/regpack.lock.json", "regpack")),
            LicensingEvaluator(
                licences, pack_digest=_pinned("licensepacks/financial/licensepack.lock.json", "licensepack")
            ),
        ],
    )
    return ComplianceTensor(config, evaluators=evaluators, clock=ManualClock("2026-01-15T12:00:00Z"))


def test_a_listed_alias_with_diacritics_is_non_compliant_and_says_why(tensor: ComplianceTensor) -> None:
    result = tensor.evaluate(Subject("e1", name="Karim Soomro"), D.SANCTIONS)
    assert result.state is S.NON_COMPLIANT
    assert result.reason == "sanctions_match"
    assert "SYN-000005" in result.evidence_ids
    assert "SYN-000005 on primary_name (score 1.00)" in result.detail
    assert result.pack_digest == _pinned("regpacks/sanctions/regpack.lock.json", "regpack")


def test_a_listed_identifier_matches_whatever_the_name(tensor: ComplianceTensor) -> None:
    result = tensor.evaluate(Subject("e2", name="Nobody Special", identifiers={"cnic": "61196-4146808-0"}), D.SANCTIONS)
    assert result.state is S.NON_COMPLIANT
    assert "SYN-000004 on identifier" in result.detail


def test_an_unlisted_name_is_clear(tensor: ComplianceTensor) -> None:
    result = tensor.evaluate(Subject("e3", name="Qwertyuiop Zxcvbnm Holdings"), D.SANCTIONS)
    assert (result.state, result.reason) == (S.COMPLIANT, "sanctions_clear")


@pytest.mark.parametrize(
    ("did", "activity", "state", "reason"),
    [
        pytest.param(
            "did:web:rsez.example.pk:entities:bolan-bridge",
            "asset_management",
            S.COMPLIANT,
            "licence_valid",
            id="active",
        ),
        pytest.param(
            "did:web:rsez.example.pk:entities:makran-tide",
            "lease_finance",
            S.NON_COMPLIANT,
            "no_valid_licence",
            id="expired",
        ),
        pytest.param(
            "did:web:rsez.example.pk:entities:saffron-quay",
            "lease_finance",
            S.NON_COMPLIANT,
            "licence_suspended",
            id="suspended",
        ),
        pytest.param(
            "did:web:rsez.example.pk:entities:chenab-advisory",
            "investment_advisory",
            S.PENDING,
            "licence_pending",
            id="pending",
        ),
        pytest.param(
            "did:web:rsez.example.pk:entities:sutlej-arc",
            "term_finance",
            S.NON_COMPLIANT,
            "no_valid_licence",
            id="revoked",
        ),
        pytest.param(
            "did:web:rsez.example.pk:entities:bolan-bridge",
            "brokerage",
            S.NON_COMPLIANT,
            "no_valid_licence",
            id="other",
        ),
    ],
)
def test_licensing_through_the_licensepack(
    tensor: ComplianceTensor, did: str, activity: str, state: S, reason: str
) -> None:
    result = tensor.evaluate(Subject("e4", did=did, activity=activity), D.LICENSING)
    assert (result.state, result.reason) == (state, reason)
    assert result.detail
    assert date(2026, 1, 15).isoformat() in result.detail
