"""One search interface (base.SearchBackend), two backends: SQLite FTS5 (the embedded
default) and PostgreSQL full-text search. get_backend() picks the one of the database."""

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections

from .base import BBox, Near, SearchBackend, SearchFilters, SearchResult

__all__ = ["BBox", "Near", "SearchBackend", "SearchFilters", "SearchResult", "get_backend"]


def get_backend(using=None):
    conn = connection if using is None else connections[using]
    if conn.vendor == "sqlite":
        from .sqlite import SQLiteSearchBackend

        return SQLiteSearchBackend(conn)
    if conn.vendor == "postgresql":
        from .postgresql import PostgreSQLSearchBackend

        return PostgreSQLSearchBackend(conn)
    raise ImproperlyConfigured(
        f"La recherche de l'annuaire ne fonctionne qu'avec SQLite ou PostgreSQL (base « {conn.vendor} »)."
    )
