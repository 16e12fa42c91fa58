"""The field's synonyms and acronyms (essor/search/data/synonyms.txt), read once per
process: what lets « GE » find « groupement d'employeurs » and the reverse.

The file is applied to the query, never to the documents: editing it takes effect at the
next start, without rebuilding any index. Each expression is matched on the light stems
of its words (text.light_stem), so "groupements d'employeurs" matches the expression
"groupement d'employeurs"; an expression written in capitals is an acronym, searched as
whole words."""

import functools
import re
from pathlib import Path
from typing import NamedTuple

FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.txt"
# Enough for the longest expression of the file; a longer match is never looked for.
MAX_EXPRESSION_WORDS = 12
ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9 ]*$")


class Word(NamedTuple):
    """A word to look for: as a prefix of the words of a document (with its light
    stem), or, when `exact`, as a whole word (acronyms)."""

    text: str
    exact: bool = False


class SynonymError(ValueError):
    pass


class Synonyms:
    """Expressions and, for each, the alternatives a query holding it also looks for."""

    def __init__(self, lines):
        from .text import expression_words

        # key (stems of the words) -> the expression as words
        self.expressions = {}
        equivalent = {}  # key -> set of keys (its class, itself included)
        extra = {}  # key -> keys it also finds (one-way lines)

        def read(text, number):
            words = expression_words(text)
            if not words:
                raise SynonymError(f"ligne {number} : expression vide ou faite de petits mots")
            acronym = bool(ACRONYM.match(text.strip()))
            expression = tuple(Word(word, exact=acronym) for word in words)
            key = self.key(expression)
            self.expressions.setdefault(key, expression)
            equivalent.setdefault(key, {key})
            return key

        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if "=>" in line:
                left, right = line.split("=>", 1)
                sources = [read(e, number) for e in left.split(",") if e.strip()]
                targets = [read(e, number) for e in right.split(",") if e.strip()]
                if not sources or not targets:
                    raise SynonymError(f"ligne {number} : « a => b, c » attendu")
                for source in sources:
                    extra.setdefault(source, set()).update(targets)
            else:
                keys = [read(e, number) for e in line.split(",") if e.strip()]
                merged = set().union(*(equivalent[k] for k in keys))
                for key in merged:
                    equivalent[key] = merged
        self.alternatives = {}
        for key in self.expressions:
            found = set(equivalent[key])
            for member in equivalent[key]:
                for target in extra.get(member, ()):
                    found |= equivalent[target]
            # An alternative holding all the words of a shorter one finds nothing more.
            found = {k for k in found if not any(set(o) < set(k) for o in found)} | {key}
            if len(found) > 1:
                ordered = sorted(found - {key}, key=lambda k: self.expressions[k])
                self.alternatives[key] = tuple(self.expressions[k] for k in ordered)
        self.longest = min(
            MAX_EXPRESSION_WORDS, max((len(k) for k in self.alternatives), default=0)
        )

    @staticmethod
    def key(words):
        from .text import light_stem

        return tuple(w.text if w.exact else light_stem(w.text) for w in words)

    def match(self, words, start):
        """The longest expression of the file that starts at words[start]: (number of
        words, the expression as typed — its own exact words for an acronym —, its
        alternatives), or None."""
        for length in range(min(self.longest, len(words) - start), 0, -1):
            typed = tuple(Word(w) for w in words[start : start + length])
            for key in (self.key(typed), tuple(w.text for w in typed)):
                alternatives = self.alternatives.get(key)
                if alternatives is not None:
                    own = self.expressions[key]
                    return length, (own if own[0].exact else typed), alternatives
        return None


@functools.cache
def shipped():
    return Synonyms(FILE.read_text(encoding="utf-8").splitlines())
