"""Indexed sanctions screening: the reference's scoring without scanning every entry per query.

Candidates come from blocking indexes that are complete for the reference score (so ``folding=False`` returns
exactly what :class:`ReferenceSanctionsChecker` returns; a property test holds it to that):

* equal names: a dict of normalised names;
* the query inside a name (0.9): names holding the query's rarest character trigrams, then ``in``;
* a name inside the query (0.9): every substring of the query looked up in that dict;
* token Jaccard >= threshold: prefix filtering. A name needs at least ``ceil(threshold * |Q|)`` of the query's
  tokens, so it holds one of the ``|Q| - ceil(threshold * |Q|) + 1`` rarest; with one left, it holds them all.

With ``folding=True`` (the default) names are also compared after :func:`~msez.pack._names.fold` (diacritics,
transliterations, word order), candidates for that come from a folded-token index with the same prefix rule,
every entry scoring at least the threshold is reported (no short-cut after an exact hit), and each match reports
its best rule. Identifiers then also ignore separators (``35202-1234567-1`` = ``3520212345671``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from msez.pack._names import fold, folding_changes, normalise
from msez.pack._sanctions import (
    MatchField,
    MatchRule,
    SanctionsEntry,
    SanctionsMatch,
    ScreeningResult,
    check_threshold,
    explain_fuzzy,
    first_per_entry,
    identifier_key,
)

_SEPARATORS = re.compile(r"[\W_]+")
_MAX_GROUPS = 10
"""Up to this many token groups, Jaccard candidates are the union of each group's posting intersection."""


@dataclass(frozen=True)
class _Name:
    entry: int
    field: MatchField
    original: str


class _TokenIndex:
    """Names (by id) per token, with each name's token set, for Jaccard prefix filtering."""

    def __init__(self) -> None:
        self.postings: dict[str, set[int]] = {}
        self.tokens: list[frozenset[str]] = []

    def add(self, text: str) -> None:
        tokens = frozenset(text.split())
        name_id = len(self.tokens)
        self.tokens.append(tokens)
        for token in tokens:
            self.postings.setdefault(token, set()).add(name_id)

    def candidates(self, query_tokens: frozenset[str], threshold: float) -> set[int]:
        known = sorted((t for t in query_tokens if t in self.postings), key=lambda t: len(self.postings[t]))
        needed = max(1, math.ceil(threshold * len(query_tokens) - 1e-9))
        if len(known) < needed:
            return set()
        misses = len(known) - needed
        postings = [self.postings[t] for t in known]
        if misses == 0:
            # The name holds every known token: intersect the postings, rarest first.
            return set.intersection(*postings)
        if math.comb(len(known), needed) <= _MAX_GROUPS:
            # Few enough groups of ``needed`` tokens to intersect each one (set work in C, nothing to filter).
            found = set().union(*(set.intersection(*group) for group in combinations(postings, needed)))
        elif needed >= 2:
            # It misses at most ``misses`` tokens, so it holds two of the ``misses + 2`` rarest.
            found = set().union(*(a & b for a, b in combinations(postings[: misses + 2], 2)))
        else:
            found = set().union(*postings[: misses + 1])
        low, high = threshold * len(query_tokens) - 1e-9, len(query_tokens) / threshold + 1e-9
        tokens = self.tokens
        return {i for i in found if low <= len(tokens[i]) <= high and len(query_tokens & tokens[i]) >= needed}

    def score(self, query: str, query_tokens: frozenset[str], form: str, form_id: int) -> float:
        """:func:`fuzzy_score` of ``query`` and the indexed ``form``, reusing both token sets."""
        if query == form:
            return 1.0
        if len(query.encode("utf-8")) >= 3 and (query in form or form in query):
            return 0.9
        other = self.tokens[form_id]
        union = len(query_tokens | other)
        return len(query_tokens & other) / union if union else 0.0


class _NameIndex:
    """Distinct name forms (normalised or folded), the entry names behind each, and a token index over them."""

    def __init__(self) -> None:
        self.forms: list[str] = []
        self.hits: list[list[_Name]] = []
        self.by_form: dict[str, int] = {}
        self.tokens = _TokenIndex()

    def add(self, form: str, hit: _Name) -> int | None:
        """Record ``hit`` under ``form``; returns the form's id if it is new."""
        form_id = self.by_form.get(form)
        if form_id is not None:
            self.hits[form_id].append(hit)
            return None
        form_id = len(self.forms)
        self.by_form[form] = form_id
        self.forms.append(form)
        self.hits.append([hit])
        self.tokens.add(form)
        return form_id


