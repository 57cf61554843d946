"""Unauthenticated operational routes: liveness, readiness (checks the database) and Prometheus metrics."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from msez.api import _metrics
from msez.api._errors import envelope
from msez.api._node import Node
from msez.api._wire import ErrorEnvelope
from msez.store import DatabaseError

router = APIRouter(tags=["health"])


@router.get("/health/liveness", response_class=PlainTextResponse, summary="The process is up")
async def liveness() -> str:
    return "ok"


@router.get(
    "/health/readiness",
    summary="Ready to serve: the database answers",
    responses={503: {"model": ErrorEnvelope, "description": "Not ready; the message says why"}},
)
async def readiness(request: Request) -> JSONResponse:
    node: Node = request.app.state.node
    try:
        await anyio.to_thread.run_sync(node.db.ping)
    except DatabaseError as e:
        return JSONResponse(envelope(503, e.message), status_code=503)
    return JSONResponse({"status": "ready", "zone_id": node.settings.zone_id})


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics() -> Response:
    body, content_type = _metrics.render()
    return Response(body, media_type=content_type)
