"""Acceptance 4: sanctions screening, each case asserting which field matched, the score and why; the indexed
screener in reference mode returns exactly what the reference's full scan returns."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msez.core import ValidationError
from msez.pack import (
    MatchField,
    MatchRule,
    ReferenceSanctionsChecker,
    SanctionsEntry,
    SanctionsScreener,
    fold_name,
    fuzzy_score,
    normalise_name,
)
from tests.conftest import REPO


@pytest.fixture
def screener(sanctions_entries: list[dict[str, Any]]) -> SanctionsScreener:
    return SanctionsScreener([SanctionsEntry.from_json(e) for e in sanctions_entries], snapshot_id="test")


@pytest.mark.parametrize(
    ("query", "identifiers", "expected"),
    [
        pytest.param(
            "MUHAMMAD ABD-AL-RAHMAN QURESHI",
            (),
            (
                "E-1",
                MatchField.PRIMARY_NAME,
                MatchRule.EXACT_NAME,
                1.0,
                'primary name "Muhammad Abd al-Rahman Qureshi" equals the query after normalisation',
            ),
            id="exact-name",
        ),
        pytest.param(
            "abu hamza",
            (),
            (
                "E-1",
                MatchField.ALIAS,
                MatchRule.EXACT_NAME,
                1.0,
                'alias "Abu Hamza" equals the query after normalisation',
            ),
            id="alias",
        ),
        pytest.param(
            "Someone Else",
            (("passport", " ab1234567 "),),
            (
                "E-1",
                MatchField.IDENTIFIER,
                MatchRule.IDENTIFIER,
                1.0,
                'identifier passport "AB1234567" equals the query\'s passport " ab1234567 "',
            ),
            id="identifier",
        ),
        pytest.param(
            "Unknown",
            (("cnic", "3520212345671"),),
            ("E-4", MatchField.IDENTIFIER, MatchRule.IDENTIFIER, 1.0, "(case and separators ignored)"),
            id="identifier-separators",
        ),
        pytest.param(
            "Crescent Indus Trading",
            (),
            (
                "E-3",
                MatchField.PRIMARY_NAME,
                MatchRule.CONTAINMENT,
                0.9,
                'query "crescent indus trading" is contained in primary name "Crescent Indus Trading Co."',
            ),
            id="fuzzy-containment",
        ),
        pytest.param(
            "Farah Siddiqui Naz Begum",
            (),
            (
                "E-6",
                MatchField.PRIMARY_NAME,
                MatchRule.TOKEN_JACCARD,
                0.75,
                'primary name "Farah Naz Siddiqui" shares 3 of 4 distinct words with the query (Jaccard 0.750)',
            ),
            id="fuzzy-jaccard",
        ),
        pytest.param(
            "Mohammed Abdul Rehman Qureshi",
            (),
            (
                "E-1",
                MatchField.PRIMARY_NAME,
                MatchRule.FOLDED_EXACT,
                1.0,
                'equals the query after folding (transliteration): "muhammad abdul rahman qureshi"',
            ),
            id="transliteration",
        ),
        pytest.param(
            "Jose Nunez Ortega",
            (),
            (
                "E-2",
                MatchField.PRIMARY_NAME,
                MatchRule.FOLDED_EXACT,
                1.0,
                "equals the query after folding (diacritics)",
            ),
            id="diacritics",
        ),
        pytest.param(
            "Khattak, Tariq Mahmud",
            (),
            (
                "E-4",
                MatchField.PRIMARY_NAME,
                MatchRule.FOLDED_EXACT,
                1.0,
                "equals the query after folding (transliteration, word order)",
            ),
            id="word-order",
        ),
    ],
)
def test_match_explains_field_score_and_rule(
    screener: SanctionsScreener,
    query: str,
    identifiers: tuple[tuple[str, str], ...],
    expected: tuple[str, MatchField, MatchRule, float, str],
) -> None:
    entry_id, field, rule, score, why = expected
    result = screener.screen(query, identifiers)
    assert result.matched
    match = next(m for m in result.matches if m.entry_id == entry_id)
    assert (match.field, match.rule, match.score) == (field, rule, score)
    assert why in match.explanation
    assert result.match_score == max(m.score for m in result.matches)


def test_below_threshold_is_not_a_match(screener: SanctionsScreener) -> None:
    # Shares 2 of 4 words with "Farah Naz Siddiqui": Jaccard 0.5, under the default 0.7.
    assert fuzzy_score(normalise_name("Farah Siddiqui Begum"), normalise_name("Farah Naz Siddiqui")) == 0.5
    assert not screener.screen("Farah Siddiqui Begum").matched
    lowered = screener.screen("Farah Siddiqui Begum", threshold=0.5)
    assert [(m.entry_id, m.rule, m.score) for m in lowered.matches] == [("E-6", MatchRule.TOKEN_JACCARD, 0.5)]
    assert "shares 2 of 4 distinct words" in lowered.matches[0].explanation


def test_reference_checker_finds_no_transliteration(sanctions_entries: list[dict[str, Any]]) -> None:
    entries = [SanctionsEntry.from_json(e) for e in sanctions_entries]
    reference = ReferenceSanctionsChecker(entries).check_entity("Mohammed Abdul Rehman Qureshi")
    assert [(m.entry_id, m.match_type) for m in reference.matches] == []
    assert SanctionsScreener(entries, folding=False).screen("Mohammed Abdul Rehman Qureshi").matches == ()


def test_threshold_must_be_a_fraction(screener: SanctionsScreener) -> None:
    with pytest.raises(ValidationError, match=r"threshold must be in \(0, 1\], got 1.5"):
        screener.screen("x", threshold=1.5)


def test_reference_short_circuits_fuzzy_after_an_exact_hit(sanctions_entries: list[dict[str, Any]]) -> None:
    entries = [
        SanctionsEntry.from_json(e) for e in [*sanctions_entries, {"entry_id": "E-7", "primary_name": "Crescent Indus"}]
    ]
    reference = ReferenceSanctionsChecker(entries).check_entity("Crescent Indus")
    assert [(m.entry_id, m.match_type, m.field) for m in reference.matches] == [
        ("E-3", "exact_name", MatchField.ALIAS),
        ("E-7", "exact_name", MatchField.PRIMARY_NAME),
    ]


def test_folding() -> None:
    assert fold_name("Mohamed ʿAbd al-Rahmān") == "muhammad abdul rahman"
    assert fold_name("Ḥusayn Sa'id") == "husain saeed"


# A small alphabet makes collisions, containment and shared words likely.
_WORDS = st.sampled_from(["ali", "khan", "al", "hasan", "ahmad", "alina", "han", "a", "kha", "muhammad", "ali-khan"])
_NAMES = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)
_ENTRIES = st.lists(st.tuples(_NAMES, st.lists(_NAMES, max_size=2)), min_size=1, max_size=12)


@given(entries=_ENTRIES, query=_NAMES, threshold=st.sampled_from([0.3, 0.5, 0.7, 0.9, 1.0]))
def test_indexed_reference_mode_equals_the_full_scan(
    entries: list[tuple[str, list[str]]], query: str, threshold: float
) -> None:
    records = [
        SanctionsEntry.from_json({"entry_id": f"E{i}", "primary_name": n, "aliases": [{"name": a} for a in al]})
        for i, (n, al) in enumerate(entries)
    ]
    expected = ReferenceSanctionsChecker(records).check_entity(query, threshold=threshold)
    actual = SanctionsScreener(records, folding=False).screen(query, threshold=threshold)
    assert [(m.entry_id, m.score, m.match_type, m.field) for m in actual.matches] == [
        (m.entry_id, m.score, m.match_type, m.field) for m in expected.matches
    ]
    folded = SanctionsScreener(records).screen(query, threshold=threshold)
    best = {m.entry_id: m.score for m in folded.matches}
    assert all(best.get(m.entry_id, 0) >= m.score for m in expected.matches)


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_sanctions", REPO / "scripts" / "gen_sanctions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_sanctions_list_matches_its_generator() -> None:
    committed = REPO / "packs/pk-rsez/regpacks/sanctions/sanctions/entries.json"
    assert _generator().render(_generator().generate(3000, 20260115)) == committed.read_bytes()


def test_example_list_screening(tmp_path: Path) -> None:
    entries = json.loads((REPO / "packs/pk-rsez/regpacks/sanctions/sanctions/entries.json").read_text())
    records = [SanctionsEntry.from_json(e) for e in entries]
    indexed, reference = SanctionsScreener(records, folding=False), ReferenceSanctionsChecker(records)
    for entry in entries[:40]:
        query = entry["primary_name"]
        got = [(m.entry_id, m.score) for m in indexed.screen(query).matches]
        assert got == [(m.entry_id, m.score) for m in reference.check_entity(query).matches]
        assert (entry["entry_id"], 1.0) in got
