"""MMR inclusion and consistency proofs: exhaustive verification and tamper properties (spec 40.10)."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.crypto import mmr
from msez.crypto.mmr import (
    ConsistencyProof,
    InclusionProof,
    MerkleMountainRange,
    PathStep,
    Peak,
    PeakAccumulator,
    verify_consistency_proof,
    verify_inclusion_proof,
)
from tests.crypto.test_mmr_vectors import oracle, receipt_root

NEXT = [receipt_root(i) for i in range(1, 301)]


@cache
def tree_of(size: int) -> MerkleMountainRange:
    return MerkleMountainRange.from_next_roots(NEXT[:size])


def flip(hex_hash: str, position: int, mask: int) -> str:
    """``hex_hash`` with byte ``position`` XOR ``mask`` (a different 32-byte value)."""
    raw = bytearray(bytes.fromhex(hex_hash))
    raw[position] ^= mask
    return raw.hex()


# --- inclusion --------------------------------------------------------------------------------------------------


def test_every_inclusion_proof_verifies_for_every_size_up_to_300() -> None:
    tree = MerkleMountainRange()
    for size in range(1, 301):
        tree.append(NEXT[size - 1])
        root = tree.root()
        assert root == oracle(NEXT[:size])[0]
        for index in range(size):
            proof = tree.inclusion_proof(index, NEXT[index])
            assert verify_inclusion_proof(proof, root=root, size=size), (size, index)
            if index % 37 == 0:
                assert InclusionProof.from_json(proof.to_json()) == proof


@st.composite
def inclusion_cases(draw: st.DrawFn) -> tuple[InclusionProof, int]:
    size = draw(st.integers(1, 300))
    index = draw(st.integers(0, size - 1))
    return tree_of(size).inclusion_proof(index, NEXT[index]), draw(st.integers(0, 31))


masks = st.integers(1, 255)


@given(inclusion_cases(), masks)
def test_changed_leaf_fails(case: tuple[InclusionProof, int], mask: int) -> None:
    proof, position = case
    tampered = dataclasses.replace(proof, receipt_next_root=flip(proof.receipt_next_root, position, mask))
    assert not verify_inclusion_proof(tampered)


@given(inclusion_cases(), masks, st.data())
def test_changed_path_hash_fails(case: tuple[InclusionProof, int], mask: int, data: st.DataObject) -> None:
    proof, position = case
    assume(proof.path)
    step = data.draw(st.integers(0, len(proof.path) - 1))
    path = list(proof.path)
    path[step] = PathStep(path[step].side, flip(path[step].hash, position, mask))
    assert not verify_inclusion_proof(dataclasses.replace(proof, path=tuple(path)))


@given(inclusion_cases(), masks, st.data())
def test_changed_peak_fails(case: tuple[InclusionProof, int], mask: int, data: st.DataObject) -> None:
    proof, position = case
    which = data.draw(st.integers(0, len(proof.peaks) - 1))
    peaks = list(proof.peaks)
    peaks[which] = Peak(peaks[which].height, flip(peaks[which].hash, position, mask))
    assert not verify_inclusion_proof(dataclasses.replace(proof, peaks=tuple(peaks)))


@given(inclusion_cases(), masks)
def test_changed_root_fails(case: tuple[InclusionProof, int], mask: int) -> None:
    proof, position = case
    assert not verify_inclusion_proof(dataclasses.replace(proof, root=flip(proof.root, position, mask)))
    assert not verify_inclusion_proof(proof, root=flip(proof.root, position, mask))


def _swap_side(proof: InclusionProof) -> InclusionProof:
    step = proof.path[0]
    return dataclasses.replace(
        proof, path=(PathStep("left" if step.side == "right" else "right", step.hash), *proof.path[1:])
    )


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(_swap_side, id="side-swapped"),
        pytest.param(lambda p: dataclasses.replace(p, leaf_index=p.leaf_index + 1), id="leaf-index"),
        pytest.param(lambda p: dataclasses.replace(p, peak_index=p.peak_index + 1), id="peak-index"),
        pytest.param(lambda p: dataclasses.replace(p, peak_height=p.peak_height - 1), id="peak-height"),
        pytest.param(lambda p: dataclasses.replace(p, path=p.path[:-1]), id="path-truncated"),
        pytest.param(lambda p: dataclasses.replace(p, path=(*p.path, p.path[0])), id="path-extended"),
        pytest.param(lambda p: dataclasses.replace(p, peaks=p.peaks[:-1]), id="peak-dropped"),
        pytest.param(lambda p: dataclasses.replace(p, leaf_hash=flip(p.leaf_hash, 0, 1)), id="leaf-hash"),
        pytest.param(
            lambda p: dataclasses.replace(p, computed_peak_root=flip(p.computed_peak_root, 0, 1)), id="peak-root"
        ),
        pytest.param(lambda p: dataclasses.replace(p, size=p.size + 1), id="size-grown"),
        pytest.param(lambda p: dataclasses.replace(p, size=0, leaf_index=0), id="size-zero"),
        pytest.param(lambda p: dataclasses.replace(p, root="zz" * 32), id="root-not-hex"),
        pytest.param(lambda p: dataclasses.replace(p, receipt_next_root=""), id="next-root-empty"),
        pytest.param(lambda p: dataclasses.replace(p, peaks=()), id="no-peaks"),
    ],
)
def test_structural_tampering_fails_without_raising(tamper: Any) -> None:
    proof = tree_of(13).inclusion_proof(9, NEXT[9])  # peaks (3, 2, 0); leaf 9 sits under the height-2 peak
    assert verify_inclusion_proof(proof)
    assert not verify_inclusion_proof(tamper(proof))


def test_trusted_root_and_size_must_match() -> None:
    proof = tree_of(13).inclusion_proof(9, NEXT[9])
    assert not verify_inclusion_proof(proof, root=tree_of(12).root())
    assert not verify_inclusion_proof(proof, size=12)
    assert verify_inclusion_proof(proof, root=tree_of(13).root(), size=13)


def test_inclusion_proof_json_is_the_reference_shape() -> None:
    proof = tree_of(3).inclusion_proof(0, NEXT[0])
    assert proof.to_json() == {
        "size": 3,
        "root": tree_of(3).root(),
        "leaf_index": 0,
        "receipt_next_root": NEXT[0],
        "leaf_hash": mmr.leaf_hash(NEXT[0]),
        "peak_index": 0,
        "peak_height": 1,
        "path": [{"side": "right", "hash": mmr.leaf_hash(NEXT[1])}],
        "peaks": [p.to_json() for p in tree_of(3).peaks()],
        "computed_peak_root": tree_of(3).peaks()[0].hash,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"size": True}, "expected an integer, got True", id="bool-size"),
        pytest.param({"path": None}, "malformed inclusion proof", id="path-null"),
        pytest.param({"leaf_hash": None, "__drop__": "leaf_hash"}, "leaf_hash", id="missing-field"),
    ],
)
def test_inclusion_proof_from_malformed_json(change: dict[str, Any], message: str) -> None:
    data = tree_of(3).inclusion_proof(0, NEXT[0]).to_json()
    drop = change.pop("__drop__", None)
    data.update(change)
    if drop:
        del data[drop]
    with pytest.raises(ValidationError, match=message):
        InclusionProof.from_json(data)


def test_inclusion_proof_refuses_a_wrong_next_root() -> None:
    with pytest.raises(ValidationError, match="next_root does not hash to leaf 2"):
        tree_of(5).inclusion_proof(2, NEXT[3])


# --- consistency ------------------------------------------------------------------------------------------------


def test_consistency_proofs_verify_for_all_size_pairs_up_to_64() -> None:
    tree = MerkleMountainRange()
    for new_size in range(1, 65):
        tree.append(NEXT[new_size - 1])
        new_root = tree.root()
        for old_size in range(1, new_size + 1):
            proof = tree.consistency_proof(old_size)
            old_root = oracle(NEXT[:old_size])[0]
            assert tree.root(old_size) == old_root
            assert verify_consistency_proof(
                proof, old_root=old_root, new_root=new_root, old_size=old_size, new_size=new_size
            ), (old_size, new_size)
            assert ConsistencyProof.from_json(proof.to_json()) == proof


@st.composite
def consistency_cases(draw: st.DrawFn) -> tuple[ConsistencyProof, str, str]:
    new_size = draw(st.integers(1, 64))
    old_size = draw(st.integers(1, new_size))
    tree = tree_of(new_size)
    return tree.consistency_proof(old_size), tree.root(old_size), tree.root()


def _verify(proof: ConsistencyProof, old_root: str, new_root: str, sizes: tuple[int, int]) -> bool:
    return verify_consistency_proof(proof, old_root=old_root, new_root=new_root, old_size=sizes[0], new_size=sizes[1])


@pytest.mark.parametrize("field", ["old_peaks", "new_peaks", "paths", "old_root", "new_root"])
@given(consistency_cases(), st.integers(0, 31), masks, st.data())
def test_changed_consistency_byte_fails(
    field: str, case: tuple[ConsistencyProof, str, str], position: int, mask: int, data: st.DataObject
) -> None:
    proof, old_root, new_root = case
    sizes = (proof.old_size, proof.new_size)
    assert _verify(proof, old_root, new_root, sizes)
    if field == "old_root":
        old_root = flip(old_root, position, mask)
    elif field == "new_root":
        new_root = flip(new_root, position, mask)
    elif field == "paths":
        paths = [list(p) for p in proof.paths]
        holders = [(i, j) for i, p in enumerate(paths) for j in range(len(p))]
        assume(holders)
        i, j = data.draw(st.sampled_from(holders))
        paths[i][j] = flip(paths[i][j], position, mask)
        proof = dataclasses.replace(proof, paths=tuple(tuple(p) for p in paths))
    else:
        hashes = list(getattr(proof, field))
        which = data.draw(st.integers(0, len(hashes) - 1))
        hashes[which] = flip(hashes[which], position, mask)
        changes: dict[str, Any] = {field: tuple(hashes)}
        proof = dataclasses.replace(proof, **changes)
    assert not _verify(proof, old_root, new_root, sizes)


@given(consistency_cases(), st.sampled_from(["old_size", "new_size"]), st.integers(0, 65))
def test_changed_consistency_size_fails(case: tuple[ConsistencyProof, str, str], field: str, size: int) -> None:
    proof, old_root, new_root = case
    sizes = (proof.old_size, proof.new_size)
    assume(getattr(proof, field) != size)
    changes: dict[str, Any] = {field: size}
    assert not _verify(dataclasses.replace(proof, **changes), old_root, new_root, sizes)


def test_roots_do_not_commit_to_sizes_so_the_caller_pins_them() -> None:
    """A (2, 4) proof also folds as (1, 2): the bagged root mixes in no size (spec 40.10)."""
    tree = tree_of(4)
    proof = tree.consistency_proof(2)
    relabelled = dataclasses.replace(proof, old_size=1, new_size=2)
    assert verify_consistency_proof(relabelled, old_root=tree.root(2), new_root=tree.root())
    assert not verify_consistency_proof(relabelled, old_root=tree.root(2), new_root=tree.root(), old_size=2, new_size=4)


def test_consistency_detects_a_fork() -> None:
    forked = MerkleMountainRange.from_next_roots([*NEXT[:20], *NEXT[100:110]])
    honest = tree_of(30)
    assert _verify(forked.consistency_proof(20), honest.root(20), forked.root(), (20, 30))
    assert not _verify(forked.consistency_proof(21), honest.root(21), forked.root(), (21, 30))
    assert not _verify(honest.consistency_proof(20), honest.root(20), forked.root(), (20, 30))


@pytest.mark.parametrize("old_size", [0, 31])
def test_consistency_proof_needs_a_size_in_range(old_size: int) -> None:
    with pytest.raises(ValidationError, match=f"old size {old_size} must be in 1..30"):
        tree_of(30).consistency_proof(old_size)


def test_malformed_consistency_proof_is_refused_not_raised() -> None:
    proof = tree_of(10).consistency_proof(3)
    broken = dataclasses.replace(proof, paths=(("not hex",), *proof.paths[1:]))
    assert not _verify(broken, tree_of(10).root(3), tree_of(10).root(), (3, 10))
    with pytest.raises(ValidationError, match="malformed consistency proof"):
        ConsistencyProof.from_json({"old_size": 3})


# --- incremental append from stored peaks -----------------------------------------------------------------------


def test_resuming_from_stored_peaks_matches_a_full_build() -> None:
    full = tree_of(40)
    for split in range(41):
        accumulator = PeakAccumulator(split, full.peaks(split))
        for next_root in NEXT[split:40]:
            accumulator.append(next_root)
        assert (accumulator.size, accumulator.root(), accumulator.peaks()) == (40, full.root(), full.peaks())
        assert mmr.append_peaks(full.peaks(split), NEXT[split:40], size=split) == full.peaks()


@pytest.mark.parametrize(
    ("size", "heights", "message"),
    [
        pytest.param(5, [2], r"peak heights \[2\] do not fit size 5", id="missing-peak"),
        pytest.param(4, [1, 1], r"peak heights \[1, 1\] do not fit size 4", id="equal-heights"),
        pytest.param(-1, [0], "size must be >= 0, got -1", id="negative"),
    ],
)
def test_stored_peaks_must_fit_the_size(size: int, heights: list[int], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PeakAccumulator(size, [Peak(h, NEXT[0]) for h in heights])


def test_hashes_in_upper_case_or_with_surrounding_space_still_verify() -> None:
    proof = tree_of(13).inclusion_proof(9, NEXT[9])
    loud = dataclasses.replace(
        proof,
        root=proof.root.upper(),
        path=tuple(PathStep(s.side, f" {s.hash.upper()}") for s in proof.path),
        peaks=tuple(Peak(p.height, p.hash.upper()) for p in proof.peaks),
    )
    assert verify_inclusion_proof(loud)
    squeezed = dataclasses.replace(proof, path=(PathStep(proof.path[0].side, "00 11 " + "22" * 29), *proof.path[1:]))
    assert not verify_inclusion_proof(squeezed)


def test_leaf_access_and_raw_leaf_append_are_checked() -> None:
    tree, accumulator = MerkleMountainRange(), PeakAccumulator()
    leaf = bytes.fromhex(mmr.leaf_hash(NEXT[0]))
    assert tree.append_leaf_hash(leaf) == 0
    accumulator.append_leaf_hash(leaf)
    assert tree.root() == accumulator.root() == tree_of(1).root()
    for target in (tree, accumulator):
        with pytest.raises(ValidationError, match="a leaf hash must be 32 bytes"):
            target.append_leaf_hash(leaf[:31])
        with pytest.raises(ValidationError, match="a leaf hash must be 32 bytes"):
            target.append_leaf_hash(leaf.hex())  # type: ignore[arg-type]
    for index in (-1, 1):
        with pytest.raises(ValidationError, match=f"leaf index {index} out of range for size 1"):
            tree.leaf_hash(index)
