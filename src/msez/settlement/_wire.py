"""The base of the package's wire models: frozen, unknown fields kept, pydantic errors translated."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from msez.core import ValidationError

_M = TypeVar("_M", bound="Wire")


def _translate(model: str, error: PydanticValidationError, source: str | None) -> ValidationError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "$"
    return ValidationError(f"invalid {model}: {where}: {first['msg']}", path=source)


class Wire(BaseModel):
    """Frozen; extra fields kept so documents round-trip; bad input raises msez ``ValidationError``."""

    model_config = ConfigDict(frozen=True, extra="allow")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except PydanticValidationError as e:
            raise _translate(type(self).__name__, e, None) from None

    @classmethod
    def load(cls: type[_M], value: Any, *, source: str | None = None) -> _M:
        """Load a plain JSON value.

        Raises:
            ValidationError: naming the first bad field.
        """
        try:
            return cls.model_validate(value)
        except PydanticValidationError as e:
            raise _translate(cls.__name__, e, source) from None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (bare-hex digests, unset optional fields omitted, unknown fields kept)."""
        return self.model_dump(mode="json", exclude_none=True)
