"""Name normalisation for sanctions screening: the reference rule and our folding (decisions: "Sanctions screening").

:func:`normalise` is the reference's rule (reference-impl A 6.2): lower-case, every character that is not a letter,
digit or whitespace becomes a space, whitespace collapses. (Python's ``str.isalnum`` is used; Rust's
``is_alphanumeric`` also keeps a few combining vowel signs, which only matters for unvocalised scripts.)

:func:`fold` is the documented improvement, written here because the rules are ours and small: NFKD with combining
marks dropped (diacritics), a few letters NFKD leaves alone (ø, ł, đ, æ, œ, dotless i), apostrophes removed rather than
split (``Sa'id`` -> ``said``), ``Abd al``/``Abdel``/``Abdur``... joined as ``abdul``, and common romanisations of
Arabic and Urdu names mapped to one spelling (Mohammed/Mohamed/Muhammad -> ``muhammad``). Word order is handled
by comparing sorted tokens (:func:`folded_key`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Final

_LETTERS: Final = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)
_APOSTROPHES: Final = str.maketrans(dict.fromkeys("'`\u2019\u2018\u02bb\u02bc\u02be\u02bf\u00b4\u2032", ""))

_VARIANTS: Final[Mapping[str, tuple[str, ...]]] = {
    "muhammad": ("mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamad", "muhamed", "mohd", "mehmet"),
    "ahmad": ("ahmed", "ahmet"),
    "hasan": ("hassan",),
    "husain": ("hussain", "hussein", "husein", "hosein", "hossein", "husayn", "hussien"),
    "yusuf": ("yousuf", "yousef", "youssef", "yusef", "yousif", "yusif"),
    "usama": ("osama", "ousama"),
    "umar": ("omar", "omer"),
    "uthman": ("usman", "osman", "othman", "osmaan"),
    "abdullah": ("abdallah", "abdulla", "abdalla"),
    "khalid": ("khaled",),
    "mahmud": ("mahmood", "mahmoud"),
    "mustafa": ("mostafa", "moustafa", "mustapha"),
    "qasim": ("kasim", "qassem", "kassem", "qasem", "kasem"),
    "rahman": ("rehman", "rahmaan"),
    "shaikh": ("sheikh", "shaykh", "sheik"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "ismail": ("ismael", "ismaeel", "esmail"),
    "yasin": ("yaseen", "yassin", "yassine"),
    "karim": ("kareem",),
    "rahim": ("raheem",),
    "zahir": ("zaheer",),
    "nasir": ("nasser", "nassir", "naseer", "nasr"),
    "chaudhry": ("chaudhary", "chaudhri", "choudhry", "choudhury", "chowdhury", "chaudhari"),
    "farooq": ("faruq", "farouk", "farook", "farouq"),
    "tariq": ("tarek", "tarik", "tareq"),
    "saeed": ("said", "saeid", "saied"),
    "abu": ("abou",),
    "jamal": ("gamal",),
    "iqbal": ("ikbal",),
    "abdul": ("abdel", "abdal", "abdol", "abdoul", "abdur", "abdus", "abdurrahman"),
}
TRANSLITERATIONS: Final[Mapping[str, str]] = {
    variant: canonical for canonical, variants in _VARIANTS.items() for variant in variants
}
_ABD_ARTICLES: Final = frozenset({"al", "el", "ul", "ur", "us", "as", "ar", "an", "ad", "ud", "ol"})


def normalise(text: str) -> str:
    """The reference normalisation: lower-case, non-alphanumerics to spaces, whitespace collapsed."""
    lowered = text.lower()
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in lowered).split())


def fold_tokens(text: str) -> list[str]:
    """Folded tokens of a name, in their original order."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(_LETTERS)
    tokens = normalise(stripped).split()
    out: list[str] = []
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        if token == "abd" and i + 1 < len(tokens) and tokens[i + 1] in _ABD_ARTICLES:
            out.append("abdul")
            skip = True
            continue
        out.append(TRANSLITERATIONS.get(token, token))
    return out


def fold(text: str) -> str:
    """Folded form: diacritics removed, one spelling per common transliteration, normalised."""
    return " ".join(fold_tokens(text))


def folded_key(text: str) -> str:
    """Folded tokens sorted: equal for names that differ only by folding and word order."""
    return " ".join(sorted(fold_tokens(text)))


def folding_changes(query: str, name: str) -> list[str]:
    """What folding had to do to make ``query`` and ``name`` agree: diacritics, transliteration, word order."""
    kinds = []
    plain = [normalise(_strip_marks(s)) for s in (query, name)]
    if plain != [normalise(query), normalise(name)]:
        kinds.append("diacritics")
    respelt = [t for s in plain for t in s.split() if t in TRANSLITERATIONS]
    if respelt or any(" abd " in f" {s} " for s in plain) or any(s != s.translate(_APOSTROPHES) for s in (query, name)):
        kinds.append("transliteration")
    if fold(query) != fold(name) and folded_key(query) == folded_key(name):
        kinds.append("word order")
    return kinds


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)
