"""The tensor and its default evaluation: cells, applicability, expiry, explanations, merge, JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ComplianceDomain, ConflictError, Timestamp, ValidationError
from msez.state import ManualClock
from msez.tensor import (
    ATTESTED_DOMAINS,
    EXTENDED_DOMAINS,
    Citation,
    ComplianceState,
    ComplianceTensor,
    Evaluators,
    JurisdictionConfig,
    Subject,
    evaluation_request_from_json,
    tensor_from_json,
    tensor_to_json,
)
from tests.tensor.conftest import NOW, attestation

D, S = ComplianceDomain, ComplianceState
SUBJECT = Subject("ent-1", name="Acme Trading")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def test_fresh_tensor_defaults() -> None:
    tensor = ComplianceTensor(JurisdictionConfig("pk-rsez", frozenset({D.KYC, D.TAX})))
    assert tensor.get(D.KYC) is S.PENDING and tensor.get(D.AML) is S.NOT_APPLICABLE
    assert tensor.pending_domains() == (D.KYC, D.TAX) and not tensor.all_passing()
    assert tensor.aggregate_state() is S.PENDING and tensor.aggregate_state([]) is S.COMPLIANT


def test_default_evaluation_of_a_fresh_tensor(clock: ManualClock) -> None:
    evaluation = ComplianceTensor("pk-rsez", clock=clock).evaluate_all(SUBJECT)
    assert len(evaluation.results) == 20 and evaluation.aggregate is S.PENDING
    assert {evaluation.results[d].reason for d in ATTESTED_DOMAINS} == {"no_attestation"}
    assert {evaluation.results[d].reason for d in EXTENDED_DOMAINS} == {"not_implemented"}
    assert "fails closed" in evaluation.results[D.BANKING].detail
    assert evaluation.evaluated_at == Timestamp.parse(NOW)


def test_fresh_attestations_make_an_attested_domain_compliant(clock: ManualClock) -> None:
    tensor = ComplianceTensor("pk-rsez", clock=clock)
    tensor.attest(D.KYC, [attestation("att-1")])
    result = tensor.evaluate(SUBJECT, D.KYC)
    assert (result.state, result.reason, result.attestation_ids) == (S.COMPLIANT, "attested", ("att-1",))
    assert result.rule == "default.attested"


def test_expired_attestation_flips_a_passing_domain_with_an_explanation(clock: ManualClock) -> None:
    tensor = ComplianceTensor("pk-rsez", clock=clock)
    tensor.set(D.KYC, S.COMPLIANT, [attestation("att-7", expires="2026-02-01T00:00:00Z")], reason="kyc_verified")
    assert tensor.evaluate(SUBJECT, D.KYC).state is S.COMPLIANT
    clock.advance(timedelta(days=30))
    result = tensor.evaluate(SUBJECT, D.KYC)
    assert (result.state, result.reason, result.attestation_ids) == (S.NON_COMPLIANT, "attestation_expired", ("att-7",))
    assert result.detail == (
        "stored state compliant no longer holds: attestation expired before the evaluation time "
        "2026-02-14T12:00:00Z: att-7 (kyc_verification, expires_at 2026-02-01T00:00:00Z)"
    )
    assert "kyc: non_compliant (attestation_expired)" in result.explain()


@pytest.mark.parametrize(
    ("expires", "state"),
    [
        pytest.param(None, S.COMPLIANT, id="never-expires"),
        pytest.param("2026-01-15T12:00:00Z", S.COMPLIANT, id="expires-now"),
        pytest.param("2026-01-15T11:59:59Z", S.NON_COMPLIANT, id="expired-second-ago"),
        pytest.param("next tuesday", S.NON_COMPLIANT, id="unparseable-is-expired"),
    ],
)
def test_expiry_rule(clock: ManualClock, expires: str | None, state: S) -> None:
    tensor = ComplianceTensor("pk-rsez", clock=clock)
    tensor.attest(D.AML, [attestation("a", "aml_screening", expires)])
    assert tensor.evaluate(SUBJECT, D.AML).state is state


def test_non_passing_stored_state_stands_and_extended_domains_use_stored_state(clock: ManualClock) -> None:
    tensor = ComplianceTensor("pk-rsez", clock=clock)
    tensor.set(D.KYC, S.NON_COMPLIANT, [attestation("old", expires="2020-01-01T00:00:00Z")], reason="kyc_failed")
    tensor.set(D.BANKING, S.EXEMPT, reason="exempt_by_regulation")
    evaluation = tensor.evaluate_all(SUBJECT)
    assert (evaluation.state(D.KYC), evaluation.results[D.KYC].reason) == (S.NON_COMPLIANT, "kyc_failed")
    assert (evaluation.state(D.BANKING), evaluation.results[D.BANKING].reason) == (S.EXEMPT, "exempt_by_regulation")


def test_not_applicable_domains_and_citations(clock: ManualClock) -> None:
    config = JurisdictionConfig("pk-rsez", frozenset({D.KYC}))
    citation = Citation("sec_7__subsec_2", None, "Anti-Money Laundering Act 2010 s.7(2)")
    tensor = ComplianceTensor(config, evaluators=Evaluators(config, citations={D.KYC: citation}), clock=clock)
    evaluation = tensor.evaluate_all(SUBJECT)
    assert evaluation.state(D.AML) is S.NOT_APPLICABLE
    assert evaluation.results[D.AML].detail == "aml is not an applicable domain in pk-rsez"
    assert evaluation.results[D.KYC].citation == citation
    assert evaluation.results[D.KYC].explain().endswith("[sec_7__subsec_2]")
    assert evaluation.blocking_domains == (D.KYC,)


cells = st.dictionaries(
    st.sampled_from(list(D)),
    st.tuples(
        st.one_of(st.none(), st.sampled_from(list(S))),
        st.lists(st.sampled_from([None, "2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "bad"]), max_size=3),
    ),
)


@given(cells)
def test_every_non_passing_domain_is_explained(stored: dict[D, tuple[S | None, list[str | None]]]) -> None:
    tensor = ComplianceTensor("pk-rsez", clock=lambda: Timestamp.parse(NOW))
    for domain, (state, expiries) in stored.items():
        atts = [attestation(f"{domain.value}-{i}", expires=e) for i, e in enumerate(expiries)]
        if state is None:
            tensor.attest(domain, atts)
        else:
            tensor.set(domain, state, atts)
    evaluation = tensor.evaluate_all(SUBJECT)
    for domain in evaluation.blocking_domains:
        result = evaluation.results[domain]
        assert result.domain is domain and result.rule and result.reason and result.detail
        if result.reason == "attestation_expired":
            assert "expired" in result.detail and result.attestation_ids
    assert evaluation.aggregate.is_passing == evaluation.all_passing


def test_merge_takes_the_meet(clock: ManualClock) -> None:
    mine, theirs = ComplianceTensor("pk-rsez", clock=clock), ComplianceTensor("pk-rsez", clock=clock)
    mine.set(D.KYC, S.COMPLIANT, [attestation("a")])
    theirs.set(D.KYC, S.NON_COMPLIANT, [attestation("b")])
    mine.set(D.AML, S.NON_COMPLIANT)
    theirs.set(D.AML, S.COMPLIANT)
    mine.merge(theirs)
    assert mine.get(D.KYC) is S.NON_COMPLIANT and mine.cells[D.KYC].reason == "merged"
    assert {a.attestation_id for a in mine.cells[D.KYC].attestations} == {"a", "b"}
    assert mine.get(D.AML) is S.NON_COMPLIANT and mine.cells[D.AML].reason is None
    assert mine.non_compliant_domains() == (D.AML, D.KYC)
    with pytest.raises(ConflictError, match="cannot merge a ae-difc tensor into a pk-rsez tensor"):
        mine.merge(ComplianceTensor("ae-difc"))


def test_slices() -> None:
    tensor = ComplianceTensor("pk-rsez")
    tensor.set(D.KYC, S.COMPLIANT)
    tensor.set(D.AML, S.EXEMPT)
    assert tensor.slice([D.KYC, D.AML]) == {D.KYC: S.COMPLIANT, D.AML: S.EXEMPT}
    assert tensor.aggregate_state([D.KYC, D.AML]) is S.EXEMPT
    assert len(tensor.full_slice()) == 20


def test_json_round_trip(clock: ManualClock) -> None:
    tensor = ComplianceTensor(JurisdictionConfig("pk-rsez", frozenset({D.KYC, D.AML})), clock=clock)
    tensor.set(D.KYC, S.COMPLIANT, [attestation("att-1")], reason="verified")
    tensor.attest(D.AML, [attestation("att-2", "aml_screening", None)])
    data = tensor_to_json(tensor)
    assert data["applicable_domains"] == ["aml", "kyc"]
    assert data["cells"]["kyc"] == {
        "state": "compliant",
        "attestations": [attestation("att-1").to_json()],
        "determined_at": NOW,
        "reason": "verified",
    }
    loaded = tensor_from_json(data, clock=clock)
    assert tensor_to_json(loaded) == data
    assert loaded.commitment() == tensor.commitment()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"cells": {"kyc": {"state": "expired"}}}, r"\$.cells.kyc.state: unknown compliance state", id="state"
        ),
        pytest.param({"cells": {"health": {}}}, r"\$.cells.health: unknown compliance domain", id="domain"),
        pytest.param({"applicable_domains": ["aml", "x"]}, r"\$.applicable_domains\[1\]", id="applicable"),
        pytest.param({"jurisdiction_id": ""}, r"\$.jurisdiction_id: invalid TensorModel", id="empty-jid"),
    ],
)
def test_bad_tensor_json(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        tensor_from_json({"jurisdiction_id": "pk-rsez", **change})


def test_evaluation_request() -> None:
    tensor, subject, at = evaluation_request_from_json(
        {
            "jurisdiction_id": "pk-rsez",
            "evaluated_at": "2026-03-01T00:00:00Z",
            "subject": {"entity_id": "ent-9", "name": "Acme", "ntn": "1234567"},
            "cells": {"kyc": {"state": "compliant"}},
        }
    )
    evaluation = tensor.evaluate_all(subject)
    assert (subject.ntn, at, evaluation.evaluated_at) == ("1234567", Timestamp.parse("2026-03-01"), at)
    data = evaluation.to_json()
    assert data["results"]["kyc"]["state"] == "compliant" and data["aggregate"] == "pending"
    assert data["tensor_commitment"] == evaluation.commitment().digest.hex
