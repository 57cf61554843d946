"""The error envelope of reference-impl §12.3, ``{"error": {"code", "message", "details"?}}``, for every error.

``MsezError`` subclasses map to statuses (not found 404, conflict and refused state transitions 409, validation
and verification 422, policy 403, database unavailable 503); FastAPI's request validation (including malformed
JSON, and bodies that are not even UTF-8) is 422 with the pydantic errors as ``details``; Starlette's 404/405
keep their status. Unexpected exceptions never reach here: the middleware turns them into a 500 whose message
is fixed.
"""

from __future__ import annotations

import json
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from msez.api._auth import AuthError
from msez.core import (
    CanonicalizationError,
    ConflictError,
    CryptoError,
    MsezError,
    NotFoundError,
    PolicyError,
    StateTransitionError,
    ValidationError,
)
from msez.store import DatabaseError

INTERNAL_MESSAGE: Final = "An internal error occurred"
CODES: Final = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
_STATUS_BY_ERROR: Final[tuple[tuple[type[MsezError], int], ...]] = (
    (AuthError, 401),
    (NotFoundError, 404),
    (ConflictError, 409),
    (StateTransitionError, 409),
    (PolicyError, 403),
    (ValidationError, 422),
    (CanonicalizationError, 422),
    (CryptoError, 422),
    (DatabaseError, 503),
)


def envelope(status: int, message: str, details: Any = None) -> dict[str, Any]:
    """The error body for ``status``."""
    error: dict[str, Any] = {"code": CODES.get(status, "ERROR"), "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def envelope_bytes(status: int, message: str, details: Any = None) -> bytes:
    return json.dumps(envelope(status, message, details), separators=(",", ":")).encode()


def status_of(error: MsezError) -> int:
    """The HTTP status for a library error (500 for kinds that mean a bug, such as IntegrityError)."""
    return next((status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), 500)


def install_error_handlers(app: FastAPI) -> None:
    """Render every handled error as the envelope."""
    app.add_exception_handler(MsezError, _msez_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


async def _msez_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, MsezError)
    status = status_of(exc)
    message = exc.message if status < 500 else INTERNAL_MESSAGE
    details = _state_details(exc) if isinstance(exc, StateTransitionError) else None
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(envelope(status, message, details), status_code=status, headers=headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg")), "type": error.get("type")}
        for error in exc.errors()
    ]
    message = "invalid request"
    if details:
        where, what = ".".join(details[0]["loc"]), str(details[0]["msg"])
        message = f"{where}: {what}" if where else what
    return JSONResponse(envelope(422, message, details), 422)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:  # FastAPI's "error parsing the body" (e.g. not UTF-8): malformed JSON is 422
        return JSONResponse(envelope(422, f"malformed request body: {exc.detail}"), status_code=422)
    message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error").lower()
    return JSONResponse(envelope(exc.status_code, message), status_code=exc.status_code, headers=exc.headers)


def _state_details(error: StateTransitionError) -> dict[str, Any]:
    return {"from_state": error.from_state, "to_state": error.to_state, "valid_targets": list(error.valid_targets)}
