"""First-start material of a node: the zone manifest, the zone signing key and the admin token.

Secrets are written once, atomically (temp file in the same directory, then ``os.replace``) with mode 0600, and
never overwritten: a second start reads what the first one wrote.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from pathlib import Path
from typing import Final

from msez.core import CryptoError, ValidationError
from msez.crypto import SigningKey
from msez.zone import Zone, read_zone

ADMIN_TOKEN_FILE: Final = "admin-token"


def read_zone_manifest(path: Path) -> Zone:
    """Load the zone this node serves. Raises: ValidationError, SchemaValidationError."""
    return read_zone(path)


def read_zone_key(path: Path) -> SigningKey:
    """Load the zone's Ed25519 key from a private OKP JWK file.

    Raises:
        ValidationError: the file is missing, unreadable or not an Ed25519 private JWK.
    """
    try:
        return SigningKey.from_jwk(json.loads(path.read_text(encoding="utf-8")))
    except OSError as e:
        raise ValidationError(f"{path}: cannot read the zone key: {e.strerror}") from e
    except (ValueError, CryptoError) as e:
        raise ValidationError(f"{path}: not an Ed25519 private OKP JWK: {e}") from e


def ensure_zone_key(path: Path) -> tuple[SigningKey, bool]:
    """Load the zone key, generating it on first start.

    Returns:
        The key and whether it was generated now.
    """
    if path.exists():
        return read_zone_key(path), False
    key = SigningKey.generate()
    _write_secret(path, json.dumps(key.private_jwk(kid="key-1"), indent=2) + "\n")
    return key, True


def read_admin_token(data_dir: Path) -> str | None:
    """The admin token stored in the data directory, if any."""
    path = data_dir / ADMIN_TOKEN_FILE
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def ensure_admin_token(data_dir: Path) -> tuple[str, bool]:
    """The stored admin token, generating one (32 random bytes, base64url) on first start.

    Returns:
        The token and whether it was generated now.
    """
    existing = read_admin_token(data_dir)
    if existing:
        return existing, False
    token = secrets.token_urlsafe(32)
    _write_secret(data_dir / ADMIN_TOKEN_FILE, token + "\n")
    return token, True


def _write_secret(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
