"""The entity lifecycle (reference-impl A §3.4): Applied, Active, Suspended, Dissolving (ten stages), Dissolved,
Rejected.

Dissolution is a self-transition ``advance_dissolution`` (Dissolving -> Dissolving, stage N -> N+1) and a final
``complete_dissolution`` (Dissolving -> Dissolved, only from stage 10). Completing a stage requires that stage's
evidence; the shareholder resolution (stage 2) also needs the fact ``shareholder_approval_bps`` >= 7500 (the
75 % supermajority). The stage evidence types are msez's own (the reference names none; see docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from msez.core import EntityId, ValidationError
from msez.state._clock import Clock, system_clock
from msez.state._definition import GuardInput, MachineDefinition, Refusal, StateSpec, Transition, TransitionContext
from msez.state._machine import Lifecycle, StateMachine, TransitionRecord
from msez.state._wire import EntityModel, dump_machine, load_machine, parse_model

SUPERMAJORITY_BPS = 7500


class DissolutionStage(IntEnum):
    """The ten stages of a voluntary dissolution; the value is the stage number."""

    BOARD_RESOLUTION = 1
    SHAREHOLDER_RESOLUTION = 2
    APPOINT_LIQUIDATOR = 3
    NOTIFY_CREDITORS = 4
    REALIZE_ASSETS = 5
    SETTLE_LIABILITIES = 6
    FINAL_DISTRIBUTION = 7
    FINAL_MEETING = 8
    FILE_FINAL_DOCUMENTS = 9
    DISSOLUTION = 10

    @property
    def info(self) -> StageInfo:
        return _STAGES[self]

    @property
    def nominal_duration(self) -> timedelta:
        return timedelta(days=self.info.nominal_days)

    @property
    def required_evidence(self) -> frozenset[str]:
        return self.info.required_evidence

    def __str__(self) -> str:
        return f"Stage {self.value} ({self.name})"


@dataclass(frozen=True, slots=True)
class StageInfo:
    """A dissolution stage's nominal duration, the evidence that completes it, and a note."""

    nominal_days: int
    required_evidence: frozenset[str]
    note: str


def _stage(days: int, evidence: str, note: str) -> StageInfo:
    return StageInfo(days, frozenset({evidence}), note)


_STAGES: Mapping[DissolutionStage, StageInfo] = {
    DissolutionStage.BOARD_RESOLUTION: _stage(7, "board_resolution", "board resolves to dissolve"),
    DissolutionStage.SHAREHOLDER_RESOLUTION: _stage(21, "shareholder_resolution", "75 % supermajority"),
    DissolutionStage.APPOINT_LIQUIDATOR: _stage(7, "liquidator_appointment", "liquidator appointed"),
    DissolutionStage.NOTIFY_CREDITORS: _stage(14, "gazette_notice", "gazette notice; 90-day claims window"),
    DissolutionStage.REALIZE_ASSETS: _stage(90, "asset_realization_report", "assets realised"),
    DissolutionStage.SETTLE_LIABILITIES: _stage(60, "liabilities_settlement", "statutory priority"),
    DissolutionStage.FINAL_DISTRIBUTION: _stage(14, "final_distribution_statement", "surplus distributed"),
    DissolutionStage.FINAL_MEETING: _stage(35, "final_meeting_minutes", "final meeting held"),
    DissolutionStage.FILE_FINAL_DOCUMENTS: _stage(14, "final_documents_filing", "final accounts filed"),
    DissolutionStage.DISSOLUTION: _stage(30, "dissolution_certificate", "certificate of dissolution"),
}


def _dissolution_guard(g: GuardInput) -> Refusal | None:
    raw = g.context.facts.get("dissolution_stage")
    if not isinstance(raw, int) or not 1 <= raw <= 10:
        return Refusal(f"fact dissolution_stage must be a stage number 1-10, got {raw!r}")
    stage = DissolutionStage(raw)
    last = stage is DissolutionStage.DISSOLUTION
    if g.to_state == "Dissolving" and last:
        return Refusal(f"{stage} is the last stage; complete_dissolution ends it")
    if g.to_state == "Dissolved" and not last:
        return Refusal(f"dissolution is at {stage}; Dissolved is reached only from {DissolutionStage.DISSOLUTION}")
    missing = sorted(stage.required_evidence - g.context.evidence_types())
    if missing:
        return Refusal(f"completing {stage} requires evidence", missing_evidence=tuple(missing))
    if stage is DissolutionStage.SHAREHOLDER_RESOLUTION:
        approval = g.context.facts.get("shareholder_approval_bps")
        if not isinstance(approval, int) or approval < SUPERMAJORITY_BPS:
            return Refusal(f"{stage} needs shareholder_approval_bps >= {SUPERMAJORITY_BPS}, got {approval!r}")
    return None


