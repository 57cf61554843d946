"""Sanctions entries, match results and the reference checker (reference-impl A 6.2 ``SanctionsChecker``).

:class:`ReferenceSanctionsChecker` is a line-for-line port and scans every indexed name per query; it is the
oracle the indexed :class:`~msez.pack.SanctionsScreener` is tested against and the full-scan floor of the bench.
Its fuzzy scan visits names in first-indexed order (entries in list order, primary name before aliases), which
is what the Python tool's dict does; the Rust ``HashMap`` order is unspecified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from msez.core import ValidationError
from msez.pack._names import normalise


class MatchField(StrEnum):
    """Which part of a sanctions entry matched."""

    PRIMARY_NAME = "primary_name"
    ALIAS = "alias"
    IDENTIFIER = "identifier"


class MatchRule(StrEnum):
    """Why it matched: the reference rules, then the folding rules (improvements)."""

    EXACT_NAME = "exact_name"
    CONTAINMENT = "containment"
    TOKEN_JACCARD = "token_jaccard"
    IDENTIFIER = "identifier"
    FOLDED_EXACT = "folded_exact"
    FOLDED_CONTAINMENT = "folded_containment"
    FOLDED_JACCARD = "folded_jaccard"


_REFERENCE_TYPE = {
    MatchRule.EXACT_NAME: "exact_name",
    MatchRule.IDENTIFIER: "identifier",
}


@dataclass(frozen=True)
class SanctionsEntry:
    """One listed person, entity, vessel or aircraft (the fields screening uses; ``raw`` keeps the rest)."""

    entry_id: str
    entry_type: str
    primary_name: str
    aliases: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> SanctionsEntry:
        """Read an entry; aliases are maps with ``name`` or ``alias``, identifiers maps with ``type`` and ``value``.

        Raises:
            ValidationError: a required field is missing or of the wrong type.
        """
        try:
            aliases = tuple(str(a.get("name") or a.get("alias") or "") for a in value.get("aliases", ()))
            identifiers = tuple((str(i.get("type", "")), str(i["value"])) for i in value.get("identifiers", ()))
            return cls(
                entry_id=str(value["entry_id"]),
                entry_type=str(value.get("entry_type", "")),
                primary_name=str(value["primary_name"]),
                aliases=tuple(a for a in aliases if a),
                identifiers=identifiers,
                raw=value,
            )
        except (KeyError, TypeError, AttributeError) as e:
            where = value.get("entry_id", "?") if isinstance(value, Mapping) else "?"
            raise ValidationError(f"sanctions entry {where}: malformed ({type(e).__name__}: {e})") from None

    def names(self) -> list[tuple[MatchField, str]]:
        """Primary name, then aliases, in order."""
        return [(MatchField.PRIMARY_NAME, self.primary_name), *((MatchField.ALIAS, a) for a in self.aliases)]


@dataclass(frozen=True)
class SanctionsMatch:
    """One matched entry: what matched (``field``, ``matched_value``), the score and why (``rule``,
    ``explanation``). ``match_type`` is the reference's label: exact_name, fuzzy_name or identifier."""

    entry: SanctionsEntry
    score: float
    field: MatchField
    matched_value: str
    rule: MatchRule
    explanation: str
    identifier_type: str | None = None

    @property
    def entry_id(self) -> str:
        return self.entry.entry_id

    @property
    def match_type(self) -> str:
        return _REFERENCE_TYPE.get(self.rule, "fuzzy_name")

    def to_json(self) -> dict[str, Any]:
        out = {
            "entry_id": self.entry_id,
            "entry_type": self.entry.entry_type,
            "primary_name": self.entry.primary_name,
            "match_type": self.match_type,
            "field": self.field.value,
            "matched_value": self.matched_value,
            "rule": self.rule.value,
            "score": round(self.score, 4),
            "explanation": self.explanation,
        }
        if self.identifier_type is not None:
            out["identifier_type"] = self.identifier_type
        return out


@dataclass(frozen=True)
class ScreeningResult:
    """The reference's SanctionsCheckResult: ``matched`` is any match, ``match_score`` the best score."""

    query: str
    snapshot_id: str
    threshold: float
    matches: tuple[SanctionsMatch, ...]

    @property
    def matched(self) -> bool:
        return bool(self.matches)

    @property
    def match_score(self) -> float:
        return max((m.score for m in self.matches), default=0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "snapshot_id": self.snapshot_id,
            "threshold": self.threshold,
            "matched": self.matched,
            "match_score": round(self.match_score, 4),
            "matches": [m.to_json() for m in self.matches],
        }


