"""``msez tensor evaluate`` and ``msez manifold route``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msez.cli import run

REQUEST = {
    "jurisdiction_id": "pk-rsez",
    "applicable_domains": ["kyc"],
    "evaluated_at": "2026-03-01T00:00:00Z",
    "subject": {"entity_id": "ent-1", "name": "Acme"},
    "cells": {
        "kyc": {
            "state": "compliant",
            "attestations": [
                {
                    "attestation_id": "att-7",
                    "attestation_type": "kyc_verification",
                    "issuer_did": "did:key:z6MkI",
                    "issued_at": "2025-01-01",
                    "digest": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                    "expires_at": "2027-02-01T00:00:00Z",
                }
            ],
        }
    },
}


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_evaluate_passing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tensor", "evaluate", write(tmp_path, REQUEST), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["aggregate"], out["blocking_domains"]) == ("not_applicable", [])  # meet of compliant and n/a
    assert out["results"]["kyc"]["state"] == "compliant" and out["results"]["kyc"]["attestation_ids"] == ["att-7"]


def test_evaluate_expired_explains_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = json.loads(json.dumps(REQUEST))
    request["evaluated_at"] = "2027-03-01T00:00:00Z"
    assert run(["tensor", "evaluate", write(tmp_path, request)]) == 1
    out = capsys.readouterr().out
    assert "attestation_expi" in out and "aggregate: non_compliant" in out and "not applicable in pk-rsez" in out


def test_evaluate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["tensor", "evaluate", write(tmp_path, {"jurisdiction_id": "x"})]) == 2
    assert "error: $.subject: invalid EvaluationRequestModel" in capsys.readouterr().err


def test_route(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["manifold", "route", "uae-difc", "pk-rsez", "--value", "1000000"]) == 0
    assert "1. uae-difc -> kz-aifc -> pk-rsez: cost 87500, 108 h" in capsys.readouterr().out
    assert run(["manifold", "route", "uae-difc", "pk-rsez", "--max-hops", "1"]) == 1
    assert run(["manifold", "route", "uae-difc", "mars"]) == 2
    assert "error: jurisdiction 'mars' is not in the manifold" in capsys.readouterr().err
