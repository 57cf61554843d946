"""MMR golden vectors (``tests_fixtures_mmr_roots.json``, reference-impl A 2.1 and B 14 items 31-33).

An independent oracle (recursive subtree roots, written from the spec text) cross-checks every node.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from msez.core import ValidationError
from msez.crypto import mmr


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _subtree(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    half = len(leaves) // 2
    return _h(b"\x01" + _subtree(leaves[:half]) + _subtree(leaves[half:]))


def oracle(next_roots: list[str]) -> tuple[str, list[tuple[int, str]]]:
    """``(root, [(height, peak)])`` straight from spec 40.10: binary decomposition, right-to-left bagging."""
    leaves = [_h(b"\x00" + bytes.fromhex(r)) for r in next_roots]
    peaks, start = [], 0
    for height in range(len(leaves).bit_length() - 1, -1, -1):
        if len(leaves) >> height & 1:
            peaks.append((height, _subtree(leaves[start : start + (1 << height)])))
            start += 1 << height
    bag = peaks[-1][1]
    for _, peak in reversed(peaks[:-1]):
        bag = _h(b"\x01" + peak + bag)
    return bag.hex(), [(h, p.hex()) for h, p in peaks]


def receipt_root(i: int) -> str:
    return hashlib.sha256(f"receipt-{i}".encode()).hexdigest()


def test_fixture_leaf_inputs_are_the_receipt_hashes(mmr_vectors: dict[str, Any]) -> None:
    assert mmr_vectors["next_roots"] == [receipt_root(i) for i in range(1, 18)]


def test_every_leaf_hash(mmr_vectors: dict[str, Any]) -> None:
    tree = mmr.MerkleMountainRange.from_next_roots(mmr_vectors["next_roots"])
    for index, (next_root, leaf) in enumerate(zip(mmr_vectors["next_roots"], mmr_vectors["leaf_hashes"], strict=True)):
        assert mmr.leaf_hash(next_root) == leaf
        assert tree.leaf_hash(index) == leaf
    for vector in mmr_vectors["leaf_hash_vectors"]:
        assert mmr.leaf_hash(vector["input_next_root"]) == vector["leaf_hash"]


def test_node_hash_vector(mmr_vectors: dict[str, Any]) -> None:
    vector = mmr_vectors["node_hash_vector"]
    assert mmr.node_hash(vector["left"], vector["right"]) == vector["result"]
    assert vector["result"] == "a34e6d5dac1ff07f820cc5156b41a50ce78c6a6868d81d5c5824cad0cab7250b"


def test_every_incremental_root_and_peaks(mmr_vectors: dict[str, Any]) -> None:
    next_roots = mmr_vectors["next_roots"]
    full = mmr.MerkleMountainRange.from_next_roots(next_roots)
    assert [e["size"] for e in mmr_vectors["incremental_roots"]]  # the fixture is not empty
    for entry in mmr_vectors["incremental_roots"]:
        size, prefix = entry["size"], next_roots[: entry["size"]]
        assert mmr.mmr_root_from_next_roots(prefix) == entry
        tree = mmr.MerkleMountainRange.from_next_roots(prefix)
        assert tree.root() == full.root(size) == entry["root"]
        assert [p.to_json() for p in tree.peaks()] == [p.to_json() for p in full.peaks(size)] == entry["peaks"]
        assert mmr.bag_peaks(tree.peaks()) == entry["root"]
        assert oracle(prefix) == (entry["root"], [(p["height"], p["hash"]) for p in entry["peaks"]])


@pytest.mark.parametrize(
    ("size", "root"),
    [
        pytest.param(1, "29534994a3ad2af6dd418f46d4093897971cd14bea312167ad82c4b31dbbfcec", id="1"),
        pytest.param(2, "a34e6d5dac1ff07f820cc5156b41a50ce78c6a6868d81d5c5824cad0cab7250b", id="2"),
        pytest.param(3, "59140b9d370d775da9f6e8e0fb3baa63489f19f4e62d8402495b9a576ce9fa51", id="3"),
        pytest.param(4, "4f3cf7244fc877caa995afae4651eca55e47d1a5783393209d40c35fc19e0f21", id="4"),
        pytest.param(5, "c05444bdd9862e94c1e9f4feefe78984eb141d7a9a8112c852011e37952e3a02", id="5"),
        pytest.param(8, "cc7b5fd2bc078fd0dc219b51d725405b4ba7cc936aeb83b4fb56d8a0ade8a9fb", id="8"),
        pytest.param(9, "2cbf59819f3070f62601d1e0c47af000896f1c7bcb3f1e421c9bcdbf6c20ef09", id="9"),
        pytest.param(16, "a4064c64f52cf7cc433bf372e64076ebd2b78a49e1e223748802831e7a7f32ad", id="16"),
        pytest.param(17, "338734a36416c5153c1a46812c5b3c2bfc3a4fa688beae56eb6ae8447143db2e", id="17"),
    ],
)
def test_reference_root_by_size(size: int, root: str) -> None:
    assert mmr.MerkleMountainRange.from_next_roots(receipt_root(i) for i in range(1, size + 1)).root() == root


def test_reference_17_leaf_peaks_and_proof_positions() -> None:
    next_roots = [receipt_root(i) for i in range(1, 18)]
    tree = mmr.MerkleMountainRange.from_next_roots(next_roots)
    assert [p.to_json() for p in tree.peaks()] == [
        {"height": 4, "hash": "a4064c64f52cf7cc433bf372e64076ebd2b78a49e1e223748802831e7a7f32ad"},
        {"height": 0, "hash": "2ba384ee5925e4ff8953fd5a59583c8fbff6fdf2f06ee056b6fae639ff1b66eb"},
    ]
    first, last = tree.inclusion_proof(0, next_roots[0]), tree.inclusion_proof(16, next_roots[16])
    assert (first.peak_index, first.peak_height, len(first.path)) == (0, 4, 4)
    assert (last.peak_index, last.peak_height, last.path) == (1, 0, ())


def test_every_node_on_every_path_matches_the_oracle() -> None:
    next_roots = [receipt_root(i) for i in range(1, 18)]
    leaves = [_h(b"\x00" + bytes.fromhex(r)) for r in next_roots]
    tree = mmr.MerkleMountainRange.from_next_roots(next_roots)
    for index in range(17):
        proof = tree.inclusion_proof(index, next_roots[index])
        for level, step in enumerate(proof.path):
            sibling = (index >> level) ^ 1
            span = leaves[sibling << level : (sibling + 1) << level]
            assert step.hash == _subtree(span).hex()
            assert step.side == ("left" if sibling < index >> level else "right")


@pytest.mark.parametrize(
    ("size", "plan"),
    [
        pytest.param(17, [(4, 16), (0, 1)], id="17"),
        pytest.param(7, [(2, 4), (1, 2), (0, 1)], id="7"),
        pytest.param(1, [(0, 1)], id="1"),
        pytest.param(0, [], id="0"),
    ],
)
def test_peak_plan(size: int, plan: list[tuple[int, int]]) -> None:
    assert mmr.peak_plan(size) == plan


def test_locate_leaf() -> None:
    assert mmr.locate_leaf(17, 0) == (0, 4, 0)
    assert mmr.locate_leaf(17, 16) == (1, 0, 16)
    assert mmr.locate_leaf(7, 5) == (1, 1, 4)
    with pytest.raises(ValidationError, match="leaf index 7 out of range for size 7"):
        mmr.locate_leaf(7, 7)


def test_empty_mmr() -> None:
    tree = mmr.MerkleMountainRange()
    assert (tree.size, tree.root(), tree.peaks()) == (0, "", [])
    assert mmr.bag_peaks([]) == ""
    assert mmr.mmr_root_from_next_roots([]) == {"size": 0, "root": "", "peaks": []}
    with pytest.raises(ValidationError, match="out of range"):
        tree.inclusion_proof(0, receipt_root(1))


def test_upper_case_next_root_is_the_same_leaf() -> None:
    root = receipt_root(1)
    tree = mmr.MerkleMountainRange()
    tree.append(f" {root.upper()} ")
    assert tree.leaf_hash(0) == mmr.leaf_hash(root)
    assert tree.inclusion_proof(0, root.upper()).receipt_next_root == root


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("ab" * 31, id="62-chars"),
        pytest.param("zz" * 32, id="not-hex"),
        pytest.param("00 11 " + "22" * 29, id="inner-spaces-64-chars"),
        pytest.param(None, id="none"),
    ],
)
def test_next_root_must_be_64_hex(bad: Any) -> None:
    with pytest.raises(ValidationError, match="next_root must be 64 hex chars"):
        mmr.MerkleMountainRange().append(bad)
    with pytest.raises(ValidationError, match="next_root must be 64 hex chars"):
        mmr.leaf_hash(bad)
