"""JSON forms of machines and their records (pydantic wire models), and the checks run when loading one.

A machine serialises as ``{"machine", "state", "history": [...]}`` plus its domain fields. States are written in
the reference's JSON (serde) form and read in either form (``UnderReview`` or ``UNDER_REVIEW``). Loading checks
the history as well as the state: every record names states of the machine and a transition of its table, the
records chain (each ``from_state`` is the previous ``to_state``) and the last one ends in the current state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from msez.core import ContentDigest, Timestamp, ValidationError
from msez.state._clock import Clock
from msez.state._definition import Evidence, MachineDefinition
from msez.state._machine import StateMachine, TransitionRecord


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceModel(_Wire):
    type: str = Field(min_length=1)
    digest: ContentDigest


class TransitionRecordModel(_Wire):
    from_state: str
    to_state: str
    transition: str
    timestamp: Timestamp
    evidence: tuple[EvidenceModel, ...] = ()
    actor: str | None = None
    reason: str | None = None


class MachineModel(_Wire):
    machine: str
    state: str
    history: tuple[TransitionRecordModel, ...] = ()


class EntityModel(MachineModel):
    entity_id: str
    dissolution_stage: int | None = Field(default=None, ge=1, le=10)


class LicenceModel(MachineModel):
    licence_id: str
    category: str | None = None
    state_reason: str | None = None


class CompensationRecordModel(_Wire):
    from_state: str
    action: str
    succeeded: bool
    error_detail: str | None = None
    timestamp: Timestamp


class MigrationModel(MachineModel):
    migration_id: str
    deadline: Timestamp
    source_jurisdiction: str | None = None
    destination_jurisdiction: str | None = None
    asset_description: str = ""
    compensation_log: tuple[CompensationRecordModel, ...] = ()


class WatcherModel(MachineModel):
    watcher_id: str
    bonded_stake: int = Field(ge=0)
    slashed_amount: int = Field(ge=0)
    slash_count: int = Field(ge=0)
    attestation_count: int = Field(ge=0)


M = TypeVar("M", bound=MachineModel)
W = TypeVar("W", bound=BaseModel)


def _record_json(r: TransitionRecord) -> TransitionRecordModel:
    evidence = tuple(EvidenceModel(type=e.type, digest=e.digest) for e in r.evidence)
    return TransitionRecordModel(
        from_state=r.from_state,
        to_state=r.to_state,
        transition=r.transition,
        timestamp=r.at,
        evidence=evidence,
        actor=r.actor,
        reason=r.reason,
    )


def dump_machine(machine: StateMachine, model: type[M], **fields: Any) -> dict[str, Any]:
    """The JSON form of ``machine`` with the domain ``fields`` of ``model``."""
    history = tuple(_record_json(r) for r in machine.history)
    value = model(machine=machine.definition.name, state=machine.state, history=history, **fields)
    return value.model_dump(mode="json")


def parse_model(model: type[W], data: Mapping[str, Any]) -> W:
    """Validate ``data`` against a pydantic wire model, translating pydantic's error.

    Raises:
        ValidationError: with the JSON path of the first problem.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as e:
        first = e.errors()[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        raise ValidationError(f"invalid {model.__name__}: {first['msg']}", path=path) from e


def load_machine(definition: MachineDefinition, parsed: MachineModel, clock: Clock) -> StateMachine:
    """Rebuild a :class:`StateMachine` from a parsed model, checking state and history against the table.

    Raises:
        ValidationError: wrong machine, unknown state, or a history that does not chain to the state.
    """
    if parsed.machine != definition.name:
        raise ValidationError(f"expected a {definition.name} machine, got {parsed.machine!r}", path="$.machine")
    state = definition.state(parsed.state).name
    history = [_load_record(definition, i, m) for i, m in enumerate(parsed.history)]
    _check_chain(history, state)
    return StateMachine(definition, state=state, history=history, clock=clock)


def _load_record(definition: MachineDefinition, index: int, m: TransitionRecordModel) -> TransitionRecord:
    path = f"$.history[{index}]"
    try:
        from_state = definition.state(m.from_state).name
        to_state = definition.state(m.to_state).name
    except ValidationError as e:
        raise ValidationError(e.message, path=path) from e
    transition = definition.find(from_state, to_state)
    if transition is None or transition.name != m.transition:
        raise ValidationError(
            f"{from_state} -> {to_state} ({m.transition}) is not a transition of the table", path=path
        )
    evidence = tuple(Evidence(e.type, e.digest) for e in m.evidence)
    return TransitionRecord(from_state, to_state, m.transition, m.timestamp, evidence, m.actor, m.reason)


def _check_chain(history: list[TransitionRecord], state: str) -> None:
    expected = history[0].from_state if history else state
    for index, record in enumerate(history):
        if record.from_state != expected:
            raise ValidationError(
                f"history does not chain: expected from_state {expected}, got {record.from_state}",
                path=f"$.history[{index}]",
            )
        expected = record.to_state
    if expected != state:
        raise ValidationError(f"state {state} does not match the last transition's to_state {expected}", path="$.state")
