"""The W3C Verifiable Credential envelope (data model 1.1 and 2.0) as a frozen wire model.

Unknown top-level fields are kept, values are stored exactly as read (dates stay the strings they were) and
the original key order is remembered, so a credential from the reference reads and writes back byte for byte.
Dates are checked to parse; :attr:`Credential.issued_at` and friends give them as :class:`Timestamp`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from msez.core import Timestamp, ValidationError

VC_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
MSEZ_CONTEXT: Final = "https://schemas.momentum-sez.org/contexts/msez/v1"
VC_TYPE: Final = "VerifiableCredential"

DataModel = Literal["1.1", "2.0"]
_BASE_CONTEXTS: Final[dict[str, DataModel]] = {VC_V1_CONTEXT: "1.1", VC_V2_CONTEXT: "2.0"}
JsonObject = dict[str, Any]


class Credential(BaseModel):
    """A Verifiable Credential. Build with :meth:`from_json` or :func:`new_credential`; write with :meth:`to_json`."""

    model_config = ConfigDict(frozen=True, extra="allow", validate_by_alias=True, validate_by_name=False)

    context: str | list[str | JsonObject] = Field(alias="@context")
    id: str | None = None
    type: str | list[str]
    issuer: str | JsonObject
    issuance_date: str | None = Field(default=None, alias="issuanceDate")
    expiration_date: str | None = Field(default=None, alias="expirationDate")
    valid_from: str | None = Field(default=None, alias="validFrom")
    valid_until: str | None = Field(default=None, alias="validUntil")
    credential_subject: JsonObject | list[JsonObject] = Field(alias="credentialSubject")
    credential_status: JsonObject | list[JsonObject] | None = Field(default=None, alias="credentialStatus")
    proof: JsonObject | list[JsonObject] | None = None

    _order: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_key_order(cls, data: Any, handler: Any) -> Any:
        model = handler(data)
        if isinstance(data, Mapping):
            model._order = tuple(data)
        return model

    @field_validator("context")
    @classmethod
    def _base_context_first(cls, value: str | list[str | JsonObject]) -> str | list[str | JsonObject]:
        first = value if isinstance(value, str) else (value[0] if value else None)
        if first not in _BASE_CONTEXTS:
            raise PydanticCustomError(
                "vc_context", "the first @context must be {v1} or {v2}", {"v1": VC_V1_CONTEXT, "v2": VC_V2_CONTEXT}
            )
        return value

    @field_validator("type")
    @classmethod
    def _is_verifiable_credential(cls, value: str | list[str]) -> str | list[str]:
        if VC_TYPE not in ([value] if isinstance(value, str) else value):
            raise PydanticCustomError("vc_type", "type must contain VerifiableCredential")
        return value

    @field_validator("issuer")
    @classmethod
    def _issuer_has_id(cls, value: str | JsonObject) -> str | JsonObject:
        issuer_id = value if isinstance(value, str) else value.get("id")
        if not isinstance(issuer_id, str) or ":" not in issuer_id:
            raise PydanticCustomError("vc_issuer", "issuer must be a URI or an object with an `id` URI")
        return value

    @field_validator("issuance_date", "expiration_date", "valid_from", "valid_until")
    @classmethod
    def _parses_as_timestamp(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                Timestamp.parse(value)
            except ValidationError as e:
                raise PydanticCustomError("vc_date", "{why}", {"why": e.message}) from None
        return value

    @model_validator(mode="after")
    def _v1_has_issuance_date(self) -> Credential:
        if self.data_model == "1.1" and self.issuance_date is None:
            raise PydanticCustomError("vc_issuance", "a data model 1.1 credential needs issuanceDate")
        return self

    @classmethod
    def from_json(cls, value: Any) -> Credential:
        """Validate a parsed JSON credential.

        Raises:
            ValidationError: not a credential; names the first offending field.
        """
        if not isinstance(value, Mapping):
            raise ValidationError(f"a credential must be a JSON object, got {type(value).__name__}")
        try:
            return cls.model_validate(dict(value))
        except PydanticValidationError as e:
            first = e.errors()[0]
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
            raise ValidationError(f"invalid credential: {first['msg']}", path=where) from None

    def to_json(self) -> JsonObject:
        """The credential as plain JSON, keys in the order they were read (new keys last)."""
        dumped: JsonObject = self.model_dump(by_alias=True, exclude_unset=True)
        ordered = {key: dumped[key] for key in self._order if key in dumped}
        ordered.update((key, value) for key, value in dumped.items() if key not in ordered)
        return ordered

    @property
    def data_model(self) -> DataModel:
        first = self.context if isinstance(self.context, str) else self.context[0]
        return _BASE_CONTEXTS[str(first)]

    @property
    def types(self) -> tuple[str, ...]:
        return (self.type,) if isinstance(self.type, str) else tuple(self.type)

    @property
    def issuer_id(self) -> str:
        return self.issuer if isinstance(self.issuer, str) else str(self.issuer["id"])

    @property
    def issued_at(self) -> Timestamp | None:
        """``issuanceDate`` (1.1) or ``validFrom`` (2.0)."""
        text = self.issuance_date or self.valid_from
        return None if text is None else Timestamp.parse(text)

    @property
    def expires_at(self) -> Timestamp | None:
        """``expirationDate`` (1.1) or ``validUntil`` (2.0); ``None`` means it never expires."""
        text = self.expiration_date or self.valid_until
        return None if text is None else Timestamp.parse(text)

    @property
    def subjects(self) -> tuple[JsonObject, ...]:
        subject = self.credential_subject
        return (subject,) if isinstance(subject, dict) else tuple(subject)

    @property
    def status_entries(self) -> tuple[JsonObject, ...]:
        status = self.credential_status
        return () if status is None else ((status,) if isinstance(status, dict) else tuple(status))

    @property
    def proofs(self) -> tuple[JsonObject, ...]:
        proof = self.proof
        return () if proof is None else ((proof,) if isinstance(proof, dict) else tuple(proof))


def new_credential(
    *,
    types: Sequence[str],
    issuer: str,
    subject: Mapping[str, Any],
    issued_at: Timestamp | None = None,
    expires_at: Timestamp | None = None,
    credential_id: str | None = None,
    data_model: DataModel = "1.1",
    contexts: Sequence[str] = (MSEZ_CONTEXT,),
    status: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> Credential:
    """An unsigned credential with the envelope fields in W3C order.

    ``types`` lists the specific types; ``VerifiableCredential`` is put first. Data model 1.1 writes
    ``issuanceDate``/``expirationDate``, 2.0 writes ``validFrom``/``validUntil``. ``issued_at`` defaults to now
    (``SOURCE_DATE_EPOCH`` when set).

    Raises:
        ValidationError: the result is not a valid credential.
    """
    base = VC_V1_CONTEXT if data_model == "1.1" else VC_V2_CONTEXT
    issued, expires = ("issuanceDate", "expirationDate") if data_model == "1.1" else ("validFrom", "validUntil")
    document: JsonObject = {"@context": [base, *(c for c in contexts if c != base)]}
    if credential_id is not None:
        document["id"] = credential_id
    document["type"] = [VC_TYPE, *(t for t in types if t != VC_TYPE)]
    document["issuer"] = issuer
    document[issued] = str(issued_at or Timestamp.now())
    if expires_at is not None:
        document[expires] = str(expires_at)
    document["credentialSubject"] = dict(subject)
    if status is not None:
        document["credentialStatus"] = dict(status) if isinstance(status, Mapping) else [dict(s) for s in status]
    return Credential.from_json(document)
