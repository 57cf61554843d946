"""Wire-model building blocks shared by the route modules: base classes, constrained types, pagination."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from msez.api._auth import AuthError, Caller
from msez.api._node import Context, Node, Written

M = TypeVar("M", bound="Out")

MAX_PAGE = 1000
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text255 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Reference = Annotated[str, StringConstraints(max_length=255)]
DecimalString = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,20}(\.[0-9]{1,18})?$")]


class In(BaseModel):
    """A request body: immutable, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Out(BaseModel):
    """A response body, built from a store record."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    @classmethod
    def of(cls: type[M], record: Any) -> M:
        return cls.model_validate(record)


class Orchestration(BaseModel):
    """What the write hooks added (compliance summary, credential, attestation id); absent without hooks."""

    model_config = ConfigDict(frozen=True, extra="allow")
    compliance: dict[str, Any] | None = None
    credential: dict[str, Any] | None = None
    attestation_id: str | None = None


class WriteOut(Out):
    orchestration: Orchestration | None = None

    @classmethod
    def written(cls: type[M], written: Written[Any]) -> M:
        out = cls.model_validate(written.result)
        extras: Mapping[str, Any] | None = written.orchestration
        return out if extras is None else out.model_copy(update={"orchestration": Orchestration(**extras)})


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorEnvelope(BaseModel):
    """Every error response: ``{"error": {"code", "message", "details"?}}`` (reference-impl §12.3)."""

    error: ErrorBody


_ERRORS = {
    401: "No valid bearer token",
    403: "The caller's role or entity may not do this",
    404: "No such record",
    409: "Conflicts with stored state",
    413: "Request body over 2 MiB",
    422: "Invalid request",
    429: "Rate limit exceeded (see Retry-After)",
    500: "Internal error",
    503: "Database unavailable",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": text} for status, text in _ERRORS.items()
}


class Page(BaseModel):
    limit: int
    offset: int


async def page(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="At most this many items.")] = 100,
    offset: Annotated[int, Query(ge=0, le=2**62, description="Skip this many items.")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)


_bearer = HTTPBearer(
    auto_error=False,
    description="`<secret>` (zone admin) or `<role>:<entity uuid or empty>:<secret>`",
)


async def context(
    request: Request, _credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]
) -> Context:
    """The handler's context; the middleware has already authenticated the caller."""
    node: Node = request.app.state.node
    caller: Caller | None = request.state.caller if hasattr(request.state, "caller") else None
    if caller is None:
        raise AuthError("missing authorization header")
    return Context(node, caller, getattr(request.state, "request_id", None))


Ctx = Annotated[Context, Depends(context)]
Paging = Annotated[Page, Depends(page)]
Count = Annotated[int, Field(ge=1, le=2**62)]
