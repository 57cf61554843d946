"""Corridor state receipts (spec 40.7): the ``next_root`` rule, building, sealing, signing and shape checks.

Written here because the reference fixes its own commitment: ``next_root = SHA256(MCF(receipt minus proof and
next_root))`` with both digest sets treated as sets. We put the sets into that preimage as bare hex,
de-duplicated and sorted (docs/decisions.md, spec open question 4): an entry may be written as hex or as an
ArtifactRef, and only its ``digest_sha256`` is committed, so hints never change a root.

Receipts are plain JSON objects (``dict``); unknown fields are refused by :func:`check_receipt_shape`, as the
closed ``corridor.receipt`` schema does. The shape check is hand-written so the streaming verifier need not run
a JSON Schema validator per receipt; a test keeps it in step with the schema file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from msez.core import ArtifactRef, ContentDigest, Timestamp, ValidationError, canonical_bytes, coerce_digest, digest_of
from msez.corridor._names import RECEIPT_TYPE, RECEIPT_TYPES
from msez.corridor._rejection import ReceiptRejectedError, RejectReason
from msez.vc import Signer, add_proof

_HEX64: Final = re.compile(r"[0-9a-f]{64}\Z")
_NEXT_ROOT_KEY: Final = b',"next_root":"'
_REQUIRED: Final = frozenset(
    {
        "type",
        "corridor_id",
        "sequence",
        "timestamp",
        "prev_root",
        "next_root",
        "lawpack_digest_set",
        "ruleset_digest_set",
    }
)
_ALLOWED: Final = _REQUIRED | {"proof", "transition", "transition_type_registry_digest_sha256", "zk", "anchor"}
_ZK_KEYS: Final = frozenset(
    {"proof_system", "circuit_digest_sha256", "verifier_key_digest_sha256", "public_inputs", "proof_sha256", "proof"}
    | {"proof_uri"}
)
_ANCHOR_KEYS: Final = frozenset({"chain_id", "method", "tx_hash", "block_number", "anchored_root", "anchored_at"})


def normalize_digest_set(entries: Iterable[Any], *, artifact_type: str) -> list[str]:
    """The committed form of a digest set: bare hex digests, de-duplicated, sorted.

    Raises:
        ValidationError: an entry is neither a digest nor an ArtifactRef of ``artifact_type``.
    """
    if is_normal_digest_set(entries):
        return list(entries)
    if isinstance(entries, str | bytes | Mapping):
        raise ValidationError(f"a {artifact_type} digest set must be a list")
    return sorted({_digest_hex(entry, artifact_type) for entry in entries})


def _digest_hex(entry: Any, artifact_type: str) -> str:
    if isinstance(entry, ContentDigest):
        return entry.hex
    if isinstance(entry, str):
        return ContentDigest.parse(entry).hex
    return coerce_digest(entry, expected_type=artifact_type).hex


def is_normal_digest_set(entries: Any) -> bool:
    """True if ``entries`` is already in committed form (bare lowercase hex, strictly increasing)."""
    if type(entries) is not list:
        return False
    previous = ""
    for entry in entries:
        if type(entry) is not str or entry <= previous or not _HEX64.match(entry):
            return False
        previous = entry
    return True


def next_root_preimage(receipt: Mapping[str, Any]) -> dict[str, Any]:
    """The object whose canonical bytes ``next_root`` commits to.

    Raises:
        ValidationError: a digest set is malformed.
    """
    preimage = {k: v for k, v in receipt.items() if k not in ("proof", "next_root")}
    preimage["lawpack_digest_set"] = normalize_digest_set(
        receipt.get("lawpack_digest_set", []), artifact_type="lawpack"
    )
    preimage["ruleset_digest_set"] = normalize_digest_set(
        receipt.get("ruleset_digest_set", []), artifact_type="ruleset"
    )
    return preimage


def compute_next_root(receipt: Mapping[str, Any]) -> ContentDigest:
    """``next_root`` as spec 40.7 defines it (see the module docstring).

    Raises:
        ValidationError: a digest set is malformed. CanonicalizationError: the receipt has no canonical form.
    """
    return digest_of(next_root_preimage(receipt))


def next_root_from_payload(payload: bytes, receipt: Mapping[str, Any], *, sets_normal: bool = False) -> str | None:
    """``next_root`` recomputed from the receipt's signing payload (its canonical bytes without ``proof``).

    The canonical bytes of the preimage are the payload's with the top-level ``,"next_root":"<hex>"`` member cut
    out, provided both digest sets are already in committed form and there is no ``anchor`` (the only member that
    sorts before ``next_root`` and could nest objects). The receipt must have passed :func:`check_receipt_shape`, so
    no other key can sort before it. Inside JSON strings a quote is always escaped, so the first unescaped
    ``,"next_root":"`` is that member. Returns ``None`` when those conditions do not hold.
    """
    next_root = receipt.get("next_root")
    if (
        "anchor" in receipt
        or type(next_root) is not str
        or not (sets_normal or is_normal_digest_set(receipt.get("lawpack_digest_set")))
        or not (sets_normal or is_normal_digest_set(receipt.get("ruleset_digest_set")))
    ):
        return None
    start = payload.find(_NEXT_ROOT_KEY)
    end = start + len(_NEXT_ROOT_KEY) + 64
    if start < 0 or payload[end : end + 1] != b'"' or payload[end - 64 : end] != next_root.encode("ascii", "replace"):
        return None
    return hashlib.sha256(payload[:start] + payload[end + 1 :]).hexdigest()


def new_receipt(
    *,
    corridor_id: str,
    sequence: int,
    prev_root: str | ContentDigest,
    timestamp: Timestamp | str,
    lawpack_digest_set: Iterable[Any],
    ruleset_digest_set: Iterable[Any],
    transition: Mapping[str, Any] | None = None,
    transition_type_registry_digest_sha256: str | ContentDigest | None = None,
    zk: Mapping[str, Any] | None = None,
    anchor: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned receipt with ``next_root`` sealed; the digest sets are written in committed form.

    Raises:
        ValidationError: a malformed field (the result is checked with :func:`check_receipt_shape`).
    """
    receipt: dict[str, Any] = {
        "type": RECEIPT_TYPE,
        "corridor_id": corridor_id,
        "sequence": sequence,
        "timestamp": str(timestamp if isinstance(timestamp, Timestamp) else Timestamp.parse(timestamp)),
        "prev_root": _hex(prev_root),
        "lawpack_digest_set": normalize_digest_set(lawpack_digest_set, artifact_type="lawpack"),
        "ruleset_digest_set": normalize_digest_set(ruleset_digest_set, artifact_type="ruleset"),
    }
    optional = {
        "transition": transition,
        "transition_type_registry_digest_sha256": (
            None if transition_type_registry_digest_sha256 is None else _hex(transition_type_registry_digest_sha256)
        ),
        "zk": zk,
        "anchor": anchor,
    }
    receipt.update((k, dict(v) if isinstance(v, Mapping) else v) for k, v in optional.items() if v is not None)
    receipt["next_root"] = compute_next_root(receipt).hex
    try:
        check_receipt_shape(receipt, signed=False)
    except ReceiptRejectedError as e:
        raise ValidationError(e.detail) from e
    return receipt


