"""MMR hashing and shapes (spec 40.10): leaf and node hashes, peaks, the peak plan and right-to-left bagging.

Written here because the reference fixes its own hashing (leaf ``SHA256(0x00 || next_root)``, node
``SHA256(0x01 || left || right)``, right-to-left bagging with no size mixed in); no library uses that
construction. Hashes are lowercase hex at the API and raw bytes inside. The public names are re-exported by
:mod:`msez.crypto.mmr`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from msez.core import ValidationError

_LEAF: Final = b"\x00"
_NODE: Final = b"\x01"
_sha256 = hashlib.sha256


@dataclass(frozen=True, slots=True)
class Peak:
    """A peak: the root of a perfect subtree of ``2**height`` leaves."""

    height: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"height": self.height, "hash": self.hash}


def _hex32(value: str, what: str) -> bytes:
    text = value.strip() if isinstance(value, str) else ""
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:  # fromhex skips inner whitespace, so 64 chars can still give fewer bytes
        raise ValidationError(f"{what} must be 64 hex chars, got {str(value)[:80]!r}")
    return raw


def _check_leaf(leaf: bytes) -> None:
    if not isinstance(leaf, bytes) or len(leaf) != 32:
        raise ValidationError(f"a leaf hash must be 32 bytes, got {leaf!r:.80}")


def _hex32_many(values: Sequence[str], what: str) -> list[bytes]:
    """Decode many hashes; one ``fromhex`` when all are exactly 64 chars (the common case)."""
    try:
        raw = bytes.fromhex("".join(values)) if set(map(len, values)) == {64} else b""
    except (TypeError, ValueError):
        raw = b""
    if raw and len(raw) == 32 * len(values):  # so every char was hex, and each value holds exactly 32 bytes
        return [raw[i : i + 32] for i in range(0, len(raw), 32)]
    return [_hex32(v, what) for v in values]


def _leaf(next_root: bytes) -> bytes:
    return _sha256(_LEAF + next_root).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return _sha256(_NODE + left + right).digest()


def leaf_hash(next_root: str) -> str:
    """``SHA256(0x00 || bytes(next_root))`` as hex."""
    return _leaf(_hex32(next_root, "next_root")).hex()


def node_hash(left: str, right: str) -> str:
    """``SHA256(0x01 || left || right)`` as hex."""
    return _node(_hex32(left, "left"), _hex32(right, "right")).hex()


def peak_plan(size: int) -> list[tuple[int, int]]:
    """``(height, leaf_count)`` of each peak for ``size`` leaves, largest first (17 -> [(4, 16), (0, 1)])."""
    return [(h, 1 << h) for h in range(size.bit_length() - 1, -1, -1) if size >> h & 1]


def locate_leaf(size: int, leaf_index: int) -> tuple[int, int, int]:
    """``(peak_index, peak_height, first_leaf_of_peak)`` of the peak containing ``leaf_index``."""
    if not 0 <= leaf_index < size:
        raise ValidationError(f"leaf index {leaf_index} out of range for size {size}")
    start = 0
    for index, (height, count) in enumerate(peak_plan(size)):
        if leaf_index < start + count:
            return index, height, start
        start += count
    raise AssertionError("unreachable: peak plan covers every leaf")


def _bag(peaks: Sequence[bytes]) -> bytes:
    bag = peaks[-1]
    for peak in reversed(peaks[:-1]):
        bag = _node(peak, bag)
    return bag


def bag_peaks(peaks: Sequence[Peak]) -> str:
    """The root: fold peaks right to left, ``bag = node(peak, bag)``; ``""`` when there are none."""
    if not peaks:
        return ""
    return _bag([_hex32(p.hash, "peak hash") for p in peaks]).hex()
