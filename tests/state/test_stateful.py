"""Hypothesis stateful tests: random operation sequences never reach an undefined state or break the records."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from msez.core import StateTransitionError, Timestamp
from msez.state import (
    ENTITY_MACHINE,
    LICENCE_MACHINE,
    MIGRATION_MACHINE,
    SLASHING_EVIDENCE,
    WATCHER_MACHINE,
    DissolutionStage,
    EntityLifecycle,
    MachineDefinition,
    MachineModel,
    ManualClock,
    MigrationSaga,
    SlashingCondition,
    StateMachine,
    TransitionContext,
    WatcherBond,
    dump_machine,
    load_machine,
    parse_model,
)
from tests.state.conftest import START, evidence

STATEFUL = settings(max_examples=25, stateful_step_count=30, deadline=None)
_EVIDENCE_TYPES = [SLASHING_EVIDENCE, "board_resolution", "shareholder_resolution", "gazette_notice", "unrelated"]
contexts = st.builds(
    TransitionContext,
    actor=st.sampled_from([None, "did:key:z6MkA"]),
    roles=st.frozensets(st.sampled_from(["zone_authority", "regulator"])),
    evidence=st.lists(st.sampled_from(_EVIDENCE_TYPES), max_size=3).map(lambda ts: evidence(*ts)),
    facts=st.fixed_dictionaries(
        {},
        optional={
            "dissolution_stage": st.integers(0, 11),
            "shareholder_approval_bps": st.integers(0, 10_000),
            "amount": st.integers(-1, 10),
            "now": st.just(Timestamp.parse("2026-03-01T00:00:00Z")),
            "deadline": st.just(Timestamp.parse(START)),
        },
    ),
    reason=st.sampled_from([None, "", "because"]),
)


def engine_machine(definition: MachineDefinition) -> type[RuleBasedStateMachine]:
    names = [*sorted({t.name for t in definition.transitions}), "fly"]
    targets = [*definition.state_names, "PROPOSED"]

    class Engine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.clock = ManualClock(START)
            self.machine = StateMachine(definition, clock=self.clock)

        def _attempt(self, apply: object, context: TransitionContext) -> None:
            before, allowed = self.machine.state, self.machine.valid_targets()
            try:
                record = apply(context)  # type: ignore[operator]
            except StateTransitionError as e:
                assert self.machine.state == before and e.from_state == before and e.valid_targets == allowed
                return
            assert record.from_state == before and record.to_state in allowed
            assert definition.find(before, record.to_state) is not None

        @rule(to_state=st.sampled_from(targets), context=contexts)
        def transition(self, to_state: str, context: TransitionContext) -> None:
            self._attempt(lambda c: self.machine.transition(to_state, c), context)

        @rule(name=st.sampled_from(names), context=contexts)
        def fire(self, name: str, context: TransitionContext) -> None:
            self._attempt(lambda c: self.machine.fire(name, c), context)

        @rule(seconds=st.integers(0, 10**6))
        def tick(self, seconds: int) -> None:
            self.clock.advance(timedelta(seconds=seconds))

        @rule()
        def reload(self) -> None:
            data = dump_machine(self.machine, MachineModel)
            self.machine = load_machine(definition, parse_model(MachineModel, data), self.clock)
            assert dump_machine(self.machine, MachineModel) == data

        @invariant()
        def state_is_defined_and_history_chains(self) -> None:
            assert self.machine.state in definition.state_names
            expected = definition.initial
            for record in self.machine.history:
                assert record.from_state == expected
                assert definition.find(record.from_state, record.to_state) is not None
                expected = record.to_state
            assert expected == self.machine.state
            assert self.machine.is_terminal == (not self.machine.valid_targets())

    Engine.__name__ = f"Engine_{definition.name}"
    return Engine


@pytest.mark.parametrize(
    "definition", [ENTITY_MACHINE, LICENCE_MACHINE, MIGRATION_MACHINE, WATCHER_MACHINE], ids=lambda d: d.name
)
def test_engine_random_sequences(definition: MachineDefinition) -> None:
    engine = engine_machine(definition)
    engine.TestCase.settings = STATEFUL
    engine.TestCase().runTest()


class EntityOps(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.entity = EntityLifecycle()

    @rule(op=st.sampled_from(["approve", "reject", "suspend", "reinstate", "initiate_dissolution"]))
    def simple(self, op: str) -> None:
        with contextlib.suppress(StateTransitionError):
            getattr(self.entity, op)()

    @rule(with_evidence=st.booleans(), approval=st.integers(7000, 10_000))
    def advance(self, with_evidence: bool, approval: int) -> None:
        stage = self.entity.dissolution_stage
        types = stage.required_evidence if (stage and with_evidence) else ()
        try:
            self.entity.advance_dissolution(
                TransitionContext(evidence=evidence(*types), facts={"shareholder_approval_bps": approval})
            )
        except StateTransitionError:
            assert self.entity.dissolution_stage == stage

    @invariant()
    def stage_fits_state(self) -> None:
        assert self.entity.state in ENTITY_MACHINE.state_names
        assert (self.entity.dissolution_stage is not None) == (self.entity.state in ("Dissolving", "Dissolved"))
        if self.entity.state == "Dissolved":
            assert self.entity.dissolution_stage is DissolutionStage.DISSOLUTION
        assert EntityLifecycle.from_json(self.entity.to_json()).to_json() == self.entity.to_json()


class SagaOps(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.saga = MigrationSaga(deadline=Timestamp.parse(START) + timedelta(hours=10), clock=self.clock)

    @rule(op=st.sampled_from(["advance", "cancel", "compensate"]))
    def step(self, op: str) -> None:
        late = self.clock() > self.saga.deadline
        live = not self.saga.is_terminal
        with contextlib.suppress(StateTransitionError):
            self.saga.compensate("x") if op == "compensate" else getattr(self.saga, op)()
        if op == "advance" and late and live:
            assert self.saga.state == "TimedOut"

    @rule(hours=st.integers(0, 4))
    def tick(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @invariant()
    def sane(self) -> None:
        assert self.saga.state in MIGRATION_MACHINE.state_names
        if self.saga.state == "Cancelled":
            assert "InTransit" not in {r.to_state for r in self.saga.history}
        assert all(r.succeeded for r in self.saga.compensation_log)


class WatcherOps(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.bond = WatcherBond()

    @rule(amount=st.integers(0, 10**9), op=st.sampled_from(["bond", "rebond"]))
    def stake(self, amount: int, op: str) -> None:
        with contextlib.suppress(StateTransitionError):
            getattr(self.bond, op)(amount)

    @rule(op=st.sampled_from(["activate", "unbond", "complete_unbond"]))
    def simple(self, op: str) -> None:
        with contextlib.suppress(StateTransitionError):
            getattr(self.bond, op)()

    @rule(condition=st.sampled_from(list(SlashingCondition)))
    def slash(self, condition: SlashingCondition) -> None:
        before = self.bond.available_stake
        try:
            amount = self.bond.slash(condition, TransitionContext(evidence=evidence(SLASHING_EVIDENCE)))
        except StateTransitionError:
            return
        assert 0 <= amount <= before
        assert self.bond.state == ("Banned" if condition is SlashingCondition.COLLUSION else "Slashed")

    @invariant()
    def money_adds_up(self) -> None:
        assert self.bond.state in WATCHER_MACHINE.state_names
        assert 0 <= self.bond.slashed_amount <= self.bond.bonded_stake
        assert WatcherBond.from_json(self.bond.to_json()).to_json() == self.bond.to_json()


@pytest.mark.parametrize("ops", [EntityOps, SagaOps, WatcherOps], ids=lambda c: c.__name__)
def test_domain_random_sequences(ops: type[RuleBasedStateMachine]) -> None:
    ops.TestCase.settings = STATEFUL
    ops.TestCase().runTest()
