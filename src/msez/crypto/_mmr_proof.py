"""MMR inclusion and consistency proofs: their JSON records and their verifiers (spec 40.10, plus consistency).

The inclusion proof and its five verification steps are the reference's. Consistency proofs are ours: the node at
height ``h`` with index ``j`` covers leaves ``[j * 2**h, (j + 1) * 2**h)``, so every peak of an older size is a
node of the newer tree. A consistency proof gives, for each old peak, its sibling path up to the new peak that
contains it; the verifier derives all positions from the two sizes, checks the old peaks bag to the old root and
the new peaks to the new root. The public names are re-exported by :mod:`msez.crypto.mmr`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from msez.core import ValidationError
from msez.crypto._mmr_hash import (
    _NODE,
    Peak,
    _bag,
    _hex32,
    _hex32_many,
    _leaf,
    _node,
    _sha256,
    locate_leaf,
    peak_plan,
)


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
    if size < 1 or not 0 <= index < size:
        return False
    claimed_root = _hex32(proof.root, "root")
    if root is not None and _hex32(root, "root") != claimed_root:
        return False
    # (1) the leaf hash is recomputed from next_root
    leaf = _leaf(_hex32(proof.receipt_next_root, "receipt_next_root"))
    if leaf != _hex32(proof.leaf_hash, "leaf_hash"):
        return False
    # (2) peak index and height follow from (size, leaf_index); the peaks fit the size
    peak_index, peak_height, start = locate_leaf(size, index)
    if (proof.peak_index, proof.peak_height) != (peak_index, peak_height):
        return False
    if [p.height for p in proof.peaks] != [h for h, _ in peak_plan(size)]:
        return False
    # (3) the path is exactly as long as the peak is high
    if len(proof.path) != peak_height:
        return False
    # (4) fold the path; sides must be the ones the position implies
    top = _fold_path(leaf, index - start, proof.path)
    # (5) the folded path must give the proof's own peak (stricter than the reference, which substitutes it
    # unchecked, so a proof with a wrong peak or computed_peak_root is refused); bag, compare with the root
    peaks = _hex32_many([p.hash for p in proof.peaks], "peak hash")
    if top is None or top != peaks[peak_index]:
        return False
    if proof.computed_peak_root and _hex32(proof.computed_peak_root, "computed_peak_root") != top:
        return False
    return _bag(peaks) == claimed_root


def _fold_path(cur: bytes, position: int, path: Sequence[PathStep]) -> bytes | None:
    """The peak reached from ``cur`` at ``position`` within its peak; ``None`` if a side is wrong."""
    for step, sibling in zip(path, _hex32_many([s.hash for s in path], "path hash"), strict=True):
        if step.side != ("left" if position & 1 else "right"):
            return None
        cur = _sha256(_NODE + sibling + cur if position & 1 else _NODE + cur + sibling).digest()
        position >>= 1
    return cur


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
