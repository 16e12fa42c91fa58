"""Folded text for accent-insensitive search, the same on SQLite and PostgreSQL."""

import re

from essor.core.text import fold

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def search_fold(text):
    """fold(), then every non-alphanumeric character as a space: « Fédération HIERO :
    "MANet" » and "federation hiero manet" then match the same way."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def search_words(query):
    return search_fold(query[:200]).split()[:10]


def initiative_search_text(*, title, summary, body, territory, names):
    parts = [title, summary, body, territory, *names]
    return f" {search_fold(' '.join(p for p in parts if p))} "