class SanctionsScreener:
    """Screen names and identifiers against sanctions entries through blocking indexes.

    Args:
        folding: add the folded comparisons (the documented improvements); ``False`` reproduces the reference.
    """

    def __init__(self, entries: Iterable[SanctionsEntry], *, snapshot_id: str = "", folding: bool = True) -> None:
        self.entries = list(entries)
        self.snapshot_id = snapshot_id
        self.folding = folding
        self._names = _NameIndex()
        self._trigrams: dict[str, set[int]] = {}
        self._folded = _NameIndex()
        self._folded_keys: dict[str, list[int]] = {}
        self._identifiers: dict[str, list[tuple[int, str, str]]] = {}
        for index, entry in enumerate(self.entries):
            self._index_entry(index, entry)
        self._longest_form = max(map(len, self._names.forms), default=0)

    @classmethod
    def from_regpack(cls, document: Mapping[str, Any], *, folding: bool = True) -> SanctionsScreener:
        """A screener over a regpack document's ``sanctions_entries`` (snapshot id from ``sanctions_snapshot``)."""
        entries = [SanctionsEntry.from_json(e) for e in document.get("sanctions_entries") or ()]
        snapshot_id = str((document.get("sanctions_snapshot") or {}).get("snapshot_id", ""))
        return cls(entries, snapshot_id=snapshot_id, folding=folding)

    def _index_entry(self, index: int, entry: SanctionsEntry) -> None:
        for which, name in entry.names():
            hit = _Name(index, which, name)
            key = normalise(name)
            if key and (key_id := self._names.add(key, hit)) is not None:
                for trigram in {key[i : i + 3] for i in range(len(key) - 2)}:
                    self._trigrams.setdefault(trigram, set()).add(key_id)
            folded = fold(name) if self.folding else ""
            if folded and (form_id := self._folded.add(folded, hit)) is not None:
                self._folded_keys.setdefault(" ".join(sorted(folded.split())), []).append(form_id)
        for kind, value in entry.identifiers:
            self._identifiers.setdefault(self._identifier_key(value), []).append((index, kind, value))

    def _identifier_key(self, value: str) -> str:
        key = identifier_key(value)
        return _SEPARATORS.sub("", key) if self.folding else key

    def screen(
        self, name: str, identifiers: Sequence[tuple[str, str]] = (), *, threshold: float = 0.7
    ) -> ScreeningResult:
        """Screen ``name`` and ``(type, value)`` identifiers; every entry scoring at least ``threshold``."""
        check_threshold(threshold)
        query = normalise(name)
        exact = self._names.by_form.get(query)
        if exact is not None and not self.folding:
            found = [self._exact(query, hit) for hit in self._names.hits[exact]]
        else:
            found = self._reference_matches(query, threshold)
        for kind, value in identifiers:
            for hit in self._identifiers.get(self._identifier_key(value), ()):
                found.append(self._identifier(kind, value, hit))
        if not self.folding:
            return ScreeningResult(name, self.snapshot_id, threshold, tuple(first_per_entry(found)))
        best: dict[str, SanctionsMatch] = {}
        for match in found:
            if match.entry_id not in best or match.score > best[match.entry_id].score:
                best[match.entry_id] = match
        for entry_id, (score, form, folded_hit) in self._folded_best(name, threshold).items():
            if entry_id not in best or score > best[entry_id].score:
                best[entry_id] = self._folded_match(name, form, score, folded_hit)
        matches = sorted(best.values(), key=lambda m: (-m.score, m.entry_id))
        return ScreeningResult(name, self.snapshot_id, threshold, tuple(matches))

    def _reference_matches(self, query: str, threshold: float) -> list[SanctionsMatch]:
        if not query:
            return []
        query_tokens = frozenset(query.split())
        candidates = self._names.tokens.candidates(query_tokens, threshold)
        exact = self._names.by_form.get(query)
        if exact is not None:
            candidates.add(exact)
        if len(query.encode("utf-8")) >= 3:
            candidates |= self._containing(query)
            candidates |= self._contained(query)
        found = []
        for key_id in sorted(candidates):
            key = self._names.forms[key_id]
            score = self._names.tokens.score(query, query_tokens, key, key_id)
            if score >= threshold:
                for hit in self._names.hits[key_id]:
                    found.append(self._exact(query, hit) if key == query else self._fuzzy(query, key, score, hit))
        return found

    def _containing(self, query: str) -> set[int]:
        """Names that contain the query."""
        forms = self._names.forms
        if len(query) < 3:
            return {i for i, key in enumerate(forms) if query in key}
        postings = sorted((self._trigrams.get(query[i : i + 3], set()) for i in range(len(query) - 2)), key=len)
        return {i for i in set.intersection(*postings) if query in forms[i]}

    def _contained(self, query: str) -> set[int]:
        """Names that are substrings of the query (a name neither starts nor ends with a space)."""
        by_form = self._names.by_form
        size = len(query)
        longest = self._longest_form
        found = set()
        for start in range(size):
            if query[start] == " ":
                continue
            for end in range(start + 1, min(size, start + longest) + 1):
                if query[end - 1] == " ":
                    continue
                key_id = by_form.get(query[start:end])
                if key_id is not None:
                    found.add(key_id)
        return found

    def _folded_best(self, name: str, threshold: float) -> dict[str, tuple[float, str, _Name]]:
        """Best folded comparison per entry id: ``(score, folded form, name)``; explanations are built later,
        only for the comparisons that end up reported."""
        folded = fold(name)
        if not folded:
            return {}
        tokens = frozenset(folded.split())
        same_key = set(self._folded_keys.get(" ".join(sorted(folded.split())), ()))
        candidates = same_key | self._folded.tokens.candidates(tokens, threshold)
        best: dict[str, tuple[float, str, _Name]] = {}
        for form_id in sorted(candidates):
            form = self._folded.forms[form_id]
            score = 1.0 if form_id in same_key else self._folded.tokens.score(folded, tokens, form, form_id)
            if score < threshold:
                continue
            for hit in self._folded.hits[form_id]:
                entry_id = self.entries[hit.entry].entry_id
                if entry_id not in best or score > best[entry_id][0]:
                    best[entry_id] = (score, form, hit)
        return best

    def _exact(self, query: str, hit: _Name) -> SanctionsMatch:
        why = f'{_label(hit.field)} "{hit.original}" equals the query after normalisation ("{query}")'
        return SanctionsMatch(self.entries[hit.entry], 1.0, hit.field, hit.original, MatchRule.EXACT_NAME, why)

    def _fuzzy(self, query: str, key: str, score: float, hit: _Name) -> SanctionsMatch:
        rule, why = explain_fuzzy(query, key, score, hit.field, hit.original)
        return SanctionsMatch(self.entries[hit.entry], score, hit.field, hit.original, rule, why)

    def _folded_match(self, name: str, form: str, score: float, hit: _Name) -> SanctionsMatch:
        changes = ", ".join(folding_changes(name, hit.original)) or "folding"
        if score == 1.0:
            rule = MatchRule.FOLDED_EXACT
            why = f'{_label(hit.field)} "{hit.original}" equals the query after folding ({changes}): "{form}"'
        else:
            base, why = explain_fuzzy(fold(name), form, score, hit.field, hit.original)
            rule = MatchRule.FOLDED_CONTAINMENT if base is MatchRule.CONTAINMENT else MatchRule.FOLDED_JACCARD
            why = f"{why}; compared after folding ({changes})"
        return SanctionsMatch(self.entries[hit.entry], score, hit.field, hit.original, rule, why)

    def _identifier(self, kind: str, value: str, hit: tuple[int, str, str]) -> SanctionsMatch:
        index, listed_kind, listed = hit
        ignored = "case and separators" if self.folding else "case and surrounding space"
        why = f'identifier {listed_kind} "{listed}" equals the query\'s {kind or "identifier"} "{value}"'
        why += f" ({ignored} ignored)"
        return SanctionsMatch(
            self.entries[index], 1.0, MatchField.IDENTIFIER, listed, MatchRule.IDENTIFIER, why, listed_kind
        )


def _label(field: MatchField) -> str:
    return field.value.replace("_", " ")
