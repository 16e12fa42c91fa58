"""The platform's document index: the Document table, and beside it the text to match —
SQLite: an FTS5 table (rowid = document id) emptied with its rows by a trigger;
PostgreSQL: a weighted tsvector column with a GIN index, and a trigram (GiST) index on
the folded title for misspellings. Rows are written by essor/search/index.py."""

from django.db import migrations, models

SQLITE = [
    """CREATE VIRTUAL TABLE search_document_fts USING fts5(
        title, keywords, body,
        tokenize = "unicode61 remove_diacritics 2", prefix = '2 3 4')""",
    # Django's flush (DELETE FROM, which fires triggers) and deletes empty both.
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document
    BEGIN DELETE FROM search_document_fts WHERE rowid = OLD.id; END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRESQL = [
    "ALTER TABLE search_document ADD COLUMN document tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_document_document ON search_document USING gin (document)",
    # GiST, not GIN: the misspelling fallback asks for the nearest titles (KNN on <<->).
    "CREATE INDEX search_document_trgm ON search_document USING gist (title_sort gist_trgm_ops)",
]
POSTGRESQL_DROP = [
    "DROP INDEX IF EXISTS search_document_trgm",
    "DROP INDEX IF EXISTS search_document_document",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS document",
]


def run(statements):
    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # essor_unaccent() and the pg_trgm extension.
        ("directory", "0003_search_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="IndexedKind",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("version", models.CharField(max_length=40)),
                ("fingerprint", models.CharField(blank=True, max_length=100)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "type indexé",
                "verbose_name_plural": "types indexés",
            },
        ),
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40, verbose_name="type")),
                ("key", models.CharField(max_length=100, verbose_name="identifiant")),
                ("title", models.CharField(max_length=300, verbose_name="titre")),
                ("title_sort", models.CharField(max_length=300)),
                ("url", models.CharField(max_length=500, verbose_name="adresse")),
                ("summary", models.TextField(blank=True, verbose_name="résumé")),
                (
                    "context",
                    models.CharField(blank=True, max_length=300, verbose_name="précisions"),
                ),
                (
                    "territory",
                    models.CharField(blank=True, max_length=200, verbose_name="territoire"),
                ),
                ("priority", models.BigIntegerField(default=0, verbose_name="priorité")),
            ],
            options={
                "verbose_name": "document indexé",
                "verbose_name_plural": "documents indexés",
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="one_document_per_key")
                ],
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