def seal_receipt(receipt: Mapping[str, Any]) -> dict[str, Any]:
    """A copy with ``next_root`` recomputed and any proofs dropped (they signed the old payload)."""
    out = {k: v for k, v in receipt.items() if k != "proof"}
    out["next_root"] = compute_next_root(out).hex
    return out


def sign_receipt(receipt: Mapping[str, Any], signer: Signer, *, created: Timestamp | None = None) -> dict[str, Any]:
    """A copy of ``receipt`` with a proof by ``signer`` appended (co-signing keeps earlier proofs).

    Raises:
        ValidationError: ``next_root`` is not sealed (refuses to sign a receipt whose commitment is wrong).
    """
    if receipt.get("next_root") != compute_next_root(receipt).hex:
        raise ValidationError("refusing to sign: next_root does not match the receipt (seal it first)")
    return add_proof(receipt, signer, created=created)


def _hex(value: str | ContentDigest) -> str:
    return value.hex if isinstance(value, ContentDigest) else ContentDigest.parse(value).hex


def check_receipt_shape(receipt: Any, *, signed: bool = True) -> None:
    """Check the closed ``corridor.receipt`` shape (without the per-entry digest-set rules, which
    :func:`normalize_digest_set` applies).

    Raises:
        ReceiptRejectedError: ``malformed-receipt`` naming the field, or ``no-proof`` when ``signed`` and unsigned.
    """
    if not isinstance(receipt, Mapping):
        raise ReceiptRejectedError(RejectReason.MALFORMED, "a receipt must be a JSON object", sequence=None)
    sequence = receipt.get("sequence")
    seq = sequence if type(sequence) is int else None
    problem = _shape_problem(receipt)
    if problem is not None:
        raise ReceiptRejectedError(RejectReason.MALFORMED, problem, sequence=seq)
    if signed and not receipt.get("proof"):
        raise ReceiptRejectedError(RejectReason.NO_PROOF, "the receipt carries no proof", sequence=seq)


