"""Pack-backed evaluators over small real in-memory packs: sanctions, licensing, KYC/AML attestations, tax."""

from __future__ import annotations

from datetime import date

import pytest

from msez.core import ComplianceDomain, ContentDigest, digest_of
from msez.state import ManualClock
from msez.tensor import (
    AttestationEvaluator,
    Citation,
    ComplianceState,
    ComplianceTensor,
    Evaluators,
    JurisdictionConfig,
    LicensingEvaluator,
    SanctionsEvaluator,
    Subject,
    TaxEvaluator,
)
from tests.tensor.conftest import NOW, AttestationStore, FilerList, LicenceRegistry, ListScreener, attestation

D, S = ComplianceDomain, ComplianceState
REGPACK = digest_of({"regpack": "pk-sanctions-2026-01"})
LICENSEPACK = digest_of({"licensepack": "pk-secp"})
LAWPACK = digest_of({"lawpack": "pk-aml-act"})
SCREENER = ListScreener({"SDN-1": ("Evil Corp Ltd.", {"registration": "REG-666"})})
LICENCES = LicenceRegistry(
    {
        "did:key:z6MkGood": [("LIC-1", "active", {"brokerage"}, date(2026, 12, 31))],
        "did:key:z6MkHeld": [("LIC-2", "suspended", {"brokerage"}, date(2026, 12, 31))],
        "did:key:z6MkOld": [("LIC-3", "active", {"brokerage"}, date(2025, 12, 31))],
    }
)
STORE = AttestationStore(
    {
        ("ent-ok", D.KYC): [attestation("kyc-1", "kyc_verification")],
        ("ent-late", D.KYC): [attestation("kyc-2", "kyc_verification", "2026-01-01T00:00:00Z")],
        ("ent-renewed", D.KYC): [
            attestation("kyc-3", "kyc_verification", "2026-01-01T00:00:00Z"),
            attestation("kyc-4", "kyc_verification"),
        ],
    }
)
FILERS = FilerList({"1111111": "filer", "2222222": "late_filer", "3333333": "non_filer"})


def zone_evaluators(config: JurisdictionConfig) -> Evaluators:
    return Evaluators(
        config,
        [
            SanctionsEvaluator(SCREENER, pack_digest=REGPACK),
            LicensingEvaluator(LICENCES, pack_digest=LICENSEPACK),
            AttestationEvaluator(D.KYC, STORE, required_types=["kyc_verification"]),
            TaxEvaluator(FILERS),
        ],
        citations={D.SANCTIONS: Citation("sec_4", LAWPACK)},
    )


def evaluate(subject: Subject, domain: D):  # type: ignore[no-untyped-def]
    config = JurisdictionConfig("pk-rsez")
    tensor = ComplianceTensor(config, evaluators=zone_evaluators(config), clock=ManualClock(NOW))
    return tensor.evaluate(subject, domain)


@pytest.mark.parametrize(
    ("subject", "state", "reason", "detail", "evidence"),
    [
        pytest.param(
            Subject("e", name="Honest Traders"), S.COMPLIANT, "sanctions_clear", "no sanctions entry", (), id="clear"
        ),
        pytest.param(
            Subject("e", name="EVIL CORP, LTD"),
            S.NON_COMPLIANT,
            "sanctions_match",
            "entry SDN-1 on primary_name (score 1.00): normalised name equals 'Evil Corp Ltd.'",
            ("SDN-1",),
            id="name-match",
        ),
        pytest.param(
            Subject("e", name="Front Co", identifiers={"registration": "reg-666"}),
            S.NON_COMPLIANT,
            "sanctions_match",
            "entry SDN-1 on identifier:registration",
            ("SDN-1",),
            id="identifier-match",
        ),
        pytest.param(Subject("e"), S.PENDING, "no_entity_name", "no name to screen", (), id="no-name"),
    ],
)
def test_sanctions(subject: Subject, state: S, reason: str, detail: str, evidence: tuple[str, ...]) -> None:
    result = evaluate(subject, D.SANCTIONS)
    assert (result.state, result.reason, result.evidence_ids) == (state, reason, evidence)
    assert detail in result.detail
    assert result.pack_digest == REGPACK and result.rule == "regpack.sanctions_screening"
    assert result.citation == Citation("sec_4", LAWPACK)


