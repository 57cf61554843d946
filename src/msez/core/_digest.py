"""SHA-256 content digests, typed artifact references and the tagged multi-part hasher (spec X.2, X.3)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, Final, final

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, field_validator
from pydantic_core import core_schema

from msez.core._canonical import CanonicalBytes, canonical_bytes
from msez.core._errors import ValidationError

_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
ARTIFACT_TYPE_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{0,63}$"
_ARTIFACT_TYPE = re.compile(ARTIFACT_TYPE_PATTERN[:-1] + r"\Z")
_PREFIX: Final = "sha256:"


@final
class ContentDigest:
    """A SHA-256 digest. ``str()`` gives the display form ``sha256:<hex>``; ``.hex`` the bare 64 hex."""

    __slots__ = ("_hex",)
    _hex: str

    def __init__(self, hex_digest: str) -> None:
        if not _HEX64.match(hex_digest):
            raise ValidationError(f"digest must be 64 lowercase hex chars, got {hex_digest[:80]!r}")
        object.__setattr__(self, "_hex", hex_digest)

    @classmethod
    def parse(cls, text: str) -> ContentDigest:
        """Parse bare hex (any case, surrounding space ignored) or the ``sha256:<hex>`` display form.

        Raises:
            ValidationError: not a SHA-256 digest.
        """
        if not isinstance(text, str):
            raise ValidationError(f"digest must be a string, got {type(text).__name__}")
        cleaned = text.strip().lower()
        if cleaned.startswith(_PREFIX):
            cleaned = cleaned[len(_PREFIX) :]
        return cls(cleaned)

    @classmethod
    def from_bytes(cls, raw: bytes) -> ContentDigest:
        """Wrap a raw 32-byte digest."""
        if len(raw) != 32:
            raise ValidationError(f"raw SHA-256 digest must be 32 bytes, got {len(raw)}")
        return cls(raw.hex())

    @property
    def hex(self) -> str:
        """The bare 64-char lowercase hex form used in every schema-typed field."""
        return self._hex

    @property
    def raw(self) -> bytes:
        """The 32 digest bytes."""
        return bytes.fromhex(self._hex)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("ContentDigest is immutable")

    def __str__(self) -> str:
        return _PREFIX + self._hex

    def __repr__(self) -> str:
        return f"ContentDigest('{self._hex}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ContentDigest) and other._hex == self._hex

    def __lt__(self, other: ContentDigest) -> bool:
        return self._hex < other._hex

    def __hash__(self) -> int:
        return hash(self._hex)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_digest,
            json_schema_input_schema=core_schema.str_schema(pattern=r"^(sha256:)?[0-9a-fA-F]{64}$"),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.hex),
        )


def _validate_digest(value: Any) -> ContentDigest:
    if isinstance(value, ContentDigest):
        return value
    try:
        return ContentDigest.parse(value)
    except ValidationError as e:
        raise ValueError(e.message) from None


def is_sha256_hex(text: object) -> bool:
    """True if ``text`` is exactly 64 lowercase hex characters."""
    return isinstance(text, str) and _HEX64.match(text) is not None


def sha256_digest(data: CanonicalBytes) -> ContentDigest:
    """SHA-256 of canonical bytes."""
    return ContentDigest(hashlib.sha256(data.data).hexdigest())


def sha256_bytes(data: bytes) -> ContentDigest:
    """SHA-256 of raw bytes (blobs, files pinned by their exact bytes)."""
    return ContentDigest(hashlib.sha256(data).hexdigest())


def digest_of(value: Any) -> ContentDigest:
    """SHA-256 of the canonical bytes of ``value``."""
    return sha256_digest(canonical_bytes(value))


def payload_bytes(document: Mapping[str, Any]) -> CanonicalBytes:
    """Canonical bytes of ``document`` without its top-level ``proof``: the signing input of every proof."""
    return canonical_bytes({k: v for k, v in document.items() if k != "proof"})


def payload_digest(document: Mapping[str, Any]) -> ContentDigest:
    """SHA-256 of :func:`payload_bytes` (VCs, checkpoints, rule-eval evidence)."""
    return sha256_digest(payload_bytes(document))


class ArtifactRef(BaseModel):
    """A typed digest reference. Only ``artifact_type`` and ``digest_sha256`` are authoritative."""

    model_config = ConfigDict(frozen=True, extra="allow")

    artifact_type: str = Field(pattern=ARTIFACT_TYPE_PATTERN)
    digest_sha256: ContentDigest
    uri: str | None = None
    media_type: str | None = None
    byte_length: int | None = Field(default=None, ge=0, strict=True)
    display_name: str | None = None
    notes: str | None = None

    @field_validator("artifact_type", mode="before")
    @classmethod
    def _normalise_type(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @classmethod
    def coerce(cls, value: Any, *, expected_type: str | None = None, default_type: str = "blob") -> ArtifactRef:
        """Accept a bare hex digest, a ``sha256:`` digest, a mapping or an ArtifactRef.

        A bare digest gets ``expected_type`` (or ``default_type``).

        Raises:
            ValidationError: malformed, or ``artifact_type`` differs from ``expected_type``.
        """
        if isinstance(value, ArtifactRef):
            ref = value
        elif isinstance(value, str):
            ref = cls(artifact_type=expected_type or default_type, digest_sha256=ContentDigest.parse(value))
        elif isinstance(value, Mapping):
            ref = _validate_ref_mapping(value)
        else:
            raise ValidationError(f"expected a digest or an ArtifactRef, got {type(value).__name__}")
        if expected_type is not None and ref.artifact_type != expected_type:
            raise ValidationError(f"artifact_type must be {expected_type!r}, got {ref.artifact_type!r}")
        return ref

    @property
    def digest(self) -> ContentDigest:
        return self.digest_sha256

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form: bare-hex digest, empty hints omitted, unknown fields kept as they were."""
        out = self.model_dump(mode="json", exclude_none=True)
        out.update(self.model_dump(mode="json", include=set(self.model_extra or ())))
        return out


def _validate_ref_mapping(value: Mapping[str, Any]) -> ArtifactRef:
    from pydantic import ValidationError as PydanticValidationError

    try:
        return ArtifactRef.model_validate(dict(value))
    except PydanticValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValidationError(f"invalid ArtifactRef: {where}: {first['msg']}") from None


def coerce_digest(value: Any, *, expected_type: str | None = None) -> ContentDigest:
    """The committed digest of a bare digest or an ArtifactRef (checking its type when one is expected)."""
    return ArtifactRef.coerce(value, expected_type=expected_type).digest_sha256


class TaggedHasher:
    """SHA-256 over ``tag || NUL`` followed by framed parts: the pack digests' multi-part hash.

    Use :meth:`member` for ``name || NUL || bytes || NUL``, :meth:`part` for ``bytes || NUL`` and
    :meth:`raw` for bytes with no framing.
    """

    __slots__ = ("_hash",)

    def __init__(self, tag: str) -> None:
        self._hash = hashlib.sha256(tag.encode("utf-8") + b"\0")

    def raw(self, data: CanonicalBytes | bytes) -> None:
        self._hash.update(data.data if isinstance(data, CanonicalBytes) else data)

    def part(self, data: CanonicalBytes | bytes) -> None:
        self.raw(data)
        self._hash.update(b"\0")

    def member(self, name: str, data: CanonicalBytes | bytes) -> None:
        self._hash.update(name.encode("utf-8") + b"\0")
        self.part(data)

    def digest(self) -> ContentDigest:
        return ContentDigest(self._hash.hexdigest())
