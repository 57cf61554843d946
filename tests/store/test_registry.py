"""The zone registry repositories on both backends: entity and licence lifecycles against msez.state's machines,
status-list slots under concurrency, credential status changes, attestation expiry, assets."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msez.core import ConflictError, NotFoundError, StateTransitionError, ValidationError, digest_of
from msez.pack import verify_license
from msez.state import EntityLifecycle, Evidence, TransitionContext
from msez.store import Database, assets, attestations, credentials, entities, licences, utcnow

STAGE_EVIDENCE = [
    "board_resolution",
    "shareholder_resolution",
    "liquidator_appointment",
    "gazette_notice",
    "asset_realization_report",
    "liabilities_settlement",
    "final_distribution_statement",
    "final_meeting_minutes",
    "final_documents_filing",
    "dissolution_certificate",
]


def _entity(db: Database, zone: str, name: str = "Registry Test Ltd") -> str:
    entity_id = str(uuid.uuid4())
    with db.write() as session:
        entities.create_entity(session, zone, entity_id, entities.EntitySpec("company", name, "pk-rsez"))
    return entity_id


def _all_evidence() -> TransitionContext:
    evidence = tuple(Evidence.of(kind, {"kind": kind}) for kind in STAGE_EVIDENCE)
    return TransitionContext(actor="test", evidence=evidence, facts={"shareholder_approval_bps": 9000}, reason="r")


@settings(max_examples=25)
@given(steps=st.lists(st.sampled_from(entities.TRANSITIONS), max_size=16))
def test_stored_entity_lifecycles_follow_the_machine(db: Database, steps: list[str]) -> None:
    zone = f"lifecycle-{uuid.uuid4().hex}"
    entity_id = _entity(db, zone)
    model = EntityLifecycle(entity_id)
    context = _all_evidence()
    applied = 0
    for step in steps:
        try:
            getattr(model, step)(context)
            expected = None
        except StateTransitionError as e:
            expected = e
        try:
            with db.write() as session:
                entities.transition_entity(session, zone, entity_id, step, context)
        except StateTransitionError as e:
            assert expected is not None and type(e) is type(expected), e
            continue
        assert expected is None
        applied += 1
    with db.read() as session:
        stored = entities.get_entity(session, zone, entity_id)
        history = entities.entity_history(session, zone, entity_id)
    assert (stored.state, stored.dissolution_stage) == (
        model.state,
        None if model.dissolution_stage is None else int(model.dissolution_stage),
    )
    assert [(h.seq, h.transition, h.to_state) for h in history] == [
        (i, r.transition, r.to_state) for i, r in enumerate(model.history)
    ]
    assert len(history) == applied


def test_registry_lookups(db: Database, zone: str) -> None:
    entity_id = _entity(db, zone)
    with db.read() as session:
        entities.require_entity(session, zone, entity_id)
        with pytest.raises(NotFoundError, match="not found"):
            entities.require_entity(session, zone, str(uuid.uuid4()))
        with pytest.raises(NotFoundError, match="not found"):
            entities.require_entity(session, "another-zone", entity_id)
    with db.write() as session:
        entities.transition_entity(session, zone, entity_id, "reject", TransitionContext(reason="incomplete"))
    with db.read() as session, pytest.raises(ConflictError, match="is Rejected; it takes no new records"):
        entities.require_entity(session, zone, entity_id)


@pytest.mark.parametrize(
    ("owners", "message"),
    [
        pytest.param([("60", None), ("40.01", None)], "sums to 100.01, more than 100", id="over-100"),
        pytest.param([("0", None)], "must be in (0, 100]", id="zero"),
        pytest.param([("33.333", None)], "at most two decimals", id="three-decimals"),
        pytest.param([("NaN", None)], "must be in (0, 100]", id="nan"),
        pytest.param([("ten", None)], "must be a decimal string", id="text"),
        pytest.param([("10", "123")], "CNIC", id="bad-cnic"),
    ],
)
def test_beneficial_owners_are_checked(
    db: Database, zone: str, owners: list[tuple[str, str | None]], message: str
) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        parsed = tuple(entities.owner("Owner", p, cnic=c) for p, c in owners)
        with db.write() as session:
            entities.create_entity(
                session, zone, str(uuid.uuid4()), entities.EntitySpec("company", "X", "pk", beneficial_owners=parsed)
            )


def test_updates_are_limited_to_registration_fields(db: Database, zone: str) -> None:
    entity_id = _entity(db, zone)
    with db.write() as session, pytest.raises(ValidationError, match=r"cannot update \['state'\]"):
        entities.update_entity(session, zone, entity_id, {"state": "Active"})
    with db.write() as session:
        updated = entities.update_entity(session, zone, entity_id, {"ntn": "0000001", "legal_name": "Renamed Ltd"})
    assert (updated.ntn, updated.legal_name) == ("0000001", "Renamed Ltd")


def _lists(size: int):  # type: ignore[no-untyped-def]
    def make(seq: int) -> dict[str, credentials.NewStatusList]:
        return {
            purpose: credentials.NewStatusList(f"urn:test:{purpose}:{seq}", size, {"id": f"{purpose}-{seq}"})
            for purpose in credentials.PURPOSES
        }

    return make


def test_status_slots_fill_a_list_then_open_the_next(db: Database, zone: str) -> None:
    slots = []
    for _ in range(5):
        with db.write() as session:
            slots.append(credentials.allocate_slot(session, zone, _lists(2)))
    assert [(s.seq, s.index) for s in slots] == [(1, 0), (1, 1), (2, 0), (2, 1), (3, 0)]
    with db.read() as session:
        assert credentials.get_status_list(session, zone, "suspension", 3).allocated == 0
        assert credentials.status_list_document(session, zone, "urn:test:revocation:2") == {"id": "revocation-2"}


def test_concurrent_issuers_get_distinct_slots(db: Database, zone: str) -> None:
    taken: list[tuple[int, int]] = []
    lock = threading.Lock()

    def issue() -> None:
        for _ in range(10):
            with db.write() as session:
                slot = credentials.allocate_slot(session, zone, _lists(7))
            with lock:
                taken.append((slot.seq, slot.index))

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == [(seq, index) for seq in range(1, 7) for index in range(7)][:40]


def _issued(db: Database, zone: str) -> str:
    with db.write() as session:
        slot = credentials.allocate_slot(session, zone, _lists(8))
        record = credentials.insert_credential(
            session,
            zone,
            credential_id=f"urn:test:{uuid.uuid4()}",
            credential_type="MsezTest",
            slot=slot,
            digest="0" * 64,
            document={},
            issued_at=utcnow(),
        )
    return record.id


@pytest.mark.parametrize(
    ("actions", "refused", "final"),
    [
        pytest.param(["suspend", "reinstate", "revoke"], None, "revoked", id="suspend-reinstate-revoke"),
        pytest.param(["suspend", "revoke"], None, "revoked", id="revoke-suspended"),
        pytest.param(["reinstate"], "cannot reinstate a active credential", "active", id="reinstate-active"),
        pytest.param(["revoke", "suspend"], "cannot suspend a revoked credential", "revoked", id="revoked-is-final"),
    ],
)
def test_credential_status_changes(
    db: Database, zone: str, actions: list[str], refused: str | None, final: str
) -> None:
    key = _issued(db, zone)
    for action in actions:
        if refused and action == actions[-1]:
            with db.write() as session, pytest.raises(StateTransitionError, match=refused):
                credentials.change_status(session, zone, key, action)
        else:
            with db.write() as session:
                _, purpose, bit = credentials.change_status(session, zone, key, action)
            assert (purpose, bit) == credentials.STATUS_CHANGES[action][2:]
    with db.read() as session:
        assert credentials.get_credential(session, zone, key).status == final


def test_attestations_expire_when_read_and_when_filtered(db: Database, zone: str) -> None:
    now = utcnow()
    with db.write() as session:
        for hours in (-1, 1, None):
            attestations.record_attestation(
                session,
                zone,
                attestation_type="t",
                issuer="did:key:z",
                jurisdiction_id="pk-rsez",
                digest=digest_of({"h": hours}).hex,
                issued_at=now,
                expires_at=None if hours is None else now + timedelta(hours=hours),
            )
    with db.read() as session:
        total, found = attestations.query_attestations(session, zone, attestations.AttestationFilter())
        expired = attestations.query_attestations(session, zone, attestations.AttestationFilter(status="EXPIRED"))
        active = attestations.query_attestations(session, zone, attestations.AttestationFilter(status="ACTIVE"))
    assert total == 3 and sorted(a.status for a in found) == ["ACTIVE", "ACTIVE", "EXPIRED"]
    assert (expired[0], active[0]) == (1, 2)


def test_licences_follow_their_machine_and_read_as_licensepack_records(db: Database, zone: str) -> None:
    holder = _entity(db, zone)
    licence_id = str(uuid.uuid4())
    spec = licences.LicenceSpec(holder, "trade", ("export",), expiry_date="2030-01-01")
    with db.write() as session:
        licences.create_licence(session, zone, licence_id, spec)
        for step in ("review", "issue"):
            licences.transition_licence(session, zone, licence_id, step, TransitionContext())
        with pytest.raises(StateTransitionError, match="a reason is required to revoke"):
            licences.transition_licence(session, zone, licence_id, "revoke", TransitionContext())
    with db.read() as session:
        own = licences.list_licences(session, zone, holder_entity_id=holder)
    records = licences.licence_records(own, "did:example:holder")
    check = verify_license(records, "did:example:holder", "export", utcnow().date())
    assert (check.valid, check.license_id) == (True, f"urn:msez:licence:{licence_id}")
    with db.write() as session, pytest.raises(ValidationError, match="at least one activity"):
        licences.create_licence(session, zone, str(uuid.uuid4()), licences.LicenceSpec(holder, "t", ()))


def test_an_asset_is_created_once_and_registered_once(db: Database, zone: str) -> None:
    fields = {
        "asset_type": "t",
        "asset_name": "n",
        "jurisdiction_id": "pk-rsez",
        "owner_entity_id": None,
        "genesis": {},
    }
    with db.write() as session:
        assets.create_asset(session, zone, "a" * 64, **fields)
    with db.write() as session, pytest.raises(ConflictError, match="already exists"):
        assets.create_asset(session, zone, "a" * 64, **fields)
    with db.write() as session:
        assert assets.mark_registered(session, zone, "a" * 64, "urn:x").status == "REGISTERED"
    with db.write() as session, pytest.raises(ConflictError, match="already registered by urn:x"):
        assets.mark_registered(session, zone, "a" * 64, "urn:y")
