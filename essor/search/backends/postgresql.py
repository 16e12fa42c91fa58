# ruff: noqa: S608 - the f-strings join fixed table and column names and fragments built
# here; every value a person typed travels as a query parameter.
"""PostgreSQL: a weighted tsvector (French stems and unaccented words) behind a GIN
index, ranked with ts_rank; trigram word similarity on the folded name (pg_trgm, GiST)
when no organisation matches the words — "Limouzin" still finds "Limousin Actif"."""

from .base import BUMP, Sql, SqlSearchBackend, TextQuery, _where
from .memory import ELSEWHERE, IN_ACTIVITY, IN_NAME
from .synonyms import Word
from .text import fuzzy_prefix, light_stem


def tsquery(text, weights=""):
    """Every word as a prefix, both stemmed (French) and as typed (text.prefixes), an
    acronym as a whole word; the alternatives of the synonyms file OR'ed. With
    `weights`, found only in the parts of the document of those weights (A: name and
    identifiers, B: activity, D: description)."""

    def word(w):
        # Lexemes are [a-z0-9]+ (stems of text.parse's words): they cannot break the syntax.
        suffix = ":" + weights if w.exact and weights else "" if w.exact else f":*{weights}"
        return "(" + " | ".join(f"{lexeme}{suffix}" for lexeme in text.prefixes[w]) + ")"

    def either(parts, operator):
        parts = list(dict.fromkeys(parts))
        return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"

    expression = " & ".join(
        either([either([word(w) for w in alternative], "&") for alternative in group], "|")
        for group in text.groups
    )
    return Sql("to_tsquery('simple', %s)", [expression])


def shortest_prefixes(prefixes):
    """The prefixes no other one of them starts: "lieu" covers "lieux"."""
    prefixes = sorted(set(prefixes), key=len)
    kept = []
    for prefix in prefixes:
        if not any(prefix.startswith(shorter) for shorter in kept):
            kept.append(prefix)
    return tuple(kept)


# term -> its French stem ("" for a stop word), as PostgreSQL's dictionary gives it.
_stems = {}
MAX_STEMS = 50_000


def tier(text):
    """The relevance tier (the relevance order of base.py) of a document matching `text`, in SQL."""
    first, second = tsquery(text, "A"), tsquery(text, "AB")
    return Sql(
        f"CASE WHEN document @@ ({first.sql}) THEN 0 WHEN document @@ ({second.sql}) THEN 1 "
        "ELSE 2 END",
        first.params + second.params,
    )


# The approximate fallback keeps the FUZZY_CANDIDATES names nearest to the query (a
# KNN scan of the GiST trigram index) whose word similarity reaches FUZZY_THRESHOLD:
# pg_trgm's default threshold (0.6) misses "limouzin" / "limousin" (0.56).
FUZZY_CANDIDATES = 50
FUZZY_THRESHOLD = 0.45
# In memory, the similarity is computed for the names holding a word that starts like a
# typed one (text.fuzzy_prefix, the embedded backend's approximation: a typo past the
# first 60 % of a word) — a few primary-key reads, where the KNN scan reads the whole
# trigram index. Beyond this many such names, the KNN scan.
FUZZY_SCAN = 5000


def fuzzy_text(text):
    return " ".join(text.terms)


def fuzzy_matches(text):
    words = fuzzy_text(text)
    return Sql(
        "SELECT org_id FROM (SELECT org_id, word_similarity(%s, name_folded) AS similarity "
        "FROM directory_search_org ORDER BY %s <<-> name_folded LIMIT %s) nearest "
        "WHERE similarity >= %s",
        [words, words, FUZZY_CANDIDATES, FUZZY_THRESHOLD],
    )


