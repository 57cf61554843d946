"""Merkle Mountain Range over receipt ``next_root`` values, exactly as spec 40.10 / reference tools/mmr.py.

Written here because the reference fixes its own hashing (leaf ``SHA256(0x00 || next_root)``, node
``SHA256(0x01 || left || right)``, right-to-left bagging with no size mixed in); no library uses that
construction. Hashes are lowercase hex at the API and raw bytes inside.

Beyond the reference: consistency proofs. The node at height ``h`` with index ``j`` covers leaves
``[j * 2**h, (j + 1) * 2**h)``, so every peak of an older size is a node of the newer tree. A consistency proof
gives, for each old peak, its sibling path up to the new peak that contains it; the verifier derives all
positions from the two sizes, checks the old peaks bag to the old root and the new peaks to the new root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
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


class MerkleMountainRange:
    """An append-only MMR. Keeps every node (32 bytes each, per level) so it can build proofs."""

    __slots__ = ("_levels", "_size")

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0

    @classmethod
    def from_next_roots(cls, next_roots: Iterable[str]) -> MerkleMountainRange:
        mmr = cls()
        for next_root in next_roots:
            mmr.append(next_root)
        return mmr

    @property
    def size(self) -> int:
        return self._size

    def append(self, next_root: str) -> int:
        """Append a receipt's ``next_root``; returns the new leaf's index."""
        return self.append_leaf_hash(_leaf(_hex32(next_root, "next_root")))

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append an already-computed 32-byte leaf hash; returns its index."""
        levels = self._levels
        index = self._size
        levels[0] += leaf
        position, height, node = index, 0, leaf
        while position & 1:
            left = bytes(levels[height][(position - 1) * 32 : position * 32])
            node = _node(left, node)
            height += 1
            position >>= 1
            if height == len(levels):
                levels.append(bytearray())
            levels[height] += node
        self._size = index + 1
        return index

    def _get(self, height: int, index: int) -> bytes:
        return bytes(self._levels[height][index * 32 : index * 32 + 32])

    def _peak_bytes(self, size: int) -> list[bytes]:
        out, start = [], 0
        for height, count in peak_plan(size):
            out.append(self._get(height, start >> height))
            start += count
        return out

    def peaks(self, size: int | None = None) -> list[Peak]:
        """Peaks at ``size`` (default: the current size), largest first."""
        size = self._check_size(size)
        return [Peak(h, b.hex()) for (h, _), b in zip(peak_plan(size), self._peak_bytes(size), strict=True)]

    def root(self, size: int | None = None) -> str:
        """The bagged root at ``size`` (default: the current size); ``""`` when empty."""
        size = self._check_size(size)
        return _bag(self._peak_bytes(size)).hex() if size else ""

    def leaf_hash(self, index: int) -> str:
        return self._get(0, index).hex()

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValidationError(f"size {size} out of range 0..{self._size}")
        return size

    def _path(self, height: int, index: int, top: int) -> list[tuple[str, str]]:
        """Sibling path of node (height, index) up to height ``top``, bottom up, as (side, hash)."""
        path = []
        for level in range(height, top):
            position = index >> (level - height)
            sibling = position ^ 1
            path.append(("left" if sibling < position else "right", self._get(level, sibling).hex()))
        return path

    def inclusion_proof(self, leaf_index: int, next_root: str) -> InclusionProof:
        """Inclusion proof for the leaf ``leaf_index`` (whose receipt has ``next_root``) at the current size.

        Raises:
            ValidationError: index out of range, or ``next_root`` is not that leaf's.
        """
        size = self._size
        peak_index, peak_height, _ = locate_leaf(size, leaf_index)
        peaks = self.peaks()
        leaf = self.leaf_hash(leaf_index)
        if leaf_hash(next_root) != leaf:
            raise ValidationError(f"next_root does not hash to leaf {leaf_index}")
        return InclusionProof(
            size=size,
            root=self.root(),
            leaf_index=leaf_index,
            receipt_next_root=next_root.strip().lower(),
            leaf_hash=leaf,
            peak_index=peak_index,
            peak_height=peak_height,
            path=tuple(PathStep(side, h) for side, h in self._path(0, leaf_index, peak_height)),
            peaks=tuple(peaks),
            computed_peak_root=peaks[peak_index].hash,
        )

    def consistency_proof(self, old_size: int) -> ConsistencyProof:
        """Proof that the MMR at ``old_size`` is a prefix of the MMR at the current size.

        Raises:
            ValidationError: ``old_size`` is not in 1..size.
        """
        new_size = self._size
        if not 1 <= old_size <= new_size:
            raise ValidationError(f"old size {old_size} must be in 1..{new_size}")
        paths = []
        start = 0
        for height, count in peak_plan(old_size):
            _, new_height, _ = locate_leaf(new_size, start)
            paths.append(tuple(h for _, h in self._path(height, start >> height, new_height)))
            start += count
        return ConsistencyProof(
            old_size=old_size,
            new_size=new_size,
            old_peaks=tuple(p.hash for p in self.peaks(old_size)),
            new_peaks=tuple(p.hash for p in self.peaks()),
            paths=tuple(paths),
        )


