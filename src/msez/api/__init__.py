"""msez.api: the zone node's REST API (FastAPI; OpenAPI 3.1 at ``/openapi.json``).

``create_app(settings)`` builds the app; ``Settings.from_env()`` reads ``MSEZ_*`` variables; ``app_from_env``
is the zero-argument factory for uvicorn workers. Write routes run through ``Node.write``, one transaction that
write hooks extend: the installed orchestration evaluates compliance against the zone's pinned packs, refuses
sanctioned parties (403), issues the signed formation/ownership credential and records the attestation. Entity
existence goes through the ``EntityDirectory`` seam (the ``EntityRegistry`` by default).
"""

from msez.api._app import ROUTERS, app_from_env, create_app
from msez.api._auth import Authenticator, AuthError, Caller, Role
from msez.api._bootstrap import ensure_admin_token, ensure_zone_key, read_admin_token, read_zone_key
from msez.api._logging import JsonFormatter, log_config
from msez.api._node import Context, EntityDirectory, EntityRegistry, Node, Tx, WriteHook, WriteOp, Written
from msez.api._settings import (
    DEFAULT_DATA_DIR,
    DEFAULT_ZONE,
    MAX_BODY_BYTES,
    RateLimit,
    Settings,
    default_database_url,
)

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_ZONE",
    "MAX_BODY_BYTES",
    "ROUTERS",
    "AuthError",
    "Authenticator",
    "Caller",
    "Context",
    "EntityDirectory",
    "EntityRegistry",
    "JsonFormatter",
    "Node",
    "RateLimit",
    "Role",
    "Settings",
    "Tx",
    "WriteHook",
    "WriteOp",
    "Written",
    "app_from_env",
    "create_app",
    "default_database_url",
    "ensure_admin_token",
    "ensure_zone_key",
    "log_config",
    "read_admin_token",
    "read_zone_key",
]
