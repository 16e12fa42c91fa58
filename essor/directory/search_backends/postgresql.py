# ruff: noqa: S608 - the f-strings join fixed table and column names and fragments built
# here; every value a person typed travels as a query parameter.
"""PostgreSQL: a weighted tsvector (French stems and unaccented words) behind a GIN
index, ranked with ts_rank; trigram word similarity on the folded name (pg_trgm, GiST)
when no organisation matches the words — "Limouzin" still finds "Limousin Actif"."""

from .base import BUMP, Sql, SqlSearchBackend, _join, _where


def tsquery(text):
    """Every term as a prefix, both stemmed (French) and as typed (simple)."""
    parts = [
        Sql("(to_tsquery('french', %s) || to_tsquery('simple', %s))", [f"{t}:*", f"{t}:*"])
        for t in text.terms
    ]
    return _join(parts, " && ")


# The approximate fallback keeps the FUZZY_CANDIDATES names nearest to the query (a
# KNN scan of the GiST trigram index) whose word similarity reaches FUZZY_THRESHOLD:
# pg_trgm's default threshold (0.6) misses "limouzin" / "limousin" (0.56).
FUZZY_CANDIDATES = 50
FUZZY_THRESHOLD = 0.45


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

    def has_text_match(self, terms):
        from .base import TextQuery

        query = tsquery(TextQuery(terms))
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

    def ranked_ids(self, text, conditions, offset, limit):
        if text.fuzzy:
            nearest = fuzzy_matches(text)
            match = Sql(f"o.org_id IN ({nearest.sql})", nearest.params)
            rank = Sql("word_similarity(%s, o.name_folded) DESC", [fuzzy_text(text)])
        else:
            query = tsquery(text)
            match = Sql(f"o.document @@ ({query.sql})", query.params)
            rank = Sql(f"ts_rank(o.document, ({query.sql})) DESC", query.params)
        where = _where([match, *conditions])
        return Sql(
            f"SELECT o.org_id FROM directory_search_org o{where.sql} "
            f"ORDER BY {rank.sql}, {self.name_order} LIMIT %s OFFSET %s",
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