class PostgreSQLSearchBackend(SqlSearchBackend):
    vendor = "postgresql"
    # Byte order, as SQLite sorts the folded names: both backends list alike.
    name_order = 'o.name_sort COLLATE "C", o.org_id'

    def text_query(self, groups, fuzzy=False):
        query = TextQuery(groups, fuzzy)
        return TextQuery(groups, fuzzy, self.prefixes(query.words))

    def prefixes(self, words):
        """{word: the lexemes to look for}: for a word, its French stem and the word as
        typed ("cooperati" is past the stem "cooper"), or the stem alone when the word
        starts with it — each prefix more costs a scan of the index; for an acronym,
        the word and its stem, whole."""
        missing = sorted({w.text for w in words if w.text not in _stems})
        if missing:
            if len(_stems) > MAX_STEMS:
                _stems.clear()
            rows = self._execute(
                Sql(
                    "SELECT t, to_tsquery('french', t || ':*')::text FROM unnest(%s::text[]) t",
                    [missing],
                )
            )
            for term, query in rows:
                _stems[term] = query.split("'")[1] if query else ""
        found = {}
        for word in words:
            term, stem = word.text, _stems.get(word.text, "")
            if word.exact:
                found[word] = tuple(dict.fromkeys(filter(None, (stem, term))))
                continue
            # The embedded backend's light stem too: snowball keeps "lieux" whole while
            # "lieu" stems to itself, so "tiers-lieux" would miss "tiers-lieu".
            found[word] = shortest_prefixes(filter(None, (stem, term, light_stem(term))))
        return found

    def has_text_match(self, text):
        query = tsquery(text)
        rows = self._execute(
            Sql(
                f"SELECT 1 FROM directory_search_org WHERE document @@ ({query.sql}) LIMIT 1",
                query.params,
            )
        )
        return bool(rows)

    def text_matches(self, text):
        # `t` carries the organisation's columns: the facets need no second read of
        # directory_search_org, whose rows (with their tsvector) are wide.
        columns = "org_id, family, esus, name_sort"
        if text.fuzzy:
            nearest = fuzzy_matches(text)
            return Sql(
                f"SELECT {columns} FROM directory_search_org WHERE org_id IN ({nearest.sql})",
                nearest.params,
            )
        query = tsquery(text)
        return Sql(
            f"SELECT {columns} FROM directory_search_org WHERE document @@ ({query.sql})",
            query.params,
        )

    def _org_from(self, text):
        return "directory_search_org o" if text is None else "t o"

    def _rank(self, text):
        if text.fuzzy:
            return Sql("-word_similarity(%s, name_folded)", [fuzzy_text(text)])
        return tier(text)

    def term_lookups(self, text):
        return lambda w: [(lexeme, w.exact) for lexeme in text.prefixes[w]]

    def text_postings(self):
        # One row per lexeme of the documents, the organisations aggregated by the
        # server. Weights: A the name and identifiers, B the activity, D the rest.
        def part(weights, value):
            return f"CASE WHEN u.weights && '{{{weights}}}'::text[] THEN {value} ELSE 0 END"

        where = " + ".join((part("A", IN_NAME), part("B", IN_ACTIVITY), part("C,D", ELSEWHERE)))
        return self._stream(
            Sql(
                f"SELECT u.lexeme, string_agg((o.org_id * 8 + {where})::text, ',') "
                "FROM directory_search_org o, unnest(o.document) u GROUP BY u.lexeme"
            )
        )

    def text_hits_in_memory(self, text, snapshot):
        if not text.fuzzy:
            return super().text_hits_in_memory(text, snapshot)
        # Organisations whose name holds a word starting like one of the typed words.
        typed = (tuple((Word(term),) for term in text.terms),)
        near = snapshot.text_masks(typed, lambda w: [(fuzzy_prefix(w.text), False)])[2]
        candidates = snapshot.org_id[near]
        if len(candidates) > FUZZY_SCAN:
            nearest = fuzzy_matches(text)
        else:
            nearest = Sql(
                "SELECT org_id FROM (SELECT org_id, word_similarity(%s, name_folded) AS "
                "similarity FROM directory_search_org WHERE org_id = ANY(%s) "
                "ORDER BY similarity DESC LIMIT %s) nearest WHERE similarity >= %s",
                [fuzzy_text(text), candidates.tolist(), FUZZY_CANDIDATES, FUZZY_THRESHOLD],
            )
        rank = self._rank(text)
        rows = self._execute(
            Sql(
                f"SELECT org_id, {rank.sql} FROM directory_search_org "
                f"WHERE org_id IN ({nearest.sql})",
                rank.params + nearest.params,
            )
        )
        return snapshot.ranked_hits([row[0] for row in rows], [row[1] for row in rows])

    def ranked_ids(self, text, conditions, offset, limit):
        if text.fuzzy:
            nearest = fuzzy_matches(text)
            match = Sql(f"o.org_id IN ({nearest.sql})", nearest.params)
        else:
            query = tsquery(text)
            match = Sql(f"o.document @@ ({query.sql})", query.params)
        rank = self._rank(text)
        where = _where([match, *conditions])
        return Sql(
            f"SELECT o.org_id FROM directory_search_org o{where.sql} "
            f"ORDER BY {rank.sql}, "
            f"LENGTH(o.name), {self.name_order} LIMIT %s OFFSET %s",
            where.params + rank.params + [limit, offset],
        )

    def rebuild(self):
        from importlib import import_module

        migration = import_module("essor.directory.migrations.0003_search_index")
        with self.connection.cursor() as cursor:
            cursor.execute(BUMP)
            for statement in migration.PG_BACKFILL:
                cursor.execute(statement)
            cursor.execute("ANALYZE directory_search_org")
            cursor.execute("ANALYZE directory_search_site")