@pytest.mark.parametrize(
    ("did", "activity", "state", "reason", "evidence"),
    [
        pytest.param("did:key:z6MkGood", "brokerage", S.COMPLIANT, "licence_valid", ("LIC-1",), id="valid"),
        pytest.param(
            "did:key:z6MkGood", "banking", S.NON_COMPLIANT, "no_valid_licence", ("LIC-1",), id="not-permitted"
        ),
        pytest.param("did:key:z6MkHeld", "brokerage", S.NON_COMPLIANT, "licence_suspended", ("LIC-2",), id="suspended"),
        pytest.param("did:key:z6MkOld", "brokerage", S.NON_COMPLIANT, "no_valid_licence", ("LIC-3",), id="expired"),
        pytest.param("did:key:z6MkNone", "brokerage", S.NON_COMPLIANT, "no_valid_licence", (), id="unlicensed"),
        pytest.param(None, "brokerage", S.PENDING, "no_licence_subject", (), id="no-did"),
    ],
)
def test_licensing(did: str | None, activity: str, state: S, reason: str, evidence: tuple[str, ...]) -> None:
    result = evaluate(Subject("e", did=did, activity=activity), D.LICENSING)
    assert (result.state, result.reason, result.evidence_ids) == (state, reason, evidence)
    assert result.pack_digest == LICENSEPACK and result.detail
    if not state.is_passing and did:
        assert f"{activity!r} by {did} on 2026-01-15" in result.detail


@pytest.mark.parametrize(
    ("entity", "state", "reason", "ids", "detail"),
    [
        pytest.param("ent-ok", S.COMPLIANT, "attested", ("kyc-1",), "in force: kyc-1 (kyc_verification)", id="fresh"),
        pytest.param(
            "ent-late",
            S.NON_COMPLIANT,
            "attestation_expired",
            ("kyc-2",),
            "no attestation in force at 2026-01-15T12:00:00Z: kyc-2 (kyc_verification) expired at 2026-01-01T00:00:00Z",
            id="expired",
        ),
        pytest.param("ent-renewed", S.COMPLIANT, "attested", ("kyc-4",), "kyc-4", id="renewed"),
        pytest.param(
            "ent-new", S.PENDING, "missing_attestation", (), "no attestation of type kyc_verification", id="none"
        ),
    ],
)
def test_kyc_attestations(entity: str, state: S, reason: str, ids: tuple[str, ...], detail: str) -> None:
    result = evaluate(Subject(entity), D.KYC)
    assert (result.state, result.reason, result.attestation_ids) == (state, reason, ids)
    assert detail in result.detail


@pytest.mark.parametrize(
    ("ntn", "state", "reason"),
    [
        pytest.param("1111111", S.COMPLIANT, "active_filer", id="filer"),
        pytest.param("2222222", S.PENDING, "late_filer", id="late"),
        pytest.param("3333333", S.NON_COMPLIANT, "non_filer", id="non-filer"),
        pytest.param("4444444", S.PENDING, "filer_status_unknown", id="unknown"),
        pytest.param(None, S.PENDING, "no_ntn", id="no-ntn"),
    ],
)
def test_tax(ntn: str | None, state: S, reason: str) -> None:
    result = evaluate(Subject("e", ntn=ntn), D.TAX)
    assert (result.state, result.reason) == (state, reason)
    if ntn:
        assert result.evidence_ids == (ntn,) and ntn in result.detail


def test_whole_evaluation_explains_every_blocking_domain() -> None:
    subject = Subject("ent-late", name="Evil Corp Ltd", did="did:key:z6MkGood", activity="brokerage", ntn="1111111")
    config = JurisdictionConfig("pk-rsez", frozenset({D.SANCTIONS, D.LICENSING, D.KYC, D.TAX}))
    tensor = ComplianceTensor(config, evaluators=zone_evaluators(config), clock=ManualClock(NOW))
    evaluation = tensor.evaluate_all(subject)
    assert evaluation.blocking_domains == (D.KYC, D.SANCTIONS)
    assert evaluation.passing_domains[:2] == (D.AML, D.ARBITRATION)
    lines = [evaluation.results[d].explain() for d in evaluation.blocking_domains]
    assert lines[0].startswith("kyc: non_compliant (attestation_expired) - no attestation in force")
    assert lines[1].startswith("sanctions: non_compliant (sanctions_match)") and lines[1].endswith("[sec_4]")
    assert evaluation.to_json()["results"]["sanctions"]["pack_digest"] == REGPACK.hex
    assert isinstance(evaluation.results[D.SANCTIONS].pack_digest, ContentDigest)
