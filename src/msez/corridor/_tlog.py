"""Checkpoints as C2SP ``tlog-checkpoint`` signed notes, so witnesses outside the corridor can cosign them.

A note body is three lines, ``<origin>``, ``<tree size>`` and ``<base64 root hash>`` (the MMR size and root of a
checkpoint), plus optional extension lines. A signature line is ``— <key name> <base64(key id || signature)>``
after one blank line (C2SP signed-note). Two signature types are supported:

* Ed25519 (type ``0x01``): the signature covers the body; key id = ``SHA-256(name || 0x0A || 0x01 || key)[:4]``.
* ``cosignature/v1`` (type ``0x04``, C2SP tlog-cosignature): a witness signs ``cosignature/v1\\ntime <t>\\n`` plus
  the body and writes the 8-byte big-endian timestamp between key id and signature.

Written here because no maintained Python package implements signed notes. The note text is signed as is (not
canonical JSON), so this module signs with the ``cryptography`` Ed25519 key directly from the key's seed. The
root is our MMR root (spec 40.10), not an RFC 6962 tree hash: a witness can cosign and check signatures and sizes,
but its RFC 6962 consistency checks do not apply (our consistency proofs are in :mod:`msez.corridor._checkpoint`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from msez.core import CryptoError, Timestamp, ValidationError, VerificationError
from msez.corridor._checkpoint import VerifiedCheckpoint
from msez.crypto import SigningKey, VerifyingKey

ED25519: Final = 0x01
COSIGNATURE_V1: Final = 0x04
_DASH: Final = "\u2014 "
_NAME = re.compile(r"[^\s+]+\Z")
_SIG_LINE = re.compile(r"\u2014 ([^\s+]+) ([A-Za-z0-9+/=]+)\Z")
_SIZE = re.compile(r"(0|[1-9][0-9]*)\Z")


@dataclass(frozen=True, slots=True)
class NoteKey:
    """A named verifier key of one signature type (Ed25519 for the log, cosignature/v1 for witnesses)."""

    name: str
    key: VerifyingKey
    kind: int = ED25519

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValidationError(f"note key name {self.name!r} must be non-empty, without spaces or '+'")
        if self.kind not in (ED25519, COSIGNATURE_V1):
            raise ValidationError(f"unsupported note signature type 0x{self.kind:02x}")

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.name.encode() + b"\n" + bytes([self.kind]) + self.key.raw).digest()[:4]

    def vkey(self) -> str:
        """The verifier key string ``<name>+<hex key id>+<base64(type || key)>``."""
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(bytes([self.kind]) + self.key.raw).decode()}"

    @classmethod
    def parse(cls, vkey: str) -> NoteKey:
        """Read a verifier key string.

        Raises:
            ValidationError: malformed, or its key id does not match.
        """
        name, _, rest = vkey.partition("+")
        key_id, _, encoded = rest.partition("+")
        try:
            raw = base64.b64decode(encoded, validate=True)
            parsed = cls(name, VerifyingKey(raw[1:]), raw[0])
        except (binascii.Error, IndexError, ValueError) as e:
            raise ValidationError(f"malformed note verifier key {vkey[:60]!r}") from e
        except CryptoError as e:
            raise ValidationError(f"note verifier key {name}: {e.message}") from e
        if parsed.key_id.hex() != key_id:
            raise ValidationError(f"note verifier key {name}: key id {key_id} does not match the key")
        return parsed


@dataclass(frozen=True, slots=True)
class TlogCheckpoint:
    """The body of a ``tlog-checkpoint`` note."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_checkpoint(cls, checkpoint: VerifiedCheckpoint, *, origin: str) -> TlogCheckpoint:
        """The note body of a verified checkpoint: its MMR size and root under ``origin``."""
        if not origin or any(c.isspace() for c in origin) or "+" in origin:
            raise ValidationError(f"origin {origin!r} must be non-empty, without spaces or '+'")
        return cls(origin, checkpoint.size, bytes.fromhex(checkpoint.root))


def sign_note(body: str, name: str, key: SigningKey, *, cosign_at: Timestamp | None = None) -> str:
    """``body`` with one signature line: Ed25519, or a ``cosignature/v1`` when ``cosign_at`` is given.

    Raises:
        ValidationError: the body is not newline-terminated, non-empty lines of UTF-8 text.
    """
    return body + "\n" + signature_line(body, name, key, cosign_at=cosign_at) + "\n"


