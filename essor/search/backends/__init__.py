"""One search interface (base.SearchBackend), two backends: SQLite FTS5 (the embedded
default) and PostgreSQL full-text search. get_backend() picks the one of the database."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

from .base import BBox, Near, SearchBackend, SearchFilters, SearchResult

__all__ = ["BBox", "Near", "SearchBackend", "SearchFilters", "SearchResult", "get_backend"]


def get_backend(using=None):
    """The backend of `using`, by default of the database the router reads the directory
    from: a replica during a read-only request when there are some (essor/core/replicas.py)."""
    if using is None:
        from essor.directory.models import Organisation

        using = router.db_for_read(Organisation)
    conn = connections[using]
    if conn.vendor == "sqlite":
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(conn)
    if conn.vendor == "postgresql":
        from .postgresql import PostgreSQLSearchBackend

        return PostgreSQLSearchBackend(conn)
    raise ImproperlyConfigured(
        f"La recherche de l'annuaire ne fonctionne qu'avec SQLite ou PostgreSQL (base « {conn.vendor} »)."
    )
