"""Wire models shared by the corridor route modules: path parameters, the corridor and its head, documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Path
from pydantic import Field

from msez.api._auth import Role
from msez.api._corridor_service import Channel, CorridorService, corridor_service
from msez.api._node import Context, Written
from msez.api._wire import Orchestration, Out, WriteOut

CorridorKey = Annotated[uuid.UUID, Path(description="The corridor's record id (not its corridor_id).")]
Digest = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="A payload digest, 64 lowercase hex.")]
Sequence = Annotated[int, Path(ge=0, le=2**62, description="A receipt sequence number.")]
W = TypeVar("W", bound=WriteOut)
Document = Annotated[dict[str, Any], Field(description="A JSON document (a credential, a receipt, ...).")]


class HeadOut(Out):
    """The chain head: ``sequence`` is the last receipt's (``null`` while empty); ``mmr_size`` = receipt count."""

    receipt_count: int
    sequence: int | None
    next_root: str
    mmr_root: str
    mmr_size: int
    last_timestamp: str | None


class CorridorOut(WriteOut):
    id: str
    corridor_id: str
    jurisdiction_a: str
    jurisdiction_b: str
    source: str
    module_path: str | None
    state: str
    genesis_root: str
    head: HeadOut
    created_at: datetime
    updated_at: datetime


def orchestrated(out: W, written: Written[Any]) -> W:
    """``out`` with what the write hooks added (as :meth:`WriteOut.written` does for single records)."""
    extras = written.orchestration
    return out if extras is None else out.model_copy(update={"orchestration": Orchestration(**extras)})


def corridor_channel(ctx: Context, corridor: uuid.UUID, role: Role = Role.REGULATOR) -> tuple[CorridorService, Channel]:
    """The corridor service and the corridor's channel, for a caller with at least ``role`` (regulators read
    corridors, zone admins write them; entity operators do neither).

    Raises:
        PolicyError: the caller's role is below ``role``. NotFoundError: no such corridor.
    """
    ctx.caller.require(role)
    service = corridor_service(ctx.node)
    return service, ctx.read(lambda s: service.channel(s, str(corridor)))