class PeakAccumulator:
    """Peaks only: O(log n) memory. For streaming verification and incremental append from a checkpoint."""

    __slots__ = ("_peaks", "_size")

    def __init__(self, size: int = 0, peaks: Sequence[Peak] = ()) -> None:
        if size < 0:
            raise ValidationError(f"size must be >= 0, got {size}")
        plan = peak_plan(size)
        if [h for h, _ in plan] != [p.height for p in peaks]:
            raise ValidationError(f"peak heights {[p.height for p in peaks]} do not fit size {size}")
        self._size = size
        self._peaks: list[tuple[int, bytes]] = [(p.height, _hex32(p.hash, "peak hash")) for p in peaks]

    @property
    def size(self) -> int:
        return self._size

    def append(self, next_root: str) -> None:
        self.append_leaf_hash(_leaf(_hex32(next_root, "next_root")))

    def append_leaf_hash(self, leaf: bytes) -> None:
        peaks = self._peaks
        height, node = 0, leaf
        while peaks and peaks[-1][0] == height:
            node = _node(peaks.pop()[1], node)
            height += 1
        peaks.append((height, node))
        self._size += 1

    def peaks(self) -> list[Peak]:
        return [Peak(h, b.hex()) for h, b in self._peaks]

    def root(self) -> str:
        return _bag([b for _, b in self._peaks]).hex() if self._peaks else ""


def append_peaks(peaks: Sequence[Peak], next_roots: Iterable[str], *, size: int) -> list[Peak]:
    """Extend the peaks of an MMR of ``size`` leaves with more ``next_root`` values (incremental verification)."""
    accumulator = PeakAccumulator(size, peaks)
    for next_root in next_roots:
        accumulator.append(next_root)
    return accumulator.peaks()


def mmr_root_from_next_roots(next_roots: Iterable[str]) -> dict[str, Any]:
    """``{size, root, peaks}`` as the reference's ``mmr_root_from_next_roots`` returns it."""
    accumulator = PeakAccumulator()
    for next_root in next_roots:
        accumulator.append(next_root)
    return {
        "size": accumulator.size,
        "root": accumulator.root(),
        "peaks": [p.to_json() for p in accumulator.peaks()],
    }


@dataclass(frozen=True, slots=True)
class PathStep:
    side: str
    hash: str


@dataclass(frozen=True)
class InclusionProof:
    """The reference's inclusion-proof fields (the ``mmr`` envelope is added by the corridor layer)."""

    size: int
    root: str
    leaf_index: int
    receipt_next_root: str
    leaf_hash: str
    peak_index: int
    peak_height: int
    path: tuple[PathStep, ...]
    peaks: tuple[Peak, ...]
    computed_peak_root: str

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "root": self.root,
            "leaf_index": self.leaf_index,
            "receipt_next_root": self.receipt_next_root,
            "leaf_hash": self.leaf_hash,
            "peak_index": self.peak_index,
            "peak_height": self.peak_height,
            "path": [{"side": s.side, "hash": s.hash} for s in self.path],
            "peaks": [p.to_json() for p in self.peaks],
            "computed_peak_root": self.computed_peak_root,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InclusionProof:
        """Read the reference's JSON form.

        Raises:
            ValidationError: a field is missing or has the wrong type.
        """
        try:
            return cls(
                size=_int(data["size"]),
                root=str(data["root"]),
                leaf_index=_int(data["leaf_index"]),
                receipt_next_root=str(data.get("receipt_next_root", "")),
                leaf_hash=str(data["leaf_hash"]),
                peak_index=_int(data["peak_index"]),
                peak_height=_int(data["peak_height"]),
                path=tuple(PathStep(str(s["side"]), str(s["hash"])) for s in data["path"]),
                peaks=tuple(Peak(_int(p["height"]), str(p["hash"])) for p in data["peaks"]),
                computed_peak_root=str(data.get("computed_peak_root", "")),
            )
        except (KeyError, TypeError) as e:
            raise ValidationError(f"malformed inclusion proof: {e!r}") from None


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def verify_inclusion_proof(proof: InclusionProof, *, root: str | None = None, size: int | None = None) -> bool:
    """Verify an inclusion proof (spec 40.10 steps 1-5).

    ``root`` and ``size``, when given (from a trusted checkpoint), must equal the proof's: the root alone does not
    commit to the size. Returns False for any malformed or non-verifying proof; never raises on bad input.
    """
    if size is not None and proof.size != size:
        return False
    try:
        return _verify_inclusion(proof, root)
    except (ValidationError, ValueError, TypeError):
        return False


