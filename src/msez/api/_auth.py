"""Bearer-token authentication and role-based authorisation (reference-impl §12.2, spec §71).

Token formats after ``Bearer ``: ``<secret>`` (legacy, the zone admin) or ``<role>:<entity uuid or empty>:<secret>``
(split into at most three parts on ``:``). Unlike the reference, where one shared secret let a caller claim any
role, each ``(role, entity)`` pair has its own configured secret, so a token proves its role. Secrets are
compared with ``hmac.compare_digest``, and an unknown pair is compared against a dummy so timing does not tell
which pairs exist. Roles are ordered ``entity_operator < regulator < zone_admin``.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

from msez.core import MsezError, PolicyError, ValidationError

_DUMMY: Final = b"\x00" * 32


class Role(IntEnum):
    ENTITY_OPERATOR = 1
    REGULATOR = 2
    ZONE_ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        for role in cls:
            if role.label == text:
                return role
        raise AuthError(f"unknown role: {text[:40]}")


class AuthError(MsezError):
    """The request carries no valid credentials (HTTP 401)."""


@dataclass(frozen=True)
class Caller:
    """An authenticated caller; ``key`` names its token for rate limiting without revealing the secret."""

    role: Role
    entity_id: str | None
    key: str

    def require(self, minimum: Role) -> None:
        """Raises: PolicyError: the caller's role is below ``minimum``."""
        if self.role < minimum:
            raise PolicyError(f"role '{minimum.label}' required, caller has '{self.role.label}'")

    def require_entity(self, entity_id: str) -> None:
        """Writes: zone admins act for any entity, operators only for their own; regulators never write.

        Raises:
            PolicyError: the caller may not act for ``entity_id``.
        """
        if self.role is Role.ZONE_ADMIN:
            return
        if self.role is Role.ENTITY_OPERATOR and self.entity_id == entity_id:
            return
        raise PolicyError(self._refusal(entity_id, "act for"))

    def require_read(self, entity_id: str | None) -> None:
        """Reads: admins and regulators read everything, operators their own entity's records.

        Raises:
            PolicyError: the caller may not read records of ``entity_id``.
        """
        if self.role >= Role.REGULATOR or (entity_id is not None and self.entity_id == entity_id):
            return
        raise PolicyError(self._refusal(entity_id, "read records of"))

    def _refusal(self, entity_id: str | None, verb: str) -> str:
        if self.role is Role.ENTITY_OPERATOR:
            return f"entity operator of {self.entity_id} may not {verb} entity {entity_id}"
        return f"role '{self.role.label}' may not {verb} entity {entity_id}"


@dataclass(frozen=True)
class _Credential:
    role: Role
    entity_id: str | None
    secret: bytes


class Authenticator:
    """Checks ``Authorization`` headers against the configured tokens."""

    def __init__(self, *, admin_token: str | None, tokens: Iterable[str] = ()) -> None:
        """Raises: ValidationError: a configured token is malformed."""
        self._table: dict[tuple[Role, str | None], bytes] = {}
        if admin_token:
            self._add(_Credential(Role.ZONE_ADMIN, None, admin_token.encode()))
        for token in tokens:
            try:
                self._add(_parse(token))
            except AuthError as e:
                raise ValidationError(f"configured API token is malformed: {e}") from None

    def authenticate(self, header: str | None) -> Caller:
        """The caller an ``Authorization`` header value proves.

        Raises:
            AuthError: missing header, not Bearer, malformed token, or a secret that does not match.
        """
        if not header:
            raise AuthError("missing authorization header")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("authorization header must use Bearer scheme")
        presented = _parse(token.strip())
        expected = self._table.get((presented.role, presented.entity_id))
        matches = hmac.compare_digest(presented.secret, expected if expected is not None else _DUMMY)
        if expected is None or not matches:
            raise AuthError("invalid bearer token")
        key = hashlib.sha256(token.encode()).hexdigest()[:32]
        return Caller(presented.role, presented.entity_id, key)

    def _add(self, credential: _Credential) -> None:
        self._table[(credential.role, credential.entity_id)] = credential.secret


def _parse(token: str) -> _Credential:
    parts = token.split(":", 2)
    if len(parts) == 1:
        return _Credential(Role.ZONE_ADMIN, None, token.encode())
    if len(parts) != 3:
        raise AuthError("invalid token format: expected <secret> or <role>:<entity_id>:<secret>")
    role_text, entity_text, secret = parts
    role = Role.parse(role_text)
    entity_id = _entity(entity_text) if entity_text else None
    if role is Role.ENTITY_OPERATOR and entity_id is None:
        raise AuthError("an entity_operator token must name its entity")
    if not secret:
        raise AuthError("invalid token format: empty secret")
    return _Credential(role, entity_id, secret.encode())


def _entity(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise AuthError(f"invalid entity id in token: {text[:40]!r}") from None
