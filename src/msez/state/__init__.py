"""msez.state: one table-driven lifecycle engine and the zone's machines built on it.

A machine is data (:class:`MachineDefinition` of :class:`StateSpec` and :class:`Transition` rows); a
:class:`StateMachine` applies transitions with typed evidence, guards that see a :class:`TransitionContext`, and
a recorded history. The entity, licence, migration-saga and watcher-bond lifecycles are built on it; the
corridor lifecycle (msez.corridor) is too.
"""

from msez.state._clock import Clock, ManualClock, system_clock
from msez.state._definition import (
    Evidence,
    Guard,
    GuardInput,
    MachineDefinition,
    Refusal,
    StateSpec,
    Transition,
    TransitionContext,
    all_of,
    guard_name,
    require_reason,
    require_role,
)
from msez.state._entity import ENTITY_MACHINE, DissolutionStage, EntityLifecycle, StageInfo
from msez.state._errors import (
    CompensationFailedError,
    GuardRefusedError,
    MigrationTimeoutError,
    MissingEvidenceError,
    TransitionNotDefinedError,
)
from msez.state._licence import LICENCE_MACHINE, LicenceLifecycle
from msez.state._machine import Lifecycle, StateMachine, TransitionRecord
from msez.state._migration import MIGRATION_MACHINE, CompensationAction, CompensationRecord, MigrationSaga
from msez.state._watcher import SLASHING_EVIDENCE, WATCHER_MACHINE, SlashingCondition, WatcherBond
from msez.state._wire import MachineModel, TransitionRecordModel, dump_machine, load_machine, parse_model

__all__ = [
    "ENTITY_MACHINE",
    "LICENCE_MACHINE",
    "MIGRATION_MACHINE",
    "SLASHING_EVIDENCE",
    "WATCHER_MACHINE",
    "Clock",
    "CompensationAction",
    "CompensationFailedError",
    "CompensationRecord",
    "DissolutionStage",
    "EntityLifecycle",
    "Evidence",
    "Guard",
    "GuardInput",
    "GuardRefusedError",
    "LicenceLifecycle",
    "Lifecycle",
    "MachineDefinition",
    "MachineModel",
    "ManualClock",
    "MigrationSaga",
    "MigrationTimeoutError",
    "MissingEvidenceError",
    "Refusal",
    "SlashingCondition",
    "StageInfo",
    "StateMachine",
    "StateSpec",
    "Transition",
    "TransitionContext",
    "TransitionNotDefinedError",
    "TransitionRecord",
    "TransitionRecordModel",
    "WatcherBond",
    "all_of",
    "dump_machine",
    "guard_name",
    "load_machine",
    "parse_model",
    "require_reason",
    "require_role",
    "system_clock",
]
