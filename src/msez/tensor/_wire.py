"""JSON forms of tensors and evaluation requests (pydantic wire models) and their conversion.

A tensor is ``{"jurisdiction_id", "applicable_domains"?, "cells": {<domain>: cell}}`` with only determined
cells written; a cell is ``{"state"?, "attestations"?, "determined_at"?, "reason"?}`` (the reference's cell
shape, empty attestations and no reason omitted). An evaluation request adds ``subject`` and an optional
``evaluated_at``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from msez.core import ComplianceDomain, ContentDigest, Timestamp, ValidationError
from msez.state import parse_model
from msez.tensor._attestation import AttestationRef
from msez.tensor._lattice import ComplianceState
from msez.tensor._result import StoredCell, Subject
from msez.tensor._tensor import ALL_DOMAINS, ComplianceTensor, Evaluators, JurisdictionConfig


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttestationModel(_Wire):
    attestation_id: str = Field(min_length=1)
    attestation_type: str = Field(min_length=1)
    issuer_did: str
    issued_at: str
    digest: ContentDigest
    expires_at: str | None = None


class CellModel(_Wire):
    state: str | None = None
    attestations: tuple[AttestationModel, ...] = ()
    determined_at: Timestamp | None = None
    reason: str | None = None


class SubjectModel(_Wire):
    entity_id: str = Field(min_length=1)
    name: str | None = None
    identifiers: dict[str, str] = Field(default_factory=dict)
    did: str | None = None
    activity: str | None = None
    ntn: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class TensorModel(_Wire):
    jurisdiction_id: str = Field(min_length=1)
    applicable_domains: tuple[str, ...] | None = None
    cells: dict[str, CellModel] = Field(default_factory=dict)


class EvaluationRequestModel(TensorModel):
    subject: SubjectModel
    evaluated_at: Timestamp | None = None


def tensor_to_json(tensor: ComplianceTensor) -> dict[str, Any]:
    """The JSON form of ``tensor`` (determined cells only)."""
    cells: dict[str, Any] = {}
    for domain in ALL_DOMAINS:
        cell = tensor.cells.get(domain)
        if cell is None:
            continue
        out: dict[str, Any] = {}
        if cell.state is not None:
            out["state"] = cell.state.value
        if cell.attestations:
            out["attestations"] = [a.to_json() for a in cell.attestations]
        if cell.determined_at is not None:
            out["determined_at"] = str(cell.determined_at)
        if cell.reason is not None:
            out["reason"] = cell.reason
        cells[domain.value] = out
    applicable = tensor.jurisdiction.applicable_domains
    data: dict[str, Any] = {"jurisdiction_id": tensor.jurisdiction_id, "cells": cells}
    if applicable != frozenset(ComplianceDomain):
        data["applicable_domains"] = [d.value for d in ALL_DOMAINS if d in applicable]
    return data


def tensor_from_json(
    data: Mapping[str, Any],
    *,
    evaluators: Callable[[JurisdictionConfig], Evaluators] | None = None,
    clock: Callable[[], Timestamp] = Timestamp.now,
) -> ComplianceTensor:
    """Load a tensor; ``evaluators`` builds the zone's evaluators for its jurisdiction (default: the defaults).

    Raises:
        ValidationError: malformed, with the JSON path.
    """
    return _build(parse_model(TensorModel, data), evaluators, clock)


def evaluation_request_from_json(
    data: Mapping[str, Any], *, evaluators: Callable[[JurisdictionConfig], Evaluators] | None = None
) -> tuple[ComplianceTensor, Subject, Timestamp | None]:
    """Load an evaluation request: the tensor, the subject and the evaluation time (if pinned).

    Raises:
        ValidationError: malformed, with the JSON path.
    """
    parsed = parse_model(EvaluationRequestModel, data)
    at = parsed.evaluated_at
    tensor = _build(parsed, evaluators, (lambda: at) if at is not None else Timestamp.now)
    s = parsed.subject
    subject = Subject(s.entity_id, s.name, dict(s.identifiers), s.did, s.activity, s.ntn, dict(s.metadata))
    return tensor, subject, at


def _domain(text: str, path: str) -> ComplianceDomain:
    try:
        return ComplianceDomain.parse(text)
    except ValidationError as e:
        raise ValidationError(e.message, path=path) from e


def _build(
    parsed: TensorModel,
    evaluators: Callable[[JurisdictionConfig], Evaluators] | None,
    clock: Callable[[], Timestamp],
) -> ComplianceTensor:
    if parsed.applicable_domains is None:
        config = JurisdictionConfig(parsed.jurisdiction_id)
    else:
        domains = {_domain(t, f"$.applicable_domains[{i}]") for i, t in enumerate(parsed.applicable_domains)}
        config = JurisdictionConfig(parsed.jurisdiction_id, frozenset(domains))
    tensor = ComplianceTensor(config, evaluators=evaluators(config) if evaluators else None, clock=clock)
    for key, cell in parsed.cells.items():
        tensor.restore(_domain(key, f"$.cells.{key}"), _cell(cell, f"$.cells.{key}"))
    return tensor


def _cell(cell: CellModel, path: str) -> StoredCell:
    try:
        state = None if cell.state is None else ComplianceState.parse(cell.state)
    except ValidationError as e:
        raise ValidationError(e.message, path=f"{path}.state") from e
    attestations = tuple(
        AttestationRef(a.attestation_id, a.attestation_type, a.issuer_did, a.issued_at, a.digest, a.expires_at)
        for a in cell.attestations
    )
    return StoredCell(state, attestations, cell.determined_at, cell.reason)
