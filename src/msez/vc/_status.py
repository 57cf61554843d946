"""Revocation and suspension with the W3C Bitstring Status List v1.0.

A status list credential (``BitstringStatusListCredential``, data model 2.0) carries ``encodedList``: multibase
base64url (prefix ``u``, no padding) of the GZIP-compressed bitstring, at least 131,072 bits (16 KiB) so that
one index says little about the holder. Index 0 is the left-most (most significant) bit of the first byte. A
credential points at one bit with a ``BitstringStatusListEntry`` in ``credentialStatus``; a set bit means
revoked or suspended, depending on ``statusPurpose``. GZIP is written with mtime 0 so a list's bytes, and so its
signature input, depend only on its bits.

Changing a bit changes the list credential's payload, so :func:`set_status` drops its proofs: re-sign it.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol

from msez.core import Timestamp, ValidationError
from msez.vc._model import Credential, new_credential

StatusPurpose = Literal["revocation", "suspension"]
STATUS_PURPOSES: Final[tuple[StatusPurpose, ...]] = ("revocation", "suspension")
MIN_STATUS_LIST_BITS: Final = 131_072
MAX_STATUS_LIST_BYTES: Final = 16 * 1024 * 1024
STATUS_LIST_CREDENTIAL: Final = "BitstringStatusListCredential"
STATUS_LIST: Final = "BitstringStatusList"
STATUS_LIST_ENTRY: Final = "BitstringStatusListEntry"


@dataclass(frozen=True, slots=True)
class StatusList:
    """A bitstring of statuses; ``bits`` holds ``len(bits) * 8`` entries."""

    bits: bytes

    @classmethod
    def new(cls, size: int = MIN_STATUS_LIST_BITS) -> StatusList:
        """An all-clear list of ``size`` entries (a multiple of 8, at least 131,072).

        Raises:
            ValidationError: ``size`` is too small or not a multiple of 8.
        """
        if size < MIN_STATUS_LIST_BITS or size % 8:
            raise ValidationError(f"a status list needs a multiple of 8 and >= {MIN_STATUS_LIST_BITS} bits, got {size}")
        return cls(bytes(size // 8))

    @classmethod
    def decode(cls, encoded: str) -> StatusList:
        """Parse an ``encodedList`` (``u`` + base64url of GZIP; the bare base64 of StatusList2021 is accepted).

        Raises:
            ValidationError: bad encoding, not GZIP, larger than 16 MiB, or shorter than 131,072 bits.
        """
        text = encoded[1:] if encoded.startswith("uH4sI") else encoded  # "H4sI" is GZIP's magic in base64
        try:
            compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            bits = _gunzip(compressed)
        except (binascii.Error, ValueError, OSError, EOFError, zlib.error) as e:
            raise ValidationError(f"encodedList is not base64url GZIP: {e}") from None
        if len(bits) * 8 < MIN_STATUS_LIST_BITS:
            raise ValidationError(f"status list has {len(bits) * 8} bits; the minimum is {MIN_STATUS_LIST_BITS}")
        return cls(bits)

    def encode(self) -> str:
        """The ``encodedList`` form: ``u`` + unpadded base64url of the GZIP (mtime 0) of the bits."""
        compressed = gzip.compress(self.bits, compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @property
    def size(self) -> int:
        return len(self.bits) * 8

    def get(self, index: int) -> bool:
        """Whether entry ``index`` is set.

        Raises:
            ValidationError: ``index`` is outside the list.
        """
        self._check(index)
        return bool(self.bits[index // 8] & (0x80 >> (index % 8)))

    def with_status(self, index: int, value: bool) -> StatusList:
        """A copy with entry ``index`` set (``True``) or cleared."""
        self._check(index)
        data = bytearray(self.bits)
        mask = 0x80 >> (index % 8)
        data[index // 8] = (data[index // 8] | mask) if value else (data[index // 8] & ~mask)
        return StatusList(bytes(data))

    def _check(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise ValidationError(f"status index {index} is outside the list (0..{self.size - 1})")


def status_list_credential(
    *,
    list_id: str,
    issuer: str,
    purpose: StatusPurpose = "revocation",
    size: int = MIN_STATUS_LIST_BITS,
    valid_from: Timestamp | None = None,
    valid_until: Timestamp | None = None,
) -> Credential:
    """A new, unsigned ``BitstringStatusListCredential`` with every entry clear.

    Raises:
        ValidationError: bad size or purpose.
    """
    if purpose not in STATUS_PURPOSES:
        raise ValidationError(f"statusPurpose must be one of {', '.join(STATUS_PURPOSES)}, got {purpose!r}")
    subject = {
        "id": f"{list_id}#list",
        "type": STATUS_LIST,
        "statusPurpose": purpose,
        "encodedList": StatusList.new(size).encode(),
    }
    return new_credential(
        types=[STATUS_LIST_CREDENTIAL],
        issuer=issuer,
        subject=subject,
        issued_at=valid_from,
        expires_at=valid_until,
        credential_id=list_id,
        data_model="2.0",
        contexts=(),
    )


def status_list_of(credential: Credential | Mapping[str, Any]) -> tuple[StatusPurpose, StatusList]:
    """The purpose and bitstring of a status list credential.

    Raises:
        ValidationError: not a ``BitstringStatusListCredential`` with a valid list.
    """
    document = credential.to_json() if isinstance(credential, Credential) else credential
    types = document.get("type")
    if STATUS_LIST_CREDENTIAL not in (types if isinstance(types, list) else [types]):
        raise ValidationError(f"not a {STATUS_LIST_CREDENTIAL}")
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != STATUS_LIST:
        raise ValidationError(f"credentialSubject must be a {STATUS_LIST}")
    purpose = subject.get("statusPurpose")
    if purpose not in STATUS_PURPOSES:
        raise ValidationError(f"unsupported statusPurpose {purpose!r}; expected one of {', '.join(STATUS_PURPOSES)}")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise ValidationError("credentialSubject.encodedList must be a string")
    return purpose, StatusList.decode(encoded)


def set_status(credential: Credential, index: int, value: bool) -> Credential:
    """A copy of the status list credential with entry ``index`` set or cleared and its proofs dropped.

    Raises:
        ValidationError: not a status list credential, or ``index`` outside the list.
    """
    _, bits = status_list_of(credential)
    document = credential.to_json()
    document.pop("proof", None)
    subject = dict(document["credentialSubject"])
    subject["encodedList"] = bits.with_status(index, value).encode()
    document["credentialSubject"] = subject
    return Credential.from_json(document)


def status_entry(list_id: str, index: int, *, purpose: StatusPurpose = "revocation") -> dict[str, str]:
    """A ``credentialStatus`` entry pointing at bit ``index`` of the status list credential ``list_id``."""
    if index < 0:
        raise ValidationError(f"status index must be >= 0, got {index}")
    if purpose not in STATUS_PURPOSES:
        raise ValidationError(f"statusPurpose must be one of {', '.join(STATUS_PURPOSES)}, got {purpose!r}")
    return {
        "id": f"{list_id}#{index}",
        "type": STATUS_LIST_ENTRY,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_id,
    }


class StatusListSource(Protocol):
    """Where a verifier finds status list credentials, by their URL (``statusListCredential``)."""

    def get(self, list_id: str) -> Mapping[str, Any] | None:
        """The status list credential with that id, or ``None``."""
        ...


class StatusListRegistry:
    """A local, in-memory :class:`StatusListSource`: status list credentials by ``id``."""

    def __init__(self, credentials: tuple[Credential | Mapping[str, Any], ...] = ()) -> None:
        self._lists: dict[str, Mapping[str, Any]] = {}
        for credential in credentials:
            self.add(credential)

    def add(self, credential: Credential | Mapping[str, Any]) -> str:
        """Register (or replace) a status list credential; returns its id.

        Raises:
            ValidationError: not a status list credential or it has no ``id``.
        """
        document = credential.to_json() if isinstance(credential, Credential) else dict(credential)
        status_list_of(document)
        list_id = document.get("id")
        if not isinstance(list_id, str):
            raise ValidationError("a status list credential needs an `id`")
        self._lists[list_id] = document
        return list_id

    def get(self, list_id: str) -> Mapping[str, Any] | None:
        return self._lists.get(list_id)


def _gunzip(compressed: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)  # 31: GZIP framing
    bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError(f"decompresses to more than {MAX_STATUS_LIST_BYTES} bytes")
    if not inflater.eof:
        raise ValueError("truncated GZIP stream")
    return bits
