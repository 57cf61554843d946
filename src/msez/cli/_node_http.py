"""A small JSON-over-HTTP client for a running zone node (standard library ``urllib``: a handful of bearer-token
calls need no HTTP dependency at run time)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from msez.core import MsezError

TIMEOUT_SECONDS = 30.0


class NodeUnreachableError(MsezError):
    """The node could not be reached (refused connection, DNS failure, timeout)."""


class NodeRefusedError(MsezError):
    """The node answered with an error status; carries the error envelope it sent."""

    def __init__(self, status: int, body: Any) -> None:
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        self.status = status
        self.code = str(error.get("code") or "HTTP_ERROR")
        self.body = body
        message = str(error.get("message") or (body if isinstance(body, str) else "no error message"))
        super().__init__(f"node answered {status} {self.code}: {message}")


@dataclass(frozen=True)
class NodeClient:
    """Calls one node with one bearer token."""

    url: str
    token: str

    def call(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        """Send a request and return the decoded JSON (or text) response.

        Raises:
            NodeUnreachableError: no HTTP answer.
            NodeRefusedError: an answer with status 400 or above.
        """
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        target = self.url.rstrip("/") + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(target, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return _decode(response.read(), response.headers.get_content_type())
        except urllib.error.HTTPError as e:
            raise NodeRefusedError(e.code, _decode(e.read(), e.headers.get_content_type())) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise NodeUnreachableError(f"cannot reach the node at {self.url}: {reason}") from None


def _decode(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8", errors="replace")
    if content_type == "application/json":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text
