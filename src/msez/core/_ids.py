"""Identifiers: DIDs, Pakistan NTN and CNIC, passport numbers, jurisdictions and typed UUIDs (ref-impl A 1.4).

Each is a ``str`` subclass validated on construction, so it serialises as the plain string and an existing
instance is always well-formed. Distinct classes keep mypy from accepting one kind of id for another.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, ClassVar, Self

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from msez.core._errors import ValidationError


class _ValidatedStr(str):
    """Base for validated string identifiers."""

    __slots__ = ()
    kind: ClassVar[str] = "identifier"

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str):
            raise ValidationError(f"{cls.kind} must be a string, got {type(value).__name__}")
        return super().__new__(cls, cls._normalise(value))

    @classmethod
    def _normalise(cls, value: str) -> str:
        return value

    @classmethod
    def _invalid(cls, value: str, why: str) -> ValidationError:
        return ValidationError(f"invalid {cls.kind} {value!r}: {why}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> _ValidatedStr:
            if isinstance(value, cls):
                return value
            try:
                return cls(value)
            except ValidationError as e:
                raise ValueError(e.message) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )


_DID = re.compile(r"did:([a-z0-9]+):(.+)\Z", re.DOTALL)


class Did(_ValidatedStr):
    """A DID: ``did:<method>:<method-specific-id>`` with a lowercase alphanumeric method."""

    kind = "DID"

    @classmethod
    def _normalise(cls, value: str) -> str:
        if not _DID.match(value):
            raise cls._invalid(value, "expected did:<method>:<id> with a lowercase alphanumeric method")
        return value

    @property
    def method(self) -> str:
        return self.split(":", 2)[1]

    @property
    def method_specific_id(self) -> str:
        return self.split(":", 2)[2]

    @property
    def base(self) -> Did:
        """The DID without a ``#fragment``."""
        return Did(self.split("#", 1)[0]) if "#" in self else self


class Ntn(_ValidatedStr):
    """Pakistan FBR National Tax Number: exactly 7 digits, leading zeros kept."""

    kind = "NTN"

    @classmethod
    def _normalise(cls, value: str) -> str:
        if not re.fullmatch(r"[0-9]{7}", value):
            raise cls._invalid(value, "expected exactly 7 digits")
        return value


class Cnic(_ValidatedStr):
    """NADRA Computerised National Identity Card number: 13 digits, stored without dashes."""

    kind = "CNIC"

    @classmethod
    def _normalise(cls, value: str) -> str:
        if "-" in value and not re.fullmatch(r"[0-9]{5}-[0-9]{7}-[0-9]", value):
            raise cls._invalid(value, "dashes must split the digits 5-7-1")
        digits = value.replace("-", "")
        if not re.fullmatch(r"[0-9]{13}", digits):
            raise cls._invalid(value, "expected 13 digits")
        return digits

    def formatted(self) -> str:
        """``XXXXX-XXXXXXX-X``."""
        return f"{self[:5]}-{self[5:12]}-{self[12]}"


class PassportNumber(_ValidatedStr):
    """A passport number: trimmed, upper-cased, 5-20 ASCII letters and digits."""

    kind = "passport number"

    @classmethod
    def _normalise(cls, value: str) -> str:
        cleaned = value.strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{5,20}", cleaned):
            raise cls._invalid(value, "expected 5 to 20 ASCII letters and digits")
        return cleaned


class JurisdictionId(_ValidatedStr):
    """A jurisdiction identifier such as ``pk-rsez``: any non-blank string."""

    kind = "jurisdiction id"

    @classmethod
    def _normalise(cls, value: str) -> str:
        if not value.strip():
            raise cls._invalid(value, "must not be empty")
        return value


class _Uuid(_ValidatedStr):
    """A UUID in canonical lowercase hyphenated form."""

    @classmethod
    def _normalise(cls, value: str) -> str:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise cls._invalid(value, "expected a UUID") from None

    @classmethod
    def new(cls) -> Self:
        """A fresh random (version 4) id."""
        return cls(str(uuid.uuid4()))


class EntityId(_Uuid):
    kind = "entity id"


class CorridorId(_Uuid):
    kind = "corridor id"


class MigrationId(_Uuid):
    kind = "migration id"


class WatcherId(_Uuid):
    kind = "watcher id"


class AssetId(_Uuid):
    kind = "asset id"


class DisputeId(_Uuid):
    kind = "dispute id"
