"""The platform's document index (what /recherche/ searches beside the directory): one
row per published item of every registered kind (registry.py), written from Python.

The text to match is not in these columns: SQLite keeps it in the FTS5 table
search_document_fts (rowid = Document.id), PostgreSQL in the tsvector column
search_document.document that migration 0001 adds — both written by index.py."""

from django.db import models


class Document(models.Model):
    kind = models.CharField("type", max_length=40)
    # The item's identifier within its kind (a primary key, a slug).
    key = models.CharField("identifiant", max_length=100)
    title = models.CharField("titre", max_length=300)
    # The folded title: the tie-break of the ranking, the same bytes on both databases.
    title_sort = models.CharField(max_length=300)
    url = models.CharField("adresse", max_length=500)
    summary = models.TextField("résumé", blank=True)
    context = models.CharField("précisions", max_length=300, blank=True)
    territory = models.CharField("territoire", max_length=200, blank=True)
    # Among documents of the same relevance, the higher first (a commune's population).
    priority = models.BigIntegerField("priorité", default=0)

    class Meta:
        verbose_name = "document indexé"
        verbose_name_plural = "documents indexés"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_document_per_key")]

    def __str__(self):
        return f"{self.kind} : {self.title}"


class IndexedKind(models.Model):
    """What the index holds of each kind: the version of its documents and the
    fingerprint of its published items when they were written. A kind whose version or
    fingerprint changed (or that is new) is indexed again before the next search."""

    name = models.CharField(max_length=40, primary_key=True)
    version = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=100, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "type indexé"
        verbose_name_plural = "types indexés"

    def __str__(self):
        return f"{self.name} (version {self.version})"