def fuzzy_score(query: str, target: str) -> float:
    """The reference score of two normalised names: 1.0 equal; 0.9 when one contains the other and the query
    has at least 3 bytes (UTF-8, as Rust's ``len``); else the Jaccard index of their whitespace tokens."""
    if not query or not target:
        return 0.0
    if query == target:
        return 1.0
    if len(query.encode("utf-8")) >= 3 and (query in target or target in query):
        return 0.9
    a, b = set(query.split()), set(target.split())
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def explain_fuzzy(query: str, target: str, score: float, field: MatchField, original: str) -> tuple[MatchRule, str]:
    """The rule behind a reference fuzzy score and a sentence saying why."""
    what = f'{field.value.replace("_", " ")} "{original}"'
    if score == 0.9 and (query in target or target in query):
        inner, outer = (f'query "{query}"', what) if query in target else (what, f'query "{query}"')
        return MatchRule.CONTAINMENT, f"{inner} is contained in {outer} after normalisation (score 0.9)"
    a, b = set(query.split()), set(target.split())
    return (
        MatchRule.TOKEN_JACCARD,
        f"{what} shares {len(a & b)} of {len(a | b)} distinct words with the query (Jaccard {score:.3f})",
    )


def check_threshold(threshold: float) -> float:
    """Raises ValidationError unless 0 < threshold <= 1."""
    if not 0 < threshold <= 1:
        raise ValidationError(f"threshold must be in (0, 1], got {threshold}")
    return threshold


def identifier_key(value: str) -> str:
    """The reference's identifier key: trimmed and upper-cased."""
    return value.strip().upper()


class ReferenceSanctionsChecker:
    """The reference SanctionsChecker: exact name, then (only without an exact hit) a full fuzzy scan, then
    identifiers; de-duplicated by entry id keeping the first match."""

    def __init__(self, entries: Iterable[SanctionsEntry], *, snapshot_id: str = "") -> None:
        self.entries = list(entries)
        self.snapshot_id = snapshot_id
        self._names: dict[str, list[tuple[int, MatchField, str]]] = {}
        self._identifiers: dict[str, list[tuple[int, str, str]]] = {}
        for index, entry in enumerate(self.entries):
            for which, name in entry.names():
                key = normalise(name)
                if key:
                    self._names.setdefault(key, []).append((index, which, name))
            for kind, value in entry.identifiers:
                self._identifiers.setdefault(identifier_key(value), []).append((index, kind, value))

    def check_entity(
        self, name: str, identifiers: Sequence[tuple[str, str]] = (), *, threshold: float = 0.7
    ) -> ScreeningResult:
        """Screen ``name`` (and ``(type, value)`` identifiers) against every entry."""
        check_threshold(threshold)
        query = normalise(name)
        found: list[SanctionsMatch] = []
        exact = self._names.get(query)
        if exact:
            found.extend(self._exact(query, hit) for hit in exact)
        else:
            for key, hits in self._names.items():
                score = fuzzy_score(query, key)
                if score >= threshold:
                    found.extend(self._fuzzy(query, key, score, hit) for hit in hits)
        for kind, value in identifiers:
            found.extend(self._identifier(kind, value, hit) for hit in self._identifiers.get(identifier_key(value), ()))
        return ScreeningResult(name, self.snapshot_id, threshold, tuple(first_per_entry(found)))

    def _exact(self, query: str, hit: tuple[int, MatchField, str]) -> SanctionsMatch:
        index, which, original = hit
        why = f'{which.value.replace("_", " ")} "{original}" equals the query after normalisation ("{query}")'
        return SanctionsMatch(self.entries[index], 1.0, which, original, MatchRule.EXACT_NAME, why)

    def _fuzzy(self, query: str, key: str, score: float, hit: tuple[int, MatchField, str]) -> SanctionsMatch:
        index, which, original = hit
        rule, why = explain_fuzzy(query, key, score, which, original)
        return SanctionsMatch(self.entries[index], score, which, original, rule, why)

    def _identifier(self, kind: str, value: str, hit: tuple[int, str, str]) -> SanctionsMatch:
        index, listed_kind, listed = hit
        why = f'identifier {listed_kind} "{listed}" equals the query\'s {kind or "identifier"} "{value}"'
        return SanctionsMatch(
            self.entries[index], 1.0, MatchField.IDENTIFIER, listed, MatchRule.IDENTIFIER, why, listed_kind
        )


def first_per_entry(matches: Iterable[SanctionsMatch]) -> list[SanctionsMatch]:
    """De-duplicate by entry id, keeping the first match (the reference's rule)."""
    seen: set[str] = set()
    out = []
    for match in matches:
        if match.entry_id not in seen:
            seen.add(match.entry_id)
            out.append(match)
    return out