ENTITY_MACHINE = MachineDefinition(
    "entity",
    states=(
        StateSpec("Applied", "APPLIED"),
        StateSpec("Active", "ACTIVE"),
        StateSpec("Suspended", "SUSPENDED"),
        StateSpec("Dissolving", "DISSOLVING"),
        StateSpec("Dissolved", "DISSOLVED", terminal=True),
        StateSpec("Rejected", "REJECTED", terminal=True),
    ),
    initial="Applied",
    transitions=(
        Transition("approve", "Applied", "Active"),
        Transition("reject", "Applied", "Rejected"),
        Transition("suspend", "Active", "Suspended"),
        Transition("reinstate", "Suspended", "Active"),
        Transition("initiate_dissolution", "Active", "Dissolving"),
        Transition("advance_dissolution", "Dissolving", "Dissolving", guard=_dissolution_guard),
        Transition("complete_dissolution", "Dissolving", "Dissolved", guard=_dissolution_guard),
    ),
)


class EntityLifecycle(Lifecycle):
    """An entity's lifecycle, with its dissolution stage while Dissolving."""

    __slots__ = ("_stage", "entity_id")

    def __init__(self, entity_id: EntityId | str | None = None, *, clock: Clock = system_clock) -> None:
        super().__init__(StateMachine(ENTITY_MACHINE, clock=clock))
        self.entity_id = EntityId(entity_id) if entity_id is not None else EntityId.new()
        self._stage: DissolutionStage | None = None

    @property
    def dissolution_stage(self) -> DissolutionStage | None:
        """The current stage while Dissolving (and stage 10 once Dissolved); else ``None``."""
        return self._stage

    def _facts(self) -> Mapping[str, Any]:
        return {"dissolution_stage": None if self._stage is None else int(self._stage)}

    def approve(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("approve", context)

    def reject(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("reject", context)

    def suspend(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("suspend", context)

    def reinstate(self, context: TransitionContext | None = None) -> TransitionRecord:
        return self._fire("reinstate", context)

    def initiate_dissolution(self, context: TransitionContext | None = None) -> TransitionRecord:
        """Active -> Dissolving at stage 1."""
        record = self._fire("initiate_dissolution", context)
        self._stage = DissolutionStage.BOARD_RESOLUTION
        return record

    def advance_dissolution(self, context: TransitionContext | None = None) -> TransitionRecord:
        """Complete the current stage with its evidence: stage N -> N+1, or Dissolved after stage 10.

        Raises:
            TransitionNotDefinedError: not Dissolving.
            MissingEvidenceError: the stage's evidence is missing.
            GuardRefusedError: e.g. the shareholder approval is below the supermajority.
        """
        if self._stage is DissolutionStage.DISSOLUTION:
            return self._fire("complete_dissolution", context)
        record = self._fire("advance_dissolution", context)  # the guard refuses unless a stage is set
        self._stage = DissolutionStage(int(self._stage or 0) + 1)
        return record

    def to_json(self) -> dict[str, Any]:
        stage = None if self._stage is None else int(self._stage)
        return dump_machine(self.machine, EntityModel, entity_id=str(self.entity_id), dissolution_stage=stage)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, clock: Clock = system_clock) -> EntityLifecycle:
        """Load the JSON form written by :meth:`to_json`.

        Raises:
            ValidationError: malformed, or the stage does not fit the state.
        """
        parsed = parse_model(EntityModel, data)
        entity = cls(parsed.entity_id, clock=clock)
        entity._machine = load_machine(ENTITY_MACHINE, parsed, clock)
        in_dissolution = entity.state in ("Dissolving", "Dissolved")
        if in_dissolution != (parsed.dissolution_stage is not None):
            raise ValidationError(
                f"dissolution_stage must be set exactly when Dissolving or Dissolved (state {entity.state})",
                path="$.dissolution_stage",
            )
        entity._stage = None if parsed.dissolution_stage is None else DissolutionStage(parsed.dissolution_stage)
        return entity