def _verify_inclusion(proof: InclusionProof, root: str | None) -> bool:
    size, index = proof.size, proof.leaf_index
    if size < 1 or not 0 <= index < size or not proof.peaks:
        return False
    claimed_root = _hex32(proof.root, "root")
    if root is not None and _hex32(root, "root") != claimed_root:
        return False
    # (1) the leaf hash is recomputed from next_root
    cur = _leaf(_hex32(proof.receipt_next_root, "receipt_next_root"))
    if cur != _hex32(proof.leaf_hash, "leaf_hash"):
        return False
    # (2) peak index and height follow from (size, leaf_index)
    peak_index, peak_height, start = locate_leaf(size, index)
    if (proof.peak_index, proof.peak_height) != (peak_index, peak_height):
        return False
    peaks = [_hex32(p.hash, "peak hash") for p in proof.peaks]
    if [p.height for p in proof.peaks] != [h for h, _ in peak_plan(size)]:
        return False
    # (3) the path is exactly as long as the peak is high
    if len(proof.path) != peak_height:
        return False
    # (4) fold the path; sides must be the ones the position implies
    position = index - start
    for step in proof.path:
        sibling = _hex32(step.hash, "path hash")
        expected_side = "left" if position & 1 else "right"
        if step.side != expected_side:
            return False
        cur = _node(sibling, cur) if step.side == "left" else _node(cur, sibling)
        position >>= 1
    # (5) the folded path must give the proof's own peak (stricter than the reference, which substitutes it
    # unchecked, so a proof with a wrong peak or computed_peak_root is refused); bag, compare with the root
    if cur != peaks[peak_index]:
        return False
    if proof.computed_peak_root and _hex32(proof.computed_peak_root, "computed_peak_root") != cur:
        return False
    return _bag(peaks) == claimed_root


@dataclass(frozen=True)
class ConsistencyProof:
    """Old and new peaks plus, per old peak, its sibling path (bottom up) to the new peak containing it."""

    old_size: int
    new_size: int
    old_peaks: tuple[str, ...]
    new_peaks: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "old_peaks": list(self.old_peaks),
            "new_peaks": list(self.new_peaks),
            "paths": [list(p) for p in self.paths],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConsistencyProof:
        """Raises: ValidationError: a field is missing or has the wrong type."""
        try:
            return cls(
                old_size=_int(data["old_size"]),
                new_size=_int(data["new_size"]),
                old_peaks=tuple(str(h) for h in data["old_peaks"]),
                new_peaks=tuple(str(h) for h in data["new_peaks"]),
                paths=tuple(tuple(str(h) for h in p) for p in data["paths"]),
            )
        except (KeyError, TypeError) as e:
            raise ValidationError(f"malformed consistency proof: {e!r}") from None


def verify_consistency_proof(
    proof: ConsistencyProof,
    *,
    old_root: str,
    new_root: str,
    old_size: int | None = None,
    new_size: int | None = None,
) -> bool:
    """True if the MMR with ``old_root`` at ``proof.old_size`` is a prefix of the one with ``new_root``.

    The root does not commit to the size (spec 40.10 bags no size in), so a proof for sizes (2, 4) also folds as
    (1, 2). Pass ``old_size`` and ``new_size`` from the checkpoints being compared; the proof must carry them.
    Never raises on bad input.
    """
    if (old_size is not None and proof.old_size != old_size) or (new_size is not None and proof.new_size != new_size):
        return False
    try:
        return _verify_consistency(proof, old_root, new_root)
    except (ValidationError, ValueError, TypeError):
        return False


def _verify_consistency(proof: ConsistencyProof, old_root: str, new_root: str) -> bool:
    old_size, new_size = proof.old_size, proof.new_size
    if not 1 <= old_size <= new_size:
        return False
    old_plan, new_plan = peak_plan(old_size), peak_plan(new_size)
    if len(proof.old_peaks) != len(old_plan) or len(proof.new_peaks) != len(new_plan):
        return False
    if len(proof.paths) != len(old_plan):
        return False
    old_peaks = [_hex32(h, "old peak") for h in proof.old_peaks]
    new_peaks = [_hex32(h, "new peak") for h in proof.new_peaks]
    if _bag(old_peaks) != _hex32(old_root, "old root") or _bag(new_peaks) != _hex32(new_root, "new root"):
        return False
    start = 0
    for (height, count), peak, path in zip(old_plan, old_peaks, proof.paths, strict=True):
        new_index, new_height, _ = locate_leaf(new_size, start)
        if len(path) != new_height - height:
            return False
        cur, position = peak, start >> height
        for sibling_hex in path:
            sibling = _hex32(sibling_hex, "path hash")
            cur = _node(sibling, cur) if position & 1 else _node(cur, sibling)
            position >>= 1
        if cur != new_peaks[new_index]:
            return False
        start += count
    return True
