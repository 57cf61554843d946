"""``msez settle``: plan, verify, pacs008, parse and route end to end on files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msez.cli import run
from msez.core import ContentDigest


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.fixture
def obligations(tmp_path: Path) -> Path:
    return write(
        tmp_path / "obligations.json",
        {
            "corridor_id": "corridor-pk-ae",
            "obligations": [
                {"from_party": "A", "to_party": "B", "amount": 10000, "currency": "USD"},
                {"from_party": "B", "to_party": "A", "amount": 6000, "currency": "USD"},
                {"debtor_party_id": "C", "creditor_party_id": "A", "amount": {"currency": "KWD", "value": "1.250"}},
            ],
        },
    )


def test_plan_verify_pacs008_parse(tmp_path: Path, obligations: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan, store, xml = tmp_path / "plan.json", tmp_path / "store", tmp_path / "plan.xml"
    args = ["settle", "plan", "--input", str(obligations), "--out", str(plan), "--store", str(store)]
    assert run([*args, "--created-at", "2026-01-15T12:00:00Z", "--mode", "min-legs"]) == 0
    digest = capsys.readouterr().out.split()[0]
    assert (store / "settlement-plan" / f"{ContentDigest(digest).hex}.json").exists()
    assert run(["settle", "verify", str(plan)]) == 0
    assert capsys.readouterr().out == f"UNSIGNED (no proof)\nPLAN OK {digest}\n"
    parties = write(
        tmp_path / "parties.json",
        [{"party_id": "B", "name": "Smith & Sons <Ltd>", "agent_bic": "NBOKKWKW", "iban": "DE89370400440532013000"}],
    )
    pacs = ["settle", "pacs008", str(plan), "--debtor-agent", "DEUTDEFF", "--parties", str(parties), "--out", str(xml)]
    assert run(pacs) == 0
    capsys.readouterr()
    assert run(["settle", "parse", str(xml)]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["message"] == "pacs.008"
    assert [(x["from_party"], x["to_party"], x["amount"], x["currency"]) for x in parsed["legs"]] == [
        ("C", "A", 1250, "KWD"),
        ("A", "B", 4000, "USD"),
    ]


def test_tampered_plan_fails_verification(
    tmp_path: Path, obligations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.json"
    assert run(["settle", "plan", "--input", str(obligations), "--out", str(plan)]) == 0
    document = json.loads(plan.read_text(encoding="utf-8"))
    document["legs"][0]["amount"] += 1
    write(plan, document)
    capsys.readouterr()
    assert run(["settle", "verify", str(plan)]) == 1
    assert "FAIL legs do not balance for A in KWD" in capsys.readouterr().out
    assert run(["settle", "pacs008", str(plan), "--debtor-agent", "DEUTDEFF", "--out", str(tmp_path / "x.xml")]) == 2
    assert "plan does not verify" in capsys.readouterr().err
    assert not (tmp_path / "x.xml").exists()


@pytest.mark.parametrize(
    ("obligation", "message"),
    [
        pytest.param({"from_party": "A", "to_party": "A", "amount": 5, "currency": "USD"}, "owes itself", id="self"),
        pytest.param({"from_party": "A", "to_party": "B", "amount": 1.5, "currency": "USD"}, "positive", id="float"),
        pytest.param(
            {"from_party": "A", "to_party": "B", "amount": {"currency": "JPY", "value": "1.5"}},
            "not representable",
            id="fractional-yen",
        ),
    ],
)
def test_bad_obligations_are_one_line_errors(
    tmp_path: Path, obligation: dict[str, object], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "o.json", [obligation])
    assert run(["settle", "plan", "--input", str(path), "--out", str(tmp_path / "p.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: $[0]: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "p.json").exists()


def test_route(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edges = write(
        tmp_path / "edges.json",
        {
            "edges": [
                {"from": "PK-RSEZ", "to": "AE-DIFC", "corridor_id": "c1", "fee_bps": 50, "settlement_time_secs": 60},
                {"from": "AE-DIFC", "to": "US-NYFC", "corridor_id": "c2", "fee_bps": 30, "settlement_time_secs": 90},
                {"from": "PK-RSEZ", "to": "US-NYFC", "corridor_id": "c3", "fee_bps": 200},
            ]
        },
    )
    assert run(["settle", "route", "--edges", str(edges), "--from", "PK-RSEZ", "--to", "US-NYFC"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 hops, 80 bps, 150 s"
    assert run(["settle", "route", "--edges", str(edges), "--from", "US-NYFC", "--to", "PK-RSEZ"]) == 1


def test_plan_with_limits_defers_and_verifies(
    tmp_path: Path, obligations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    limits = write(tmp_path / "limits.json", {"limits": [{"party_id": "A", "currency": "USD", "max_net_debit": 0}]})
    plan = tmp_path / "plan.json"
    assert run(["settle", "plan", "--input", str(obligations), "--limits", str(limits), "--out", str(plan)]) == 0
    assert "(1 deferred)" in capsys.readouterr().out
    document = json.loads(plan.read_text(encoding="utf-8"))
    assert document["deferred"][0]["reason"] == "A would pay 4000 USD net, above its limit of 0"
    assert run(["settle", "verify", str(plan)]) == 0
