"""Merkle Mountain Range over receipt ``next_root`` values, exactly as spec 40.10 / reference tools/mmr.py.

Written here because no library uses the reference's construction (see :mod:`msez.crypto._mmr_hash`).
:class:`MerkleMountainRange` keeps every node so it can build inclusion proofs and, beyond the reference,
consistency proofs between two sizes (:mod:`msez.crypto._mmr_proof`); :class:`PeakAccumulator` keeps only the
peaks, for streaming verification and incremental append from a checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from msez.core import ValidationError
from msez.crypto._mmr_hash import (
    _NODE,
    Peak,
    _bag,
    _check_leaf,
    _hex32,
    _leaf,
    _node,
    _sha256,
    bag_peaks,
    leaf_hash,
    locate_leaf,
    node_hash,
    peak_plan,
)
from msez.crypto._mmr_proof import (
    ConsistencyProof,
    InclusionProof,
    PathStep,
    verify_consistency_proof,
    verify_inclusion_proof,
)

__all__ = [
    "ConsistencyProof",
    "InclusionProof",
    "MerkleMountainRange",
    "PathStep",
    "Peak",
    "PeakAccumulator",
    "append_peaks",
    "bag_peaks",
    "leaf_hash",
    "locate_leaf",
    "mmr_root_from_next_roots",
    "node_hash",
    "peak_plan",
    "verify_consistency_proof",
    "verify_inclusion_proof",
]


class MerkleMountainRange:
    """An append-only MMR. Keeps every node (32 bytes each, per level) so it can build proofs."""

    __slots__ = ("_levels", "_size", "_summary")

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0
        self._summary: tuple[int, str, tuple[Peak, ...]] = (0, "", ())

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
        return self._push(_leaf(_hex32(next_root, "next_root")))

    def append_leaf_hash(self, leaf: bytes) -> int:
        """Append an already-computed 32-byte leaf hash; returns its index."""
        _check_leaf(leaf)
        return self._push(leaf)

    def _push(self, leaf: bytes) -> int:
        levels, index = self._levels, self._size
        levels[0] += leaf
        position, height, node = index, 0, leaf
        while position & 1:  # a left sibling exists at this height: merge, then store the parent one level up
            node = _sha256(_NODE + levels[height][(position - 1) * 32 : position * 32] + node).digest()
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
        return list(self._root_and_peaks(self._check_size(size))[1])

    def root(self, size: int | None = None) -> str:
        """The bagged root at ``size`` (default: the current size); ``""`` when empty."""
        return self._root_and_peaks(self._check_size(size))[0]

    def _root_and_peaks(self, size: int) -> tuple[str, tuple[Peak, ...]]:
        """Root and peaks at ``size``; those of the current size are kept until the next append."""
        if self._summary[0] == size:
            return self._summary[1], self._summary[2]
        peak_bytes = self._peak_bytes(size)
        root = _bag(peak_bytes).hex() if size else ""
        peaks = tuple(Peak(h, b.hex()) for (h, _), b in zip(peak_plan(size), peak_bytes, strict=True))
        if size == self._size:
            self._summary = (size, root, peaks)
        return root, peaks

    def leaf_hash(self, index: int) -> str:
        """The leaf hash at ``index``.

        Raises:
            ValidationError: ``index`` is not in 0..size-1.
        """
        if not 0 <= index < self._size:
            raise ValidationError(f"leaf index {index} out of range for size {self._size}")
        return self._get(0, index).hex()

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValidationError(f"size {size} out of range 0..{self._size}")
        return size

    def _path(self, height: int, index: int, top: int) -> list[tuple[str, str]]:
        """Sibling path of node (height, index) up to height ``top``, bottom up, as (side, hash)."""
        path, levels, position = [], self._levels, index
        for level in range(height, top):
            sibling = position ^ 1
            node = levels[level][sibling * 32 : sibling * 32 + 32].hex()
            path.append(("left" if sibling < position else "right", node))
            position >>= 1
        return path

    def inclusion_proof(self, leaf_index: int, next_root: str) -> InclusionProof:
        """Inclusion proof for the leaf ``leaf_index`` (whose receipt has ``next_root``) at the current size.

        Raises:
            ValidationError: index out of range, or ``next_root`` is not that leaf's.
        """
        size = self._size
        peak_index, peak_height, _ = locate_leaf(size, leaf_index)
        leaf = self.leaf_hash(leaf_index)
        if leaf_hash(next_root) != leaf:
            raise ValidationError(f"next_root does not hash to leaf {leaf_index}")
        root, peaks = self._root_and_peaks(size)
        return InclusionProof(
            size=size,
            root=root,
            leaf_index=leaf_index,
            receipt_next_root=next_root.strip().lower(),
            leaf_hash=leaf,
            peak_index=peak_index,
            peak_height=peak_height,
            path=tuple(PathStep(side, h) for side, h in self._path(0, leaf_index, peak_height)),
            peaks=peaks,
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
        _check_leaf(leaf)
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
