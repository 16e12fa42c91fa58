"""What a person types, turned into search terms the two backends share.

Both backends fold case and accents the same way (Python here, unaccent or FTS5's
unicode61 tokenizer on the documents). PostgreSQL stems with its French snowball
dictionary; FTS5 has no French stemmer, so for SQLite `light_stem` cuts the common
French inflections off a query term and the term is matched as a prefix: "économiques"
becomes `econom*`, which finds "économie", "économique"... Irregular forms a prefix
cannot reach ("chevaux"/"cheval" aside) are a known gap of the embedded backend.
"""

import re

from essor.core.text import fold

# Words that carry no meaning on their own: dropped from queries, otherwise "de"
# would be read as the prefix "de*" and demand a word starting with "de".
STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "ou",
        "par",
        "pour",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "the",
        "of",
        "and",
    ]
)

MAX_TERMS = 8
MIN_PREFIX = 2

# Longest first; the stem must keep at least MIN_STEM letters.
SUFFIXES = [
    ("issements", ""), ("issement", ""), ("ements", ""), ("ement", ""), ("ations", ""),
    ("ation", ""), ("atrices", ""), ("atrice", ""), ("ateurs", ""), ("ateur", ""),
    ("iques", ""), ("ique", ""), ("ismes", ""), ("isme", ""), ("istes", ""), ("iste", ""),
    ("ives", ""), ("ive", ""), ("ifs", ""), ("if", ""), ("euses", ""), ("euse", ""),
    ("eurs", ""), ("eur", ""), ("ites", ""), ("ite", ""), ("aires", "ar"), ("aire", "ar"),
    ("aux", "al"), ("ales", "al"), ("ale", "al"), ("ies", ""), ("ie", ""), ("es", ""),
    ("e", ""), ("s", ""), ("x", ""),
]  # fmt: skip
MIN_STEM = 4

WORD = re.compile(r"[a-z0-9]+")


def normalise(text):
    """Folded text: lower case, no accents, ligatures spelt out."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return fold(text)


def terms(query):
    """The words of a query worth searching for, folded, in order, without repeats."""
    words = WORD.findall(normalise(query))
    kept = [w for w in words if w not in STOPWORDS and len(w) >= MIN_PREFIX]
    if not kept:
        # A query made only of stop words ("les uns") still means something: search
        # them rather than nothing.
        kept = [w for w in words if len(w) >= MIN_PREFIX]
    seen, result = set(), []
    for word in kept:
        if word not in seen:
            seen.add(word)
            result.append(word)
    return result[:MAX_TERMS]


def light_stem(word):
    """A prefix shared by the usual French inflections of `word` (see module docstring)."""
    if word.isdigit() or len(word) <= MIN_STEM:
        return word
    for suffix, replacement in SUFFIXES:
        if word.endswith(suffix):
            stem = word[: len(word) - len(suffix)] + replacement
            if len(stem) >= MIN_STEM:
                return stem
    return word


def fuzzy_prefix(word):
    """A shorter prefix for the approximate fallback: a typo past the first 60% of the
    word ("limouzin" -> "limou") still finds the name."""
    if word.isdigit():
        return word
    keep = max(MIN_STEM, -(-len(word) * 6 // 10))
    return word[:keep]