def signature_line(body: str, name: str, key: SigningKey, *, cosign_at: Timestamp | None = None) -> str:
    """One signature line over ``body`` (see :func:`sign_note`)."""
    _check_body(body)
    private = Ed25519PrivateKey.from_private_bytes(key.seed())
    if cosign_at is None:
        note_key = NoteKey(name, key.verifying_key, ED25519)
        blob = note_key.key_id + private.sign(body.encode())
    else:
        note_key = NoteKey(name, key.verifying_key, COSIGNATURE_V1)
        seconds = cosign_at.unix()
        blob = note_key.key_id + struct.pack(">Q", seconds) + private.sign(_cosigned(body, seconds))
    return f"{_DASH}{name} {base64.b64encode(blob).decode()}"


def add_signature(note: str, name: str, key: SigningKey, *, cosign_at: Timestamp | None = None) -> str:
    """``note`` with one more signature line (a witness cosigning it)."""
    body, _ = split_note(note)
    return note + signature_line(body, name, key, cosign_at=cosign_at) + "\n"


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The body and the ``(key name, decoded signature)`` pairs of a note.

    Raises:
        ValidationError: not a signed note.
    """
    body, sep, signatures = note.partition("\n\n")
    if not sep or not note.endswith("\n"):
        raise ValidationError("a signed note is a body, a blank line and newline-terminated signature lines")
    body += "\n"
    _check_body(body)
    lines = []
    for line in signatures[:-1].split("\n"):
        match = _SIG_LINE.match(line)
        if match is None:
            raise ValidationError(f"malformed note signature line {line[:60]!r}")
        try:
            lines.append((match.group(1), base64.b64decode(match.group(2), validate=True)))
        except binascii.Error as e:
            raise ValidationError(f"note signature of {match.group(1)} is not base64") from e
    if not lines:
        raise ValidationError("the note carries no signature")
    return body, lines


def verify_note(note: str, keys: Mapping[str, NoteKey]) -> tuple[str, tuple[str, ...]]:
    """Check every signature by a known key; lines by unknown keys are ignored, as C2SP says.

    Returns:
        The body and the names of the keys whose signatures verified.

    Raises:
        VerificationError: a known key's signature fails, or none of the known keys signed.
    """
    body, lines = split_note(note)
    verified = []
    for name, blob in lines:
        key = keys.get(name)
        if key is None or blob[:4] != key.key_id:
            continue
        if not _valid(body, key, blob[4:]):
            raise VerificationError(f"note signature by {name} does not verify")
        verified.append(name)
    if not verified:
        raise VerificationError(f"the note is not signed by any of: {', '.join(sorted(keys)) or 'no keys given'}")
    return body, tuple(verified)


def parse_checkpoint_body(body: str) -> TlogCheckpoint:
    """Read a ``tlog-checkpoint`` body.

    Raises:
        ValidationError: fewer than three lines, a malformed size or a root that is not 32 bytes of base64.
    """
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not _SIZE.match(lines[1]):
        raise ValidationError("a tlog checkpoint body is origin, decimal tree size and base64 root hash")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error as e:
        raise ValidationError("the checkpoint root hash is not base64") from e
    if len(root) != 32:
        raise ValidationError(f"the checkpoint root hash must be 32 bytes, got {len(root)}")
    return TlogCheckpoint(lines[0], int(lines[1]), root, tuple(lines[3:]))


def verify_checkpoint_note(
    note: str, keys: Mapping[str, NoteKey], *, checkpoint: VerifiedCheckpoint | None = None
) -> tuple[TlogCheckpoint, tuple[str, ...]]:
    """Verify a checkpoint note and, given the JSON checkpoint, that both state the same size and root.

    Raises:
        VerificationError: a signature fails or the note disagrees with ``checkpoint``. ValidationError: malformed.
    """
    body, names = verify_note(note, keys)
    parsed = parse_checkpoint_body(body)
    if checkpoint is not None and (parsed.size != checkpoint.size or parsed.root_hash.hex() != checkpoint.root):
        raise VerificationError(f"the note (size {parsed.size}) is not the checkpoint (size {checkpoint.size})")
    return parsed, names


def _valid(body: str, key: NoteKey, rest: bytes) -> bool:
    public = Ed25519PublicKey.from_public_bytes(key.key.raw)
    if key.kind == COSIGNATURE_V1:
        if len(rest) != 72:
            return False
        message, signature = _cosigned(body, struct.unpack(">Q", rest[:8])[0]), rest[8:]
    else:
        message, signature = body.encode(), rest
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _cosigned(body: str, seconds: int) -> bytes:
    return f"cosignature/v1\ntime {seconds}\n{body}".encode()


def _check_body(body: str) -> None:
    if not body.endswith("\n") or "\n\n" in body or body.startswith("\n") or "\r" in body:
        raise ValidationError("a note body must be non-empty newline-terminated lines without blank lines")
