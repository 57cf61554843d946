"""Entity lifecycle: approval, suspension, the ten dissolution stages and their evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from msez.core import ValidationError
from msez.state import (
    DissolutionStage,
    EntityLifecycle,
    GuardRefusedError,
    ManualClock,
    MissingEvidenceError,
    TransitionNotDefinedError,
)
from tests.state.conftest import ctx


def complete_stage(entity: EntityLifecycle, stage: DissolutionStage) -> None:
    entity.advance_dissolution(ctx(*stage.required_evidence, shareholder_approval_bps=7500))


def test_stage_table_matches_the_reference() -> None:
    days = [s.nominal_duration for s in DissolutionStage]
    assert [d.days for d in days] == [7, 21, 7, 14, 90, 60, 14, 35, 14, 30]
    assert sum(days, timedelta()) == timedelta(days=292)
    assert str(DissolutionStage.NOTIFY_CREDITORS) == "Stage 4 (NOTIFY_CREDITORS)"
    assert all(len(s.required_evidence) == 1 for s in DissolutionStage)


def test_ten_advances_dissolve(clock: ManualClock) -> None:
    entity = EntityLifecycle(clock=clock)
    entity.approve()
    entity.initiate_dissolution()
    assert entity.dissolution_stage is DissolutionStage.BOARD_RESOLUTION
    for stage in DissolutionStage:
        assert entity.state == "Dissolving" and entity.dissolution_stage is stage
        complete_stage(entity, stage)
    assert entity.state == "Dissolved" and entity.code == "DISSOLVED" and entity.is_terminal
    assert [r.transition for r in entity.history[-2:]] == ["advance_dissolution", "complete_dissolution"]
    assert entity.history[-1].evidence[0].type == "dissolution_certificate"


def test_stage_evidence_is_required_and_named() -> None:
    entity = EntityLifecycle()
    entity.approve()
    entity.initiate_dissolution()
    with pytest.raises(
        MissingEvidenceError, match=r"Stage 1 \(BOARD_RESOLUTION\) requires evidence; missing: board_resolution"
    ):
        entity.advance_dissolution(ctx("gazette_notice"))
    assert entity.dissolution_stage is DissolutionStage.BOARD_RESOLUTION


@pytest.mark.parametrize(
    "approval", [pytest.param(7499, id="below"), pytest.param(None, id="absent"), pytest.param("80%", id="text")]
)
def test_shareholder_resolution_needs_a_supermajority(approval: object) -> None:
    entity = EntityLifecycle()
    entity.approve()
    entity.initiate_dissolution()
    complete_stage(entity, DissolutionStage.BOARD_RESOLUTION)
    with pytest.raises(GuardRefusedError, match="shareholder_approval_bps >= 7500"):
        entity.advance_dissolution(ctx("shareholder_resolution", shareholder_approval_bps=approval))


def test_stage_cannot_be_spoofed_by_caller_facts() -> None:
    entity = EntityLifecycle()
    entity.approve()
    entity.initiate_dissolution()
    with pytest.raises(MissingEvidenceError, match="board_resolution"):
        entity.advance_dissolution(ctx("dissolution_certificate", dissolution_stage=10))


def test_advance_outside_dissolution_is_refused() -> None:
    entity = EntityLifecycle()
    with pytest.raises(TransitionNotDefinedError, match="advance_dissolution is not allowed from Applied"):
        entity.advance_dissolution()


@pytest.mark.parametrize("final", ["reject", "dissolve"])
def test_terminal_rejects_everything(final: str) -> None:
    entity = EntityLifecycle()
    if final == "reject":
        entity.reject()
    else:
        entity.approve()
        entity.initiate_dissolution()
        for stage in DissolutionStage:
            complete_stage(entity, stage)
    for op in (entity.approve, entity.reject, entity.suspend, entity.reinstate, entity.initiate_dissolution):
        with pytest.raises(TransitionNotDefinedError, match="is terminal in the entity machine"):
            op()


def test_json_round_trip_with_stage(clock: ManualClock) -> None:
    entity = EntityLifecycle("6c5a3f1e-2b8e-4a0e-9c1b-0d5f1e2a3b4c", clock=clock)
    entity.approve()
    entity.suspend()
    entity.reinstate()
    entity.initiate_dissolution()
    complete_stage(entity, DissolutionStage.BOARD_RESOLUTION)
    data = entity.to_json()
    assert data["state"] == "Dissolving" and data["dissolution_stage"] == 2
    assert data["history"][0] == {
        "from_state": "Applied",
        "to_state": "Active",
        "transition": "approve",
        "timestamp": "2026-01-15T12:00:00Z",
        "evidence": [],
        "actor": None,
        "reason": None,
    }
    loaded = EntityLifecycle.from_json(data)
    assert loaded.to_json() == data and loaded.dissolution_stage is DissolutionStage.SHAREHOLDER_RESOLUTION


def test_json_accepts_screaming_state_codes() -> None:
    data = EntityLifecycle().to_json()
    data["state"] = "APPLIED"
    assert EntityLifecycle.from_json(data).state == "Applied"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"state": "OPERATIONAL"}, "'OPERATIONAL' is not a state of the entity machine", id="bad-state"),
        pytest.param({"machine": "licence"}, r"\$.machine: expected a entity machine", id="wrong-machine"),
        pytest.param(
            {"dissolution_stage": 3}, "dissolution_stage must be set exactly when", id="stage-without-dissolving"
        ),
        pytest.param({"dissolution_stage": 11}, r"\$.dissolution_stage: invalid EntityModel", id="stage-out-of-range"),
        pytest.param({"state": "Active"}, r"\$.state: state Active does not match", id="history-mismatch"),
        pytest.param({"extra": 1}, r"\$.extra: invalid EntityModel", id="unknown-field"),
    ],
)
def test_bad_json_is_refused(change: dict[str, object], message: str) -> None:
    entity = EntityLifecycle()
    entity.reject()
    with pytest.raises(ValidationError, match=message):
        EntityLifecycle.from_json({**entity.to_json(), **change})


def test_history_that_does_not_chain_is_refused() -> None:
    entity = EntityLifecycle()
    entity.approve()
    entity.suspend()
    data = entity.to_json()
    data["history"] = [data["history"][1], data["history"][0]]
    data["state"] = "Active"
    with pytest.raises(ValidationError, match=r"\$.history\[1\]: history does not chain"):
        EntityLifecycle.from_json(data)
    data["history"] = [{**data["history"][0], "transition": "teleport"}]
    with pytest.raises(ValidationError, match="is not a transition of the table"):
        EntityLifecycle.from_json(data)
