"""Exhaustive from x to matrices: every pair of states is either the allowed transition or the typed refusal.

The allowed pairs are written out here from reference-impl A §3.2-3.5, independently of the machine tables.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from msez.core import StateTransitionError, Timestamp
from msez.state import (
    ENTITY_MACHINE,
    LICENCE_MACHINE,
    MIGRATION_MACHINE,
    WATCHER_MACHINE,
    DissolutionStage,
    MachineDefinition,
    ManualClock,
    StateMachine,
    TransitionContext,
    TransitionNotDefinedError,
)
from tests.state.conftest import evidence

ENTITY = {
    "Applied": ["Active", "Rejected"],
    "Active": ["Suspended", "Dissolving"],
    "Suspended": ["Active"],
    "Dissolving": ["Dissolving", "Dissolved"],
    "Dissolved": [],
    "Rejected": [],
}
LICENCE = {
    "Applied": ["UnderReview", "Rejected"],
    "UnderReview": ["Active", "Rejected"],
    "Active": ["Suspended", "Revoked", "Expired", "Surrendered"],
    "Suspended": ["Active", "Revoked"],
    "Revoked": [],
    "Expired": [],
    "Surrendered": [],
    "Rejected": [],
}
_FORWARD = [
    "Initiated",
    "ComplianceCheck",
    "AttestationGathering",
    "SourceLocked",
    "InTransit",
    "DestinationVerification",
    "DestinationUnlock",
    "Completed",
]
MIGRATION: dict[str, list[str]] = {
    **{s: [n, "TimedOut"] for s, n in itertools.pairwise(_FORWARD)},
    "Completed": [],
    "Compensated": [],
    "TimedOut": [],
    "Cancelled": [],
}
for _s in ("Initiated", "ComplianceCheck", "AttestationGathering", "SourceLocked"):
    MIGRATION[_s].append("Cancelled")
for _s in ("InTransit", "DestinationVerification", "DestinationUnlock"):
    MIGRATION[_s].append("Compensated")
WATCHER = {
    "Registered": ["Bonded"],
    "Bonded": ["Active"],
    "Active": ["Slashed", "Unbonding", "Banned"],
    "Slashed": ["Bonded"],
    "Unbonding": ["Deactivated"],
    "Deactivated": [],
    "Banned": [],
}
MACHINES = [
    pytest.param(ENTITY_MACHINE, ENTITY, id="entity"),
    pytest.param(LICENCE_MACHINE, LICENCE, id="licence"),
    pytest.param(MIGRATION_MACHINE, MIGRATION, id="migration"),
    pytest.param(WATCHER_MACHINE, WATCHER, id="watcher"),
]
_ALL_EVIDENCE = ["slashing_evidence", *sorted({t for s in DissolutionStage for t in s.required_evidence})]


def satisfying_context(to_state: str) -> TransitionContext:
    """Evidence and facts that satisfy every guard of a transition into ``to_state``."""
    stage = 10 if to_state == "Dissolved" else 1
    return TransitionContext(
        actor="matrix",
        evidence=evidence(*_ALL_EVIDENCE),
        reason="matrix test",
        facts={
            "dissolution_stage": stage,
            "shareholder_approval_bps": 10_000,
            "amount": 1,
            "now": Timestamp.parse("2026-02-01T00:00:00Z"),
            "deadline": Timestamp.parse("2026-01-01T00:00:00Z"),
        },
    )


def test_tables_are_written_out_for_every_state() -> None:
    for definition, table in ((p.values[0], p.values[1]) for p in MACHINES):
        assert isinstance(definition, MachineDefinition)
        assert set(definition.state_names) == set(table)  # type: ignore[arg-type]


@pytest.mark.parametrize(("definition", "allowed"), MACHINES)
def test_every_pair_is_the_allowed_transition_or_the_typed_refusal(
    definition: MachineDefinition, allowed: dict[str, list[str]]
) -> None:
    clock = ManualClock("2026-02-01T00:00:00Z")
    targets = [*definition.state_names, "PROPOSED", "OPERATIONAL"]
    for source in definition.state_names:
        expected_targets = tuple(s for s in definition.state_names if s in allowed[source])
        for target in targets:
            machine = StateMachine(definition, state=source, clock=clock)
            if target in allowed.get(source, []):
                record = machine.transition(target, satisfying_context(target))
                assert (machine.state, record.from_state, record.to_state) == (target, source, target)
                assert record.at == clock() and record.actor == "matrix" and len(record.evidence) == len(_ALL_EVIDENCE)
                assert machine.history == (record,)
                continue
            with pytest.raises(TransitionNotDefinedError) as refused:
                machine.transition(target, satisfying_context(target))
            error = refused.value
            assert isinstance(error, StateTransitionError)
            assert (error.from_state, error.to_state, error.valid_targets) == (source, target, expected_targets)
            assert f"{source} -> {target}" in str(error)
            assert machine.state == source and machine.history == ()


@pytest.mark.parametrize(("definition", "allowed"), MACHINES)
def test_codes_are_accepted_as_targets(definition: MachineDefinition, allowed: dict[str, list[str]]) -> None:
    for spec in definition.states:
        for target in allowed[spec.name]:
            machine = StateMachine(definition, state=spec.code, clock=ManualClock("2026-02-01T00:00:00Z"))
            machine.transition(definition.state(target).code, satisfying_context(target))
            assert machine.state == target


@pytest.mark.parametrize(("definition", "allowed"), MACHINES)
def test_terminal_states_are_exactly_those_without_exits(
    definition: MachineDefinition, allowed: dict[str, list[str]]
) -> None:
    assert definition.terminal == {s for s, targets in allowed.items() if not targets}


def test_time_out_only_once_the_deadline_passed() -> None:
    machine = StateMachine(MIGRATION_MACHINE, state="InTransit")
    context = satisfying_context("TimedOut").with_facts(now=Timestamp.parse("2025-12-31T00:00:00Z"))
    with pytest.raises(StateTransitionError, match="deadline 2026-01-01T00:00:00Z has not passed"):
        machine.transition("TimedOut", context)
    machine.transition("TimedOut", context.with_facts(now=context.facts["deadline"] + timedelta(seconds=1)))
    assert machine.state == "TimedOut"
