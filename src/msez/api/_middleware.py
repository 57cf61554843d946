"""The node's one pure-ASGI middleware (no ``BaseHTTPMiddleware``; nothing heavier than a dict per request).

Per request, in order:

1. request id: ``X-Request-Id`` if it is 1-128 safe characters, else a fresh one; echoed on the response and
   put in the logging context;
2. a declared ``Content-Length`` over the limit: 413 before anything is read;
3. ``/v1/...`` only: authenticate the bearer token (401); rate-limit per token (429 with ``Retry-After``), so
   unauthenticated calls spend no quota; for a regulator, record the attempt in the ``regulator`` audit stream
   (fail closed: no audit, no access) and refuse anything but a read (403);
4. read the body while counting (413 once it passes the limit, with or without ``Content-Length``) and replay it
   to the app;
5. an exception that escapes the app becomes a 500 envelope with a fixed message (the traceback goes to the log);
6. Prometheus metrics by route template, and one JSON access-log line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any, Final

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msez.api import _metrics
from msez.api._auth import AuthError, Caller, Role
from msez.api._errors import INTERNAL_MESSAGE, envelope_bytes
from msez.api._logging import request_id_var
from msez.api._node import Node
from msez.api._ratelimit import LimiterError
from msez.store import DatabaseError

log = logging.getLogger(__name__)
access_log = logging.getLogger("msez.api.access")

_REQUEST_ID: Final = re.compile(rb"[A-Za-z0-9._:-]{1,128}\Z")
_READS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_BODIES: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class _BodyTooLargeError(Exception):
    pass


class NodeMiddleware:
    def __init__(self, app: ASGIApp, *, node: Node) -> None:
        self.app = app
        self.node = node
        self.limit = node.settings.max_body_bytes
        self.access_log = node.settings.access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope["headers"])
        request_id = _request_id(headers.get(b"x-request-id"))
        context_token = request_id_var.set(request_id)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        response: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"], response["started"] = message["status"], True
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self._handle(scope, receive, send_with_id, headers, state)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if not response["started"]:
                await _respond(send_with_id, 500, INTERNAL_MESSAGE)
        finally:
            self._observe(scope, state, response["status"], time.perf_counter() - started)
            request_id_var.reset(context_token)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[bytes, bytes], state: dict[str, Any]
    ) -> None:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _respond(send, 413, f"request body exceeds {self.limit} bytes")
            return
        path: str = scope["path"]
        if path.startswith("/v1/") or path == "/v1":
            try:
                caller = self.node.authenticator.authenticate(_text(headers.get(b"authorization")))
            except AuthError as e:
                await _respond(send, 401, e.message, headers=[(b"www-authenticate", b"Bearer")])
                return
            state["caller"] = caller
            if not await self._admit(scope, send, caller, state["request_id"]):
                return
        if scope["method"] in _BODIES:
            try:
                receive = await _buffered(receive, self.limit)
            except _BodyTooLargeError:
                await _respond(send, 413, f"request body exceeds {self.limit} bytes")
                return
        await self.app(scope, receive, send)

    async def _admit(self, scope: Scope, send: Send, caller: Caller, request_id: str) -> bool:
        try:
            decision = await self.node.limiter.hit(caller.key)
        except LimiterError as e:
            log.error("%s; refusing the request", e.message)
            await _respond(send, 503, e.message)
            return False
        refusal: tuple[int, str] | None = None
        if not decision.allowed:
            refusal = (429, "rate limit exceeded")
        elif caller.role is Role.REGULATOR and not self._is_read(scope):
            refusal = (403, "regulators have read-only access")
        if caller.role is Role.REGULATOR:
            details = {
                "method": scope["method"],
                "path": scope["path"],
                "query": _text(scope.get("query_string")) or "",
                "decision": "allowed" if refusal is None else "denied",
                "status": None if refusal is None else refusal[0],
            }
            try:
                await anyio.to_thread.run_sync(self.node.audit_regulator, caller, request_id, details)
            except DatabaseError:
                log.exception("regulator access could not be audited; refusing it")
                await _respond(send, 503, "audit log unavailable; regulator access refused")
                return False
        if refusal is None:
            return True
        status, message = refusal
        extra = [(b"retry-after", str(decision.retry_after_s).encode())] if status == 429 else []
        await _respond(send, status, message, headers=extra)
        return False

    def _is_read(self, scope: Scope) -> bool:
        return scope["method"] in _READS or (scope["method"] == "POST" and scope["path"] in self.node.read_only_posts)

    def _observe(self, scope: Scope, state: dict[str, Any], status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        _metrics.observe(scope["method"], template, status, seconds)
        if self.access_log:
            caller: Caller | None = state.get("caller")
            access_log.info(
                "%s %s %d",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "role": caller.role.label if caller else None,
                },
            )


def _request_id(raw: bytes | None) -> str:
    if raw is not None and _REQUEST_ID.match(raw):
        return raw.decode("ascii")
    return uuid.uuid4().hex


def _text(raw: bytes | None) -> str | None:
    return raw.decode("latin-1") if raw is not None else None


async def _buffered(receive: Receive, limit: int) -> Receive:
    """Read the whole body (refusing past ``limit``) and return a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return _replay(None, receive, message)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _BodyTooLargeError
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return _replay(b"".join(chunks), receive, None)


def _replay(body: bytes | None, receive: Receive, first: Message | None) -> Receive:
    pending: list[Message] = [first] if first is not None else [{"type": "http.request", "body": body or b""}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed


async def _respond(send: Send, status: int, message: str, *, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = envelope_bytes(status, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
