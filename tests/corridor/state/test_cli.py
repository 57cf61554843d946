"""``msez corridor state`` end to end on files. ``PREFIX`` is the command group."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from msez.cli import run
from msez.corridor import genesis_root
from msez.vc import Signer, new_credential, sign_credential, write_private_jwk
from tests.corridor.state.conftest import CORRIDOR, T0, World, receipt

PREFIX = ["corridor", "state"]
AT = "2026-01-15T14:00:00Z"


def cli(*args: str | Path) -> int:
    return run([*PREFIX, *(str(a) for a in args)])


def write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def jsonl(path: Path, receipts: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in receipts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, world: World, thousand: list[dict[str, Any]]) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("corridor-cli")
    out = {"root": root, "policy": write(root / "policy.json", world.policy.to_json())}
    for name, signer in (
        ("zone_a", world.zone_a),
        ("zone_b", world.zone_b),
        ("regulator", world.regulator),
        ("watcher0", world.watchers[0]),
        ("watcher1", world.watchers[1]),
    ):
        out[name] = root / f"{name}.jwk"
        write_private_jwk(out[name], signer.key)
    out["receipts"] = jsonl(root / "receipts.jsonl", thousand[:12])
    out["prefix"] = jsonl(root / "prefix.jsonl", thousand[:5])
    return out


def test_genesis_root(files: dict[str, Path], world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("genesis-root", "--policy", files["policy"]) == 0
    assert capsys.readouterr().out.strip() == genesis_root(world.policy).hex


def test_receipt_init_sign_verify(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "r0.json"
    args = ["receipt-init", "--policy", files["policy"], "--timestamp", AT, "--key", files["zone_a"], "--out", first]
    assert cli(*args) == 0
    assert cli("receipt-sign", first, "--key", files["zone_b"]) == 0
    assert cli("verify", "--policy", files["policy"], "--receipts", first, "--enforce-receipt-threshold") == 1
    assert "FAIL receipt 0: threshold-not-met: regulator 0 of 1 required" in capsys.readouterr().err
    assert cli("receipt-sign", first, "--key", files["regulator"]) == 0
    assert cli("verify", "--policy", files["policy"], "--receipts", tmp_path, "--enforce-receipt-threshold") == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("OK 1 receipts; final_state_root ")


def test_chain_checkpoints_and_proofs(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy, receipts = files["policy"], files["receipts"]
    assert cli("verify", "--policy", policy, "--receipts", receipts, "--enforce-receipt-threshold", "--json") == 0
    assert json.loads(capsys.readouterr().out)["receipt_count"] == 12
    old, new = tmp_path / "cp5.json", tmp_path / "cp12.json"
    for source, target in ((files["prefix"], old), (receipts, new)):
        assert (
            cli("checkpoint", "--policy", policy, "--receipts", source, "--key", files["zone_a"], "--out", target) == 0
        )
    proof = tmp_path / "proof7.json"
    assert (
        cli(
            "inclusion-proof",
            "--policy",
            policy,
            "--receipts",
            receipts,
            "--sequence",
            "7",
            "--checkpoint",
            new,
            "--out",
            proof,
        )
        == 0
    )
    receipt7 = write(tmp_path / "r7.json", json.loads(receipts.read_text().splitlines()[7]))
    assert (
        cli("verify-inclusion", "--policy", policy, "--receipt", receipt7, "--proof", proof, "--checkpoint", new) == 0
    )
    assert (
        cli("verify-inclusion", "--policy", policy, "--receipt", receipt7, "--proof", proof, "--checkpoint", old) == 1
    )
    assert "FAIL wrong-checkpoint" in capsys.readouterr().err
    consistency = tmp_path / "consistency.json"
    assert (
        cli(
            "consistency-proof",
            "--policy",
            policy,
            "--receipts",
            receipts,
            "--old",
            old,
            "--new",
            new,
            "--out",
            consistency,
        )
        == 0
    )
    assert cli("verify-consistency", "--policy", policy, "--proof", consistency, "--old", old, "--new", new) == 0
    assert cli("verify", "--policy", policy, "--receipts", receipts, "--from-checkpoint", old) == 0
    capsys.readouterr()
    note = tmp_path / "cp12.note"
    assert (
        cli(
            "checkpoint-note",
            "--policy",
            policy,
            "--checkpoint",
            new,
            "--key",
            files["zone_a"],
            "--name",
            "zone-a.example",
            "--out",
            note,
        )
        == 0
    )
    vkey = capsys.readouterr().err.split("verifier key: ")[1].strip()
    assert cli("verify-note", note, "--vkey", vkey, "--policy", policy, "--checkpoint", new) == 0
    assert capsys.readouterr().out.strip() == f"OK msez.corridor/{CORRIDOR} size 12 signed by zone-a.example"
    note.write_text(note.read_text().replace("\n12\n", "\n13\n"))
    assert cli("verify-note", note, "--vkey", vkey) == 1


def test_require_artifacts(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["verify", "--policy", files["policy"], "--receipts", files["prefix"], "--require-artifacts"]
    assert cli(*args, "--store", tmp_path) == 1
    assert re.search(
        r"FAIL receipt 0: missing-artifact: lawpack/(1a)+: artifact lawpack/(1a)+ not found", capsys.readouterr().err
    )


def test_watchers(files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy, cp = files["policy"], tmp_path / "cp.json"
    assert (
        cli("checkpoint", "--policy", policy, "--receipts", files["receipts"], "--key", files["zone_a"], "--out", cp)
        == 0
    )
    vcs = []
    for name in ("watcher0", "watcher1"):
        vcs += ["--vcs", tmp_path / f"{name}.vc.json"]
        assert (
            cli(
                "watcher-attest",
                "--policy",
                policy,
                "--checkpoint",
                cp,
                "--key",
                files[name],
                "--observed-at",
                AT,
                "--out",
                vcs[-1],
            )
            == 0
        )
    capsys.readouterr()
    assert cli("watcher-compare", "--policy", policy, *vcs, "--at", AT, "--require-quorum") == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["status"], report["quorum"]["required_count"], report["quorum"]["of"]) == ("ok", 2, 3)
    assert (
        cli("watcher-compare", "--policy", policy, *vcs, "--at", AT, "--quorum-threshold", "3/3", "--require-quorum")
        == 1
    )
    assert "FAIL NO QUORUM" in capsys.readouterr().err


def _vc(signer: Signer, vc_type: str) -> dict[str, Any]:
    unsigned = new_credential(types=[vc_type], issuer=str(signer.did), subject={"corridor_id": CORRIDOR}, issued_at=T0)
    return sign_credential(unsigned, signer, created=T0).to_json()


def test_fork_lifecycle(
    files: dict[str, Path],
    world: World,
    thousand: list[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy, base = files["policy"], thousand[:5]
    a = write(tmp_path / "a.json", receipt(world, 5, base[-1]["next_root"], payload={"branch": "a"}))
    b_receipt = receipt(world, 5, base[-1]["next_root"], payload={"branch": "b"})
    b = write(tmp_path / "b.json", b_receipt)
    forked = jsonl(tmp_path / "forked.jsonl", [*base, json.loads(a.read_text()), b_receipt])
    alarm, resolution, state = tmp_path / "alarm.json", tmp_path / "resolution.json", tmp_path / "lifecycle.json"
    assert (
        cli(
            "fork-alarm",
            "--policy",
            policy,
            "--receipt-a",
            a,
            "--receipt-b",
            b,
            "--key",
            files["watcher0"],
            "--detected-at",
            AT,
            "--store",
            tmp_path / "cas",
            "--out",
            alarm,
        )
        == 0
    )
    assert len(list((tmp_path / "cas" / "blob").iterdir())) == 2
    assert cli("verify", "--policy", policy, "--receipts", forked) == 1
    assert "FAIL receipt 5: fork: 2 valid receipts and no binding fork resolution" in capsys.readouterr().err
    assert cli("fork-inspect", "--policy", policy, "--receipts", forked) == 0
    assert json.loads(capsys.readouterr().out)["forks"]["unresolved"] == 1
    assert (
        cli(
            "fork-resolve",
            "--policy",
            policy,
            "--sequence",
            "5",
            "--prev-root",
            base[-1]["next_root"],
            "--chosen-next-root",
            b_receipt["next_root"],
            "--key",
            files["zone_a"],
            "--resolved-at",
            AT,
            "--out",
            resolution,
        )
        == 0
    )
    assert cli("verify", "--policy", policy, "--receipts", forked, "--fork-resolutions", resolution, "--at", AT) == 0
    assert b_receipt["next_root"] in capsys.readouterr().out
    status = tmp_path / "finality.json"
    assert cli("finality-status", "--policy", policy, "--receipts", files["prefix"], "--at", AT, "--out", status) == 0
    steps = [
        ("DRAFT", "PENDING", [write(tmp_path / "def.json", _vc(world.zone_a, "MSEZCorridorDefinitionCredential"))], []),
        (
            "PENDING",
            "ACTIVE",
            [write(tmp_path / "agr.json", _vc(world.zone_b, "MSEZCorridorAgreementCredential"))],
            ["--finality-status", status],
        ),
        ("ACTIVE", "HALTED", [alarm], []),
        ("HALTED", "ACTIVE", [resolution], []),
    ]
    for index, (source, target, evidence, extra) in enumerate(steps):
        request = tmp_path / f"t{index}.json"
        assert (
            cli(
                "lifecycle-vc",
                "--policy",
                policy,
                "--from",
                source,
                "--to",
                target,
                "--key",
                files["zone_a"],
                "--at",
                AT,
                "--out",
                request,
            )
            == 0
        )
        flags = [flag for path in evidence for flag in ("--evidence", str(path))]
        assert (
            cli("lifecycle", state, "--policy", policy, "--transition", request, *flags, *extra, "--init", "--at", AT)
            == 0
        ), capsys.readouterr().err
    record = json.loads(state.read_text())
    assert (record["state"], [h["to_state"] for h in record["history"]]) == (
        "ACTIVE",
        ["PENDING", "ACTIVE", "HALTED", "ACTIVE"],
    )
    assert (
        cli(
            "lifecycle-vc",
            "--policy",
            policy,
            "--from",
            "ACTIVE",
            "--to",
            "OPERATIONAL",
            "--key",
            files["zone_a"],
            "--out",
            tmp_path / "bad.json",
        )
        == 0
    )
    assert cli("lifecycle", state, "--policy", policy, "--transition", tmp_path / "bad.json") == 2
    assert "OPERATIONAL is a v1 corridor state" in capsys.readouterr().err


def test_receipts_from_a_directory_or_an_array(
    files: dict[str, Path], thousand: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "receipts"
    directory.mkdir()
    for item in thousand[:11]:
        write(directory / f"corridor-receipt.{item['sequence']}.json", item)  # 10 sorts after 9, not after 1
    array = write(tmp_path / "receipts.json", thousand[:3])
    for source, count in ((directory, 11), (array, 3)):
        assert cli("verify", "--policy", files["policy"], "--receipts", source) == 0
        assert capsys.readouterr().out.startswith(f"OK {count} receipts")
