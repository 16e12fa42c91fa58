# ruff: noqa: S608 - the f-strings join fixed table and column names and fragments built
# here; every value a person typed travels as a query parameter.
"""SQLite: FTS5 over the folded text (unicode61 tokenizer, diacritics removed).

The query side does what FTS5 cannot: each term is lightly stemmed (text.light_stem)
and matched as a prefix, which gives both "stemming" and search-as-you-type. The
approximate fallback shortens each term to a prefix of 60% of it: cruder than
PostgreSQL's trigrams, it still forgives a typo near the end of a word."""

from .base import BUMP, Sql, SqlSearchBackend, _where
from .memory import ELSEWHERE, IN_ACTIVITY, IN_NAME
from .text import fuzzy_prefix, light_stem

FTS = "directory_search_fts"
VOCABULARY = "directory_search_fts_instance"
# The columns of the relevance tiers (the relevance order of base.py): name and identifiers, then the
# activity too; the description comes last.
TIERS = ("name ident", "name ident activity")


def match_expression(text, columns=None):
    """The FTS5 query of a TextQuery: `"stem"* "stem"*` for plain words, with OR'ed
    parenthesised alternatives for the expressions of the synonyms file."""
    shorten = fuzzy_prefix if text.fuzzy else light_stem

    def word(w):
        # Words are [a-z0-9]+ (text.parse): quoting them cannot break the FTS5 syntax.
        return f'"{w.text}"' if w.exact else f'"{shorten(w.text)}"*'

    def either(parts, operator):
        parts = list(dict.fromkeys(parts))
        return parts[0] if len(parts) == 1 else "(" + f" {operator} ".join(parts) + ")"

    groups = [
        either([either([word(w) for w in alternative], "AND") for alternative in group], "OR")
        for group in text.groups
    ]
    # FTS5 reads juxtaposed phrases as AND, not juxtaposed parentheses.
    expression = (" AND " if any(len(g) > 1 for g in text.groups) else " ").join(groups)
    return f"{{{columns}}} : ({expression})" if columns else expression


class SQLiteSearchBackend(SqlSearchBackend):
    vendor = "sqlite"
    # SQLite keeps the left table of a CROSS JOIN as the outer loop.
    driving_join = "CROSS JOIN"

    def has_text_match(self, text):
        rows = self._execute(
            Sql(f"SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT 1", [match_expression(text)])
        )
        return bool(rows)

    def text_matches(self, text):
        return Sql(
            f"SELECT rowid AS org_id FROM {FTS} WHERE {FTS} MATCH %s", [match_expression(text)]
        )

    def _matches(self, expression):
        return Sql(f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [expression])

    def term_lookups(self, text):
        shorten = fuzzy_prefix if text.fuzzy else light_stem
        return lambda w: [(w.text, True)] if w.exact else [(shorten(w.text), False)]

    def text_postings(self):
        # fts5vocab's instance table lists every occurrence (term, doc, column) of the
        # FTS5 index itself: the in-memory index matches what MATCH matches.
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{VOCABULARY} "
                f"USING fts5vocab(main, {FTS}, instance)"
            )
        where = (
            f"CASE col WHEN 'name' THEN {IN_NAME} WHEN 'ident' THEN {IN_NAME} "
            f"WHEN 'activity' THEN {IN_ACTIVITY} ELSE {ELSEWHERE} END"
        )
        return self._stream(
            Sql(
                "SELECT term, group_concat(doc * 8 + parts) FROM ("
                "SELECT term, doc, SUM(part) AS parts FROM ("
                f"SELECT DISTINCT term, doc, {where} AS part FROM temp.{VOCABULARY}"
                ") GROUP BY term, doc) GROUP BY term"
            )
        )

    def ranked_ids(self, text, conditions, offset, limit):
        where = _where([Sql(f"{FTS} MATCH %s", [match_expression(text)]), *conditions])
        first, second = (self._matches(match_expression(text, columns)) for columns in TIERS)
        return Sql(
            f"SELECT o.org_id FROM {FTS} CROSS JOIN directory_search_org o ON o.org_id = {FTS}.rowid"
            f"{where.sql} ORDER BY CASE WHEN o.org_id IN ({first.sql}) THEN 0 "
            f"WHEN o.org_id IN ({second.sql}) THEN 1 ELSE 2 END, LENGTH(o.name), "
            f"{self.name_order} LIMIT %s OFFSET %s",
            where.params + first.params + second.params + [limit, offset],
        )

    def rebuild(self):
        from importlib import import_module

        migration = import_module("essor.directory.migrations.0003_search_index")
        with self.connection.cursor() as cursor:
            cursor.execute(BUMP)
            for statement in migration.sqlite_backfill():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
