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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
    fuzzy_score,
    identifier_key,
)

_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class _Name:
    entry: int
    field: MatchField
    original: str


class _TokenIndex:
    """Names (by id) per token, with each name's token set, for Jaccard prefix filtering."""

    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = {}
        self.tokens: list[frozenset[str]] = []

    def add(self, text: str) -> None:
        tokens = frozenset(text.split())
        name_id = len(self.tokens)
        self.tokens.append(tokens)
        for token in tokens:
            self.postings.setdefault(token, []).append(name_id)

    def candidates(self, query_tokens: frozenset[str], threshold: float) -> set[int]:
        known = sorted((t for t in query_tokens if t in self.postings), key=lambda t: len(self.postings[t]))
        needed = max(1, math.ceil(threshold * len(query_tokens) - 1e-9))
        if len(known) < needed:
            return set()
        prefix = len(known) - needed + 1
        if prefix == 1:
            found = set(self.postings[known[0]])
            for token in known[1:]:
                found.intersection_update(self.postings[token])
                if not found:
                    break
            return found
        found = set()
        for token in known[:prefix]:
            found.update(self.postings[token])
        low, high = threshold * len(query_tokens) - 1e-9, len(query_tokens) / threshold + 1e-9
        return {i for i in found if low <= len(self.tokens[i]) <= high}


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
        self._trigrams: dict[str, list[int]] = {}
        self._folded = _NameIndex()
        self._folded_keys: dict[str, list[int]] = {}
        self._identifiers: dict[str, list[tuple[int, str, str]]] = {}
        for index, entry in enumerate(self.entries):
            self._index_entry(index, entry)

    def _index_entry(self, index: int, entry: SanctionsEntry) -> None:
        for which, name in entry.names():
            hit = _Name(index, which, name)
            key = normalise(name)
            if key and (key_id := self._names.add(key, hit)) is not None:
                for trigram in {key[i : i + 3] for i in range(len(key) - 2)}:
                    self._trigrams.setdefault(trigram, []).append(key_id)
            folded = fold(name)
            if self.folding and folded and (form_id := self._folded.add(folded, hit)) is not None:
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
        if self.folding:
            found.extend(self._folded_matches(name, threshold))
        for kind, value in identifiers:
            for hit in self._identifiers.get(self._identifier_key(value), ()):
                found.append(self._identifier(kind, value, hit))
        matches = _best_per_entry(found) if self.folding else first_per_entry(found)
        return ScreeningResult(name, self.snapshot_id, threshold, tuple(matches))

    def _reference_matches(self, query: str, threshold: float) -> list[SanctionsMatch]:
        if not query:
            return []
        candidates = self._names.tokens.candidates(frozenset(query.split()), threshold)
        exact = self._names.by_form.get(query)
        if exact is not None:
            candidates.add(exact)
        if len(query.encode("utf-8")) >= 3:
            candidates |= self._containing(query)
            candidates |= self._contained(query)
        found = []
        for key_id in sorted(candidates):
            key = self._names.forms[key_id]
            score = fuzzy_score(query, key)
            if score >= threshold:
                for hit in self._names.hits[key_id]:
                    found.append(self._exact(query, hit) if key == query else self._fuzzy(query, key, score, hit))
        return found

    def _containing(self, query: str) -> set[int]:
        """Names that contain the query."""
        forms = self._names.forms
        if len(query) < 3:
            return {i for i, key in enumerate(forms) if query in key}
        trigrams = sorted(
            {query[i : i + 3] for i in range(len(query) - 2)}, key=lambda t: len(self._trigrams.get(t, ()))
        )
        found = set(self._trigrams.get(trigrams[0], ()))
        for trigram in trigrams[1:3]:
            found.intersection_update(self._trigrams.get(trigram, ()))
        return {i for i in found if query in forms[i]}

    def _contained(self, query: str) -> set[int]:
        """Names that are substrings of the query."""
        by_form = self._names.by_form
        size = len(query)
        found = set()
        for start in range(size):
            if query[start] == " ":
                continue
            for end in range(start + 1, size + 1):
                key_id = by_form.get(query[start:end])
                if key_id is not None:
                    found.add(key_id)
        return found

    def _folded_matches(self, name: str, threshold: float) -> list[SanctionsMatch]:
        folded = fold(name)
        if not folded:
            return []
        tokens = folded.split()
        key = " ".join(sorted(tokens))
        same_key = set(self._folded_keys.get(key, ()))
        candidates = same_key | self._folded.tokens.candidates(frozenset(tokens), threshold)
        found: list[SanctionsMatch] = []
        for form_id in sorted(candidates):
            form = self._folded.forms[form_id]
            score = 1.0 if form_id in same_key else fuzzy_score(folded, form)
            if score >= threshold:
                found.extend(self._folded_match(name, folded, form, score, hit) for hit in self._folded.hits[form_id])
        return found

    def _exact(self, query: str, hit: _Name) -> SanctionsMatch:
        why = f'{_label(hit.field)} "{hit.original}" equals the query after normalisation ("{query}")'
        return SanctionsMatch(self.entries[hit.entry], 1.0, hit.field, hit.original, MatchRule.EXACT_NAME, why)

    def _fuzzy(self, query: str, key: str, score: float, hit: _Name) -> SanctionsMatch:
        rule, why = explain_fuzzy(query, key, score, hit.field, hit.original)
        return SanctionsMatch(self.entries[hit.entry], score, hit.field, hit.original, rule, why)

    def _folded_match(self, name: str, folded: str, form: str, score: float, hit: _Name) -> SanctionsMatch:
        changes = ", ".join(folding_changes(name, hit.original)) or "folding"
        if score == 1.0:
            rule = MatchRule.FOLDED_EXACT
            why = f'{_label(hit.field)} "{hit.original}" equals the query after folding ({changes}): "{form}"'
        else:
            base, why = explain_fuzzy(folded, form, score, hit.field, hit.original)
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


def _best_per_entry(matches: Iterable[SanctionsMatch]) -> list[SanctionsMatch]:
    """One match per entry, the best-scoring (first on ties), ordered by score then entry id."""
    best: dict[str, SanctionsMatch] = {}
    for match in matches:
        current = best.get(match.entry_id)
        if current is None or match.score > current.score:
            best[match.entry_id] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.entry_id))