def _shape_problem(receipt: Mapping[str, Any]) -> str | None:
    keys = receipt.keys()
    if not keys >= _REQUIRED:
        return f"missing {', '.join(sorted(_REQUIRED - keys))}"
    if not keys <= _ALLOWED:
        return f"unknown field(s) {', '.join(sorted(keys - _ALLOWED))}"
    for name, ok, message in _FIELD_CHECKS:
        if name in receipt and not ok(receipt[name]):
            return f"{message}, got {receipt[name]!r:.80}"
    return None


def _is_hex(value: Any) -> bool:
    return type(value) is str and _HEX64.match(value) is not None


def _is_timestamp(value: Any) -> bool:
    if type(value) is not str:
        return False
    try:
        if len(value) == 20 and value[10] == "T" and value[19] == "Z":
            datetime.fromisoformat(value)  # the canonical form, checked quickly
            return True
        Timestamp.parse(value)
    except (ValueError, ValidationError):
        return False
    return True


def _proof_shape(proof: Any) -> bool:
    if isinstance(proof, Mapping):
        return True
    return isinstance(proof, list) and bool(proof) and all(isinstance(p, Mapping) for p in proof)


_FIELD_CHECKS: Final[tuple[tuple[str, Callable[[Any], bool], str], ...]] = (
    ("type", lambda v: type(v) is str and v in RECEIPT_TYPES, f"type must be {RECEIPT_TYPE}"),
    ("corridor_id", lambda v: type(v) is str and v != "", "corridor_id must be a non-empty string"),
    ("sequence", lambda v: type(v) is int and v >= 0, "sequence must be an integer >= 0"),
    ("timestamp", _is_timestamp, "timestamp must be RFC 3339"),
    ("prev_root", _is_hex, "prev_root must be 64 lowercase hex"),
    ("next_root", _is_hex, "next_root must be 64 lowercase hex"),
    ("lawpack_digest_set", lambda v: type(v) is list, "lawpack_digest_set must be a list"),
    ("ruleset_digest_set", lambda v: type(v) is list, "ruleset_digest_set must be a list"),
    ("proof", _proof_shape, "proof must be an object or a non-empty list of objects"),
    ("transition", lambda v: isinstance(v, Mapping), "transition must be an object"),
    ("zk", lambda v: isinstance(v, Mapping) and v.keys() <= _ZK_KEYS, "zk must be an object of the zk fields"),
    (
        "anchor",
        lambda v: isinstance(v, Mapping) and v.keys() <= _ANCHOR_KEYS,
        "anchor must be an object of the anchor fields",
    ),
)


def receipt_ref(receipt: Mapping[str, Any]) -> ArtifactRef:
    """A ``blob`` reference to the receipt's canonical bytes (how fork alarms name the receipts they cite)."""
    data = canonical_bytes(dict(receipt)).data
    return ArtifactRef(artifact_type="blob", digest_sha256=ContentDigest(hashlib.sha256(data).hexdigest()))
