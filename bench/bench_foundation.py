"""Foundation benchmarks (issue 2): canonical form + SHA-256, the MMR at a million leaves, Ed25519 through msez.

Every figure is printed beside a floor measured in the same run:
(a) ``canonical_bytes`` + SHA-256 over ~1 MB of receipt-like documents vs ``json.dumps(sort_keys, compact,
    ensure_ascii=False)`` + SHA-256 of the same data (target <= 2x);
(b) MMR append of 1,000,000 leaves vs the raw hashlib work (2 SHA-256 per leaf) (target >= 200,000 leaves/s), and
    inclusion proof build and verify at that size vs the raw SHA-256 calls a verifier makes (target <= 50 us each);
(c) Ed25519 sign and verify through ``SigningKey``/``VerifyingKey`` vs raw ``cryptography`` calls (target <= 1.3x).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench._harness import Report, best_of, peak_rss_mib
from msez.core import canonical_bytes
from msez.crypto import SigningKey, mmr

MMR_LEAVES = 1_000_000
PROOF_SAMPLES = 2_000
SIGNATURES = 2_000


def best_pair(value: Callable[[], object], floor: Callable[[], object], *, repeat: int) -> tuple[float, float]:
    """Best seconds of ``value`` and of ``floor``, timed alternately so both see the same machine load."""
    best_value, best_floor = float("inf"), float("inf")
    for _ in range(repeat):
        best_floor = min(best_floor, best_of(floor, repeat=1))
        best_value = min(best_value, best_of(value, repeat=1))
    return best_value, best_floor


def run(report: Report) -> None:
    bench_canonical(report)
    bench_mmr(report)
    bench_ed25519(report)
    report.add("peak RSS after foundation benchmarks", peak_rss_mib(), "MiB")


# --- (a) canonical form -----------------------------------------------------------------------------------------


def _hex(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def receipt(i: int) -> dict[str, Any]:
    """A corridor receipt as the reference writes it: digests, RFC 3339 times, a transition, a proof."""
    return {
        "type": "MSEZCorridorStateReceipt",
        "corridor_id": "org.momentum.corridor.pk-rsez.ae-difc",
        "sequence": i,
        "timestamp": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(7 * i) % 60:02d}Z",
        "prev_root": _hex("prev", i),
        "next_root": _hex("next", i),
        "lawpack_digest_set": [_hex("lawpack", i % 3), _hex("lawpack", 7)],
        "ruleset_digest_set": [_hex("ruleset", i % 5)],
        "transition": {
            "type": "MSEZTransitionEnvelope",
            "kind": "settlement.transfer.v1",
            "payload_sha256": _hex("payload", i),
            "payload": {
                "amount": str(125_000 + 37 * i),
                "currency": "PKR",
                "value_date": "2026-01-15",
                "debtor": {"name": "Ahmed Khán Trading (Pvt) Ltd", "ntn": f"{i % 10_000_000:07d}"},
                "creditor": {"name": "شركة دبي للتجارة", "iban": f"AE07033{i:016d}"},
                "legs": [{"seq": n, "amount": str(1_000 * (n + 1)), "memo": f"ödeme café №{n}"} for n in range(3)],
            },
            "attachments": [{"artifact_type": "blob", "digest_sha256": _hex("att", i), "media_type": "text/plain"}],
        },
        "proof": {
            "type": "MsezEd25519Signature2025",
            "created": "2026-01-15T12:00:00Z",
            "verificationMethod": "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp#key-1",
            "proofPurpose": "assertionMethod",
            "jws": "4m9w-OWFOLy-lhhro3SP_JtERwLNv2WjFD92JyWykaGKp1xbTT-xNtzGFNUugDsjBncnh_fJ8-LkhDgApkvMBQ",
        },
    }


def _documents(target_bytes: int = 1_000_000) -> list[dict[str, Any]]:
    documents, size = [], 0
    while size < target_bytes:
        documents.append(receipt(len(documents)))
        size += len(canonical_bytes(documents[-1]))
    return documents


def bench_canonical(report: Report) -> None:
    documents = _documents()
    total = sum(len(canonical_bytes(d)) for d in documents)

    def through_msez() -> None:
        for document in documents:
            hashlib.sha256(canonical_bytes(document).data).digest()

    def json_dumps() -> None:
        for document in documents:
            text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            hashlib.sha256(text.encode("utf-8")).digest()

    value, floor = (seconds * 1e3 for seconds in best_pair(through_msez, json_dumps, repeat=9))
    report.add(
        f"(a) canonical_bytes + SHA-256, {len(documents)} receipts, {total / 1e6:.2f} MB",
        value,
        "ms",
        floor=floor,
        floor_name="json.dumps + SHA-256",
        target="<= 2x floor",
        met=value <= 2 * floor,
    )


# --- (b) MMR ----------------------------------------------------------------------------------------------------


def next_root(i: int) -> str:
    return hashlib.sha256(i.to_bytes(8, "big")).hexdigest()


def bench_mmr(report: Report) -> None:
    tree, elapsed = _append_all()
    rate = MMR_LEAVES / elapsed
    report.add(
        f"(b) MMR append, {MMR_LEAVES:,} leaves",
        rate,
        "leaves/s",
        floor=MMR_LEAVES / _raw_append_seconds(),
        floor_name="raw hashlib, 2 SHA-256 per leaf",
        target=">= 200,000 leaves/s",
        met=rate >= 200_000,
    )
    indices = random.Random(2).sample(range(MMR_LEAVES), PROOF_SAMPLES)
    roots = {i: next_root(i) for i in indices}
    proofs = [tree.inclusion_proof(i, roots[i]) for i in indices]
    assert all(mmr.verify_inclusion_proof(p) for p in proofs)
    raw_verify = _raw_verify(proofs)
    steps = (
        ("build", lambda: [tree.inclusion_proof(i, roots[i]) for i in indices]),
        ("verify", lambda: [mmr.verify_inclusion_proof(p) for p in proofs]),
    )
    for name, work in steps:
        value, floor = (seconds / PROOF_SAMPLES * 1e6 for seconds in best_pair(work, raw_verify, repeat=7))
        report.add(
            f"(b) MMR inclusion proof {name} at {MMR_LEAVES:,} leaves",
            value,
            "us",
            floor=floor,
            floor_name="raw SHA-256 calls of one verification",
            target="<= 50 us",
            met=value <= 50,
        )


def _append_all() -> tuple[mmr.MerkleMountainRange, float]:
    """Append every leaf; only the ``append`` calls are timed (inputs are made in chunks beforehand)."""
    tree, elapsed, chunk = mmr.MerkleMountainRange(), 0.0, 100_000
    for start in range(0, MMR_LEAVES, chunk):
        batch = [next_root(i) for i in range(start, start + chunk)]
        append = tree.append
        began = time.perf_counter()
        for value in batch:
            append(value)
        elapsed += time.perf_counter() - began
    return tree, elapsed


def _raw_append_seconds() -> float:
    sha256, leaf = hashlib.sha256, b"\x11" * 32

    def work() -> None:
        node = leaf
        for _ in range(MMR_LEAVES):
            node = sha256(b"\x01" + sha256(b"\x00" + leaf).digest() + node).digest()

    return best_of(work, repeat=1)


def _raw_verify(proofs: list[mmr.InclusionProof]) -> Callable[[], None]:
    """The SHA-256 calls of each verification (leaf, path, bagging) on pre-decoded bytes."""
    sha256 = hashlib.sha256
    decoded = [
        (
            bytes.fromhex(p.receipt_next_root),
            [bytes.fromhex(s.hash) for s in p.path],
            [bytes.fromhex(peak.hash) for peak in p.peaks],
        )
        for p in proofs
    ]

    def work() -> None:
        for next_root_raw, path, peaks in decoded:
            cur = sha256(b"\x00" + next_root_raw).digest()
            for sibling in path:
                cur = sha256(b"\x01" + cur + sibling).digest()
            bag = peaks[-1]
            for peak in peaks[-2::-1]:
                bag = sha256(b"\x01" + peak + bag).digest()

    return work


# --- (c) Ed25519 ------------------------------------------------------------------------------------------------


def bench_ed25519(report: Report) -> None:
    key = SigningKey.from_seed(bytes(range(32)))
    raw_key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    raw_public = raw_key.public_key()
    message = canonical_bytes(receipt(1))
    data = message.data
    signature = key.sign(message)
    public = key.verifying_key
    cases = (
        ("sign", lambda: key.sign(message), lambda: raw_key.sign(data)),
        ("verify", lambda: public.verify(message, signature), lambda: raw_public.verify(signature.raw, data)),
    )
    for name, through_msez, raw in cases:
        value, floor = (
            seconds / SIGNATURES * 1e6
            for seconds in best_pair(
                lambda fn=through_msez: [fn() for _ in range(SIGNATURES)],
                lambda fn=raw: [fn() for _ in range(SIGNATURES)],
                repeat=9,
            )
        )
        report.add(
            f"(c) Ed25519 {name} through msez, {len(data)} B message",
            value,
            "us",
            floor=floor,
            floor_name=f"raw cryptography {name}",
            target="<= 1.3x floor",
            met=value <= 1.3 * floor,
        )
