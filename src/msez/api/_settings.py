"""Node settings: one frozen object built once per process, from arguments or from ``MSEZ_*`` variables.

=========================  ==========================================================================
``MSEZ_DATABASE_URL``      ``sqlite:///<data dir>/msez.db`` (default) or ``postgresql+psycopg://...``
``MSEZ_DATA_DIR``          where the database, zone key and admin token live (default ``./var``)
``MSEZ_ZONE``              the zone manifest (default ``jurisdictions/pk-rsez/zone.yaml``)
``MSEZ_ZONE_KEY_FILE``     the zone's Ed25519 signing key, an OKP JWK (default ``<data dir>/zone-key.jwk``)
``MSEZ_ADMIN_TOKEN``       the zone-admin secret (default: ``<data dir>/admin-token``)
``MSEZ_API_TOKENS``        further tokens ``<role>:<entity uuid or empty>:<secret>``, comma-separated
``MSEZ_REDIS_URL``         share rate-limit counters through Redis (default: in memory, per process)
``MSEZ_RATE_LIMIT``        requests per window per token, ``<count>/<seconds>`` (default ``1000/60``)
``MSEZ_ACCESS_LOG``        ``0`` turns the per-request JSON log line off (default on)
``MSEZ_PUBLIC_URL``        the node's public base URL, in status list credential URLs (default
                           ``http://localhost:8080``)
=========================  ==========================================================================

The module library (``modules/``, where corridor modules are found) is the nearest folder above the zone manifest
that has a ``modules/`` directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from msez.core import NotFoundError, ValidationError
from msez.crypto import SigningKey
from msez.zone import Library

DEFAULT_ZONE: Final = Path("jurisdictions/pk-rsez/zone.yaml")
DEFAULT_DATA_DIR: Final = Path("var")
DEFAULT_PUBLIC_URL: Final = "http://localhost:8080"
MAX_BODY_BYTES: Final = 2 * 1024 * 1024


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``window_s`` seconds per token (fixed window)."""

    requests: int = 1000
    window_s: int = 60

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Parse ``<count>/<seconds>``. Raises: ValidationError."""
        count, _, seconds = text.partition("/")
        try:
            limit = cls(int(count), int(seconds))
        except ValueError:
            raise ValidationError(f"rate limit must be <count>/<seconds>, got {text!r}") from None
        if limit.requests < 1 or limit.window_s < 1:
            raise ValidationError(f"rate limit count and window must be positive, got {text!r}")
        return limit


@dataclass(frozen=True)
class Settings:
    """Everything a node process needs; ``create_app(settings)`` reads nothing else."""

    database_url: str
    zone_id: str
    jurisdiction_id: str
    zone_key: SigningKey = field(repr=False)
    admin_token: str | None = field(default=None, repr=False)
    api_tokens: tuple[str, ...] = field(default=(), repr=False)
    zone_name: str = ""
    redis_url: str | None = None
    rate_limit: RateLimit = RateLimit()
    max_body_bytes: int = MAX_BODY_BYTES
    access_log: bool = True
    data_dir: Path = DEFAULT_DATA_DIR
    zone_path: Path = DEFAULT_ZONE
    public_url: str = DEFAULT_PUBLIC_URL
    library_root: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``MSEZ_*`` variables, reading the zone manifest, zone key and admin-token files.

        Raises:
            ValidationError: a variable is malformed, or the zone manifest or key file is missing or invalid.
        """
        from msez.api._bootstrap import read_admin_token, read_zone_key, read_zone_manifest

        env = os.environ if environ is None else environ
        data_dir = Path(env.get("MSEZ_DATA_DIR") or DEFAULT_DATA_DIR)
        zone_path = Path(env.get("MSEZ_ZONE") or DEFAULT_ZONE)
        zone = read_zone_manifest(zone_path)
        tokens = tuple(t.strip() for t in env.get("MSEZ_API_TOKENS", "").split(",") if t.strip())
        return cls(
            database_url=env.get("MSEZ_DATABASE_URL") or default_database_url(data_dir),
            zone_id=zone.zone_id,
            jurisdiction_id=zone.jurisdiction_id,
            zone_name=zone.zone_name,
            zone_key=read_zone_key(Path(env.get("MSEZ_ZONE_KEY_FILE") or data_dir / "zone-key.jwk")),
            admin_token=env.get("MSEZ_ADMIN_TOKEN") or read_admin_token(data_dir),
            api_tokens=tokens,
            redis_url=env.get("MSEZ_REDIS_URL") or None,
            rate_limit=RateLimit.parse(env["MSEZ_RATE_LIMIT"]) if env.get("MSEZ_RATE_LIMIT") else RateLimit(),
            access_log=env.get("MSEZ_ACCESS_LOG", "1") not in ("0", "false", "no"),
            data_dir=data_dir,
            zone_path=zone_path,
            public_url=env.get("MSEZ_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
            library_root=_library_root(zone.path),
        )


def _library_root(zone_manifest: Path) -> Path | None:
    try:
        return Library.discover(zone_manifest.parent).root
    except NotFoundError:
        return None


def default_database_url(data_dir: Path) -> str:
    """``sqlite:///<data dir>/msez.db`` (relative data dirs stay relative to the working directory)."""
    return f"sqlite:///{data_dir / 'msez.db'}"
