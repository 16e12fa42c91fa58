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

from .synonyms import Word, shipped

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
    ("eurs", ""), ("eur", ""), ("ites", ""), ("ite", ""), ("aires", "a"), ("aire", "a"),
    ("aux", "a"), ("ales", "a"), ("ale", "a"), ("als", "a"), ("al", "a"), ("ies", ""),
    ("ie", ""), ("es", ""), ("e", ""), ("s", ""), ("x", ""),
]  # fmt: skip
# "-aire" and "-al" words keep the "a" that their other forms share: "solida" finds
# solidaire, solidaires and solidarité; "socia" finds social, sociale and sociaux.
MIN_STEM = 4

WORD = re.compile(r"[a-z0-9]+")


def normalise(text):
    """Folded text: lower case, no accents, ligatures spelt out."""
    text = (text or "").replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return fold(text)


def expression_words(text):
    """The words of a text worth searching for, folded, in order."""
    words = WORD.findall(normalise(text))
    kept = [w for w in words if w not in STOPWORDS and len(w) >= MIN_PREFIX]
    if not kept:
        # A query made only of stop words ("les uns") still means something: search
        # them rather than nothing.
        kept = [w for w in words if len(w) >= MIN_PREFIX]
    return kept


def terms(query):
    """The words of a query worth searching for, folded, in order, without repeats."""
    return list(dict.fromkeys(expression_words(query)))[:MAX_TERMS]


def parse(query, synonyms=None):
    """The query as groups that a document must all match (AND). A group is a tuple of
    alternatives (OR), an alternative a tuple of Words (AND): one word as typed, or an
    expression of the synonyms file with its equivalents — « GE » becomes
    (("ge" as a whole word), ("groupement", "employeur"), ...)."""
    if synonyms is None:
        synonyms = shipped()
    words = expression_words(query)
    groups, position = [], 0
    while position < len(words) and len(groups) < MAX_TERMS:
        found = synonyms.match(words, position)
        if found is None:
            group = ((Word(words[position]),),)
            position += 1
        else:
            length, typed, alternatives = found
            group = (typed, *alternatives)
            position += length
        if group not in groups:
            groups.append(group)
    return tuple(groups)


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


def holds_every_group(groups, text):
    """Whether `text` holds every group of a parsed query (parse()): the test the
    relevance's first tier makes on a title, in Python."""
    words = WORD.findall(normalise(text))

    def found(word):
        if word.exact:
            return word.text in words
        stem = light_stem(word.text)
        return any(w.startswith(stem) for w in words)

    return all(any(all(found(w) for w in alternative) for alternative in group) for group in groups)
